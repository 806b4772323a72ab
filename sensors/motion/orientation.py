"""Orientation, vertical acceleration and free fall of one IMU, per sample.

With a gyroscope, orientation comes from the AHRS of x-io Technologies' Fusion library
(``imufusion``, C code): the revised AHRS algorithm of chapter 7 of Madgwick's PhD thesis
(S. O. H. Madgwick, "AHRS algorithms and calibration solutions to facilitate new applications
using low-cost MEMS", University of Bristol, 2014), not the better-known chapter 3 filter; see
the Fusion README (https://github.com/xioTechnologies/Fusion). It integrates the gyroscope and
pulls the estimate towards the accelerometer's inclination with a gain (a complementary filter),
ignoring the accelerometer while it disagrees by more than a threshold (acceleration
rejection), so the estimate of "up" follows a rotating sensor within one sample and is not
dragged by the body's own acceleration. Without a magnetometer, heading is relative: it starts
at zero and drifts with the gyroscope's bias; tilt (the direction of gravity) does not drift.

Without a gyroscope (accelerometer-only batches) "up" is the running low-pass of the
acceleration vector of :class:`~sensors.motion.imu_detectors.GravityEstimator`, the estimate the
trunk step detector uses: right on average over exercise in place, but it lags a rotating mount
by its time constant (2 s), and the lag leaks gravity into the vertical acceleration.

Frames and units: sensor frame as in :class:`~sensors.samples.ImuBatch` (acceleration in g,
+1 g along "up" at rest; angular rate in deg/s). Earth frame North-West-Up (NWU), with north
meaning "where the sensor's x axis pointed when tracking started". Quaternions are (w, x, y, z)
and rotate sensor-frame vectors into the earth frame.

Pure step functions over :class:`~sensors.samples.ImuBatch`: ``update(batch)`` returns arrays
with one row per sample; no clock, no I/O.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import imufusion
import numpy as np

from sensors.clock import NS_PER_S
from sensors.motion.imu_detectors import GravityEstimator, ImuJumpDetector
from sensors.samples import ImuBatch

#: AHRS gain: 0.5 is the value the Fusion README calls appropriate for most applications.
AHRS_GAIN = 0.5
#: Acceleration rejection threshold (degrees of inclination error) and the time after which a
#: sustained disagreement makes the filter trust the accelerometer again (s); both are the
#: Fusion README's suggested values.
ACCELERATION_REJECTION_DEG = 10.0
REJECTION_TIMEOUT_S = 5.0
#: A pause longer than this between batches restarts the AHRS: the rotation during the gap was
#: never measured, so the old orientation is stale.
MAX_GAP_S = 1.0

_JUMP_DEFAULTS = inspect.signature(ImuJumpDetector).parameters
#: Free fall: |acc| below this (g) ...
FREE_FALL_G: float = _JUMP_DEFAULTS["free_fall_g"].default
#: ... for at least this long (s). Both are the jump detector's own thresholds, so a free fall
#: reported here is one :class:`ImuJumpDetector` would consider as a take-off.
MIN_FREE_FALL_S: float = _JUMP_DEFAULTS["min_free_fall_s"].default

_EARTH_UP = np.array([0.0, 0.0, 1.0])


@dataclass(frozen=True, slots=True)
class OrientationResult:
    """Per-sample output of :meth:`OrientationTracker.update` (N rows, one per batch sample).

    ``source``: ``"ahrs"`` (gyroscope and accelerometer fused) or ``"lowpass"`` (accelerometer
    only, :class:`GravityEstimator`). ``up``: (N, 3) unit vector pointing up, in the sensor
    frame (the direction the accelerometer reads +1 g at rest). ``vertical_g``: (N,) vertical
    acceleration in g, up positive, gravity removed (0 at rest). ``quaternion``: (N, 4)
    orientation (w, x, y, z), sensor to earth (NWU), AHRS only, else None. ``earth_acc_g``:
    (N, 3) acceleration in the earth frame (NWU) in g with gravity removed, AHRS only, else None.
    Samples with a non-finite value are skipped (the filters are not updated with them): their
    ``vertical_g`` and ``earth_acc_g`` rows are NaN, ``up`` and ``quaternion`` hold the last
    estimate.
    """

    source: str
    up: np.ndarray
    vertical_g: np.ndarray
    quaternion: np.ndarray | None = None
    earth_acc_g: np.ndarray | None = None


def quaternion_to_matrix(q: np.ndarray) -> np.ndarray:
    """(N, 4) unit quaternions (w, x, y, z) -> (N, 3, 3) rotation matrices, vectorised.

    Same convention as ``imufusion.quaternion_to_matrix``: ``R @ v`` turns a sensor-frame vector
    into the earth frame, and row 2 of ``R`` is "up" in the sensor frame.
    """
    w, x, y, z = (q[:, k] for k in range(4))
    r = np.empty((q.shape[0], 3, 3))
    r[:, 0, 0] = 1 - 2 * (y * y + z * z)
    r[:, 0, 1] = 2 * (x * y - w * z)
    r[:, 0, 2] = 2 * (x * z + w * y)
    r[:, 1, 0] = 2 * (x * y + w * z)
    r[:, 1, 1] = 1 - 2 * (x * x + z * z)
    r[:, 1, 2] = 2 * (y * z - w * x)
    r[:, 2, 0] = 2 * (x * z - w * y)
    r[:, 2, 1] = 2 * (y * z + w * x)
    r[:, 2, 2] = 1 - 2 * (x * x + y * y)
    return r


def quaternion_from_up(up: np.ndarray) -> np.ndarray:
    """The shortest rotation (w, x, y, z) taking the sensor-frame vector ``up`` to earth up.

    Heading is left at zero (the rotation has no component about ``up``).
    """
    u = np.asarray(up, dtype=np.float64)
    u = u / np.linalg.norm(u)
    d = float(u @ _EARTH_UP)
    if d < -1.0 + 1e-9:  # upside down: any horizontal axis will do
        return np.array([0.0, 1.0, 0.0, 0.0])
    q = np.concatenate(([1.0 + d], np.cross(u, _EARTH_UP)))
    unit: np.ndarray = q / np.linalg.norm(q)
    return unit


def angle_from_vertical_deg(up: np.ndarray, axis: tuple[float, float, float] = (0.0, 1.0, 0.0)) -> np.ndarray:
    """Angle (degrees, 0-180) between a sensor axis and the vertical, per row of ``up`` (N, 3).

    The default axis is the sensor y axis, which the simulated player and the usual trunk mounts
    point up the body: then this is the trunk's lean from upright, in any direction.
    """
    a = np.asarray(axis, dtype=np.float64)
    c = np.asarray(up, dtype=np.float64) @ (a / np.linalg.norm(a))
    return np.degrees(np.arccos(np.clip(c, -1.0, 1.0)))


class OrientationTracker:
    """Orientation and vertical acceleration of one IMU (see the module docstring).

    A batch with a gyroscope goes through the AHRS, one without through the low-pass gravity
    estimate, so callers always get ``up`` and ``vertical_g``. The AHRS starts from the
    inclination of the first accelerometer sample and then runs Fusion's own initialisation
    (gain ramped from 10 down to ``gain`` over 3 s). It is restarted when the sample rate
    changes or the stream pauses for more than :data:`MAX_GAP_S`. Every sample given is used,
    in order: dropping repeated or overlapping samples is the caller's choice.
    """

    def __init__(
        self,
        *,
        gain: float = AHRS_GAIN,
        acceleration_rejection_deg: float = ACCELERATION_REJECTION_DEG,
        rejection_timeout_s: float = REJECTION_TIMEOUT_S,
        gyroscope_range_dps: float = 0.0,
    ) -> None:
        """``gyroscope_range_dps``: the sensor's full-scale range; rates beyond 98 % of it
        reinitialise the AHRS (Fusion's angular rate recovery). 0 disables this."""
        self.gain = gain
        self.acceleration_rejection_deg = acceleration_rejection_deg
        self.rejection_timeout_s = rejection_timeout_s
        self.gyroscope_range_dps = gyroscope_range_dps
        self.gravity = GravityEstimator()
        self.reset()

    def reset(self) -> None:
        self.gravity.reset()
        self._ahrs: imufusion.Ahrs | None = None
        self._rate_hz: float | None = None
        self._next_t_ns: int | None = None
        self._lowpass_n = 0  # samples fed to the gravity estimator (its chunk phase)
        self._q = np.array([1.0, 0.0, 0.0, 0.0])
        self._up = _EARTH_UP.copy()

    def _start_ahrs(self, rate_hz: float, acc: np.ndarray) -> imufusion.Ahrs:
        ahrs = imufusion.Ahrs()
        ahrs.set_settings(
            imufusion.AhrsSettings(
                sample_rate=rate_hz,
                convention=imufusion.CONVENTION_NWU,
                gain=self.gain,
                gyroscope_range=self.gyroscope_range_dps,
                acceleration_rejection=self.acceleration_rejection_deg,
                magnetic_rejection=0.0,
                rejection_timeout=self.rejection_timeout_s,
            )
        )
        ahrs.set_sample_period(1.0 / rate_hz)
        # Start from the first sample's inclination (one sample, so the result does not depend
        # on how the stream is cut into batches); its noise and any body acceleration in it are
        # corrected within a fraction of a second by Fusion's initialisation (gain 10).
        if np.linalg.norm(acc[0]) > 1e-6:
            ahrs.set_quaternion(quaternion_from_up(acc[0]))
        return ahrs

    def update(self, batch: ImuBatch) -> OrientationResult:
        n = batch.n_values
        acc = batch.acc_g.astype(np.float64)
        gyr = None if batch.gyr_dps is None else batch.gyr_dps.astype(np.float64)
        ok = np.isfinite(acc).all(axis=1)
        assert isinstance(ok, np.ndarray)  # one flag per sample (acc is 2-D)
        if gyr is not None:
            ok &= np.isfinite(gyr).all(axis=1)
        t_first = batch.t_first_ns
        gap = self._next_t_ns is not None and abs(t_first - self._next_t_ns) > MAX_GAP_S * NS_PER_S
        if n:
            self._next_t_ns = t_first + round(n * NS_PER_S / batch.rate_hz)
        if gyr is None:
            return self._lowpass(acc, ok, batch.rate_hz)
        if self._ahrs is None or gap or batch.rate_hz != self._rate_hz:
            if not ok.any():  # nothing to start from: hold the last estimate
                return OrientationResult(
                    "ahrs", np.tile(self._up, (n, 1)), np.full(n, np.nan), np.tile(self._q, (n, 1)), np.full((n, 3), np.nan)
                )
            self._ahrs = self._start_ahrs(batch.rate_hz, acc[ok])
            self._rate_hz = batch.rate_hz
        return self._fuse(self._ahrs, gyr, acc, ok)

    def _fuse(self, ahrs: imufusion.Ahrs, gyr: np.ndarray, acc: np.ndarray, ok: np.ndarray) -> OrientationResult:
        n = acc.shape[0]
        q = np.empty((n, 4))
        last = self._q
        # Fusion is a per-sample recursive filter in C; only the update and the quaternion cross
        # the Python boundary per sample, everything derived from the quaternion is vectorised.
        update, get_q = ahrs.update_no_magnetometer, ahrs.get_quaternion
        if ok.all():
            for i in range(n):
                update(gyr[i], acc[i])
                q[i] = get_q()
        else:
            for i in range(n):
                if ok[i]:  # a NaN would poison the filter's state for good
                    update(gyr[i], acc[i])
                    last = get_q()
                q[i] = last
        rot = quaternion_to_matrix(q)
        earth = np.einsum("nij,nj->ni", rot, acc) - _EARTH_UP
        earth[~ok] = np.nan
        up = rot[:, 2, :]
        if n:
            self._q, self._up = q[-1].copy(), up[-1].copy()
        return OrientationResult("ahrs", up, earth[:, 2], q, earth)

    def _lowpass(self, acc: np.ndarray, ok: np.ndarray, rate_hz: float) -> OrientationResult:
        """Vertical acceleration from :class:`GravityEstimator`, fed chunk by chunk so that the
        estimate of "up" used for each sample can be reported beside it."""
        n = acc.shape[0]
        up = np.empty((n, 3))
        vert = np.full(n, np.nan)
        chunk = max(1, int(self.gravity.chunk_s * rate_hz))
        good = np.flatnonzero(ok)
        a = acc[good]
        i = 0
        while i < a.shape[0]:
            # Cut where the estimator itself updates, so one estimate covers the whole piece.
            j = min(a.shape[0], i + chunk - self._lowpass_n % chunk)
            part = a[i:j]
            before = None if self.gravity.lowpass is None else self.gravity.lowpass.copy()  # updated in place
            vert[good[i:j]] = self.gravity.vertical_g(part, rate_hz)
            lp = before if before is not None else part.mean(axis=0)
            norm = float(np.linalg.norm(lp))
            if norm > 1e-6:
                self._up = lp / norm
            up[good[i:j]] = self._up
            self._lowpass_n += j - i
            i = j
        if not ok.all():  # skipped rows hold the estimate of the sample before them
            held = np.maximum.accumulate(np.where(ok, np.arange(n), -1))
            first_up = up[good[0]] if good.size else self._up
            up = np.where((held >= 0)[:, None], up[np.maximum(held, 0)], first_up)
        return OrientationResult("lowpass", up, vert)


class FreeFallDetector:
    """Free fall: |acc| < ``threshold_g`` (g) for at least ``min_duration_s`` (s).

    A body-worn accelerometer in ballistic flight reads ~0 g whatever its orientation. The
    defaults are :class:`~sensors.motion.imu_detectors.ImuJumpDetector`'s (0.4 g, 0.12 s) and
    the duration is measured the same way (from the first sample below the threshold to the
    current one). Unlike the jump detector this needs no landing impact and does not merge
    short dips back above the threshold: it reports free fall itself (a jump, a drop, a
    throw). ``update`` returns a per-sample mask, True once the run has lasted the minimum
    (causal); ``runs`` lists the finished runs as (first, last) sample times in ns.
    """

    def __init__(self, *, threshold_g: float = FREE_FALL_G, min_duration_s: float = MIN_FREE_FALL_S) -> None:
        self.threshold_g = threshold_g
        self.min_ns = int(min_duration_s * NS_PER_S)
        self.reset()

    def reset(self) -> None:
        self.runs: list[tuple[int, int]] = []
        self._open: tuple[int, int] | None = None  # (first, last) of a run still below

    def update(self, t_ns: np.ndarray, acc_g: np.ndarray) -> np.ndarray:
        """Mask (N,) of samples in confirmed free fall; non-finite rows count as not falling."""
        acc = np.asarray(acc_g, dtype=np.float64)
        n = acc.shape[0]
        if n == 0:
            return np.zeros(0, dtype=bool)
        with np.errstate(invalid="ignore"):
            below = np.sqrt(np.einsum("ij,ij->i", acc, acc)) < self.threshold_g
        t = np.asarray(t_ns, dtype=np.int64)
        idx = np.arange(n)
        last_break = np.maximum.accumulate(np.where(below, -1, idx))
        carried = self._open[0] if self._open is not None else int(t[0])
        start = np.where(last_break >= 0, t[np.minimum(last_break + 1, n - 1)], carried)
        mask: np.ndarray = below & (t - start >= self.min_ns)
        # Runs that end inside this batch (a few per jump at most: a short loop), and a run that
        # ended with the previous batch's last sample.
        if self._open is not None and not below[0]:
            self._close(self._open)
        edges = np.diff(np.concatenate(([False], below, [False])).astype(np.int8))
        for s, e in zip(np.flatnonzero(edges == 1).tolist(), (np.flatnonzero(edges == -1) - 1).tolist(), strict=True):
            if e < n - 1:
                self._close((carried if s == 0 else int(t[s]), int(t[e])))
        self._open = (int(start[-1]), int(t[-1])) if below[-1] else None
        return mask

    def _close(self, run: tuple[int, int]) -> None:
        if run[1] - run[0] >= self.min_ns:
            self.runs.append(run)

    def flush(self) -> None:
        """End of a recording: a run still open counts if it lasted long enough."""
        if self._open is not None:
            self._close(self._open)
        self._open = None


__all__ = [
    "FREE_FALL_G",
    "MIN_FREE_FALL_S",
    "FreeFallDetector",
    "OrientationResult",
    "OrientationTracker",
    "angle_from_vertical_deg",
    "quaternion_from_up",
    "quaternion_to_matrix",
]
