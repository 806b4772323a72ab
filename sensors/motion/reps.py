"""A generic repetition counter for any repeated exercise, from one IMU on the wrist or arm.

Raises, rows, curls, presses, rotations: whatever the exercise, a repetition moves the forearm
out and back once, so the sensor's signals repeat once per repetition. The counter needs no
model of the exercise and no axis convention.

Placement assumptions: one IMU on the moving wrist, forearm or upper arm (or held in the
hand), any mounting orientation; one exercise at a time, at 1.0-6.0 s per repetition
(10-60 per minute). With a gyroscope, the signal is the segment's rotation (the integrated
angular rate, rad), which every listed exercise produces and which is free of impacts; without
one, the acceleration (g), where the turning of gravity's direction in the sensor frame
(about 1 g per radian of tilt) and the movement's own acceleration both repeat per repetition.
A movement that barely rotates the arm (a pure press with a fixed wrist) needs the accelerometer
path: pass ``use_gyro=False``.

Method (:mod:`sensors.motion.periodic`): dominant period by autocorrelation over an 18 s window,
band-pass to the fundamental, first principal direction, peak counting with hysteresis and a
minimum spacing of 0.55 period, and only repetitions that come in trains (at least two within
1.6 periods) count, so shifting position between sets counts nothing. A repetition is reported
about one period plus 0.2 s after its peak (the filters are centred).

Pure step function over timestamped samples: ``update(batch) -> list[MotionEvent]``.
"""

from __future__ import annotations

import numpy as np

from sensors.motion.events import MotionEvent
from sensors.motion.gait import SegmentAngle
from sensors.motion.periodic import Cycle, CycleTrain, PeriodicCounter
from sensors.samples import ImuBatch

MIN_REP_S = 1.0
MAX_REP_S = 6.0
#: Hysteresis floors of the band-passed signal: 0.03 rad (1.7 degrees), 0.03 g.
ANGLE_THRESHOLD_RAD = 0.03
ACC_THRESHOLD_G = 0.03


class RepCounter:
    """Repetitions of the dominant repeated movement (see the module docstring).

    Events: ``"rep"``, magnitude = the repetition's period in seconds, confidence = the
    periodicity score of the window (0.3..1). ``count``: repetitions so far.
    ``use_gyro``: None = use the gyroscope when the first batch has one.
    ``amplitudes``: the band-passed amplitude of each counted repetition (rad with the
    gyroscope, g without), for judging how clearly the movement showed.
    """

    def __init__(
        self,
        source: str | None = None,
        *,
        use_gyro: bool | None = None,
        min_period_s: float = MIN_REP_S,
        max_period_s: float = MAX_REP_S,
    ) -> None:
        self._fixed_source = source
        self.source = source or "imu"
        self._want_gyro = use_gyro
        self.min_period_s, self.max_period_s = min_period_s, max_period_s
        self.reset()

    def reset(self) -> None:
        self.count = 0
        self.amplitudes: list[float] = []
        self._use_gyro: bool | None = None
        self._counter: PeriodicCounter | None = None
        self._train = CycleTrain()
        self._angle = SegmentAngle()
        self._last_t_ns: int | None = None

    @property
    def uses_gyro(self) -> bool | None:
        """Whether the count comes from the gyroscope; None before the first batch."""
        return self._use_gyro

    @property
    def period_s(self) -> float | None:
        """The current repetition period (s), None before one was found."""
        return self._counter.period_s if self._counter is not None else None

    def update(self, batch: ImuBatch) -> list[MotionEvent]:
        if batch.n_values == 0:
            return []
        if self._counter is None:
            self._use_gyro = batch.gyr_dps is not None if self._want_gyro is None else self._want_gyro
            if self._use_gyro and batch.gyr_dps is None:
                raise ValueError("use_gyro=True but the stream has no gyroscope")
            self._counter = PeriodicCounter(
                min_period_s=self.min_period_s,
                max_period_s=self.max_period_s,
                abs_threshold=ANGLE_THRESHOLD_RAD if self._use_gyro else ACC_THRESHOLD_G,
                # the rotation (rad) or, without a gyroscope,
                # gravity's direction (g) reads the posture
                posture_channels=3,
            )
            if self._fixed_source is None:
                self.source = f"imu:{batch.placement}"
        t = batch.times_after(self._last_t_ns)
        if t.size == 0:
            return []
        n = t.size
        self._last_t_ns = int(t[-1])
        if self._use_gyro:
            if batch.gyr_dps is None:
                raise ValueError("this stream started with a gyroscope and a batch came without one")
            # Rotation (rad) beside acceleration (g): tilting by 1 rad turns gravity by about 1 g
            # in the sensor frame, so the units are commensurate and the principal direction
            # follows whichever carries the movement (rotation for curls and twists, the
            # acceleration for a press that barely rotates the wrist).
            x = np.hstack((self._angle.update(batch.gyr_dps[-n:], batch.rate_hz), batch.acc_g[-n:].astype(np.float64)))
        else:
            x = batch.acc_g[-n:].astype(np.float64)
        return self._events(self._counter.update(t, x, batch.rate_hz))

    def flush(self) -> list[MotionEvent]:
        """End of a recording: judge the last samples too."""
        return self._events(self._counter.flush()) if self._counter is not None else []

    def _events(self, cycles: list[Cycle]) -> list[MotionEvent]:
        released = self._train.push(cycles)
        self.count += len(released)
        self.amplitudes += [abs(c.amplitude) for c in released]
        return [MotionEvent(c.t_ns, "rep", float(min(1.0, max(0.3, c.score))), c.period_s, self.source) for c in released]


__all__ = ["RepCounter"]
