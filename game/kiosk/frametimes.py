"""Frame work times kept in a fixed histogram, so a kiosk that runs for months keeps a constant
amount of memory for them (a list of every frame's time would grow by ~20 MB a day)."""

from __future__ import annotations

import numpy as np

#: Bin width (ms) and the last bin's lower edge: times are kept to 0.05 ms up to 250 ms, and
#: longer ones counted in the last bin (reported as 250 ms, "at least").
BIN_MS = 0.05
MAX_MS = 250.0


class FrameTimes:
    """Counts of frame work times (ms); percentiles read from the counts."""

    def __init__(self) -> None:
        self.counts = np.zeros(int(MAX_MS / BIN_MS) + 1, dtype=np.int64)
        self.n = 0
        self.max_ms = 0.0
        self.over_16_7 = 0

    def add(self, ms: float) -> None:
        i = min(len(self.counts) - 1, max(0, int(ms / BIN_MS)))
        self.counts[i] += 1
        self.n += 1
        self.max_ms = max(self.max_ms, ms)
        if ms > 1000 / 60:
            self.over_16_7 += 1

    def percentile(self, q: float) -> float:
        """The ``q``-th percentile (0..100), to the upper edge of its bin; 0 with no frames."""
        if self.n == 0:
            return 0.0
        rank = max(1, int(np.ceil(q / 100 * self.n)))
        i = int(np.searchsorted(np.cumsum(self.counts), rank))
        return min(MAX_MS, (i + 1) * BIN_MS)

    def summary(self) -> dict[str, float | int]:
        return {
            "frames": self.n,
            "frame_ms_p50": round(self.percentile(50), 2),
            "frame_ms_p99": round(self.percentile(99), 2),
            "frame_ms_max": round(self.max_ms, 2),
            "frames_over_16_7ms": self.over_16_7,
        }
