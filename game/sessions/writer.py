"""Writes one session's samples and events to the store from a background thread.

The game thread only enqueues (never touches SQLite). The writer thread commits whatever is
queued in one transaction every ``flush_interval_s``, so if the process is killed, everything
older than about one flush interval plus one commit is on disk. A failing write (disk full, a
locked file) is logged and retried on the next flush with the rows kept; the game goes on.
"""

from __future__ import annotations

import json
import logging
import queue
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any, Iterable

import numpy as np

from game.sessions.schema import StoreError
from game.sessions.store import connect, utc_now_iso
from sensors.clock import ClockNs, now_ns
from sensors.samples import BusItem, DeviceStatus, HeartRateSample, ImuBatch, PoseFrame

log = logging.getLogger("liike.sessions")

_STOP = object()


def _blob(a: np.ndarray | None) -> bytes | None:
    return None if a is None else np.ascontiguousarray(a, dtype="<f4").tobytes()


class SessionWriter:
    def __init__(
        self,
        path: Path | str,
        *,
        player: str,
        mode: str,
        level: str | None,
        flush_interval_s: float = 0.25,
        clock: ClockNs = now_ns,
    ) -> None:
        self.path = Path(path)
        self.player = player
        self.mode = mode
        self.level = level
        self.flush_interval_s = flush_interval_s
        self.clock = clock
        self.session_id: int | None = None
        self.error: str | None = None
        self.unwritten = 0  # rows that could not be written at all (reported in ``error``)
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._counts: dict[str, int] = {"hr": 0, "imu": 0, "pose": 0, "events": 0}
        self._thread: threading.Thread | None = None
        self._finished = False

    # -- game-thread side --------------------------------------------------------------------
    def start(self) -> int:
        """Create the player (if new) and the session row now; raise StoreError if impossible."""
        if not self.player.strip():
            raise StoreError("a session needs a player pseudonym")
        conn = connect(self.path)
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR IGNORE INTO players(pseudonym, created_at) VALUES (?, ?)", (self.player, utc_now_iso()))
            pid = conn.execute("SELECT id FROM players WHERE pseudonym=?", (self.player,)).fetchone()[0]
            cur = conn.execute(
                "INSERT INTO sessions(player_id, mode, level, started_at, t0_ns) VALUES (?, ?, ?, ?, ?)",
                (pid, self.mode, self.level, utc_now_iso(), self.clock()),
            )
            conn.execute("COMMIT")
            self.session_id = int(cur.lastrowid or 0)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot start a session in {self.path}: {exc}") from None
        self._thread = threading.Thread(target=self._run, args=(conn,), name="liike-session-writer", daemon=True)
        self._thread.start()
        return self.session_id

    def record(self, items: Iterable[BusItem]) -> None:
        """Queue samples (and device status changes, stored as events). Never blocks."""
        if self._thread is None or self._finished:
            return
        for item in items:
            if isinstance(item, DeviceStatus):
                self.record_event(item.t_host_ns, "device_status", {
                    "source": item.source, "device_kind": item.device_kind, "state": item.state.value, "message": item.message})
                continue
            kind = item.kind.value
            self._counts[kind] += item.n_values
            self._queue.put(item)

    def record_event(self, t_ns: int, kind: str, data: dict[str, Any] | None = None) -> None:
        if self._thread is None or self._finished:
            return
        self._counts["events"] += 1
        self._queue.put(("event", t_ns, kind, None if data is None else json.dumps(data)))

    def counts(self) -> dict[str, int]:
        """Readings recorded per stream kind (and ``events``), counted when queued."""
        return dict(self._counts)

    def finish(self, score: float, summary: dict[str, Any]) -> None:
        """Flush everything, close the session row, stop the thread. Idempotent."""
        if self._finished:
            return
        self._finished = True
        if self._thread is None:
            return
        self._queue.put((_STOP, float(score), json.dumps(summary), self.clock()))
        self._thread.join(timeout=30)
        if self._thread.is_alive():
            log.warning("session %s: the writer did not finish within 30 s; the data written so far is kept", self.session_id)

    # -- writer thread ----------------------------------------------------------------------
    def _run(self, conn: sqlite3.Connection) -> None:
        pending: list[Any] = []
        stop: tuple[Any, ...] | None = None
        try:
            while True:
                deadline = self.clock() + int(self.flush_interval_s * 1e9)
                while stop is None:
                    timeout = (deadline - self.clock()) / 1e9
                    if timeout <= 0:
                        break
                    try:
                        item = self._queue.get(timeout=timeout)
                    except queue.Empty:
                        break
                    if isinstance(item, tuple) and item and item[0] is _STOP:
                        stop = item
                    else:
                        pending.append(item)
                if pending and self._write(conn, pending):
                    pending = []
                if stop is not None:
                    for _ in range(3):  # a locked file often frees up: a few last tries
                        if not pending or self._write(conn, pending):
                            pending = []
                            break
                        time.sleep(0.5)
                    if pending:
                        self.unwritten = len(pending)
                        self.error = f"{self.error}; {len(pending)} rows of session {self.session_id} could not be written"
                    self._close_session(conn, stop)
                    return
        finally:
            conn.close()

    def _write(self, conn: sqlite3.Connection, rows: list[Any]) -> bool:
        sid = self.session_id
        hr, imu, pose, events = [], [], [], []
        n = {"hr": 0, "imu": 0, "pose": 0, "events": 0}
        for r in rows:
            if isinstance(r, HeartRateSample):
                hr.append((sid, r.t_host_ns, r.bpm, json.dumps(list(r.rr_s)), None if r.contact is None else int(r.contact),
                           int(r.broadcast), r.source, r.energy_kj, r.t_device_ns))
                n["hr"] += 1
            elif isinstance(r, ImuBatch):
                imu.append((sid, r.t_host_ns, r.t_first_ns, r.rate_hz, r.n_values, r.placement, r.source,
                            _blob(r.acc_g), _blob(r.gyr_dps), r.t_device_ns))
                n["imu"] += r.n_values
            elif isinstance(r, PoseFrame):
                pose.append((sid, r.t_host_ns, r.t_infer_ns, r.player, r.source, _blob(r.landmarks), _blob(r.world)))
                n["pose"] += 1
            else:
                _, t_ns, kind, data = r
                events.append((sid, t_ns, kind, data))
                n["events"] += 1
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO hr VALUES (?,?,?,?,?,?,?,?,?)", hr)
            conn.executemany("INSERT INTO imu VALUES (?,?,?,?,?,?,?,?,?,?)", imu)
            conn.executemany("INSERT INTO pose VALUES (?,?,?,?,?,?,?)", pose)
            conn.executemany("INSERT INTO events VALUES (?,?,?,?)", events)
            conn.executemany(
                "INSERT INTO session_counts(session_id, kind, n) VALUES (?,?,?) "
                "ON CONFLICT(session_id, kind) DO UPDATE SET n = n + excluded.n",
                [(sid, k, v) for k, v in n.items() if v],
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self.error = f"cannot write session {sid} to {self.path}: {exc}"
            log.warning("%s; keeping %d rows to retry", self.error, len(rows))
            return False
        return True

    def _close_session(self, conn: sqlite3.Connection, stop: tuple[Any, ...]) -> None:
        _, score, summary, t_end = stop
        try:
            conn.execute(
                "UPDATE sessions SET ended_at=?, t_end_ns=?, score=?, summary_json=? WHERE id=?",
                (utc_now_iso(), t_end, score, summary, self.session_id),
            )
        except sqlite3.Error as exc:
            self.error = f"cannot close session {self.session_id} in {self.path}: {exc}"
            log.warning("%s", self.error)
