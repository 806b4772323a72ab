"""Simulated kiosk visitors: pose only while someone stands there, nothing while the hall is
empty, a wave of both arms soon after arriving, the game's steering passed on, staged camera
failures, and a thread that starts and stops cleanly."""

from __future__ import annotations

import time

import pytest

from sensors.bus import SensorBus
from sensors.clock import NS_PER_S
from sensors.motion.tracker import MotionTracker
from sensors.samples import DeviceState, DeviceStatus, PoseFrame
from sensors.sim.visitors import FIRST_WAVE_S, HEIGHT_RANGE_M, VisitorSource


class Clock:
    def __init__(self) -> None:
        self.t_ns = 0

    def __call__(self) -> int:
        return self.t_ns


def run(source: VisitorSource, clock: Clock, bus: SensorBus, until_s: float, step_s: float = 1 / 30) -> list[object]:
    out: list[object] = []
    while clock.t_ns < until_s * NS_PER_S:
        clock.t_ns += round(step_s * NS_PER_S)
        source.advance(clock.t_ns)
        out += bus.drain()
    return out


def poses(items: list[object]) -> list[PoseFrame]:
    return [i for i in items if isinstance(i, PoseFrame)]


def test_visitors_come_and_go_with_pose_only_while_someone_is_there() -> None:
    clock, bus = Clock(), SensorBus()
    src = VisitorSource(seed=4, stay_s=(10, 10), away_s=(5, 5), first_arrival_s=2.0, clock=clock, threaded=False)
    src.start(bus)
    items = run(src, clock, bus, 40.0)
    frames = poses(items)
    assert frames and all(isinstance(i, (PoseFrame, DeviceStatus)) for i in items)  # no strap, no IMU
    t = sorted(f.t_host_ns / NS_PER_S for f in frames)
    assert t[0] == pytest.approx(2.0, abs=0.05)
    # Visits 2..12 s, 17..27 s, 32..42 s: nothing in between.
    for gap in ((12.05, 16.95), (27.05, 31.95)):
        assert not [x for x in t if gap[0] < x < gap[1]], gap
    assert src.visitors == 3 and src.present
    assert {f.source for f in frames} == {"sim"}


def test_each_visitor_is_someone_else() -> None:
    clock, bus = Clock(), SensorBus()
    src = VisitorSource(seed=1, stay_s=(2, 2), away_s=(0.5, 0.5), first_arrival_s=0.0, clock=clock, threaded=False)
    src.start(bus)
    seen = set()
    for _ in range(6):
        run(src, clock, bus, clock.t_ns / NS_PER_S + 2.5)
        assert src.visit is not None
        seen.add((src.visit.seed, src.visit.body.height_m))
        assert HEIGHT_RANGE_M[0] <= src.visit.body.height_m <= HEIGHT_RANGE_M[1]
    assert len(seen) == 6


def test_a_new_visitor_raises_both_arms_for_over_a_second_soon_after_arriving() -> None:
    clock, bus = Clock(), SensorBus()
    src = VisitorSource(seed=2, stay_s=(30, 30), first_arrival_s=1.0, clock=clock, threaded=False)
    src.start(bus)
    tracker = MotionTracker(image_aspect_wh=4 / 3)
    up_since: float | None = None
    held = 0.0
    while clock.t_ns < 8 * NS_PER_S:
        clock.t_ns += NS_PER_S // 60
        src.advance(clock.t_ns)
        for item in bus.drain():
            tracker.feed(item)
        now = clock.t_ns / NS_PER_S
        if tracker.state.arms_up:
            up_since = now if up_since is None else up_since
            held = max(held, now - up_since)
        else:
            up_since = None
    assert held >= 1.2
    assert up_since is None or up_since > 1.0 + FIRST_WAVE_S - 0.1


def test_steering_reaches_the_visitor_and_nobody_is_steered_while_away() -> None:
    clock, bus = Clock(), SensorBus()
    src = VisitorSource(seed=3, stay_s=(20, 20), first_arrival_s=1.0, clock=clock, threaded=False)
    src.start(bus)
    src.steer(0, "jog", cadence_spm=170)  # nobody there yet: nothing happens, nothing fails
    src.inject("jump", 0)
    run(src, clock, bus, 10.0)
    tracker = MotionTracker(image_aspect_wh=4 / 3)
    src.steer(clock.t_ns, "idle", lean=0.8)
    leans = []
    for item in run(src, clock, bus, 12.0):
        tracker.feed(item)
        leans.append(tracker.state.lean)
    assert max(leans) > 0.6


def test_a_staged_camera_failure_is_reported_and_ends() -> None:
    clock, bus = Clock(), SensorBus()
    src = VisitorSource(seed=5, stay_s=(60, 60), first_arrival_s=0.5, clock=clock, threaded=False)
    src.start(bus)
    run(src, clock, bus, 3.0)
    src.fail_camera(clock.t_ns, 4.0)
    items = run(src, clock, bus, 10.0)
    states = [(i.t_host_ns / NS_PER_S, i.state) for i in items if isinstance(i, DeviceStatus)]
    assert [s for _, s in states] == [DeviceState.DISCONNECTED, DeviceState.STREAMING]
    assert states[1][0] == pytest.approx(7.0, abs=0.1)
    t = [f.t_host_ns / NS_PER_S for f in poses(items)]
    assert not [x for x in t if 3.05 < x < 6.95] and max(t) > 9.5
    assert src.camera_failures == 1


def test_the_thread_runs_in_real_time_and_stops() -> None:
    bus = SensorBus()
    src = VisitorSource(seed=6, first_arrival_s=0.0)
    src.start(bus)
    try:
        deadline = time.monotonic() + 5.0
        got: list[object] = []
        while time.monotonic() < deadline and not poses(got):
            time.sleep(0.05)
            got += bus.drain()
        assert poses(got)
    finally:
        src.stop()
    assert src._thread is not None and not src._thread.is_alive()
    last = bus.drain()
    assert isinstance(last[-1], DeviceStatus) and last[-1].state is DeviceState.DISCONNECTED


def test_bad_ranges_are_refused() -> None:
    with pytest.raises(ValueError, match="ranges"):
        VisitorSource(stay_s=(10, 5))


def test_two_visitors_side_by_side_each_in_their_half_and_each_steered() -> None:
    clock, bus = Clock(), SensorBus()
    source = VisitorSource(seed=4, clock=clock, threaded=False, first_arrival_s=1.0, stay_s=(30, 30), pair_share=1.0)
    source.start(bus)
    frames = poses(run(source, clock, bus, 5.0))
    assert source.people == 2 and source.visitors == 2
    by_player = {p: [f for f in frames if f.player == p] for p in (0, 1)}
    assert by_player[0] and by_player[1]
    # The pose worker's zones: player 0 in the picture's left half, player 1 in its right.
    assert all(f.landmarks[:, 0].max() <= 0.5 for f in by_player[0])
    assert all(f.landmarks[:, 0].min() >= 0.5 for f in by_player[1])
    # Both wave on arriving: each one's wrists go over the head within the first seconds.
    for p in (0, 1):
        assert any(f.landmarks[15, 1] < f.landmarks[0, 1] and f.landmarks[16, 1] < f.landmarks[0, 1] for f in by_player[p])
    # Steering the second player moves the second player only.
    source.steer(clock.t_ns, "squat", player=1, rate_per_min=30)
    later = poses(run(source, clock, bus, 12.0))
    hip_y = {p: [f.landmarks[23, 1] for f in later if f.player == p] for p in (0, 1)}
    assert max(hip_y[1]) - min(hip_y[1]) > 3 * (max(hip_y[0][-60:]) - min(hip_y[0][-60:]))
    # They leave together: an empty hall.
    run(source, clock, bus, 32.0)
    assert source.people == 0 and not poses(run(source, clock, bus, 33.0))


def test_a_visitor_alone_ignores_what_is_asked_of_a_second() -> None:
    clock, bus = Clock(), SensorBus()
    source = VisitorSource(seed=4, clock=clock, threaded=False, first_arrival_s=0.5, stay_s=(30, 30))
    source.start(bus)
    run(source, clock, bus, 2.0)
    assert source.people == 1
    source.steer(clock.t_ns, "squat", player=1)
    source.inject("jump", clock.t_ns, player=1)
    assert {f.player for f in poses(run(source, clock, bus, 4.0))} == {0}


def test_pair_share_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError, match="pair_share"):
        VisitorSource(pair_share=1.5)
