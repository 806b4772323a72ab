"""Steps from an IMU anywhere on the body: foot, shank, thigh, wrist, or the trunk.

Placement assumptions:

- ``foot`` / ``ankle`` / ``shank`` and ``thigh``: on one leg, any mounting orientation. That leg
  swings once per stride (gait cycle: two steps, one of each foot), so the sensor's rotation
  (gyroscope) or, without a gyroscope, its acceleration (gravity's direction in the sensor frame
  turns with the segment) repeats once per stride. A counted cycle's peak is the middle of a
  swing; it gives one foot contact a quarter stride later (:data:`LEG_CONTACT_PHASE`) and one
  of the other foot half a stride after that (in walking and running the legs alternate).
- ``wrist``: on one forearm, arms swinging as in ordinary walking or running: the arm swings
  forward and back once per stride, so each cycle is again two steps, at the swing's two
  extremes (the arm is furthest forward about when the other foot lands). Arms held still (a
  treadmill's handrail, a phone in hand) break this assumption: the wrist then only sees the
  body's bounce, at the step frequency, and the steps are over-counted two-fold.
- trunk (``chest``, ``waist``, ``lower-back``, ``hip`` ...): the vertical acceleration of the
  trunk peaks once per step; these placements use the game's own detector
  (:class:`sensors.motion.imu_detectors.ImuMotionDetector`), steps and jumps, unchanged.

Cycles of the limb placements are found by :class:`~sensors.motion.periodic.PeriodicCounter`
(dominant period by autocorrelation, band-pass to the fundamental, hysteresis peak counting)
over stride periods of 0.6-2.0 s (30-100 strides/min, 60-200 steps/min), and only cycles that
come in trains are kept (:class:`~sensors.motion.periodic.CycleTrain`). Without a gyroscope,
at slow cadences the step frequency (the other foot's impacts) can be taken for the stride.
A stride is counted between two consecutive cycles at most 1.6 periods apart: a turn on the
spot or a pause between them is no stride.

Jumps: one limb sensor alone cannot tell a series of jumps (a countermovement, an arm swing
and a tuck every second or two) from slow strides. What gives a jump away is its flight: the
whole body is ballistic, so every sensor on it reads well under 1 g for as long as the flight
lasts, while walking and running always load a foot except for flight phases of about 0.1 s
(:data:`LIMB_FLIGHT_G`, :data:`LIMB_FLIGHT_MIN_S`, found by
:class:`~sensors.motion.orientation.FreeFallDetector`). Steps from
:data:`FLIGHT_VETO_BEFORE_S` before a flight to :data:`FLIGHT_VETO_AFTER_S` after it are
dropped, and the periodicity analysis restarts after it
(:meth:`~sensors.motion.periodic.PeriodicCounter.gap`), so that the jumps neither set the
stride period nor hide the strides that follow for a whole analysis window. Steps are held
until a flight that would veto them could have been confirmed. A gyroscope is not needed; a
foot or ankle swings too much in a jump's tuck to read as a flight (on the simulated player it
never does), so there jumps can still be taken for strides.

Pure step functions over timestamped samples: ``update(batch) -> list[MotionEvent]``.
"""

from __future__ import annotations

import numpy as np

from sensors.clock import NS_PER_S
from sensors.motion.cadence import CadenceEstimator
from sensors.motion.events import MotionEvent
from sensors.motion.imu_detectors import TRUNK_PLACEMENTS, ImuMotionDetector
from sensors.motion.orientation import FreeFallDetector
from sensors.motion.periodic import Cycle, CycleTrain, PeriodicCounter
from sensors.samples import ImuBatch

#: Limb placements handled by :class:`LimbStepDetector`.
LIMB_PLACEMENTS = frozenset({"foot", "ankle", "shank", "thigh", "wrist", "forearm"})

#: Placements on a leg, where a cycle's peak is the middle of that leg's swing.
LEG_PLACEMENTS = frozenset({"foot", "ankle", "shank", "thigh"})
#: Foot contact after the peak of a leg's stride cycle, as a share of the stride. The peak of
#: the band-passed fundamental is the middle of the swing (the swing is the excursion from the
#: stance posture; on gaitmap's labelled walk every detected cycle falls in a swing, see
#: tests/sensors/motion/test_validation_gaitmap.py), and the swing lasts about 40 % of a
#: walking stride and 60 % of a running one (Novacheck 1998, Gait Posture 7:77), so contact
#: comes 0.2-0.3 stride after it.
LEG_CONTACT_PHASE = 0.25

MIN_STRIDE_S = 0.6
MAX_STRIDE_S = 2.0
#: Hysteresis floors of the band-passed signal: 0.05 rad (3 degrees) of rotation, 0.04 g.
ANGLE_THRESHOLD_RAD = 0.05
ACC_THRESHOLD_G = 0.04

#: A limb in a jump's flight: |acc| below this (g). Higher than the trunk's 0.4 g
#: (:data:`~sensors.motion.orientation.FREE_FALL_G`): in flight a limb still turns about its
#: joint (a tucked thigh, a swinging arm), which adds its own acceleration; the simulated thigh
#: reads 0.2-0.5 g in flight, while simulated jogging (130-200 steps/min) never keeps a limb
#: below 0.6 g for 0.15 s.
LIMB_FLIGHT_G = 0.6
#: ... for at least this long (s): a flight of 0.2 s is a rise of g t^2 / 8 = 5 cm, and running
#: flight phases last about 0.1 s, so the threshold is also what keeps running strides.
LIMB_FLIGHT_MIN_S = 0.2
#: Steps vetoed around a flight (s): from this long before take-off (the countermovement and
#: the arm swing of the push-off) ...
FLIGHT_VETO_BEFORE_S = 0.4
#: ... to this long after landing (the absorption of the landing).
FLIGHT_VETO_AFTER_S = 0.3


def normalise_placement(placement: str) -> str:
    """``"Lower-Back"`` -> ``"lower_back"``: the spelling :data:`TRUNK_PLACEMENTS` uses."""
    return placement.strip().lower().replace("-", "_").replace(" ", "_")


def is_trunk(placement: str) -> bool:
    return normalise_placement(placement) in TRUNK_PLACEMENTS


class SegmentAngle:
    """Running integral of the gyroscope (rad), the segment's rotation about each sensor axis.

    It drifts with the gyroscope's bias, but the consumers high-pass it over one movement
    period, which removes a drift that is close to linear over a few seconds.
    """

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self._angle = np.zeros(3)

    def update(self, gyr_dps: np.ndarray, rate_hz: float) -> np.ndarray:
        rad = np.deg2rad(np.asarray(gyr_dps, dtype=np.float64)) / rate_hz
        out = self._angle + np.cumsum(rad, axis=0)
        if out.shape[0]:
            self._angle = out[-1].copy()
        return out


class LimbStepDetector:
    """Steps from one IMU on a leg or a swinging arm (see the module docstring).

    ``cycles``: times (ns) of the accepted cycles; ``strides``: complete strides counted;
    ``flights``: (take-off, landing) times (ns) of the jumps' flights seen (a cycle whose steps
    all fall in a flight's veto window is not a cycle).
    Events: ``"step"`` (magnitude 1.0), two per cycle; confidence = the periodicity score.
    """

    def __init__(self, placement: str = "foot", source: str | None = None) -> None:
        p = normalise_placement(placement)
        if p not in LIMB_PLACEMENTS:
            raise ValueError(f"{placement!r} is not a limb placement; expected one of {', '.join(sorted(LIMB_PLACEMENTS))}")
        self.placement = p
        self.source = source or f"imu:{p}"
        self.cadence = CadenceEstimator(latency_s=MAX_STRIDE_S)
        self._contact_phase = LEG_CONTACT_PHASE if p in LEG_PLACEMENTS else 0.0
        self.reset()

    def reset(self) -> None:
        self._counter: PeriodicCounter | None = None
        self._train = CycleTrain()
        self._angle = SegmentAngle()
        self._use_gyro: bool | None = None
        self.cadence.reset()
        self.cycles: list[int] = []
        self.strides = 0
        self._last_period_s = 0.0
        self._last_t_ns: int | None = None
        self._freefall = FreeFallDetector(threshold_g=LIMB_FLIGHT_G, min_duration_s=LIMB_FLIGHT_MIN_S)
        self._flying = False  # a confirmed flight still going on at the newest sample
        self._pending: list[tuple[Cycle, list[int]]] = []  # accepted cycles and their step times, held
        self._veto: list[tuple[int, int]] = []  # (first, last) ns of the steps vetoed around flights
        self._n_flights = 0  # flights of the free-fall detector already turned into veto windows

    @property
    def flights(self) -> list[tuple[int, int]]:
        """(take-off, landing) times (ns) of the flights seen: the first and last sample below
        :data:`LIMB_FLIGHT_G`."""
        return list(self._freefall.runs)

    def _make_counter(self, gyro: bool) -> PeriodicCounter:
        return PeriodicCounter(
            min_period_s=MIN_STRIDE_S,
            max_period_s=MAX_STRIDE_S,
            abs_threshold=ANGLE_THRESHOLD_RAD if gyro else ACC_THRESHOLD_G,
            # A leg's signal repeats once per stride, but the other foot's
            # impacts put a strong component at the step frequency: keep the
            # highest autocorrelation peak, never halve it.
            divisors=(),
        )

    def cadence_spm(self, now_ns: int) -> float:
        return self.cadence.cadence_spm(now_ns)

    def update(self, batch: ImuBatch) -> list[MotionEvent]:
        if batch.n_values == 0:
            return []
        if self._use_gyro is None:
            self._use_gyro = batch.gyr_dps is not None
            self._counter = self._make_counter(self._use_gyro)
        assert self._counter is not None
        t = batch.times_after(self._last_t_ns)
        if t.size == 0:
            return []
        n = t.size
        self._last_t_ns = int(t[-1])
        acc = batch.acc_g[-n:].astype(np.float64)
        cycles = self._feed_flights(t, acc)
        if self._use_gyro:
            if batch.gyr_dps is None:
                raise ValueError("this stream started with a gyroscope and a batch came without one")
            x = self._angle.update(batch.gyr_dps[-n:], batch.rate_hz)
        else:
            x = acc
        self._hold(cycles + self._counter.update(t, x, batch.rate_hz))
        return self._release(final=False)

    def flush(self) -> list[MotionEvent]:
        """End of a recording: judge the last samples too."""
        if self._counter is None:
            return []
        self._freefall.flush()
        self._hold(self._new_flights() + self._counter.flush())
        return self._release(final=True)

    def _feed_flights(self, t: np.ndarray, acc: np.ndarray) -> list[Cycle]:
        """Feed the free-fall detector; for each flight that ended, the cycles the counter
        judged before its veto window."""
        mask = self._freefall.update(t, acc)
        self._flying = bool(mask[-1])
        return self._new_flights()

    def _new_flights(self) -> list[Cycle]:
        assert self._counter is not None
        out: list[Cycle] = []
        for first, last in self._freefall.runs[self._n_flights :]:
            window = (first - int(FLIGHT_VETO_BEFORE_S * NS_PER_S), last + int(FLIGHT_VETO_AFTER_S * NS_PER_S))
            self._veto.append(window)
            out += self._counter.gap(*window)
        self._n_flights = len(self._freefall.runs)
        return out

    def _hold(self, cycles: list[Cycle]) -> None:
        for c in self._train.push(cycles):
            first = c.t_ns + int(self._contact_phase * c.period_s * NS_PER_S)
            self._pending.append((c, [first, first + int(c.period_s * NS_PER_S / 2)]))

    def _release(self, *, final: bool) -> list[MotionEvent]:
        """Steps no flight can veto any more: a flight vetoes steps up to
        :data:`FLIGHT_VETO_BEFORE_S` before its take-off and is confirmed
        :data:`LIMB_FLIGHT_MIN_S` after it, and one in progress only once it has landed."""
        assert self._last_t_ns is not None
        horizon = self._last_t_ns - int((FLIGHT_VETO_BEFORE_S + LIMB_FLIGHT_MIN_S) * NS_PER_S)
        events: list[MotionEvent] = []
        while self._pending and (final or (not self._flying and max(self._pending[0][1]) <= horizon)):
            c, steps = self._pending.pop(0)
            # Windows that end before this cycle's steps can veto none of the later ones either.
            while self._veto and self._veto[0][1] < min(steps):
                self._veto.pop(0)
            kept = [tj for tj in steps if not any(a <= tj <= b for a, b in self._veto)]
            if not kept:
                continue
            if self.cycles and (c.t_ns - self.cycles[-1]) / NS_PER_S <= 1.6 * max(c.period_s, self._last_period_s):
                self.strides += 1
            self.cycles.append(c.t_ns)
            self._last_period_s = c.period_s
            conf = float(min(1.0, max(0.3, c.score)))
            for tj in kept:
                events.append(MotionEvent(tj, "step", conf, 1.0, self.source))
                self.cadence.add_step(tj)
        return events


class StepDetector:
    """Steps (and, on the trunk, jumps) from one IMU at any supported placement.

    Trunk placements use :class:`ImuMotionDetector` (the game's detector); limb placements use
    :class:`LimbStepDetector`. ``update(batch)`` returns the events; ``flush()`` ends a recording.
    """

    def __init__(self, placement: str, source: str | None = None) -> None:
        self.placement = normalise_placement(placement)
        self.trunk = self.placement in TRUNK_PLACEMENTS
        if not self.trunk and self.placement not in LIMB_PLACEMENTS:
            known = sorted(TRUNK_PLACEMENTS | LIMB_PLACEMENTS)
            raise ValueError(f"unknown placement {placement!r}; expected one of {', '.join(known)}")
        self.detector: ImuMotionDetector | LimbStepDetector = (
            ImuMotionDetector(source) if self.trunk else LimbStepDetector(self.placement, source)
        )
        self._rate_hz: float | None = None

    def update(self, batch: ImuBatch) -> list[MotionEvent]:
        self._rate_hz = batch.rate_hz
        return self.detector.update(batch)

    def flush(self) -> list[MotionEvent]:
        """End of a recording. The trunk detector holds steps for 0.75 s (a jump may still
        withdraw them): one second of standing still after the last sample releases them."""
        d = self.detector
        if isinstance(d, LimbStepDetector):
            return d.flush()
        if d.last_t_ns is None or d.gravity.lowpass is None or self._rate_hz is None:
            return []
        up = d.gravity.lowpass / max(float(np.linalg.norm(d.gravity.lowpass)), 1e-9)
        n = int(round(self._rate_hz))
        still = ImuBatch(
            t_host_ns=d.last_t_ns,
            source=d.source,
            rate_hz=self._rate_hz,
            t_first_ns=d.last_t_ns + int(NS_PER_S / self._rate_hz),
            acc_g=np.tile(up, (n, 1)),
        )
        return d.update(still)

    def cadence_spm(self, now_ns: int) -> float:
        return self.detector.cadence_spm(now_ns)


__all__ = ["LIMB_PLACEMENTS", "LimbStepDetector", "SegmentAngle", "StepDetector", "is_trunk", "normalise_placement"]
