"""The Device Information service: model and firmware strings read when a device offers them,
None (never an error) when it does not, refuses the read, or sends something unreadable."""

from __future__ import annotations

import asyncio

import pytest

from sensors.ble.device_info import FIRMWARE_REVISION_UUID, MODEL_NUMBER_UUID, decode_string, read_device_information


class Services:
    def __init__(self, values: dict[str, object]) -> None:
        self.values = values

    def get_characteristic(self, uuid: str) -> object | None:
        return object() if uuid in self.values else None


class Client:
    def __init__(self, values: dict[str, object]) -> None:
        self.services = Services(values)
        self.values = values
        self.reads: list[str] = []

    async def read_gatt_char(self, uuid: str) -> bytearray:
        self.reads.append(uuid)
        value = self.values[uuid]
        if isinstance(value, Exception):
            raise value
        assert isinstance(value, bytes)
        return bytearray(value)


def read(values: dict[str, object]) -> tuple[str | None, str | None]:
    return asyncio.run(read_device_information(Client(values)))  # type: ignore[arg-type]


def test_model_and_firmware_are_read() -> None:
    assert read({MODEL_NUMBER_UUID: b"H10", FIRMWARE_REVISION_UUID: b"5.0.0\0\0"}) == ("H10", "5.0.0")


def test_a_device_without_the_service_is_not_asked() -> None:
    client = Client({})
    assert asyncio.run(read_device_information(client)) == (None, None)  # type: ignore[arg-type]
    assert client.reads == []


def test_a_refused_read_gives_none_and_the_other_value_is_kept() -> None:
    assert read({MODEL_NUMBER_UUID: OSError("not permitted"), FIRMWARE_REVISION_UUID: b"2.1"}) == (None, "2.1")


def test_a_client_without_services_tells_nothing() -> None:
    class Bare:
        pass

    assert asyncio.run(read_device_information(Bare())) == (None, None)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "text"),
    [
        (b"  Polar H10 \n", "Polar H10"),
        (b"\xff\xfeX", "\ufffd\ufffdX"),
        (b"\0garbage", None),
        (b"\x01\x02", None),
        (b"A" * 100, "A" * 64),
    ],
)
def test_strings_are_cleaned(raw: bytes, text: str | None) -> None:
    assert decode_string(raw) == text
