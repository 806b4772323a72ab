import threading

import numpy as np
import pytest

from sensors.bus import SensorBus
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample, ImuBatch, PoseFrame


def hr(t: int) -> HeartRateSample:
    return HeartRateSample(t_host_ns=t, source="strap", bpm=100 + t % 50)


def test_drain_returns_everything_once_in_order() -> None:
    bus = SensorBus()
    for t in range(5):
        bus.push(hr(t))
    assert [s.t_host_ns for s in bus.drain()] == [0, 1, 2, 3, 4]  # type: ignore[union-attr]
    assert bus.drain() == []


def test_status_comes_first_and_is_never_dropped() -> None:
    bus = SensorBus(capacity=3)
    for t in range(10):
        bus.push(hr(t))
    bus.push(DeviceStatus(t_host_ns=99, source="strap", device_kind="heart_rate", state=DeviceState.STALE))
    items = bus.drain()
    assert isinstance(items[0], DeviceStatus)
    assert [s.t_host_ns for s in items[1:]] == [7, 8, 9]
    assert bus.stats().dropped == 7


def test_many_producers_one_consumer_lose_nothing() -> None:
    bus = SensorBus(capacity=1_000_000)
    n_threads, per_thread = 4, 5_000
    got: list[object] = []
    done = threading.Event()

    def produce(k: int) -> None:
        for i in range(per_thread):
            bus.push(HeartRateSample(t_host_ns=i, source=f"s{k}", bpm=60))

    def consume() -> None:
        while not done.is_set():
            got.extend(bus.drain())
        got.extend(bus.drain())

    consumer = threading.Thread(target=consume)
    consumer.start()
    producers = [threading.Thread(target=produce, args=(k,)) for k in range(n_threads)]
    for p in producers:
        p.start()
    for p in producers:
        p.join()
    done.set()
    consumer.join()
    assert len(got) == n_threads * per_thread
    for k in range(n_threads):  # per-producer order is kept
        ts = [s.t_host_ns for s in got if s.source == f"s{k}"]  # type: ignore[union-attr]
        assert ts == sorted(ts)


def test_samples_are_read_only_and_shape_checked() -> None:
    batch = ImuBatch(t_host_ns=0, source="imu", rate_hz=100.0, t_first_ns=0, acc_g=np.zeros((10, 3)))
    with pytest.raises(ValueError):
        batch.acc_g[0, 0] = 1.0
    assert batch.times_ns()[-1] == 90_000_000
    with pytest.raises(ValueError):
        ImuBatch(t_host_ns=0, source="imu", rate_hz=100.0, t_first_ns=0, acc_g=np.zeros((10, 2)))
    with pytest.raises(ValueError):
        PoseFrame(t_host_ns=0, source="cam", landmarks=np.zeros((32, 4)))
    with pytest.raises(ValueError):
        ImuBatch(t_host_ns=0, source="imu", rate_hz=0.0, t_first_ns=0, acc_g=np.zeros((1, 3)))
