import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.errors import ParseError
from sensors.ble.polar_pmd import (
    OP_GET_SETTINGS,
    OP_START,
    OP_STOP,
    SETTING_CHANNELS,
    SETTING_RANGE,
    SETTING_RESOLUTION,
    SETTING_SAMPLE_RATE,
    TYPE_ACC,
    TYPE_GYRO,
    PmdRequest,
    PmdSettings,
    PmdStatus,
    build_get_settings,
    build_start,
    build_stop,
    decode_delta_frame,
    parse_acc_frame,
    parse_control_point_response,
    parse_features,
    parse_request,
    parse_settings,
)


def test_get_settings_and_stop_requests() -> None:
    assert build_get_settings(TYPE_ACC) == bytes(
        [
            0x01,  # op 1: get measurement settings
            0x02,  # type 2: ACC
        ]
    )
    assert build_stop(TYPE_ACC) == bytes(
        [
            0x03,  # op 3: stop measurement
            0x02,  # type 2: ACC
        ]
    )


def test_start_request_bytes() -> None:
    req = build_start(TYPE_ACC, sample_rate_hz=200, resolution_bits=16, range_g=8)
    assert req == bytes([
        0x02, 0x02,  # op 2 start, type 2 ACC
        0x00, 0x01, 0xC8, 0x00,  # sample rate: one value, uint16 200 Hz
        0x01, 0x01, 0x10, 0x00,  # resolution: one value, uint16 16 bit
        0x02, 0x01, 0x08, 0x00,  # range: one value, uint16 8 g
    ])  # fmt: skip


def test_start_with_channels_uses_one_byte() -> None:
    req = build_start(TYPE_GYRO, sample_rate_hz=52, channels=3)
    assert req == bytes([
        0x02, 0x05,  # op 2 start, type 5 gyro
        0x00, 0x01, 0x34, 0x00,  # sample rate 52 Hz (uint16)
        0x04, 0x01, 0x03,  # channels: one value, uint8 3
    ])  # fmt: skip


@pytest.mark.parametrize(
    "req",
    [
        build_get_settings(TYPE_ACC),
        build_stop(TYPE_GYRO),
        build_start(TYPE_ACC),
        build_start(TYPE_ACC, sample_rate_hz=25, resolution_bits=16, range_g=2, channels=3),
    ],
)
def test_requests_round_trip(req: bytes) -> None:
    parsed = parse_request(req)
    again = {
        OP_GET_SETTINGS: lambda r: build_get_settings(r.measurement),
        OP_STOP: lambda r: build_stop(r.measurement),
        OP_START: lambda r: build_start(
            r.measurement,
            **{
                {
                    SETTING_SAMPLE_RATE: "sample_rate_hz",
                    SETTING_RESOLUTION: "resolution_bits",
                    SETTING_RANGE: "range_g",
                    SETTING_CHANNELS: "channels",
                }[s]: v
                for s, v in r.settings
            },
        ),
    }[parsed.op](parsed)
    assert again == req


@given(
    st.sampled_from([0, 1, 2, 3, 5, 6]),
    st.none() | st.integers(0, 0xFFFF),
    st.none() | st.integers(0, 0xFFFF),
    st.none() | st.integers(0, 0xFFFF),
    st.none() | st.integers(0, 0xFF),
)
def test_start_round_trip_property(measurement: int, rate: int | None, res: int | None, rng: int | None, ch: int | None) -> None:
    req = build_start(measurement, sample_rate_hz=rate, resolution_bits=res, range_g=rng, channels=ch)
    expected = tuple((s, v) for s, v in ((0, rate), (1, res), (2, rng), (4, ch)) if v is not None)
    assert parse_request(req) == PmdRequest(OP_START, measurement, expected)


def test_builders_refuse_values_that_do_not_fit() -> None:
    with pytest.raises(ValueError):
        build_start(TYPE_ACC, channels=256)
    with pytest.raises(ValueError):
        build_start(TYPE_ACC, sample_rate_hz=70000)
    with pytest.raises(ValueError):
        build_stop(300)


def test_settings_response() -> None:
    r = parse_control_point_response(bytes([
        0xF0,  # response code
        0x01,  # to op 1, get settings
        0x02,  # type ACC
        0x00,  # status success
        0x00,  # more: no
        0x00, 0x04, 0x19, 0x00, 0x32, 0x00, 0x64, 0x00, 0xC8, 0x00,  # sample rates: 4 x uint16 25, 50, 100, 200 Hz
        0x01, 0x01, 0x10, 0x00,  # resolution: 1 x uint16 16 bit
        0x02, 0x03, 0x02, 0x00, 0x04, 0x00, 0x08, 0x00,  # ranges: 3 x uint16 2, 4, 8 g
    ]))  # fmt: skip
    assert r.ok and r.error is None and r.op == OP_GET_SETTINGS and r.measurement == TYPE_ACC and not r.more
    assert r.settings() == PmdSettings(sample_rates_hz=(25, 50, 100, 200), resolutions_bits=(16,), ranges=(2, 4, 8))


def test_start_response_with_factor_and_channels() -> None:
    r = parse_control_point_response(bytes([
        0xF0, 0x02, 0x02, 0x00,  # response to start, ACC, success
        0x00,  # more: no
        0x05, 0x01,  # factor: one value
    ]) + struct.pack("<f", 0.5) + bytes([  # float32 0.5
        0x04, 0x01, 0x03,  # channels: one uint8 value, 3
    ]))  # fmt: skip
    s = r.settings()
    assert s.factor == 0.5 and s.channels == (3,)


def test_error_responses_carry_the_status() -> None:
    r = parse_control_point_response(bytes([
        0xF0,  # response code
        0x02,  # to op 2, start
        0x02,  # ACC
        0x08,  # status 8: invalid sample rate
        0x01, 0xAA,  # "more" and params of a failed request are ignored, as in Polar's SDK
    ]))  # fmt: skip
    assert not r.ok and r.status == PmdStatus.INVALID_SAMPLE_RATE and r.error == "INVALID_SAMPLE_RATE"
    assert not r.more and r.params == b""
    stop = parse_control_point_response(bytes([0xF0, 0x03, 0x02, 0x06]))  # stop ACC: already in state
    assert stop.op == OP_STOP and stop.error == "ALREADY_IN_STATE"
    odd = parse_control_point_response(bytes([0xF0, 0x02, 0x02, 0x63]))  # status 99: not documented
    assert odd.error == "UNKNOWN_STATUS_99"


def test_settings_split_over_more_responses() -> None:
    # fmt: off
    first = parse_control_point_response(bytes([0xF0, 0x01, 0x02, 0x00, 0x01,  # success, more follows
                                                0x00, 0x02, 0x19, 0x00, 0x32, 0x00]))  # rates 25, 50
    second = parse_control_point_response(bytes([0xF0, 0x01, 0x02, 0x00, 0x00,  # success, last
                                                 0x02, 0x01, 0x08, 0x00]))  # range 8
    # fmt: on
    assert first.more and not second.more
    assert parse_settings(first.params + second.params) == PmdSettings(sample_rates_hz=(25, 50), ranges=(8,))


@pytest.mark.parametrize(
    ("params", "reason"),
    [
        (bytes([0x00]), "count"),
        (bytes([0x00, 0x02, 0x19, 0x00]), "past the end"),
        (bytes([0x07, 0x01, 0x00]), "unknown setting"),
    ],
)
def test_malformed_settings(params: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_settings(params)


def test_features() -> None:
    f = parse_features(
        bytes(
            [
                0x0F,  # feature read code
                0x25,  # 0b0010_0101: ECG (bit0), ACC (bit2), gyro (bit5)
                0x00,  # second bitmap byte (SDK mode, location ...): not decoded
            ]
        )
    )
    assert (f.ecg, f.ppg, f.acc, f.ppi, f.gyro, f.magnetometer) == (True, False, True, False, True, False)
    with pytest.raises(ParseError):
        parse_features(bytes([0xF0, 0x04]))


def test_raw_int16_frame_and_timestamps() -> None:
    frame = (
        bytes(
            [
                0x02,  # type ACC
            ]
        )
        + struct.pack("<Q", 1_000_000_000)
        + bytes(
            [  # sensor time of the last sample: 1 s
                0x01,  # raw frame type 1: int16 per axis, mG
            ]
        )
        + struct.pack("<6h", 10, -20, 1000, 11, -21, 1001)  # two samples x, y, z
    )
    f = parse_acc_frame(frame)
    assert not f.compressed and f.frame_type == 1 and f.acc_mg.tolist() == [[10, -20, 1000], [11, -21, 1001]]
    assert f.times_ns(200.0).tolist() == [995_000_000, 1_000_000_000]
    batch = f.to_batch(200.0, t_host_ns=5_000_000_000, source="H10")
    assert batch.acc_g[0, 2] == pytest.approx(1.0) and batch.t_first_ns == 4_995_000_000
    assert batch.t_device_ns == 995_000_000 and batch.rate_hz == 200.0 and batch.n_values == 2
    with pytest.raises(ValueError):
        f.acc_mg[0, 0] = 1  # read-only


def test_raw_int8_and_int24_frames() -> None:
    f8 = parse_acc_frame(bytes([0x02]) + bytes(8) + bytes([
        0x00,  # raw frame type 0: int8 per axis
        0x01, 0xFF, 0x7F,  # x 1, y -1, z 127 mG
    ]))  # fmt: skip
    assert f8.acc_mg.tolist() == [[1, -1, 127]]
    f24 = parse_acc_frame(bytes([0x02]) + bytes(8) + bytes([
        0x02,  # raw frame type 2: int24 per axis
        0xE8, 0x03, 0x00,  # x 1000 mG
        0x18, 0xFC, 0xFF,  # y -1000 mG
        0x00, 0x00, 0x80,  # z -8388608 mG (int24 minimum)
    ]))  # fmt: skip
    assert f24.acc_mg.tolist() == [[1000, -1000, -8388608]]


def test_offline_recording_bit_in_type_byte_is_masked() -> None:
    f = parse_acc_frame(bytes([0x82]) + bytes(8) + bytes([0x00, 0x01, 0x02, 0x03]))  # 0x82 = ACC | offline bit
    assert f.acc_mg.tolist() == [[1, 2, 3]]


def pack_deltas(deltas: list[list[int]], width: int) -> bytes:
    """Bit-pack deltas LSB first, channel after channel, sample after sample."""
    bits, shift = 0, 0
    for sample in deltas:
        for d in sample:
            bits |= (d & ((1 << width) - 1)) << shift
            shift += width
    return bits.to_bytes((shift + 7) // 8, "little")


def test_delta_compressed_frame_built_by_hand() -> None:
    # Reference (100, -200, 980) mG, then one block of width 4 with three samples of deltas
    # (1, -1, 0), (2, 0, -3), (-4, 3, 1). 9 deltas x 4 bits = 36 bits = 5 bytes, LSB first:
    #   byte 0 = x1 | y1<<4 = 0x1 | 0xF<<4 = 0xF1      byte 1 = z1 | x2<<4 = 0x0 | 0x2<<4 = 0x20
    #   byte 2 = y2 | z2<<4 = 0x0 | 0xD<<4 = 0xD0      byte 3 = x3 | y3<<4 = 0xC | 0x3<<4 = 0x3C
    #   byte 4 = z3 = 0x1
    frame = bytes([
        0x02,  # type ACC
        0x07, 0, 0, 0, 0, 0, 0, 0,  # sensor time 7 ns
        0x81,  # compressed (bit7) frame type 1: 16-bit samples x factor, mG
        0x64, 0x00,  # reference x = 100
        0x38, 0xFF,  # reference y = -200
        0xD4, 0x03,  # reference z = 980
        0x04,  # block: delta bit width 4
        0x03,  # block: 3 samples
        0xF1, 0x20, 0xD0, 0x3C, 0x01,  # the packed deltas above
    ])  # fmt: skip
    assert frame[18:] == pack_deltas([[1, -1, 0], [2, 0, -3], [-4, 3, 1]], 4)  # the hand packing is the helper's
    f = parse_acc_frame(frame)
    assert f.compressed and f.frame_type == 1 and f.t_last_ns == 7
    assert f.acc_mg.tolist() == [[100, -200, 980], [101, -201, 980], [103, -201, 977], [99, -198, 978]]


def test_delta_frame_with_two_blocks_and_factor() -> None:
    ref = [1, 2, 3]
    block1 = [[1, 1, 1]] * 2
    block2 = [[-100, 50, 0]]
    payload = struct.pack("<3h", *ref) + bytes([2, 2]) + pack_deltas(block1, 2) + bytes([8, 1]) + pack_deltas(block2, 8)
    expected = np.cumsum(np.array([ref] + block1 + block2), axis=0)
    np.testing.assert_array_equal(decode_delta_frame(payload, 3, 16), expected)
    # Compressed type 0 is in units of ``factor`` g (Polar's "Wolfi" type): mG = raw * factor * 1000.
    f0 = parse_acc_frame(bytes([0x02]) + bytes(8) + bytes([0x80]) + payload, factor=0.001)
    np.testing.assert_allclose(f0.acc_mg, expected)
    f1 = parse_acc_frame(bytes([0x02]) + bytes(8) + bytes([0x81]) + payload, factor=2.0)
    np.testing.assert_allclose(f1.acc_mg, expected * 2.0)


def test_wide_deltas_sign_extend() -> None:
    deltas = [[-32768, 32767, -1]]
    payload = struct.pack("<3h", 0, 0, 0) + bytes([17, 1]) + pack_deltas(deltas, 17)
    assert decode_delta_frame(payload, 3, 16) == [[0, 0, 0], [-32768, 32767, -1]]


@pytest.mark.parametrize(("data", "reason"), [
    (b"\x02" * 5, "10-byte header"),
    (bytes([0x00]) + bytes(9), "not ACC"),  # ECG
    (bytes([0x02]) + bytes(8) + bytes([0x01, 0x01, 0x02, 0x03]), "whole"),  # 3 bytes: not whole int16 samples
    (bytes([0x02]) + bytes(8) + bytes([0x01]), "whole"),  # no samples
    (bytes([0x02]) + bytes(8) + bytes([0x81]) + struct.pack("<3h", 0, 0, 0) + bytes([8, 5, 1]), "runs past"),
    (bytes([0x02]) + bytes(8) + bytes([0x81]) + struct.pack("<3h", 0, 0, 0) + bytes([8]), "header cut short"),
    (bytes([0x02]) + bytes(8) + bytes([0x81]) + struct.pack("<3h", 0, 0, 0) + bytes([0, 1]), "width 0"),
    (bytes([0x02]) + bytes(8) + bytes([0x81, 0x00]), "reference sample"),
    (bytes([0x02]) + bytes(8) + bytes([0x82]) + bytes(6), "not documented"),  # compressed type 2
    (bytes([0x02]) + bytes(8) + bytes([0x07]), "unknown raw"),
])  # fmt: skip
def test_malformed_frames(data: bytes, reason: str) -> None:
    with pytest.raises(ParseError, match=reason):
        parse_acc_frame(data)


@pytest.mark.parametrize("data", [b"", bytes([0xF0, 0x01, 0x02]), bytes([0x01, 0x01, 0x02, 0x00])])
def test_malformed_responses(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_control_point_response(data)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    for parse in (parse_acc_frame, parse_control_point_response, parse_settings, parse_features, parse_request):
        try:
            result = parse(data)
            if hasattr(result, "settings") and callable(result.settings):
                result.settings()
        except ParseError:
            pass


@given(st.binary(min_size=1, max_size=200))
def test_frames_with_acc_header_never_crash(payload: bytes) -> None:
    for ftype in (0x00, 0x01, 0x02, 0x80, 0x81, 0x82):
        try:
            f = parse_acc_frame(bytes([0x02]) + bytes(8) + bytes([ftype]) + payload)
        except ParseError:
            continue
        assert f.acc_mg.shape[1] == 3 and f.times_ns(52.0).shape == (f.n_samples,)


@given(
    st.lists(
        st.tuples(
            st.integers(1, 16),
            st.lists(st.lists(st.integers(-(1 << 15), (1 << 15) - 1), min_size=3, max_size=3), min_size=0, max_size=20),
        ),
        max_size=4,
    ),
    st.lists(st.integers(-(1 << 15), (1 << 15) - 1), min_size=3, max_size=3),
)
def test_delta_encoding_round_trip(blocks: list[tuple[int, list[list[int]]]], ref: list[int]) -> None:
    payload = struct.pack("<3h", *ref)
    all_deltas: list[list[int]] = []
    for width, deltas in blocks:
        clipped = [[max(-(1 << (width - 1)), min((1 << (width - 1)) - 1, d)) for d in s] for s in deltas]
        payload += bytes([width, len(clipped)]) + pack_deltas(clipped, width)
        all_deltas += clipped
    expected = np.cumsum(np.array([ref] + all_deltas, dtype=np.int64), axis=0)
    np.testing.assert_array_equal(np.array(decode_delta_frame(payload, 3, 16)), expected)
