"""The erasure outbox: sessions deleted here that a server still holds, sent before any session.

A player erased at a station (``liike sessions delete``, ``liike class erase``, a class's
retention, any deletion through the store) must leave the shared server too. The store keeps a
table for it, ``sync_erase``: a row per (server, session UUID) for each deleted session that was
forwarded to that server (it had a ``sync_sent`` row). The rows are written by a trigger on the
``sessions`` table, in the same transaction as the deletion itself, so no way of deleting can
forget them and a deletion rolled back leaves none. A session deleted that was never forwarded
leaves nothing to send.

Only the installation and the session UUID are kept (random ids with nothing of the player in
them), never the player's pseudonym or anything of the rows: the server finds the rows by the
same keys it stored them under (``liike.erase_sessions``, server schema version 3). A row goes
once the server has answered that the sessions are gone (erasing twice erases nothing more).

Like ``sync_sent``, the table and its trigger are the sync's own state and are made in place
(``CREATE ... IF NOT EXISTS``) by :func:`ensure`, in any store of schema version 4 or later,
without a store schema version of their own. :func:`arm` makes them before a deletion in a store
that has forwarded before (a store synced by an older Liike has ``sync_sent`` but no trigger yet).

One gap is left: a program stopped between the server's commit of a session and its mark here,
and the session deleted before the next sync, leaves the server's copy unknown to the station;
the administrator finds it with ``liike.erase_player`` or by hand (see the README).
"""

from __future__ import annotations

import logging
import sqlite3
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg

from game.sessions import store as local_store

log = logging.getLogger("liike.sync")

Conn = psycopg.Connection[tuple[Any, ...]]

_TABLE = """
CREATE TABLE IF NOT EXISTS sync_erase (
    server          TEXT NOT NULL,     -- host:port/dbname as in sync_sent, never a user or password
    session_uuid    TEXT NOT NULL,
    installation_id TEXT,              -- NULL: recorded before store schema 4, on this station
    erased_at       TEXT NOT NULL,     -- ISO-8601 UTC, when deleted here
    PRIMARY KEY (server, session_uuid)
) WITHOUT ROWID
"""

# BEFORE DELETE: the sync_sent rows are still there (they go by ON DELETE CASCADE with the
# session). It fires as well for sessions removed by the cascade from players (delete_player), as
# the erasure tests check through `liike sessions delete --player`.
_TRIGGER = """
CREATE TRIGGER IF NOT EXISTS sync_erase_on_delete BEFORE DELETE ON sessions
BEGIN
    INSERT OR IGNORE INTO sync_erase (server, session_uuid, installation_id, erased_at)
        SELECT x.server, OLD.uuid, OLD.installation_id, strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
        FROM sync_sent x WHERE x.session_id = OLD.id;
END
"""

#: Session UUIDs per ``liike.erase_sessions`` call: a list of this size is a few tens of kB.
BATCH = 500


def ensure(conn: sqlite3.Connection) -> None:
    """Create ``sync_erase`` and its trigger where missing; ``sync_sent`` must exist (``conn`` in
    autocommit mode, as :func:`store.connect` gives)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_TABLE)
        conn.execute(_TRIGGER)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def _has_table(conn: sqlite3.Connection, name: str) -> bool:
    return conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (name,)).fetchone() is not None


def arm(db_path: Path | str) -> int | None:
    """Before deleting from the store at ``db_path``: make the erasure outbox ready if the store
    has forwarded sessions (``sync_sent`` exists); return the erasures pending now, or None when
    the store has never forwarded (nothing deleted from it can be on a server)."""
    conn = local_store.connect(db_path)
    try:
        if not _has_table(conn, "sync_sent"):
            return None
        ensure(conn)
        return pending_count(conn)
    except sqlite3.Error as exc:
        raise local_store.StoreError(
            f"cannot prepare {db_path} to erase on the server too ({exc}); nothing was deleted, try again"
        ) from None
    finally:
        conn.close()


def queued_since(db_path: Path | str, before: int | None) -> int:
    """Erasures added since :func:`arm` returned ``before`` (0 when the store never forwarded)."""
    if before is None:
        return 0
    conn = local_store.connect(db_path)
    try:
        return max(0, pending_count(conn) - before)
    except sqlite3.Error as exc:
        log.warning("%s: cannot count the erasures pending for the server: %s", db_path, exc)
        return 0
    finally:
        conn.close()


def notice(queued: int) -> str | None:
    """The line a command that erased here prints about the server's copy, or None when no
    server holds any of it."""
    if queued <= 0:
        return None
    n = f"{queued} session{'' if queued == 1 else 's'}"
    return f"also erased on the server at the next sync ({n} forwarded before)"


def pending_count(conn: sqlite3.Connection, server: str | None = None) -> int:
    """Erasures not yet confirmed, for ``server`` or for every server."""
    if not _has_table(conn, "sync_erase"):
        return 0
    if server is None:
        return int(conn.execute("SELECT count(*) FROM sync_erase").fetchone()[0])
    return int(conn.execute("SELECT count(*) FROM sync_erase WHERE server = ?", (server,)).fetchone()[0])


def queue(conn: sqlite3.Connection, server: str, installation: str | None, session_uuid: str) -> None:
    """Record an erasure by hand: a session deleted while it was being forwarded (the trigger saw
    no ``sync_sent`` row yet, and the server committed it after)."""
    conn.execute(
        "INSERT OR IGNORE INTO sync_erase (server, session_uuid, installation_id, erased_at) VALUES (?, ?, ?, ?)",
        (server, session_uuid, installation, local_store.utc_now_iso()),
    )


def send_pending(conn: Conn, local: sqlite3.Connection, server: str, here: Callable[[], str]) -> tuple[int, int]:
    """Erase on the server (connection ``conn``, autocommit) every session pending for ``server``;
    return (sessions the server erased now, erasures it refused: another site's installation).

    ``here``: this station's installation id, for sessions recorded before store schema 4. A
    pending row goes once the server has answered; a lost connection raises
    :class:`psycopg.OperationalError` with the unanswered rows kept for the next sync.
    """
    by_installation: dict[str, list[str]] = defaultdict(list)
    for session_uuid, installation in local.execute(
        "SELECT session_uuid, installation_id FROM sync_erase WHERE server = ? ORDER BY erased_at, session_uuid", (server,)
    ).fetchall():
        by_installation[installation or here()].append(session_uuid)
    erased = refused = 0
    for installation, uuids in by_installation.items():
        for start in range(0, len(uuids), BATCH):
            batch = uuids[start : start + BATCH]
            try:
                row = conn.execute("SELECT liike.erase_sessions(%s::uuid, %s::uuid[])", (installation, batch)).fetchone()
            except psycopg.errors.InsufficientPrivilege as exc:
                log.warning(
                    "the server %s refused to erase %d sessions of installation %s: %s; they stay pending",
                    server,
                    len(batch),
                    installation,
                    " ".join(str(exc).split()),
                )
                refused += len(batch)
                continue
            erased += int(row[0]) if row and row[0] is not None else 0
            _forget(local, server, batch)
    return erased, refused


def _forget(local: sqlite3.Connection, server: str, uuids: list[str]) -> None:
    local.execute("BEGIN IMMEDIATE")
    try:
        local.executemany("DELETE FROM sync_erase WHERE server = ? AND session_uuid = ?", [(server, u) for u in uuids])
        local.execute("COMMIT")
    except BaseException:
        if local.in_transaction:
            local.execute("ROLLBACK")
        raise
