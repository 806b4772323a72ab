"""Simulated pose frames: anatomy, squats and jumps in the picture, continuity, MediaPipe conventions."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.samples import PoseFrame
from sensors.sim import DEFAULT_SCRIPT, SimulatedPlayer, parse_script

from sim_helpers import by_type, run

HIPS, KNEES, ANKLES, SHOULDERS = [23, 24], [25, 26], [27, 28], [11, 12]


def y(frame: PoseFrame, idx: list[int]) -> float:
    return float(np.mean(frame.landmarks[idx, 1]))


def foot_y(frame: PoseFrame) -> float:
    """The floor in the picture: the lowest foot point (image y grows downwards)."""
    return float(frame.landmarks[27:33, 1].max())


def nearest(frames: list[PoseFrame], t_ns: float) -> PoseFrame:
    return min(frames, key=lambda f: abs(f.t_host_ns - t_ns))


def test_standing_pose_is_anatomically_ordered_and_centred() -> None:
    frames = by_type(run(SimulatedPlayer(seed=7, script=parse_script("idle:5"), loop=False), 5.0), PoseFrame)
    assert len(frames) == 151  # 30 fps from t0, both ends included
    for f in frames[::10]:
        assert y(f, [0]) < y(f, SHOULDERS) < y(f, HIPS) < y(f, KNEES) < y(f, ANKLES)
        lm = f.landmarks
        assert lm[11, 0] > lm[12, 0] and lm[23, 0] > lm[24, 0]  # the player's left on the image's right
        assert 0.6 < foot_y(f) - lm[:, 1].min() < 0.8  # fills ~70 % of the frame height
        assert abs(float(lm[:, 0].mean()) - 0.5) < 0.05
        assert np.all((lm[:, 3] >= 0.9) & (lm[:, 3] <= 1.0))
        # MediaPipe world: metres, origin between the hips, y down.
        assert np.abs(f.world[HIPS].mean(axis=0)).max() < 0.02
        assert f.world[0, 1] < -0.5 and f.world[27, 1] > 0.7


def test_squats_drop_the_hips_by_their_depth() -> None:
    player = SimulatedPlayer(seed=7, script=parse_script("idle:3,squat:6@20,idle:2"), loop=False)
    frames = by_type(run(player, 11.0), PoseFrame)
    standing = frames[30]
    hip_height = foot_y(standing) - y(standing, HIPS)
    squats = [e for e in player.ground_truth() if e.kind == "squat"]
    assert len(squats) == 2
    for sq in squats:
        assert 0.25 <= sq.magnitude <= 0.45
        bottom = nearest(frames, sq.t_ns)
        drop = y(bottom, HIPS) - y(standing, HIPS)
        assert drop == pytest.approx(sq.magnitude * hip_height, rel=0.05)
        assert foot_y(bottom) == pytest.approx(foot_y(standing), abs=0.01)  # feet stay on the floor
        up = nearest(frames, sq.t_end_ns + 0.1e9)
        assert y(up, HIPS) == pytest.approx(y(standing, HIPS), abs=0.01)


def test_a_jump_raises_every_landmark() -> None:
    player = SimulatedPlayer(seed=4, script=parse_script("idle:3,jump:3,idle:2"), loop=False)
    frames = by_type(run(player, 8.0), PoseFrame)
    (jump,) = [e for e in player.ground_truth() if e.kind == "jump"]
    standing = frames[60]
    apex = nearest(frames, (jump.t_ns + jump.t_end_ns) / 2)
    rise = standing.landmarks[:, 1] - apex.landmarks[:, 1]
    assert np.all(rise > 0.02)
    scale = (foot_y(standing) - y(standing, HIPS)) / (0.530 * player.body.height_m)  # image units per metre
    assert rise[HIPS].mean() / scale == pytest.approx(jump.magnitude + 0.06, abs=0.03)  # pelvis rise (+ toes)


def test_landmarks_move_continuously_through_every_transition() -> None:
    player = SimulatedPlayer(seed=5, script=DEFAULT_SCRIPT, loop=False)
    samples = run(player, 40.0, step_s=0.5)
    player.inject("jump", 40 * 10**9)
    player.inject("squat", 40 * 10**9)
    samples += run(player, 48.0, step_s=0.5, start_s=40.0)
    frames = by_type(samples, PoseFrame)
    world = np.stack([f.world for f in frames]).astype(float)
    step = np.linalg.norm(np.diff(world, axis=0), axis=2)  # metres per frame (1/30 s)
    # Fast arm swings in a jump reach ~10 m/s; a teleport would be far more than 0.4 m in a frame.
    assert step.max() < 0.4
    legs = step[:, 23:33]
    assert legs.max() < 0.25
