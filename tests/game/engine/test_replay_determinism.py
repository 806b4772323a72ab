"""The pieces that make a frame depend on what it reads alone: the frame clock, the virtual
clock, the clean slate a session begins from, and a simulated player stepped with the frames."""

from __future__ import annotations

import numpy as np

from game.engine.app import FrameClock, VirtualTime
from game.engine.config import AppConfig
from game.engine.live import LiveSensors
from game.engine.run import build_live
from sensors.bus import SensorBus
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample, PoseFrame
from sensors.sim import SimulatedSource


def test_the_frame_clock_gives_one_time_per_frame() -> None:
    ticks = iter(range(100, 1000, 7))
    clock = FrameClock(lambda: next(ticks))
    assert clock() == 100 and clock() == 107  # before the first latch: the source itself
    assert clock.latch() == 114
    assert clock() == clock() == 114
    assert clock.latch() == 121 and clock() == 121


def test_virtual_time_moves_one_frame_per_wait() -> None:
    t = VirtualTime(start_ns=5_000)
    assert t.ns() == 5_000 and t.now() == 5e-6
    t.wait(60)
    t.wait(60)
    assert t.ns() == 5_000 + 2 * 16_666_667


def test_restart_forgets_heart_rate_and_movement_but_keeps_devices() -> None:
    live: LiveSensors = build_live(AppConfig(players=2))
    status = DeviceStatus(0, "sim", "sim", DeviceState.STREAMING)
    frame = PoseFrame(10, "sim", np.full((33, 4), 0.5))
    live.ingest([status, HeartRateSample(10, "strap", 90), frame, PoseFrame(10, "sim", np.full((33, 4), 0.5), player=1)])
    assert live.hr_bpm == 90 and live.last_pose is frame and live.motion_sources and live.others[0].last_pose is not None
    live.restart()
    assert live.hr_bpm is None and live.hr_source is None and live.last_pose is None
    assert not live.motion_sources and not live.motion_live(10) and live.heart.n == 0
    assert live.others[0].last_pose is None and live.take_events(1) == []
    assert live.devices == {"sim": status}


def test_a_simulated_player_stepped_by_its_owner_gives_the_same_samples_as_another() -> None:
    """``threaded=False``: no thread; what falls due is pushed when the owner advances it."""
    runs = []
    for _ in range(2):
        clock = VirtualTime(start_ns=10**12)
        sim = SimulatedSource(seed=4, clock=clock.ns, threaded=False)
        bus = SensorBus()
        sim.start(bus)
        got = []
        for _ in range(90):
            clock.wait(60)
            sim.advance(clock.ns())
            got.extend(bus.drain())
        sim.stop()
        got.extend(bus.drain())
        runs.append(got)
    a, b = runs
    assert len(a) == len(b) > 50  # 1.5 s: 45 pose frames, IMU batches, a heart rate
    assert [(type(x).__name__, x.t_host_ns) for x in a] == [(type(x).__name__, x.t_host_ns) for x in b]
    assert isinstance(a[-1], DeviceStatus) and a[-1].state is DeviceState.DISCONNECTED
    poses_a = [x for x in a if isinstance(x, PoseFrame)]
    poses_b = [x for x in b if isinstance(x, PoseFrame)]
    assert poses_a and all(np.array_equal(p.landmarks, q.landmarks) for p, q in zip(poses_a, poses_b, strict=True))
