"""Heart rate that Polar straps broadcast in their advertisements, read without a connection.

No Bluetooth SIG standard carries heart rate in advertisements; this is Polar's vendor format,
as decoded by the Polar BLE SDK (Android ``BleAdvertisementContent.processAdvManufacturerData``
and ``BlePolarHrAdvertisement``; iOS ``BlePolarHrAdvertisement.swift``): manufacturer-specific
data (AD type 0xFF) of company 0x006B, a list of blocks. A block whose first byte has bit 6 set
is ``[header][length][length bytes]`` of other data. Otherwise it is the 3- or 4-byte HR block:
b0 bit0 battery OK, bit1 sensor contact, bits 2-4 frame counter, bit5 broadcast, bit7 status;
b1 unknown; b2 fast-average HR; b3 (when present) slow-average HR, the value Polar's SDK shows.
Every value may be stale: a new frame counter is the only sign of a new reading.
"""

from __future__ import annotations

from dataclasses import dataclass

from sensors.ble.errors import ParseError

COMPANY_ID = 0x006B


@dataclass(frozen=True, slots=True)
class PolarHrBroadcast:
    bpm: int  # slow average when sent, else fast average
    fast_bpm: int
    contact: bool
    battery_ok: bool
    counter: int  # 0..7, changes with each new reading

    @property
    def usable(self) -> bool:
        """A reading the game may show: skin contact and a heart rate (an unworn strap can send HR)."""
        return self.contact and self.bpm > 0


def parse_polar_hr(payload: bytes) -> PolarHrBroadcast | None:
    """``payload``: the manufacturer data after the company ID (as bleak reports it).
    Returns None when the advertisement carries no HR block."""
    name = "Polar HR advertisement"
    pos = 0
    while pos < len(payload):
        head = payload[pos]
        if head & 0x40:
            if pos + 2 > len(payload):
                raise ParseError(name, "other-data block without its length byte", payload)
            pos += 2 + payload[pos + 1]
            if pos > len(payload):
                raise ParseError(name, "other-data block longer than the advertisement", payload)
            continue
        block = payload[pos:]
        if len(block) not in (3, 4):
            raise ParseError(name, f"HR block of {len(block)} bytes (expected 3 or 4)", payload)
        fast = block[2]
        return PolarHrBroadcast(
            bpm=block[3] if len(block) == 4 else fast,
            fast_bpm=fast,
            contact=bool(head & 0x02),
            battery_ok=bool(head & 0x01),
            counter=(head >> 2) & 0x07,
        )
    return None
