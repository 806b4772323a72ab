"""The common level fields for difficulty that follows effort: ``adaptive`` and ``effort_band``."""

from __future__ import annotations

import pytest

from game.levels import LevelError, parse_level
from game.levels.model import LevelFile
from game.modes import register_builtin_modes
from game.modes.runner.level import RunnerLevelFile
from sensors.config_yaml import parse_document

register_builtin_modes()

BASE = """\
schema: 1
name: "Test track"
mode: runner
difficulty: 2
length_m: 400
obstacles: []
"""


def spec(extra: str) -> LevelFile:
    """The file's common fields, read through a mode's level model (any mode's has them)."""
    return parse_document(BASE + extra, "t.yaml").validate(RunnerLevelFile)


def test_existing_levels_keep_their_written_pace() -> None:
    model = spec("")
    assert model.adaptive is False and model.effort_band is None


def test_band_read_with_adaptive() -> None:
    model = spec("adaptive: true\neffort_band: [0.4, 0.6]\n")
    assert model.adaptive is True and model.effort_band == (0.4, 0.6)


@pytest.mark.parametrize(
    "extra,line,field,reason",
    [
        ("adaptive: true\neffort_band: [0.6, 0.4]\n", 8, "effort_band[1]", "must be above the low end (0.6), got 0.4"),
        ("adaptive: true\neffort_band: [0, 0.4]\n", 8, "effort_band[0]", "greater than 0"),
        ("adaptive: true\neffort_band: [0.4, 1.5]\n", 8, "effort_band[1]", "at most 1"),
        ("adaptive: true\neffort_band: [0.4]\n", 8, "effort_band[1]", "required field missing"),
        ('adaptive: true\neffort_band: [0.4, "0.6"]\n', 8, "effort_band[1]", "number"),
        ("effort_band: [0.4, 0.6]\n", 7, "effort_band", "add 'adaptive: true'"),
        ("adaptive: 1\n", 7, "adaptive", ""),
    ],
)
def test_bad_band_named_by_file_line_field(extra: str, line: int, field: str, reason: str) -> None:
    with pytest.raises(LevelError) as info:
        parse_level(BASE + extra, "levels/runner/bad.yaml")
    message = str(info.value)
    assert message.startswith(f"levels/runner/bad.yaml:{line}: {field}:"), message
    assert reason in message
