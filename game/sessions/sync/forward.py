"""Forwarding finished sessions from the local store to the shared server.

Each session goes in one server transaction: its ``sessions`` row, then each stream copied with
``COPY`` into a temporary staging table and moved with ``INSERT ... SELECT ... ON CONFLICT DO
NOTHING`` (PostgreSQL 15 manual, sections "COPY" and "INSERT", ``ON CONFLICT``), so rows the
server already holds are kept as they are and counted as already there. Only after the server's
commit is the session marked as sent in the local outbox (:mod:`game.sessions.sync.outbox`). A
connection lost in between loses nothing: the server rolls back an unfinished transaction, and a
session committed but not marked is sent again next time and found already there.

Before any session, each sync sends the erasures the store has queued (sessions deleted here that
this server holds, :mod:`game.sessions.sync.erasure`), so a family's request is not held up
behind a backlog of new sessions.
"""

from __future__ import annotations

import dataclasses
import logging
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import psycopg.errors

from game.sessions import store as local_store
from game.sessions.identity import IdentityError, installation_id
from game.sessions.sync import erasure, outbox
from game.sessions.sync.server_schema import (
    SERVER_SCHEMA_VERSION,
    ServerSchemaError,
    migrate,
    newer_message,
    older_message,
    server_version,
)
from game.sessions.sync.url import ServerUrl, scrub, server_key

log = logging.getLogger("liike.sync")

#: Seconds to wait for the server to answer a connection (libpq ``connect_timeout``) unless the URL says.
CONNECT_TIMEOUT_S = 5
#: Milliseconds of unacknowledged sends after which libpq calls the connection lost
#: (``tcp_user_timeout``), so a cable pulled mid-sync ends the run instead of hanging it.
TCP_USER_TIMEOUT_MS = 30_000

Conn = psycopg.Connection[tuple[Any, ...]]


class ServerUnavailable(Exception):
    """The server cannot be reached, or the connection was lost; the message has no password."""


class SyncError(Exception):
    """The sync cannot go on (schema, permissions, local store); the message says what to do."""


@dataclasses.dataclass
class SyncResult:
    """What one sync did: ``sessions`` forwarded now (marked in the outbox), ``rows`` written to the
    server now (a session row, and every reading batch, event, gap and device row), ``already_there``
    (rows the server held before: an earlier sync cut short, or a copy of this store), ``pending``
    (finished sessions still not on the server), ``refused`` (sessions of an installation another
    site has claimed), ``failed`` (sessions the server rejected, with the reason logged),
    ``erased`` (sessions deleted at this station that the server erased now, sent before any
    session; see :mod:`.erasure`), ``erase_refused`` (erasures the server refused: another site's
    installation; they stay pending)."""

    sessions: int = 0
    rows: int = 0
    already_there: int = 0
    pending: int = 0
    refused: int = 0
    failed: int = 0
    erased: int = 0
    erase_refused: int = 0
    server: str = ""

    def as_json(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


@dataclasses.dataclass(frozen=True)
class _Stream:
    """One local table as forwarded: its columns (local names = server names) and their SQL types."""

    table: str
    columns: tuple[tuple[str, str], ...]
    select: str = ""  # the local SELECT's column list when it differs from the names

    @property
    def names(self) -> str:
        return ", ".join(name for name, _ in self.columns)


_STREAMS = (
    _Stream(
        "hr",
        (
            ("seq", "integer"),
            ("t_host_ns", "bigint"),
            ("bpm", "integer"),
            ("rr_json", "text"),
            ("contact", "boolean"),
            ("broadcast", "boolean"),
            ("source", "text"),
            ("energy_kj", "integer"),
            ("t_device_ns", "bigint"),
        ),
    ),
    _Stream(
        "imu",
        (
            ("seq", "integer"),
            ("t_host_ns", "bigint"),
            ("t_first_ns", "bigint"),
            ("rate_hz", "double precision"),
            ("n", "integer"),
            ("placement", "text"),
            ("source", "text"),
            ("acc", "bytea"),
            ("gyr", "bytea"),
            ("t_device_ns", "bigint"),
        ),
    ),
    _Stream(
        "pose",
        (
            ("seq", "integer"),
            ("t_host_ns", "bigint"),
            ("t_infer_ns", "bigint"),
            ("player", "integer"),
            ("source", "text"),
            ("landmarks", "bytea"),
            ("world", "bytea"),
        ),
    ),
    _Stream(
        "fitness",
        (
            ("seq", "integer"),
            ("t_host_ns", "bigint"),
            ("source", "text"),
            *((f, "double precision") for f in local_store.FITNESS_FIELDS),
        ),
    ),
    _Stream("events", (("seq", "integer"), ("t_ns", "bigint"), ("kind", "text"), ("data_json", "text"))),
    _Stream(
        "gaps",
        (
            ("seq", "integer"),
            ("kind", "text"),
            ("stream", "text"),
            ("source", "text"),
            ("t_from_ns", "bigint"),
            ("t_to_ns", "bigint"),
            ("detail", "text"),
        ),
    ),
    _Stream(
        "devices",
        (
            ("source", "text"),
            ("stream", "text"),
            ("device_kind", "text"),
            ("model", "text"),
            ("firmware", "text"),
            ("placement", "text"),
            ("rate_hz", "double precision"),
            ("n", "integer"),
            ("first_ns", "bigint"),
            ("last_ns", "bigint"),
        ),
    ),
)

#: psycopg type names for binary COPY of each column type used in :data:`_STREAMS`.
_BINARY_TYPES = {
    "integer": "int4",
    "bigint": "int8",
    "double precision": "float8",
    "text": "text",
    "boolean": "bool",
    "bytea": "bytea",
}

_SESSION_COLUMNS = (
    "installation_id, session_uuid, player, mode, level, started_at, ended_at, t0_ns, t_end_ns, score, "
    "summary_json, incomplete_json, wall_anchor_ns, mono_anchor_ns, anchor_error_ns"
)

#: Called with (session id, stream table) after each stream of a session is staged and moved,
#: inside the session's server transaction (a progress display; tests cut the connection there).
Progress = Callable[[int, str], None]


def connect(server: ServerUrl, *, connect_timeout_s: float = CONNECT_TIMEOUT_S) -> Conn:
    """An autocommit connection to the server; :class:`ServerUnavailable` (no password in it) when
    it cannot be made. The URL's own ``connect_timeout`` and ``sslmode`` win over the defaults here."""
    try:
        params = psycopg.conninfo.conninfo_to_dict(server.url)
    except psycopg.ProgrammingError:
        raise SyncError(f"the server URL from {server.origin} cannot be read as a PostgreSQL connection string") from None
    extra: dict[str, Any] = {"application_name": "liike-sync"}
    if "connect_timeout" not in params:
        extra["connect_timeout"] = max(1, round(connect_timeout_s))
    if "tcp_user_timeout" not in params:
        extra["tcp_user_timeout"] = TCP_USER_TIMEOUT_MS
    try:
        return psycopg.connect(server.url, autocommit=True, **extra)
    except psycopg.OperationalError as exc:
        raise ServerUnavailable(f"cannot reach the server {server.label}: {_reason(exc, server)}") from None


def _reason(exc: BaseException, server: ServerUrl) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return scrub(text, server.url)


def ready_server(conn: Conn, server: ServerUrl) -> None:
    """Check the server's schema is this code's; migrate it when it is older and this role may.
    Raises :class:`SyncError` otherwise."""
    version = server_version(conn)
    if version > SERVER_SCHEMA_VERSION:
        raise SyncError(newer_message(version))
    if version == SERVER_SCHEMA_VERSION:
        return
    try:
        applied = migrate(conn)
    except psycopg.errors.InsufficientPrivilege:
        raise SyncError(older_message(version)) from None
    except ServerSchemaError as exc:
        raise SyncError(str(exc)) from None
    log.info("server %s: schema migrated to version %s", server.label, applied[-1] if applied else version)


def _prepare_staging(conn: Conn) -> None:
    for stream in _STREAMS:
        cols = ", ".join(f"{name} {kind}" for name, kind in stream.columns)
        conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS stage_{stream.table} ({cols}) ON COMMIT DELETE ROWS".encode())


def _claim(conn: Conn, inst: str) -> bool:
    """Claim installation ``inst`` for this role's site where no site has it; whether it is this site's."""
    conn.execute("INSERT INTO liike.stations (installation_id) VALUES (%s) ON CONFLICT DO NOTHING", (inst,))
    row = conn.execute("SELECT liike.installation_site(%s) = current_user", (inst,)).fetchone()
    return bool(row and row[0])


def sync_store(
    db_path: Path | str,
    server: ServerUrl,
    *,
    connect_timeout_s: float = CONNECT_TIMEOUT_S,
    progress: Progress | None = None,
    limit: int | None = None,
) -> SyncResult:
    """Forward every finished session of the store at ``db_path`` that ``server`` lacks.

    Connects first, and touches the local store only once the server has answered (an
    unreachable server changes nothing here). ``limit``: at most this many sessions (the rest stay
    pending). Raises :class:`ServerUnavailable` when the server cannot be reached or the
    connection is lost (sessions forwarded before that stay marked; nothing is doubled), and
    :class:`SyncError` for a schema or permission problem or a store that cannot be used.
    """
    conn = connect(server, connect_timeout_s=connect_timeout_s)
    try:
        try:
            ready_server(conn, server)
            _prepare_staging(conn)
        except psycopg.OperationalError as exc:
            raise ServerUnavailable(f"the connection to {server.label} was lost: {_reason(exc, server)}") from None
        try:
            # Read-only first: a file of another program or of a newer Liike is refused untouched
            # (opening it for writing would already switch its journal mode).
            checked, _ = local_store.connect_read_only(db_path)
            checked.close()
            local = local_store.connect(db_path)
        except local_store.StoreError as exc:
            raise SyncError(str(exc)) from None
        try:
            return _forward_all(conn, local, server, progress, limit)
        except sqlite3.Error as exc:  # the store went away, locked for long, or damaged, mid-sync
            kind = local_store.fault_kind(exc)
            raise SyncError(
                f"cannot read {db_path} while forwarding ({kind or exc}); what was forwarded before stays marked, "
                "run the sync again"
            ) from None
        finally:
            local.close()
    finally:
        conn.close()


def _forward_all(
    conn: Conn, local: sqlite3.Connection, server: ServerUrl, progress: Progress | None, limit: int | None
) -> SyncResult:
    key = server_key(server.url)
    result = SyncResult(server=server.label)
    try:
        outbox.ensure_table(local)
        erasure.ensure(local)
    except sqlite3.Error as exc:
        raise SyncError(f"cannot read the outbox in the store: {exc}") from None
    here: str | None = None

    def this_installation() -> str:
        nonlocal here
        if here is None:
            try:
                here = installation_id()
            except IdentityError as exc:
                raise SyncError(str(exc)) from None
        return here

    _send_erasures(conn, local, server, key, this_installation, result)
    try:
        todo = outbox.pending(local, key)
    except sqlite3.Error as exc:
        raise SyncError(f"cannot read the outbox in the store: {exc}") from None
    if limit is not None:
        todo = todo[:limit]
    raced = 0
    claimed: dict[str, bool] = {}
    for session_id in todo:
        meta = local.execute(
            "SELECT s.uuid, s.installation_id, p.pseudonym, s.mode, s.level, s.started_at, s.ended_at, s.t0_ns, s.t_end_ns, "
            "s.score, s.summary_json, s.incomplete_json, s.wall_anchor_ns, s.mono_anchor_ns, s.anchor_error_ns "
            "FROM sessions s JOIN players p ON p.id = s.player_id WHERE s.id = ?",
            (session_id,),
        ).fetchone()
        if meta is None:  # deleted meanwhile
            continue
        inst = meta[1]
        if inst is None:  # recorded before schema version 4, on this station
            inst = this_installation()
        try:
            if inst not in claimed:
                claimed[inst] = _claim(conn, inst)
            if not claimed[inst]:
                log.warning(
                    "session %s was recorded by installation %s, which the server %s has for another site: not sent",
                    session_id,
                    inst,
                    server.label,
                )
                result.refused += 1
                continue
            tail = outbox.tail(local, session_id)
            written, there = _forward_one(conn, local, session_id, (inst, *meta[:1], *meta[2:]), progress)
        except psycopg.OperationalError as exc:
            raise ServerUnavailable(
                f"the connection to {server.label} was lost after {result.sessions} sessions: {_reason(exc, server)}; "
                "the rest wait in the outbox (run `liike sessions sync` again)"
            ) from None
        except (psycopg.errors.DataError, psycopg.errors.IntegrityError) as exc:
            log.warning("session %s was not accepted by %s: %s", session_id, server.label, _reason(exc, server))
            result.failed += 1
            continue
        except psycopg.errors.InsufficientPrivilege as exc:
            raise SyncError(
                f"the server {server.label} refused this role's rows: {_reason(exc, server)}; the role needs to be a member "
                "of liike_station (see the README, Sync and leaderboards)"
            ) from None
        try:
            outbox.mark_sent(local, session_id, key, written + there, tail)
            if local.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is None:
                # Deleted here while it was on its way: the trigger saw no sync_sent row, so the
                # erasure is queued now and sent below.
                erasure.queue(local, key, meta[1], meta[0])
                raced += 1
        except sqlite3.Error as exc:
            raise SyncError(f"session {session_id} was forwarded but cannot be marked in the store: {exc}") from None
        result.sessions += 1
        result.rows += written
        result.already_there += there
    if raced:
        _send_erasures(conn, local, server, key, this_installation, result)
    try:
        result.pending = len(outbox.pending(local, key))
    except sqlite3.Error:
        result.pending = -1
    return result


def _send_erasures(
    conn: Conn, local: sqlite3.Connection, server: ServerUrl, key: str, here: Callable[[], str], result: SyncResult
) -> None:
    """Erase on the server the sessions deleted here since they were forwarded (before any session
    goes: a family's request is not held up by a backlog); counts into ``result``."""
    try:
        erased, refused = erasure.send_pending(conn, local, key, here)
    except psycopg.OperationalError as exc:
        raise ServerUnavailable(
            f"the connection to {server.label} was lost while erasing: {_reason(exc, server)}; the erasures wait in the "
            "store (run `liike sessions sync` again)"
        ) from None
    except psycopg.errors.UndefinedFunction:
        raise SyncError(older_message(server_version(conn))) from None
    except sqlite3.Error as exc:
        raise SyncError(f"cannot read the erasures pending in the store: {exc}") from None
    result.erased += erased
    result.erase_refused = refused
    if erased or refused:
        log.info("server %s: %d sessions erased, %d erasures refused", server.label, erased, refused)


def _forward_one(
    conn: Conn, local: sqlite3.Connection, session_id: int, session_row: tuple[Any, ...], progress: Progress | None
) -> tuple[int, int]:
    """Send one session in one transaction; (rows written now, rows already there)."""
    inst, uid = session_row[0], session_row[1]
    written = there = 0
    with conn.transaction():
        placeholders = ", ".join(["%s"] * len(session_row))
        cur = conn.execute(
            f"INSERT INTO liike.sessions ({_SESSION_COLUMNS}) VALUES ({placeholders}) ON CONFLICT DO NOTHING".encode(),
            session_row,
        )
        written += max(cur.rowcount, 0)
        there += 1 - max(cur.rowcount, 0)
        for stream in _STREAMS:
            staged = 0
            booleans = [i for i, (_, kind) in enumerate(stream.columns) if kind == "boolean"]
            with conn.cursor() as copy_cur:
                # Binary COPY: blobs go as they are, not as hex text twice their size.
                with copy_cur.copy(f"COPY stage_{stream.table} ({stream.names}) FROM STDIN (FORMAT BINARY)".encode()) as copy:
                    copy.set_types([_BINARY_TYPES[kind] for _, kind in stream.columns])
                    rows = local.execute(f"SELECT {stream.names} FROM {stream.table} WHERE session_id = ?", (session_id,))
                    while batch := rows.fetchmany(512):
                        for row in batch:
                            if booleans:  # SQLite keeps 1/0; binary COPY wants booleans
                                row = tuple(bool(v) if i in booleans and v is not None else v for i, v in enumerate(row))
                            copy.write_row(row)
                        staged += len(batch)
            if staged:
                moved = conn.execute(
                    f"INSERT INTO liike.{stream.table} (installation_id, session_uuid, {stream.names}) "
                    f"SELECT %s, %s, {stream.names} FROM stage_{stream.table} ON CONFLICT DO NOTHING".encode(),
                    (inst, uid),
                ).rowcount
                conn.execute(f"TRUNCATE stage_{stream.table}".encode())
                written += moved
                there += staged - moved
            if progress is not None:
                progress(session_id, stream.table)
    return written, there
