"""Particle bursts and popups: added, aged, capped, drawn."""

from __future__ import annotations

import numpy as np
import pygame
import pytest

from game.render.effects import MAX_PARTICLES, POPUP_S, Effects


@pytest.fixture(autouse=True)
def fonts() -> None:
    pygame.font.init()


def test_a_burst_flies_falls_and_fades() -> None:
    fx = Effects(seed=1)
    fx.burst((100, 100), (250, 200, 40), count=30, life_s=0.5)
    assert fx.life.size == 30
    start = fx.pos.copy()
    for _ in range(10):
        fx.update(0.02)
    assert np.mean(np.linalg.norm(fx.pos - start, axis=1)) > 10  # they moved apart
    for _ in range(40):
        fx.update(0.02)
    assert len(fx) == 0  # all spent after their life


def test_particles_are_capped_oldest_first() -> None:
    fx = Effects()
    for i in range(MAX_PARTICLES // 50 + 5):
        fx.burst((float(i), 0.0), (255, 0, 0), count=50)
    assert fx.life.size == MAX_PARTICLES
    assert fx.pos[-1, 0] == MAX_PARTICLES // 50 + 4  # the newest burst kept


def test_popups_rise_and_go() -> None:
    fx = Effects()
    fx.popup("+50", (200, 200), (72, 170, 96))
    fx.update(0.2)
    assert fx.popups[0].y < 200
    fx.update(POPUP_S)
    assert fx.popups == []


def test_draw_puts_pixels_on_the_screen() -> None:
    screen = pygame.Surface((320, 180))
    fx = Effects()
    fx.burst((160, 90), (255, 255, 0))
    fx.popup("hit!", (160, 60), (255, 255, 255))
    fx.update(0.05)
    fx.draw(screen)
    pixels = pygame.surfarray.array3d(screen)
    assert pixels.reshape(-1, 3).max(axis=0).tolist()[:2] == [255, 255]
    fx.update(POPUP_S * 0.8)  # fading: drawn on a copy, the cached text stays opaque
    fx.draw(screen)
    fx.clear()
    assert len(fx) == 0
