"""SimulatedSource: the player on its own thread, pushing into a SensorBus."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from sensors.bus import SensorBus
from sensors.clock import ManualClock, s_to_ns
from sensors.samples import DeviceStatus, HeartRateSample, ImuBatch, PoseFrame
from sensors.sim import SimulatedSource, parse_script

from sim_helpers import by_type


def collect_until(bus: SensorBus, got: list[Any], done: Callable[[list[Any]], bool], timeout_s: float = 60.0) -> None:
    """Drain ``bus`` into ``got`` until ``done(got)`` holds; fail after ``timeout_s`` of real time
    (generous: the source's thread only has to get scheduled, however busy the machine is)."""
    deadline = time.monotonic() + timeout_s
    while not done(got):
        assert time.monotonic() < deadline, f"condition not met within {timeout_s} s; got {len(got)} items"
        time.sleep(0.01)
        got += bus.drain()


def test_source_pushes_all_streams_and_stops_cleanly() -> None:
    clock = ManualClock(s_to_ns(100))
    t0 = clock()
    bus = SensorBus()
    # A strap's first notification comes one interval after connecting: 0.25 s here.
    source = SimulatedSource(seed=1, script=parse_script("jog:60"), hr_interval_s=0.25, clock=clock)
    source.start(bus)
    got: list[Any] = []
    clock.advance(s_to_ns(0.24))
    # Everything due by 0.24 s comes in one push, with the newest pose frame: no heart rate yet.
    collect_until(bus, got, lambda g: any(f.t_host_ns >= t0 + s_to_ns(0.2) for f in by_type(g, PoseFrame)))
    assert by_type(got, ImuBatch) and not by_type(got, HeartRateSample)
    clock.advance(s_to_ns(0.01))
    collect_until(bus, got, lambda g: bool(by_type(g, HeartRateSample)))
    assert by_type(got, HeartRateSample)[0].t_host_ns == t0 + s_to_ns(0.25)
    source.inject("squat", clock())
    source.stop()
    source.stop()
    assert source._thread is not None
    source._thread.join(timeout=60.0)  # stop() already waited for it: this only spares a busy machine
    assert not source._thread.is_alive()
    got += bus.drain()
    assert by_type(got, HeartRateSample) and by_type(got, ImuBatch) and by_type(got, PoseFrame)
    statuses = by_type(got, DeviceStatus)
    assert statuses[0].state.value == "streaming" and statuses[-1].state.value == "disconnected"
    assert all(s.device_kind == "sim" for s in statuses)


def test_source_runs_on_an_injected_clock() -> None:
    clock = ManualClock(s_to_ns(100))
    bus = SensorBus()
    source = SimulatedSource(seed=1, clock=clock)
    source.start(bus)
    clock.advance(s_to_ns(2))
    got: list[Any] = []
    collect_until(bus, got, lambda g: sum(b.n_values for b in by_type(g, ImuBatch)) >= 200)
    source.stop()
    got += bus.drain()
    imu = by_type(got, ImuBatch)
    assert sum(b.n_values for b in imu) == 200  # 2 s at 100 Hz, on the injected clock
    assert imu[0].t_first_ns == s_to_ns(100)
    assert all(b.t_host_ns <= s_to_ns(102) for b in imu)
