"""A mode is a plugin: a throwaway mode, written only here, plays through menu -> calibrate ->
play -> results headless, with nothing outside this file knowing it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

import pygame
import pytest
from pydantic import Field

from game.cli import main
from game.engine.context import GameContext
from game.engine.modes import ResultRow, get_mode, register, unregister
from game.input.mapper import InputFrame
from game.levels import LevelError, load_level
from game.levels.model import LevelFile
from game.scenes.play import PlayScene
from game.sessions import SessionStore


class TapLevelFile(LevelFile):
    mode: Literal["tap"]
    seconds: Annotated[float, Field(gt=0, le=600, description="Length of the round.")]


@dataclass(frozen=True)
class TapLevel:
    path: Path
    name: str
    mode: str
    difficulty: int
    description: str
    seconds: float


class TapScene(PlayScene):
    """Press jump as often as you can before the time is up."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        level = ctx.level
        assert isinstance(level, TapLevel)
        self.limit_s = level.seconds
        self.taps = 0
        self.t_s = 0.0

    @property
    def finished(self) -> bool:
        return self.t_s >= self.limit_s

    @property
    def score(self) -> int:
        return self.taps * 10

    @property
    def elapsed_s(self) -> float:
        return self.t_s

    def play(self, frame: InputFrame, dt: float) -> None:
        if not self.finished:
            self.t_s += dt
            self.taps += "jump" in frame.pressed
        SEEN.append(type(self).__name__)

    def mode_summary(self) -> dict[str, Any]:
        return {"taps": self.taps}

    def render(self, screen: pygame.Surface) -> None:
        screen.fill((0, 0, 0))
        self.ctx.text.draw(screen, f"taps {self.taps}", 40, (255, 255, 255), (10, 10))


SEEN: list[str] = []


class TapMode:
    name = "tap"
    title = "Tap"
    movements = ("jump",)
    sensors = ("keyboard",)

    level_model = TapLevelFile

    def make_level(self, spec: Any, path: Path) -> TapLevel:
        return TapLevel(path, spec.name, spec.mode, spec.difficulty, spec.description or "", spec.seconds)

    def level_length(self, level: Any) -> str:
        return f"{level.seconds:.0f} s"

    def play_scene(self, ctx: GameContext) -> PlayScene:
        return TapScene(ctx)

    def calibration_hints(self, motion: bool) -> Sequence[str]:
        return ("Jump!",) if motion else ("Space: tap",)

    def result_rows(self, summary: dict[str, Any]) -> Sequence[ResultRow]:
        return [ResultRow("Taps", str(summary["taps"]))]


@pytest.fixture
def tap_mode(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The mode registered, with one level in a levels folder of its own."""
    register(TapMode())
    levels = tmp_path / "levels" / "tap"
    levels.mkdir(parents=True)
    (levels / "quick.yaml").write_text("schema: 1\nname: Quick taps\nmode: tap\ndifficulty: 1\nseconds: 2\n")
    monkeypatch.setenv("LIIKE_LEVELS_DIR", str(tmp_path / "levels"))
    SEEN.clear()
    yield tmp_path
    unregister("tap")


def test_a_registered_mode_plays_headless_from_menu_to_results(tap_mode: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tap_mode / "s.sqlite"
    # The keyboard alone, pressed as a player would: Enter on the menu and the calibration
    # screen, space taps while playing, Enter on the results, then Esc on the menu to quit.
    from game.engine import app as app_module

    original = app_module.App.handle_events
    state = {"frames": 0, "played": False}

    def press(key: int) -> None:
        for kind in (pygame.KEYDOWN, pygame.KEYUP):
            pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))

    def handle_events(self: app_module.App) -> None:
        state["frames"] += 1
        top = type(self.stack[-1]).__name__
        if state["frames"] % 10 == 0:
            if top == "MenuScene":
                press(pygame.K_ESCAPE if state["played"] else pygame.K_RETURN)
            elif top == "CalibrateScene":
                press(pygame.K_RETURN)
            elif top == "TapScene":
                state["played"] = True
                press(pygame.K_SPACE)
            elif top == "ResultsScene" and self.stack[-1].time_s > 1.0:
                press(pygame.K_RETURN)
        original(self)

    app_module.App.handle_events = handle_events  # type: ignore[method-assign]
    try:
        code = main(["play", "--mode", "tap", "--input", "keyboard", "--headless", "--seconds", "60", "--db", str(db)])
    finally:
        app_module.App.handle_events = original  # type: ignore[method-assign]
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["mode"] == "tap" and result["level"] == "Quick taps"
    assert result["completed"] is True
    assert SEEN and set(SEEN) == {"TapScene"}
    with SessionStore(db) as store:
        (row,) = store.list_sessions()
        detail = store.get_session(row["id"])
    assert detail is not None
    summary = detail["summary"]
    assert summary["mode"] == "tap" and summary["taps"] >= 1 and summary["score"] == 10 * summary["taps"]
    assert summary["completed"] is True and summary["played_s"] == pytest.approx(2.0, abs=0.05)


def test_the_command_line_lists_and_describes_a_registered_mode(tap_mode: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {"mode": "tap", "name": "quick", "title": "Quick taps", "length": "2 s"}.items() <= next(
        r for r in rows if r["mode"] == "tap"
    ).items()
    assert main(["levels", "schema", "tap"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["properties"]["seconds"]["exclusiveMinimum"] == 0 and "seconds" in schema["required"]
    assert schema["additionalProperties"] is False
    assert get_mode("tap").title == "Tap"


def test_a_mode_level_is_read_strictly_with_lines(tap_mode: Path) -> None:
    bad = tap_mode / "levels" / "tap" / "bad.yaml"
    bad.write_text('schema: 1\nname: Bad\nmode: tap\ndifficulty: 1\nseconds: "2"\n')
    with pytest.raises(LevelError) as info:
        load_level(bad)
    assert str(info.value).startswith(f"{bad}:5: seconds: must be a number, got string '2'")
    bad.write_text("schema: 1\nname: Bad\nmode: tap\ndifficulty: 1\nseconds: 2\nseconds: 3\n")
    with pytest.raises(LevelError) as info:
        load_level(bad)
    assert str(info.value) == f"{bad}:6: seconds: duplicate key (first given on line 5)"
