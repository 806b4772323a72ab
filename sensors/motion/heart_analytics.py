"""Heart analytics over a session: energy, training load, RR cleaning and HRV.

Sources:
- Keytel LR et al. Prediction of energy expenditure from heart rate monitoring during
  submaximal exercise. J Sports Sci 2005;23(3):289-297, equations without VO2max, kJ/min:
  men   -55.0969 + 0.6309 HR + 0.1988 W + 0.2017 A;
  women -20.4022 + 0.4472 HR - 0.1263 W + 0.0740 A (HR bpm, W kg, A years); 4.184 kJ = 1 kcal.
  Derived from moderate-to-vigorous exercise: below ~57 % of HRmax (light effort) it is not
  valid, and a MET estimate is used instead.
- ACSM metabolic equation: kcal/min = MET x 3.5 x body mass (kg) / 200.
- Banister EW. Modeling elite athletic performance. In: Physiological Testing of Elite
  Athletes, 1991: TRIMP = t (min) x dHR x 0.64 e^(1.92 dHR) for men (0.86 e^(1.67 dHR) for
  women), dHR = (HR - rest) / (max - rest).
- Task Force of the ESC and NASPE. Heart rate variability: standards of measurement.
  Circulation 1996;93:1043-1065: SDNN, RMSSD, pNN50 over normal-to-normal intervals.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

KJ_PER_KCAL = 4.184
KEYTEL_MIN_HRMAX_FRACTION = 0.57


def keytel_kcal_per_min(hr_bpm: float, mass_kg: float, age_y: float, sex: str) -> float:
    """Keytel 2005 energy expenditure (kcal/min), without validity checks (see energy_kcal_per_min)."""
    if sex == "male":
        kj = -55.0969 + 0.6309 * hr_bpm + 0.1988 * mass_kg + 0.2017 * age_y
    elif sex == "female":
        kj = -20.4022 + 0.4472 * hr_bpm - 0.1263 * mass_kg + 0.0740 * age_y
    else:
        raise ValueError(f"sex must be 'male' or 'female' for the Keytel equations, got {sex!r}")
    return kj / KJ_PER_KCAL


def met_kcal_per_min(met: float, mass_kg: float) -> float:
    """ACSM: kcal/min = MET x 3.5 ml/kg/min x mass / 200."""
    return met * 3.5 * mass_kg / 200.0


@dataclass(frozen=True, slots=True)
class EnergyEstimate:
    kcal_per_min: float
    method: str  # "keytel" or "met"


def energy_kcal_per_min(
    hr_bpm: float, hr_max_bpm: float, mass_kg: float, age_y: float, sex: str, fallback_met: float
) -> EnergyEstimate:
    """Keytel where it is valid (HR >= 57 % of HRmax and the result positive), else METs.

    ``fallback_met``: the activity's MET value (2011 Compendium), e.g. 2.8 light calisthenics.
    Never returns a negative or absurd rate.
    """
    if hr_bpm >= KEYTEL_MIN_HRMAX_FRACTION * hr_max_bpm:
        rate = keytel_kcal_per_min(hr_bpm, mass_kg, age_y, sex)
        if 0 < rate < 40:  # the fastest sustainable human rates are ~25-30 kcal/min
            return EnergyEstimate(rate, "keytel")
    return EnergyEstimate(met_kcal_per_min(fallback_met, mass_kg), "met")


def banister_trimp(hr_bpm: Sequence[float], dt_s: Sequence[float], hr_rest: float, hr_max: float, sex: str) -> float:
    """Training impulse summed over readings held for ``dt_s`` seconds each."""
    k, b = (0.64, 1.92) if sex == "male" else (0.86, 1.67)
    total = 0.0
    for hr, dt in zip(hr_bpm, dt_s, strict=True):
        x = min(max((hr - hr_rest) / (hr_max - hr_rest), 0.0), 1.0)
        total += dt / 60.0 * x * k * math.exp(b * x)
    return total


def clean_rr_ms(rr_ms: Sequence[float], max_change: float = 0.2) -> np.ndarray:
    """Normal-to-normal intervals: drops values outside 300-2000 ms (200-30 bpm) and beats that
    differ from the last accepted one by more than ``max_change`` (ectopic beats, missed or
    doubled detections), a common rule-of-thumb filter."""
    out: list[float] = []
    for rr in rr_ms:
        if not 300.0 <= rr <= 2000.0:
            continue
        if out and abs(rr - out[-1]) > max_change * out[-1]:
            continue
        out.append(float(rr))
    return np.array(out)


@dataclass(frozen=True, slots=True)
class Hrv:
    mean_hr_bpm: float
    min_hr_bpm: float
    max_hr_bpm: float
    sdnn_ms: float
    rmssd_ms: float
    pnn50_pct: float


def hrv(nn_ms: Sequence[float] | np.ndarray) -> Hrv:
    """Time-domain HRV of NN intervals (ms), with pyhrv 0.5.0's conventions (time_domain.py).

    Heart rate is the instantaneous rate of each interval, 60000 / NN (bpm): its mean, minimum
    and maximum (so max HR comes from the shortest interval). SDNN is the sample standard
    deviation (ddof=1); RMSSD the root mean square of successive differences; pNN50 the share
    of successive differences greater than 50 ms, over the number of differences (len - 1).
    """
    nn = np.asarray(nn_ms, dtype=float)
    if nn.size < 3:
        raise ValueError(f"HRV needs at least 3 intervals, got {nn.size}")
    diff = np.diff(nn)
    hr = 60000.0 / nn
    return Hrv(
        mean_hr_bpm=float(hr.mean()),
        min_hr_bpm=float(hr.min()),
        max_hr_bpm=float(hr.max()),
        sdnn_ms=float(nn.std(ddof=1)),
        rmssd_ms=float(np.sqrt(np.mean(diff**2))),
        pnn50_pct=float(100.0 * np.mean(np.abs(diff) > 50.0)),
    )
