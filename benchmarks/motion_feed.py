"""Cost of MotionTracker.feed per pose frame and per 10-sample IMU batch, on 2 minutes of the
simulated player's default script. Baseline in the same run: the cost of building the samples.

Usage: python benchmarks/motion_feed.py
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sensors.motion.tracker import MotionTracker  # noqa: E402
from sensors.samples import ImuBatch, PoseFrame  # noqa: E402
from sensors.sim import SimulatedPlayer  # noqa: E402


def main() -> int:
    t0 = time.perf_counter()
    samples = SimulatedPlayer(seed=1).advance_to(120 * 10**9)
    gen_s = time.perf_counter() - t0
    tracker = MotionTracker()
    cost: dict[type, list[float]] = {PoseFrame: [], ImuBatch: []}
    for s in samples:
        t = time.perf_counter()
        tracker.feed(s)
        if type(s) in cost:
            cost[type(s)].append((time.perf_counter() - t) * 1e3)
    for kind, ms in cost.items():
        print(f"{kind.__name__}: n={len(ms)} median {np.median(ms):.3f} ms, p99 {np.percentile(ms, 99):.3f} ms")
    print(f"baseline: generating 120 s of all streams took {gen_s * 1e3:.0f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
