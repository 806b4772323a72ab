"""Runner: jog on the spot to run, jump over hurdles and for coin arcs, squat under bars.

The mode's face for the engine is :data:`MODE`; its rules (:mod:`.rules`) are free of drawing,
its scene (:mod:`.scene`) draws them, its levels are ``levels/runner/*.yaml`` (:mod:`.level`),
its autopilot (:mod:`.autopilot`) steers the simulated player.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.modes import ResultRow
from game.i18n import tr
from game.modes.runner.level import Level, RunnerLevelFile
from game.modes.runner.results import runner_rows

if TYPE_CHECKING:
    from game.engine.context import GameContext
    from game.scenes.play import PlayScene


class RunnerMode:
    name = "runner"
    title = "Runner"
    movements = ("jog on the spot", "jump", "squat")
    sensors = ("camera", "imu", "heart_rate", "keyboard")

    level_model = RunnerLevelFile

    def make_level(self, spec: Any, path: Path) -> Level:
        return Level.from_spec(spec, path)

    def level_length(self, level: Any) -> str:
        return f"{level.length_m:.0f} m"

    def play_scene(self, ctx: GameContext) -> PlayScene:
        from game.modes.runner.scene import RunnerScene

        return RunnerScene(ctx)

    def calibration_hints(self, motion: bool) -> Sequence[str]:
        if motion:
            return (tr("runner.hint.jog"), tr("runner.hint.jump"), tr("runner.hint.squat"))
        return (
            tr("runner.hint.keys_run"),
            tr("runner.hint.keys_jump"),
            tr("runner.hint.keys_duck"),
            tr("runner.hint.keys_start"),
        )

    def result_rows(self, summary: dict[str, Any]) -> Sequence[ResultRow]:
        return runner_rows(summary)

    def draw_picture(self, surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
        from game.modes.runner.picture import draw_picture

        draw_picture(surface, rect, t_s)


MODE = RunnerMode()
