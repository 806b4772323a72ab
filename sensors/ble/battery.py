"""Battery Service (0x180F): Battery Level (0x2A19), uint8 percent 0..100
(Bluetooth SIG GATT Specification Supplement, "Battery Level")."""

from __future__ import annotations

from sensors.ble.errors import ParseError

SERVICE_UUID = "0000180f-0000-1000-8000-00805f9b34fb"
LEVEL_UUID = "00002a19-0000-1000-8000-00805f9b34fb"


def parse_battery_level(data: bytes) -> int:
    """Battery charge in percent."""
    if len(data) != 1:
        raise ParseError("Battery Level", "expected exactly one byte", data)
    if data[0] > 100:
        raise ParseError("Battery Level", f"{data[0]} % is above 100 %", data)
    return data[0]
