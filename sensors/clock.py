"""The one clock every sample is stamped with.

All host timestamps in Liike are ``time.monotonic_ns()`` taken at the moment data enters the
process (``t_host_ns``). Monotonic time never jumps with wall-clock changes, so latencies and
intervals computed from it are real. Wall-clock time is used only for the session store's
human-readable start and end times.
"""

from __future__ import annotations

import time
from collections.abc import Callable

#: A source of monotonic nanoseconds; injected into components so tests can drive time.
ClockNs = Callable[[], int]

NS_PER_S = 1_000_000_000
NS_PER_MS = 1_000_000


def now_ns() -> int:
    """Current monotonic time in nanoseconds (the shared host clock)."""
    return time.monotonic_ns()


def s_to_ns(seconds: float) -> int:
    """Seconds to integer nanoseconds, rounded to the nearest nanosecond."""
    return round(seconds * NS_PER_S)


def ns_to_s(ns: int) -> float:
    """Integer nanoseconds to seconds."""
    return ns / NS_PER_S


class ManualClock:
    """A clock that only moves when told to; for tests and offline replay."""

    def __init__(self, start_ns: int = 0) -> None:
        self._t_ns = start_ns

    def __call__(self) -> int:
        return self._t_ns

    def advance(self, ns: int) -> int:
        if ns < 0:
            raise ValueError("a monotonic clock cannot go backwards")
        self._t_ns += ns
        return self._t_ns
