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
when the store could not be written). A store is upgraded in place when it is opened; its rows
are kept, and a Liike that only knows an older version refuses the upgraded file instead of
writing into it.
"""

from __future__ import annotations

import sqlite3

#: The newest schema this code reads and writes.
SCHEMA_VERSION = 3

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

#: Statements that bring a store from version ``v - 1`` to version ``v``. Shipped entries are
#: never edited: files in the field were made by them; a change is a new version.
MIGRATIONS: dict[int, list[str]] = {1: _V1, 2: _V2, 3: _V3}


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
