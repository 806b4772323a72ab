"""Targets sit around the player's own body: placed by their shoulder width and arm length in
the picture, mirrored as the player sees themself, following the pose without its jitter."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from game.modes.punch.body import BodyFrame, frame_from_pose, picture_rect, screen_points, target_position
from game.modes.punch.level import Target
from sensors.samples import PoseFrame
from sensors.sim.body import BodyParams, Camera
from sensors.sim.player import SimulatedPlayer

S = 1_000_000_000


def standing_landmarks(height_m: float = 1.75, fill: float = 0.7) -> np.ndarray:
    player = SimulatedPlayer(seed=1, script="idle:10", body=BodyParams(height_m=height_m), camera=Camera(fill=fill))
    frames = [s for s in player.advance_to(S) if isinstance(s, PoseFrame)]
    return np.array(frames[-1].landmarks)


def target(kind: str, side: str) -> Target:
    return Target(0, kind, side, 1.0, 1.0, 0.0)


def test_the_frame_is_the_players_own_size_and_mirrored() -> None:
    view = pygame.Rect(0, 0, 800, 600)
    lm = standing_landmarks()
    pts = screen_points(lm, (0.0, 1.0), view)
    body = frame_from_pose(lm, pts)
    assert body is not None
    # Winter's proportions: shoulder width 0.259 H, upper limb (shoulder to wrist) 0.333 H.
    height_px = 0.7 * 600
    assert body.sw == pytest.approx(0.259 * height_px, rel=0.15)
    assert body.arm == pytest.approx(0.333 * height_px, rel=0.15)
    # Mirrored: the player's left shoulder (landmark 11) is on the left of the screen.
    assert pts[11, 0] < pts[12, 0]


def test_targets_scale_with_the_player_and_go_to_their_own_side() -> None:
    view = pygame.Rect(0, 0, 800, 600)
    near, far = standing_landmarks(fill=0.8), standing_landmarks(fill=0.4)
    bodies = [frame_from_pose(lm, screen_points(lm, (0.0, 1.0), view)) for lm in (near, far)]
    assert bodies[0] is not None and bodies[1] is not None
    for kind in ("punch", "step", "lean"):
        (lx, _), (rx, _) = (target_position(bodies[0], target(kind, s)) for s in ("left", "right"))
        assert lx < bodies[0].sx < rx
        spread_near = rx - lx
        (lx, _), (rx, _) = (target_position(bodies[1], target(kind, s)) for s in ("left", "right"))
        assert spread_near == pytest.approx(2 * (rx - lx), rel=0.1)  # twice as big, twice as far out
    reach = target_position(bodies[0], target("reach", "centre"))
    squat = target_position(bodies[0], target("squat", "centre"))
    assert reach[1] < bodies[0].sy - 0.8 * bodies[0].arm and squat[1] == pytest.approx(bodies[0].hy)


def test_two_zones_each_fill_their_own_half() -> None:
    area = pygame.Rect(640, 144, 640, 576)
    view = picture_rect(area, 4 / 3 * 0.5)
    assert view.h == area.h and area.contains(view)
    lm = standing_landmarks()
    lm[:, 0] = 0.5 + lm[:, 0] * 0.5  # the player stands in the picture's right half
    pts = screen_points(lm, (0.5, 1.0), view)
    assert (pts[:, 0] > view.x).all() and (pts[:, 0] < view.right).all()


def test_no_shoulders_or_hips_no_frame_and_the_frame_follows_smoothly() -> None:
    lm = standing_landmarks()
    lm[23, 3] = 0.1
    assert frame_from_pose(lm, screen_points(lm, (0.0, 1.0), pygame.Rect(0, 0, 800, 600))) is None
    a = BodyFrame.stand_in(pygame.Rect(0, 0, 400, 600))
    b = BodyFrame(a.sx + 100, a.sy, a.sw, a.arm, a.hx + 100, a.hy)
    start = a.sx
    a.follow(b, 0.25)  # one time constant: about 63 % of the way
    assert a.sx - start == pytest.approx(63.2, abs=0.5)
