"""The outbox: which finished sessions of the local store a server has not received yet.

The store keeps one table for it, ``sync_sent``: a row per (session, server) once every row of
the session is on that server. The outbox is every finished session (``ended_at`` set) without
such a row, or whose gaps or devices changed since it was sent (the writer stores the gaps still
open at the end just after the end time, so a sync at that instant can see a session without
them). A session forwarded but not marked (the program stopped between the server's commit and
the mark) is simply sent again: the server keeps what it has (``ON CONFLICT DO NOTHING``).

The table is the sync's own state, not session data, so it is made by :func:`ensure_table`
(``CREATE TABLE IF NOT EXISTS``, in place, in any store of schema version 4 or later) rather than
by a store schema version; deleting a session or a player removes its rows by the same cascade
as its samples.
"""

from __future__ import annotations

import sqlite3

from game.sessions.store import utc_now_iso

_TABLE = """
CREATE TABLE IF NOT EXISTS sync_sent (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    server     TEXT NOT NULL,          -- host:port/dbname, never a user or password
    sent_at    TEXT NOT NULL,          -- ISO-8601 UTC
    rows       INTEGER NOT NULL,       -- rows of the session the server holds (sent now or before)
    tail       TEXT NOT NULL,          -- gaps and devices rows when sent, "gaps/devices"
    PRIMARY KEY (session_id, server)
) WITHOUT ROWID
"""

_TAIL = (
    "(SELECT count(*) FROM gaps g WHERE g.session_id = s.id) || '/' || (SELECT count(*) FROM devices d WHERE d.session_id = s.id)"
)


def ensure_table(conn: sqlite3.Connection) -> None:
    """Create ``sync_sent`` where missing (``conn`` in autocommit mode, as :func:`store.connect` gives)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_TABLE)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def pending(conn: sqlite3.Connection, server: str) -> list[int]:
    """Ids of the finished sessions ``server`` has not got in full, oldest first."""
    rows = conn.execute(
        f"SELECT s.id FROM sessions s LEFT JOIN sync_sent x ON x.session_id = s.id AND x.server = ? "
        f"WHERE s.ended_at IS NOT NULL AND (x.session_id IS NULL OR x.tail <> {_TAIL}) ORDER BY s.id",
        (server,),
    ).fetchall()
    return [int(i) for (i,) in rows]


def tail(conn: sqlite3.Connection, session_id: int) -> str:
    """The session's gaps and devices counts as :func:`pending` compares them."""
    row = conn.execute(f"SELECT {_TAIL} FROM sessions s WHERE s.id = ?", (session_id,)).fetchone()
    return str(row[0]) if row else "0/0"


def mark_sent(conn: sqlite3.Connection, session_id: int, server: str, rows: int, tail_when_read: str) -> None:
    """Record that ``server`` holds every row of the session (``tail_when_read``: :func:`tail`
    read before the rows were, so gaps stored meanwhile make it pending again)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(
            "INSERT OR REPLACE INTO sync_sent(session_id, server, sent_at, rows, tail) "
            "SELECT id, ?, ?, ?, ? FROM sessions WHERE id = ?",  # a session deleted meanwhile stays deleted
            (server, utc_now_iso(), rows, tail_when_read, session_id),
        )
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def sent_count(conn: sqlite3.Connection, server: str) -> int:
    """Sessions marked as held by ``server``."""
    return int(conn.execute("SELECT count(*) FROM sync_sent WHERE server = ?", (server,)).fetchone()[0])
