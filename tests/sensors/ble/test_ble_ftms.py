import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.errors import ParseError
from sensors.ble.ftms import parse_indoor_bike_data, parse_treadmill_data


def test_treadmill_speed_distance_incline_hr() -> None:
    d = parse_treadmill_data(bytes([
        0x0C, 0x01,  # flags 0x010C: bit0=0 (speed present), bit2 distance, bit3 incline, bit8 HR
        0xE8, 0x03,  # speed 1000 * 0.01 = 10.00 km/h
        0x10, 0x27, 0x00,  # distance uint24 10000 m
        0x0F, 0x00,  # incline 15 * 0.1 = 1.5 %
        0xF6, 0xFF,  # ramp angle -10 * 0.1 = -1.0 deg
        0x8C,  # heart rate 140 bpm
    ]))
    assert d.machine == "treadmill"
    assert d.values == pytest.approx({"speed_kmh": 10.0, "distance_m": 10000, "incline_pct": 1.5,
                                      "ramp_angle_deg": -1.0, "heart_rate_bpm": 140})


def test_more_data_bit_means_no_speed() -> None:
    d = parse_treadmill_data(bytes([0x01, 0x04, 0x3C, 0x00]))  # bit0 set: no speed; bit10 elapsed 60 s
    assert dict(d.values) == {"elapsed_s": 60}


def test_bike_cadence_power_energy() -> None:
    d = parse_indoor_bike_data(bytes([
        0x44, 0x01,  # flags 0x0144: speed (bit0=0), cadence (bit2), power (bit6), energy (bit8)
        0x64, 0x0A,  # speed 2660 * 0.01 = 26.6 km/h
        0xB4, 0x00,  # cadence 180 * 0.5 = 90 rpm
        0xC8, 0x00,  # power 200 W
        0x32, 0x00,  # total energy 50 kcal
        0x58, 0x02,  # 600 kcal/h
        0x0A,  # 10 kcal/min
    ]))
    assert d.values == pytest.approx({"speed_kmh": 26.6, "cadence_rpm": 90.0, "power_w": 200,
                                      "energy_total_kcal": 50, "energy_per_hour_kcal": 600, "energy_per_min_kcal": 10})


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x00", "too short"),
    (bytes([0x00, 0x00, 0xE8]), "data ends"),
    (bytes([0x01, 0x00, 0xFF]), "left over"),
    (bytes([0x00, 0x80, 0xE8, 0x03]), "reserved"),
])
def test_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_treadmill_data(data)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    for parse in (parse_treadmill_data, parse_indoor_bike_data):
        try:
            parse(data)
        except ParseError:
            pass
