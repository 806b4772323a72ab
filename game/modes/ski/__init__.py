"""Vuokatti ski: a cross-country ski course. Double-pole arm swings (or jogging on the spot)
push the skier along, leaning steers through the gates, a squat is a tuck down the hills.

The mode's face for the engine is :data:`MODE`; its rules (:mod:`.rules`) are free of drawing,
its scene (:mod:`.scene`) and view (:mod:`.view`) draw them, its levels are
``levels/ski/*.yaml`` (:mod:`.level`), its autopilot (:mod:`.autopilot`) steers the simulated
player.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.modes import ResultRow
from game.i18n import tr
from game.modes.ski.level import Level, SkiLevelFile
from game.modes.ski.results import ski_rows

if TYPE_CHECKING:
    from game.engine.context import GameContext
    from game.scenes.play import PlayScene


class SkiMode:
    name = "ski"
    title = "Vuokatti ski"
    movements = ("double pole", "jog on the spot", "lean", "squat")
    sensors = ("camera", "imu", "heart_rate", "keyboard")

    level_model = SkiLevelFile

    def make_level(self, spec: Any, path: Path) -> Level:
        return Level.from_spec(spec, path)

    def level_length(self, level: Any) -> str:
        return tr("ski.length", km=f"{level.length_m / 1000:.1f}", gates=len(level.gates))

    def play_scene(self, ctx: GameContext) -> PlayScene:
        from game.modes.ski.scene import SkiScene

        return SkiScene(ctx)

    def calibration_hints(self, motion: bool) -> Sequence[str]:
        if motion:
            return (
                f"{tr('ski.hint.pole')} ({tr('ski.hint.jog')})",
                tr("ski.hint.lean"),
                tr("ski.hint.tuck"),
            )
        return (tr("ski.hint.keys_pole"), tr("ski.hint.keys_steer"), tr("ski.hint.keys_tuck"), tr("ski.hint.keys_start"))

    def result_rows(self, summary: dict[str, Any]) -> Sequence[ResultRow]:
        return ski_rows(summary)

    def draw_picture(self, surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
        from game.modes.ski.picture import draw_picture

        draw_picture(surface, rect, t_s)


MODE = SkiMode()
