"""The ski mode's picture for the menu: a skier double-poling past a gate on a snowy hillside
under the fells, drawn in code and animated by time."""

from __future__ import annotations

import math

import pygame

from game.modes.ski.view import FELL_FAR, FELL_NEAR, LATER_GATE, NEXT_GATE, POLE, SKI, SKIN, SUIT, SUIT_DARK, _lerp

SKY_TOP = (92, 142, 206)
SKY_LOW = (206, 224, 240)
SNOW = (238, 243, 250)
SPRUCE = (30, 66, 52)
#: Seconds per double-pole cycle in the picture (40 a minute).
CYCLE_S = 1.5


def draw_picture(surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
    """Draw into ``rect`` of ``surface``; ``t_s`` (seconds, any origin) moves the skier's arms
    and scrolls the trees and gates past."""
    x0, y0, w, h = rect.x, rect.y, rect.w, rect.h
    if w < 8 or h < 8:
        return
    clip = surface.get_clip()
    surface.set_clip(rect)
    for i in range(0, h, 4):
        surface.fill(_lerp(SKY_TOP, SKY_LOW, i / h), (x0, y0 + i, w, 4))
    for colour, base, amp, phase in ((FELL_FAR, 0.48, 0.16, 0.4), (FELL_NEAR, 0.58, 0.12, 1.9)):
        pts: list[tuple[float, float]] = [(x0, y0 + h)]
        for k in range(0, w + 6, 6):
            u = k / w * 2 * math.pi
            pts.append((x0 + k, y0 + h * (base - amp * max(0.0, math.sin(u * 1.2 + phase) + 0.3 * math.sin(u * 3 + phase)))))
        pts.append((x0 + w, y0 + h))
        pygame.draw.polygon(surface, colour, pts)

    # The slope: snow rising gently to the right.
    def ground(x: float) -> float:
        return y0 + h * (0.78 - 0.08 * (x - x0) / w)

    pygame.draw.polygon(surface, SNOW, [(x0, ground(x0)), (x0 + w, ground(x0 + w)), (x0 + w, y0 + h), (x0, y0 + h)])
    for k in range(2):
        off = 0.04 * h * (k + 1)
        pygame.draw.line(surface, (196, 208, 228), (x0, ground(x0) + off), (x0 + w, ground(x0 + w) + off), 1)

    scroll = (t_s * 0.12 * w) % w
    for k in range(6):
        tx = x0 + (k * w / 5 - scroll) % (w * 1.2) - w * 0.1
        th = h * (0.2 + 0.05 * (k % 3))
        base = ground(tx)
        for tier in range(3):
            half = th * (0.16 + 0.08 * tier)
            top = base - th + tier * th * 0.25
            pygame.draw.polygon(surface, SPRUCE, [(tx, top), (tx - half, top + th * 0.45), (tx + half, top + th * 0.45)])
    gx = x0 + (w * 0.9 - scroll * 1.6) % (w * 1.3)
    for side, colour in ((-1, NEXT_GATE), (1, LATER_GATE)):
        px = gx + side * w * 0.05
        pygame.draw.line(surface, POLE, (px, ground(px)), (px, ground(px) - h * 0.22), 2)
        pygame.draw.polygon(
            surface,
            colour,
            [(px, ground(px) - h * 0.22), (px - side * w * 0.04, ground(px) - h * 0.19), (px, ground(px) - h * 0.16)],
        )

    # The skier, side on, poling: arms forward and high, then driven back past the hips, the
    # trunk folding forward into each push.
    phase = (t_s % CYCLE_S) / CYCLE_S
    arm = phase / 0.35 if phase < 0.35 else 1.0 - (phase - 0.35) / 0.65
    push = math.sin(math.pi * arm) if phase < 0.35 else 0.0
    sx = x0 + w * 0.38
    foot = ground(sx)
    unit = h * 0.42  # standing height
    knee = (sx + unit * 0.06, foot - unit * 0.26)
    hip = (sx - unit * 0.02, foot - unit * (0.5 - 0.05 * push))
    fold = math.radians(15 + 35 * push)  # trunk angle forward of vertical
    shoulder = (hip[0] + unit * 0.32 * math.sin(fold), hip[1] - unit * 0.32 * math.cos(fold))
    head = (shoulder[0] + unit * 0.07 * math.sin(fold + 0.3), shoulder[1] - unit * 0.1)
    thick = max(3, round(unit * 0.09))
    pygame.draw.line(surface, SKI, (sx - unit * 0.55, foot + 2), (sx + unit * 0.6, foot - unit * 0.07), max(2, thick // 2))
    pygame.draw.line(surface, SUIT_DARK, (sx, foot), knee, thick)
    pygame.draw.line(surface, SUIT_DARK, knee, hip, thick)
    pygame.draw.line(surface, SUIT, hip, shoulder, round(thick * 1.6))
    angle = math.radians(-35 + 150 * arm)  # from forward at head height round to back-down
    elbow = (shoulder[0] + unit * 0.16 * math.cos(angle), shoulder[1] + unit * 0.16 * math.sin(angle))
    hand = (elbow[0] + unit * 0.16 * math.cos(angle + 0.3), elbow[1] + unit * 0.16 * math.sin(angle + 0.3))
    tip = (hand[0] - unit * (0.1 + 0.35 * arm), ground(hand[0]))
    pygame.draw.line(surface, POLE, hand, tip, max(2, thick // 3))
    pygame.draw.line(surface, SUIT, shoulder, elbow, thick)
    pygame.draw.line(surface, SUIT, elbow, hand, thick)
    pygame.draw.circle(surface, SKIN, head, max(3, round(unit * 0.065)))
    pygame.draw.circle(surface, (250, 210, 40), head, max(3, round(unit * 0.068)), draw_top_left=True, draw_top_right=True)
    surface.set_clip(clip)
