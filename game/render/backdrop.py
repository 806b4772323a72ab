"""Scenery shared by the menu and the runner: sky, parallax hills, ground.

Layers are pre-rendered once per window size, so a frame only blits them.
"""

from __future__ import annotations

import math

import pygame

from game.render.palette import GRASS, GROUND, HILLS_FAR, HILLS_NEAR, SKY_BOTTOM, SKY_TOP, Color


def _lerp(a: Color, b: Color, t: float) -> Color:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _hills(width: int, height: int, colour: Color, base: float, amp: float, seed: float) -> pygame.Surface:
    surf = pygame.Surface((width, height), pygame.SRCALPHA)
    pts = [(0, height)]
    for x in range(0, width + 8, 8):
        u = x / width * 2 * math.pi  # one period per tile, so tiles join seamlessly
        y = base - amp * (0.6 * math.sin(2 * u + seed) + 0.4 * math.sin(5 * u + 2 * seed))
        pts.append((x, round(y)))
    pts.append((width, height))
    pygame.draw.polygon(surf, colour, pts)
    return surf


class Backdrop:
    def __init__(self, size: tuple[int, int]) -> None:
        self.size = size
        w, h = size
        self.ground_y = round(h * 0.78)
        self.sky = pygame.Surface(size)
        for y in range(h):
            pygame.draw.line(self.sky, _lerp(SKY_TOP, SKY_BOTTOM, y / max(1, h - 1)), (0, y), (w, y))
        self.far = _hills(w, h, HILLS_FAR, h * 0.55, h * 0.08, 0.3)
        self.near = _hills(w, h, HILLS_NEAR, h * 0.68, h * 0.06, 1.7)

    def draw(self, screen: pygame.Surface, scroll_px: float = 0.0) -> None:
        w, h = self.size
        screen.blit(self.sky, (0, 0))
        for layer, factor in ((self.far, 0.15), (self.near, 0.35)):
            off = -((scroll_px * factor) % w)
            screen.blit(layer, (off, 0))
            screen.blit(layer, (off + w, 0))
        pygame.draw.rect(screen, GROUND, (0, self.ground_y, w, h - self.ground_y))
        pygame.draw.rect(screen, GRASS, (0, self.ground_y, w, max(4, h // 60)))
        # Ground marks scroll at full speed so the player feels the pace.
        step = max(40, w // 16)
        off = -(scroll_px % step)
        mark_y = self.ground_y + max(4, h // 60) + h // 40
        x = off
        while x < w:
            pygame.draw.line(screen, (96, 78, 54), (x, mark_y), (x + step * 0.4, mark_y), 3)
            x += step
