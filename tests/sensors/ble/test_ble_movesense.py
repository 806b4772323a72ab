import struct
from collections.abc import Callable

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.errors import ParseError
from sensors.ble.movesense import (
    CMD_HELLO,
    CMD_SUBSCRIBE,
    CMD_UNSUBSCRIBE,
    CommandResult,
    DataContinuation,
    DataNotification,
    GspCommand,
    build_hello,
    build_subscribe,
    build_unsubscribe,
    join_parts,
    meas_path,
    parse_command,
    parse_imu_payload,
    parse_reply,
)


def test_command_bytes() -> None:
    assert build_hello(0xFF) == bytes(
        [
            0x00,  # HELLO
            0xFF,  # client reference 255
        ]
    )
    assert (
        build_subscribe(99, "/Meas/IMU6/104")
        == bytes(
            [
                0x01,  # SUBSCRIBE
                0x63,  # client reference 99
            ]
        )
        + b"/Meas/IMU6/104"  # resource path, ASCII, no terminator
    )
    assert build_unsubscribe(99) == bytes(
        [
            0x02,  # UNSUBSCRIBE
            0x63,  # reference given at SUBSCRIBE
        ]
    )
    assert meas_path("Acc", 104) == "/Meas/Acc/104"


@pytest.mark.parametrize(
    "cmd", [build_hello(1), build_subscribe(7, "/Meas/Acc/104"), build_subscribe(200, "Meas/IMU9/52"), build_unsubscribe(7)]
)
def test_commands_round_trip(cmd: bytes) -> None:
    c = parse_command(cmd)
    rebuilt = {
        CMD_HELLO: lambda: build_hello(c.reference),
        CMD_UNSUBSCRIBE: lambda: build_unsubscribe(c.reference),
        CMD_SUBSCRIBE: lambda: build_subscribe(c.reference, c.path or ""),
    }[c.command]()
    assert rebuilt == cmd


@given(st.integers(1, 255), st.text(alphabet=st.characters(min_codepoint=0x20, max_codepoint=0x7E), min_size=1, max_size=156))
def test_subscribe_round_trip_property(ref: int, path: str) -> None:
    assert parse_command(build_subscribe(ref, path)) == GspCommand(CMD_SUBSCRIBE, ref, path)


@pytest.mark.parametrize(("call", "arg"), [(build_hello, 0), (build_unsubscribe, 256)])
def test_builders_refuse_bad_references(call: Callable[[int], bytes], arg: int) -> None:
    with pytest.raises(ValueError):
        call(arg)


@pytest.mark.parametrize("path", ["", "/Meas/Acc/ä", "/Meas\x00/Acc", "/x" * 100])
def test_builders_refuse_bad_paths(path: str) -> None:
    with pytest.raises(ValueError):
        build_subscribe(1, path)


def test_hello_reply() -> None:
    r = parse_reply(
        bytes(
            [
                0x01,  # command result
                0xFF,  # reference of the HELLO
            ]
        )
        + b"Hello"  # the sample firmware's greeting
    )
    assert r == CommandResult(0xFF, b"Hello") and isinstance(r, CommandResult) and r.hello and r.status is None


def test_error_reply_is_big_endian_507() -> None:
    r = parse_reply(bytes([
        0x01,  # command result
        0x63,  # reference 99
        0x01, 0xFB,  # 507 "insufficient storage" (no free subscription slot), big-endian as the sample writes it
    ]))  # fmt: skip
    assert isinstance(r, CommandResult) and r.status == 507 and not r.hello


def acc_payload(ts_ms: int, vectors: list[list[float]]) -> bytes:
    return struct.pack("<I", ts_ms) + b"".join(struct.pack("<3f", *v) for v in vectors)


def test_acc_data_notification() -> None:
    # fmt: off
    data = bytes([
        0x02,  # data notification
        0x05,  # reference 5
        0x10, 0x27, 0x00, 0x00,  # timestamp 10000 ms (first sample)
    ]) + struct.pack("<3f", 0.0, 0.0, 9.80665) + struct.pack("<3f", 1.0, -2.0, 9.5)  # two samples x, y, z in m/s^2
    # fmt: on
    r = parse_reply(data)
    assert isinstance(r, DataNotification) and r.reference == 5
    d = parse_imu_payload(r.payload, "Acc")
    assert d.timestamp_ms == 10000 and d.n_samples == 2 and d.gyr_dps is None and d.magn_ut is None
    assert d.acc_mps2 is not None
    np.testing.assert_allclose(d.acc_mps2, [[0, 0, 9.80665], [1, -2, 9.5]], rtol=1e-6)
    batch = d.to_batch(104.0, t_host_ns=2_000_000_000, source="MS-1")
    assert batch.acc_g[0, 2] == pytest.approx(1.0) and batch.t_device_ns == 10_000_000_000
    assert batch.t_first_ns == 2_000_000_000 - round(1e9 / 104)


def test_imu6_groups_acc_then_gyro() -> None:
    acc = [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    gyr = [[10.0, 20.0, 30.0], [40.0, 50.0, 60.0]]
    payload = acc_payload(77, acc + gyr)  # uint32 time, N acc vectors, then N gyro vectors
    d = parse_imu_payload(payload, "IMU6")
    assert d.acc_mps2 is not None and d.gyr_dps is not None and d.magn_ut is None
    np.testing.assert_array_equal(d.acc_mps2, acc)
    np.testing.assert_array_equal(d.gyr_dps, gyr)
    batch = d.to_batch(52.0, t_host_ns=0, source="MS-2", placement="waist")
    assert batch.gyr_dps is not None and batch.gyr_dps.tolist() == gyr and batch.placement == "waist"


def test_imu9_and_gyro_only() -> None:
    vecs = [[float(i), float(i + 1), float(i + 2)] for i in range(0, 9, 3)]  # one sample: acc, gyro, magn
    d = parse_imu_payload(acc_payload(1, vecs), "IMU9")
    assert d.magn_ut is not None and d.magn_ut.tolist() == [vecs[2]]
    g = parse_imu_payload(acc_payload(1, vecs[:1]), "Gyro")
    assert g.acc_mps2 is None and g.gyr_dps is not None
    with pytest.raises(ValueError):
        g.to_batch(52.0, 0, "x")


def test_two_part_message_is_joined() -> None:
    whole = acc_payload(5, [[0.5, 0.5, 0.5]] * 8)
    first = parse_reply(bytes([0x02, 0x63]) + whole[:100])  # type 2: first part
    rest = parse_reply(bytes([0x03, 0x63]) + whole[100:])  # type 3: the rest, same reference
    assert isinstance(first, DataNotification) and isinstance(rest, DataContinuation)
    assert join_parts(first, rest).payload == whole
    with pytest.raises(ParseError, match="reference"):
        join_parts(first, DataContinuation(7, b""))


@pytest.mark.parametrize(("payload", "resource"), [
    (b"", "Acc"),
    (struct.pack("<I", 1), "Acc"),  # a timestamp and no sample
    (struct.pack("<I", 1) + bytes(12), "IMU6"),  # half an IMU6 sample
    (struct.pack("<I", 1) + bytes(13), "Acc"),
])  # fmt: skip
def test_malformed_payloads(payload: bytes, resource: str) -> None:
    with pytest.raises(ParseError):
        parse_imu_payload(payload, resource)


@pytest.mark.parametrize("data", [b"", b"\x01", bytes([0x09, 0x01])])
def test_malformed_replies(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_reply(data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x00",
        bytes([0x00, 0x00]),
        bytes([0x01, 0x05]),
        bytes([0x02, 0x05, 0x41]),
        bytes([0x07, 0x05]),
        bytes([0x01, 0x05, 0xC3]),
    ],
)
def test_malformed_commands(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_command(data)


@given(st.binary(max_size=300))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    parsers = [parse_reply, parse_command] + [
        lambda b, r=r: parse_imu_payload(b, r) for r in ("Acc", "Gyro", "Magn", "IMU6", "IMU9")
    ]
    for parse in parsers:
        try:
            parse(data)
        except ParseError:
            pass
