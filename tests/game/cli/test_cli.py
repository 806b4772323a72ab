"""The command-line contract, exercised through real subprocesses."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.sessions import SessionStore

ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}


def liike(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, timeout=timeout, env=ENV)


#: What the session of ``sim_run`` must hold before the run is ended: readings per stream and
#: motion events (the menu and calibration take a few seconds of the run).
SIM_RUN_SAMPLES = {"hr": 1, "imu": 1001, "pose": 301}
SIM_RUN_EVENTS = ("step", "jump", "squat")


@pytest.fixture(scope="module")
def sim_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    """A headless game with the simulated player, run until its session on disk holds
    ``SIM_RUN_SAMPLES`` and ``SIM_RUN_EVENTS`` (up to two minutes, however slowly a busy machine
    lets it go), then ended with SIGTERM: the (db, JSON result) of that run."""
    db = tmp_path_factory.mktemp("cli") / "sessions.sqlite"
    play = ["play", "--headless", "--input", "sim", "--db", str(db), "--level", "meadow"]
    if sys.platform == "win32":  # no SIGTERM that the game could catch: a run of fixed length
        out = liike(*play, "--seconds", "20")
        assert out.returncode == 0, out.stderr
        return db, json.loads(out.stdout.strip().splitlines()[-1])
    import signal
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "game.cli", *play, "--seconds", "600"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    try:
        deadline = time.monotonic() + 120.0
        while time.monotonic() < deadline and proc.poll() is None and not _session_holds(db):
            time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        stdout, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
    assert proc.returncode == 0, stderr
    return db, json.loads(stdout.strip().splitlines()[-1])


def _session_holds(db: Path) -> bool:
    """True once the session in ``db`` holds ``SIM_RUN_SAMPLES`` and ``SIM_RUN_EVENTS``."""
    import sqlite3

    if not db.exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0)
        try:
            counts = dict(conn.execute("SELECT kind, sum(n) FROM session_counts GROUP BY kind").fetchall())
            kinds = {k for (k,) in conn.execute("SELECT DISTINCT kind FROM events")}
        finally:
            conn.close()
    except sqlite3.Error:
        return False
    return all(counts.get(k, 0) >= n for k, n in SIM_RUN_SAMPLES.items()) and all(k in kinds for k in SIM_RUN_EVENTS)


@pytest.mark.slow
def test_headless_sim_run_reports_json(sim_run: tuple[Path, dict]) -> None:
    _, result = sim_run
    for key in ("session_id", "mode", "frames", "fps", "frame_ms_p99", "score", "samples"):
        assert key in result
    assert result["mode"] == "runner"
    assert isinstance(result["session_id"], int)
    assert result["frames"] > 0
    assert 0 < result["fps"] <= 65  # capped at 60 (the clock overshoots a little); a loaded machine runs slower
    assert all(result["samples"][k] > 0 for k in ("hr", "imu", "pose"))
    # Over ten seconds of play: a thousand IMU readings at 100 Hz, hundreds of pose frames.
    assert result["samples"]["imu"] > 1000 and result["samples"]["pose"] > 300


@pytest.mark.slow
def test_session_holds_samples_and_motion_events(sim_run: tuple[Path, dict]) -> None:
    db, result = sim_run
    with SessionStore(db) as store:
        detail = store.get_session(result["session_id"])
        assert detail is not None
        assert detail["samples"] == result["samples"]
        kinds = detail["events_by_kind"]
        for kind in ("step", "jump", "squat"):
            assert kinds.get(kind, 0) >= 1, kinds


@pytest.mark.slow
def test_sessions_list_and_show_json(sim_run: tuple[Path, dict]) -> None:
    db, result = sim_run
    out = liike("sessions", "list", "--db", str(db), "--json")
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert isinstance(rows, list) and rows
    row = next(r for r in rows if r["id"] == result["session_id"])
    for key in ("id", "mode", "started_at", "ended_at", "score", "samples"):
        assert key in row
    assert row["ended_at"] is not None
    assert row["samples"]["imu"] == result["samples"]["imu"]
    out = liike("sessions", "show", str(result["session_id"]), "--db", str(db), "--json")
    assert out.returncode == 0 and json.loads(out.stdout)["id"] == result["session_id"]
    text = liike("sessions", "list", "--db", str(db))
    assert text.returncode == 0 and "runner" in text.stdout


def test_broken_level_exits_2_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema: 1\nname: Bad\nmode: runner\ndifficulty: 9\nlength_m: 300\nobstacles: []\n")
    out = liike("play", "--headless", "--level", str(bad), "--seconds", "1", "--db", str(tmp_path / "x.sqlite"))
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert str(bad) in lines[0] and ":4:" in lines[0] and "difficulty" in lines[0]
    assert "Traceback" not in out.stderr


def test_missing_session_and_db_are_clear(tmp_path: Path) -> None:
    out = liike("sessions", "list", "--db", str(tmp_path / "none.sqlite"))
    assert out.returncode == 2 and "none.sqlite" in out.stderr and "Traceback" not in out.stderr
    corrupt = tmp_path / "corrupt.sqlite"
    corrupt.write_bytes(os.urandom(4096))
    out = liike("sessions", "list", "--db", str(corrupt))
    assert out.returncode == 2 and "corrupt.sqlite" in out.stderr and "Traceback" not in out.stderr


def test_version_and_help() -> None:
    out = liike("--version")
    assert out.returncode == 0 and out.stdout.startswith("liike ")
    for args in (["--help"], ["play", "--help"], ["sessions", "list", "--help"], ["sessions", "show", "--help"]):
        out = liike(*args)
        assert out.returncode == 0 and "usage:" in out.stdout


def test_keyboard_headless_run_exits_cleanly(tmp_path: Path) -> None:
    out = liike("play", "--headless", "--input", "keyboard", "--seconds", "2", "--db", str(tmp_path / "k.sqlite"))
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["session_id"] is None and result["frames"] > 0


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "kill") or sys.platform == "win32", reason="needs POSIX SIGKILL")
def test_killed_game_keeps_all_but_the_last_second(tmp_path: Path) -> None:
    import signal
    import time

    db = tmp_path / "killed.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "game.cli", "play", "--headless", "--input", "sim", "--seconds", "60", "--db", str(db)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=ENV,
    )
    # Wait until the session is on disk with steps in it (menu and calibration take ~4 s).
    deadline = time.monotonic() + 60.0
    while time.monotonic() < deadline and not _has_steps(db):
        time.sleep(0.5)
    time.sleep(2.0)
    killed_at_ns = time.monotonic_ns()  # CLOCK_MONOTONIC is shared by every process on the machine
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    with SessionStore(db) as store:
        assert store.integrity_ok()
        [row] = store.list_sessions()
        assert row["ended_at"] is None
        assert all(row["samples"][k] > 0 for k in ("hr", "imu", "pose"))
        last_imu = max(s["t_first_ns"] for s in store.iter_samples(row["id"], "imu"))
        kinds = {e["kind"] for e in store.events(row["id"])}
    # Batches are committed every 0.25 s; allow for a slow commit on a loaded machine.
    assert killed_at_ns - last_imu < 2.0e9, "more than the last ~second was lost"
    assert "step" in kinds


def _has_steps(db: Path) -> bool:
    import sqlite3

    if not db.exists():
        return False
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1.0)
        try:
            return conn.execute("SELECT count(*) FROM events WHERE kind='step'").fetchone()[0] > 0
        finally:
            conn.close()
    except sqlite3.Error:
        return False


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="needs POSIX SIGTERM")
def test_sigterm_ends_the_run_and_closes_the_session(tmp_path: Path) -> None:
    import signal
    import time

    db = tmp_path / "term.sqlite"
    proc = subprocess.Popen(
        [sys.executable, "-m", "game.cli", "play", "--headless", "--input", "sim", "--seconds", "60", "--db", str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )
    deadline = time.monotonic() + 60.0
    while time.monotonic() < deadline and not _has_steps(db):
        time.sleep(0.5)
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    with SessionStore(db) as store:
        row = store.get_session(result["session_id"])
    assert row is not None and row["ended_at"] is not None
    assert row["summary"]["completed"] is False and row["samples"]["imu"] > 0
