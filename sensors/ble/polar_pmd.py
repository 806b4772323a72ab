"""Polar Measurement Data (PMD): control-point requests and accelerometer data frames.

Layout from Polar's PMD specification and SDK (polarofficial/polar-ble-sdk:
``technical_documentation/Polar_Measurement_Data_Specification.pdf``, ``PmdControlPointCommand``,
``PmdDataFrame``, ``AccData`` and the delta decoding in ``BlePMDClient``), little-endian:

- control point request: ``[op, measurement type, (setting, count, uint16 value)...]``,
  op 1 get settings, 2 start, 3 stop; response (indication) ``[0xF0, op, type, status, more, params...]``.
- data frame: ``[measurement type][uint64 sensor timestamp, ns, of the last sample]
  [frame type: bit7 delta-compressed, bits0-6 type][payload]``. Accelerometer frame types
  0/1/2: int8/int16/int24 per axis (the H10 sends type 1, in mG). Compressed: one reference
  sample (3 axes, signed, resolution by frame type), then blocks ``[bit width][sample count]
  [deltas, bit-packed LSB first, sign-extended]`` summed cumulatively.
"""

from __future__ import annotations

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
SETTING_SAMPLE_RATE, SETTING_RESOLUTION, SETTING_RANGE, SETTING_CHANNELS = 0, 1, 2, 4
MG_PER_G = 1000.0


def build_request(op: int, measurement: int, settings: dict[int, int] | None = None) -> bytes:
    """A control-point request, e.g. start ACC at 200 Hz, 16 bit, 8 g:
    ``build_request(OP_START, TYPE_ACC, {SETTING_SAMPLE_RATE: 200, SETTING_RESOLUTION: 16, SETTING_RANGE: 8})``."""
    out = bytearray([op, measurement])
    for setting, value in (settings or {}).items():
        out += struct.pack("<BBH", setting, 1, value)
    return bytes(out)


@dataclass(frozen=True, slots=True)
class ControlPointResponse:
    op: int
    measurement: int
    status: int  # 0 = success
    more: bool
    params: bytes

    @property
    def ok(self) -> bool:
        return self.status == 0

    def settings(self) -> dict[int, tuple[int, ...]]:
        """For a get-settings response: setting -> allowed values."""
        out: dict[int, tuple[int, ...]] = {}
        pos, p = 0, self.params
        while pos + 2 <= len(p):
            setting, count = p[pos], p[pos + 1]
            end = pos + 2 + count * 2  # every documented setting value is a uint16
            if end > len(p):
                raise ParseError("PMD settings", f"setting {setting} announces {count} values past the end", p)
            out[setting] = tuple(struct.unpack_from(f"<{count}H", p, pos + 2))
            pos = end
        if pos != len(p):
            raise ParseError("PMD settings", "a stray byte after the last setting", p)
        return out


def parse_control_point_response(data: bytes) -> ControlPointResponse:
    if len(data) < 4 or data[0] != 0xF0:
        raise ParseError("PMD control point", "a response starts 0xF0, op, type, status", data)
    return ControlPointResponse(data[1], data[2], data[3], bool(data[4]) if len(data) > 4 else False, bytes(data[5:]))


@dataclass(frozen=True, slots=True)
class PmdAccFrame:
    """``acc``: (N, 3) int samples in the device's unit (mG for the H10); ``t_last_ns``: sensor
    time of the last sample."""

    t_last_ns: int
    frame_type: int
    compressed: bool
    acc: np.ndarray

    def times_ns(self, rate_hz: float) -> np.ndarray:
        """Sensor time of each sample, spread back from the last one at ``rate_hz``."""
        n = self.acc.shape[0]
        return self.t_last_ns - np.round((n - 1 - np.arange(n)) * 1e9 / rate_hz).astype(np.int64)

    def to_batch(self, rate_hz: float, t_host_ns: int, source: str, placement: str = "chest") -> ImuBatch:
        """An ImuBatch in g; host time of the first sample assumes the last one arrived now."""
        n = self.acc.shape[0]
        t_first = t_host_ns - round((n - 1) * 1e9 / rate_hz)
        return ImuBatch(t_host_ns=t_host_ns, source=source, rate_hz=rate_hz, t_first_ns=t_first,
                        acc_g=self.acc / MG_PER_G, placement=placement, t_device_ns=self.t_last_ns)


def _signed(value: int, bits: int) -> int:
    return value - (1 << bits) if value & (1 << (bits - 1)) else value


def _delta_samples(payload: bytes, resolution_bits: int, name: str) -> np.ndarray:
    ref_size = 3 * ((resolution_bits + 7) // 8)
    if len(payload) < ref_size:
        raise ParseError(name, "compressed frame shorter than its reference sample", payload)
    step = ref_size // 3
    ref = [_signed(int.from_bytes(payload[i * step:(i + 1) * step], "little"), step * 8) for i in range(3)]
    samples = [ref]
    pos = ref_size
    while pos < len(payload):
        if pos + 2 > len(payload):
            raise ParseError(name, "delta block header cut short", payload)
        width, count = payload[pos], payload[pos + 1]
        pos += 2
        if width == 0 or width > 32:
            raise ParseError(name, f"delta bit width {width} out of range", payload)
        nbytes = (width * 3 * count + 7) // 8
        if pos + nbytes > len(payload):
            raise ParseError(name, f"delta block of {count} samples x {width} bits runs past the frame", payload)
        bits = int.from_bytes(payload[pos:pos + nbytes], "little")
        pos += nbytes
        for k in range(count):
            prev = samples[-1]
            sample = []
            for axis in range(3):
                shift = (k * 3 + axis) * width
                delta = _signed((bits >> shift) & ((1 << width) - 1), width)
                sample.append(prev[axis] + delta)
            samples.append(sample)
    return np.array(samples, dtype=np.int64)


def parse_acc_frame(data: bytes) -> PmdAccFrame:
    name = "PMD accelerometer frame"
    if len(data) < 10:
        raise ParseError(name, "shorter than the 10-byte header", data)
    if data[0] != TYPE_ACC:
        raise ParseError(name, f"measurement type {data[0]} is not ACC ({TYPE_ACC})", data)
    (t_ns,) = struct.unpack_from("<Q", data, 1)
    compressed, ftype = bool(data[9] & 0x80), data[9] & 0x7F
    if ftype not in (0, 1, 2):
        raise ParseError(name, f"unknown accelerometer frame type {ftype}", data)
    payload = data[10:]
    bits = 8 * (ftype + 1)
    if compressed:
        acc = _delta_samples(payload, bits, name)
    else:
        size = 3 * (ftype + 1)
        if len(payload) == 0 or len(payload) % size:
            raise ParseError(name, f"raw payload of {len(payload)} bytes is not whole {size}-byte samples", data)
        step = ftype + 1
        acc = np.array([[_signed(int.from_bytes(payload[i + a * step:i + (a + 1) * step], "little"), bits) for a in range(3)]
                        for i in range(0, len(payload), size)], dtype=np.int64)
    return PmdAccFrame(t_ns, ftype, compressed, acc)
