"""Per-player calibration: stance, range of motion and heart values, built from samples."""

from __future__ import annotations

import json

import pytest

from sensors.motion.calibration import Calibration, CalibrationError, build_calibration
from sensors.motion.tracker import MotionTracker
from sensors.samples import PoseFrame
from sensors.sim import Camera

from motion_synth import match, pose_frames, squat_script, standing_script
from pose_sim_streams import sim_pose

CAM = Camera()  # 4:3, the standing player fills 0.7 of the picture height


@pytest.fixture(scope="module")
def sim_frames() -> tuple[list[PoseFrame], list[PoseFrame]]:
    frames, _ = sim_pose("idle:3,squat:4,jack:3@50", seed=1, camera=CAM, tail_s=0.0)
    standing = [f for f in frames if 1.0e9 <= f.t_host_ns < 2.5e9]
    movement = [f for f in frames if f.t_host_ns >= 3.0e9]
    return standing, movement


def test_stance_from_standing_frames_matches_the_body(sim_frames: tuple[list[PoseFrame], list[PoseFrame]]) -> None:
    standing, _ = sim_frames
    cal = build_calibration(standing, aspect_wh=CAM.aspect)
    # Winter's proportions scaled to the picture: trunk 0.288 H, shoulders 0.259 H, hips 0.530 H.
    assert cal.trunk_len == pytest.approx(0.288 * CAM.fill, rel=0.03)
    assert cal.shoulder_width == pytest.approx(0.259 * CAM.fill, rel=0.05)
    assert cal.body_height == pytest.approx(CAM.fill, rel=0.05)
    assert cal.hip_height == pytest.approx(0.530 * CAM.fill, rel=0.06)
    assert cal.floor_y == pytest.approx(CAM.floor_y, abs=0.01)
    assert cal.standing_frames == len(standing)
    assert cal.deepest_squat is None and cal.highest_reach is None


def test_range_of_motion_from_a_squat_and_a_jack(sim_frames: tuple[list[PoseFrame], list[PoseFrame]]) -> None:
    standing, movement = sim_frames
    cal = build_calibration(standing, aspect_wh=CAM.aspect, movement=movement)
    assert cal.deepest_squat is not None and 0.3 <= cal.deepest_squat <= 0.5  # the sim squats 0.32-0.44
    assert cal.highest_reach is not None and 1.0 <= cal.highest_reach <= 1.2  # hands straight up: ~1.15 trunks


def test_heart_values_tanaka_by_default_measured_override(sim_frames: tuple[list[PoseFrame], list[PoseFrame]]) -> None:
    standing, _ = sim_frames
    cal = build_calibration(standing, aspect_wh=CAM.aspect, age_y=40)
    assert (cal.hr_max_bpm, cal.hr_rest_bpm) == (180.0, 60.0)  # 208 - 0.7 * 40
    assert not cal.hr_max_measured and not cal.hr_rest_measured
    cal = build_calibration(standing, aspect_wh=CAM.aspect, age_y=40, hr_rest_bpm=52, hr_max_bpm=191)
    assert (cal.hr_max_bpm, cal.hr_rest_bpm, cal.hr_max_measured, cal.hr_rest_measured) == (191, 52, True, True)
    assert cal.heart.reserve_fraction(121.5) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="rest"):
        build_calibration(standing, aspect_wh=CAM.aspect, hr_rest_bpm=200, hr_max_bpm=190)


def test_round_trip_through_a_dict_and_json(sim_frames: tuple[list[PoseFrame], list[PoseFrame]]) -> None:
    standing, movement = sim_frames
    cal = build_calibration(standing, aspect_wh=CAM.aspect, movement=movement, age_y=35)
    data = json.loads(json.dumps(cal.to_dict()))
    assert Calibration.from_dict(data) == cal
    with pytest.raises(ValueError, match="calibrate again"):
        Calibration.from_dict({**data, "schema": 99})
    with pytest.raises(ValueError, match="hip_height"):
        Calibration.from_dict({k: v for k, v in data.items() if k != "hip_height"})


def test_bad_samples_say_what_to_do(sim_frames: tuple[list[PoseFrame], list[PoseFrame]]) -> None:
    standing, movement = sim_frames
    with pytest.raises(CalibrationError, match="step back"):
        build_calibration(standing[:5], aspect_wh=CAM.aspect)
    with pytest.raises(CalibrationError, match="stand still"):
        build_calibration(movement, aspect_wh=CAM.aspect)


def test_a_shallow_squatter_is_recognised_once_calibrated() -> None:
    # Squats to 12 % of hip height: below the default minimum depth (15 %).
    squats = squat_script([(4.0 + 3 * k, 0.12, 0.9) for k in range(5)], 20.0)
    frames = pose_frames(squats, seed=3)
    t0 = frames[0].t_host_ns
    truth = [type(t)(t.kind, t.t_ns + t0, t.magnitude) for t in squats.truth]
    default = MotionTracker()
    assert match(truth, [e for f in frames for e in default.feed(f)], "squat", 0.25).tp == 0
    still = pose_frames(standing_script(2.0), seed=4)
    deep = [f for f in frames if abs(f.t_host_ns - truth[0].t_ns) < 0.3e9]
    cal = build_calibration(still, aspect_wh=1.0, movement=deep)
    assert cal.deepest_squat == pytest.approx(0.12, abs=0.03)
    tracker = MotionTracker()
    tracker.apply_calibration(cal)
    s = match(truth, [e for f in frames for e in tracker.feed(f)], "squat", 0.25)
    assert (s.tp, s.fp, s.fn) == (5, 0, 0)
    assert tracker.calibration is cal
    tracker.reset()
    assert tracker.calibration is None and tracker.pose.squats.min_depth == 0.15
