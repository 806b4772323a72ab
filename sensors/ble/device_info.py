"""What a connected device says it is: the Bluetooth Device Information Service (DIS, 0x180A).

Only the two strings a session keeps are read: Model Number String (0x2A24) and Firmware Revision
String (0x2A26), both UTF-8 strings of the Bluetooth SIG's assigned numbers (Device Information
Service 1.1, sections 3.3 and 3.6). Reading is best effort: a device without the service, a
read that fails or times out, or a value that is not readable text gives None, never an error,
so a device that tells less still connects as before.
"""

from __future__ import annotations

import asyncio
import logging

from bleak import BleakClient

log = logging.getLogger(__name__)

MODEL_NUMBER_UUID = "00002a24-0000-1000-8000-00805f9b34fb"
FIRMWARE_REVISION_UUID = "00002a26-0000-1000-8000-00805f9b34fb"

#: Longest string kept, characters: DIS strings are short names ("H10", "3.1.1"); a longer
#: value is cut rather than stored whole.
MAX_CHARS = 64
#: Seconds one read may take before it is given up.
READ_TIMEOUT_S = 2.0


def decode_string(raw: bytes | bytearray) -> str | None:
    """A DIS string value as text: UTF-8 (undecodable bytes replaced), trailing NULs and
    surrounding spaces removed, control characters dropped, at most :data:`MAX_CHARS`; None
    when nothing readable is left."""
    text = bytes(raw).split(b"\0", 1)[0].decode("utf-8", errors="replace")
    text = "".join(ch for ch in text if ch.isprintable()).strip()
    return text[:MAX_CHARS] or None


async def _read(client: BleakClient, uuid: str) -> str | None:
    try:
        if client.services.get_characteristic(uuid) is None:
            return None
        raw = await asyncio.wait_for(client.read_gatt_char(uuid), READ_TIMEOUT_S)
    except Exception as exc:  # a device that refuses or drops the read: it just tells less
        log.debug("reading %s failed: %r", uuid, exc)
        return None
    return decode_string(raw)


async def read_device_information(client: BleakClient) -> tuple[str | None, str | None]:
    """(model, firmware) of a connected device, each None where it cannot be read."""
    return await _read(client, MODEL_NUMBER_UUID), await _read(client, FIRMWARE_REVISION_UUID)
