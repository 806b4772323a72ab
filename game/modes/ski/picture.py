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

    # The skier, side on, poling: arms forward and high, then driven back past the hips.
    phase = (t_s % CYCLE_S) / CYCLE_S
    push = math.sin(math.pi * min(1.0, phase / 0.4)) if phase < 0.4 else 0.0
    arm = phase / 0.4 if phase < 0.4 else 1.0 - (phase - 0.4) / 0.6
    sx = x0 + w * 0.4
    foot = ground(sx)
    unit = h * 0.3
    hip = (sx, foot - unit * (0.5 - 0.08 * push))
    shoulder = (sx + unit * (0.1 + 0.15 * push), hip[1] - unit * 0.4)
    head = (shoulder[0] + unit * 0.08, shoulder[1] - unit * 0.13)
    pygame.draw.line(surface, SKI, (sx - unit * 0.6, foot + unit * 0.04), (sx + unit * 0.7, foot - unit * 0.06), 3)
    pygame.draw.line(surface, SUIT_DARK, (sx, foot), hip, max(2, round(unit * 0.08)))
    pygame.draw.line(surface, SUIT, hip, shoulder, max(3, round(unit * 0.14)))
    angle = math.radians(-60 + 150 * arm)  # forward-up to back-down
    hand = (shoulder[0] + unit * 0.35 * math.cos(angle), shoulder[1] + unit * 0.35 * math.sin(angle))
    tip = (hand[0] - unit * 0.25 - unit * 0.2 * arm, ground(hand[0]))
    pygame.draw.line(surface, POLE, hand, tip, 2)
    pygame.draw.line(surface, SUIT, shoulder, hand, max(2, round(unit * 0.07)))
    pygame.draw.circle(surface, SKIN, head, max(2, round(unit * 0.09)))
    pygame.draw.circle(surface, (250, 210, 40), (head[0], head[1] - unit * 0.04), max(2, round(unit * 0.07)))
    surface.set_clip(clip)
