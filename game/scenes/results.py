"""Results: the session's numbers, then back to the menu."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from game.engine.modes import GameMode, ResultRow
from game.input.mapper import InputFrame
from game.render.palette import ACCENT, INK, MUTED, PANEL, PAPER, ZONE_COLOURS
from game.scenes.base import Scene, Transition
from sensors.motion.heart_zones import Intensity

if TYPE_CHECKING:
    from game.engine.context import GameContext

AUTOPLAY_BACK_S = 8.0


def result_rows(mode: GameMode, summary: dict[str, Any]) -> list[ResultRow]:
    """The mode's own rows between the time and the heart rate, which every mode shows."""
    hr_mean = summary.get("hr_mean_bpm")
    heart = "--" if hr_mean is None else f"mean {hr_mean:.0f}, max {summary.get('hr_max_bpm')} bpm"
    return [
        ResultRow("Time", f"{summary.get('played_s', 0):.0f} s"),
        *mode.result_rows(summary),
        ResultRow("Heart rate", heart),
    ]


class ResultsScene(Scene):
    def __init__(self, ctx: GameContext, summary: dict[str, Any], hr_trace: list[tuple[float, int | None]] | None = None) -> None:
        super().__init__(ctx)
        self.summary = summary
        #: (seconds of play, bpm or None while the strap was quiet), about one a second.
        self.hr_trace = list(hr_trace or [])

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        if self.time_s > 0.8 and ("start" in frame.pressed or "back" in frame.pressed):
            return Transition("pop")
        if self.ctx.config.autoplay and self.time_s >= AUTOPLAY_BACK_S:
            return Transition("pop")
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        screen.fill(INK)
        t = self.ctx.text
        title = "Finished!" if self.summary.get("completed") else "Session over"
        t.draw(screen, title, h // 10, ACCENT, (w / 2, h * 0.05), "midtop", bold=True)
        t.draw(screen, f"Score {self.summary.get('score', 0)}", h // 14, PAPER, (w / 2, h * 0.17), "midtop", bold=True)
        panel = pygame.Rect(round(w * 0.15), round(h * 0.29), round(w * 0.7), round(h * 0.46))
        pygame.draw.rect(screen, PANEL, panel, border_radius=12)
        size = h // 26
        for i, (label, value) in enumerate((r.label, r.value) for r in result_rows(self.ctx.game_mode, self.summary)):
            y = panel.y + size * 0.8 + i * size * 1.5
            t.draw(screen, label, size, MUTED, (panel.x + 30, y))
            t.draw(screen, value, size, PAPER, (panel.right - 30, y), "topright")

        # Time in each heart-rate intensity band, as a stacked bar (for teachers and coaches).
        secs = self.summary.get("seconds_in_intensity", {})
        total = sum(secs.values())
        bar = pygame.Rect(panel.x, panel.bottom + h * 0.04, panel.w, h // 24)
        pygame.draw.rect(screen, PANEL, bar, border_radius=6)
        if total > 0:
            x = float(bar.x)
            for band in Intensity:
                part = bar.w * secs.get(band.value, 0.0) / total
                if part >= 1:
                    pygame.draw.rect(screen, ZONE_COLOURS[band], (x, bar.y, part, bar.h))
                x += part
            t.draw(screen, "time in heart-rate intensity (very light .. near maximal)", h // 36, MUTED, (bar.x, bar.bottom + 6))
        sid = self.ctx.session.session_id
        saved = (
            f"saved as session {sid}"
            if sid is not None and self.ctx.session.error is None
            else (self.ctx.session.error or "not saved")
        )
        t.draw(screen, saved, h // 36, MUTED, (w / 2, h * 0.97), "midbottom")
