"""Pose step/jump/squat detectors on synthetic skeletons with known ground truth."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sensors.motion.pose_detectors import (
    PoseJumpDetector,
    PoseMotionDetector,
    PoseSquatDetector,
    PoseStepDetector,
    StandingBaseline,
    jump_height_from_flight_m,
)
from sensors.motion.pose_features import extract_features

from motion_synth import (
    Camera,
    Pose,
    combine,
    jog_script,
    jump_script,
    match,
    pose_frames,
    run,
    shift,
    skeleton_m,
    squat_pose,
    squat_script,
    standing_script,
)

TOL_S = 0.15


def test_bosco_flight_time_formula() -> None:
    # h = g t^2 / 8: 0.4 s of flight is 0.196 m
    assert jump_height_from_flight_m(0.4) == pytest.approx(9.80665 * 0.16 / 8)


def test_features_of_standing_skeleton() -> None:
    cam = Camera(noise=0.0)
    f = extract_features(cam.frame(0, skeleton_m(Pose()), np.random.default_rng(0)))
    assert f.legs_ok and f.shoulders_ok
    # lowest foot point 0.02 m, hip 0.95 m: 0.93 m x 0.42 image heights per metre
    assert f.hip_height == pytest.approx(0.93 * 0.42, rel=1e-3)
    assert f.knee_angle_l_deg > 165  # straight, up to the world landmarks jitter
    assert f.lean == pytest.approx(0.0, abs=1e-6)
    squat = extract_features(cam.frame(0, skeleton_m(squat_pose(0.4)), np.random.default_rng(0)))
    assert squat.knee_angle_deg < 120


def test_visibility_gating() -> None:
    cam = Camera()
    f = extract_features(cam.frame(0, skeleton_m(Pose()), np.random.default_rng(0), vis_override={27: 0.3}))
    assert not f.legs_ok and math.isnan(f.hip_height)


def test_no_events_while_standing_still_with_noise() -> None:
    for seed in range(3):
        det = PoseMotionDetector()
        frames = pose_frames(standing_script(60), seed=seed, camera=Camera(noise=0.005))
        assert run(det.update, frames) == []
        assert det.crouch < 0.05 and not det.airborne


@pytest.mark.parametrize("cadence", [110, 150, 180])
@pytest.mark.parametrize("scale", [0.42, 0.25])  # near and far from the camera
def test_steps_precision_recall_and_cadence(cadence: float, scale: float) -> None:
    sc = combine(standing_script(2), jog_script(cadence, 2, 14, 16))
    det = PoseStepDetector()
    frames = pose_frames(sc, seed=3, camera=Camera(scale=scale, noise=0.004 * scale / 0.42))
    events = run(det.update, frames)
    s = match(shift(sc.truth), events, "step", TOL_S)
    assert s.precision >= 0.95 and s.recall >= 0.95, s
    t_mid = 1_000_000_000 + 13 * 1_000_000_000
    assert det.cadence_spm(t_mid) == pytest.approx(cadence, rel=0.05)


def test_jumps_timing_and_height() -> None:
    jumps = [(3.0, 0.25), (6.0, 0.35), (9.0, 0.45), (12.0, 0.55)]
    sc = jump_script(jumps, 15)
    det = PoseMotionDetector()
    events = run(det.update, pose_frames(sc, seed=4))
    truth = shift(sc.truth)
    s = match(truth, events, "jump", TOL_S)
    assert s.tp == len(jumps) and s.fp == 0
    for tr, ev in s.pairs:
        assert ev.magnitude == pytest.approx(tr.magnitude, rel=0.2)
    # each jump's take-off was reported too, at the same time (before its landing)
    assert sorted(e.t_ns for e in events if e.kind == "takeoff") == sorted(ev.t_ns for _, ev in s.pairs)
    # the countermovement dip and the landing absorption are not squats, nor steps
    assert [e for e in events if e.kind not in ("jump", "takeoff")] == []


def test_jump_detector_alone_and_airborne_flag() -> None:
    sc = jump_script([(2.0, 0.4)], 4)
    det = PoseJumpDetector()
    seen_airborne = False
    for fr in pose_frames(sc, seed=5):
        det.update(extract_features(fr))
        t = (fr.t_host_ns - 1_000_000_000) / 1e9
        if 2.1 < t < 2.3:
            seen_airborne |= det.airborne
        if t > 2.6:
            assert not det.airborne
    assert seen_airborne


@pytest.mark.parametrize("with_world", [True, False])
def test_one_event_per_squat_with_depth(with_world: bool) -> None:
    squats = [(3.0, 0.3, 0.8), (6.0, 0.45, 1.0), (9.0, 0.2, 0.6), (12.0, 0.35, 1.5)]
    sc = squat_script(squats, 15)
    det = PoseSquatDetector()
    crouch_max = 0.0
    events = []
    for fr in pose_frames(sc, seed=6, with_world=with_world):
        events.extend(det.update(extract_features(fr)))
        crouch_max = max(crouch_max, det.crouch)
    s = match(shift(sc.truth), events, "squat", TOL_S)
    assert s.tp == len(squats) and s.fp == 0
    for tr, ev in s.pairs:
        assert ev.magnitude == pytest.approx(tr.magnitude, abs=0.05)
    assert crouch_max == pytest.approx(0.45, abs=0.06)


def test_shallow_dip_is_not_a_squat() -> None:
    sc = squat_script([(3.0, 0.08, 0.8)], 6)
    assert run(PoseMotionDetector().update, pose_frames(sc, seed=7)) == []


@pytest.mark.parametrize("noise", [0.003, 0.01])  # ~1.5 and ~5 px of jitter on a 480-line frame
def test_mixed_session(noise: float) -> None:
    sc = combine(
        standing_script(2),
        jog_script(160, 2, 10, 11),
        jump_script([(13.0, 0.4), (16.0, 0.3)], 18),
        squat_script([(20.0, 0.35, 0.9), (23.0, 0.3, 0.9)], 26),
    )
    events = run(PoseMotionDetector().update, pose_frames(sc, seed=8, camera=Camera(noise=noise)))
    truth = shift(sc.truth)
    for kind in ("step", "jump", "squat"):
        s = match(truth, events, kind, TOL_S)
        assert s.precision >= 0.95 and s.recall >= 0.95, (kind, s)


def test_explicit_calibration_and_unusable_frames() -> None:
    cam = Camera(noise=0.0)
    base = StandingBaseline()
    f = extract_features(cam.frame(0, skeleton_m(Pose()), np.random.default_rng(0)))
    base.calibrate_from(f)
    assert base.calibrated and base.hip_height == pytest.approx(f.hip_height)
    det = PoseSquatDetector(base)
    # the very first frame is already a squat: calibration makes it measurable
    f2 = extract_features(cam.frame(1, skeleton_m(squat_pose(0.4)), np.random.default_rng(0)))
    det.update(f2)
    assert det.crouch == pytest.approx(0.4 / 0.93, abs=0.02)
    with pytest.raises(ValueError):
        base.calibrate(0.9, 0.0)
    # hidden ankles: the frame is skipped, state unchanged
    f3 = extract_features(cam.frame(2, skeleton_m(Pose()), np.random.default_rng(0), vis_override={28: 0.1}))
    assert det.update(f3) == [] and det.crouch == pytest.approx(0.4 / 0.93, abs=0.02)


def test_lean_sign_is_the_players_right() -> None:
    cam = Camera(noise=0.0)
    for mirror in (False, True):
        det = PoseMotionDetector()
        for i in range(20):
            pts = skeleton_m(Pose(trunk_side=math.radians(20)))
            if mirror:
                pts[:, 0] *= -1  # a mirrored camera image
            det.update(cam.frame(i * 33_000_000, pts, np.random.default_rng(i)))
        assert det.lean == pytest.approx(math.sin(math.radians(20)) / 0.5, abs=0.05)
