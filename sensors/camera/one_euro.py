"""One Euro filter for landmark streams, vectorised over any array shape.

Casiez G, Roussel N, Vogel D. 1 Euro Filter: A Simple Speed-based Low-pass Filter for Noisy
Input in Interactive Systems. CHI 2012, pp. 2527-2530. For each value:

    alpha(fc, dt) = 1 / (1 + tau / dt),  tau = 1 / (2 pi fc)          (eq. 1-2)
    dx_hat = lowpass(dx / dt, alpha(d_cutoff, dt))                    (derivative, eq. 4)
    fc = min_cutoff + beta * |dx_hat|                                 (eq. 5)
    x_hat = lowpass(x, alpha(fc, dt))

Slow movement gets a low cutoff (less jitter); fast movement raises the cutoff (less lag).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, slots=True)
class OneEuroParams:
    """``min_cutoff_hz``: cutoff at rest; ``beta``: cutoff increase per unit/s of speed;
    ``d_cutoff_hz``: cutoff for the speed estimate; ``reset_gap_s``: a longer gap restarts."""

    min_cutoff_hz: float = 1.0
    beta: float = 10.0  # tuned for normalised image coordinates (units: 1/(frame height per s))
    d_cutoff_hz: float = 1.0
    reset_gap_s: float = 0.5

    def __post_init__(self) -> None:
        if self.min_cutoff_hz <= 0 or self.d_cutoff_hz <= 0 or self.beta < 0:
            raise ValueError("cutoffs must be positive and beta non-negative")


def _alpha(cutoff_hz: np.ndarray | float, dt_s: float) -> np.ndarray | float:
    tau = 1.0 / (2 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """Filters successive arrays of the same shape given their timestamps (ns)."""

    def __init__(self, params: OneEuroParams = OneEuroParams()) -> None:
        self.params = params
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t_ns: int | None = None

    def reset(self) -> None:
        self._x = self._dx = None
        self._t_ns = None

    def __call__(self, t_ns: int, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        p = self.params
        if self._x is None or self._t_ns is None or self._x.shape != x.shape:
            self._x, self._dx, self._t_ns = x.copy(), np.zeros_like(x), t_ns
            return x.copy()
        dt = (t_ns - self._t_ns) / 1e9
        if dt <= 0:
            return self._x.copy()  # a repeated or out-of-order frame changes nothing
        if dt > p.reset_gap_s:
            self._x, self._dx, self._t_ns = x.copy(), np.zeros_like(x), t_ns
            return x.copy()
        assert self._dx is not None
        dx = (x - self._x) / dt
        a_d = _alpha(p.d_cutoff_hz, dt)
        self._dx = self._dx + a_d * (dx - self._dx)
        cutoff = p.min_cutoff_hz + p.beta * np.abs(self._dx)
        a = _alpha(cutoff, dt)
        self._x = self._x + a * (x - self._x)
        self._t_ns = t_ns
        return self._x.copy()
