"""Cadence (steps per minute) from the times of recent steps.

Shared by the pose and IMU step detectors and by :class:`sensors.motion.tracker.MotionTracker`,
so every source reports cadence the same way.
"""

from __future__ import annotations

import bisect
import statistics
from itertools import pairwise

from sensors.clock import NS_PER_S


class CadenceEstimator:
    """Cadence from the median of the last few step intervals.

    The median (not the mean) keeps one missed or doubled step from moving the cadence much.
    Intervals longer than ``max_gap_s`` break the run: the next step starts a new one.

    The cadence holds while steps keep coming, then fades linearly to 0 once the time since
    the last step exceeds what the current rhythm (plus the detector's reporting latency,
    ``latency_s``) explains, reaching 0 at ``max_gap_s`` after the last step.
    """

    def __init__(self, *, max_intervals: int = 6, max_gap_s: float = 2.0, latency_s: float = 0.5) -> None:
        if max_intervals < 1 or max_gap_s <= 0 or latency_s < 0:
            raise ValueError("max_intervals >= 1, max_gap_s > 0 and latency_s >= 0 are required")
        self._max_times = max_intervals + 1
        self._max_gap_ns = int(max_gap_s * NS_PER_S)
        self._latency_ns = int(latency_s * NS_PER_S)
        self._times: list[int] = []

    def reset(self) -> None:
        self._times.clear()

    @property
    def last_step_ns(self) -> int | None:
        return self._times[-1] if self._times else None

    def add_step(self, t_ns: int) -> None:
        """Record a step at ``t_ns`` (steps may arrive slightly out of order)."""
        if self._times and t_ns - self._times[-1] > self._max_gap_ns:
            self._times.clear()  # a long pause: the old rhythm says nothing about the new one
        bisect.insort(self._times, t_ns)
        # Drop everything before a long gap inside the run (possible with out-of-order input).
        for i in range(len(self._times) - 1, 0, -1):
            if self._times[i] - self._times[i - 1] > self._max_gap_ns:
                del self._times[:i]
                break
        del self._times[: max(0, len(self._times) - self._max_times)]

    def median_interval_s(self) -> float | None:
        if len(self._times) < 2:
            return None
        intervals = [b - a for a, b in pairwise(self._times) if b > a]
        if not intervals:
            return None
        return statistics.median(intervals) / NS_PER_S

    def cadence_spm(self, now_ns: int) -> float:
        """Cadence in steps/min valid at ``now_ns``; 0 when not stepping."""
        interval_s = self.median_interval_s()
        if interval_s is None:
            return 0.0
        gap_ns = now_ns - self._times[-1]
        if gap_ns >= self._max_gap_ns:
            return 0.0
        base = 60.0 / interval_s
        # Expected wait for the next reported step: 1.5 intervals of rhythm + reporting latency.
        fade_start_ns = min(int(1.5 * interval_s * NS_PER_S) + self._latency_ns, self._max_gap_ns - 1)
        if gap_ns <= fade_start_ns:
            return base
        return base * (self._max_gap_ns - gap_ns) / (self._max_gap_ns - fade_start_ns)
