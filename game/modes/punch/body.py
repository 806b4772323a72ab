"""Where a player's body is on screen, and where each target goes around it.

:class:`BodyFrame` is a player's size and place in screen pixels: shoulder centre, shoulder
width, arm length, hip centre. It is read from the player's own pose (mirrored, as the player
sees themself) so targets sit at the player's real reach, or, without a pose (keyboard play),
from a stand-in figure sized to the player's part of the screen. It follows the pose with a
short time constant, so targets do not shake with landmark jitter.

Target places (:func:`target_position`) are in units of the player's own arm length ``arm`` and
shoulder width ``sw``, "left" being the player's own left, which the mirrored picture shows on
the left of the screen:

- punch: at shoulder height, just outside the shoulder (a straight punch seen in a mirror);
- reach: an arm's length above the shoulders (centre, or above one shoulder);
- squat: at the hips' height: the head must come down to it;
- step: at hip height, a whole step (shoulder width plus most of an arm) to the side;
- lean: at head height, half an arm beyond the shoulder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pygame

from game.modes.punch.level import Target

# BlazePose landmark indices.
NOSE, L_SH, R_SH, L_EL, R_EL, L_WR, R_WR, L_HIP, R_HIP = 0, 11, 12, 13, 14, 15, 16, 23, 24
VISIBLE = 0.5
#: Time constant (s) with which the frame follows the pose.
FOLLOW_TAU_S = 0.25


@dataclass
class BodyFrame:
    """A player's body on screen (pixels): shoulder centre (``sx``, ``sy``), shoulder width
    ``sw``, arm length ``arm`` (shoulder to wrist, straight), hip centre (``hx``, ``hy``)."""

    sx: float
    sy: float
    sw: float
    arm: float
    hx: float
    hy: float

    @classmethod
    def stand_in(cls, area: pygame.Rect) -> BodyFrame:
        """A standing figure in the middle of ``area``, its feet near the bottom, about 60 % of
        the area's height tall (shoulders at 0.82 of the height, hips at 0.53, shoulder width
        0.26 and arm 0.38 of it: Winter's segment proportions)."""
        tall = 0.6 * area.h
        floor = area.bottom - 0.08 * area.h
        return cls(
            sx=area.centerx,
            sy=floor - 0.82 * tall,
            sw=0.26 * tall,
            arm=0.38 * tall,
            hx=area.centerx,
            hy=floor - 0.53 * tall,
        )

    def follow(self, other: BodyFrame, dt: float) -> None:
        """Move towards ``other`` with time constant :data:`FOLLOW_TAU_S`."""
        a = 1.0 - math.exp(-max(dt, 0.0) / FOLLOW_TAU_S)
        for name in ("sx", "sy", "sw", "arm", "hx", "hy"):
            mine = getattr(self, name)
            setattr(self, name, mine + a * (getattr(other, name) - mine))


def picture_rect(area: pygame.Rect, aspect_wh: float) -> pygame.Rect:
    """The largest rectangle of the picture's aspect centred in ``area`` (the camera's view of
    one player, fitted to their part of the screen)."""
    w = min(area.w, area.h * aspect_wh)
    h = w / aspect_wh
    r = pygame.Rect(0, 0, round(w), round(h))
    r.center = area.center
    return r


def screen_points(landmarks: np.ndarray, zone: tuple[float, float], view: pygame.Rect) -> np.ndarray:
    """Landmarks (33, 4; x, y normalised to the whole camera picture) as screen pixels (33, 2)
    in ``view``, which shows the ``zone`` (x0, x1 of the picture's width) mirrored."""
    x0, x1 = zone
    u = (landmarks[:, 0] - x0) / (x1 - x0)
    px = view.x + (1.0 - u) * view.w
    py = view.y + landmarks[:, 1] * view.h
    return np.stack([px, py], axis=1)


def frame_from_pose(landmarks: np.ndarray, pts: np.ndarray) -> BodyFrame | None:
    """The body frame of a pose (``pts``: its screen points), or None when the shoulders and
    hips are not seen. The arm is the longer of the two seen (a bent arm looks short)."""
    vis = landmarks[:, 3]
    if min(vis[L_SH], vis[R_SH], vis[L_HIP], vis[R_HIP]) < VISIBLE:
        return None
    sh = (pts[L_SH] + pts[R_SH]) / 2
    hip = (pts[L_HIP] + pts[R_HIP]) / 2
    sw = float(np.hypot(*(pts[L_SH] - pts[R_SH])))
    trunk = float(np.hypot(*(sh - hip)))
    arms = [
        float(np.hypot(*(pts[s] - pts[e])) + np.hypot(*(pts[e] - pts[w])))
        for s, e, w in ((L_SH, L_EL, L_WR), (R_SH, R_EL, R_WR))
        if min(vis[s], vis[e], vis[w]) >= VISIBLE
    ]
    # Upper limb ~1.3 trunk lengths (Winter: shoulder-wrist 0.376 H, shoulder-hip 0.288 H).
    arm = max(arms) if arms else 1.3 * trunk
    arm = min(max(arm, 1.0 * trunk), 1.6 * trunk)
    sw = max(sw, 0.5 * trunk)  # a player turned sideways still gets targets beside them
    return BodyFrame(float(sh[0]), float(sh[1]), sw, arm, float(hip[0]), float(hip[1]))


def target_position(body: BodyFrame, target: Target) -> tuple[float, float]:
    """Screen position (pixels) of ``target`` around ``body`` (see the module docstring)."""
    sign = -1.0 if target.side == "left" else 1.0 if target.side == "right" else 0.0
    b = body
    if target.kind == "punch":
        return b.sx + sign * (0.5 * b.sw + 0.45 * b.arm), b.sy - 0.05 * b.arm
    if target.kind == "reach":
        return b.sx + sign * 0.5 * b.sw, b.sy - 1.0 * b.arm
    if target.kind == "squat":
        return b.sx, b.hy
    if target.kind == "step":
        return b.hx + sign * (b.sw + 0.8 * b.arm), b.hy
    return b.sx + sign * (0.5 * b.sw + 0.55 * b.arm), b.sy - 0.45 * b.arm  # lean


def target_radius(body: BodyFrame) -> float:
    return max(14.0, 0.24 * body.arm)
