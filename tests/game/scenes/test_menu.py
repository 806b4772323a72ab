"""The menu: choose the game, then the level; keys and lean; pictures with a fallback; best scores."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pygame
import pytest

from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.modes import DrawsPicture, GameMode, LevelInfo, ResultRow, register, unregister
from game.engine.run import build_context
from game.input.mapper import InputFrame
from game.levels import list_levels
from game.modes.runner import MODE as RUNNER
from game.render.text import TextCache
from game.scenes.base import Transition
from game.scenes.best import best_scores
from game.scenes.calibrate import CalibrateScene
from game.scenes.menu import GUARD_S, MenuScene, draw_mode_picture
from game.sessions import SessionWriter

DT = 1 / 120


class Plain:
    """A mode that draws no picture of itself."""

    name = "plain"
    title = "Plain game"
    movements = ("jump", "wave both arms")
    sensors = ("keyboard",)
    level_model = RUNNER.level_model

    def make_level(self, spec: Any, path: Path) -> Any:
        return RUNNER.make_level(spec, path)

    def level_length(self, level: Any) -> str:
        return "1 min"

    def play_scene(self, ctx: GameContext) -> Any:
        return RUNNER.play_scene(ctx)

    def calibration_hints(self, motion: bool) -> Sequence[str]:
        return ()

    def result_rows(self, summary: dict[str, Any]) -> Sequence[ResultRow]:
        return ()


@pytest.fixture()
def plain() -> Iterator[GameMode]:
    mode = register(Plain())
    yield mode
    unregister("plain")


def make_ctx(tmp_path: Path, modes: dict[str, list[LevelInfo]], first: GameMode, **config: Any) -> GameContext:
    pygame.font.init()
    cfg = AppConfig(input="keyboard", db=tmp_path / "s.sqlite", **config)
    return build_context(cfg, first, modes[first.name], levels_by_mode=modes)


def press(*actions: str) -> InputFrame:
    return InputFrame(pressed=frozenset(actions))


def lean(value: float) -> InputFrame:
    return InputFrame(axes={"lean": value})


def settle(menu: MenuScene, seconds: float = GUARD_S + 0.05) -> None:
    for _ in range(round(seconds / DT)):
        assert menu.update(InputFrame(), DT) is None


def runner_levels() -> list[LevelInfo]:
    levels, _ = list_levels(RUNNER.name)
    assert levels
    return levels


def test_choose_the_game_then_the_level_then_start(tmp_path: Path, plain: GameMode) -> None:
    levels = runner_levels()
    ctx = make_ctx(tmp_path, {"runner": levels, "plain": levels[:1]}, RUNNER, pick_mode=True)
    menu = MenuScene(ctx)
    menu.enter()
    assert menu.stage == "games" and [m.name for m in menu.modes] == ["plain", "runner"]
    assert menu.modes[menu.mode_index].name == "runner"  # the mode given opens highlighted
    settle(menu)
    menu.update(press("left"), DT)
    assert menu.modes[menu.mode_index].name == "plain"
    menu.update(press("start"), DT)
    assert menu.stage == "levels" and ctx.game_mode.name == "plain" and ctx.levels == levels[:1]
    assert menu.update(press("back"), DT) is None and menu.stage == "games"  # Esc: back to the games
    settle(menu)
    menu.update(press("right"), DT)
    menu.update(press("start"), DT)
    assert ctx.game_mode.name == "runner" and ctx.levels == levels
    settle(menu)
    menu.update(press("down"), DT)
    assert ctx.selected_level == 1 % len(levels)
    tr = menu.update(press("start"), DT)
    assert isinstance(tr, Transition) and tr.op == "push" and isinstance(tr.scene, CalibrateScene)
    assert ctx.session.session_id is not None
    ctx.end_session(0, {})


def test_a_start_carried_over_from_the_screen_before_is_not_a_choice(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, {"runner": runner_levels()}, RUNNER)
    menu = MenuScene(ctx)
    menu.enter()
    assert menu.update(press("start"), DT) is None
    settle(menu)
    assert menu.update(press("start"), DT) is not None
    ctx.end_session(0, {})


def test_mode_given_opens_on_its_levels_and_escape_goes_to_the_games(tmp_path: Path, plain: GameMode) -> None:
    levels = runner_levels()
    ctx = make_ctx(tmp_path, {"runner": levels, "plain": levels}, RUNNER)
    menu = MenuScene(ctx)
    assert menu.stage == "levels"
    menu.update(press("back"), DT)
    assert menu.stage == "games"
    tr = menu.update(press("back"), DT)
    assert tr is not None and tr.op == "quit"


def test_one_game_only_goes_straight_to_its_levels(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, {"runner": runner_levels()}, RUNNER, pick_mode=True)
    menu = MenuScene(ctx)
    assert menu.stage == "levels"
    tr = menu.update(press("back"), DT)
    assert tr is not None and tr.op == "quit"


def test_leaning_moves_the_choice_one_step_per_lean(tmp_path: Path, plain: GameMode) -> None:
    levels = runner_levels()
    ctx = make_ctx(tmp_path, {"runner": levels, "plain": levels}, RUNNER, pick_mode=True)
    menu = MenuScene(ctx)
    start = menu.mode_index
    for value in (0.3, 0.6, 0.9, 0.8, 0.6):  # one lean to the right, held
        menu.update(lean(value), DT)
    assert menu.mode_index == (start + 1) % 2
    for value in (0.1, 0.7):  # upright again, then lean once more
        menu.update(lean(value), DT)
    assert menu.mode_index == start
    # An arrow key drives the lean axis too: it counts once, not twice.
    menu.update(InputFrame(pressed=frozenset({"right"}), axes={"lean": 1.0}), DT)
    menu.update(lean(1.0), DT)
    assert menu.mode_index == (start + 1) % 2


def test_autoplay_picks_the_game_and_starts(tmp_path: Path, plain: GameMode) -> None:
    levels = runner_levels()
    ctx = make_ctx(tmp_path, {"runner": levels, "plain": levels}, RUNNER, pick_mode=True)
    ctx = build_context(
        AppConfig(input="sim", db=tmp_path / "s.sqlite", pick_mode=True), RUNNER, levels, levels_by_mode=ctx.levels_by_mode
    )
    menu = MenuScene(ctx)
    tr = None
    for _ in range(round(6.0 / DT)):
        tr = menu.update(InputFrame(), DT)
        if tr is not None:
            break
    assert tr is not None and tr.op == "push" and ctx.game_mode.name == "runner"
    ctx.end_session(0, {})


def test_pictures_the_modes_draw_and_the_fallback(plain: GameMode) -> None:
    pygame.font.init()
    text = TextCache()
    assert not isinstance(plain, DrawsPicture)
    surface = pygame.Surface((400, 300))
    rect = pygame.Rect(100, 80, 160, 120)
    draw_mode_picture(plain, surface, rect, 0.5, text)
    pixels = pygame.surfarray.array3d(surface)
    inside = pixels[rect.x : rect.right, rect.y : rect.bottom]
    assert inside.reshape(-1, 3).std(axis=0).max() > 10  # something drawn
    outside = pixels.copy()
    outside[rect.x : rect.right, rect.y : rect.bottom] = 0
    assert not outside.any()  # and nothing outside the picture's rectangle


@pytest.mark.parametrize("lang", ["en", "fi", "sv"])
def test_both_stages_render_in_every_language(tmp_path: Path, plain: GameMode, lang: str) -> None:
    from game import i18n

    i18n.set_language(lang)
    try:
        levels = runner_levels()
        ctx = make_ctx(tmp_path, {"runner": levels, "plain": levels}, RUNNER, pick_mode=True)
        menu = MenuScene(ctx)
        screen = pygame.Surface((640, 360))
        menu.render(screen)
        games = pygame.surfarray.array3d(screen).copy()
        settle(menu)
        menu.update(press("start"), DT)
        menu.render(screen)
        assert (pygame.surfarray.array3d(screen) != games).any()
    finally:
        i18n.set_language("en")


def test_best_scores_per_level_of_this_player_and_mode(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    assert best_scores(db, "ana", "runner") == {}  # no store yet: nothing, no error
    played = []
    for player, mode, level, score in (
        ("ana", "runner", "Meadow", 120),
        ("ana", "runner", "Meadow", 340),
        ("ana", "runner", "Hills", 80),
        ("ana", "ski", "Meadow", 999),
        ("bo", "runner", "Meadow", 500),
        ("ana", "runner", "Meadow", 400),
    ):
        writer = SessionWriter(db, player=player, mode=mode, level=level)
        played.append(writer.start())
        writer.finish(score, {"score": score})
    best = best_scores(db, "ana", "runner")
    assert {k: v.score for k, v in best.items()} == {"Meadow": 400, "Hills": 80}
    # Against the session just played: the best before it.
    before = best_scores(db, "ana", "runner", exclude=played[-1])
    assert before["Meadow"].score == 340 and before["Meadow"].session_id == played[1]
