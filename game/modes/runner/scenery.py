"""The runner's world behind the track: sky, fells, a pine forest and a textured path.

Every layer is drawn once per window size into a surface as wide as the window whose picture
repeats across its width, so a frame only blits each layer twice at its parallax offset
(:meth:`Scenery.draw`). Farther layers scroll slower (factor of the track's scroll), which is
what makes the flat picture read as depth.
"""

from __future__ import annotations

import math
import random

import pygame

from game.render.palette import Color

SKY_TOP: Color = (104, 168, 226)
SKY_LOW: Color = (222, 238, 246)
SUN: Color = (255, 244, 206)
CLOUD: Color = (250, 252, 255)
FELL_FAR: Color = (150, 178, 196)
FELL_SNOW: Color = (236, 242, 248)
FELL_NEAR: Color = (104, 146, 138)
PINE_FAR: Color = (58, 108, 84)
PINE_NEAR: Color = (34, 80, 58)
TRUNK: Color = (92, 64, 44)
GRASS_TOP: Color = (110, 178, 80)
GRASS_DARK: Color = (78, 140, 62)
PATH: Color = (176, 140, 96)
PATH_DARK: Color = (150, 116, 78)
STONE: Color = (128, 120, 112)
SOIL: Color = (104, 82, 58)

#: Parallax factors: share of the track's scroll each layer moves by.
CLOUD_F, FELL_FAR_F, FELL_NEAR_F, FOREST_F = 0.03, 0.08, 0.18, 0.45


def _lerp(a: Color, b: Color, t: float) -> Color:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


def _ridge(
    width: int, height: int, base: float, amp: float, seed: int, colour: Color, snow_above: float | None = None
) -> pygame.Surface:
    """A hill line that repeats across ``width``: a sum of sines whose periods divide it; tops
    higher than ``snow_above`` (pixels from the top) are white, the fells in spring."""
    surf = pygame.Surface((width, height), pygame.SRCALPHA)
    rng = random.Random(seed)
    waves = [(k, rng.uniform(0, 2 * math.pi), rng.uniform(0.3, 1.0) / k) for k in (1, 2, 3, 5, 8)]
    norm = sum(a for _, _, a in waves)
    pts = [(0, height)]
    for x in range(0, width + 4, 4):
        u = x / width * 2 * math.pi
        y = base - amp * sum(a * math.sin(k * u + p) for k, p, a in waves) / norm
        pts.append((x, round(y)))
    pts.append((width, height))
    pygame.draw.polygon(surf, colour, pts)
    if snow_above is not None:
        for x, y in pts[1:-1]:
            if y < snow_above:
                depth = min(snow_above - y, height * 0.02 + (snow_above - y) * 0.5)
                pygame.draw.line(surf, FELL_SNOW, (x, y), (x, y + depth), 5)
    return surf


def _pine(surf: pygame.Surface, x: float, ground: float, height: float, colour: Color) -> None:
    """A spruce: three stacked triangles on a short trunk."""
    w = height * 0.42
    pygame.draw.rect(surf, TRUNK, (x - w * 0.06, ground - height * 0.18, w * 0.12, height * 0.2))
    for i, (top, base_w) in enumerate(((0.0, 0.55), (0.25, 0.8), (0.5, 1.0))):
        y0 = ground - height * (1.0 - top)
        y1 = ground - height * (0.15 + 0.3 * (2 - i) / 2) + height * 0.1 * i
        pygame.draw.polygon(surf, colour, [(x, y0), (x - w * base_w / 2, y1), (x + w * base_w / 2, y1)])


def _forest(width: int, height: int, ground: float, tree_h: float, colour: Color, seed: int, n: int) -> pygame.Surface:
    surf = pygame.Surface((width, height), pygame.SRCALPHA)
    rng = random.Random(seed)
    pygame.draw.rect(surf, colour, (0, round(ground - tree_h * 0.22), width, height))
    for _ in range(n):
        x = rng.uniform(0, width)
        h = tree_h * rng.uniform(0.6, 1.1)
        for xx in (x, x - width, x + width):  # wrap, so the tile repeats without a seam
            _pine(surf, xx, ground, h, colour)
    return surf


def _clouds(width: int, height: int, seed: int) -> pygame.Surface:
    surf = pygame.Surface((width, height), pygame.SRCALPHA)
    rng = random.Random(seed)
    for _ in range(5):
        cx, cy = rng.uniform(0, width), rng.uniform(height * 0.06, height * 0.3)
        s = rng.uniform(0.6, 1.2) * height * 0.05
        for dx, dy, r in ((0, 0, 1.0), (1.1, 0.2, 0.8), (-1.1, 0.25, 0.75), (0.5, -0.45, 0.7)):
            for xx in (cx, cx - width, cx + width):
                pygame.draw.circle(surf, (*CLOUD, 210), (xx + dx * s, cy + dy * s), r * s)
    return surf


def _ground_tile(width: int, height: int, ground_y: int, seed: int) -> pygame.Surface:
    """The strip from the horizon of the track down: grass edge, a sandy path with stones and
    ruts, soil below. Repeats across ``width``."""
    h = height - ground_y
    surf = pygame.Surface((width, h))
    rng = random.Random(seed)
    edge = max(6, height // 70)
    path_h = round(h * 0.42)
    surf.fill(SOIL)
    for row in range(edge, edge + path_h):
        pygame.draw.line(surf, _lerp(PATH, PATH_DARK, (row - edge) / path_h), (0, row), (width, row))
    pygame.draw.rect(surf, GRASS_TOP, (0, 0, width, edge))
    pygame.draw.rect(surf, GRASS_DARK, (0, edge + path_h, width, max(3, edge // 2)))
    for _ in range(width // 6):  # grass tufts along the edge
        x = rng.uniform(0, width)
        tuft = rng.uniform(0.6, 1.4) * edge
        for xx in (x, x - width):
            pygame.draw.line(surf, GRASS_DARK, (xx, edge), (xx + rng.uniform(-3, 3), edge - tuft * 0.3), 2)
    for _ in range(width // 18):  # stones and pebbles on the path
        x, y = rng.uniform(0, width), rng.uniform(edge + 4, edge + path_h - 4)
        r = rng.uniform(1.5, 5.0) * height / 720
        for xx in (x, x - width, x + width):
            pygame.draw.ellipse(surf, STONE, (xx - r, y - r * 0.6, 2 * r, 1.2 * r))
    for _ in range(width // 40):  # ruts: short darker strokes, the path's grain
        x, y = rng.uniform(0, width), rng.uniform(edge + 6, edge + path_h - 6)
        ln = rng.uniform(15, 50)
        for xx in (x, x - width):
            pygame.draw.line(surf, PATH_DARK, (xx, y), (xx + ln, y), 2)
    for _ in range(width // 25):  # soil speckles
        x, y = rng.uniform(0, width), rng.uniform(edge + path_h + 6, h)
        pygame.draw.circle(surf, _lerp(SOIL, (70, 54, 38), rng.random()), (x, y), rng.uniform(1, 3))
    return surf


def _fit(layer: pygame.Surface, bottom: int) -> tuple[pygame.Surface, int]:
    """The rows of ``layer`` that hold anything, down to ``bottom`` (what lies below is covered by
    the ground), full width so it still tiles; and the row they start at."""
    w, _ = layer.get_size()
    box = layer.get_bounding_rect()
    top = box.top
    out = layer.subsurface((0, top, w, max(1, min(bottom, box.bottom) - top))).copy()
    if pygame.display.get_surface() is not None:
        out = out.convert_alpha()
    return out, top


class Scenery:
    """The runner's pre-rendered layers for one window size; ``ground_y`` is the track's line."""

    def __init__(self, size: tuple[int, int], seed: int = 0) -> None:
        self.size = size
        w, h = size
        self.ground_y = round(h * 0.74)
        self.sky = pygame.Surface(size)
        for y in range(h):
            self.sky.fill(_lerp(SKY_TOP, SKY_LOW, min(1.0, y / (h * 0.7))), (0, y, w, 1))
        sun = (round(w * 0.78), round(h * 0.16))
        for r, a in ((h * 0.09, 40), (h * 0.065, 80), (h * 0.045, 255)):
            glow = pygame.Surface((round(2 * r), round(2 * r)), pygame.SRCALPHA)
            pygame.draw.circle(glow, (*SUN, a), (r, r), r)
            self.sky.blit(glow, (sun[0] - r, sun[1] - r))
        self.clouds = _clouds(w, h, seed + 1)
        self.fell_far = _ridge(w, h, h * 0.44, h * 0.16, seed + 2, FELL_FAR, snow_above=h * 0.34)
        self.fell_near = _ridge(w, h, h * 0.56, h * 0.08, seed + 3, FELL_NEAR)
        self.forest_far = _forest(w, h, self.ground_y - h * 0.05, h * 0.16, PINE_FAR, seed + 4, 70)
        self.forest_near = _forest(w, h, self.ground_y + 2, h * 0.22, PINE_NEAR, seed + 5, 28)
        self.ground = _ground_tile(w, h, self.ground_y, seed + 6)
        # Blitting only the rows a layer covers, in the display's pixel format, is what keeps
        # six full-width layers a frame cheap (a few ms at 1280x720 instead of over ten).
        self.layers = [
            (_fit(layer, h if layer is self.forest_far or layer is self.forest_near else self.ground_y), factor)
            for layer, factor in (
                (self.clouds, CLOUD_F),
                (self.fell_far, FELL_FAR_F),
                (self.fell_near, FELL_NEAR_F),
                (self.forest_far, FOREST_F * 0.7),
                (self.forest_near, FOREST_F),
            )
        ]
        if pygame.display.get_surface() is not None:
            self.sky = self.sky.convert()
            self.ground = self.ground.convert()
        self.track_y = self.ground_y + max(6, h // 70) + round((h - self.ground_y) * 0.21)
        """Where the runner's feet touch the path (pixels): the middle of the path."""

    def _tile(self, screen: pygame.Surface, layer: pygame.Surface, offset_px: float, y: int = 0) -> None:
        w = self.size[0]
        x = -round(offset_px % w)
        screen.blit(layer, (x, y))
        screen.blit(layer, (x + w, y))

    def draw(self, screen: pygame.Surface, scroll_px: float) -> None:
        """The whole background for a track scrolled by ``scroll_px`` pixels."""
        screen.blit(self.sky, (0, 0))
        for (layer, y), factor in self.layers:
            self._tile(screen, layer, scroll_px * factor, y)
        self._tile(screen, self.ground, scroll_px, self.ground_y)
