"""Limb steps around jumps: a jump's flight is no stride, and jogging after jumps is counted."""

from __future__ import annotations

from functools import cache

import numpy as np
import pytest

from sensors.motion.gait import LimbStepDetector, StepDetector
from sensors.motion.periodic import PeriodicCounter
from sensors.samples import ImuBatch
from sensors.sim.player import SimulatedPlayer

#: Jogging, a block of three countermovement jumps (15-23 s), jogging again (23-35 s).
SCRIPT = "idle:3,jog:12@165,jump:8,jog:12@170,rest:3"
JUMP_BLOCK_S = (15.0, 23.0)


@cache
def run(placement: str, seed: int) -> tuple[np.ndarray, np.ndarray, tuple[tuple[float, float], ...], int]:
    """(found step times, true step times, true (take-off, landing) times, all in s; flights
    the detector saw) for the simulated limb IMU (accelerometer only, 100 Hz)."""
    sp = SimulatedPlayer(seed=seed, script=SCRIPT, imu_placement=placement, loop=False)
    batches = [s for s in sp.advance_to(int(38e9)) if isinstance(s, ImuBatch)]
    det = StepDetector(placement)
    events = []
    for b in batches:
        events += det.update(b)
    events += det.flush()
    assert isinstance(det.detector, LimbStepDetector)
    truth = sp.ground_truth()
    found = np.array([e.t_ns for e in events if e.kind == "step"]) / 1e9
    steps = np.array([e.t_ns for e in truth if e.kind == "step"]) / 1e9
    jumps = tuple((e.t_ns / 1e9, e.t_end_ns / 1e9) for e in truth if e.kind == "jump")
    return found, steps, jumps, len(det.detector.flights)


@pytest.mark.slow
@pytest.mark.parametrize("placement", ["thigh", "wrist"])
def test_jumps_are_not_steps(placement: str) -> None:
    found, steps, jumps, flights = run(placement, seed=21)
    assert len(jumps) == 3 and flights == 3  # every flight seen, nothing else taken for one
    a, b = jumps[0][0] - 0.4, jumps[-1][1] + 0.3
    assert not ((steps > a) & (steps < b)).any()
    # Before, one limb sensor took the block's countermovements for slow strides (10-12 steps).
    assert not ((found > a) & (found < b)).any(), found[(found > a) & (found < b)]
    lo, hi = JUMP_BLOCK_S
    assert ((found > lo + 0.5) & (found < hi)).sum() <= 1


@pytest.mark.slow
@pytest.mark.parametrize("placement", ["thigh", "wrist"])
def test_jogging_right_after_jumps_is_counted(placement: str) -> None:
    found, steps, _, _ = run(placement, seed=22)
    end = JUMP_BLOCK_S[1]
    after_true, after_found = steps[steps > end], found[found > end]
    # Before, the 8 s analysis window still held the jumps and the first ~4 s of jogging were lost.
    assert after_found.size and after_found[0] <= after_true[0] + 1.0, (after_found[:3], after_true[:3])
    assert abs(after_found.size - after_true.size) <= 4  # a cycle (two steps) at each end at most


@pytest.mark.slow
@pytest.mark.parametrize("placement", ["thigh", "wrist"])
def test_jogging_has_no_flights(placement: str) -> None:
    # On-the-spot jogging at 130-185 steps/min: the short flight between steps is no jump.
    sp = SimulatedPlayer(seed=23, script="idle:2,jog:15@130,jog:15@160,jog:15@185,rest:2", imu_placement=placement, loop=False)
    det = LimbStepDetector(placement)
    for s in sp.advance_to(int(49e9)):
        if isinstance(s, ImuBatch):
            det.update(s)
    det.flush()
    assert det.flights == []
    true_steps = sum(e.kind == "step" for e in sp.ground_truth())
    assert len(det.cycles) >= true_steps / 2 - 3  # nothing held back or vetoed


def test_counter_gap_restarts_the_period() -> None:
    # 12 s of a slow movement (1.8 s per cycle), a gap, then a fast one (0.7 s per cycle): after
    # the gap the period comes from what follows it alone.
    rate = 100.0
    t = np.arange(int(24 * rate)) / rate
    x = np.where(t < 12.0, np.sin(2 * np.pi * t / 1.8), np.sin(2 * np.pi * (t - 12.0) / 0.7))
    t_ns = (t * 1e9).astype(np.int64)
    pc = PeriodicCounter(min_period_s=0.6, max_period_s=2.0, abs_threshold=0.05, divisors=())
    cycles = []
    for i in range(0, t.size, 10):
        if i == 1200:
            cycles += pc.gap(int(11.5e9), int(12.5e9))
        cycles += pc.update(t_ns[i : i + 10], x[i : i + 10], rate)
    cycles += pc.flush()
    times = np.array([c.t_ns for c in cycles]) / 1e9
    assert not ((times > 11.5) & (times < 12.5)).any()
    fast = [c for c in cycles if c.t_ns / 1e9 > 12.5]
    assert fast and fast[0].t_ns / 1e9 < 14.5
    assert all(c.period_s == pytest.approx(0.7, abs=0.05) for c in fast)
    assert len(fast) == pytest.approx((24.0 - 12.5) / 0.7, abs=2)
