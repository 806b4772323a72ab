"""Title screen: choose a level and start."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pygame

from game.input.mapper import InputFrame
from game.render.backdrop import Backdrop
from game.render.palette import ACCENT, INK, MUTED, PANEL, PAPER
from game.scenes.base import Scene, Transition

if TYPE_CHECKING:
    from game.engine.context import GameContext

AUTOSTART_S = 2.5  # demo / kiosk: start by itself after this long


class MenuScene(Scene):
    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self._backdrop: Backdrop | None = None

    def enter(self) -> None:
        self.time_s = 0.0

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        n = len(self.ctx.levels)
        if "up" in frame.pressed:
            self.ctx.selected_level = (self.ctx.selected_level - 1) % n
        if "down" in frame.pressed:
            self.ctx.selected_level = (self.ctx.selected_level + 1) % n
        if "back" in frame.pressed:
            return Transition("quit")
        if "start" in frame.pressed or (self.ctx.config.autoplay and self.time_s >= AUTOSTART_S):
            from game.scenes.calibrate import CalibrateScene

            self.ctx.begin_session()
            return Transition("push", CalibrateScene(self.ctx))
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        if self._backdrop is None or self._backdrop.size != (w, h):
            self._backdrop = Backdrop((w, h))
        self._backdrop.draw(screen, self.time_s * 40)
        t = self.ctx.text
        t.draw(screen, "LIIKE", h // 6, INK, (w / 2, h * 0.1), "midtop", bold=True)
        t.draw(screen, "move to play", h // 24, INK, (w / 2, h * 0.1 + h // 6), "midtop")

        panel = pygame.Rect(0, 0, round(w * 0.46), round(h * 0.36))
        panel.center = (w // 2, round(h * 0.56))
        pygame.draw.rect(screen, PANEL, panel, border_radius=12)
        row_h = panel.h / (len(self.ctx.levels) + 1.5)
        for i, level in enumerate(self.ctx.levels):
            y = panel.y + row_h * (i + 0.75)
            selected = i == self.ctx.selected_level
            colour = ACCENT if selected else PAPER
            if selected:
                pygame.draw.rect(screen, (52, 60, 80), (panel.x + 8, y - 4, panel.w - 16, row_h - 4), border_radius=8)
            t.draw(screen, level.name, round(row_h * 0.55), colour, (panel.x + 28, y + row_h * 0.1))
            stars = "*" * level.difficulty + "." * (5 - level.difficulty)
            t.draw(
                screen,
                f"{self.ctx.game_mode.level_length(level)}  {stars}",
                round(row_h * 0.45),
                MUTED,
                (panel.right - 28, y + row_h * 0.15),
                "topright",
            )

        hint = "Up/Down choose   Enter or jump: start   Esc: quit"
        if self.ctx.config.autoplay:
            left = max(0.0, AUTOSTART_S - self.time_s)
            hint = f"Demo: starting in {left:.0f} s"
        t.draw(screen, hint, h // 30, PAPER, (w / 2, panel.bottom + h * 0.04), "midtop")
        t.draw(screen, f"input: {self.ctx.input_label}", h // 36, INK, (w / 2, h * 0.95), "midbottom")
