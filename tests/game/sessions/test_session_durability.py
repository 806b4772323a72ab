"""SIGKILL mid-session: what is older than about a second is on disk and the file opens cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from game.sessions import SessionStore, SessionWriter
from sensors.samples import HeartRateSample

HELPER = Path(__file__).with_name("durability_writer.py")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_killed_writer_loses_at_most_the_last_second(tmp_path: Path) -> None:
    db = tmp_path / "durable.sqlite"
    proc = subprocess.Popen([sys.executable, str(HELPER), str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.startswith("session "), first
        session_id = int(first.split()[1])
        recorded: list[tuple[int, int]] = []  # (step k, t_host_ns) handed to the writer
        # Until the helper has recorded for 2.5 s of its own clock and more than 100 steps, however
        # slowly a busy machine lets it go (it gives up by itself after two minutes).
        while len(recorded) <= 100 or recorded[-1][1] - recorded[0][1] < 2_500_000_000:
            line = proc.stdout.readline()
            assert line, "the helper stopped early"
            k, t = map(int, line.split())
            recorded.append((k, t))
        os.kill(proc.pid, signal.SIGKILL)  # while it is still recording and committing
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL
    assert len(recorded) > 100, "the helper recorded too little to test anything"

    last_t = recorded[-1][1]
    cutoff = last_t - 1_000_000_000
    expect = {
        "imu": {t for k, t in recorded if t <= cutoff},
        "pose": {t for k, t in recorded if t <= cutoff and k % 3 == 0},
        "hr": {t for k, t in recorded if t <= cutoff and k % 10 == 0},
    }
    with SessionStore(db) as store:
        assert store.integrity_ok()
        [row] = store.list_sessions()
        assert row["id"] == session_id and row["ended_at"] is None and row["score"] is None
        stored = {
            "imu": [s["t_first_ns"] for s in store.iter_samples(session_id, "imu")],
            "pose": [s["t_host_ns"] for s in store.iter_samples(session_id, "pose")],
            "hr": [s["t_host_ns"] for s in store.iter_samples(session_id, "hr")],
        }
        # The running totals were committed with the rows, so they agree with them exactly.
        assert row["samples"] == {kind: len(ts) for kind, ts in stored.items()}
        detail = store.get_session(session_id)
        assert detail is not None and detail["session_s"] is not None and detail["session_s"] > 1.0
    for kind in ("imu", "pose", "hr"):
        assert expect[kind], kind
        missing = expect[kind] - set(stored[kind])
        assert not missing, f"{len(missing)} {kind} samples older than 1 s were lost"
        assert stored[kind] == sorted(stored[kind])

    # The store is usable after the crash: a new session is written and finished normally.
    w = SessionWriter(db, player="durable", mode="runner", level="meadow", flush_interval_s=0.05)
    sid = w.start()
    w.record([HeartRateSample(t_host_ns=1, source="strap", bpm=90)])
    w.finish(5, {"after_crash": True})
    assert w.intact
    with SessionStore(db) as store:
        after = store.get_session(sid)
        assert after is not None and after["samples"]["hr"] == 1 and after["summary"] == {"after_crash": True}
        assert [r["ended_at"] is None for r in store.list_sessions()] == [True, False]
