"""Start-up cost of the generated sound: synthesising every cue and one music loop, and opening
the player (mixer start, cues turned into mixer sounds), against a baseline of allocating the
same number of samples with numpy in the same run.

    .venv/bin/python benchmarks/audio_synth.py [--repeats 20]

Goal: the whole start-up (``Sound()``: cues and mixer) under 0.3 s; the first music loop is
rendered when a scene first asks for it, and measured apart.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable

os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from game.audio import Sound  # noqa: E402
from game.audio.cues import synth_cues  # noqa: E402
from game.audio.music import STYLES, render_loop  # noqa: E402
from game.audio.player import SAMPLE_RATE_HZ  # noqa: E402


def timed(fn: Callable[[], object], repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000.0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeats", type=int, default=20)
    args = ap.parse_args()
    sr = SAMPLE_RATE_HZ
    n_cues = sum(x.size for x in synth_cues(sr).values())
    n_loop = render_loop(STYLES["runner"], sr).size

    def baseline() -> None:
        np.sin(np.arange(n_cues + n_loop, dtype=np.float32))

    def player() -> None:
        s = Sound()
        s.close()

    rows = {
        "baseline: numpy sin over the same number of samples": timed(baseline, args.repeats),
        f"all {len(synth_cues(sr))} cues ({n_cues} samples)": timed(lambda: synth_cues(sr), args.repeats),
        f"one music loop, runner ({n_loop} samples)": timed(lambda: render_loop(STYLES["runner"], sr), args.repeats),
        "Sound(): mixer start + cues as mixer sounds + close": timed(player, args.repeats),
    }
    print(f"sample rate {sr} Hz, {args.repeats} repeats, pygame {pygame.version.ver}")
    print("| what | median ms | max ms |\n| --- | ---: | ---: |")
    for name, ms in rows.items():
        print(f"| {name} | {statistics.median(ms):.1f} | {max(ms):.1f} |")


if __name__ == "__main__":
    main()
