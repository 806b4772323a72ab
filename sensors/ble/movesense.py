"""Movesense GSP ("GATT sensor data protocol") of the ``gatt_sensordata_app`` firmware sample.

Source: Movesense device library, ``samples/gatt_sensordata_app/GATTSensorDataClient.cpp``
(command and reply layout, HELLO reply, the 507 error reply) and the sample's Python client
(``python_client``: the data payloads, and reply type 3 continuing a data message that did not
fit one notification); resource payloads from the Movesense API YAML (``meas/acc.yaml``,
``meas/imu.yaml``: ``Timestamp`` = local time of the FIRST sample, ms; acceleration in m/s^2,
angular rate in deg/s, magnetic field in µT).

- command (write to ``COMMAND_UUID``): ``[cmd, client reference != 0, payload]``; HELLO 0,
  SUBSCRIBE 1 (payload: the resource path in ASCII, e.g. ``/Meas/IMU6/104``), UNSUBSCRIBE 2
  (reference of the subscription, no payload).
- reply (notify on ``DATA_UUID``): ``[1, ref, result]`` for a command (HELLO answers the text
  ``Hello``; an error is a 2-byte HTTP-like code), ``[2, ref, payload]`` for subscription data,
  ``[3, ref, more payload]`` for the rest of the previous type-2 message of the same reference.
- ``/Meas/Acc/{rate}`` payload: uint32 timestamp ms, then N x (float32 x, y, z). ``/Meas/IMU6``:
  uint32, N acc vectors, then N gyro vectors; ``/Meas/IMU9`` adds N magnetometer vectors.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

import numpy as np

from sensors.ble.errors import ParseError
from sensors.samples import ImuBatch

SERVICE_UUID = "34802252-7185-4d5d-b431-630e7050e8f0"
COMMAND_UUID = "34800001-7185-4d5d-b431-630e7050e8f0"
DATA_UUID = "34800002-7185-4d5d-b431-630e7050e8f0"

CMD_HELLO, CMD_SUBSCRIBE, CMD_UNSUBSCRIBE = 0, 1, 2
REPLY_COMMAND_RESULT, REPLY_DATA, REPLY_DATA_PART2 = 1, 2, 3
STANDARD_GRAVITY_MPS2 = 9.80665
#: Longest resource path sent: the firmware copies it into a 160-byte buffer (NUL-terminated),
#: and a write must fit the ATT MTU the sample negotiates (161, so 158 payload bytes).
MAX_PATH_LEN = 156
#: IMU resources and how many 3-axis vectors each sample holds (acc, gyro, magn).
IMU_RESOURCES = {"Acc": 1, "Gyro": 1, "Magn": 1, "IMU6": 2, "IMU9": 3}


# --- commands ----------------------------------------------------------------------------------


def _check_ref(reference: int) -> None:
    if not 1 <= reference <= 0xFF:
        raise ValueError(f"a client reference is 1..255 (0 is reserved), got {reference}")


def build_hello(reference: int = 0xFF) -> bytes:
    _check_ref(reference)
    return bytes([CMD_HELLO, reference])


def build_subscribe(reference: int, path: str) -> bytes:
    """Subscribe ``path`` (``"/Meas/Acc/104"``, ``"/Meas/IMU6/104"`` ...); data replies will
    carry ``reference``."""
    _check_ref(reference)
    if not path or len(path) > MAX_PATH_LEN or not path.isascii() or not path.isprintable():
        raise ValueError(f"a resource path is 1..{MAX_PATH_LEN} printable ASCII characters, got {path!r}")
    return bytes([CMD_SUBSCRIBE, reference]) + path.encode("ascii")


def build_unsubscribe(reference: int) -> bytes:
    _check_ref(reference)
    return bytes([CMD_UNSUBSCRIBE, reference])


def meas_path(resource: str, rate_hz: int) -> str:
    """``meas_path("IMU6", 104)`` -> ``"/Meas/IMU6/104"``."""
    if resource not in IMU_RESOURCES:
        raise ValueError(f"unknown IMU resource {resource!r}; one of {sorted(IMU_RESOURCES)}")
    if rate_hz <= 0:
        raise ValueError(f"rate_hz must be positive, got {rate_hz}")
    return f"/Meas/{resource}/{rate_hz}"


@dataclass(frozen=True, slots=True)
class GspCommand:
    command: int
    reference: int
    path: str | None = None  # SUBSCRIBE only


def parse_command(data: bytes) -> GspCommand:
    """A command as the sensor receives it (for round trips and emulated sensors)."""
    name = "Movesense command"
    if len(data) < 2:
        raise ParseError(name, "needs a command and a client reference", data)
    cmd, ref = data[0], data[1]
    if ref == 0:
        raise ParseError(name, "client reference 0 is reserved", data)
    if cmd == CMD_SUBSCRIBE:
        raw = bytes(data[2:])
        if not raw or len(raw) > MAX_PATH_LEN or not raw.isascii() or not raw.decode("ascii").isprintable():
            raise ParseError(name, "subscribe needs a printable ASCII resource path", data)
        return GspCommand(cmd, ref, raw.decode("ascii"))
    if cmd in (CMD_HELLO, CMD_UNSUBSCRIBE):
        if len(data) != 2:
            raise ParseError(name, f"command {cmd} takes no payload", data)
        return GspCommand(cmd, ref)
    raise ParseError(name, f"unknown command {cmd}", data)


# --- replies -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CommandResult:
    """Reply type 1. ``payload``: ``b"Hello"`` for HELLO, else a 2-byte result code."""

    reference: int
    payload: bytes

    @property
    def hello(self) -> bool:
        return self.payload.startswith(b"Hello")

    @property
    def status(self) -> int | None:
        """The HTTP-like result code (200, 404, 507 ...) of a 2-byte payload, else None."""
        if len(self.payload) != 2:
            return None
        # ANOMALY: the sample firmware writes 507 as bytes 01 FB, big-endian, although every
        # other multi-byte value of GSP is little-endian.
        return int.from_bytes(self.payload, "big")


@dataclass(frozen=True, slots=True)
class DataNotification:
    """Reply type 2: one message of the subscription ``reference``."""

    reference: int
    payload: bytes


@dataclass(frozen=True, slots=True)
class DataContinuation:
    """Reply type 3: the rest of the previous DataNotification of ``reference``."""

    reference: int
    payload: bytes


GspReply = CommandResult | DataNotification | DataContinuation


def parse_reply(data: bytes) -> GspReply:
    """A notification of the data characteristic."""
    name = "Movesense reply"
    if len(data) < 2:
        raise ParseError(name, "needs a reply type and a client reference", data)
    kind, ref, payload = data[0], data[1], bytes(data[2:])
    if kind == REPLY_COMMAND_RESULT:
        return CommandResult(ref, payload)
    if kind == REPLY_DATA:
        return DataNotification(ref, payload)
    if kind == REPLY_DATA_PART2:
        return DataContinuation(ref, payload)
    raise ParseError(name, f"unknown reply type {kind}", data)


def join_parts(first: DataNotification, rest: DataContinuation) -> DataNotification:
    """One data message from a type-2 notification and the type-3 one that continues it."""
    if first.reference != rest.reference:
        raise ParseError(
            "Movesense reply",
            f"continuation of reference {rest.reference} does not follow reference {first.reference}",
            rest.payload,
        )
    return DataNotification(first.reference, first.payload + rest.payload)


@dataclass(frozen=True, slots=True, eq=False)  # arrays: compare fields, not frames
class MovesenseImuData:
    """One IMU data message. ``timestamp_ms``: sensor time of the FIRST sample (uint32, ms,
    wraps after ~49.7 days). Arrays are (N, 3) read-only float32; absent sensors are None."""

    timestamp_ms: int
    acc_mps2: np.ndarray | None
    gyr_dps: np.ndarray | None = None
    magn_ut: np.ndarray | None = None

    @property
    def n_samples(self) -> int:
        for a in (self.acc_mps2, self.gyr_dps, self.magn_ut):
            if a is not None:
                return int(a.shape[0])
        return 0

    def to_batch(self, rate_hz: float, t_host_ns: int, source: str, placement: str = "chest") -> ImuBatch:
        """An ImuBatch (acc in g). The last sample is taken to have arrived at ``t_host_ns``;
        ``t_device_ns`` is the sensor time of the first sample."""
        if self.acc_mps2 is None:
            raise ValueError("an ImuBatch needs accelerometer data (subscribe Acc, IMU6 or IMU9)")
        if not rate_hz > 0:
            raise ValueError(f"rate_hz must be positive, got {rate_hz}")
        back = round((self.n_samples - 1) * 1e9 / rate_hz)
        return ImuBatch(
            t_host_ns=t_host_ns,
            source=source,
            rate_hz=rate_hz,
            t_first_ns=t_host_ns - back,
            acc_g=self.acc_mps2 / STANDARD_GRAVITY_MPS2,
            gyr_dps=self.gyr_dps,
            placement=placement,
            t_device_ns=self.timestamp_ms * 1_000_000,
        )


def parse_imu_payload(payload: bytes, resource: str) -> MovesenseImuData:
    """The payload of a data message of ``/Meas/{resource}/{rate}``, ``resource`` one of
    ``Acc``, ``Gyro``, ``Magn``, ``IMU6``, ``IMU9``."""
    name = f"Movesense /Meas/{resource} data"
    if resource not in IMU_RESOURCES:
        raise ValueError(f"unknown IMU resource {resource!r}; one of {sorted(IMU_RESOURCES)}")
    vectors = IMU_RESOURCES[resource]
    if len(payload) < 4:
        raise ParseError(name, "shorter than its uint32 timestamp", payload)
    body = len(payload) - 4
    per_sample = 12 * vectors
    if body == 0 or body % per_sample:
        raise ParseError(name, f"{body} bytes after the timestamp are not whole {per_sample}-byte samples", payload)
    n = body // per_sample
    (ts,) = struct.unpack_from("<I", payload, 0)
    arr = np.frombuffer(payload, dtype="<f4", offset=4).astype(np.float32).reshape(vectors, n, 3)
    arr.setflags(write=False)
    blocks = [arr[i] for i in range(vectors)]
    if resource == "Gyro":
        return MovesenseImuData(ts, None, gyr_dps=blocks[0])
    if resource == "Magn":
        return MovesenseImuData(ts, None, magn_ut=blocks[0])
    return MovesenseImuData(ts, blocks[0], gyr_dps=blocks[1] if vectors > 1 else None, magn_ut=blocks[2] if vectors > 2 else None)
