import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.errors import ParseError
from sensors.ble.ftms import IndoorBikeData, TreadmillData, parse_indoor_bike_data, parse_treadmill_data, present_fields


def test_treadmill_speed_distance_incline_hr() -> None:
    d = parse_treadmill_data(bytes([
        0x0C, 0x01,  # flags 0x010C: bit0=0 (speed present), bit2 distance, bit3 incline+ramp, bit8 HR
        0xE8, 0x03,  # speed 1000 * 0.01 = 10.00 km/h
        0x10, 0x27, 0x00,  # distance uint24 10000 m
        0x0F, 0x00,  # incline 15 * 0.1 = 1.5 %
        0xF6, 0xFF,  # ramp angle -10 * 0.1 = -1.0 deg
        0x8C,  # heart rate 140 bpm
    ]))  # fmt: skip
    assert isinstance(d, TreadmillData) and d.flags == 0x010C
    assert present_fields(d) == pytest.approx(
        {"speed_kmh": 10.0, "distance_m": 10000, "incline_pct": 1.5, "ramp_angle_deg": -1.0, "heart_rate_bpm": 140}
    )
    assert d.speed_mps == pytest.approx(10 / 3.6)


def test_treadmill_every_field_in_spec_order() -> None:
    d = parse_treadmill_data(bytes([
        0xFE, 0x1F,  # flags 0x1FFE: bit0=0 (speed present) and bits 1-12 all set
        0x2C, 0x01,  # speed 300 * 0.01 = 3.00 km/h
        0xC8, 0x00,  # average speed 2.00 km/h
        0x01, 0x00, 0x01,  # distance 0x010001 = 65537 m
        0x05, 0x00,  # incline 0.5 %
        0x03, 0x00,  # ramp angle 0.3 deg
        0x64, 0x00,  # elevation gain 100 * 0.1 = 10.0 m
        0x32, 0x00,  # elevation loss 5.0 m
        0x05,  # instantaneous pace 0.5 km/min (FTMS 1.0 uint8)
        0x04,  # average pace 0.4 km/min
        0x96, 0x00,  # total energy 150 kcal
        0xFF, 0xFF,  # energy per hour: 0xFFFF = not available
        0xFF,  # energy per minute: 0xFF = not available
        0x78,  # heart rate 120 bpm
        0x2D,  # MET 45 * 0.1 = 4.5
        0x58, 0x02,  # elapsed 600 s
        0x2C, 0x01,  # remaining 300 s
        0x9C, 0xFF,  # force on belt -100 N
        0xFA, 0x00,  # power 250 W
    ]))  # fmt: skip
    assert present_fields(d) == pytest.approx(
        {
            "speed_kmh": 3.0,
            "avg_speed_kmh": 2.0,
            "distance_m": 65537,
            "incline_pct": 0.5,
            "ramp_angle_deg": 0.3,
            "elevation_gain_m": 10.0,
            "elevation_loss_m": 5.0,
            "pace_km_per_min": 0.5,
            "avg_pace_km_per_min": 0.4,
            "energy_total_kcal": 150,
            "heart_rate_bpm": 120,
            "met": 4.5,
            "elapsed_s": 600,
            "remaining_s": 300,
            "belt_force_n": -100,
            "power_w": 250,
        }
    )
    assert d.energy_per_hour_kcal is None and d.energy_per_min_kcal is None


def test_treadmill_uint16_pace_layout() -> None:
    d = parse_treadmill_data(bytes([
        0x21, 0x00,  # flags 0x0021: bit0=1 (no speed), bit5 instantaneous pace
        0x96, 0x00,  # pace uint16 150 s per 500 m (GATT Specification Supplement layout)
    ]), pace_uint16=True)  # fmt: skip
    assert d.pace_s_per_500m == 150 and d.pace_km_per_min is None and d.speed_kmh is None


def test_more_data_bit_means_no_speed() -> None:
    d = parse_treadmill_data(bytes([
        0x01, 0x04,  # flags 0x0401: bit0=1 (speed absent: "more data"), bit10 elapsed time
        0x3C, 0x00,  # elapsed 60 s
    ]))  # fmt: skip
    assert present_fields(d) == {"elapsed_s": 60} and d.speed_kmh is None


def test_bike_cadence_power_energy() -> None:
    d = parse_indoor_bike_data(bytes([
        0x44, 0x01,  # flags 0x0144: speed (bit0=0), cadence (bit2), power (bit6), energy (bit8)
        0x64, 0x0A,  # speed 2660 * 0.01 = 26.6 km/h
        0xB4, 0x00,  # cadence 180 * 0.5 = 90 rpm
        0xC8, 0x00,  # power 200 W
        0x32, 0x00,  # total energy 50 kcal
        0x58, 0x02,  # 600 kcal/h
        0x0A,  # 10 kcal/min
    ]))  # fmt: skip
    assert isinstance(d, IndoorBikeData)
    assert present_fields(d) == pytest.approx(
        {
            "speed_kmh": 26.6,
            "cadence_rpm": 90.0,
            "power_w": 200,
            "energy_total_kcal": 50,
            "energy_per_hour_kcal": 600,
            "energy_per_min_kcal": 10,
        }
    )


def test_bike_every_field_in_spec_order() -> None:
    d = parse_indoor_bike_data(bytes([
        0xFE, 0x1F,  # flags 0x1FFE: speed present (bit0=0), bits 1-12 set
        0xE8, 0x03,  # speed 10.00 km/h
        0xD0, 0x07,  # average speed 20.00 km/h
        0xA0, 0x00,  # cadence 160 * 0.5 = 80 rpm
        0x9B, 0x00,  # average cadence 155 * 0.5 = 77.5 rpm
        0x40, 0x42, 0x0F,  # distance 0x0F4240 = 1 000 000 m
        0xFB, 0xFF,  # resistance level -5 (raw sint16)
        0x2C, 0x01,  # power 300 W
        0xF4, 0x01,  # average power 500 W
        0x0A, 0x00,  # total energy 10 kcal
        0x64, 0x00,  # 100 kcal/h
        0x02,  # 2 kcal/min
        0x96,  # heart rate 150 bpm
        0x0A,  # MET 1.0
        0x10, 0x0E,  # elapsed 3600 s
        0x00, 0x00,  # remaining 0 s
    ]))  # fmt: skip
    assert present_fields(d) == pytest.approx(
        {
            "speed_kmh": 10.0,
            "avg_speed_kmh": 20.0,
            "cadence_rpm": 80.0,
            "avg_cadence_rpm": 77.5,
            "distance_m": 1_000_000,
            "resistance_level": -5,
            "power_w": 300,
            "avg_power_w": 500,
            "energy_total_kcal": 10,
            "energy_per_hour_kcal": 100,
            "energy_per_min_kcal": 2,
            "heart_rate_bpm": 150,
            "met": 1.0,
            "elapsed_s": 3600,
            "remaining_s": 0,
        }
    )


def test_reserved_bits_tolerate_appended_fields() -> None:
    d = parse_indoor_bike_data(bytes([
        0x01, 0x20,  # flags 0x2001: no speed, reserved bit 13
        0x00, 0x01,  # two bytes of a field this version does not know
    ]))  # fmt: skip
    assert present_fields(d) == {} and d.flags == 0x2001


@pytest.mark.parametrize(("data", "reason"), [
    (b"", "too short"),
    (b"\x00", "too short"),
    (bytes([0x00, 0x00, 0xE8]), "data ends"),  # speed announced (bit0 = 0), one byte of it
    (bytes([0x01, 0x00, 0xFF]), "left over"),  # nothing announced, one byte sent
    (bytes([0x11, 0x00, 0x10, 0x27]), "data ends"),  # bit4 (treadmill elevation, 4 bytes; bike distance, 3): 2 sent
])  # fmt: skip
def test_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_treadmill_data(data)
    with pytest.raises(ParseError, match=reason):
        parse_indoor_bike_data(data)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    for parse in (parse_treadmill_data, parse_indoor_bike_data, lambda b: parse_treadmill_data(b, pace_uint16=True)):
        try:
            parse(data)
        except ParseError:
            pass
