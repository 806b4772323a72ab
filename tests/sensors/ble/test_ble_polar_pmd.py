import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.errors import ParseError
from sensors.ble.polar_pmd import (
    OP_START, SETTING_RANGE, SETTING_RESOLUTION, SETTING_SAMPLE_RATE, TYPE_ACC,
    build_request, parse_acc_frame, parse_control_point_response,
)


def test_start_request_bytes() -> None:
    req = build_request(OP_START, TYPE_ACC, {SETTING_SAMPLE_RATE: 200, SETTING_RESOLUTION: 16, SETTING_RANGE: 8})
    assert req == bytes([
        0x02, 0x02,  # start, ACC
        0x00, 0x01, 0xC8, 0x00,  # sample rate: one value, 200 Hz
        0x01, 0x01, 0x10, 0x00,  # resolution: 16 bit
        0x02, 0x01, 0x08, 0x00,  # range: 8 g
    ])


def test_settings_response() -> None:
    r = parse_control_point_response(bytes([
        0xF0, 0x01, 0x02, 0x00, 0x00,  # response to get settings (op 1) for ACC, success, no more
        0x00, 0x04, 0x19, 0x00, 0x32, 0x00, 0x64, 0x00, 0xC8, 0x00,  # rates 25, 50, 100, 200 Hz
        0x01, 0x01, 0x10, 0x00,  # resolution 16
        0x02, 0x03, 0x02, 0x00, 0x04, 0x00, 0x08, 0x00,  # ranges 2, 4, 8 g
    ]))
    assert r.ok and r.op == 1 and r.measurement == TYPE_ACC
    assert r.settings() == {0: (25, 50, 100, 200), 1: (16,), 2: (2, 4, 8)}
    assert not parse_control_point_response(bytes([0xF0, 0x02, 0x02, 0x05, 0x00])).ok  # error status 5


def test_raw_int16_frame_and_timestamps() -> None:
    frame = bytes([0x02]) + struct.pack("<Q", 1_000_000_000) + bytes([0x01]) + struct.pack("<6h", 10, -20, 1000, 11, -21, 1001)
    f = parse_acc_frame(frame)
    assert not f.compressed and f.acc.tolist() == [[10, -20, 1000], [11, -21, 1001]]
    assert f.times_ns(200.0).tolist() == [995_000_000, 1_000_000_000]
    batch = f.to_batch(200.0, t_host_ns=5_000_000_000, source="H10")
    assert batch.acc_g[0, 2] == pytest.approx(1.0) and batch.t_first_ns == 4_995_000_000


def pack_deltas(deltas: list[list[int]], width: int) -> bytes:
    bits, shift = 0, 0
    for sample in deltas:
        for d in sample:
            bits |= (d & ((1 << width) - 1)) << shift
            shift += width
    return bits.to_bytes((shift + 7) // 8, "little")


def test_delta_compressed_frame() -> None:
    ref = [100, -200, 980]
    deltas = [[1, -1, 0], [2, 0, -3], [-4, 3, 1]]
    payload = struct.pack("<3h", *ref) + bytes([4, len(deltas)]) + pack_deltas(deltas, 4)
    f = parse_acc_frame(bytes([0x02]) + struct.pack("<Q", 7) + bytes([0x81]) + payload)
    assert f.compressed
    expected = np.cumsum(np.array([ref] + deltas), axis=0)
    np.testing.assert_array_equal(f.acc, expected)


@pytest.mark.parametrize("data", [
    b"\x02" * 5,
    bytes([0x00]) + bytes(9),  # ECG, not ACC
    bytes([0x02]) + bytes(8) + bytes([0x01, 0x01, 0x02, 0x03]),  # 3 bytes: not whole int16 samples
    bytes([0x02]) + bytes(8) + bytes([0x81]) + struct.pack("<3h", 0, 0, 0) + bytes([8, 5, 1]),  # block too short
    bytes([0x02]) + bytes(8) + bytes([0x07]),  # unknown frame type
])
def test_malformed_frames(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_acc_frame(data)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    for parse in (parse_acc_frame, parse_control_point_response):
        try:
            result = parse(data)
            if hasattr(result, "settings"):
                result.settings()
        except ParseError:
            pass


@given(st.binary(min_size=1, max_size=200))
def test_frames_with_acc_header_never_crash(payload: bytes) -> None:
    for ftype in (0x00, 0x01, 0x02, 0x80, 0x81, 0x82):
        try:
            parse_acc_frame(bytes([0x02]) + bytes(8) + bytes([ftype]) + payload)
        except ParseError:
            pass
