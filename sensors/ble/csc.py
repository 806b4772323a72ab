"""Cycling Speed and Cadence (service 0x1816): CSC Measurement (0x2A5B).

Layout (Bluetooth SIG Cycling Speed and Cadence Service 1.0 / GATT Specification Supplement,
"CSC Measurement"), little-endian: flags uint8: bit0 wheel data present (cumulative wheel
revolutions uint32, last wheel event time uint16 in 1/1024 s); bit1 crank data present
(cumulative crank revolutions uint16, last crank event time uint16 in 1/1024 s).
Cadence and wheel speed come from the differences between two measurements; counters and event
times roll over, and a repeated event time means no new revolution (no division by zero).
Reserved flag bits (2-7) are accepted as values; then trailing bytes are tolerated.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sensors.ble.errors import flagged_length

SERVICE_UUID = "00001816-0000-1000-8000-00805f9b34fb"
MEASUREMENT_UUID = "00002a5b-0000-1000-8000-00805f9b34fb"
EVENT_TIME_UNIT_S = 1 / 1024


@dataclass(frozen=True, slots=True)
class CscMeasurement:
    wheel_revs: int | None = None
    wheel_event_1024: int | None = None
    crank_revs: int | None = None
    crank_event_1024: int | None = None


def parse_csc_measurement(data: bytes) -> CscMeasurement:
    flags = flagged_length("CSC Measurement", data, 0xFC, 1, {0x01: 6, 0x02: 4})
    pos, out = 1, {}
    if flags & 1:
        out["wheel_revs"], out["wheel_event_1024"] = struct.unpack_from("<IH", data, pos)
        pos += 6
    if flags & 2:
        out["crank_revs"], out["crank_event_1024"] = struct.unpack_from("<HH", data, pos)
    return CscMeasurement(**out)


def _delta(new: int, old: int, bits: int) -> int:
    return (new - old) % (1 << bits)


def cadence_rpm(prev: CscMeasurement, cur: CscMeasurement) -> float | None:
    """Crank cadence between two measurements (rev/min), or None without a new crank event."""
    if None in (prev.crank_revs, prev.crank_event_1024, cur.crank_revs, cur.crank_event_1024):
        return None
    dt = _delta(cur.crank_event_1024, prev.crank_event_1024, 16) * EVENT_TIME_UNIT_S  # type: ignore[arg-type]
    if dt == 0:
        return None
    return _delta(cur.crank_revs, prev.crank_revs, 16) / dt * 60.0  # type: ignore[arg-type]


def wheel_speed_mps(prev: CscMeasurement, cur: CscMeasurement, circumference_m: float = 2.105) -> float | None:
    """Wheel speed (m/s) for a wheel of ``circumference_m`` (2.105 m: a 700x25c road tyre)."""
    if None in (prev.wheel_revs, prev.wheel_event_1024, cur.wheel_revs, cur.wheel_event_1024):
        return None
    dt = _delta(cur.wheel_event_1024, prev.wheel_event_1024, 16) * EVENT_TIME_UNIT_S  # type: ignore[arg-type]
    if dt == 0:
        return None
    return _delta(cur.wheel_revs, prev.wheel_revs, 32) * circumference_m / dt  # type: ignore[arg-type]
