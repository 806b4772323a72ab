"""The runner's figure: a jogger in shirt, shorts and shoes, drawn from a few joint angles.

Segment lengths are shares of the body height H from Winter's anthropometric table (Winter DA,
Biomechanics and Motor Control of Human Movement, 4th ed., 2009, Fig. 4.1): thigh 0.245 H,
shank 0.246 H, upper arm 0.186 H, forearm and hand 0.254 H (0.146 + 0.108), hip to shoulder
0.288 H, head (chin to crown) 0.130 H. Limbs are thick lines with round joints, so the figure
reads as a person at a glance and costs a dozen draw calls a frame.
"""

from __future__ import annotations

import math

import pygame

from game.render.palette import Color

SKIN: Color = (238, 196, 160)
HAIR: Color = (92, 60, 36)
SHIRT: Color = (236, 112, 52)
SHIRT_HURT: Color = (214, 64, 64)
SHORTS: Color = (40, 56, 110)
SHOE: Color = (245, 245, 245)
LIMB_BACK = 0.78  # shade of the far arm and leg

THIGH, SHANK, UPPER_ARM, FOREARM, TRUNK, HEAD = 0.245, 0.246, 0.186, 0.254, 0.288, 0.130


def _shade(c: Color, f: float) -> Color:
    return (round(c[0] * f), round(c[1] * f), round(c[2] * f))


def _limb(screen: pygame.Surface, colour: Color, pts: list[tuple[float, float]], width: int) -> None:
    for a, b in zip(pts, pts[1:], strict=False):
        pygame.draw.line(screen, colour, a, b, width)
    for p in pts:
        pygame.draw.circle(screen, colour, p, width / 2)


def _chain(start: tuple[float, float], lengths: tuple[float, float], angles: tuple[float, float]) -> list[tuple[float, float]]:
    """Joint positions down a two-segment limb; angles in radians from straight down, forward
    (to the right, the running direction) positive."""
    x, y = start
    out = [start]
    for ln, a in zip(lengths, angles, strict=True):
        x, y = x + ln * math.sin(a), y + ln * math.cos(a)
        out.append((x, y))
    return out


def draw_runner(
    screen: pygame.Surface,
    x: float,
    foot_y: float,
    height_px: float,
    phase: float,
    *,
    running: float = 1.0,
    airborne: bool = False,
    ducking: bool = False,
    hurt: bool = False,
) -> None:
    """The figure with its feet at (``x``, ``foot_y``), ``height_px`` tall standing.

    ``phase``: the stride's phase in radians (one step per pi); ``running``: 0 (standing) .. 1
    (full swing of the limbs).
    """
    H = height_px
    s = math.sin(phase) * running
    c = math.cos(phase) * running
    if airborne:  # tucked: both knees up, arms up and forward
        hips = ((0.55, 1.9), (0.35, 1.6))
        arms = ((-0.9, -1.6), (-1.3, -1.9))
        lean = 0.15
        hip_y = foot_y - H * (THIGH + SHANK) * 0.85
    elif ducking:  # a deep squat: thighs near level, trunk forward
        hips = ((1.3, -1.75), (1.2, -1.6))  # thighs near level, shanks back down to the feet
        arms = ((0.9, 1.5), (0.7, 1.3))
        lean = 0.75
        hip_y = foot_y - H * (THIGH * math.cos(1.3) + SHANK * math.cos(0.3))
    else:
        # The swing leg (its thigh moving forward, cos > 0) folds its knee most as it passes
        # under the hip; the stance leg stays nearly straight.
        hips = ((0.6 * s, -0.15 - 1.4 * max(0.0, c)), (-0.6 * s, -0.15 - 1.4 * max(0.0, -c)))
        arms = ((-0.6 * s, 1.2), (0.6 * s, 1.2))
        lean = 0.12 * running
        bounce = abs(math.sin(phase)) * H * 0.02 * running
        hip_y = foot_y - H * (THIGH + SHANK) * 0.97 - bounce
    hip = (x, hip_y)
    neck = (x + math.sin(lean) * H * TRUNK, hip_y - math.cos(lean) * H * TRUNK)
    limb_w = max(4, round(H * 0.055))
    body_c = SHIRT_HURT if hurt else SHIRT

    def leg(i: int, shade: float) -> None:
        thigh_a, knee_a = hips[i]
        pts = _chain(hip, (H * THIGH, H * SHANK), (thigh_a, thigh_a + knee_a))
        _limb(screen, _shade(SKIN, shade), pts[1:], limb_w)
        _limb(screen, _shade(SHORTS, shade), pts[:2], limb_w + 3)
        foot = pts[2]
        pygame.draw.ellipse(screen, _shade(SHOE, shade), (foot[0] - limb_w * 0.6, foot[1] - limb_w * 0.5, limb_w * 2.2, limb_w))

    def arm(i: int, shade: float) -> None:
        up, fore = arms[i]
        shoulder = (neck[0], neck[1] + H * 0.03)
        pts = _chain(shoulder, (H * UPPER_ARM, H * FOREARM * 0.85), (up * 0.5 + 0.1, up * 0.5 + 0.1 + fore))
        _limb(screen, _shade(SKIN, shade), pts[1:], limb_w - 1)
        _limb(screen, _shade(body_c, shade), pts[:2], limb_w + 1)

    leg(1, LIMB_BACK)
    arm(1, LIMB_BACK)
    # Trunk: a rounded shirt from the hips to the shoulders, shorts at the hips.
    _limb(screen, body_c, [hip, neck], round(limb_w * 2.4))
    pygame.draw.circle(screen, SHORTS, hip, limb_w * 1.25)
    leg(0, 1.0)
    head_r = H * HEAD / 2
    head = (neck[0] + math.sin(lean) * head_r * 1.2, neck[1] - head_r * 1.15)
    pygame.draw.circle(screen, SKIN, head, head_r)
    pygame.draw.ellipse(screen, HAIR, (head[0] - head_r * 1.05, head[1] - head_r * 1.1, head_r * 1.9, head_r * 1.1))
    pygame.draw.circle(screen, (40, 40, 40), (head[0] + head_r * 0.45, head[1] - head_r * 0.05), max(1.5, head_r * 0.12))
    arm(0, 1.0)
