"""Fitness Machine Service (0x1826): Treadmill Data (0x2ACD) and Indoor Bike Data (0x2AD2).

Layout (Bluetooth SIG Fitness Machine Service 1.0, sections 4.9 and 4.10, and the GATT
Specification Supplement): a uint16 flags field, then the fields whose flag is set, in flag
order, little-endian. Bit 0 is "More Data" with INVERTED meaning: when it is 0 the
instantaneous speed IS present. Units are in the value names.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

from sensors.ble.errors import ParseError

SERVICE_UUID = "00001826-0000-1000-8000-00805f9b34fb"
TREADMILL_DATA_UUID = "00002acd-0000-1000-8000-00805f9b34fb"
INDOOR_BIKE_DATA_UUID = "00002ad2-0000-1000-8000-00805f9b34fb"
CONTROL_POINT_UUID = "00002ad9-0000-1000-8000-00805f9b34fb"

# (flag bit, ((name, struct format or "u24", scale), ...)); bit 0 is handled as inverted.
_Field = tuple[str, str, float]
_ENERGY: tuple[_Field, ...] = (("energy_total_kcal", "H", 1), ("energy_per_hour_kcal", "H", 1), ("energy_per_min_kcal", "B", 1))
_TREADMILL: tuple[tuple[int, tuple[_Field, ...]], ...] = (
    (0, (("speed_kmh", "H", 0.01),)),
    (1, (("avg_speed_kmh", "H", 0.01),)),
    (2, (("distance_m", "u24", 1),)),
    (3, (("incline_pct", "h", 0.1), ("ramp_angle_deg", "h", 0.1))),
    (4, (("elevation_gain_m", "H", 0.1), ("elevation_loss_m", "H", 0.1))),
    (5, (("pace_km_per_min", "B", 0.1),)),
    (6, (("avg_pace_km_per_min", "B", 0.1),)),
    (7, _ENERGY),
    (8, (("heart_rate_bpm", "B", 1),)),
    (9, (("met", "B", 0.1),)),
    (10, (("elapsed_s", "H", 1),)),
    (11, (("remaining_s", "H", 1),)),
    (12, (("belt_force_n", "h", 1), ("power_w", "h", 1))),
)
_BIKE: tuple[tuple[int, tuple[_Field, ...]], ...] = (
    (0, (("speed_kmh", "H", 0.01),)),
    (1, (("avg_speed_kmh", "H", 0.01),)),
    (2, (("cadence_rpm", "H", 0.5),)),
    (3, (("avg_cadence_rpm", "H", 0.5),)),
    (4, (("distance_m", "u24", 1),)),
    (5, (("resistance_level", "h", 1),)),
    (6, (("power_w", "h", 1),)),
    (7, (("avg_power_w", "h", 1),)),
    (8, _ENERGY),
    (9, (("heart_rate_bpm", "B", 1),)),
    (10, (("met", "B", 0.1),)),
    (11, (("elapsed_s", "H", 1),)),
    (12, (("remaining_s", "H", 1),)),
)


@dataclass(frozen=True, slots=True)
class FitnessMachineData:
    """``machine``: ``treadmill`` or ``bike``; ``values``: the fields present, units in names."""

    machine: str
    flags: int
    values: Mapping[str, float]


def _parse(machine: str, table: tuple[tuple[int, tuple[_Field, ...]], ...], name: str, data: bytes) -> FitnessMachineData:
    if len(data) < 2:
        raise ParseError(name, "too short: needs the uint16 flags", data)
    (flags,) = struct.unpack_from("<H", data, 0)
    if flags >> 13:
        raise ParseError(name, f"reserved flag bits set (flags 0x{flags:04x})", data)
    pos, values = 2, {}
    for bit, fields in table:
        present = not flags & 1 if bit == 0 else bool(flags >> bit & 1)
        if not present:
            continue
        for field, fmt, scale in fields:
            size = 3 if fmt == "u24" else struct.calcsize(fmt)
            if pos + size > len(data):
                raise ParseError(name, f"flags announce {field} but the data ends at byte {len(data)}", data)
            raw = int.from_bytes(data[pos : pos + 3], "little") if fmt == "u24" else struct.unpack_from("<" + fmt, data, pos)[0]
            values[field] = raw * scale if scale != 1 else raw
            pos += size
    if pos != len(data):
        raise ParseError(name, f"{len(data) - pos} bytes left over after the fields the flags announce", data)
    return FitnessMachineData(machine, flags, MappingProxyType(values))


def parse_treadmill_data(data: bytes) -> FitnessMachineData:
    return _parse("treadmill", _TREADMILL, "Treadmill Data", data)


def parse_indoor_bike_data(data: bytes) -> FitnessMachineData:
    return _parse("bike", _BIKE, "Indoor Bike Data", data)
