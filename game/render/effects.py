"""Hit, miss and combo feedback every mode can use: particle bursts and rising text popups.

Cheap by design: particles are a few numpy arrays updated together, drawn as small filled
circles; the whole set is capped (:data:`MAX_PARTICLES`), oldest dropped first, so a storm of
hits never costs a frame. Positions are screen pixels, times seconds, speeds pixels per second.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pygame

from game.render.palette import Color
from game.render.text import TextCache

MAX_PARTICLES = 400  # at about 5 us a spark, a full set costs 2 ms of a 16.7 ms frame
GRAVITY_PX_S2 = 900.0  # pulls sparks down so a burst reads as a burst, not a ring
POPUP_S = 0.9  # how long a popup stays
POPUP_RISE_PX_S = 90.0


@dataclass
class Popup:
    text: str
    x: float
    y: float
    colour: Color
    size: int
    age_s: float = 0.0


class Effects:
    """A scene's particles and popups. ``burst`` and ``popup`` add, ``update`` ages, ``draw`` shows."""

    def __init__(self, text: TextCache | None = None, seed: int = 0) -> None:
        self._text = text
        self._rng = np.random.default_rng(seed)
        self.pos = np.zeros((0, 2), dtype=np.float32)
        self.vel = np.zeros((0, 2), dtype=np.float32)
        self.life = np.zeros(0, dtype=np.float32)  # seconds left
        self.life0 = np.zeros(0, dtype=np.float32)
        self.colour = np.zeros((0, 3), dtype=np.uint8)
        self.popups: list[Popup] = []

    def __len__(self) -> int:
        return int(self.life.size) + len(self.popups)

    def burst(self, pos: tuple[float, float], colour: Color, count: int = 24, speed: float = 320.0, life_s: float = 0.6) -> None:
        """Sparks flying out of ``pos`` in every direction, fading over about ``life_s``."""
        count = max(1, min(count, MAX_PARTICLES))
        angle = self._rng.uniform(0.0, 2 * math.pi, count)
        spd = self._rng.uniform(0.35, 1.0, count) * speed
        vel = np.stack([np.cos(angle) * spd, np.sin(angle) * spd - speed * 0.3], axis=1).astype(np.float32)
        life = (self._rng.uniform(0.6, 1.0, count) * life_s).astype(np.float32)
        # Lighter and darker shades of the colour, so a burst has some depth.
        shade = self._rng.uniform(0.75, 1.25, (count, 1))
        cols = np.clip(np.asarray(colour, dtype=np.float32)[None, :] * shade, 0, 255).astype(np.uint8)
        self.pos = np.concatenate([self.pos, np.tile(np.asarray(pos, dtype=np.float32), (count, 1))])[-MAX_PARTICLES:]
        self.vel = np.concatenate([self.vel, vel])[-MAX_PARTICLES:]
        self.life = np.concatenate([self.life, life])[-MAX_PARTICLES:]
        self.life0 = np.concatenate([self.life0, life])[-MAX_PARTICLES:]
        self.colour = np.concatenate([self.colour, cols])[-MAX_PARTICLES:]

    def popup(self, text: str, pos: tuple[float, float], colour: Color, size: int | None = None) -> None:
        """``text`` rising from ``pos`` and fading (``size`` pixels; default a 14th of the screen)."""
        self.popups.append(Popup(text, float(pos[0]), float(pos[1]), colour, size or 0))
        if len(self.popups) > 24:
            del self.popups[0]

    def update(self, dt: float) -> None:
        """Move and age everything by ``dt`` seconds; what is spent is dropped."""
        if self.life.size:
            self.vel[:, 1] += GRAVITY_PX_S2 * dt
            self.pos += self.vel * dt
            self.life -= dt
            keep = self.life > 0
            if not keep.all():
                self.pos, self.vel, self.life = self.pos[keep], self.vel[keep], self.life[keep]
                self.life0, self.colour = self.life0[keep], self.colour[keep]
        for p in self.popups:
            p.age_s += dt
            p.y -= POPUP_RISE_PX_S * dt
        self.popups = [p for p in self.popups if p.age_s < POPUP_S]

    def clear(self) -> None:
        """Drop every particle and popup."""
        self.life = self.life[:0]
        self.pos, self.vel = self.pos[:0], self.vel[:0]
        self.life0, self.colour = self.life0[:0], self.colour[:0]
        self.popups = []

    def draw(self, screen: pygame.Surface) -> None:
        h = screen.get_height()
        radius = max(2.0, h / 180)
        if self.life.size:
            # Plain lists: iterating numpy rows element by element costs more than the drawing.
            radii = (radius * (0.5 + self.life / self.life0)).tolist()
            for (x, y), r, c in zip(self.pos.tolist(), radii, self.colour.tolist(), strict=True):
                pygame.draw.circle(screen, c, (x, y), r)
        if not self.popups:
            return
        if self._text is None:
            self._text = TextCache(max_items=64)
        for p in self.popups:
            size = p.size or max(16, h // 14)
            surf = self._text.render(p.text, size, p.colour, bold=True)
            fade = 1.0 - max(0.0, (p.age_s - POPUP_S * 0.5) / (POPUP_S * 0.5))
            # A pop at the start: a little larger for the first tenth of a second.
            grow = 1.0 + 0.3 * max(0.0, 1.0 - p.age_s / 0.12)
            if grow > 1.01:
                surf = pygame.transform.smoothscale_by(surf, grow)
            elif fade < 1.0:
                surf = surf.copy()  # the cache's surface is shared: fade a copy
            surf.set_alpha(round(255 * fade))
            screen.blit(surf, surf.get_rect(center=(round(p.x), round(p.y))))
