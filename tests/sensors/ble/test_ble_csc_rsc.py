import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.csc import CscMeasurement, cadence_rpm, parse_csc_measurement, wheel_speed_mps
from sensors.ble.errors import ParseError
from sensors.ble.rsc import parse_rsc_measurement


def test_csc_crank_only() -> None:
    m = parse_csc_measurement(bytes([
        0x02,  # flags: crank data present
        0x0A, 0x00,  # cumulative crank revolutions 10
        0x00, 0x04,  # last crank event 1024/1024 s
    ]))
    assert m == CscMeasurement(crank_revs=10, crank_event_1024=1024)


def test_csc_wheel_and_crank() -> None:
    m = parse_csc_measurement(bytes([
        0x03,  # flags: wheel and crank data
        0x10, 0x27, 0x00, 0x00,  # 10000 wheel revolutions
        0x00, 0x08,  # last wheel event 2048/1024 s
        0x05, 0x00,  # 5 crank revolutions
        0x00, 0x02,  # last crank event 512/1024 s
    ]))
    assert (m.wheel_revs, m.wheel_event_1024, m.crank_revs, m.crank_event_1024) == (10000, 2048, 5, 512)


def test_cadence_across_rollovers() -> None:
    prev = CscMeasurement(crank_revs=0xFFFF, crank_event_1024=0xFC00)  # 1024 ticks before rollover
    cur = CscMeasurement(crank_revs=0x0001, crank_event_1024=0x0400)  # 2 revolutions, 2 s later
    assert cadence_rpm(prev, cur) == pytest.approx(60.0)
    assert cadence_rpm(cur, cur) is None  # same event time: no new revolution, no division by zero
    assert cadence_rpm(CscMeasurement(), cur) is None


def test_wheel_speed_with_rollover() -> None:
    prev = CscMeasurement(wheel_revs=0xFFFFFFFF, wheel_event_1024=0xFF00)
    cur = CscMeasurement(wheel_revs=4, wheel_event_1024=0x0300)  # 5 revs in 1024 ticks = 1 s
    assert wheel_speed_mps(prev, cur, circumference_m=2.0) == pytest.approx(10.0)


def test_rsc_full_measurement() -> None:
    m = parse_rsc_measurement(bytes([
        0x07,  # flags: stride, distance, running
        0x00, 0x03,  # speed 768/256 = 3.0 m/s
        0xA0,  # cadence 160 steps/min
        0x78, 0x00,  # stride 120 * 0.01 = 1.2 m
        0xE8, 0x03, 0x00, 0x00,  # distance 1000 * 0.1 = 100 m
    ]))
    assert m.speed_mps == 3.0 and m.cadence_spm == 160 and m.running
    assert m.stride_m == pytest.approx(1.2) and m.distance_m == pytest.approx(100.0)


@pytest.mark.parametrize("data", [b"", bytes([0x02, 0x01]), bytes([0x80, 0, 0, 0, 0]), bytes([0x01, 0, 0, 0])])
def test_csc_malformed(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_csc_measurement(data)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    for parse in (parse_csc_measurement, parse_rsc_measurement):
        try:
            parse(data)
        except ParseError:
            pass
