"""A slow walker's cadence in the game: the walking detector stands in, seconds late, where the
low-latency trunk step detector misses soft steps (ImuMotionDetector.slow_cadence_spm)."""

from __future__ import annotations

import statistics

import pytest

from sensors.motion.tracker import MotionTracker
from sensors.samples import ImuBatch
from sensors.sim.player import SimulatedPlayer


def cadence_trace(script: str, seconds: float, placement: str = "chest") -> list[tuple[float, float, float]]:
    """(t s, the tracker's cadence, the low-latency steps' own cadence) after each batch."""
    sp = SimulatedPlayer(seed=3, script=script, imu_placement=placement, loop=False)
    tracker = MotionTracker()
    out = []
    for item in sp.advance_to(int(seconds * 1e9)):
        if not isinstance(item, ImuBatch):
            continue
        tracker.feed(item)
        st = tracker.state
        out.append((st.t_ns / 1e9, st.cadence_spm, tracker._cadence.cadence_spm(st.t_ns)))
    return out


@pytest.mark.parametrize("cadence", [60.0, 80.0])
def test_slow_stepping_gets_its_cadence_after_the_stated_delay(cadence: float) -> None:
    trace = cadence_trace(f"idle:3,jog:30@{cadence:g},idle:12", 45)
    walking = [c for t, c, _ in trace if 12.0 <= t <= 33.0]
    assert min(walking) == pytest.approx(cadence, rel=0.08)
    # The low-latency detector alone falls short here: that is what the walking detector is for.
    assert min(fast for t, _, fast in trace if 12.0 <= t <= 33.0) < 0.5 * cadence
    # It appears within about 5 s of the first step (4.1 s of delay and the train's next steps) ...
    first = min(t for t, c, _ in trace if c > 0)
    assert first <= 3.0 + 5.5 + 2 * 60.0 / cadence
    # ... and fades out within about 7 s of the last.
    assert all(c == 0.0 for t, c, _ in trace if t >= 33.0 + 7.5)


def test_jogging_keeps_the_low_latency_cadence_and_stops_promptly() -> None:
    trace = cadence_trace("idle:3,jog:20@160,idle:8", 31)
    jogging = [(c, fast) for t, c, fast in trace if 8.0 <= t <= 22.0]
    assert all(c == fast for c, fast in jogging)  # the walking detector does not step in
    assert statistics.median(c for c, _ in jogging) == pytest.approx(160, rel=0.05)
    # The walking detector's 160 steps/min is not carried over the stop.
    assert all(c == 0.0 for t, c, _ in trace if t >= 23.0 + 2.5)
