"""Heart of the simulated player: heart rate that follows effort, beat by beat, with RR intervals.

Target heart rate (beats/min) for an activity, from its energy cost:

- Energy cost in METs from the 2011 Compendium of Physical Activities (Ainsworth BE et al.,
  Med Sci Sports Exerc 2011;43(8):1575-1581): standing quietly 1.3 (code 07040), squats 5.0
  (02052), jumping / vigorous calisthenics 8.0 (02020, jumping jacks too), jogging in place 8.0
  (12025), the latter taken at 160 steps/min and scaled with cadence (an assumption of this
  model); punching bag 5.5 (15100) for punches; moderate calisthenics 3.8 (02022) for
  double-pole arm swings; light calisthenics 2.8 (02024) for arm waves and wide steps.
- Share of the player's reserve: %VO2R = (MET - 1) / (MET_max - 1), MET_max = VO2max / 3.5;
  %HRR is about %VO2R (Swain DP, Leutholtz BC, Med Sci Sports Exerc 1997;29(3):410-414).
- Target = HRrest + %HRR * (HRmax - HRrest) (Karvonen), HRmax by default 208 - 0.7 age
  (Tanaka H et al., J Am Coll Cardiol 2001;37(1):153-156), but never below HRrest + 10:
  HRrest is a resting (lying or sitting) rate, and standing up alone raises the heart rate by
  about that much (the orthostatic response). This also keeps the beat-to-beat noise of a
  standing player from reporting rates below HRrest.

Heart rate moves toward the target with first-order kinetics, faster on the way up (time
constant 30 s) than on the way down (60 s): round values of the order seen in moderate
exercise and in the early recovery (see the review of heart-rate recovery by Buchheit M,
Front Physiol 2014;5:73); a game's stand-in, not a physiological model.

Beat-to-beat variability: RR = 60 / HR * (1 + e), e = respiratory sinus arrhythmia at 0.25 Hz
plus Gaussian noise, both zero-mean and shrinking with effort (vagal withdrawal), so over a few
beats the mean RR is 60 / HR. Every beat's noise is drawn from a generator keyed by the seed and
the beat's index, so the beats do not depend on when they are asked for.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

TAU_UP_S = 30.0
TAU_DOWN_S = 60.0
STANDING_EXTRA_BPM = 10.0

#: Energy cost (METs) per activity name (Ainsworth 2011); jogging at REF_CADENCE_SPM.
ACTIVITY_MET = {
    "idle": 1.3,
    "rest": 1.3,
    "squat": 5.0,
    "jump": 8.0,
    "jog": 8.0,
    "jack": 8.0,
    "punch": 5.5,
    "pole": 3.8,
    "wave": 2.8,
    "wide": 2.8,
}
REF_CADENCE_SPM = 160.0
#: The repetition rates (per minute) the movements' MET values above stand for: the script's
#: defaults (``sensors.sim.script.DEFAULT_RATE_PER_MIN``, kept in step by a test).
REF_RATE_PER_MIN = {"jump": 30.0, "squat": 20.0, "jack": 50.0, "punch": 40.0, "wave": 12.0, "pole": 30.0, "wide": 8.0}


def reserve_fraction(
    activity: str, vo2max_ml_kg_min: float, cadence_spm: float | None = None, rate_per_min: float | None = None
) -> float:
    """Share of heart-rate reserve (0..1) an activity costs (Swain & Leutholtz 1997).

    ``vo2max_ml_kg_min``: the player's maximal oxygen uptake; 1 MET = 3.5 ml/kg/min.
    ``cadence_spm`` (jogging) and ``rate_per_min`` (a repeated movement) scale the cost above
    rest from the rate its MET value stands for (:data:`REF_CADENCE_SPM`, the script's default
    repetition rates): a model assumption, each step or repetition taken to cost the same work.
    """
    met = ACTIVITY_MET[activity]
    if activity == "jog" and cadence_spm is not None:
        met = 1.0 + (met - 1.0) * cadence_spm / REF_CADENCE_SPM
    elif rate_per_min is not None and activity in REF_RATE_PER_MIN:
        met = 1.0 + (met - 1.0) * rate_per_min / REF_RATE_PER_MIN[activity]
    met_max = vo2max_ml_kg_min / 3.5
    return min(1.0, max(0.0, (met - 1.0) / (met_max - 1.0)))


@dataclass
class HeartModel:
    """Beat-by-beat heart: ``next_beat(reserve)`` advances one beat.

    ``hr_bpm`` is the model's (noise-free) heart rate after the latest beat, always within
    [``hr_rest_bpm``, ``hr_max_bpm``]; ``t_s`` the time of that beat, seconds since the start.
    """

    hr_rest_bpm: float
    hr_max_bpm: float
    seed: int
    start_reserve: float = 0.03
    hr_bpm: float = field(init=False)
    t_s: float = field(init=False, default=0.0)  # time of the last beat since start
    n_beats: int = field(init=False, default=0)

    def __post_init__(self) -> None:
        if not self.hr_max_bpm > self.hr_rest_bpm > 0:
            raise ValueError(f"need 0 < HRrest < HRmax, got {self.hr_rest_bpm} and {self.hr_max_bpm}")
        self.hr_bpm = self.target_bpm(self.start_reserve)
        # The first beat falls somewhere within the first interval, not exactly at the start.
        self.t_s = -float(np.random.default_rng((self.seed, 8)).random()) * 60.0 / self.hr_bpm

    def target_bpm(self, reserve_fraction: float) -> float:
        """Karvonen: HRrest + i * (HRmax - HRrest), at least HRrest + STANDING_EXTRA_BPM."""
        karvonen = self.hr_rest_bpm + reserve_fraction * (self.hr_max_bpm - self.hr_rest_bpm)
        return min(self.hr_max_bpm, max(karvonen, self.hr_rest_bpm + STANDING_EXTRA_BPM))

    def next_beat(self, reserve_fraction: float) -> tuple[float, float]:
        """Advance by one beat; return (time of the beat in s since start, RR interval in s)."""
        rr_mean = 60.0 / self.hr_bpm
        effort = (self.hr_bpm - self.hr_rest_bpm) / (self.hr_max_bpm - self.hr_rest_bpm)
        rng = np.random.default_rng((self.seed, 7, self.n_beats))
        sd = 0.045 * (1 - 0.8 * min(max(effort, 0.0), 1.0))
        rsa = 0.5 * sd * math.sin(2 * math.pi * 0.25 * self.t_s)
        rr = rr_mean * (1 + rsa + float(rng.normal(0.0, sd)))
        rr = min(max(rr, 60.0 / 240), 2.0)
        self.t_s += rr
        self.n_beats += 1
        target = self.target_bpm(reserve_fraction)
        tau = TAU_UP_S if target > self.hr_bpm else TAU_DOWN_S
        self.hr_bpm += (target - self.hr_bpm) * (1 - math.exp(-rr / tau))
        return self.t_s, rr
