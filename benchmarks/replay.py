"""``liike replay`` speed and the frame tape's size, for every installed mode.

Per mode: a simulated session is recorded headless on a virtual clock (``run_game(...,
virtual_time=True)``: every frame updated and drawn, the simulated player stepped with them,
nothing sleeps), then replayed headless as fast as possible (``liike replay ID --headless``).
The recording is the baseline of the same run: the same frames drawn at the same size, with the
simulated player and the recognisers at work. Reported: the session's length, its frames, wall
time and ms per frame of both, the replay's speed against real time, whether the replay's game
events and score equal the original's, and the bytes per minute of the frame tape
(``replay.setup`` and ``replay.frames`` events) against those of the raw samples. Usage::

    .venv/bin/python benchmarks/replay.py --seconds 60 --size 1280x720
    .venv/bin/python benchmarks/replay.py --seconds 60 --size 320x240 --modes runner ski
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from game.cli import main  # noqa: E402
from game.engine.config import AppConfig  # noqa: E402
from game.engine.modes import get_mode, mode_names  # noqa: E402
from game.engine.run import run_game  # noqa: E402
from game.levels import list_levels  # noqa: E402
from game.modes import register_builtin_modes  # noqa: E402

#: The menu starts the level this long after the run begins (game.scenes.menu.AUTOSTART_S).
MENU_S = 2.5


def _events(db: Path, session: int) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT t_ns, kind, data_json FROM events WHERE session_id=? AND kind != 'replay.of' ORDER BY rowid", (session,)
        ).fetchall()
    return list(rows)


def _bytes(db: Path, session: int) -> tuple[int, int]:
    """(frame tape bytes, raw sample bytes) of a session: the tape's JSON, the samples' blobs and columns."""
    with sqlite3.connect(db) as conn:
        tape = conn.execute(
            "SELECT coalesce(sum(length(data_json)), 0) FROM events WHERE session_id=? AND kind LIKE 'replay.%'", (session,)
        ).fetchone()[0]
        samples = conn.execute(
            "SELECT (SELECT coalesce(sum(length(acc) + coalesce(length(gyr), 0) + 40), 0) FROM imu WHERE session_id=?1)"
            " + (SELECT coalesce(sum(length(landmarks) + coalesce(length(world), 0) + 24), 0) FROM pose WHERE session_id=?1)"
            " + (SELECT coalesce(sum(length(rr_json) + 24), 0) FROM hr WHERE session_id=?1)",
            (session,),
        ).fetchone()[0]
    return int(tape), int(samples)


def bench_mode(mode_name: str, seconds: float, size: tuple[int, int], folder: Path) -> dict[str, Any]:
    db = folder / f"{mode_name}.sqlite"
    levels = [lv for lv in list_levels(mode_name)[0] if getattr(lv, "players", 1) == 1][:1]
    config = AppConfig(
        mode=mode_name,
        level=levels[0].name,
        input="sim",
        headless=True,
        seconds=seconds + MENU_S,
        db=db,
        player="bench",
        size=size,
        volume=0,
        muted=True,
    )
    t0 = time.perf_counter()
    recorded = run_game(config, get_mode(mode_name), levels, virtual_time=True)
    record_s = time.perf_counter() - t0
    original = int(recorded["session_id"])
    out = io.StringIO()
    t0 = time.perf_counter()
    with contextlib.redirect_stdout(out):
        code = main(["replay", str(original), "--db", str(db), "--headless", "--size", f"{size[0]}x{size[1]}"])
    replay_s = time.perf_counter() - t0
    if code != 0:
        raise RuntimeError(f"liike replay exited {code}")
    replayed = json.loads(out.getvalue().strip().splitlines()[-1])
    with sqlite3.connect(db) as conn:
        (session_ns,) = conn.execute("SELECT t_end_ns - t0_ns FROM sessions WHERE id=?", (original,)).fetchone()
    session_s = session_ns / 1e9
    tape, samples = _bytes(db, original)
    return {
        "mode": mode_name,
        "session_s": round(session_s, 1),
        "frames": replayed["frames_replayed"],
        "record_s": round(record_s, 2),
        "record_ms_per_frame": round(1000 * record_s / recorded["frames"], 2),
        "replay_s": round(replay_s, 2),
        "replay_ms_per_frame": round(1000 * replay_s / replayed["frames_replayed"], 2),
        "replay_x_real_time": round(session_s / replay_s, 1),
        "same_events_and_score": _events(db, original) == _events(db, replayed["session_id"])
        and replayed["score"] == recorded["score"],
        "tape_kb_per_min": round(tape / 1024 / (session_s / 60), 1),
        "samples_kb_per_min": round(samples / 1024 / (session_s / 60), 1),
    }


def main_bench() -> None:
    register_builtin_modes()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="seconds of session per mode (default 60)")
    parser.add_argument("--size", default="1280x720", help="window size WxH (default 1280x720)")
    parser.add_argument("--modes", nargs="*", default=None, help="modes (default: every installed one)")
    args = parser.parse_args()
    w, h = (int(v) for v in args.size.split("x"))
    print(f"# {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, load {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        for mode_name in args.modes or mode_names():
            print(json.dumps(bench_mode(mode_name, args.seconds, (w, h), Path(tmp))), flush=True)
    print(f"# load at the end {os.getloadavg()}")


if __name__ == "__main__":
    main_bench()
