"""Cached text rendering: fonts and rendered strings are reused across frames."""

from __future__ import annotations

import pygame

from game.render.palette import Color


class TextCache:
    """Renders strings once per (text, size, colour) and keeps a bounded number of them."""

    def __init__(self, max_items: int = 512) -> None:
        self._fonts: dict[tuple[int, bool], pygame.font.Font] = {}
        self._surfaces: dict[tuple[str, int, Color, bool], pygame.Surface] = {}
        self._max_items = max_items

    def font(self, size: int, bold: bool = False) -> pygame.font.Font:
        key = (size, bold)
        font = self._fonts.get(key)
        if font is None:
            font = pygame.font.Font(None, size)  # pygame-ce's bundled font: no system fonts needed
            font.set_bold(bold)
            self._fonts[key] = font
        return font

    def render(self, text: str, size: int, colour: Color, bold: bool = False) -> pygame.Surface:
        key = (text, size, colour, bold)
        surf = self._surfaces.get(key)
        if surf is None:
            if len(self._surfaces) >= self._max_items:
                self._surfaces.clear()
            surf = self.font(size, bold).render(text, True, colour)
            self._surfaces[key] = surf
        return surf

    def draw(
        self,
        target: pygame.Surface,
        text: str,
        size: int,
        colour: Color,
        pos: tuple[float, float],
        anchor: str = "topleft",
        bold: bool = False,
    ) -> pygame.Rect:
        surf = self.render(text, size, colour, bold)
        rect = surf.get_rect(**{anchor: (round(pos[0]), round(pos[1]))})
        target.blit(surf, rect)
        return rect
