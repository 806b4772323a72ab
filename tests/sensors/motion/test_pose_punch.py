"""Punches towards the camera from foreshortening, on synthetic landmarks.

A player faces the camera; one arm is posed by its shoulder flexion (forward, towards the
camera) and elbow flexion in the sagittal plane, drawn by an orthographic camera. The pose
model's 3D is imitated as the lite model gives it on a fist coming at the lens: stuck at the
guard (``stuck``), so its own extension keeps a straight arm looking bent. What must hold:
the rebuilt extension reads the guard bent and the punch straight, a punch straight at the
camera is recognised with its hand, side punches and 2D-only streams still are, and straight
or slowly straightening arms are not punches.
"""

from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np
import pytest

from sensors.clock import s_to_ns
from sensors.motion.events import MotionEvent
from sensors.motion.pose_arms import (
    FOREARM_PER_TRUNK,
    UPPER_ARM_PER_TRUNK,
    PosePunchDetector,
    foreshortened_extension,
)
from sensors.motion.pose_features import ArmImage, extract_features
from sensors.samples import PoseFrame

FPS = 30.0
TRUNK = 0.3  # mid-shoulder to mid-hip, image y units
UPPER, FORE = UPPER_ARM_PER_TRUNK * TRUNK, FOREARM_PER_TRUNK * TRUNK
#: Shoulder flexion and elbow flexion (rad) of a hanging arm, a boxing guard (fist by the chin)
#: and a straight punch at the camera: the simulated player's own (sensors.sim.motions.Punch).
HANG = (0.05, 0.15)
GUARD = (0.5, 2.2)
STRIKE = (math.pi / 2, 0.05)


def arm_points(shoulder: np.ndarray, flex: float, elbow: float, side: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    """Elbow and wrist (x, y down, z away from the camera) of an arm with ``flex`` forward
    shoulder flexion and ``elbow`` flexion; ``side``: abduction out to the side instead (rad,
    the arm in the picture's plane, for side punches)."""
    if side:
        u = np.array([-math.sin(side), math.cos(side), 0.0])
        v = np.array([-math.sin(side + elbow), math.cos(side + elbow), 0.0])
    else:
        u = np.array([0.0, math.cos(flex), -math.sin(flex)])
        v = np.array([0.0, math.cos(flex + elbow), -math.sin(flex + elbow)])
    el = shoulder + UPPER * u
    return el, el + FORE * v


def frame(
    t_s: float,
    right: tuple[float, float],
    *,
    left: tuple[float, float] = HANG,
    side: float = 0.0,
    stuck: bool = True,
    world: bool = True,
) -> PoseFrame:
    """A pose frame with the right arm at ``right`` (flexion, elbow) and the left at ``left``.
    ``stuck``: the model's 3D arm (its world landmarks and image z) does not follow a fist
    further forward than the guard: it keeps the guard's 3D arm while the picture (image x, y)
    shows the arm as it is, which is how the lite model reads the filmed simulated player's
    punches (its world extension stays at 0.63-0.80). ``world``: with metric landmarks."""
    pts = np.zeros((33, 3))
    pts[:, 0], pts[:, 1] = 0.5, 0.25
    sh_r, sh_l = np.array([0.44, 0.3, 0.0]), np.array([0.56, 0.3, 0.0])
    pts[11], pts[12] = sh_l, sh_r
    pts[23], pts[24] = [0.54, 0.6, 0.0], [0.46, 0.6, 0.0]
    pts[25], pts[26] = [0.54, 0.78, 0.0], [0.46, 0.78, 0.0]
    pts[27], pts[28] = [0.54, 0.95, 0.0], [0.46, 0.95, 0.0]
    model = pts.copy()
    for sh, (el, wr), pose in ((sh_l, (13, 15), left), (sh_r, (14, 16), right)):
        pts[el], pts[wr] = arm_points(sh, *pose, side=side if wr == 16 else 0.0)
        seen = GUARD if stuck and not side and pose[0] > GUARD[0] else pose
        model[el], model[wr] = arm_points(sh, *seen, side=side if wr == 16 else 0.0)
    lm = np.column_stack([pts[:, :2], model[:, 2], np.ones(33)])
    return PoseFrame(s_to_ns(t_s), "test", lm, model if world else None)


def run(poses: Iterator[tuple[float, tuple[float, float]]], **kwargs: object) -> list[MotionEvent]:
    det = PosePunchDetector()
    out: list[MotionEvent] = []
    for t, right in poses:
        out.extend(det.update(extract_features(frame(t, right, **kwargs))))  # type: ignore[arg-type]
    return out


def blend(a: tuple[float, float], b: tuple[float, float], k: float) -> tuple[float, float]:
    k = min(1.0, max(0.0, k))
    return a[0] + (b[0] - a[0]) * k, a[1] + (b[1] - a[1]) * k


def punch_poses(extend_s: float = 0.14, start_s: float = 1.0) -> Iterator[tuple[float, tuple[float, float]]]:
    """A hanging arm (the detector learns its lengths), up to the guard, then out to full
    extension in ``extend_s``, held, back to the guard."""
    for i in range(round(3.0 * FPS)):
        t = i / FPS
        if t < start_s:
            yield t, HANG
        elif t < start_s + 0.3:
            yield t, blend(HANG, GUARD, (t - start_s) / 0.3)
        elif t < start_s + 0.3 + extend_s:
            yield t, blend(GUARD, STRIKE, (t - start_s - 0.3) / extend_s)
        elif t < start_s + 0.5 + extend_s:
            yield t, STRIKE
        else:
            yield t, blend(STRIKE, GUARD, (t - start_s - 0.5 - extend_s) / 0.3)


def arm_image(flex: float, elbow: float) -> ArmImage:
    f = extract_features(frame(0.0, (flex, elbow), stuck=False))
    assert f.arm_img_r is not None
    return f.arm_img_r


# -- the rebuilt extension ------------------------------------------------------------------


def test_an_arm_pointing_at_the_camera_reads_straight_rebuilt_and_bent_by_a_stuck_model() -> None:
    f = extract_features(frame(0.0, STRIKE))
    assert f.arm_img_r is not None
    assert f.arm_img_r.reach_len < 0.05 * (UPPER + FORE)  # the picture shows almost nothing of it
    assert f.arm_ext_r < 0.8  # the model's own depth: still bent
    assert foreshortened_extension(f.arm_img_r, UPPER, FORE) == pytest.approx(1.0, abs=0.01)


def test_the_guard_reads_bent_and_a_hanging_arm_straight() -> None:
    flex, elbow = GUARD
    # The guard's true extension: both segments in the sagittal plane.
    down = UPPER * math.cos(flex) + FORE * math.cos(flex + elbow)
    forward = UPPER * math.sin(flex) + FORE * math.sin(flex + elbow)
    guard = foreshortened_extension(arm_image(*GUARD), UPPER, FORE)
    assert guard == pytest.approx(math.hypot(down, forward) / (UPPER + FORE), abs=0.02)
    assert guard < 0.6
    assert foreshortened_extension(arm_image(*HANG), UPPER, FORE) > 0.95


def test_a_segment_clearly_away_from_the_camera_turns_the_rebuilt_depth_round() -> None:
    # Upper arm towards the camera, forearm back towards the body: the depths cancel.
    towards = ArmImage(upper_len=0.0, fore_len=0.0, reach_len=0.0, upper_cos=-1.0, fore_cos=-1.0)
    folded = ArmImage(upper_len=0.0, fore_len=0.0, reach_len=0.0, upper_cos=-1.0, fore_cos=1.0)
    assert foreshortened_extension(towards, 0.2, 0.2) == pytest.approx(1.0)
    assert foreshortened_extension(folded, 0.2, 0.2) == pytest.approx(0.0)
    assert math.isnan(foreshortened_extension(towards, math.nan, 0.2))


def test_segment_lengths_are_learnt_from_an_arm_across_the_picture_within_the_prior() -> None:
    det = PosePunchDetector()
    assert det.segment_lengths(1, TRUNK) == pytest.approx((UPPER, FORE))  # the prior at first
    # A player whose arms are 10 % longer than the prior, seen hanging: learnt.
    long_arm = ArmImage(upper_len=1.1 * UPPER, fore_len=1.1 * FORE, reach_len=1.1 * (UPPER + FORE), upper_cos=0.0, fore_cos=0.0)
    for _ in range(20):
        det.learn(1, long_arm)
    assert det.segment_lengths(1, TRUNK) == pytest.approx((1.1 * UPPER, 1.1 * FORE))
    # Frames of an arm pointing at the camera teach nothing; a glitch is held to the range.
    det.learn(1, ArmImage(0.01, 0.01, 0.02, -0.99, -0.99))
    assert det.segment_lengths(1, TRUNK) == pytest.approx((1.1 * UPPER, 1.1 * FORE))
    for _ in range(50):
        det.learn(1, ArmImage(3 * UPPER, 3 * FORE, 6 * UPPER, 0.0, 0.0))
    assert det.segment_lengths(1, TRUNK) == pytest.approx((1.25 * UPPER, 1.25 * FORE))
    assert det.segment_lengths(0, TRUNK) == pytest.approx((UPPER, FORE))  # the other arm: its own


# -- the detector ---------------------------------------------------------------------------


def test_a_punch_straight_at_the_camera_is_recognised_with_its_hand_though_the_model_keeps_it_bent() -> None:
    events = run(punch_poses())
    assert [(e.kind, e.hand) for e in events] == [("punch", "right")]
    # At the extension, not after: the strike starts at 1.3 s and is straight at 1.44 s.
    assert 1.3 <= events[0].t_ns / 1e9 <= 1.45


def test_the_left_fist_is_named_left() -> None:
    det = PosePunchDetector()
    hand = [det.update(extract_features(frame(t, HANG, left=pose))) for t, pose in punch_poses()]
    assert [e.hand for evs in hand for e in evs] == ["left"]


@pytest.mark.parametrize("world", [True, False], ids=["metric landmarks", "image landmarks only"])
def test_with_true_depth_the_punch_is_recognised_from_either_landmark_set(world: bool) -> None:
    assert [e.hand for e in run(punch_poses(), stuck=False, world=world)] == ["right"]


def test_a_side_punch_in_the_pictures_plane_is_still_recognised() -> None:
    def poses() -> Iterator[tuple[float, tuple[float, float]]]:
        for i in range(round(2.0 * FPS)):
            t = i / FPS
            # Arm out to the side at shoulder height, elbow from folded (2.2 rad) to straight in 0.15 s.
            k = min(1.0, max(0.0, (t - 1.0) / 0.15))
            yield t, (0.0, 2.2 * (1 - k) + 0.05 * k)

    events = run(poses(), side=math.pi / 2, world=False)
    assert [e.hand for e in events] == ["right"]


def test_a_slow_reach_out_and_a_held_guard_are_not_punches() -> None:
    assert run(punch_poses(extend_s=1.2)) == []

    def guard() -> Iterator[tuple[float, tuple[float, float]]]:
        for i in range(round(3.0 * FPS)):
            t = i / FPS
            # A guard held with a little shake of the fists.
            yield t, (HANG if t < 1.0 else (GUARD[0] + 0.05 * math.sin(9 * t), GUARD[1] + 0.1 * math.sin(7 * t)))

    assert run(guard()) == []


def test_an_arm_held_at_the_camera_or_hanging_is_never_a_punch() -> None:
    still = [(i / FPS, STRIKE if i > 30 else HANG) for i in range(90)]
    # Straight all the time: no bent guard before it, whatever the pose model's flat depth says.
    straight_only = [(t, (min(math.pi / 2, 3 * t), 0.05)) for t, _ in still]
    assert run(iter(straight_only)) == []
