"""Writes one session's samples and events to the store from a background thread.

The game thread only enqueues (never touches SQLite). The writer thread commits whatever is
queued in one transaction every ``flush_interval_s`` of real time, so if the process is killed,
everything older than about one flush interval plus one commit is on disk. A failing write
(disk full, a locked file) is logged and retried on the next flush with the rows kept; the game
goes on.

Every stored row gets a sequence number per session and stream (``seq``: 0, 1, 2 ... in stored
order, assigned when its transaction commits, so a retried batch keeps its numbers and lost rows
take none); devices seen and gaps in their data are stored beside the samples (schema version 4).
"""

from __future__ import annotations

import logging
import math
import queue
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from game.sessions.gaps import Gap, GapTracker
from game.sessions.identity import IdentityError, installation_id, read_anchor
from game.sessions.schema import StoreError
from game.sessions.store import connect, dumps, fault_kind, fault_message, utc_now_iso
from sensors.clock import ClockNs, now_ns
from sensors.samples import BusItem, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch, PoseFrame

log = logging.getLogger("liike.sessions")

_STOP = object()

#: Rows kept for retry while the file cannot be written. Beyond this the oldest are dropped (and
#: counted in ``unwritten``) so a store that stays broken for hours cannot exhaust memory:
#: about 45 minutes of 100 Hz IMU batches + 30 fps pose + HR, a few hundred MB at most.
MAX_PENDING_ROWS = 400_000

#: While writes keep failing, repeat the warning at most this often (seconds of real time).
WARN_EVERY_S = 10.0

#: Attempts to write what is left when the session finishes, and the pause between them (s).
FINAL_ATTEMPTS = 3
FINAL_RETRY_PAUSE_S = 0.5


_GAP_INSERT = "INSERT INTO gaps(session_id, seq, kind, stream, source, t_from_ns, t_to_ns, detail) VALUES (?,?,?,?,?,?,?,?)"

#: Sample types this version stores (one table each); anything else on the bus is skipped.
STORED_TYPES = (HeartRateSample, ImuBatch, PoseFrame, FitnessSample)


def _kind_of(row: Any) -> tuple[str, int, int]:
    """(stream kind or ``"events"``, readings it holds, host time in ns) of a queued row."""
    if isinstance(row, tuple):
        return "events", 1, int(row[1])
    if isinstance(row, DeviceStatus):
        return "events", 1, int(row.t_host_ns)
    return str(row.kind.value), int(row.n_values), int(row.t_host_ns)


def _blob(a: np.ndarray | None) -> bytes | None:
    return None if a is None else np.ascontiguousarray(a, dtype="<f4").tobytes()


def _real(value: object) -> float | None:
    """A measured quantity as a plain float for a REAL column; None (NULL) when absent, not a
    number, or not finite.

    Device parsers may hand over numpy scalars (which sqlite3 cannot bind) or, from a confused
    device, NaN/inf: one such value must neither fail the whole batch (it would be retried
    forever) nor end up as a value that JSON exports cannot represent.
    """
    if not isinstance(value, (int, float, np.integer, np.floating)):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


class SessionWriter:
    """Records one session: ``start()``, then ``record()`` / ``record_event()`` from the game
    thread (never blocking), then ``finish()``.

    ``path``: the store file. ``player``: a pseudonym (never a child's real name). ``mode`` /
    ``level``: what is being played. ``flush_interval_s``: seconds of real time between commits
    (time-based, so the kill guarantee holds at any sample rate). ``clock``: host monotonic
    nanoseconds for the session's start and end stamps (``t0_ns``, ``t_end_ns``).

    After a write failure ``error`` holds the last error message (it stays set), ``unwritten``
    counts rows that could never be written (``lost_counts()`` the readings in them per kind,
    ``stored_counts()`` what is in the store), ``notice`` is a short line for the screen while
    saving fails ("not saving: disk full"), and ``intact`` tells whether, after ``finish()``,
    everything recorded is on disk and the session row was closed.
    """

    def __init__(
        self,
        path: Path | str,
        *,
        player: str,
        mode: str,
        level: str | None,
        flush_interval_s: float = 0.25,
        clock: ClockNs = now_ns,
        max_pending_rows: int = MAX_PENDING_ROWS,
        on_connect: Callable[[sqlite3.Connection], None] | None = None,
        installation: Callable[[], str] | None = installation_id,
        wall: ClockNs = time.time_ns,
    ) -> None:
        if not flush_interval_s > 0:
            raise ValueError(f"flush_interval_s must be positive, got {flush_interval_s}")
        self.path = Path(path)
        self.player = player
        self.mode = mode
        self.level = level
        self.flush_interval_s = flush_interval_s
        self.clock = clock
        self.session_id: int | None = None
        #: The session's UUID (set by ``start()``): its name outside this file.
        self.session_uuid: str | None = None
        self._installation = installation  # None: record no installation id (a test seam)
        self._wall = wall
        self.error: str | None = None
        self.unwritten = 0  # rows that could not be written at all (reported in ``error``)
        self._closed_ok = False
        self._queue: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self._counts: dict[str, int] = {"hr": 0, "imu": 0, "pose": 0, "fitness": 0, "events": 0}
        self._skipped_types: set[type] = set()  # bus item types already warned about
        self._thread: threading.Thread | None = None
        self._finished = False
        self._failing_since: float | None = None  # real time of the first failure in a run of them
        self._last_warning = 0.0
        self.max_pending_rows = max_pending_rows
        self._on_connect = on_connect  # test seam: e.g. PRAGMA max_page_count to fill the "disk"
        #: While writes fail: "not saving: disk full" (read-only, locked, ...) for the screen; else None.
        self.notice: str | None = None
        self._stored: dict[str, int] = dict.fromkeys(self._counts, 0)
        self._lost: dict[str, int] = dict.fromkeys(self._counts, 0)
        self._lost_span: tuple[int, int] | None = None  # host ns of the first and last lost row
        self._fault: str | None = None  # fault_kind() of the newest failure, or its text
        self._seq: dict[str, int] = {**dict.fromkeys(self._counts, 0), "gaps": 0}  # next seq per table, once committed
        self._gaps = GapTracker()
        self._device_kind: dict[str, str] = {}  # source -> device_kind from its statuses
        self._device_info: dict[str, tuple[str | None, str | None]] = {}  # source -> (model, firmware) it told

    # -- game-thread side --------------------------------------------------------------------
    def start(self, devices: Iterable[DeviceStatus] = ()) -> int:
        """Create the player (if new) and the session row now, so a bad store fails before the
        game starts; then start the writer thread. Return the session id; raise StoreError.

        ``devices``: the newest status of each device when the session begins (sent before it),
        so the session knows their kinds and whether they were live (see :meth:`GapTracker.seed`)."""
        if self._thread is not None or self._finished:
            raise RuntimeError("a SessionWriter records one session: start() was already called")
        if not self.player.strip():
            raise StoreError("a session needs a player pseudonym (any short name that is not the player's real name)")
        station = None
        if self._installation is not None:
            try:
                station = self._installation()
            except IdentityError as exc:  # the session is still worth saving without it
                log.warning("the session is saved without this station's installation id: %s", exc)
        conn = connect(self.path)
        try:
            if self._on_connect is not None:
                self._on_connect(conn)
            conn.execute("BEGIN IMMEDIATE")
            conn.execute("INSERT OR IGNORE INTO players(pseudonym, created_at) VALUES (?, ?)", (self.player, utc_now_iso()))
            pid = conn.execute("SELECT id FROM players WHERE pseudonym=?", (self.player,)).fetchone()[0]
            anchor = read_anchor(self.clock, self._wall)
            started = datetime.fromtimestamp(anchor.wall_ns / 1e9, UTC).isoformat(timespec="milliseconds")
            session_uuid = str(uuid.uuid4())
            cur = conn.execute(
                "INSERT INTO sessions(player_id, mode, level, started_at, t0_ns, uuid, installation_id, "
                "wall_anchor_ns, mono_anchor_ns, anchor_error_ns) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    pid,
                    self.mode,
                    self.level,
                    started,
                    anchor.mono_ns,
                    session_uuid,
                    station,
                    anchor.wall_ns,
                    anchor.mono_ns,
                    anchor.error_ns,
                ),
            )
            conn.execute("COMMIT")
            self.session_id = int(cur.lastrowid or 0)
            self.session_uuid = session_uuid
        except sqlite3.Error as exc:
            conn.close()  # closing rolls back the open transaction
            kind = fault_kind(exc)
            if kind is not None:
                raise StoreError(fault_message(str(self.path), kind, "the session cannot be saved")) from None
            raise StoreError(f"cannot start a session in {self.path}: {exc}; check the file is writable and not in use") from None
        known = list(devices)
        for d in known:
            self._learn(d)
        self._gaps.seed(known, anchor.mono_ns)
        # The connection moves to the writer thread, which alone uses it from now on.
        self._thread = threading.Thread(target=self._run, args=(conn,), name="liike-session-writer", daemon=True)
        self._thread.start()
        return self.session_id

    def record(self, items: Iterable[BusItem]) -> None:
        """Queue samples (heart rate, IMU, pose, fitness) and device status changes (stored as
        ``device_status`` events; they also open and close the session's link gaps).

        Never blocks, never raises for what is on the bus, and never touches the database.
        Ignored before ``start()`` and after ``finish()``. Samples are frozen, so they are
        converted to rows on the writer thread. An item of a type this version cannot store
        (a newer sensor's sample) is skipped with one warning per type: a new device must not
        crash the game, and the rest of the session is still saved.
        """
        if self._thread is None or self._finished:
            return
        for item in items:
            if isinstance(item, DeviceStatus):
                self._counts["events"] += 1
                self._queue.put(item)  # made an event row on the writer thread, which also tracks gaps
                continue
            if not isinstance(item, STORED_TYPES):
                self._skip(item)
                continue
            self._counts[item.kind.value] += item.n_values
            self._queue.put(item)

    def _skip(self, item: object) -> None:
        kind = type(item)
        if kind in self._skipped_types:
            return
        self._skipped_types.add(kind)
        log.warning(
            "session %s: %s items are not saved (this version of Liike cannot store them); the rest of the session is",
            self.session_id,
            kind.__name__,
        )

    def record_event(self, t_ns: int, kind: str, data: dict[str, Any] | None = None) -> None:
        """Queue a game event at host time ``t_ns`` (ns): ``"jump"``, ``"game.hit"``, ... Never blocks.

        ``data`` is serialised now (numpy values and enums become plain JSON, anything else its
        text), so later changes to the dict do not alter what is stored.
        """
        if self._thread is None or self._finished:
            return
        self._counts["events"] += 1
        self._queue.put(("event", int(t_ns), kind, None if data is None else dumps(data)))

    def counts(self) -> dict[str, int]:
        """Readings queued so far per stream kind (``hr``, ``imu``, ``pose``, ``fitness``; an IMU
        batch of N counts N) and ``events``, counted on the caller side: no database read.
        Skipped items of unknown types are not counted."""
        return dict(self._counts)

    def stored_counts(self) -> dict[str, int]:
        """Readings of this session committed to the store so far, per kind as in :meth:`counts`."""
        return dict(self._stored)

    def lost_counts(self) -> dict[str, int]:
        """Readings that were recorded but will never be stored (dropped while the store could not
        be written, or left over at the end), per kind as in :meth:`counts`."""
        return dict(self._lost)

    @property
    def intact(self) -> bool:
        """True once ``finish()`` has written every recorded row and closed the session row
        (transient failures that were retried successfully do not count against it)."""
        return (
            self._finished
            and self._thread is not None
            and not self._thread.is_alive()
            and self._closed_ok
            and self.unwritten == 0
        )

    def finish(self, score: float, summary: dict[str, Any]) -> None:
        """Flush everything, write ``ended_at`` / score / summary, stop the thread and close the
        connection. Idempotent; a no-op if ``start()`` failed or was never called. Waits at most
        about 30 s (a locked store) and then leaves the rest to the daemon thread."""
        if self._finished:
            return
        self._finished = True
        if self._thread is None:
            return
        self._queue.put((_STOP, float(score), dumps(summary), self.clock()))
        self._thread.join(timeout=30)
        if self._thread.is_alive():
            log.warning("session %s: the writer did not finish within 30 s; the data written so far is kept", self.session_id)

    # -- writer thread ----------------------------------------------------------------------
    def _run(self, conn: sqlite3.Connection) -> None:
        try:
            self._loop(conn)
        except Exception as exc:  # never let the thread die silently (or take the game with it)
            self.error = f"session {self.session_id}: the writer stopped unexpectedly: {exc!r}"
            self.notice = "not saving: store error"
            log.exception("%s", self.error)
        finally:
            conn.close()

    def _loop(self, conn: sqlite3.Connection) -> None:
        pending: list[Any] = []
        stop: tuple[Any, ...] | None = None
        while True:
            # Real time, not the injected clock: a replay's ManualClock must not stop the saving.
            deadline = time.monotonic() + self.flush_interval_s
            while stop is None:
                timeout = deadline - time.monotonic()
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
            if len(pending) > self.max_pending_rows:
                dropped = len(pending) - self.max_pending_rows
                self._drop(pending[:dropped])
                del pending[:dropped]
                log.error(
                    "session %s: the store has failed for long; dropped the %d oldest unsaved rows", self.session_id, dropped
                )
            if stop is not None:
                for attempt in range(FINAL_ATTEMPTS):  # a locked file often frees up: a few last tries
                    if not pending or self._write(conn, pending):
                        pending = []
                        break
                    if attempt + 1 < FINAL_ATTEMPTS:
                        time.sleep(FINAL_RETRY_PAUSE_S)
                if pending:
                    self._drop(pending)
                    self.error = f"{self.error}; {len(pending)} rows of session {self.session_id} could not be written"
                    log.error("%s", self.error)
                self._close_session(conn, stop)
                return

    def _drop(self, rows: list[Any]) -> None:
        """Give up on ``rows``: count them as lost, per kind and with their time span."""
        self.unwritten += len(rows)
        for row in rows:
            kind, n, t = _kind_of(row)
            self._lost[kind] += n
            first, last = self._lost_span if self._lost_span is not None else (t, t)
            self._lost_span = (min(first, t), max(last, t))

    def _write(self, conn: sqlite3.Connection, rows: list[Any]) -> bool:
        """Write ``rows`` in one transaction; True when they are done with (written, or dropped
        because retrying cannot help), False to keep them for the next flush."""
        sid = self.session_id
        hr: list[tuple[Any, ...]] = []
        imu: list[tuple[Any, ...]] = []
        pose: list[tuple[Any, ...]] = []
        fitness: list[tuple[Any, ...]] = []
        events: list[tuple[Any, ...]] = []
        gaps: list[Gap] = []
        n = {"hr": 0, "imu": 0, "pose": 0, "fitness": 0, "events": 0}
        seq = dict(self._seq)
        tracker_state = self._gaps.snapshot()  # restored if this transaction fails: the rows come again
        # (source, stream) -> [readings, first ns, last ns, placement, rate]: the devices table's upserts
        devices: dict[tuple[str, str], list[Any]] = {}

        def seen(
            source: str, stream: str, count: int, first: int, last: int, placement: str | None = None, rate: float | None = None
        ) -> None:
            d = devices.get((source, stream))
            if d is None:
                devices[(source, stream)] = [count, first, last, placement, rate]
            else:
                d[0] += count
                d[1], d[2] = min(d[1], first), max(d[2], last)

        def next_seq(table: str) -> int:
            seq[table] += 1
            return seq[table] - 1

        for r in rows:
            gaps.extend(self._gaps.feed(r))
            if isinstance(r, HeartRateSample):
                hr.append(
                    (
                        sid,
                        r.t_host_ns,
                        r.bpm,
                        dumps(list(r.rr_s)),
                        None if r.contact is None else int(r.contact),
                        int(r.broadcast),
                        r.source,
                        r.energy_kj,
                        r.t_device_ns,
                        next_seq("hr"),
                    )
                )
                n["hr"] += 1
                seen(r.source, "hr", 1, r.t_host_ns, r.t_host_ns)
            elif isinstance(r, ImuBatch):
                imu.append(
                    (
                        sid,
                        r.t_host_ns,
                        r.t_first_ns,
                        r.rate_hz,
                        r.n_values,
                        r.placement,
                        r.source,
                        _blob(r.acc_g),
                        _blob(r.gyr_dps),
                        r.t_device_ns,
                        next_seq("imu"),
                    )
                )
                n["imu"] += r.n_values
                seen(r.source, "imu", r.n_values, r.t_first_ns, r.t_host_ns, r.placement, r.rate_hz)
            elif isinstance(r, PoseFrame):
                pose.append(
                    (sid, r.t_host_ns, r.t_infer_ns, r.player, r.source, _blob(r.landmarks), _blob(r.world), next_seq("pose"))
                )
                n["pose"] += 1
                seen(r.source, "pose", 1, r.t_host_ns, r.t_host_ns)
            elif isinstance(r, FitnessSample):
                fitness.append(
                    (
                        sid,
                        r.t_host_ns,
                        r.source,
                        _real(r.speed_mps),
                        _real(r.cadence_spm),
                        _real(r.cadence_rpm),
                        _real(r.power_w),
                        _real(r.distance_m),
                        _real(r.incline_pct),
                        next_seq("fitness"),
                    )
                )
                n["fitness"] += 1
                seen(r.source, "fitness", 1, r.t_host_ns, r.t_host_ns)
            elif isinstance(r, DeviceStatus):
                data = {"source": r.source, "device_kind": r.device_kind, "state": r.state.value, "message": r.message}
                events.append((sid, r.t_host_ns, "device_status", dumps(data), next_seq("events")))
                n["events"] += 1
                self._learn(r)
            else:
                _, t_ns, kind, data = r
                events.append((sid, t_ns, kind, data, next_seq("events")))
                n["events"] += 1
        gap_rows = [self._gap_row(g, next_seq("gaps")) for g in gaps]
        device_rows = [
            (sid, source, stream, self._device_kind.get(source), *self._device_info.get(source, (None, None)), *d[3:], *d[:3])
            for (source, stream), d in devices.items()
        ]
        try:
            conn.execute("BEGIN IMMEDIATE")
            conn.executemany("INSERT INTO hr VALUES (?,?,?,?,?,?,?,?,?,?)", hr)
            conn.executemany("INSERT INTO imu VALUES (?,?,?,?,?,?,?,?,?,?,?)", imu)
            conn.executemany("INSERT INTO pose VALUES (?,?,?,?,?,?,?,?)", pose)
            conn.executemany(
                "INSERT INTO fitness(session_id, t_host_ns, source, speed_mps, cadence_spm, cadence_rpm, power_w, "
                "distance_m, incline_pct, seq) VALUES (?,?,?,?,?,?,?,?,?,?)",
                fitness,
            )
            conn.executemany("INSERT INTO events(session_id, t_ns, kind, data_json, seq) VALUES (?,?,?,?,?)", events)
            conn.executemany(_GAP_INSERT, gap_rows)
            conn.executemany(
                "INSERT INTO devices(session_id, source, stream, device_kind, model, firmware, placement, rate_hz, n, "
                "first_ns, last_ns) VALUES (?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT(session_id, source, stream) DO UPDATE SET "
                "device_kind = coalesce(excluded.device_kind, device_kind), model = coalesce(excluded.model, model), "
                "firmware = coalesce(excluded.firmware, firmware), placement = coalesce(excluded.placement, placement), "
                "rate_hz = coalesce(excluded.rate_hz, rate_hz), n = n + excluded.n, "
                "first_ns = min(first_ns, excluded.first_ns), last_ns = max(last_ns, excluded.last_ns)",
                device_rows,
            )
            conn.executemany(
                "INSERT INTO session_counts(session_id, kind, n) VALUES (?,?,?) "
                "ON CONFLICT(session_id, kind) DO UPDATE SET n = n + excluded.n",
                [(sid, k, v) for k, v in n.items() if v],
            )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._gaps.restore(tracker_state)
            if isinstance(exc, sqlite3.IntegrityError):
                # The session row is gone (deleted while playing, e.g. a school's deletion request):
                # these rows can never be written, and keeping them would only grow memory.
                self._drop(rows)
                self.error = f"session {sid} was deleted from {self.path} while recording; {len(rows)} rows not saved ({exc})"
                self._warn(self.error)
                return True
            kind = fault_kind(exc)
            self._fault = kind or str(exc)
            self.notice = f"not saving: {kind or 'store error'}"
            self.error = f"cannot write session {sid} to {self.path}: {kind + ': ' if kind else ''}{exc}"
            self._warn(f"{self.error}; keeping {len(rows)} rows to retry every {self.flush_interval_s:g} s")
            return False
        for k, v in n.items():
            self._stored[k] += v
        self._seq = seq
        self.notice = None
        if self._failing_since is not None:
            log.warning(
                "session %s: saving works again after %.1f s (%d rows could not be saved)",
                sid,
                time.monotonic() - self._failing_since,
                self.unwritten,
            )
            self._failing_since = None
        return True

    def _warn(self, message: str) -> None:
        # One clear warning when trouble starts, then a reminder every WARN_EVERY_S, not one per flush.
        now = time.monotonic()
        if self._failing_since is None:
            self._failing_since = now
        elif now - self._last_warning < WARN_EVERY_S:
            log.debug("%s", message)
            return
        self._last_warning = now
        log.warning("%s", message)

    def _learn(self, status: DeviceStatus) -> None:
        """Keep what a status tells about its device (its kind; model and firmware where it sent them)."""
        self._device_kind[status.source] = status.device_kind
        if status.model is not None or status.firmware is not None:
            self._device_info[status.source] = (status.model, status.firmware)

    def _gap_row(self, gap: Gap, seq: int) -> tuple[Any, ...]:
        return (self.session_id, seq, gap.kind, gap.stream, gap.source, gap.t_from_ns, gap.t_to_ns, gap.detail)

    def _close_session(self, conn: sqlite3.Connection, stop: tuple[Any, ...]) -> None:
        _, score, summary, t_end = stop
        incomplete = None
        closing = list(self._gaps.still_open())
        if self.unwritten and self._lost_span is not None:
            lost = ", ".join(f"{v} {k}" for k, v in self.lost_counts().items() if v)
            reason = self._fault or "the store could not be written"
            closing.append(Gap("store", None, "store", self._lost_span[0], self._lost_span[1], f"not stored ({reason}): {lost}"))
        if self.unwritten:  # never let a session with rows missing look complete
            first, last = self._lost_span if self._lost_span is not None else (None, None)
            incomplete = dumps(
                {
                    "reason": self._fault or "the store could not be written",
                    "stored": self.stored_counts(),
                    "lost": self.lost_counts(),
                    "missing_from_ns": first,
                    "missing_to_ns": last,
                }
            )
        try:
            conn.execute(
                "UPDATE sessions SET ended_at=?, t_end_ns=?, score=?, summary_json=?, incomplete_json=? WHERE id=?",
                (utc_now_iso(), t_end, score, summary, incomplete, self.session_id),
            )
        except sqlite3.Error as exc:
            message = f"cannot close session {self.session_id} in {self.path}: {exc}"
            log.warning("%s", message)
            # Keep the news that rows were lost in front: it matters more than the missing end time.
            self.error = f"{self.error}; {message}" if self.unwritten else message
            return
        self._closed_ok = True
        if closing:
            # After the session row: on a full disk its end and its incomplete mark matter more, and
            # take no new page; the gaps may still fit.
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(_GAP_INSERT, [self._gap_row(g, self._seq["gaps"] + i) for i, g in enumerate(closing)])
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                log.warning("session %s: %d gaps open at its end could not be stored: %s", self.session_id, len(closing), exc)
