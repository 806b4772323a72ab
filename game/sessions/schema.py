"""Database layout of the session store, its version, and the migrations between versions.

The schema version lives in SQLite's ``PRAGMA user_version`` (an integer in the file header, so
it changes atomically with the DDL inside one transaction). ``PRAGMA application_id`` marks the
file as a Liike store, so an unrelated SQLite file is refused instead of being written into.

Units in the tables: every ``*_ns`` column is host monotonic time in nanoseconds
(:mod:`sensors.clock`); ``started_at`` / ``ended_at`` / ``created_at`` are wall-clock ISO-8601 UTC
strings; accelerations are in g and angular rates in degrees/s, stored as little-endian float32
blobs in row-major (N, 3) order; pose landmarks are (33, 4) / (33, 3) float32 blobs; fitness
readings are plain REAL columns in SI-style units (m/s, steps/min, rev/min, W, m, %).

Versions: 1 players, sessions, counts, hr, imu, pose, events; 2 adds ``fitness`` (treadmills,
bikes, cadence sensors and foot pods); 3 adds ``sessions.incomplete_json`` (what a session lost
when the store could not be written); 4 adds identity and clocks: a UUID per session, the
installation that recorded it, the session's wall-clock anchor, a sequence number per stored row
of each stream, the devices seen and the gaps in their data. A store is upgraded in place when it is opened; its rows
are kept, and a Liike that only knows an older version refuses the upgraded file instead of
writing into it.
"""

from __future__ import annotations

import sqlite3

#: The newest schema this code reads and writes.
SCHEMA_VERSION = 4

#: ``PRAGMA application_id`` of a Liike store: the ASCII bytes "LIIK" as a big-endian int32.
APPLICATION_ID = 0x4C49494B


class StoreError(Exception):
    """The session store cannot be opened or used. The message names the file and what to do."""


# Samples are kept in one table per stream kind so each keeps typed columns; every table is
# indexed on (session_id, time) which serves per-session reads in time order, MAX(time) and the
# ON DELETE CASCADE lookups when a session or player is deleted.
_V1 = [
    """
    CREATE TABLE players (
        id          INTEGER PRIMARY KEY,
        pseudonym   TEXT NOT NULL UNIQUE,   -- never a real name: schools handle children's data
        created_at  TEXT NOT NULL           -- ISO-8601 UTC
    )
    """,
    """
    CREATE TABLE sessions (
        id           INTEGER PRIMARY KEY,
        player_id    INTEGER NOT NULL REFERENCES players(id) ON DELETE CASCADE,
        mode         TEXT NOT NULL,
        level        TEXT,
        started_at   TEXT NOT NULL,         -- ISO-8601 UTC, wall clock
        ended_at     TEXT,                  -- NULL until finished (stays NULL if killed)
        t0_ns        INTEGER NOT NULL,      -- host monotonic clock at start
        t_end_ns     INTEGER,               -- host monotonic clock at finish
        score        REAL,
        summary_json TEXT
    )
    """,
    "CREATE INDEX sessions_player ON sessions(player_id)",
    # Running totals per (session, kind), updated in the same transaction as each batch, so
    # listing many sessions never scans the sample tables. kind: hr, imu, pose, events (and
    # fitness from version 2).
    """
    CREATE TABLE session_counts (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        kind       TEXT NOT NULL,
        n          INTEGER NOT NULL,
        PRIMARY KEY (session_id, kind)
    ) WITHOUT ROWID
    """,
    """
    CREATE TABLE hr (
        session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_host_ns   INTEGER NOT NULL,
        bpm         INTEGER NOT NULL,
        rr_json     TEXT NOT NULL,          -- JSON list of RR intervals in seconds
        contact     INTEGER,                -- 1/0, NULL when the strap does not report it
        broadcast   INTEGER NOT NULL,
        source      TEXT NOT NULL,
        energy_kj   INTEGER,
        t_device_ns INTEGER
    )
    """,
    "CREATE INDEX hr_session_t ON hr(session_id, t_host_ns)",
    """
    CREATE TABLE imu (
        session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_host_ns   INTEGER NOT NULL,       -- batch arrival
        t_first_ns  INTEGER NOT NULL,       -- first sample of the batch
        rate_hz     REAL NOT NULL,
        n           INTEGER NOT NULL,       -- samples in the batch
        placement   TEXT NOT NULL,
        source      TEXT NOT NULL,
        acc         BLOB NOT NULL,          -- float32 LE (n, 3), g
        gyr         BLOB,                   -- float32 LE (n, 3), deg/s, or NULL
        t_device_ns INTEGER
    )
    """,
    "CREATE INDEX imu_session_t ON imu(session_id, t_first_ns)",
    """
    CREATE TABLE pose (
        session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_host_ns   INTEGER NOT NULL,       -- camera frame capture
        t_infer_ns  INTEGER,                -- inference finished
        player      INTEGER NOT NULL,
        source      TEXT NOT NULL,
        landmarks   BLOB NOT NULL,          -- float32 LE (33, 4): x, y, z, visibility
        world       BLOB                    -- float32 LE (33, 3) metres, or NULL
    )
    """,
    "CREATE INDEX pose_session_t ON pose(session_id, t_host_ns)",
    """
    CREATE TABLE events (
        session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_ns       INTEGER NOT NULL,
        kind       TEXT NOT NULL,
        data_json  TEXT                     -- JSON object or NULL
    )
    """,
    "CREATE INDEX events_session_t ON events(session_id, t_ns)",
]

# Version 2: readings of fitness machines and speed/cadence sensors (FTMS, RSC, CSC). One column
# per quantity rather than a JSON blob, so research queries can filter and average in SQL; a
# quantity the device did not send is NULL (a treadmill sends no crank cadence, a foot pod no
# power). Same (session_id, time) index and cascade as the other sample tables, so deleting a
# player removes these rows too. Counted in session_counts under kind "fitness".
_V2 = [
    """
    CREATE TABLE fitness (
        session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        t_host_ns   INTEGER NOT NULL,
        source      TEXT NOT NULL,
        speed_mps   REAL,                   -- m/s
        cadence_spm REAL,                   -- steps per minute (running)
        cadence_rpm REAL,                   -- crank revolutions per minute (cycling)
        power_w     REAL,                   -- W
        distance_m  REAL,                   -- m since the device started (device total)
        incline_pct REAL                    -- treadmill incline, %
    )
    """,
    "CREATE INDEX fitness_session_t ON fitness(session_id, t_host_ns)",
]

# Version 3: a session whose rows could not all be written (a full disk, a store that turned
# read-only) is marked so, instead of looking complete. NULL when every row was stored; else a
# JSON object: ``reason`` ("disk full", "read-only", "locked" or the error), ``stored`` and
# ``lost`` (readings per stream kind, and ``events``) and ``missing_from_ns`` / ``missing_to_ns``
# (host monotonic ns: the first and last time among the lost rows, so the gap can be shown).
_V3 = ["ALTER TABLE sessions ADD COLUMN incomplete_json TEXT"]

# A random (version 4) UUID in SQL, for sessions recorded before version 4: 122 random bits with
# the version nibble 4 and the variant bits 10 (RFC 9562 section 5.4).
_SQL_UUID4 = (
    "lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' || substr(lower(hex(randomblob(2))), 2) "
    "|| '-' || substr('89ab', 1 + (abs(random()) % 4), 1) || substr(lower(hex(randomblob(2))), 2) "
    "|| '-' || lower(hex(randomblob(6)))"
)

#: Tables whose rows carry a per-session, per-stream sequence number from version 4 on.
SEQUENCED_TABLES = ("hr", "imu", "pose", "fitness", "events")


def _number_rows(table: str) -> str:
    # 0, 1, 2 ... per session in the order the rows were stored (rowid): the order the writer
    # numbers new rows in, so an upgraded session reads as if it had been numbered from the start.
    return (
        f"UPDATE {table} SET seq = r.n FROM (SELECT rowid AS rid, row_number() OVER "
        f"(PARTITION BY session_id ORDER BY rowid) - 1 AS n FROM {table}) AS r WHERE {table}.rowid = r.rid"
    )


# Version 4: identity and clocks, so sessions can leave this file (exports, and later a shared
# server that upserts rows keyed by installation, session UUID, stream and sequence number).
#
# sessions.uuid: random UUID, unique in the store (older sessions get one in the upgrade).
# sessions.installation_id: the UUID of the station that recorded it (user configuration folder,
# see game.sessions.identity); NULL for sessions recorded before version 4 or where it could not
# be read. sessions.wall_anchor_ns / mono_anchor_ns: Unix time (UTC, ns) read at host monotonic
# time mono_anchor_ns, so any *_ns of the session maps to absolute time as
# wall_anchor_ns + (t_ns - mono_anchor_ns); anchor_error_ns bounds that anchor's error (half
# the time between the two monotonic reads around the wall-clock read; 1 ms for sessions
# before version 4, whose anchor is started_at, stored to the millisecond, and t0_ns).
#
# seq in every sample and event table: 0, 1, 2 ... per session and table, in stored order; rows
# that could not be stored take no number, so the numbers of a session have no holes.
#
# devices: one row per (session, source, stream): what kind of device it is (its status), the
# model and firmware where the device tells them, an IMU's placement and nominal rate, how many
# readings it gave and the host times of its first and last one (so its mean rate is known).
#
# gaps: stretches of a session without data, recorded as such rather than left for a reader to
# guess: kind "link" (the device left the connected/streaming states), "stale" (connected, but
# its data stopped), "data" (consecutive readings of a stream further apart than that stream
# allows, see game.sessions.gaps) and "store" (readings recorded but lost because the store
# could not be written). t_to_ns NULL: the gap had not closed when the session ended.
_V4 = [
    "ALTER TABLE sessions ADD COLUMN uuid TEXT",
    f"UPDATE sessions SET uuid = {_SQL_UUID4} WHERE uuid IS NULL",
    "CREATE UNIQUE INDEX sessions_uuid ON sessions(uuid)",
    "ALTER TABLE sessions ADD COLUMN installation_id TEXT",
    "ALTER TABLE sessions ADD COLUMN wall_anchor_ns INTEGER",
    "ALTER TABLE sessions ADD COLUMN mono_anchor_ns INTEGER",
    "ALTER TABLE sessions ADD COLUMN anchor_error_ns INTEGER",
    # julianday() reads the ISO-8601 text with its UTC offset; 2440587.5 is the Julian day of the
    # Unix epoch. Rounded to the millisecond the text holds.
    "UPDATE sessions SET mono_anchor_ns = t0_ns, anchor_error_ns = 1000000, "
    "wall_anchor_ns = CAST(round((julianday(started_at) - 2440587.5) * 86400000.0) AS INTEGER) * 1000000 "
    "WHERE wall_anchor_ns IS NULL AND julianday(started_at) IS NOT NULL",
    *(f"ALTER TABLE {t} ADD COLUMN seq INTEGER" for t in SEQUENCED_TABLES),
    *(_number_rows(t) for t in SEQUENCED_TABLES),
    """
    CREATE TABLE devices (
        session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        source      TEXT NOT NULL,
        stream      TEXT NOT NULL,          -- hr, imu, pose, fitness
        device_kind TEXT,                   -- from its status: heart_rate, imu, camera, sim ...
        model       TEXT,                   -- NULL where the device does not tell
        firmware    TEXT,                   -- NULL where the device does not tell
        placement   TEXT,                   -- IMU: where on the body
        rate_hz     REAL,                   -- IMU: nominal sampling rate, Hz
        n           INTEGER NOT NULL,       -- readings stored
        first_ns    INTEGER NOT NULL,       -- host time of the first reading
        last_ns     INTEGER NOT NULL,       -- host time of the last reading
        PRIMARY KEY (session_id, source, stream)
    ) WITHOUT ROWID
    """,
    "INSERT INTO devices(session_id, source, stream, n, first_ns, last_ns) "
    "SELECT session_id, source, 'hr', count(*), min(t_host_ns), max(t_host_ns) FROM hr GROUP BY session_id, source",
    "INSERT INTO devices(session_id, source, stream, placement, rate_hz, n, first_ns, last_ns) "
    "SELECT session_id, source, 'imu', max(placement), max(rate_hz), sum(n), min(t_first_ns), max(t_host_ns) "
    "FROM imu GROUP BY session_id, source",
    "INSERT INTO devices(session_id, source, stream, n, first_ns, last_ns) "
    "SELECT session_id, source, 'pose', count(*), min(t_host_ns), max(t_host_ns) FROM pose GROUP BY session_id, source",
    "INSERT INTO devices(session_id, source, stream, n, first_ns, last_ns) "
    "SELECT session_id, source, 'fitness', count(*), min(t_host_ns), max(t_host_ns) FROM fitness GROUP BY session_id, source",
    """
    CREATE TABLE gaps (
        session_id  INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
        seq         INTEGER NOT NULL,       -- 0, 1, 2 ... per session
        kind        TEXT NOT NULL,          -- link, stale, data, store
        stream      TEXT,                   -- hr, imu, pose, fitness; NULL for a whole device or the store
        source      TEXT NOT NULL,          -- the device (or "store")
        t_from_ns   INTEGER NOT NULL,       -- host monotonic ns: last data before / the drop
        t_to_ns     INTEGER,                -- host monotonic ns: data again; NULL: not before the end
        detail      TEXT                    -- the device's message, or what was lost
    )
    """,
    "CREATE INDEX gaps_session_t ON gaps(session_id, t_from_ns)",
]

#: Statements that bring a store from version ``v - 1`` to version ``v``. Shipped entries are
#: never edited: files in the field were made by them; a change is a new version.
MIGRATIONS: dict[int, list[str]] = {1: _V1, 2: _V2, 3: _V3, 4: _V4}


def read_version(conn: sqlite3.Connection) -> int:
    """The schema version recorded in the open database file."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection, where: str) -> int:
    """Create or upgrade the schema in ``conn`` to :data:`SCHEMA_VERSION`; return the version.

    ``conn`` must be in autocommit mode (``isolation_level=None``). ``where`` names the file in
    error messages. Each step runs in one ``BEGIN IMMEDIATE`` transaction together with its
    ``user_version`` bump, so a crash mid-migration leaves the previous version intact, and two
    processes opening a new file at once cannot both create the tables.

    Raises :class:`StoreError` for a newer schema or a file that belongs to another program.
    """
    version = check_version(conn, where)
    if version == SCHEMA_VERSION:
        return version
    conn.execute("BEGIN IMMEDIATE")
    try:
        version = check_version(conn, where)  # re-read under the write lock: another process may have won
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {target:d}")
        if version == 0:
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION


def check_version(conn: sqlite3.Connection, where: str) -> int:
    """The store's schema version; raise :class:`StoreError` for a file of another program, an
    SQLite file that is not a Liike store, or a newer schema. Reads only."""
    version = read_version(conn)
    app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
    if app_id not in (0, APPLICATION_ID):
        raise StoreError(
            f"{where} is an SQLite database of another program (application_id {app_id:#x}), "
            "not a Liike session store. Nothing was changed; choose a different database path."
        )
    if version == 0 and app_id == 0:
        has_tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        if has_tables:
            raise StoreError(
                f"{where} is an SQLite database but not a Liike session store (it already holds "
                "other tables). Nothing was changed; choose a different database path."
            )
    if version > SCHEMA_VERSION:
        raise StoreError(
            f"{where} was written by a newer Liike (schema version {version}; this version reads "
            f"up to {SCHEMA_VERSION}). Update Liike, or move the file aside to start a new store "
            "here. Nothing was changed or deleted."
        )
    return version
