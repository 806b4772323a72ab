import threading

import numpy as np
import pytest

from sensors.bus import SensorBus
from sensors.samples import BusItem, DeviceState, DeviceStatus, HeartRateSample, ImuBatch, PoseFrame


def hr(t: int) -> HeartRateSample:
    return HeartRateSample(t_host_ns=t, source="strap", bpm=100 + t % 50)


def test_drain_returns_everything_once_in_order() -> None:
    bus = SensorBus()
    for t in range(5):
        bus.push(hr(t))
    assert [s.t_host_ns for s in bus.drain()] == [0, 1, 2, 3, 4]
    assert bus.drain() == []


def test_status_keeps_its_place_and_is_never_dropped() -> None:
    bus = SensorBus(capacity=3)
    for t in range(10):
        bus.push(hr(t))
    bus.push(DeviceStatus(t_host_ns=99, source="strap", device_kind="heart_rate", state=DeviceState.DISCONNECTED))
    for t in range(10, 12):
        bus.push(hr(t))
    items = bus.drain()
    # The strap's samples before its "disconnected" stay before it; the oldest samples went.
    assert [i.t_host_ns for i in items] == [9, 99, 10, 11]
    assert isinstance(items[1], DeviceStatus)
    assert bus.stats().dropped == 9


def test_a_flood_of_status_events_is_kept() -> None:
    bus = SensorBus(capacity=2)
    for t in range(3000):
        bus.push(DeviceStatus(t_host_ns=t, source="cam", device_kind="camera", state=DeviceState.STALE))
    bus.push(hr(1))
    items = bus.drain()
    assert len(items) == 3001 and bus.stats().dropped == 0


def test_many_producers_one_consumer_lose_nothing() -> None:
    bus = SensorBus(capacity=1_000_000)
    n_threads, per_thread = 4, 5_000
    got: list[BusItem] = []
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
        ts = [s.t_host_ns for s in got if s.source == f"s{k}"]
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
