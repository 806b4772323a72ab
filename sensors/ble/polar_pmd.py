"""Polar Measurement Data (PMD): control-point requests/responses and accelerometer data frames.

Sources (Polar BLE SDK, polarofficial/polar-ble-sdk, Android ``.../gatt/client/pmd/``):
``PmdControlPointCommand.kt`` (op codes), ``PmdControlPointResponse.kt`` (response layout, status
codes), ``PmdSetting.kt`` (setting types and field sizes), ``PmdFeature.kt`` /
``PmdMeasurementType.kt`` (feature bits, type ids, the 0x3F type mask), ``PmdDataFrame.kt``
(frame header), ``model/AccData.kt`` (ACC frame types and units), ``BlePMDClient.kt``
(``parseDeltaFramesAll``, ``parseDeltaFrame``: delta decoding), ``model/PmdTimeStampUtils.kt``
(timestamp of the last sample). All little-endian:

- feature read of the control point: ``[0x0F, types bitmap, ...]``: bit0 ECG, bit1 PPG, bit2 ACC,
  bit3 PPI, bit5 gyro, bit6 magnetometer.
- request: ``[op, measurement type, (setting, count=1, value)...]``: op 1 get settings (no
  settings), 2 start, 3 stop (no settings). Setting value sizes: sample rate, resolution, range:
  uint16; range in milliunits: uint32; channels: uint8; factor: float32 (responses only).
- response (indication): ``[0xF0, op, type, status, more, params...]``; status 0 is success.
  When ``more`` is set the params continue in the next response: concatenate them.
- data frame: ``[type (low 6 bits)][uint64 sensor time, ns, of the LAST sample]
  [frame type: bit7 delta-compressed, bits0-6 type][payload]``. Sensor time counts from
  2000-01-01T00:00:00.
- ACC raw frame types 0/1/2: int8/int16/int24 per axis, in mG (the H10 sends type 1).
  ACC compressed type 0: 16-bit samples in units of ``factor`` g; compressed type 1: 16-bit
  samples times ``factor`` in mG (``factor`` from the start response; 1.0 when absent).
  A compressed payload is one reference sample (3 axes, signed, 2 bytes each) then blocks
  ``[bit width][sample count][count x 3 deltas, bit-packed LSB first, sign-extended]``,
  summed cumulatively onto the previous sample.
"""

from __future__ import annotations

import enum
import struct
from dataclasses import dataclass

import numpy as np

from sensors.ble.errors import ParseError
from sensors.samples import ImuBatch

SERVICE_UUID = "fb005c80-02e7-f387-1cad-8acd2d8df0c8"
CONTROL_POINT_UUID = "fb005c81-02e7-f387-1cad-8acd2d8df0c8"
DATA_UUID = "fb005c82-02e7-f387-1cad-8acd2d8df0c8"

TYPE_ECG, TYPE_PPG, TYPE_ACC, TYPE_PPI, TYPE_GYRO, TYPE_MAG = 0, 1, 2, 3, 5, 6
OP_GET_SETTINGS, OP_START, OP_STOP = 1, 2, 3
SETTING_SAMPLE_RATE, SETTING_RESOLUTION, SETTING_RANGE, SETTING_RANGE_MILLIUNIT, SETTING_CHANNELS, SETTING_FACTOR = range(6)
RESPONSE_CODE = 0xF0
FEATURE_READ_CODE = 0x0F
MG_PER_G = 1000.0
_TYPE_MASK = 0x3F  # bits 6-7 of a type byte carry the recording type (online / offline)

#: Value size in bytes of each setting (``PmdSetting.typeToFieldSize``).
SETTING_SIZES = {
    SETTING_SAMPLE_RATE: 2,
    SETTING_RESOLUTION: 2,
    SETTING_RANGE: 2,
    SETTING_RANGE_MILLIUNIT: 4,
    SETTING_CHANNELS: 1,
    SETTING_FACTOR: 4,
}


class PmdStatus(enum.IntEnum):
    """Control-point response status (``PmdControlPointResponseCode``)."""

    SUCCESS = 0
    INVALID_OP_CODE = 1
    INVALID_MEASUREMENT_TYPE = 2
    NOT_SUPPORTED = 3
    INVALID_LENGTH = 4
    INVALID_PARAMETER = 5
    ALREADY_IN_STATE = 6
    INVALID_RESOLUTION = 7
    INVALID_SAMPLE_RATE = 8
    INVALID_RANGE = 9
    INVALID_MTU = 10
    INVALID_NUMBER_OF_CHANNELS = 11
    INVALID_STATE = 12
    DEVICE_IN_CHARGER = 13
    DISK_FULL = 14


# --- requests (pure builders, and their parser for round trips) ---------------------------------


@dataclass(frozen=True, slots=True)
class PmdRequest:
    op: int
    measurement: int
    settings: tuple[tuple[int, int], ...] = ()  # (setting, value) in wire order


def _check_u8(name: str, value: int) -> None:
    if not 0 <= value <= 0xFF:
        raise ValueError(f"{name} must fit one byte, got {value}")


def build_get_settings(measurement: int) -> bytes:
    """Ask which settings the sensor allows for ``measurement`` (e.g. ``TYPE_ACC``)."""
    _check_u8("measurement", measurement)
    return bytes([OP_GET_SETTINGS, measurement])


def build_stop(measurement: int) -> bytes:
    _check_u8("measurement", measurement)
    return bytes([OP_STOP, measurement])


def build_start(
    measurement: int,
    *,
    sample_rate_hz: int | None = None,
    resolution_bits: int | None = None,
    range_g: int | None = None,
    channels: int | None = None,
) -> bytes:
    """Start a stream, e.g. H10 ACC at 200 Hz, 16 bit, ±8 g:
    ``build_start(TYPE_ACC, sample_rate_hz=200, resolution_bits=16, range_g=8)``. Query the
    sensor (``build_get_settings``) for the values it allows."""
    _check_u8("measurement", measurement)
    out = bytearray([OP_START, measurement])
    for setting, value in (
        (SETTING_SAMPLE_RATE, sample_rate_hz),
        (SETTING_RESOLUTION, resolution_bits),
        (SETTING_RANGE, range_g),
        (SETTING_CHANNELS, channels),
    ):
        if value is None:
            continue
        size = SETTING_SIZES[setting]
        if not 0 <= value < 1 << (8 * size):
            raise ValueError(f"setting {setting} value {value} does not fit {size} bytes")
        out += bytes([setting, 1]) + value.to_bytes(size, "little")
    return bytes(out)


def parse_request(data: bytes) -> PmdRequest:
    """The request a builder made (for tests and for emulated sensors)."""
    name = "PMD control point request"
    if len(data) < 2:
        raise ParseError(name, "needs an op code and a measurement type", data)
    op, measurement = data[0], data[1]
    if op not in (OP_GET_SETTINGS, OP_START, OP_STOP):
        raise ParseError(name, f"unknown op code {op}", data)
    if op != OP_START and len(data) != 2:
        raise ParseError(name, f"op {op} takes no settings", data)
    settings = []
    for setting, values in _settings_items(name, data[2:], data):
        if len(values) != 1:
            raise ParseError(name, f"a start request gives one value per setting, setting {setting} has {len(values)}", data)
        settings.append((setting, int(values[0])))
    return PmdRequest(op, measurement, tuple(settings))


# --- responses ---------------------------------------------------------------------------------


def _settings_items(name: str, p: bytes, whole: bytes) -> list[tuple[int, tuple[int | float, ...]]]:
    out: list[tuple[int, tuple[int | float, ...]]] = []
    pos = 0
    while pos < len(p):
        if pos + 2 > len(p):
            raise ParseError(name, "a setting type without its value count", whole)
        setting, count = p[pos], p[pos + 1]
        size = SETTING_SIZES.get(setting)
        if size is None:
            raise ParseError(name, f"unknown setting type {setting}: its value size is not known", whole)
        end = pos + 2 + count * size
        if end > len(p):
            raise ParseError(name, f"setting {setting} announces {count} values past the end", whole)
        if setting == SETTING_FACTOR:
            values: tuple[int | float, ...] = struct.unpack_from(f"<{count}f", p, pos + 2)
        else:
            values = tuple(int.from_bytes(p[i : i + size], "little") for i in range(pos + 2, end, size))
        out.append((setting, values))
        pos = end
    return out


@dataclass(frozen=True, slots=True)
class PmdSettings:
    """Settings from a get-settings response (the allowed values) or a start response (the
    factor). Values keep the sensor's order."""

    sample_rates_hz: tuple[int, ...] = ()
    resolutions_bits: tuple[int, ...] = ()
    ranges: tuple[int, ...] = ()  # ±g for ACC, deg/s for gyro
    ranges_milliunit: tuple[int, ...] = ()
    channels: tuple[int, ...] = ()
    factor: float | None = None


def parse_settings(params: bytes) -> PmdSettings:
    """Decode response params ``(setting, count, values...)...``; concatenate the params of
    responses flagged ``more`` first."""
    by_type: dict[int, tuple[int | float, ...]] = {}
    for setting, values in _settings_items("PMD settings", params, params):
        by_type[setting] = by_type.get(setting, ()) + values
    factor = by_type.get(SETTING_FACTOR, ())
    return PmdSettings(
        sample_rates_hz=tuple(int(v) for v in by_type.get(SETTING_SAMPLE_RATE, ())),
        resolutions_bits=tuple(int(v) for v in by_type.get(SETTING_RESOLUTION, ())),
        ranges=tuple(int(v) for v in by_type.get(SETTING_RANGE, ())),
        ranges_milliunit=tuple(int(v) for v in by_type.get(SETTING_RANGE_MILLIUNIT, ())),
        channels=tuple(int(v) for v in by_type.get(SETTING_CHANNELS, ())),
        factor=float(factor[0]) if factor else None,
    )


@dataclass(frozen=True, slots=True)
class ControlPointResponse:
    op: int
    measurement: int
    status: int  # PmdStatus value; 0 = success
    more: bool
    params: bytes

    @property
    def ok(self) -> bool:
        return self.status == PmdStatus.SUCCESS

    @property
    def error(self) -> str | None:
        """The status name when the request failed (``"INVALID_SAMPLE_RATE"`` ...)."""
        if self.ok:
            return None
        try:
            return PmdStatus(self.status).name
        except ValueError:
            return f"UNKNOWN_STATUS_{self.status}"

    def settings(self) -> PmdSettings:
        """``parse_settings(self.params)``: raises ParseError when the params are malformed."""
        return parse_settings(self.params)


def parse_control_point_response(data: bytes) -> ControlPointResponse:
    """A control-point indication ``[0xF0, op, type, status, more, params...]``. As in Polar's SDK,
    a failed request carries no params and no ``more``."""
    name = "PMD control point response"
    if len(data) < 4:
        raise ParseError(name, "shorter than 0xF0, op, type, status", data)
    if data[0] != RESPONSE_CODE:
        raise ParseError(name, f"starts 0x{data[0]:02x}, not the response code 0xF0", data)
    op, measurement, status = data[1], data[2] & _TYPE_MASK, data[3]
    if status != PmdStatus.SUCCESS:
        return ControlPointResponse(op, measurement, status, False, b"")
    return ControlPointResponse(op, measurement, status, len(data) > 4 and data[4] != 0, bytes(data[5:]))


@dataclass(frozen=True, slots=True)
class PmdFeatures:
    ecg: bool
    ppg: bool
    acc: bool
    ppi: bool
    gyro: bool
    magnetometer: bool


def parse_features(data: bytes) -> PmdFeatures:
    """The control point's read value ``[0x0F, types bitmap, ...]``: which streams exist."""
    name = "PMD features"
    if len(data) < 2:
        raise ParseError(name, "needs 0x0F and the measurement-type bitmap", data)
    if data[0] != FEATURE_READ_CODE:
        raise ParseError(name, f"starts 0x{data[0]:02x}, not 0x0F", data)
    b = data[1]
    return PmdFeatures(
        ecg=bool(b & 0x01),
        ppg=bool(b & 0x02),
        acc=bool(b & 0x04),
        ppi=bool(b & 0x08),
        gyro=bool(b & 0x20),
        magnetometer=bool(b & 0x40),
    )


# --- accelerometer data frames -----------------------------------------------------------------


@dataclass(frozen=True, slots=True, eq=False)  # arrays: compare fields, not frames
class PmdAccFrame:
    """``acc_mg``: (N, 3) read-only float array, milli-g, sensor axes. ``t_last_ns``: sensor
    time of the last sample (ns since 2000-01-01)."""

    t_last_ns: int
    frame_type: int
    compressed: bool
    acc_mg: np.ndarray

    @property
    def n_samples(self) -> int:
        return int(self.acc_mg.shape[0])

    def times_ns(self, rate_hz: float) -> np.ndarray:
        """Sensor time of each sample, spread back from the last one at ``rate_hz``."""
        if not rate_hz > 0:
            raise ValueError(f"rate_hz must be positive, got {rate_hz}")
        n = self.n_samples
        return self.t_last_ns - np.round((n - 1 - np.arange(n)) * 1e9 / rate_hz).astype(np.int64)

    def to_batch(self, rate_hz: float, t_host_ns: int, source: str, placement: str = "chest") -> ImuBatch:
        """An ImuBatch in g. The last sample is taken to have arrived at ``t_host_ns``;
        ``t_device_ns`` is the sensor time of the first sample."""
        if not rate_hz > 0:
            raise ValueError(f"rate_hz must be positive, got {rate_hz}")
        back = round((self.n_samples - 1) * 1e9 / rate_hz)
        return ImuBatch(
            t_host_ns=t_host_ns,
            source=source,
            rate_hz=rate_hz,
            t_first_ns=t_host_ns - back,
            acc_g=self.acc_mg / MG_PER_G,
            placement=placement,
            t_device_ns=self.t_last_ns - back,
        )


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def decode_delta_frame(payload: bytes, channels: int, resolution_bits: int) -> list[list[int]]:
    """Samples of a delta-compressed payload (reference sample, then bit-packed delta blocks)."""
    name = "PMD delta-compressed payload"
    step = (resolution_bits + 7) // 8
    ref_size = channels * step
    if len(payload) < ref_size:
        raise ParseError(name, f"shorter than its {ref_size}-byte reference sample", payload)
    samples = [[_signed(int.from_bytes(payload[i * step : (i + 1) * step], "little"), resolution_bits) for i in range(channels)]]
    pos = ref_size
    while pos < len(payload):
        if pos + 2 > len(payload):
            raise ParseError(name, "delta block header cut short", payload)
        width, count = payload[pos], payload[pos + 1]
        pos += 2
        if not 1 <= width <= 32:
            raise ParseError(name, f"delta bit width {width} out of range 1..32", payload)
        nbytes = (width * channels * count + 7) // 8
        if pos + nbytes > len(payload):
            raise ParseError(name, f"delta block of {count} samples x {width} bits runs past the frame", payload)
        bits = int.from_bytes(payload[pos : pos + nbytes], "little")  # bit k of the block = bit k%8 of byte k//8
        pos += nbytes
        mask = (1 << width) - 1
        shift = 0
        for _ in range(count):
            prev = samples[-1]
            sample = []
            for ch in range(channels):
                sample.append(prev[ch] + _signed((bits >> shift) & mask, width))
                shift += width
            samples.append(sample)
    return samples


def parse_acc_frame(data: bytes, factor: float = 1.0) -> PmdAccFrame:
    """An ACC data notification. ``factor``: the start response's factor (``PmdSettings.factor``),
    used by compressed frames only."""
    name = "PMD accelerometer frame"
    if len(data) < 10:
        raise ParseError(name, "shorter than the 10-byte header", data)
    if data[0] & _TYPE_MASK != TYPE_ACC:
        raise ParseError(name, f"measurement type {data[0] & _TYPE_MASK} is not ACC ({TYPE_ACC})", data)
    (t_ns,) = struct.unpack_from("<Q", data, 1)
    compressed, ftype = bool(data[9] & 0x80), data[9] & 0x7F
    payload = bytes(data[10:])
    if compressed:
        if ftype not in (0, 1):
            raise ParseError(name, f"compressed accelerometer frame type {ftype} is not documented", data)
        raw = decode_delta_frame(payload, 3, 16)
        acc = np.array(raw, dtype=np.float64) * (factor * MG_PER_G if ftype == 0 else factor)
    else:
        if ftype not in (0, 1, 2):
            raise ParseError(name, f"unknown raw accelerometer frame type {ftype}", data)
        step = ftype + 1
        size = 3 * step
        if not payload or len(payload) % size:
            raise ParseError(name, f"raw payload of {len(payload)} bytes is not whole {size}-byte samples", data)
        if step == 3:  # int24: widen each value to 4 bytes, then sign-extend
            b = np.frombuffer(payload, dtype=np.uint8).reshape(-1, 3)
            wide = b[:, 0].astype(np.int32) | (b[:, 1].astype(np.int32) << 8) | (b[:, 2].astype(np.int32) << 16)
            wide = np.where(wide & 0x800000, wide - (1 << 24), wide)
            acc = wide.reshape(-1, 3).astype(np.float64)
        else:
            acc = np.frombuffer(payload, dtype="<i1" if step == 1 else "<i2").reshape(-1, 3).astype(np.float64)
    acc.setflags(write=False)
    return PmdAccFrame(t_ns, ftype, compressed, acc)
