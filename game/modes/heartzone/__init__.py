"""Heart-zone challenge: keep your heart rate inside a target band by moving (any way you like)
and resting; scored by the seconds in the band. Needs a heart-rate strap and estimates nothing
without one.

The mode's face for the engine is :data:`MODE`; its rules (:mod:`.rules`) are free of drawing,
its scene (:mod:`.scene`) draws them, its levels are ``levels/heartzone/*.yaml`` (:mod:`.level`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.modes import ResultRow
from game.i18n import tr
from game.modes.heartzone.level import HeartzoneLevelFile, Level
from game.modes.heartzone.results import heartzone_rows

if TYPE_CHECKING:
    from game.engine.context import GameContext
    from game.scenes.play import PlayScene


class HeartZoneMode:
    name = "heartzone"
    title = "Heart-zone challenge"
    movements = ("any movement", "rest")
    sensors = ("heart_rate", "camera", "imu", "keyboard")

    level_model = HeartzoneLevelFile

    def make_level(self, spec: Any, path: Path) -> Level:
        return Level.from_spec(spec, path)

    def level_length(self, level: Any) -> str:
        return tr("heartzone.length", minutes=f"{level.total_s / 60:.0f}")

    def play_scene(self, ctx: GameContext) -> PlayScene:
        from game.modes.heartzone.scene import HeartZoneScene

        return HeartZoneScene(ctx)

    def calibration_hints(self, motion: bool) -> Sequence[str]:
        if motion:
            return (tr("heartzone.calibrate.move"), tr("heartzone.calibrate.rest"), tr("heartzone.calibrate.band"))
        return (tr("heartzone.calibrate.strap"), tr("heartzone.calibrate.band"), tr("heartzone.calibrate.start"))

    def result_rows(self, summary: dict[str, Any]) -> Sequence[ResultRow]:
        return heartzone_rows(summary)

    def draw_picture(self, surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
        from game.modes.heartzone.draw import draw_picture

        draw_picture(surface, rect, t_s)


MODE = HeartZoneMode()
