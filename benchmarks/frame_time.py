"""Frame-time benchmark: every game mode headless at 1280x720 with the simulated player.

Runs, in one process after another on the same machine:
1. baseline: a bare pygame loop that clears and flips a 1280x720 window (the floor set by
   SDL and the machine);
2. each mode: ``liike play --headless --input sim --mode MODE [--level L] --seconds N --size 1280x720``
   (the runner on its "forest" level, as in earlier runs; other modes on their menu's first level).

Reports median and p99 of the per-frame work time (update + draw + flip, without the wait for
the 60 FPS cap), the share of frames over 16.7 ms, and each mode's ratio to the baseline.

Usage: python benchmarks/frame_time.py [--seconds 60] [--mode MODE ...] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]


def baseline(seconds: float) -> dict[str, float]:
    os.environ["SDL_VIDEODRIVER"] = "dummy"
    os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"
    import pygame

    pygame.display.init()
    screen = pygame.display.set_mode((1280, 720))
    clock = pygame.time.Clock()
    work: list[float] = []
    t_end = time.perf_counter() + seconds
    while time.perf_counter() < t_end:
        t0 = time.perf_counter()
        pygame.event.pump()
        screen.fill((30, 30, 40))
        pygame.display.flip()
        work.append((time.perf_counter() - t0) * 1000)
        clock.tick(60)
    pygame.quit()
    return stats(np.asarray(work))


def stats(work_ms: np.ndarray) -> dict[str, float]:
    return {
        "frames": int(work_ms.size),
        "frame_ms_p50": round(float(np.percentile(work_ms, 50)), 3),
        "frame_ms_p99": round(float(np.percentile(work_ms, 99)), 3),
        "frames_over_16_7ms": round(float(np.mean(work_ms > 1000 / 60)), 4),
    }


#: Levels the benchmark plays where a mode's first one is not the one to compare over time.
LEVELS = {"runner": "forest"}


def modes() -> list[str]:
    cmd = [sys.executable, "-m", "game.cli", "modes", "--json"]
    out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    return [m["name"] for m in json.loads(out.stdout.strip().splitlines()[-1])]


def game(seconds: float, mode: str) -> dict[str, Any]:
    level = ["--level", LEVELS[mode]] if mode in LEVELS else []
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [
            sys.executable,
            "-m",
            "game.cli",
            "play",
            "--headless",
            "--input",
            "sim",
            "--mode",
            mode,
            *level,
            "--seconds",
            str(seconds),
            "--size",
            "1280x720",
            "--db",
            str(Path(tmp) / "bench.sqlite"),
        ]
        out = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    return {k: result[k] for k in ("level", "frames", "fps", "frame_ms_p50", "frame_ms_p99", "frames_over_16_7ms", "samples")}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--mode", action="append", help="mode to measure (repeatable; default: every registered mode)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    base = baseline(min(args.seconds, 20.0))
    runs = {mode: game(args.seconds, mode) for mode in (args.mode or modes())}
    report: dict[str, Any] = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "baseline": base,
        "modes": runs,
        "ratio_p50": {m: round(g["frame_ms_p50"] / base["frame_ms_p50"], 1) for m, g in runs.items()},
        "ratio_p99": {m: round(g["frame_ms_p99"] / base["frame_ms_p99"], 1) for m, g in runs.items()},
    }
    if args.json:
        print(json.dumps(report))
    else:
        print(f"machine: {report['machine']}")
        print(f"{'':22} {'frames':>7} {'p50 ms':>8} {'p99 ms':>8} {'>16.7ms':>8} {'x p50':>6} {'x p99':>6}")
        print(
            f"{'baseline':22} {base['frames']:>7} {base['frame_ms_p50']:>8.2f} {base['frame_ms_p99']:>8.2f} "
            f"{base['frames_over_16_7ms'] * 100:>7.2f}%"
        )
        for m, g in runs.items():
            print(
                f"{m + ' (' + g['level'] + ')':22} {g['frames']:>7} {g['frame_ms_p50']:>8.2f} {g['frame_ms_p99']:>8.2f} "
                f"{g['frames_over_16_7ms'] * 100:>7.2f}% {report['ratio_p50'][m]:>6} {report['ratio_p99'][m]:>6}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
