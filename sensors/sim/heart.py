"""Heart of the simulated player: heart rate that follows effort, beat by beat, with RR intervals.

Heart rate moves toward a target set by the current activity as a share of heart-rate reserve
(Karvonen), with first-order kinetics: faster on the way up than on the way down. The time
constants (30 s rising, 60 s recovering) are chosen to look like the gradual rise and slower
recovery of a real session; this is a game's stand-in, not a physiological model.
Beat-to-beat variability shrinks with effort, as heart-rate variability does under load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

TAU_UP_S = 30.0
TAU_DOWN_S = 60.0


@dataclass
class HeartModel:
    hr_rest_bpm: float
    hr_max_bpm: float
    seed: int
    hr_bpm: float = field(init=False)
    t_s: float = field(init=False, default=0.0)  # time of the last beat since start
    n_beats: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        self.hr_bpm = self.hr_rest_bpm + 0.05 * (self.hr_max_bpm - self.hr_rest_bpm)

    def target_bpm(self, reserve_fraction: float) -> float:
        return self.hr_rest_bpm + reserve_fraction * (self.hr_max_bpm - self.hr_rest_bpm)

    def next_beat(self, reserve_fraction: float) -> tuple[float, float]:
        """Advance by one beat; return (time of the beat in s since start, RR interval in s)."""
        rr_mean = 60.0 / self.hr_bpm
        effort = (self.hr_bpm - self.hr_rest_bpm) / (self.hr_max_bpm - self.hr_rest_bpm)
        rng = np.random.default_rng((self.seed, 7, self.n_beats))
        sd = 0.045 * (1 - 0.8 * min(max(effort, 0.0), 1.0))
        # Respiratory sinus arrhythmia at ~0.25 Hz plus random beat-to-beat variation.
        rsa = 0.5 * sd * math.sin(2 * math.pi * 0.25 * self.t_s)
        rr = rr_mean * (1 + rsa + float(rng.normal(0.0, sd)))
        rr = min(max(rr, 60.0 / 220), 2.0)
        self.t_s += rr
        self.n_beats += 1
        target = self.target_bpm(reserve_fraction)
        tau = TAU_UP_S if target > self.hr_bpm else TAU_DOWN_S
        self.hr_bpm += (target - self.hr_bpm) * (1 - math.exp(-rr / tau))
        return self.t_s, rr
