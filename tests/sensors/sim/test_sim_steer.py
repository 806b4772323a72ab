"""Steering the simulated player: an activity, cadence, lean, sideways position and crouch that a
game's autopilot changes while it plays, read back through the real motion tracker."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from sensors.clock import s_to_ns
from sensors.motion.tracker import MotionTracker
from sensors.samples import HeartRateSample, PoseFrame
from sensors.sim import FITNESS_VO2MAX, BodyParams, SimulatedPlayer, parse_script
from sensors.sim.heart import REF_RATE_PER_MIN
from sensors.sim.script import DEFAULT_RATE_PER_MIN

from sim_helpers import by_type, run, same

IDLE = parse_script("idle:600")
#: For tests that read only the heart rate: the heart model follows the steered activity, not the
#: motion samples, so fewer IMU and camera samples and no ground truth give the same heart rates
#: (value for value, checked) in a fifth of the time.
HEART_ONLY: dict[str, Any] = {"record_truth": False, "imu_rate_hz": 25.0, "pose_fps": 5.0}


def _tracked(player: SimulatedPlayer, t0: float, t1: float) -> tuple[MotionTracker, list[Any]]:
    tracker = MotionTracker()
    events: list[Any] = []
    for t in np.arange(t0, t1, 0.1):
        for sample in player.advance_to(s_to_ns(float(t))):
            events += tracker.feed(sample)
    return tracker, events


def _steps_between(player: SimulatedPlayer, t0: float, t1: float) -> list[float]:
    return [e.t_ns / 1e9 for e in player.ground_truth() if e.kind == "step" and t0 <= e.t_ns / 1e9 < t1]


def test_a_steered_jog_keeps_its_cadence_and_a_change_carries_on_in_step() -> None:
    player = SimulatedPlayer(seed=2, script=IDLE)
    run(player, 2.0)
    player.steer(s_to_ns(2.0), "jog", cadence_spm=150)
    run(player, 40.0, step_s=0.5, start_s=2.0)  # longer than one steered piece (30 s)
    player.steer(s_to_ns(40.0), "jog", cadence_spm=110)
    run(player, 60.0, step_s=0.5, start_s=40.0)
    fast = np.diff(_steps_between(player, 4.0, 40.0))
    slow = np.diff(_steps_between(player, 42.0, 60.0))
    assert np.allclose(fast, 60 / 150, atol=1e-6) and np.allclose(slow, 60 / 110, atol=1e-6)
    # No stop between the two cadences: the longest gap is one slow step.
    around = np.diff(_steps_between(player, 38.0, 42.0))
    assert around.max() <= 60 / 110 + 1e-6
    # Repeating the same steer changes nothing (an autopilot may call it every frame).
    before = player.ground_truth()
    player.steer(s_to_ns(60.0), "jog", cadence_spm=110)
    run(player, 62.0)
    assert [e for e in player.ground_truth() if e.t_ns <= s_to_ns(60)] == [e for e in before if e.t_ns <= s_to_ns(60)]


def test_lean_side_step_and_crouch_read_back_through_the_tracker() -> None:
    player = SimulatedPlayer(seed=4, script=IDLE)
    run(player, 2.0)
    player.steer(s_to_ns(2.0), "idle", lean=0.8)
    tracker, _ = _tracked(player, 2.0, 4.0)
    assert tracker.state.lean > 0.4
    player.steer(s_to_ns(4.0), "idle", lean=-0.8)
    tracker, _ = _tracked(player, 4.0, 6.0)
    assert tracker.state.lean < -0.4
    player.steer(s_to_ns(6.0), "idle", crouch=0.8)
    tracker, _ = _tracked(player, 6.0, 9.0)
    # 0.8 of a 0.4 hip-height crouch: about 0.32 of standing hip height.
    assert tracker.state.crouch == pytest.approx(0.8 * 0.4, abs=0.08)
    frames_before = by_type(player.advance_to(s_to_ns(9.0)), PoseFrame)
    player.steer(s_to_ns(9.0), "idle", side_m=0.4)
    frames = by_type(run(player, 11.0), PoseFrame)
    hips = [(f.landmarks[23, 0] + f.landmarks[24, 0]) / 2 for f in frames]
    # The player's right is the image's left (the camera faces the player): hips move left.
    assert hips[-1] < hips[0] - 0.05
    assert not frames_before or frames_before[-1].t_host_ns < frames[0].t_host_ns


def test_steered_movements_repeat_at_their_rate_and_rest_lowers_the_heart_rate() -> None:
    player = SimulatedPlayer(seed=5, script=IDLE)
    run(player, 1.0)
    player.steer(s_to_ns(1.0), "pole", rate_per_min=30)
    _, events = _tracked(player, 1.0, 41.0)
    swings = [e for e in player.ground_truth() if e.kind == "arm_swing" and s_to_ns(1) <= e.t_ns < s_to_ns(41)]
    assert len(swings) == pytest.approx(20, abs=1)
    assert sum(e.kind == "arm_swing" for e in events) >= 15
    player.steer(s_to_ns(41.0), "jog", cadence_spm=170)
    hr = by_type(run(player, 161.0), HeartRateSample)
    player.steer(s_to_ns(161.0), "rest")
    rest = by_type(run(player, 281.0), HeartRateSample)
    assert rest[-1].bpm < hr[-1].bpm - 15


def test_a_fitter_player_needs_a_faster_jog_for_the_same_heart_rate() -> None:
    hrs = {}
    for fitness in ("low", "high"):
        player = SimulatedPlayer(seed=6, script=IDLE, body=BodyParams(vo2max_ml_kg_min=FITNESS_VO2MAX[fitness]), **HEART_ONLY)
        player.steer(0, "jog", cadence_spm=150)
        hrs[fitness] = by_type(run(player, 180.0), HeartRateSample)[-1].bpm
    assert hrs["low"] > hrs["high"] + 15


def test_steering_is_deterministic_however_time_is_chunked() -> None:
    def play(step_s: float | None) -> list[Any]:
        player = SimulatedPlayer(seed=7, script=IDLE)
        out = run(player, 3.0, step_s)
        player.steer(s_to_ns(3.0), "jog", cadence_spm=140, lean=0.5)
        player.inject("jump", s_to_ns(5.0))
        out += run(player, 8.0, step_s, start_s=3.0)
        player.steer(s_to_ns(8.0), "squat", rate_per_min=20, side_m=-0.2)
        out += run(player, 14.0, step_s, start_s=8.0)
        return out

    assert same(play(None), play(0.37))


@pytest.mark.parametrize(
    ("activity", "kwargs"),
    [
        ("fly", {}),
        ("jog", {"cadence_spm": 20.0}),
        ("punch", {"rate_per_min": 500.0}),
        ("idle", {"lean": 1.5}),
        ("idle", {"crouch": -0.1}),
        ("idle", {"side_m": 3.0}),
    ],
)
def test_impossible_steering_is_refused(activity: str, kwargs: dict[str, float]) -> None:
    player = SimulatedPlayer(seed=1, script=IDLE)
    with pytest.raises(ValueError):
        player.steer(0, activity, **kwargs)


def test_movement_costs_stand_for_the_scripts_default_rates() -> None:
    assert REF_RATE_PER_MIN == {a.value: r for a, r in DEFAULT_RATE_PER_MIN.items()}


def test_faster_poling_raises_the_heart_rate() -> None:
    hrs = {}
    for rate in (15.0, 40.0):
        player = SimulatedPlayer(seed=8, script=IDLE, body=BodyParams(vo2max_ml_kg_min=FITNESS_VO2MAX["low"]), **HEART_ONLY)
        player.steer(0, "pole", rate_per_min=rate)
        hrs[rate] = by_type(run(player, 150.0), HeartRateSample)[-1].bpm
    assert hrs[40.0] > hrs[15.0] + 10
