"""Frozen, typed sample types that flow from sensor sources over the SensorBus.

Every sample carries ``t_host_ns``: ``time.monotonic_ns()`` when the data entered the process
(see :mod:`sensors.clock`), and ``source``: a stable identifier of the device or generator
(a BLE address, ``"camera:0"``, ``"sim"``). Where the device has its own clock, its timestamp is
kept beside the host one so latency and drift can be measured rather than guessed.

Array payloads are read-only numpy arrays, so a sample cannot be altered after it is published.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

#: Number of landmarks in a BlazePose / MediaPipe pose frame.
POSE_LANDMARKS = 33


def _frozen_array(a: npt.ArrayLike, dtype: npt.DTypeLike, shape_tail: tuple[int, ...]) -> np.ndarray:
    arr = np.array(a, dtype=dtype, copy=True)
    if arr.ndim != 1 + len(shape_tail) or arr.shape[1:] != shape_tail:
        raise ValueError(f"expected array of shape (N, {', '.join(map(str, shape_tail))}), got {arr.shape}")
    arr.setflags(write=False)
    return arr


class StreamKind(enum.StrEnum):
    """Kinds of raw stream, as counted and stored per session."""

    HEART_RATE = "hr"
    IMU = "imu"
    POSE = "pose"
    FITNESS = "fitness"


@dataclass(frozen=True, slots=True)
class HeartRateSample:
    """One Heart Rate Measurement notification (or an advertised broadcast value).

    ``bpm``: beats per minute. ``rr_s``: RR intervals in seconds carried by this notification
    (zero or more; the Bluetooth Heart Rate Service sends them in 1/1024 s units).
    ``contact``: skin contact as reported by the strap, ``None`` when not supported.
    ``broadcast``: the value was read from an advertisement, not a connection.
    """

    t_host_ns: int
    source: str
    bpm: int
    rr_s: tuple[float, ...] = ()
    contact: bool | None = None
    energy_kj: int | None = None
    broadcast: bool = False
    t_device_ns: int | None = None

    kind = StreamKind.HEART_RATE

    @property
    def n_values(self) -> int:
        return 1


@dataclass(frozen=True, slots=True)
class ImuBatch:
    """A batch of inertial samples at a fixed rate from one sensor.

    ``acc_g``: (N, 3) accelerometer in g (1 g = 9.80665 m/s^2), sensor frame, x/y/z.
    ``gyr_dps``: (N, 3) gyroscope in degrees/s, or ``None``.
    ``t_first_ns``: host-clock time of the first sample; sample ``i`` is at
    ``t_first_ns + i * 1e9 / rate_hz``. ``t_host_ns`` is when the batch arrived.
    ``placement``: where on the body the sensor sits (``chest``, ``waist``, ``wrist`` ...).
    """

    t_host_ns: int
    source: str
    rate_hz: float
    t_first_ns: int
    acc_g: np.ndarray
    gyr_dps: np.ndarray | None = None
    placement: str = "chest"
    t_device_ns: int | None = None

    kind = StreamKind.IMU

    def __post_init__(self) -> None:
        if not self.rate_hz > 0:
            raise ValueError(f"rate_hz must be positive, got {self.rate_hz}")
        object.__setattr__(self, "acc_g", _frozen_array(self.acc_g, np.float32, (3,)))
        if self.gyr_dps is not None:
            gyr = _frozen_array(self.gyr_dps, np.float32, (3,))
            if gyr.shape[0] != self.acc_g.shape[0]:
                raise ValueError("gyr_dps and acc_g must hold the same number of samples")
            object.__setattr__(self, "gyr_dps", gyr)

    @property
    def n_values(self) -> int:
        return int(self.acc_g.shape[0])

    def times_ns(self) -> np.ndarray:
        """Host-clock time of every sample in the batch (int64 ns)."""
        step = 1e9 / self.rate_hz
        return self.t_first_ns + np.round(np.arange(self.n_values) * step).astype(np.int64)

    def times_after(self, t_ns: int | None) -> np.ndarray:
        """Host-clock times (int64 ns) of the samples later than ``t_ns`` (all when None): a
        batch that overlaps what a detector has already seen gives only its new tail, whose
        samples are ``acc_g[-len(result):]``."""
        t = self.times_ns()
        return t if t_ns is None else t[t > t_ns]


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """One pose estimate for one person, 33 BlazePose landmarks.

    ``landmarks``: (33, 4) normalised image coordinates x, y in 0..1 (y grows downwards),
    z relative depth (same scale as x, smaller is nearer the camera), visibility 0..1.
    ``world``: (33, 3) metric coordinates in metres with origin between the hips
    (y grows downwards, as MediaPipe reports them), or ``None``.
    ``t_host_ns`` is the capture time of the camera frame; ``t_infer_ns`` is when inference
    finished. ``player`` is the zone index when several people play side by side.
    """

    t_host_ns: int
    source: str
    landmarks: np.ndarray
    world: np.ndarray | None = None
    t_infer_ns: int | None = None
    player: int = 0

    kind = StreamKind.POSE

    def __post_init__(self) -> None:
        lm = _frozen_array(self.landmarks, np.float32, (4,))
        if lm.shape[0] != POSE_LANDMARKS:
            raise ValueError(f"a pose frame has {POSE_LANDMARKS} landmarks, got {lm.shape[0]}")
        object.__setattr__(self, "landmarks", lm)
        if self.world is not None:
            w = _frozen_array(self.world, np.float32, (3,))
            if w.shape[0] != POSE_LANDMARKS:
                raise ValueError(f"world landmarks must be {POSE_LANDMARKS}, got {w.shape[0]}")
            object.__setattr__(self, "world", w)

    @property
    def n_values(self) -> int:
        return 1


@dataclass(frozen=True, slots=True)
class FitnessSample:
    """One reading of a fitness machine or a speed/cadence sensor (FTMS, RSC, CSC).

    Fields the device did not send are ``None``. ``speed_mps``: metres per second;
    ``cadence_spm``: steps per minute (running); ``cadence_rpm``: crank revolutions per minute;
    ``power_w``: watts; ``distance_m``: total distance in metres since the device started;
    ``incline_pct``: treadmill incline in percent.
    """

    t_host_ns: int
    source: str
    speed_mps: float | None = None
    cadence_spm: float | None = None
    cadence_rpm: float | None = None
    power_w: float | None = None
    distance_m: float | None = None
    incline_pct: float | None = None

    kind = StreamKind.FITNESS

    @property
    def n_values(self) -> int:
        return 1


class DeviceState(enum.StrEnum):
    """Connection / freshness state of one input device."""

    SEARCHING = "searching"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    STREAMING = "streaming"
    STALE = "stale"  # connected, but no fresh data: never treat its last value as live
    DISCONNECTED = "disconnected"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class DeviceStatus:
    """A change in a device's state, with a message a player can act on.

    ``model`` / ``firmware``: what the device says it is (the Bluetooth Device Information
    service's Model Number and Firmware Revision strings), None where it does not tell.
    """

    t_host_ns: int
    source: str
    device_kind: str  # "heart_rate", "imu", "camera", "keyboard", "sim" ...
    state: DeviceState
    message: str = ""
    model: str | None = None
    firmware: str | None = None

    @property
    def live(self) -> bool:
        return self.state in (DeviceState.CONNECTED, DeviceState.STREAMING)


Sample = HeartRateSample | ImuBatch | PoseFrame | FitnessSample
BusItem = HeartRateSample | ImuBatch | PoseFrame | FitnessSample | DeviceStatus

__all__ = [
    "POSE_LANDMARKS",
    "BusItem",
    "DeviceState",
    "DeviceStatus",
    "FitnessSample",
    "HeartRateSample",
    "ImuBatch",
    "PoseFrame",
    "Sample",
    "StreamKind",
]
