"""Heart rate that Xiaomi Mi Band 4/5 (Huami) wristbands put in their advertisements.

Not a published standard: the layout below is reverse-engineered and is read the same way by
theengs/decoder (``src/devices/Miband_json.h``, property ``act_bpm``) and by ble_monitor
(``ble_parser/amazfit.py``). Manufacturer-specific data (AD type 0xFF) of company 0x0157
(Anhui Huami), 26 bytes counting the company ID; bleak hands over the 24 bytes after it::

    offset (after the company ID)  bytes  meaning
    0                              1      0x02: this activity format (other values: other formats)
    1..2                           2      not used here
    3                              1      heart rate, bpm; high nibble 0xF (0xFF in practice) = none
    4..17                          14     not used here (steps and other counters)
    18..23                         6      the band's own address

There is no frame counter and no skin-contact bit: a band that stops measuring sends 0xFF, and
a band that went out of range stops advertising, so staleness is judged by time alone
(:class:`TimedBroadcast`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sensors.ble.errors import ParseError
from sensors.clock import NS_PER_S

COMPANY_ID = 0x0157
#: First byte of the activity format that carries the heart rate.
ACTIVITY_FORMAT = 0x02
#: Bytes after the company ID in the activity format.
PAYLOAD_BYTES = 24
_HR_OFFSET = 3
_MAC_OFFSET = 18
#: A band advertises several times a second; one reading a second is what the board needs
#: (the same rate a Polar strap's frame counter moves at).
REPUBLISH_S = 1.0


@dataclass(frozen=True, slots=True)
class XiaomiHrBroadcast:
    bpm: int | None  # None: the band sends no heart rate now (0xF_ in its HR byte, or 0)
    mac: str  # the address inside the payload, "AA:BB:CC:DD:EE:FF"

    @property
    def usable(self) -> bool:
        return self.bpm is not None


def parse_xiaomi_hr(payload: bytes) -> XiaomiHrBroadcast | None:
    """``payload``: the manufacturer data after company ID 0x0157 (as bleak reports it).
    Returns None for the band's other advertisement formats (first byte not 0x02); raises
    :class:`ParseError` for an activity-format payload of the wrong length."""
    name = "Xiaomi Mi Band advertisement"
    if not payload:
        raise ParseError(name, "empty", payload)
    if payload[0] != ACTIVITY_FORMAT:
        return None
    if len(payload) != PAYLOAD_BYTES:
        raise ParseError(name, f"{len(payload)} bytes after the company ID (expected {PAYLOAD_BYTES})", payload)
    raw = payload[_HR_OFFSET]
    mac = ":".join(f"{b:02X}" for b in payload[_MAC_OFFSET : _MAC_OFFSET + 6])
    return XiaomiHrBroadcast(bpm=None if raw >= 0xF0 or raw == 0 else raw, mac=mac)


@dataclass
class TimedBroadcast:
    """Which Mi Band advertisements to pass on, per address: a reading when the heart rate
    changed or :data:`REPUBLISH_S` after the last one passed on (the band has no counter).
    ``malformed`` counts advertisements that failed to parse; they are dropped, never raised."""

    malformed: int = 0
    _last: dict[str, tuple[int | None, int]] = field(default_factory=dict)

    def read(self, address: str, payload: bytes, now_ns: int) -> XiaomiHrBroadcast | None:
        """The reading to publish for this advertisement at ``now_ns`` (host clock), or None."""
        try:
            hr = parse_xiaomi_hr(payload)
        except ParseError:
            self.malformed += 1
            return None
        if hr is None:
            return None
        last = self._last.get(address)
        if last is not None and last[0] == hr.bpm and now_ns - last[1] < REPUBLISH_S * NS_PER_S:
            return None
        self._last[address] = (hr.bpm, now_ns)
        return hr


def encode_xiaomi_hr(bpm: int | None, mac: str) -> bytes:
    """The 24-byte activity payload a band with heart rate ``bpm`` (None: none) and address
    ``mac`` sends; what the emulated band advertises and tests decode."""
    out = bytearray(PAYLOAD_BYTES)
    out[0] = ACTIVITY_FORMAT
    out[_HR_OFFSET] = 0xFF if bpm is None else max(1, min(0xEF, bpm))
    out[_MAC_OFFSET : _MAC_OFFSET + 6] = bytes(int(p, 16) for p in mac.split(":"))
    return bytes(out)
