import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.csc import CscMeasurement, cadence_rpm, parse_csc_measurement, wheel_speed_mps
from sensors.ble.errors import ParseError
from sensors.ble.rsc import RscMeasurement, parse_rsc_measurement


def test_csc_crank_only() -> None:
    m = parse_csc_measurement(bytes([
        0x02,  # flags: crank data present
        0x0A, 0x00,  # cumulative crank revolutions 10
        0x00, 0x04,  # last crank event 1024/1024 s
    ]))  # fmt: skip
    assert m == CscMeasurement(crank_revs=10, crank_event_1024=1024)


def test_csc_wheel_only() -> None:
    m = parse_csc_measurement(bytes([
        0x01,  # flags: wheel data present
        0x01, 0x02, 0x03, 0x04,  # cumulative wheel revolutions 0x04030201
        0xFF, 0xFF,  # last wheel event 65535/1024 s
    ]))  # fmt: skip
    assert m == CscMeasurement(wheel_revs=0x04030201, wheel_event_1024=0xFFFF)


def test_csc_wheel_and_crank() -> None:
    m = parse_csc_measurement(bytes([
        0x03,  # flags: wheel and crank data
        0x10, 0x27, 0x00, 0x00,  # 10000 wheel revolutions
        0x00, 0x08,  # last wheel event 2048/1024 s
        0x05, 0x00,  # 5 crank revolutions
        0x00, 0x02,  # last crank event 512/1024 s
    ]))  # fmt: skip
    assert (m.wheel_revs, m.wheel_event_1024, m.crank_revs, m.crank_event_1024) == (10000, 2048, 5, 512)


def test_cadence_from_two_measurements() -> None:
    prev = parse_csc_measurement(bytes([
        0x02,  # flags: crank
        0x64, 0x00,  # 100 revolutions
        0x00, 0x10,  # event 4096/1024 = 4 s
    ]))  # fmt: skip
    cur = parse_csc_measurement(bytes([
        0x02,  # flags: crank
        0x66, 0x00,  # 102 revolutions
        0x00, 0x18,  # event 6144/1024 = 6 s
    ]))  # fmt: skip
    assert cadence_rpm(prev, cur) == pytest.approx(60.0)  # 2 revolutions in 2 s


def test_cadence_across_both_rollovers() -> None:
    prev = CscMeasurement(crank_revs=0xFFFF, crank_event_1024=0xFC00)  # 1024 ticks before event-time rollover
    cur = CscMeasurement(crank_revs=0x0001, crank_event_1024=0x0400)  # 2 revolutions (count rolled over), 2 s later
    assert cadence_rpm(prev, cur) == pytest.approx(60.0)


def test_cadence_event_time_rollover_only() -> None:
    prev = CscMeasurement(crank_revs=500, crank_event_1024=0xFF00)
    cur = CscMeasurement(crank_revs=501, crank_event_1024=0x0100)  # 512 ticks = 0.5 s across 0xFFFF
    assert cadence_rpm(prev, cur) == pytest.approx(120.0)


def test_no_new_event_gives_no_value_and_no_division_by_zero() -> None:
    cur = CscMeasurement(crank_revs=7, crank_event_1024=300, wheel_revs=9, wheel_event_1024=300)
    assert cadence_rpm(cur, cur) is None
    assert wheel_speed_mps(cur, cur) is None
    odd = CscMeasurement(crank_revs=8, crank_event_1024=300, wheel_revs=10, wheel_event_1024=300)
    assert cadence_rpm(cur, odd) is None and wheel_speed_mps(cur, odd) is None  # counts moved, time did not
    assert cadence_rpm(CscMeasurement(), cur) is None


def test_coasting_gives_zero_cadence() -> None:
    prev = CscMeasurement(crank_revs=7, crank_event_1024=100)
    cur = CscMeasurement(crank_revs=7, crank_event_1024=1124)
    assert cadence_rpm(prev, cur) == 0.0


def test_wheel_speed_with_rollover() -> None:
    prev = CscMeasurement(wheel_revs=0xFFFFFFFF, wheel_event_1024=0xFF00)
    cur = CscMeasurement(wheel_revs=4, wheel_event_1024=0x0300)  # 5 revs in 1024 ticks = 1 s
    assert wheel_speed_mps(prev, cur, circumference_m=2.0) == pytest.approx(10.0)


def test_csc_reserved_flag_bits_are_values() -> None:
    m = parse_csc_measurement(bytes([
        0x82,  # flags: crank data, and reserved bit 7
        0x01, 0x00,  # 1 revolution
        0x02, 0x00,  # event 2/1024 s
        0xEE,  # a byte of an unknown newer field
    ]))  # fmt: skip
    assert m.crank_revs == 1


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (bytes([0x02, 0x01]), "cut short"),
        (bytes([0x01, 0, 0, 0]), "cut short"),
        (bytes([0x00, 0x00]), "trailing"),
    ],
)
def test_csc_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_csc_measurement(data)


def test_rsc_full_measurement() -> None:
    m = parse_rsc_measurement(bytes([
        0x07,  # flags: stride, distance, running
        0x00, 0x03,  # speed 768/256 = 3.0 m/s
        0xA0,  # cadence 160 steps/min
        0x78, 0x00,  # stride 120 * 0.01 = 1.2 m
        0xE8, 0x03, 0x00, 0x00,  # distance 1000 * 0.1 = 100 m
    ]))  # fmt: skip
    assert m.speed_mps == 3.0 and m.cadence_spm == 160 and m.running
    assert m.stride_m == pytest.approx(1.2) and m.distance_m == pytest.approx(100.0)


def test_rsc_walking_minimal() -> None:
    m = parse_rsc_measurement(bytes([
        0x00,  # flags: walking, nothing optional
        0x80, 0x01,  # speed 384/256 = 1.5 m/s
        0x6E,  # cadence 110 steps/min
    ]))  # fmt: skip
    assert m == RscMeasurement(speed_mps=1.5, cadence_spm=110, running=False)


def test_rsc_distance_without_stride() -> None:
    m = parse_rsc_measurement(bytes([
        0x02,  # flags: total distance only
        0x00, 0x02,  # speed 2.0 m/s
        0x96,  # cadence 150
        0x0A, 0x00, 0x00, 0x00,  # distance 10 * 0.1 = 1.0 m
    ]))  # fmt: skip
    assert m.stride_m is None and m.distance_m == pytest.approx(1.0)


@pytest.mark.parametrize("data", [b"", bytes([0x00, 0x00, 0x01]), bytes([0x01, 0, 1, 90, 5]), bytes([0x00, 0, 1, 90, 0])])
def test_rsc_malformed(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_rsc_measurement(data)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    for parse in (parse_csc_measurement, parse_rsc_measurement):
        try:
            parse(data)
        except ParseError:
            pass


@given(st.binary(max_size=300), st.binary(max_size=300))
def test_cadence_and_speed_never_crash_on_any_pair(a: bytes, b: bytes) -> None:
    try:
        prev, cur = parse_csc_measurement(a), parse_csc_measurement(b)
    except ParseError:
        return
    for value in (cadence_rpm(prev, cur), wheel_speed_mps(prev, cur)):
        assert value is None or value >= 0
