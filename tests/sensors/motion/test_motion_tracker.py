"""MotionTracker: source arbitration, de-duplication, state and cost per feed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sensors.motion.events import MotionState
from sensors.motion.tracker import MotionTracker
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample, ImuBatch

from motion_synth import (
    Camera,
    Pose,
    add_jump,
    add_steps,
    combine,
    imu_batches,
    imu_signal,
    interleave,
    jog_script,
    jump_script,
    match,
    pose_frames,
    run,
    shift,
    skeleton_m,
    squat_script,
    standing_script,
)

TOL_S = 0.15
S = 1_000_000_000


def jog_pose_and_imu(cadence: float, start: float, stop: float, duration: float, seed: int = 0):
    sc = combine(standing_script(start), jog_script(cadence, start, stop, duration))
    frames = pose_frames(sc, seed=seed)
    sig = imu_signal(duration)
    # IMU truth is foot contact; the pose script's truth (foot down) is the same physical step.
    period = 60.0 / cadence
    add_steps(sig, cadence, start + 0.7 * period, stop + 0.7 * period, peak_g=0.8)
    return sc, frames, sig, imu_batches(sig, seed=seed)


def test_other_items_are_ignored() -> None:
    tr = MotionTracker()
    assert tr.feed(HeartRateSample(t_host_ns=1, source="hr", bpm=120)) == []
    assert tr.feed(DeviceStatus(1, "cam", "camera", DeviceState.STALE)) == []
    assert tr.feed("hello") == [] and tr.feed(None) == []
    assert tr.state == MotionState()


def test_wrist_imu_is_ignored() -> None:
    sig = imu_signal(8)
    add_steps(sig, 150, 1, 7)
    tr = MotionTracker()
    assert run(tr.feed, imu_batches(sig, placement="wrist")) == []


def test_cadence_holds_then_decays_to_zero_within_two_seconds() -> None:
    sc = combine(standing_script(2), jog_script(150, 2, 10, 16))
    tr = MotionTracker()
    last_step = max(t.t_ns for t in shift(sc.truth))
    for fr in pose_frames(sc, seed=1):
        tr.feed(fr)
        t = fr.t_host_ns
        if 6 * S < t - S < 9.5 * S:
            assert tr.state.cadence_spm == pytest.approx(150, rel=0.05)
        if t > last_step + 2 * S:
            assert tr.state.cadence_spm == 0.0
    assert tr.state.t_ns == pose_frames(sc)[-1].t_host_ns


def test_pose_and_imu_together_count_each_step_once() -> None:
    sc, frames, sig, batches = jog_pose_and_imu(160, 2, 14, 16, seed=2)
    tr = MotionTracker()
    events = run(tr.feed, interleave(frames, batches))
    s = match(shift(sc.truth), events, "step", TOL_S)
    assert s.precision >= 0.95 and s.recall >= 0.95, s
    assert {e.source for e in events} == {"pose"}  # pose was fresh throughout


def test_imu_takes_over_when_pose_is_lost_without_double_counting() -> None:
    sc, frames, sig, batches = jog_pose_and_imu(160, 2, 20, 22, seed=3)
    # the player's legs leave the camera view between 8 s and 14 s
    frames = [f for f in frames if not 8 * S <= f.t_host_ns - S < 14 * S]
    tr = MotionTracker()
    events = run(tr.feed, interleave(frames, batches))
    steps = sorted((e for e in events if e.kind == "step"), key=lambda e: e.t_ns)
    intervals = np.diff([e.t_ns for e in steps]) / S
    assert intervals.min() > 0.25  # never one step twice
    s = match(shift(sc.truth), events, "step", 0.2)
    assert s.precision >= 0.95 and s.recall >= 0.9, s
    assert any(e.source.startswith("imu") for e in steps) and any(e.source == "pose" for e in steps)


def test_jump_seen_by_both_sources_is_reported_once() -> None:
    sc = jump_script([(3.0, 0.4), (7.0, 0.3)], 10)
    frames = pose_frames(sc, seed=4)
    sig = imu_signal(10)
    add_jump(sig, 3.0, 0.4)
    add_jump(sig, 7.0, 0.3)
    # pose lost for the second jump
    frames = [f for f in frames if not 5.5 * S <= f.t_host_ns - S < 8.5 * S]
    tr = MotionTracker()
    airborne_seen = []
    events = []
    for it in interleave(frames, imu_batches(sig, seed=4)):
        events += tr.feed(it)
        airborne_seen.append((it.t_host_ns, tr.state.airborne))
    s = match(shift(sc.truth), events, "jump", TOL_S)
    assert s.tp == 2 and s.fp == 0
    assert [e.source for e in events if e.kind == "jump"] == ["pose", "imu:chest"]
    assert any(a for t, a in airborne_seen if 7.1 * S < t - S < 7.3 * S)  # IMU airborne flag
    assert [e for e in events if e.kind == "step"] == []


def test_crouch_and_lean_state() -> None:
    sc = squat_script([(2.0, 0.4, 1.0)], 4)
    tr = MotionTracker()
    crouch = []
    for fr in pose_frames(sc, seed=5):
        tr.feed(fr)
        crouch.append(tr.state.crouch)
    assert max(crouch) == pytest.approx(0.4, abs=0.06) and crouch[-1] < 0.05
    cam = Camera(noise=0.0)
    for i in range(10):
        tr.feed(cam.frame(5 * S + i * 33_000_000, skeleton_m(Pose(trunk_side=math.radians(-30))), np.random.default_rng(i)))
    assert tr.state.lean == pytest.approx(-1.0, abs=0.05)
    # pose gone, no IMU: crouch and lean fall back to neutral
    tr.feed(ImuBatch(7 * S, "imu", 100.0, 7 * S, np.tile([0.0, 0.0, 1.0], (10, 1))))
    assert tr.state.lean == 0.0 and tr.state.crouch == 0.0


def test_reset_forgets_everything() -> None:
    sc = combine(standing_script(2), jog_script(150, 2, 8, 9))
    tr = MotionTracker()
    run(tr.feed, pose_frames(sc, seed=6))
    assert tr.state.cadence_spm > 0
    tr.reset()
    assert tr.state == MotionState() and not tr.pose_fresh()


def test_other_players_frames_are_ignored() -> None:
    sc = combine(standing_script(2), jog_script(150, 2, 8, 9))
    frames = pose_frames(sc, seed=7)
    tr = MotionTracker(player=1)
    assert run(tr.feed, frames) == []


def _sim_imu(placement: str, script: str, steer: tuple[int, str, dict[str, float]] | None, seconds: float) -> list[ImuBatch]:
    from sensors.sim import SimulatedPlayer

    player = SimulatedPlayer(seed=1, script=script, imu_placement=placement, imu_rate_hz=50.0, imu_batch=5, loop=False)
    if steer is not None:
        t_ns, activity, kw = steer
        player.steer(t_ns, activity, **kw)
    return [it for it in player.advance_to(round(seconds * S)) if isinstance(it, ImuBatch)]


@pytest.mark.parametrize("lean", [1.0, -0.5])
def test_a_chest_imu_alone_reads_the_sideways_lean(lean: float) -> None:
    tr = MotionTracker()
    readings = []
    for batch in _sim_imu("chest", "idle:3", (4 * S, "jog", {"cadence_spm": 160.0, "lean": lean}), 9.0):
        tr.feed(batch)
        readings.append((batch.t_first_ns / S, tr.state.lean))
    before = [v for t, v in readings if t < 3.9]
    held = [v for t, v in readings if t > 6.0]
    assert max(abs(v) for v in before) < 0.1
    # The simulated lean of 1.0 is a 30 deg tilt, which pose reads as 1.0 too.
    assert np.mean(held) == pytest.approx(lean, abs=0.12)
    assert np.std(held) < 0.08


def test_forward_lean_of_double_poling_is_not_a_sideways_lean() -> None:
    tr = MotionTracker()
    for batch in _sim_imu("chest", "idle:3,pole:8@30", None, 11.0):
        tr.feed(batch)
        assert abs(tr.state.lean) < 0.15


def test_a_wrist_imu_alone_gives_one_arm_swing_per_double_pole_swing() -> None:
    tr = MotionTracker()
    events = []
    for batch in _sim_imu("wrist", "idle:3,pole:40@30,idle:5", None, 50.0):
        events += tr.feed(batch)
    swings = [e for e in events if e.kind == "arm_swing"]
    assert [e for e in events if e.kind != "arm_swing"] == []
    assert len(swings) == pytest.approx(20, abs=2)
    assert all(e.source == "imu:wrist" and e.magnitude == 1.0 for e in swings)
    assert all(3 * S <= e.t_ns <= 44 * S for e in swings)
    # The wrist says nothing of lean or steps.
    assert tr.state.lean == 0.0 and tr.state.cadence_spm == 0.0


def test_wrist_swings_give_way_to_pose_while_pose_is_fresh() -> None:
    tr = MotionTracker()
    batches = _sim_imu("wrist", "idle:3,pole:30@30", None, 33.0)
    cam = Camera(noise=0.0)
    events = []
    for batch in batches:
        t = batch.t_first_ns
        # A standing player in view the whole time: pose is fresh, so IMU swings are not taken.
        events += tr.feed(cam.frame(t, skeleton_m(Pose()), np.random.default_rng(0)))
        events += tr.feed(batch)
    assert [e for e in events if e.kind == "arm_swing"] == []
