"""The session store: players, sessions, raw sample streams and events in one SQLite file.

Opened in WAL mode with ``synchronous=NORMAL``: a committed transaction survives the process
being killed (it is in the write-ahead log), and readers never block the writer thread.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import platformdirs

from game.sessions.schema import StoreError, migrate

STREAM_KINDS = ("hr", "imu", "pose")


def default_db_path() -> Path:
    """``liike.sqlite`` in the user data folder (created if missing)."""
    folder = Path(platformdirs.user_data_dir("liike", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return folder / "liike.sqlite"


def utc_now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) and migrate a store; raise :class:`StoreError` with advice."""
    where = str(path)
    if path.is_dir():
        raise StoreError(f"{where} is a folder, not a database file; pass a file path such as {path / 'liike.sqlite'}")
    if not path.parent.exists():
        raise StoreError(f"cannot create {where}: the folder {path.parent} does not exist; create it or choose another path")
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=5.0)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {where}: {exc}; check the path and its permissions") from None
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        migrate(conn, where)
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(
            f"{where} is not a usable Liike session store ({exc}). Nothing was deleted: move the file "
            "aside (or restore a backup) and Liike will start a new store there"
        ) from None
    return conn


def _f32(blob: bytes | None, cols: int) -> np.ndarray | None:
    if blob is None:
        return None
    return np.frombuffer(blob, dtype="<f4").reshape(-1, cols).astype(np.float32)


class SessionStore:
    """Read side of the store (and deletion). One instance per thread."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._conn = connect(self.path)

    def __enter__(self) -> "SessionStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def integrity_ok(self) -> bool:
        return self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"

    # -- reading -----------------------------------------------------------------------------
    def _counts(self, session_ids: list[int]) -> dict[int, dict[str, int]]:
        out: dict[int, dict[str, int]] = {sid: {} for sid in session_ids}
        if not session_ids:
            return out
        marks = ",".join("?" * len(session_ids))
        for sid, kind, n in self._conn.execute(f"SELECT session_id, kind, n FROM session_counts WHERE session_id IN ({marks})", session_ids):
            out[sid][kind] = n
        return out

    def _row(self, r: tuple[Any, ...], counts: dict[str, int]) -> dict[str, Any]:
        sid, player, mode, level, started, ended, score = r[:7]
        return {
            "id": sid,
            "player": player,
            "mode": mode,
            "level": level,
            "started_at": started,
            "ended_at": ended,
            "score": score,
            "samples": {k: counts.get(k, 0) for k in STREAM_KINDS},
            "events": counts.get("events", 0),
        }

    _SELECT = (
        "SELECT s.id, p.pseudonym, s.mode, s.level, s.started_at, s.ended_at, s.score, s.summary_json, s.t0_ns, s.t_end_ns "
        "FROM sessions s JOIN players p ON p.id = s.player_id"
    )

    def list_sessions(self) -> list[dict[str, Any]]:
        rows = self._conn.execute(self._SELECT + " ORDER BY s.id").fetchall()
        counts = self._counts([r[0] for r in rows])
        return [self._row(r, counts[r[0]]) for r in rows]

    def get_session(self, session_id: int) -> dict[str, Any] | None:
        r = self._conn.execute(self._SELECT + " WHERE s.id = ?", (session_id,)).fetchone()
        if r is None:
            return None
        out = self._row(r, self._counts([session_id])[session_id])
        out["summary"] = json.loads(r[7]) if r[7] else {}
        out["events_by_kind"] = dict(self._conn.execute(
            "SELECT kind, count(*) FROM events WHERE session_id = ? GROUP BY kind ORDER BY kind", (session_id,)
        ).fetchall())
        t0, t_end = r[8], r[9]
        if t_end is None:  # killed: the last thing written tells how long it ran
            t_end = self._conn.execute(
                "SELECT max(t) FROM (SELECT max(t_host_ns) t FROM hr WHERE session_id=?1 UNION ALL "
                "SELECT max(t_host_ns) FROM imu WHERE session_id=?1 UNION ALL SELECT max(t_host_ns) FROM pose WHERE session_id=?1 "
                "UNION ALL SELECT max(t_ns) FROM events WHERE session_id=?1)", (session_id,)
            ).fetchone()[0]
        out["duration_s"] = None if t_end is None else round(max(0, t_end - t0) / 1e9, 3)
        return out

    def iter_samples(self, session_id: int, kind: str) -> Iterator[dict[str, Any]]:
        """Decoded raw samples of one stream in time order (for export and research)."""
        c = self._conn
        if kind == "hr":
            for t, bpm, rr, contact, broadcast, source in c.execute(
                "SELECT t_host_ns, bpm, rr_json, contact, broadcast, source FROM hr WHERE session_id=? ORDER BY t_host_ns", (session_id,)
            ):
                yield {"t_host_ns": t, "bpm": bpm, "rr_s": json.loads(rr), "contact": None if contact is None else bool(contact),
                       "broadcast": bool(broadcast), "source": source}
        elif kind == "imu":
            for t_first, rate, placement, source, acc, gyr in c.execute(
                "SELECT t_first_ns, rate_hz, placement, source, acc, gyr FROM imu WHERE session_id=? ORDER BY t_first_ns", (session_id,)
            ):
                yield {"t_first_ns": t_first, "rate_hz": rate, "placement": placement, "source": source,
                       "acc_g": _f32(acc, 3), "gyr_dps": _f32(gyr, 3)}
        elif kind == "pose":
            for t, t_inf, player, source, lm, world in c.execute(
                "SELECT t_host_ns, t_infer_ns, player, source, landmarks, world FROM pose WHERE session_id=? ORDER BY t_host_ns", (session_id,)
            ):
                yield {"t_host_ns": t, "t_infer_ns": t_inf, "player": player, "source": source,
                       "landmarks": _f32(lm, 4), "world": _f32(world, 3)}
        else:
            raise ValueError(f"unknown stream kind {kind!r}; expected one of {', '.join(STREAM_KINDS)}")

    def events(self, session_id: int) -> list[dict[str, Any]]:
        return [
            {"t_ns": t, "kind": k, "data": json.loads(d) if d else None}
            for t, k, d in self._conn.execute("SELECT t_ns, kind, data_json FROM events WHERE session_id=? ORDER BY t_ns", (session_id,))
        ]

    # -- deletion (schools: a player's data must be removable) -----------------------------------
    def delete_session(self, session_id: int) -> bool:
        with self._transaction():
            return self._conn.execute("DELETE FROM sessions WHERE id=?", (session_id,)).rowcount > 0

    def delete_player(self, pseudonym: str) -> int:
        """Delete a player with all their sessions, samples and events; return sessions removed."""
        with self._transaction():
            n = self._conn.execute(
                "SELECT count(*) FROM sessions s JOIN players p ON p.id=s.player_id WHERE p.pseudonym=?", (pseudonym,)
            ).fetchone()[0]
            self._conn.execute("DELETE FROM players WHERE pseudonym=?", (pseudonym,))
        return int(n)

    def _transaction(self) -> "_Tx":
        return _Tx(self._conn)


class _Tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        self.conn.execute("ROLLBACK" if exc_type else "COMMIT")
