"""sensors.recorded: the one order of a frame's items, and playing recorded streams back."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.bus import SensorBus
from sensors.recorded import RecordedSource, RecordingExhausted, canonical_order, count_streams, stream_of
from sensors.samples import BusItem, DeviceState, DeviceStatus, HeartRateSample, ImuBatch, PoseFrame


def hr(t: int, bpm: int = 80, source: str = "strap") -> HeartRateSample:
    return HeartRateSample(t, source, bpm)


def imu(t: int, source: str = "waist") -> ImuBatch:
    return ImuBatch(t, source, 100.0, t - 10, np.zeros((2, 3)))


def pose(t: int) -> PoseFrame:
    return PoseFrame(t, "cam", np.zeros((33, 4)))


def status(t: int, state: DeviceState = DeviceState.DISCONNECTED) -> DeviceStatus:
    return DeviceStatus(t, "strap", "heart_rate", state)


def test_canonical_order_is_time_then_stream_then_source_and_stable() -> None:
    a, b = hr(5, 70), hr(5, 71)  # same key: kept in the order given
    items: list[BusItem] = [status(5), pose(5), a, imu(3, "wrist"), imu(3, "chest"), b]
    ordered = canonical_order(items)
    assert [stream_of(i) for i in ordered] == ["imu", "imu", "hr", "hr", "pose", "status"]
    assert [i.source for i in ordered[:2]] == ["chest", "wrist"]
    assert ordered[2] is a and ordered[3] is b
    assert canonical_order(list(reversed(items)))[2:4] == [b, a]
    assert count_streams(items) == {"status": 1, "pose": 1, "hr": 2, "imu": 2}


def test_take_by_count_gives_each_stream_in_stored_order() -> None:
    # Stored out of time order (a late pose frame): counts take the stored order, not time.
    src = RecordedSource({"hr": [hr(10), hr(20)], "pose": [pose(15), pose(12)], "status": [status(30)]})
    first = src.take({"pose": 1, "hr": 1})
    assert [(stream_of(i), i.t_host_ns) for i in first] == [("hr", 10), ("pose", 15)]
    assert [i.t_host_ns for i in src.take({"pose": 1})] == [12]
    assert src.take({}) == []
    with pytest.raises(RecordingExhausted, match="hr stream ends after 2 items, but a frame asks for 1 more"):
        src.take({"hr": 2})
    with pytest.raises(ValueError, match="unknown stream 'ecg'"):
        src.take({"ecg": 1})


def test_take_until_delivers_by_time_and_deliver_pushes_on_the_bus() -> None:
    src = RecordedSource({"hr": [hr(10), hr(20)], "imu": (x for x in [imu(5), imu(25)])})
    with pytest.raises(RuntimeError, match="start"):
        src.deliver_until(10)
    bus = SensorBus()
    src.start(bus)
    assert src.next_t_ns() == 5
    assert src.deliver_until(10) == 2
    assert [i.t_host_ns for i in bus.drain()] == [5, 10]
    assert src.deliver_until(19) == 0
    assert src.deliver({"imu": 1, "hr": 1}) == 2
    assert [i.t_host_ns for i in bus.drain()] == [20, 25]
    assert src.next_t_ns() is None and src.delivered["imu"] == 2
    src.stop()


def test_unknown_stream_names_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown streams"):
        RecordedSource({"ecg": []})
