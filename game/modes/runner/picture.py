"""The runner's picture for the menu: the jogger running along a path past a hurdle, jumping it,
with a coin arc over it; drawn in code, animated by the time."""

from __future__ import annotations

import pygame

from game.modes.runner.figure import draw_runner
from game.modes.runner.scenery import GRASS_TOP, PATH, PINE_NEAR, SKY_LOW, SKY_TOP

#: Seconds of one loop of the picture: run in, jump the hurdle, run on.
LOOP_S = 2.4
COIN: tuple[int, int, int] = (250, 204, 48)


def draw_picture(surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
    """Draw into ``rect`` of ``surface``; ``t_s`` any running time in seconds."""
    clip = surface.get_clip()
    surface.set_clip(rect)
    h = rect.h
    for i in range(8):  # sky in bands: a cheap gradient
        t = i / 7
        c = tuple(round(a + (b - a) * t) for a, b in zip(SKY_TOP, SKY_LOW, strict=True))
        surface.fill(c, (rect.x, rect.y + i * h * 0.7 / 8, rect.w, h * 0.7 / 8 + 1))
    ground = rect.y + round(h * 0.72)
    scroll = (t_s * rect.w * 0.35) % (rect.w * 0.5)
    for k in range(-1, 4):  # pines drifting by
        x = rect.x + k * rect.w * 0.5 - scroll * 0.5
        for dx, th in ((0.0, 0.32), (0.18, 0.24)):
            cx = x + dx * rect.w
            pygame.draw.polygon(
                surface, PINE_NEAR, [(cx, ground - th * h), (cx - 0.06 * rect.w, ground), (cx + 0.06 * rect.w, ground)]
            )
    surface.fill(GRASS_TOP, (rect.x, ground, rect.w, rect.bottom - ground))
    surface.fill(PATH, (rect.x, ground + h * 0.04, rect.w, h * 0.12))
    feet = ground + h * 0.1

    u = (t_s % LOOP_S) / LOOP_S
    runner_x = rect.x + rect.w * 0.3
    hurdle_x = rect.x + rect.w * (1.05 - 0.9 * u)  # the hurdle comes towards the runner
    jump = max(0.0, 1.0 - ((hurdle_x - runner_x) / (rect.w * 0.12)) ** 2)  # airborne as it passes
    lift = jump * h * 0.16
    post = max(2, h // 40)
    top = feet - h * 0.12
    pygame.draw.rect(surface, (240, 240, 236), (hurdle_x - rect.w * 0.04, top, rect.w * 0.08, post * 2))
    pygame.draw.rect(surface, (214, 64, 64), (hurdle_x - rect.w * 0.015, top, rect.w * 0.03, post * 2))
    for dx in (-0.03, 0.03):
        pygame.draw.rect(surface, (240, 240, 236), (hurdle_x + dx * rect.w - post / 2, top, post, feet - top))
    for k in range(4):  # a coin arc over the hurdle: taken as the runner flies through it
        u = -1.0 + 2.0 * k / 3
        x = hurdle_x + u * rect.w * 0.05
        y = feet - h * (0.41 + 0.07 * (1 - u * u))
        if x > runner_x + rect.w * 0.02:
            pygame.draw.circle(surface, COIN, (x, y), max(2, h // 30))
    draw_runner(surface, runner_x, feet - lift, h * 0.42, t_s * 9.0, airborne=jump > 0.15)
    surface.set_clip(clip)
