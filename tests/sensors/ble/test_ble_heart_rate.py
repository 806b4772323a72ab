import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.battery import parse_battery_level
from sensors.ble.errors import ParseError
from sensors.ble.heart_rate import HeartRateMeasurement, parse_body_sensor_location, parse_heart_rate_measurement, to_sample


def test_protocols_md_example_with_contact_and_rr() -> None:
    # The Heart Rate Service's common example: 16 3c 00 04.
    m = parse_heart_rate_measurement(bytes([
        0x16,  # flags: uint8 HR, contact detected (bit1), contact supported (bit2), RR present (bit4)
        0x3C,  # 60 bpm
        0x00, 0x04,  # RR 0x0400 = 1024/1024 s = 1.0 s
    ]))  # fmt: skip
    assert m == HeartRateMeasurement(bpm=60, contact=True, energy_kj=None, rr_s=(1.0,), flags=0x16)


def test_uint16_rate_energy_and_several_rr() -> None:
    m = parse_heart_rate_measurement(bytes([
        0x19,  # flags: uint16 HR (bit0), energy (bit3), RR (bit4); contact not supported
        0x2C, 0x01,  # 300 bpm (uint16 little-endian)
        0x10, 0x27,  # energy 10000 kJ
        0x00, 0x02,  # RR 512/1024 = 0.5 s
        0x33, 0x01,  # RR 307/1024 s
        0xFF, 0xFF,  # RR 65535/1024 s: the largest an RR value can say
    ]))  # fmt: skip
    assert m.bpm == 300 and m.contact is None and m.energy_kj == 10000
    assert m.rr_s == pytest.approx((0.5, 307 / 1024, 65535 / 1024))


def test_rr_flag_with_no_intervals_is_an_empty_tuple() -> None:
    m = parse_heart_rate_measurement(
        bytes(
            [
                0x10,  # flags: RR present, but none fit this notification
                0x48,  # 72 bpm
            ]
        )
    )
    assert m.rr_s == () and m.bpm == 72


def test_contact_supported_but_lost_and_impossible_zero_bpm_is_a_value() -> None:
    m = parse_heart_rate_measurement(
        bytes(
            [
                0x06,  # flags: contact supported (bit2) and detected (bit1)
                0x00,  # 0 bpm: impossible with contact, but a value, not a parse error
            ]
        )
    )
    assert m.contact is True and m.bpm == 0
    lost = parse_heart_rate_measurement(
        bytes(
            [
                0x04,  # flags: contact supported, not detected
                0x00,  # 0 bpm
            ]
        )
    )
    assert lost.contact is False
    sample = to_sample(lost, t_host_ns=5, source="AA:BB")
    assert sample.contact is False and sample.t_host_ns == 5 and sample.source == "AA:BB" and sample.bpm == 0


def test_to_sample_carries_rr_and_energy() -> None:
    m = parse_heart_rate_measurement(bytes([
        0x18,  # flags: energy (bit3), RR (bit4)
        0x50,  # 80 bpm
        0x05, 0x00,  # 5 kJ
        0x00, 0x03,  # RR 768/1024 = 0.75 s
    ]))  # fmt: skip
    s = to_sample(m, t_host_ns=123, source="strap")
    assert (s.bpm, s.rr_s, s.energy_kj, s.contact, s.broadcast) == (80, (0.75,), 5, None, False)


def test_reserved_flag_bits_are_kept_as_a_value() -> None:
    m = parse_heart_rate_measurement(
        bytes(
            [
                0x20,  # flags: reserved bit 5 only
                0x3C,  # 60 bpm
                0xAB,  # a byte of a field this version does not know
            ]
        )
    )
    assert m.bpm == 60 and m.flags == 0x20


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "too short"),
        (bytes([0x00]), "too short"),
        (bytes([0x01, 0x3C]), "uint16"),
        (bytes([0x08, 0x3C, 0x01]), "energy"),
        (bytes([0x10, 0x3C, 0x00]), "whole uint16"),
        (bytes([0x00, 0x3C, 0x00]), "trailing"),
    ],
)
def test_malformed_measurements_say_why(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason) as err:
        parse_heart_rate_measurement(data)
    assert err.value.reason and err.value.data == data
    assert (data.hex(" ") if data else "none") in str(err.value)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    try:
        m = parse_heart_rate_measurement(data)
    except ParseError:
        return
    assert 0 <= m.bpm <= 0xFFFF and all(0 <= r < 64 for r in m.rr_s)


def test_battery_level() -> None:
    assert parse_battery_level(bytes([87])) == 87  # 87 %
    assert parse_battery_level(bytes([0])) == 0  # 0 %
    assert parse_battery_level(bytes([100])) == 100  # 100 %
    with pytest.raises(ParseError, match="above 100"):
        parse_battery_level(bytes([101]))  # 101 %: impossible
    with pytest.raises(ParseError, match="one byte"):
        parse_battery_level(b"")
    with pytest.raises(ParseError, match="one byte"):
        parse_battery_level(bytes([50, 0]))


def test_body_sensor_location() -> None:
    assert parse_body_sensor_location(bytes([1])) == "chest"  # 1 = chest
    assert parse_body_sensor_location(bytes([2])) == "wrist"  # 2 = wrist
    with pytest.raises(ParseError, match="reserved"):
        parse_body_sensor_location(bytes([9]))  # 7..255 reserved


@given(st.binary(max_size=300))
def test_small_parsers_never_raise_anything_else(data: bytes) -> None:
    for parse in (parse_battery_level, parse_body_sensor_location):
        try:
            parse(data)
        except ParseError:
            pass
