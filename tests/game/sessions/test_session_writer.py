"""SessionWriter: failures never reach the game, time-based flushing, JSON it cannot choke on."""

from __future__ import annotations

import enum
import logging
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import game.sessions.store as store_module
from game.sessions import SessionStore, SessionWriter, StoreError
from sensors.clock import ManualClock
from sensors.samples import HeartRateSample, ImuBatch, PoseFrame, StreamKind


def wait_for(cond: Callable[[], bool], timeout_s: float = 60.0) -> bool:
    """Poll ``cond`` until it holds; False after ``timeout_s`` of real time (generous, so a busy
    machine only makes a passing test slower, never a failing one)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def stored_counts(db: Path, sid: int) -> dict[str, int]:
    conn = sqlite3.connect(db)
    try:
        return dict(conn.execute("SELECT kind, n FROM session_counts WHERE session_id=?", (sid,)).fetchall())
    finally:
        conn.close()


def hr(t: int) -> HeartRateSample:
    return HeartRateSample(t_host_ns=t, source="strap", bpm=100)


@pytest.fixture
def short_busy_timeout(monkeypatch: pytest.MonkeyPatch) -> None:
    # A locked store fails after 50 ms instead of 5 s, so the tests stay fast.
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.05)


def test_locked_store_keeps_rows_warns_and_recovers(
    tmp_path: Path, short_busy_timeout: None, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    # The writer thread's store writes, counted and, while ``hold`` is clear, held up until it is set.
    real_write = w._write
    failed_writes = 0
    hold, held = threading.Event(), threading.Event()
    hold.set()

    def write(conn: sqlite3.Connection, rows: list[Any]) -> bool:
        nonlocal failed_writes
        if not hold.is_set():
            held.set()
            hold.wait()
        ok = real_write(conn, rows)
        failed_writes += not ok
        return ok

    monkeypatch.setattr(w, "_write", write)
    blocker = sqlite3.connect(db, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
        with caplog.at_level(logging.WARNING, logger="liike.sessions"):
            w.record([hr(1)])
            assert wait_for(lambda: w.error is not None)
            # The writer thread stuck in a write, and any new connection waiting an hour for the
            # lock: record() must wait for neither.
            hold.clear()
            assert held.wait(60.0)
            monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 3600.0)

            def record_many() -> None:
                for t in range(2, 1002):
                    w.record([hr(t)])

            recorder = threading.Thread(target=record_many, daemon=True)
            recorder.start()
            recorder.join(timeout=60.0)
            stuck = recorder.is_alive()
            monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.05)
            hold.set()
            assert not stuck, "record() must not wait for the locked store"
            w.record_event(5, "jump")
            failed_before = failed_writes
            assert wait_for(lambda: failed_writes >= failed_before + 3)  # several failed flushes
        assert w.error is not None and str(db) in w.error and "locked" in w.error
        warnings = [r for r in caplog.records if r.name == "liike.sessions" and r.levelno == logging.WARNING]
        assert len(warnings) == 1, "one warning per outage, not one per flush"
        assert str(db) in warnings[0].getMessage()
        blocker.execute("ROLLBACK")
    finally:
        hold.set()
        blocker.close()
    w.finish(3, {"ok": True})
    assert w.intact and w.unwritten == 0
    with SessionStore(db) as store:
        row = store.get_session(sid)
        assert row is not None and row["samples"]["hr"] == 1001 and row["events"] == 1
        assert row["ended_at"] is not None and row["summary"] == {"ok": True}
        assert [s["t_host_ns"] for s in store.iter_samples(sid, "hr")] == list(range(1, 1002))


def test_store_still_locked_at_finish_reports_unsaved_rows(tmp_path: Path, short_busy_timeout: None) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    w.start()
    blocker = sqlite3.connect(db, isolation_level=None)
    try:
        blocker.execute("BEGIN IMMEDIATE")
        w.record([hr(1), hr(2)])
        w.finish(1, {})
        # finish() gave up after its last tries instead of leaving the writer waiting on the lock.
        assert w._thread is not None and not w._thread.is_alive()
        blocker.execute("ROLLBACK")
    finally:
        blocker.close()
    assert not w.intact and w.unwritten == 2
    assert w.error is not None and "2 rows" in w.error


def test_deleting_the_player_while_recording_drops_rows_instead_of_retrying(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    w.record([hr(1)])
    assert wait_for(lambda: stored_counts(db, sid).get("hr") == 1)
    with SessionStore(db) as store:
        assert store.delete_player("fox") == 1
    w.record([hr(2), hr(3)])
    assert wait_for(lambda: w.unwritten == 2)
    w.finish(0, {})
    assert not w.intact and w.error is not None and "deleted" in w.error
    with SessionStore(db) as store:
        assert store.list_sessions() == [] and store.list_players() == []


def test_flushes_on_real_time_even_with_a_manual_clock(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    clock = ManualClock(1_000)
    w = SessionWriter(db, player="fox", mode="replay", level="meadow", flush_interval_s=0.05, clock=clock)
    sid = w.start()
    w.record([ImuBatch(t_host_ns=1_000, source="imu", rate_hz=50.0, t_first_ns=900, acc_g=np.zeros((5, 3)))])
    # Committed without finish(): the replay clock standing still must not hold the data back.
    assert wait_for(lambda: stored_counts(db, sid).get("imu") == 5)
    clock.advance(90_000_000_000)
    w.finish(10, {})
    with SessionStore(db) as store:
        row = store.get_session(sid)
        assert row is not None and row["session_s"] == 90.0


class Medal(enum.Enum):
    GOLD = "gold"


def test_event_data_and_summary_with_numpy_and_enums_do_not_crash(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    data = {"height_m": np.float32(0.25), "lane": np.int64(2), "medal": Medal.GOLD, "path": Path("x")}
    w.record_event(7, "jump", data)
    data["height_m"] = 9.0  # stored as it was when recorded
    w.finish(np.float64(12.5), {"speeds": np.array([1.5, 2.0]), "medal": Medal.GOLD})
    assert w.intact
    with SessionStore(db) as store:
        [ev] = store.events(sid)
        assert ev == {"t_ns": 7, "kind": "jump", "data": {"height_m": 0.25, "lane": 2, "medal": "gold", "path": "x"}}
        row = store.get_session(sid)
        assert row is not None and row["score"] == 12.5 and row["summary"] == {"speeds": [1.5, 2.0], "medal": "gold"}


def test_misuse_is_reported_to_the_caller(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None)
    w.start()
    with pytest.raises(RuntimeError):
        w.start()
    w.finish(0, {})
    with pytest.raises(StoreError, match="pseudonym"):
        SessionWriter(db, player="  ", mode="runner", level=None).start()
    with pytest.raises(ValueError):
        SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0)


def test_stream_kind_enum_and_counts_match_store(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    lm = np.zeros((33, 4))
    for i in range(20):
        w.record(
            [
                hr(i),
                PoseFrame(t_host_ns=i, source="cam", landmarks=lm),
                ImuBatch(t_host_ns=i, source="imu", rate_hz=100.0, t_first_ns=i, acc_g=np.zeros((3, 3))),
            ]
        )
    counts = w.counts()
    w.finish(0, {})
    assert counts == {"hr": 20, "imu": 60, "pose": 20, "fitness": 0, "events": 0}
    with SessionStore(db) as store:
        [row] = store.list_sessions()
        assert row["samples"] == {k: counts[k] for k in ("hr", "imu", "pose")}
        assert len(list(store.iter_samples(sid, StreamKind.POSE))) == 20
        assert sum(s["n"] for s in store.iter_samples(sid, StreamKind.IMU)) == 60
