import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.battery import parse_battery_level
from sensors.ble.errors import ParseError
from sensors.ble.heart_rate import parse_body_sensor_location, parse_heart_rate_measurement, to_sample


def test_spec_style_example_with_contact_and_rr() -> None:
    m = parse_heart_rate_measurement(bytes([
        0x16,  # flags: uint8 HR, contact detected (bit1), contact supported (bit2), RR present (bit4)
        0x3C,  # 60 bpm
        0x00, 0x04,  # RR 0x0400 = 1024/1024 s = 1.0 s
    ]))
    assert m.bpm == 60 and m.contact is True and m.energy_kj is None and m.rr_s == (1.0,)


def test_uint16_rate_energy_and_several_rr() -> None:
    m = parse_heart_rate_measurement(bytes([
        0x19,  # flags: uint16 HR (bit0), energy (bit3), RR (bit4); contact not supported
        0x2C, 0x01,  # 300 bpm (uint16 little-endian)
        0x10, 0x27,  # energy 10000 kJ
        0x00, 0x02,  # RR 512/1024 = 0.5 s
        0x33, 0x01,  # RR 307/1024 s
    ]))
    assert m.bpm == 300 and m.contact is None and m.energy_kj == 10000
    assert m.rr_s == pytest.approx((0.5, 307 / 1024))


def test_contact_supported_but_lost() -> None:
    m = parse_heart_rate_measurement(bytes([0x04, 0x00]))  # supported, not detected; 0 bpm
    assert m.contact is False and m.bpm == 0
    sample = to_sample(m, t_host_ns=5, source="AA:BB")
    assert sample.contact is False and sample.t_host_ns == 5


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "too short"),
    (bytes([0x01, 0x3C]), "uint16"),
    (bytes([0x08, 0x3C, 0x01]), "energy"),
    (bytes([0x10, 0x3C, 0x00]), "whole uint16"),
    (bytes([0x20, 0x3C]), "reserved"),
    (bytes([0x00, 0x3C, 0x00]), "trailing"),
])
def test_malformed_measurements_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as err:
        parse_heart_rate_measurement(data)
    assert data.hex(" ") in str(err.value) or not data


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    try:
        m = parse_heart_rate_measurement(data)
    except ParseError:
        return
    assert 0 <= m.bpm <= 0xFFFF and all(0 <= r < 64 for r in m.rr_s)


def test_battery_and_location() -> None:
    assert parse_battery_level(bytes([87])) == 87  # 87 %
    with pytest.raises(ParseError, match="above 100"):
        parse_battery_level(bytes([101]))
    with pytest.raises(ParseError):
        parse_battery_level(b"")
    assert parse_body_sensor_location(bytes([1])) == "chest"
    with pytest.raises(ParseError, match="unknown"):
        parse_body_sensor_location(bytes([9]))


@given(st.binary(max_size=8))
def test_small_parsers_never_raise_anything_else(data: bytes) -> None:
    for parse in (parse_battery_level, parse_body_sensor_location):
        try:
            parse(data)
        except ParseError:
            pass
