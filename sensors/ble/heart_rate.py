"""Heart Rate Service (0x180D): Heart Rate Measurement (0x2A37) and Body Sensor Location (0x2A38).

Layout (Bluetooth SIG Heart Rate Service 1.0, section 3.1, and GATT Specification Supplement,
"Heart Rate Measurement"; cross-checked with bumble ``profiles/heart_rate_service.py``), little-endian:

- flags uint8: bit0 HR value is uint16 (else uint8); bit1 sensor contact detected; bit2 sensor
  contact supported; bit3 energy expended present; bit4 RR intervals present; bits 5-7 reserved.
- heart rate uint8 or uint16, bpm.
- energy expended uint16, kJ (when bit3).
- RR intervals uint16 each in 1/1024 s, as many as fill the rest of the packet (when bit4).

Notifications carry no timestamp: an RR value may describe a beat seconds old.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sensors.ble.errors import ParseError
from sensors.samples import HeartRateSample

SERVICE_UUID = "0000180d-0000-1000-8000-00805f9b34fb"
MEASUREMENT_UUID = "00002a37-0000-1000-8000-00805f9b34fb"
BODY_SENSOR_LOCATION_UUID = "00002a38-0000-1000-8000-00805f9b34fb"

RR_UNIT_S = 1 / 1024
#: Body Sensor Location codes 0..6 (Heart Rate Service 1.0, 3.2); 7..255 are reserved.
BODY_LOCATIONS = ("other", "chest", "wrist", "finger", "hand", "ear lobe", "foot")

_RESERVED_FLAGS = 0xE0


@dataclass(frozen=True, slots=True)
class HeartRateMeasurement:
    """One notification. ``contact``: True/False when the strap reports skin contact, None when
    it cannot. ``rr_s``: RR intervals in seconds, oldest first. ``flags``: the raw flags byte
    (reserved bits are kept, not rejected)."""

    bpm: int
    contact: bool | None
    energy_kj: int | None
    rr_s: tuple[float, ...]
    flags: int = 0


def parse_heart_rate_measurement(data: bytes) -> HeartRateMeasurement:
    name = "Heart Rate Measurement"
    if len(data) < 2:
        raise ParseError(name, "too short: needs flags and a heart rate", data)
    flags = data[0]
    pos = 1
    if flags & 0x01:
        if len(data) < 3:
            raise ParseError(name, "flags say uint16 heart rate but only one byte follows", data)
        (bpm,) = struct.unpack_from("<H", data, pos)
        pos += 2
    else:
        bpm = data[pos]
        pos += 1
    contact = bool(flags & 0x02) if flags & 0x04 else None
    energy = None
    if flags & 0x08:
        if len(data) < pos + 2:
            raise ParseError(name, "flags say energy expended is present but it is cut short", data)
        (energy,) = struct.unpack_from("<H", data, pos)
        pos += 2
    rr: tuple[float, ...] = ()
    if flags & 0x10:
        rest = len(data) - pos
        if rest % 2:
            raise ParseError(name, "RR intervals do not fill whole uint16 values", data)
        rr = tuple(v * RR_UNIT_S for v in struct.unpack_from(f"<{rest // 2}H", data, pos))
    elif pos != len(data) and not flags & _RESERVED_FLAGS:
        raise ParseError(name, f"{len(data) - pos} unexpected trailing bytes", data)
    return HeartRateMeasurement(bpm, contact, energy, rr, flags)


def parse_body_sensor_location(data: bytes) -> str:
    """The location name (``"chest"``, ``"wrist"`` ...); reserved codes are a ParseError."""
    if len(data) != 1:
        raise ParseError("Body Sensor Location", "expected exactly one byte", data)
    if data[0] >= len(BODY_LOCATIONS):
        raise ParseError("Body Sensor Location", f"unknown (reserved) location code {data[0]}", data)
    return BODY_LOCATIONS[data[0]]


def to_sample(m: HeartRateMeasurement, t_host_ns: int, source: str, broadcast: bool = False) -> HeartRateSample:
    """The bus sample for a parsed measurement received at ``t_host_ns`` from ``source``."""
    return HeartRateSample(
        t_host_ns=t_host_ns, source=source, bpm=m.bpm, rr_s=m.rr_s, contact=m.contact, energy_kj=m.energy_kj, broadcast=broadcast
    )
