"""Fitness Machine Service (0x1826): Treadmill Data (0x2ACD) and Indoor Bike Data (0x2AD2).

Layout (Bluetooth SIG Fitness Machine Service 1.0, sections 4.9 "Treadmill Data" and 4.10
"Indoor Bike Data"; field order also in the GATT Specification Supplement): a uint16 flags
field, then the fields whose flag is set, in flag order, little-endian. Bit 0 is "More Data"
with INVERTED meaning: when it is 0 the instantaneous speed IS present. Bits 13-15 are
reserved: accepted, and then bytes after the known fields are tolerated (a newer server may
append fields). Units are in the field names.

Energy per hour / per minute (and total energy) use 0xFFFF / 0xFF for "data not available"
(FTMS 1.0, 4.9.1.11-13 and 4.10.1.11-13); those become ``None``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, fields

from sensors.ble.errors import ParseError

SERVICE_UUID = "00001826-0000-1000-8000-00805f9b34fb"
TREADMILL_DATA_UUID = "00002acd-0000-1000-8000-00805f9b34fb"
INDOOR_BIKE_DATA_UUID = "00002ad2-0000-1000-8000-00805f9b34fb"
CONTROL_POINT_UUID = "00002ad9-0000-1000-8000-00805f9b34fb"

_RESERVED = 0xE000
# One optional field: (name, struct code or "u24", scale, "not available" raw value or None).
_Field = tuple[str, str, float, int | None]
_ENERGY: tuple[_Field, ...] = (
    ("energy_total_kcal", "H", 1, 0xFFFF),
    ("energy_per_hour_kcal", "H", 1, 0xFFFF),
    ("energy_per_min_kcal", "B", 1, 0xFF),
)


@dataclass(frozen=True, slots=True)
class TreadmillData:
    """Treadmill Data; every value is None when its flag is clear. ``pace_km_per_min``: FTMS 1.0
    "Instantaneous Pace" (uint8, 0.1 km/min); see ``parse_treadmill_data(pace_uint16=...)``."""

    flags: int
    speed_kmh: float | None = None
    avg_speed_kmh: float | None = None
    distance_m: int | None = None
    incline_pct: float | None = None
    ramp_angle_deg: float | None = None
    elevation_gain_m: float | None = None
    elevation_loss_m: float | None = None
    pace_km_per_min: float | None = None
    avg_pace_km_per_min: float | None = None
    pace_s_per_500m: int | None = None
    avg_pace_s_per_500m: int | None = None
    energy_total_kcal: int | None = None
    energy_per_hour_kcal: int | None = None
    energy_per_min_kcal: int | None = None
    heart_rate_bpm: int | None = None
    met: float | None = None
    elapsed_s: int | None = None
    remaining_s: int | None = None
    belt_force_n: int | None = None
    power_w: int | None = None

    @property
    def speed_mps(self) -> float | None:
        return None if self.speed_kmh is None else self.speed_kmh / 3.6


@dataclass(frozen=True, slots=True)
class IndoorBikeData:
    """Indoor Bike Data; every value is None when its flag is clear. ``resistance_level`` is the
    raw unitless sint16 (FTMS 1.0, 4.10.1.6)."""

    flags: int
    speed_kmh: float | None = None
    avg_speed_kmh: float | None = None
    cadence_rpm: float | None = None
    avg_cadence_rpm: float | None = None
    distance_m: int | None = None
    resistance_level: int | None = None
    power_w: int | None = None
    avg_power_w: int | None = None
    energy_total_kcal: int | None = None
    energy_per_hour_kcal: int | None = None
    energy_per_min_kcal: int | None = None
    heart_rate_bpm: int | None = None
    met: float | None = None
    elapsed_s: int | None = None
    remaining_s: int | None = None

    @property
    def speed_mps(self) -> float | None:
        return None if self.speed_kmh is None else self.speed_kmh / 3.6


def _treadmill_table(pace_uint16: bool) -> tuple[tuple[int, tuple[_Field, ...]], ...]:
    pace: tuple[_Field, ...] = (("pace_s_per_500m", "H", 1, None),) if pace_uint16 else (("pace_km_per_min", "B", 0.1, None),)
    avg_pace: tuple[_Field, ...] = (
        (("avg_pace_s_per_500m", "H", 1, None),) if pace_uint16 else (("avg_pace_km_per_min", "B", 0.1, None),)
    )
    return (
        (0, (("speed_kmh", "H", 0.01, None),)),  # present when bit 0 is CLEAR
        (1, (("avg_speed_kmh", "H", 0.01, None),)),
        (2, (("distance_m", "u24", 1, None),)),
        (3, (("incline_pct", "h", 0.1, None), ("ramp_angle_deg", "h", 0.1, None))),
        (4, (("elevation_gain_m", "H", 0.1, None), ("elevation_loss_m", "H", 0.1, None))),
        (5, pace),
        (6, avg_pace),
        (7, _ENERGY),
        (8, (("heart_rate_bpm", "B", 1, None),)),
        (9, (("met", "B", 0.1, None),)),
        (10, (("elapsed_s", "H", 1, None),)),
        (11, (("remaining_s", "H", 1, None),)),
        (12, (("belt_force_n", "h", 1, None), ("power_w", "h", 1, None))),
    )


_TREADMILL = {False: _treadmill_table(False), True: _treadmill_table(True)}
_BIKE: tuple[tuple[int, tuple[_Field, ...]], ...] = (
    (0, (("speed_kmh", "H", 0.01, None),)),  # present when bit 0 is CLEAR
    (1, (("avg_speed_kmh", "H", 0.01, None),)),
    (2, (("cadence_rpm", "H", 0.5, None),)),
    (3, (("avg_cadence_rpm", "H", 0.5, None),)),
    (4, (("distance_m", "u24", 1, None),)),
    (5, (("resistance_level", "h", 1, None),)),
    (6, (("power_w", "h", 1, None),)),
    (7, (("avg_power_w", "h", 1, None),)),
    (8, _ENERGY),
    (9, (("heart_rate_bpm", "B", 1, None),)),
    (10, (("met", "B", 0.1, None),)),
    (11, (("elapsed_s", "H", 1, None),)),
    (12, (("remaining_s", "H", 1, None),)),
)


def _parse(table: tuple[tuple[int, tuple[_Field, ...]], ...], name: str, data: bytes) -> dict[str, object]:
    if len(data) < 2:
        raise ParseError(name, "too short: needs the uint16 flags", data)
    (flags,) = struct.unpack_from("<H", data, 0)
    pos, values = 2, {"flags": flags}
    for bit, group in table:
        present = not flags & 1 if bit == 0 else bool(flags >> bit & 1)
        if not present:
            continue
        for field, fmt, scale, missing in group:
            size = 3 if fmt == "u24" else struct.calcsize(fmt)
            if pos + size > len(data):
                raise ParseError(name, f"flags announce {field} but the data ends at byte {len(data)}", data)
            raw = int.from_bytes(data[pos : pos + 3], "little") if fmt == "u24" else struct.unpack_from("<" + fmt, data, pos)[0]
            pos += size
            if raw == missing:
                continue
            values[field] = raw * scale if scale != 1 else raw
    if pos != len(data) and not flags & _RESERVED:
        raise ParseError(name, f"{len(data) - pos} bytes left over after the fields the flags announce", data)
    return values


def parse_treadmill_data(data: bytes, *, pace_uint16: bool = False) -> TreadmillData:
    """Treadmill Data. Pace fields follow FTMS 1.0 (uint8, 0.1 km/min) unless ``pace_uint16``:
    then the GATT Specification Supplement layout (uint16, s per 500 m), filling the
    ``*_s_per_500m`` fields instead. The two disagree; check the machine."""
    return TreadmillData(**_parse(_TREADMILL[pace_uint16], "Treadmill Data", data))  # type: ignore[arg-type]


def parse_indoor_bike_data(data: bytes) -> IndoorBikeData:
    return IndoorBikeData(**_parse(_BIKE, "Indoor Bike Data", data))  # type: ignore[arg-type]


def present_fields(d: TreadmillData | IndoorBikeData) -> dict[str, float | int]:
    """The values a message carried, by name (``flags`` left out)."""
    return {f.name: getattr(d, f.name) for f in fields(d) if f.name != "flags" and getattr(d, f.name) is not None}
