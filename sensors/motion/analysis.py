"""Offline analysis of a whole IMU recording with the same detectors the game runs live.

The recording is cut into one-second :class:`~sensors.samples.ImuBatch` es and fed through
:class:`~sensors.motion.gait.StepDetector` (the trunk detector for trunk placements, steps and
jumps) and :class:`~sensors.motion.reps.RepCounter`, exactly as a live stream would be. On the
trunk the steps counted are those of the walking detector
(:class:`~sensors.motion.walking.WalkingStepDetector`, recall first, seconds of delay) rather
than the game's low-latency detector, which misses a third of slow everyday steps (VALIDATION.md);
the game detector's count is kept beside it, and the jumps it finds veto the walking detector's
contacts around them (a landing jolts the trunk like a heel strike). ENMO
and the minutes per intensity class come from :mod:`sensors.motion.intensity`. Vertical
acceleration and free fall come from :mod:`sensors.motion.orientation`: with a gyroscope the
Fusion AHRS tracks the sensor's orientation, without one a low-pass of the acceleration gives
"up" (it lags a sensor that turns, so the vertical is less exact).
"""

from __future__ import annotations

import math
import statistics
from itertools import pairwise
from typing import Any

import numpy as np

from sensors.clock import NS_PER_S
from sensors.motion.events import MotionEvent
from sensors.motion.gait import StepDetector, normalise_placement
from sensors.motion.intensity import HILDEBRAND_ADULT_HIP, HILDEBRAND_ADULT_WRIST, CutPoints, enmo_mg, intensity_minutes
from sensors.motion.orientation import FreeFallDetector, OrientationTracker
from sensors.motion.reps import RepCounter
from sensors.motion.walking import WalkingStepDetector
from sensors.samples import ImuBatch

G_MPS2 = 9.80665
#: Epoch of the minutes per intensity class: GGIR's default short epoch (5 s).
INTENSITY_EPOCH_S = 5.0
#: Steps further apart than this are not one bout of stepping (cadence >= 30 steps/min).
MAX_STEP_GAP_S = 2.0
#: Walking contacts from this long before a jump's take-off to this long after its landing are
#: the jump's countermovement, push-off and landing (s): the game detector's own veto spans
#: (:class:`~sensors.motion.imu_detectors.ImuMotionDetector`).
JUMP_VETO_BEFORE_S, JUMP_VETO_AFTER_S = 0.6, 0.7

#: Without a gyroscope a repetition count is trusted only when the counted repetitions' median
#: band-passed amplitude reaches this (g). Measured with benchmarks/rep_sets.py (96 sets of 20,
#: each cut out as its own recording): every set at or above it was within +-2 of 20 (64 of
#: 64: curls, raises, presses and the fastest rows); below it, 22 of 32 sets were wrong (rows
#: 0-37, trunk rotations 0-2 of 20, slow presses), because a row or a rotation barely changes
#: gravity's direction in the sensor while the gyroscope sees every one.
REPS_MIN_ACC_AMPLITUDE_G = 0.07
REPS_NEED_GYRO = (
    "without a gyroscope, repetitions that barely tilt the forearm (rows, trunk rotations, slow presses) "
    "are not counted reliably; record with the gyroscope on"
)

#: What ``steps_method`` names: the detector whose steps ``steps`` counts.
STEPS_METHODS = {
    "walking_cwt": "trunk: walking initial contacts, Gaussian wavelet of vertical acceleration "
    "(McCamley 2012, Paraschiv-Ionescu 2020), sensors/motion/walking.py",
    "leg_cycles": "foot, ankle, shank or thigh: two steps per swing cycle of the leg, sensors/motion/gait.py",
    "arm_swing_cycles": "wrist or forearm: two steps per arm-swing cycle, sensors/motion/gait.py",
}


def cut_points_for(placement: str) -> tuple[CutPoints | None, str]:
    """The Hildebrand 2014 table for a placement, and a note saying how well it applies.

    The tables were derived for the non-dominant wrist and the hip; the waist and lower back sit
    close to the hip. Chest, thigh and foot have no published ENMO cut-points: None.
    """
    p = normalise_placement(placement)
    if p in ("wrist", "forearm"):
        return HILDEBRAND_ADULT_WRIST, "adult non-dominant wrist table (Hildebrand 2014)"
    if p in ("hip", "waist", "lower_back", "pelvis", "belt", "sacrum"):
        return HILDEBRAND_ADULT_HIP, "adult hip table (Hildebrand 2014); waist and lower back taken as hip"
    return None, f"no ENMO cut-points are published for the {placement} placement; minutes per class not given"


def median_cadence_spm(step_times_ns: list[int]) -> float:
    """Median cadence while stepping: 60 / median interval between consecutive steps that are
    at most :data:`MAX_STEP_GAP_S` apart (pauses are not stepping); 0 without two such steps."""
    t = sorted(step_times_ns)
    gaps = [(b - a) / NS_PER_S for a, b in pairwise(t) if 0 < b - a <= MAX_STEP_GAP_S * NS_PER_S]
    return 60.0 / statistics.median(gaps) if gaps else 0.0


def reps_reliability(reps: RepCounter) -> tuple[bool, str | None]:
    """Whether ``reps.count`` can be trusted, and if not, why. With the gyroscope it can; from
    the accelerometer alone only when the repetitions showed clearly
    (:data:`REPS_MIN_ACC_AMPLITUDE_G`); none seen at all may be a movement the accelerometer
    cannot see."""
    if reps.uses_gyro:
        return True, None
    if not reps.amplitudes:
        return False, "no repetitions seen in the acceleration; " + REPS_NEED_GYRO
    amplitude = statistics.median(reps.amplitudes)
    if amplitude < REPS_MIN_ACC_AMPLITUDE_G:
        return False, f"the repetitions move the acceleration by only {amplitude:.3f} g; " + REPS_NEED_GYRO
    return True, None


def outside_jumps(step_times_ns: list[int], jumps: list[MotionEvent]) -> list[int]:
    """The step times (ns, sorted on return) that lie outside every jump's veto span: from
    :data:`JUMP_VETO_BEFORE_S` before its take-off (the event time) to :data:`JUMP_VETO_AFTER_S`
    after its landing (take-off plus the flight time of its height, h = g t^2 / 8, Bosco 1983)."""
    spans = []
    for j in jumps:
        flight_ns = int(math.sqrt(8.0 * max(j.magnitude, 0.0) / G_MPS2) * NS_PER_S)
        spans.append((j.t_ns - int(JUMP_VETO_BEFORE_S * NS_PER_S), j.t_ns + flight_ns + int(JUMP_VETO_AFTER_S * NS_PER_S)))
    return [t for t in sorted(step_times_ns) if not any(a <= t <= b for a, b in spans)]


def analyze_imu(acc_g: np.ndarray, gyr_dps: np.ndarray | None, rate_hz: float, placement: str) -> dict[str, Any]:
    """Steps, cadence, jumps, repetitions, intensity, vertical acceleration and free fall of one
    recording (acc in g, gyro in deg/s).

    ``steps`` and ``cadence_spm`` come from the detector ``steps_method`` names
    (:data:`STEPS_METHODS`); on the trunk ``steps_low_latency`` is the game detector's count of
    the same recording (None elsewhere). ``reps_reliable`` says whether ``reps`` can be trusted,
    ``reps_note`` why not (:func:`reps_reliability`). ``vertical_acc_source`` says how "up" was
    found: ``"ahrs"`` (gyroscope and accelerometer fused; ``orientation_available`` is then
    True) or ``"lowpass"`` (accelerometer only).
    ``vertical_acc_rms_g``: root mean square of the vertical acceleration with gravity removed
    (g), the size of the body's bounce at the sensor. ``free_falls``: runs of |acc| below
    0.4 g for at least 0.12 s (jumps, drops), ``free_fall_s`` their total duration (s).
    """
    # Kept in the caller's precision (the CSV reader gives float32, as ImuBatch carries it): ENMO
    # and the intensity epochs widen to float64 per call, so nothing is copied whole here.
    acc = np.asarray(acc_g)
    n = acc.shape[0]
    steps = StepDetector(placement, source=f"imu:{normalise_placement(placement)}")
    walking = WalkingStepDetector(source=steps.detector.source) if steps.trunk else None
    reps = RepCounter(source=steps.detector.source)
    orientation = OrientationTracker()
    free_fall = FreeFallDetector()
    # Running sums instead of whole-recording arrays keep memory flat for long files.
    vertical_sq_g2 = 0.0
    enmo_sum_mg = 0.0
    events = []
    walking_t: list[int] = []
    per = max(1, int(round(rate_hz)))
    for i in range(0, n, per):
        batch = ImuBatch(
            t_host_ns=0,
            source="file",
            rate_hz=rate_hz,
            t_first_ns=int(round(i * NS_PER_S / rate_hz)),
            acc_g=acc[i : i + per],
            gyr_dps=None if gyr_dps is None else gyr_dps[i : i + per],
            placement=normalise_placement(placement),
        )
        events += steps.update(batch)
        events += reps.update(batch)
        vertical_g = orientation.update(batch).vertical_g
        if walking is not None:
            walking_t += [e.t_ns for e in walking.update(batch.times_ns(), vertical_g, rate_hz)]
        vertical_sq_g2 += float(np.dot(vertical_g, vertical_g))
        enmo_sum_mg += float(enmo_mg(acc[i : i + per]).sum())
        free_fall.update(batch.times_ns(), batch.acc_g)
    events += steps.flush()
    events += reps.flush()
    free_fall.flush()
    game_step_t = [e.t_ns for e in events if e.kind == "step"]
    if walking is not None:
        walking_t += [e.t_ns for e in walking.flush()]
        step_t = outside_jumps(walking_t, [e for e in events if e.kind == "jump"])
        method = "walking_cwt"
    else:
        step_t = game_step_t
        method = "arm_swing_cycles" if normalise_placement(placement) in ("wrist", "forearm") else "leg_cycles"
    jumps = [
        {
            "t_s": round(e.t_ns / NS_PER_S, 3),
            "flight_s": round(math.sqrt(8.0 * e.magnitude / G_MPS2), 3),  # h = g t^2 / 8 (Bosco 1983)
            "height_m": round(e.magnitude, 3),
        }
        for e in events
        if e.kind == "jump"
    ]
    reps_reliable, reps_note = reps_reliability(reps)
    table, note = cut_points_for(placement)
    return {
        "samples": n,
        "duration_s": round(n / rate_hz, 3),
        "rate_hz": rate_hz,
        "placement": normalise_placement(placement),
        "steps": len(step_t),
        "steps_method": method,
        "steps_low_latency": len(game_step_t) if walking is not None else None,
        "cadence_spm": round(median_cadence_spm(step_t), 1),
        "jumps": jumps,
        "jumps_detected": steps.trunk,
        "reps": reps.count,
        "reps_reliable": reps_reliable,
        "reps_note": reps_note,
        "rep_period_s": round(reps.period_s, 2) if reps.count and reps.period_s else None,
        "enmo_mg_mean": round(enmo_sum_mg / n, 2) if n else 0.0,
        "orientation_available": gyr_dps is not None,
        "vertical_acc_source": "ahrs" if gyr_dps is not None else "lowpass",
        "vertical_acc_rms_g": round(math.sqrt(vertical_sq_g2 / n), 3) if n else 0.0,
        "free_falls": len(free_fall.runs),
        "free_fall_s": round(sum(b - a for a, b in free_fall.runs) / NS_PER_S, 3),
        "cut_points": table.name if table is not None else None,
        "cut_points_note": note,
        "intensity_epoch_s": INTENSITY_EPOCH_S,
        "intensity_minutes": (
            {k: round(v, 3) for k, v in intensity_minutes(acc, rate_hz, table, INTENSITY_EPOCH_S).items()}
            if table is not None and n
            else None
        ),
    }


__all__ = [
    "REPS_MIN_ACC_AMPLITUDE_G",
    "STEPS_METHODS",
    "analyze_imu",
    "cut_points_for",
    "median_cadence_spm",
    "outside_jumps",
    "reps_reliability",
]
