"""Target punch: targets appear around the player's silhouette, hit by punching, reaching up,
squatting, side-stepping or leaning in time; one player, two side by side in front of one
camera, or seated (upper body only).

The mode's face for the engine is :data:`MODE`; its rules (:mod:`.rules`) are free of drawing,
its scene (:mod:`.scene`) draws them, its levels are ``levels/punch/*.yaml`` (:mod:`.level`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.modes import ResultRow
from game.i18n import tr
from game.modes.punch.level import Level, PunchLevelFile
from game.modes.punch.results import punch_rows

if TYPE_CHECKING:
    from game.engine.context import GameContext
    from game.scenes.play import PlayScene


class PunchMode:
    name = "punch"
    title = "Target punch"
    movements = ("punch", "reach up", "squat", "side step", "lean (seated)")
    sensors = ("camera", "keyboard")

    level_model = PunchLevelFile

    def make_level(self, spec: Any, path: Path) -> Level:
        return Level.from_spec(spec, path)

    def level_length(self, level: Any) -> str:
        """The round's length, and who it is for: "1:30 min", "2:00 min, 2 players", "... seated"."""
        minutes, seconds = divmod(round(level.length_s), 60)
        key = "punch.length_players" if level.players == 2 else "punch.length_seated" if level.seated else "punch.length"
        return tr(key, minutes=minutes, seconds=f"{seconds:02d}")

    def play_scene(self, ctx: GameContext) -> PlayScene:
        from game.modes.punch.scene import PunchScene

        return PunchScene(ctx)

    def calibration_hints(self, motion: bool) -> Sequence[str]:
        # The level is not known here: name the moves every level has, and leave squats and side
        # steps to the level's own hints (a seated player is never told to squat).
        if motion:
            return (tr("punch.hint.punch"), tr("punch.hint.reach"), tr("punch.hint.more"))
        return (tr("punch.hint.keys_punch"), tr("punch.hint.keys_reach"), tr("punch.hint.keys_squat"), tr("punch.hint.keys_step"))

    def level_hints(self, level: Level, motion: bool) -> Sequence[str]:
        """What the player needs for this level: its moves only (a seated level names no squat
        or step), and who plays it."""
        lines = [tr(f"punch.hint.{k}" if motion else f"punch.hint.keys_{k}") for k in level.kinds()]
        if level.seated:
            lines.insert(0, tr("punch.hint.seated"))
        if level.players == 2:
            lines.insert(0, tr("punch.hint.two_players"))
            if not motion:  # the keyboard's left side is player 2's (game/input/bindings.yaml)
                lines.append(tr("punch.hint.keys_player2"))
        return lines

    def result_rows(self, summary: dict[str, Any]) -> Sequence[ResultRow]:
        return punch_rows(summary)

    def draw_picture(self, surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
        from game.modes.punch.picture import draw_picture

        draw_picture(surface, rect, t_s)


MODE = PunchMode()
