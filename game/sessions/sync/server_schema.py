"""The shared server's tables, roles and row-level security, and the versioned migrations to them.

Everything lives in the PostgreSQL schema ``liike``. ``liike.schema_migrations`` lists the
versions applied (``version``, ``applied_at``, ``description``); :func:`migrate` applies the
missing ones in order, each in its own transaction with its row, under an advisory lock so two
stations starting at once cannot both apply one. Shipped migrations are never edited: servers in
the field were made by them; a change is a new version.

Keys: every forwarded row is keyed by the station's installation id, the session's UUID, the
stream (one table per stream: ``hr``, ``imu``, ``pose``, ``fitness``, ``events``, ``gaps``) and
its sequence number in that stream (schema version 4 of the local store), so forwarding the same
rows again changes nothing (``INSERT ... ON CONFLICT DO NOTHING``). ``devices`` is keyed by
(installation, session, source, stream).

Sites and roles (PostgreSQL 15 manual, sections 5.8 "Row Security Policies" and 22 "Database
Roles"): each site (a hall, a school) logs in as its own role, a member of ``liike_station``.
A station may INSERT rows, and only rows of installations its site has claimed in
``liike.stations`` (the first sync of a station claims its installation id for the site); it
has no SELECT on any session data, so it cannot read its own rows, let alone another site's. It
reads the leaderboard through the ``liike.leaderboard_scores`` view only (mode, level,
pseudonym, score, time, site), which runs with its owner's rights. ``liike_reader`` may read
everything (research). The tables' owner (the role that ran the migrations) bypasses the policies.

Units as in the local store (:mod:`game.sessions.schema`): ``*_ns`` host monotonic ns (anchor
columns map them to Unix time), IMU and pose arrays as the same little-endian float32 bytes,
JSON columns as the exact text the station stored.
"""

from __future__ import annotations

from typing import Any

import psycopg

#: Advisory lock key taken while migrating ("LIIK" as an int32, as the local store's application id).
MIGRATION_LOCK = 0x4C49494B

_KEY = "installation_id uuid NOT NULL, session_uuid uuid NOT NULL"
_SESSION_FK = "FOREIGN KEY (installation_id, session_uuid) REFERENCES liike.sessions ON DELETE CASCADE"

#: Tables a station inserts into, each with its rows' key; every one has row-level security.
DATA_TABLES = ("sessions", "hr", "imu", "pose", "fitness", "events", "gaps", "devices")

_V1 = [
    "CREATE SCHEMA IF NOT EXISTS liike",
    # Roles are cluster-wide: create them only where missing (a second database on one cluster).
    """
    DO $$ BEGIN
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'liike_station') THEN CREATE ROLE liike_station NOLOGIN; END IF;
        IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'liike_reader') THEN CREATE ROLE liike_reader NOLOGIN; END IF;
    END $$
    """,
    """
    CREATE TABLE liike.stations (
        installation_id uuid PRIMARY KEY,
        site            name NOT NULL DEFAULT current_user,   -- the role it forwards as
        claimed_at      timestamptz NOT NULL DEFAULT now()
    )
    """,
    f"""
    CREATE TABLE liike.sessions (
        {_KEY},
        site            name NOT NULL DEFAULT current_user,
        player          text NOT NULL,                        -- pseudonym as stored, never a real name
        mode            text NOT NULL,
        level           text,
        started_at      timestamptz NOT NULL,
        ended_at        timestamptz,
        t0_ns           bigint NOT NULL,
        t_end_ns        bigint,
        score           double precision,
        summary_json    text,
        incomplete_json text,
        wall_anchor_ns  bigint,
        mono_anchor_ns  bigint,
        anchor_error_ns bigint,
        received_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (installation_id, session_uuid)
    )
    """,
    "CREATE INDEX sessions_board ON liike.sessions (mode, level, started_at)",
    f"""
    CREATE TABLE liike.hr (
        {_KEY}, seq integer NOT NULL,
        t_host_ns bigint NOT NULL, bpm integer NOT NULL, rr_json text NOT NULL, contact boolean,
        broadcast boolean NOT NULL, source text NOT NULL, energy_kj integer, t_device_ns bigint,
        PRIMARY KEY (installation_id, session_uuid, seq), {_SESSION_FK}
    )
    """,
    f"""
    CREATE TABLE liike.imu (
        {_KEY}, seq integer NOT NULL,
        t_host_ns bigint NOT NULL, t_first_ns bigint NOT NULL, rate_hz double precision NOT NULL,
        n integer NOT NULL, placement text NOT NULL, source text NOT NULL,
        acc bytea NOT NULL, gyr bytea, t_device_ns bigint,
        PRIMARY KEY (installation_id, session_uuid, seq), {_SESSION_FK}
    )
    """,
    f"""
    CREATE TABLE liike.pose (
        {_KEY}, seq integer NOT NULL,
        t_host_ns bigint NOT NULL, t_infer_ns bigint, player integer NOT NULL, source text NOT NULL,
        landmarks bytea NOT NULL, world bytea,
        PRIMARY KEY (installation_id, session_uuid, seq), {_SESSION_FK}
    )
    """,
    f"""
    CREATE TABLE liike.fitness (
        {_KEY}, seq integer NOT NULL,
        t_host_ns bigint NOT NULL, source text NOT NULL, speed_mps double precision,
        cadence_spm double precision, cadence_rpm double precision, power_w double precision,
        distance_m double precision, incline_pct double precision,
        PRIMARY KEY (installation_id, session_uuid, seq), {_SESSION_FK}
    )
    """,
    f"""
    CREATE TABLE liike.events (
        {_KEY}, seq integer NOT NULL,
        t_ns bigint NOT NULL, kind text NOT NULL, data_json text,
        PRIMARY KEY (installation_id, session_uuid, seq), {_SESSION_FK}
    )
    """,
    f"""
    CREATE TABLE liike.gaps (
        {_KEY}, seq integer NOT NULL,
        kind text NOT NULL, stream text, source text NOT NULL, t_from_ns bigint NOT NULL,
        t_to_ns bigint, detail text,
        PRIMARY KEY (installation_id, session_uuid, seq), {_SESSION_FK}
    )
    """,
    f"""
    CREATE TABLE liike.devices (
        {_KEY}, source text NOT NULL, stream text NOT NULL,
        device_kind text, model text, firmware text, placement text, rate_hz double precision,
        n integer NOT NULL, first_ns bigint NOT NULL, last_ns bigint NOT NULL,
        PRIMARY KEY (installation_id, session_uuid, source, stream), {_SESSION_FK}
    )
    """,
    # Which site an installation belongs to, for the policies. SECURITY DEFINER: the policies
    # run with the station's rights, and a station may not read the stations table itself.
    """
    CREATE FUNCTION liike.installation_site(inst uuid) RETURNS name
        LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$ SELECT site FROM liike.stations WHERE installation_id = inst $$
    """,
    "REVOKE ALL ON FUNCTION liike.installation_site(uuid) FROM PUBLIC",
    "GRANT EXECUTE ON FUNCTION liike.installation_site(uuid) TO liike_station",
    "GRANT USAGE ON SCHEMA liike TO liike_station, liike_reader",
    "GRANT SELECT ON liike.schema_migrations TO liike_station, liike_reader",
    # A station claims its installation for its own site, once; a claim by another site stays.
    "ALTER TABLE liike.stations ENABLE ROW LEVEL SECURITY",
    "GRANT INSERT (installation_id) ON liike.stations TO liike_station",
    "CREATE POLICY station_claims ON liike.stations FOR INSERT TO liike_station WITH CHECK (site = current_user)",
    *(
        statement
        for table in DATA_TABLES
        for statement in (
            f"ALTER TABLE liike.{table} ENABLE ROW LEVEL SECURITY",
            f"GRANT INSERT ON liike.{table} TO liike_station",
            f"CREATE POLICY station_inserts ON liike.{table} FOR INSERT TO liike_station "
            "WITH CHECK (liike.installation_site(installation_id) = current_user)",
            f"GRANT SELECT ON liike.{table} TO liike_reader",
            f"CREATE POLICY reader_reads ON liike.{table} FOR SELECT TO liike_reader USING (true)",
        )
    ),
    "GRANT SELECT ON liike.stations TO liike_reader",
    "CREATE POLICY reader_reads ON liike.stations FOR SELECT TO liike_reader USING (true)",
    # The leaderboard: finished sessions with a score, nothing else of them. A view runs with its
    # owner's rights (not security_invoker), so stations see every site's scores through it only.
    """
    CREATE VIEW liike.leaderboard_scores AS
        SELECT mode, level, player, score, started_at, site
        FROM liike.sessions WHERE score IS NOT NULL AND ended_at IS NOT NULL
    """,
    "GRANT SELECT ON liike.leaderboard_scores TO liike_station, liike_reader",
]

# Version 2: a replay (``liike replay``: a stored session fed back through the game, stored as a
# new session with a ``replay.of`` event) scores what the original scored; it is not a new result.
_V2 = [
    """
    CREATE OR REPLACE VIEW liike.leaderboard_scores AS
        SELECT s.mode, s.level, s.player, s.score, s.started_at, s.site
        FROM liike.sessions s
        WHERE s.score IS NOT NULL AND s.ended_at IS NOT NULL
          AND NOT EXISTS (
              SELECT FROM liike.events e
              WHERE e.installation_id = s.installation_id AND e.session_uuid = s.session_uuid AND e.kind = 'replay.of'
          )
    """,
]

# Version 3: a station erases its own site's sessions (a family's request, a class's retention)
# without being able to read them. The functions run with their owner's rights (SECURITY
# DEFINER), so they are written as the PostgreSQL manual's CREATE FUNCTION page, "Writing SECURITY
# DEFINER Functions Safely", asks: a fixed search_path with pg_temp last (here only pg_catalog and
# pg_temp, every other name schema-qualified), and EXECUTE revoked from PUBLIC in the transaction
# that creates them, then granted to liike_station alone.
#
# The site asking is ``session_user``, the role the station logged in as: inside a SECURITY
# DEFINER function ``current_user`` is the function's owner. It must be (a member of) the site
# that claimed the installation, the same rule as the insert policies. An installation no site has
# claimed holds nothing on the server: erasing in it erases nothing and is not an error.
#
# Every table whose rows hang off liike.sessions by a foreign key is emptied of the sessions'
# rows (found in pg_constraint at run time, so a stream table added by a later version is
# covered), then the sessions rows. liike.erasures keeps an audit row per call: when, which site
# and installation, by player or by sessions, how many sessions were asked for, erased and rows
# deleted; never the pseudonym, the session UUIDs or anything of the rows.
_V3 = [
    """
    CREATE TABLE liike.erasures (
        id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        erased_at       timestamptz NOT NULL DEFAULT now(),
        site            name NOT NULL,                -- the role that asked (session_user)
        installation_id uuid NOT NULL,
        what            text NOT NULL CHECK (what IN ('player', 'sessions')),
        asked           integer NOT NULL,             -- session UUIDs given (-1: by player)
        sessions        integer NOT NULL,             -- sessions rows deleted
        rows            bigint NOT NULL               -- rows deleted in every table, sessions included
    )
    """,
    "GRANT SELECT ON liike.erasures TO liike_reader",
    """
    CREATE FUNCTION liike.erase_checked(inst uuid, uuids uuid[], what text, asked integer) RETURNS integer
        LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$
    DECLARE
        owner_site name := liike.installation_site(inst);
        child regclass;
        n bigint;
        total bigint := 0;
        erased integer := 0;
    BEGIN
        IF owner_site IS NOT NULL THEN
            IF NOT pg_has_role(session_user, owner_site, 'MEMBER') THEN
                RAISE EXCEPTION 'installation % belongs to another site: % may not erase in it', inst, session_user
                    USING ERRCODE = 'insufficient_privilege';
            END IF;
            FOR child IN
                SELECT c.conrelid::regclass FROM pg_constraint c
                WHERE c.contype = 'f' AND c.confrelid = 'liike.sessions'::regclass AND c.conrelid <> c.confrelid
                ORDER BY c.conrelid
            LOOP
                EXECUTE format('DELETE FROM %s WHERE installation_id = $1 AND session_uuid = ANY ($2)', child)
                    USING inst, uuids;
                GET DIAGNOSTICS n = ROW_COUNT;
                total := total + n;
            END LOOP;
            DELETE FROM liike.sessions WHERE installation_id = inst AND session_uuid = ANY (uuids);
            GET DIAGNOSTICS erased = ROW_COUNT;
        END IF;
        INSERT INTO liike.erasures (site, installation_id, what, asked, sessions, rows)
            VALUES (session_user, inst, what, asked, erased, total + erased);
        RETURN erased;
    END
    $$
    """,
    # Only the two functions below may call it: no grant to anyone.
    "REVOKE ALL ON FUNCTION liike.erase_checked(uuid, uuid[], text, integer) FROM PUBLIC",
    """
    CREATE FUNCTION liike.erase_sessions(inst uuid, uuids uuid[]) RETURNS integer
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$ SELECT liike.erase_checked(inst, uuids, 'sessions', coalesce(cardinality(uuids), 0)) $$
    """,
    """
    CREATE FUNCTION liike.erase_player(inst uuid, player text) RETURNS integer
        LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
        AS $$
            SELECT liike.erase_checked(
                inst,
                coalesce((SELECT array_agg(s.session_uuid) FROM liike.sessions s
                          WHERE s.installation_id = inst AND s.player = erase_player.player), '{}'),
                'player', -1)
        $$
    """,
    *(
        statement
        for signature in ("erase_sessions(uuid, uuid[])", "erase_player(uuid, text)")
        for statement in (
            f"REVOKE ALL ON FUNCTION liike.{signature} FROM PUBLIC",
            f"GRANT EXECUTE ON FUNCTION liike.{signature} TO liike_station",
        )
    ),
]

#: Version -> (description, statements). Never edit a shipped entry; add a version.
MIGRATIONS: dict[int, tuple[str, list[str]]] = {
    1: ("sessions, streams, stations, station and reader roles, leaderboard view", _V1),
    2: ("replays left out of the leaderboard", _V2),
    3: ("stations erase their own site's sessions (erase_sessions, erase_player), audited in erasures", _V3),
}

#: The newest server schema this code writes to.
SERVER_SCHEMA_VERSION = max(MIGRATIONS)


class ServerSchemaError(Exception):
    """The server's schema is missing, older or newer than this code, or cannot be changed by
    this role; the message says what to run."""


def server_version(conn: psycopg.Connection[tuple[Any, ...]]) -> int:
    """The newest migration applied on the server (0 when there is no ``liike`` schema yet)."""
    with conn.cursor() as cur:
        cur.execute("SELECT to_regclass('liike.schema_migrations') IS NOT NULL")
        row = cur.fetchone()
        if not row or not row[0]:
            return 0
        cur.execute("SELECT coalesce(max(version), 0) FROM liike.schema_migrations")
        found = cur.fetchone()
    return int(found[0]) if found else 0


def migrate(conn: psycopg.Connection[tuple[Any, ...]], up_to: int = SERVER_SCHEMA_VERSION) -> list[int]:
    """Apply the missing migrations up to version ``up_to`` (needs a role that may create schemas,
    tables and roles: the database owner); return the versions applied now. ``conn`` must not be
    in a transaction."""
    applied: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
        conn.execute("CREATE SCHEMA IF NOT EXISTS liike")
        conn.execute(
            "CREATE TABLE IF NOT EXISTS liike.schema_migrations ("
            "version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now(), description text NOT NULL)"
        )
        current = server_version(conn)
        if current > SERVER_SCHEMA_VERSION:
            raise ServerSchemaError(newer_message(current))
        for version in range(current + 1, up_to + 1):
            description, statements = MIGRATIONS[version]
            with conn.transaction():  # a savepoint per version: all of it or none
                for statement in statements:
                    conn.execute(statement.encode())
                conn.execute("INSERT INTO liike.schema_migrations (version, description) VALUES (%s, %s)", (version, description))
            applied.append(version)
    return applied


def newer_message(version: int) -> str:
    return (
        f"the server's Liike schema is version {version}, newer than this Liike knows ({SERVER_SCHEMA_VERSION}): "
        "update Liike on this station; nothing was sent"
    )


def older_message(version: int) -> str:
    return (
        f"the server's Liike schema is version {version}, this Liike needs {SERVER_SCHEMA_VERSION}: the server's "
        "administrator runs `python -m game.sessions.sync.admin migrate` (see the README, Sync and leaderboards); "
        "nothing was sent, the sessions wait in the outbox"
    )
