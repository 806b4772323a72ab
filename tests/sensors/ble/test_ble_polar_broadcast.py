import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.errors import ParseError
from sensors.ble.polar_broadcast import parse_polar_hr


@pytest.mark.parametrize(
    ("hex_after_company", "bpm", "fast"),
    [
        ("3b164446", 70, 68),  # H10: head 0x3b (battery, contact, counter 6), ?, fast 68, slow 70
        ("2f166b68", 104, 107),
        ("33000038", 56, 0),
        ("7206 7f4437000000 33003c", 60, 60),  # OH1: one other-data block (0x72, 6 bytes), then 3-byte HR
    ],
)
def test_polar_sdk_vectors(hex_after_company: str, bpm: int, fast: int) -> None:
    hr = parse_polar_hr(bytes.fromhex(hex_after_company.replace(" ", "")))
    assert hr is not None
    assert (hr.bpm, hr.fast_bpm, hr.contact) == (bpm, fast, True)
    assert hr.usable


def test_counter_battery_and_no_contact() -> None:
    hr = parse_polar_hr(bytes([0b0001_0101, 0x00, 80, 81]))  # battery, no contact, counter 5
    assert hr is not None and hr.counter == 5 and hr.battery_ok and not hr.contact and not hr.usable


def test_only_other_data_means_no_reading() -> None:
    assert parse_polar_hr(bytes.fromhex("7202aabb")) is None
    assert parse_polar_hr(b"") is None


@pytest.mark.parametrize("hexdata", ["72", "7209aabb", "3b16", "3b16444600"])
def test_malformed(hexdata: str) -> None:
    with pytest.raises(ParseError):
        parse_polar_hr(bytes.fromhex(hexdata))


@given(st.binary(max_size=64))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    try:
        parse_polar_hr(data)
    except ParseError:
        pass
