"""Runner: jog on the spot to run, jump over hurdles, squat under bars, collect coins.

The mode's face for the engine is :data:`MODE`; its rules (:mod:`.rules`) are free of drawing,
its scene (:mod:`.scene`) draws them, its levels are ``levels/runner/*.yaml`` (:mod:`.level`).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.engine.modes import ResultRow
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
            return ("Jog on the spot to run", "Jump over hurdles", "Squat under bars")
        return ("Hold Right to run", "Space: jump", "Down: duck", "Enter: start")

    def result_rows(self, summary: dict[str, Any]) -> Sequence[ResultRow]:
        return runner_rows(summary)


MODE = RunnerMode()
