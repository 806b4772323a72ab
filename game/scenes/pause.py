"""Pause overlay: the game underneath stands still."""

from __future__ import annotations

import pygame

from game.i18n import tr
from game.input.mapper import InputFrame
from game.render.palette import PAPER
from game.scenes.base import Scene, Transition


class PauseScene(Scene):
    overlay = True

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        if self.time_s < 0.2:
            return None
        if "pause" in frame.pressed or "start" in frame.pressed:
            return Transition("pop")
        if "back" in frame.pressed:
            return Transition("end_play")
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        shade = pygame.Surface((w, h), pygame.SRCALPHA)
        shade.fill((10, 12, 20, 170))
        screen.blit(shade, (0, 0))
        # The font is bold already: at this size added bold would merge the dots of ä and ö into a bar.
        self.ctx.text.draw(screen, tr("pause.title"), h // 8, PAPER, (w / 2, h * 0.4), "center")
        self.ctx.text.draw(screen, tr("pause.hint"), h // 28, PAPER, (w / 2, h * 0.52), "center")
