"""Drawing the heart-zone play screen at 1280x720, 15 minutes into a round.

Runs in one process, on the same machine, with the SDL dummy video driver:
1. baseline: clear and flip a 1280x720 window;
2. the play screen (HUD, gauge, panel, the round's curve) and flip, the curve drawn
   incrementally as the game draws it (each new second's segment onto a kept surface);
3. the same screen with the curve drawn whole every frame (a fresh layer each time): what the
   incremental drawing saves.

Usage: python benchmarks/heartzone_draw.py [--frames 300] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import pygame  # noqa: E402

from game.engine.config import AppConfig  # noqa: E402
from game.engine.run import build_context  # noqa: E402
from game.input.mapper import InputFrame  # noqa: E402
from game.levels import list_levels  # noqa: E402
from game.modes import register_builtin_modes  # noqa: E402
from game.modes.heartzone import MODE  # noqa: E402
from game.modes.heartzone.draw import CurveLayer  # noqa: E402
from game.modes.heartzone.scene import HeartZoneScene  # noqa: E402
from sensors.clock import ManualClock, s_to_ns  # noqa: E402
from sensors.samples import HeartRateSample  # noqa: E402

PLAYED_S = 900.0
DT = 1 / 60


def timed(fn: Callable[[], object], frames: int) -> dict[str, float]:
    work = []
    for _ in range(frames):
        t0 = time.perf_counter()
        fn()
        work.append((time.perf_counter() - t0) * 1000)
    a = np.asarray(work)
    return {"frames": frames, "p50_ms": round(float(np.percentile(a, 50)), 3), "p99_ms": round(float(np.percentile(a, 99)), 3)}


def scene_at(played_s: float, tmp: Path) -> HeartZoneScene:
    """The "Moderate 20" level ``played_s`` into the round, with a strap reading every second."""
    register_builtin_modes()
    levels, _ = list_levels(MODE.name)
    ctx = build_context(AppConfig(input="keyboard", mode=MODE.name, db=tmp / "s.sqlite"), MODE, levels)
    clock = ManualClock(s_to_ns(100))
    ctx.clock = clock
    ctx.selected_level = [lv.name for lv in levels].index("Moderate 20")
    scene = HeartZoneScene(ctx)
    next_hr = clock()
    for i in range(round((played_s + 3.0) / DT)):  # the countdown, then the round
        clock.advance(s_to_ns(DT))
        if clock() >= next_hr:
            bpm = 120 + round(8 * np.sin(i * DT / 20))  # wandering about the band's middle
            ctx.live.ingest([HeartRateSample(clock(), "strap", bpm, contact=True)])
            next_hr += s_to_ns(1.0)
        scene.update(InputFrame(), DT)
    return scene


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 720))
    with tempfile.TemporaryDirectory() as tmp:
        scene = scene_at(PLAYED_S, Path(tmp))
        scene.render(screen)  # fonts and text warmed, as after the first frames of a game

        def baseline() -> None:
            screen.fill((30, 30, 40))
            pygame.display.flip()

        def incremental() -> None:
            scene.render(screen)
            pygame.display.flip()

        def whole() -> None:
            scene._curve = CurveLayer()  # a fresh layer draws the bands and every point again
            scene.render(screen)
            pygame.display.flip()

        results = {
            "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
            "curve_points": len(scene.round.curve),
            "baseline": timed(baseline, args.frames),
            "play_screen_incremental_curve": timed(incremental, args.frames),
            "play_screen_whole_curve": timed(whole, args.frames),
        }
    pygame.quit()
    if args.json:
        print(json.dumps(results))
    else:
        print(f"machine: {results['machine']}; curve points: {results['curve_points']}")
        for name in ("baseline", "play_screen_incremental_curve", "play_screen_whole_curve"):
            r = results[name]
            assert isinstance(r, dict)
            print(f"{name:32s} frames {r['frames']:5d}  p50 {r['p50_ms']:7.3f} ms  p99 {r['p99_ms']:7.3f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
