"""SimulatedSource: the player on its own thread, pushing into a SensorBus."""

from __future__ import annotations

import time
from typing import Any

from sensors.bus import SensorBus
from sensors.clock import ManualClock, s_to_ns
from sensors.samples import DeviceStatus, HeartRateSample, ImuBatch, PoseFrame
from sensors.sim import SimulatedSource, parse_script

from sim_helpers import by_type


def test_source_pushes_all_streams_and_stops_cleanly() -> None:
    bus = SensorBus()
    # A strap's first notification comes one interval after connecting: 0.25 s here.
    source = SimulatedSource(seed=1, script=parse_script("jog:60"), hr_interval_s=0.25)
    started = time.monotonic()
    source.start(bus)
    deadline = started + 5.0
    got: list[Any] = []
    while time.monotonic() < deadline:
        got += bus.drain()
        if by_type(got, HeartRateSample) and by_type(got, ImuBatch) and by_type(got, PoseFrame):
            break
        time.sleep(0.02)
    assert time.monotonic() - started < 0.6
    source.inject("squat", time.monotonic_ns())
    t_stop = time.monotonic()
    source.stop()
    source.stop()
    assert time.monotonic() - t_stop < 1.0
    assert source._thread is not None and not source._thread.is_alive()
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
    deadline = time.monotonic() + 2.0
    got: list[Any] = []
    while time.monotonic() < deadline and sum(b.n_values for b in by_type(got, ImuBatch)) < 200:
        got += bus.drain()
        time.sleep(0.01)
    source.stop()
    got += bus.drain()
    imu = by_type(got, ImuBatch)
    assert sum(b.n_values for b in imu) == 200  # 2 s at 100 Hz, on the injected clock
    assert imu[0].t_first_ns == s_to_ns(100)
    assert all(b.t_host_ns <= s_to_ns(102) for b in imu)
