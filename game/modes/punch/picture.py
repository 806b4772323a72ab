"""The menu's picture of target punch: a figure punching at targets that pop as they are hit,
drawn in code, looping every :data:`LOOP_S` seconds."""

from __future__ import annotations

import math

import pygame

from game.modes.punch.body import BodyFrame, target_position, target_radius
from game.modes.punch.level import Target
from game.render.palette import PAPER

LOOP_S = 4.0
_COLOURS = {"punch": (240, 120, 48), "reach": (80, 160, 240), "step": (72, 190, 110)}
_SEQUENCE = (("punch", "left"), ("punch", "right"), ("reach", "centre"), ("step", "right"))


def draw_picture(surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
    pygame.draw.rect(surface, (24, 28, 42), rect, border_radius=8)
    body = BodyFrame.stand_in(rect)
    body.sw *= 0.8
    body.arm *= 0.8
    phase = (t_s % LOOP_S) / LOOP_S * len(_SEQUENCE)
    current = int(phase)
    width = max(3, round(body.sw * 0.25))
    colour = (120, 140, 184)
    kind, side = _SEQUENCE[current]
    # The figure: trunk, head, legs; the arm that answers the current target reaches for it.
    pygame.draw.line(surface, colour, (body.sx, body.sy), (body.hx, body.hy), width + 2)
    pygame.draw.circle(surface, colour, (body.sx, body.sy - 0.45 * body.sw), 0.3 * body.sw)
    leg = body.hy - body.sy
    for sign in (-1, 1):
        pygame.draw.line(surface, colour, (body.hx, body.hy), (body.hx + sign * 0.3 * body.sw, body.hy + 1.4 * leg), width)
    frac = phase - current
    for i, (k, s) in enumerate(_SEQUENCE):
        target = Target(i, k, s, 0.0, 1.0, 0.0)
        x, y = target_position(body, target)
        r = target_radius(body) * 0.8
        if i == current:
            reach = min(1.0, frac * 2.5)
            if k == "punch":
                shoulder = (body.sx + (-1 if s == "left" else 1) * 0.5 * body.sw, body.sy)
                hand = (shoulder[0] + (x - shoulder[0]) * reach, shoulder[1] + (y - shoulder[1]) * reach)
                pygame.draw.line(surface, colour, shoulder, hand, width)
            popped = frac > 0.4
            if popped:
                grow = 1.0 + 1.5 * (frac - 0.4)
                pygame.draw.circle(surface, _COLOURS[k], (x, y), r * grow, max(2, round(r / 4)))
            else:
                pygame.draw.circle(surface, _COLOURS[k], (x, y), r)
                pygame.draw.circle(surface, PAPER, (x, y), r, 2)
        elif i > current:
            pulse = 1.0 + 0.05 * math.sin(t_s * 6 + i)
            pygame.draw.circle(surface, _COLOURS[k], (x, y), r * pulse, 2)
