"""Draws a 33-landmark BlazePose skeleton into a rectangle."""

from __future__ import annotations

import math

import numpy as np
import pygame

from game.render.palette import BAD, GOOD, MUTED, Color

# Landmark pairs joined by bones (MediaPipe Pose landmark indices).
BONES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 23), (12, 24), (23, 24),  # trunk
    (11, 13), (13, 15), (12, 14), (14, 16),  # arms
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),  # left leg
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),  # right leg
    (0, 11), (0, 12),  # head to shoulders
)  # fmt: skip

VISIBLE = 0.5


def draw_skeleton(
    target: pygame.Surface,
    landmarks: np.ndarray,
    rect: pygame.Rect,
    mirror: bool = True,
    colour: Color = GOOD,
) -> None:
    """Draw normalised landmarks (33 x [x, y, z, visibility]) scaled into ``rect``.

    ``mirror`` flips left and right so players see themselves as in a mirror.
    Low-visibility joints are drawn muted so the player sees what the camera misses.
    """
    xs = landmarks[:, 0]
    if mirror:
        xs = 1.0 - xs
    px = (rect.x + xs * rect.w).tolist()
    py = (rect.y + landmarks[:, 1] * rect.h).tolist()
    vis = landmarks[:, 3].tolist()
    width = max(2, rect.h // 90)
    for a, b in BONES:
        ok = vis[a] >= VISIBLE and vis[b] >= VISIBLE
        pygame.draw.line(target, colour if ok else MUTED, (px[a], py[a]), (px[b], py[b]), width)
    for i in (0, 11, 12, 13, 14, 15, 16, 23, 24, 25, 26, 27, 28):
        pygame.draw.circle(target, colour if vis[i] >= VISIBLE else BAD, (px[i], py[i]), width + 2)
    # Head circle sized from the shoulder span, as BlazePose has no head-top landmark.
    span = math.hypot(px[11] - px[12], py[11] - py[12])
    if vis[0] >= VISIBLE:
        pygame.draw.circle(target, colour, (px[0], py[0]), max(6, span * 0.35), width)
