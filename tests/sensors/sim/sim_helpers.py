"""Shared helpers for the simulated player tests (not a test module)."""

from __future__ import annotations

from typing import Any

import numpy as np

from sensors.clock import s_to_ns
from sensors.samples import HeartRateSample, ImuBatch, PoseFrame
from sensors.sim import SimulatedPlayer


def run(player: SimulatedPlayer, seconds: float, step_s: float | None = None, start_s: float = 0.0) -> list[Any]:
    """Advance ``player`` to ``seconds``: in one call, or in slices of ``step_s``."""
    if step_s is None:
        return player.advance_to(s_to_ns(seconds))
    out: list[Any] = []
    t = start_s
    while t < seconds:
        t = min(seconds, t + step_s)
        out += player.advance_to(s_to_ns(t))
    return out


def by_type(samples: list[Any], kind: type) -> list[Any]:
    return [s for s in samples if isinstance(s, kind)]


def imu_arrays(samples: list[Any]) -> tuple[np.ndarray, np.ndarray]:
    """(times in s, acc in g) of every IMU sample."""
    imu = by_type(samples, ImuBatch)
    return np.concatenate([b.times_ns() for b in imu]) / 1e9, np.concatenate([b.acc_g for b in imu]).astype(float)


def _same(a: np.ndarray | None, b: np.ndarray | None) -> bool:
    return a is None and b is None or a is not None and b is not None and np.array_equal(a, b)


def same(a: list[Any], b: list[Any]) -> bool:
    """Identical sample lists, value for value."""
    if len(a) != len(b):
        return False
    for x, y in zip(a, b, strict=True):
        if type(x) is not type(y) or x.t_host_ns != y.t_host_ns:
            return False
        if isinstance(x, ImuBatch) and (x.t_first_ns != y.t_first_ns or not np.array_equal(x.acc_g, y.acc_g)):
            return False
        if isinstance(x, PoseFrame) and not (np.array_equal(x.landmarks, y.landmarks) and _same(x.world, y.world)):
            return False
        if isinstance(x, HeartRateSample) and (x.bpm, x.rr_s) != (y.bpm, y.rr_s):
            return False
    return True
