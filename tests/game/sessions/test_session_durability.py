"""SIGKILL mid-session: what is older than about a second is on disk and the file opens cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from game.sessions import SessionStore

HELPER = Path(__file__).with_name("durability_writer.py")


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX SIGKILL")
def test_killed_writer_loses_at_most_the_last_second(tmp_path: Path) -> None:
    db = tmp_path / "durable.sqlite"
    proc = subprocess.Popen([sys.executable, str(HELPER), str(db)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    first = proc.stdout.readline()
    assert first.startswith("session "), first
    session_id = int(first.split()[1])
    last_t = 0
    deadline = time.monotonic() + 3.0
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        last_t = int(line)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    with SessionStore(db) as store:
        assert store.integrity_ok()
        [row] = store.list_sessions()
        assert row["id"] == session_id and row["ended_at"] is None
        times = [s["t_first_ns"] for s in store.iter_samples(session_id, "imu")]
    assert times, "nothing was committed"
    # Every sample up to one second before the last one the process reported is on disk,
    # with no gaps (one sample each 10 ms of the helper's own timeline).
    t_first = times[0]
    expected = list(range(t_first, last_t - 1_000_000_000 + 1, 10_000_000))
    assert set(expected) <= set(times)
    assert times == sorted(times)
