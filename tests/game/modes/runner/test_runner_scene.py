"""The runner's face: its menu picture, its results rows in every language, and a frame of play
drawn headless with the HUD's speed line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pygame
import pytest

from game.engine.config import AppConfig
from game.engine.modes import get_mode
from game.engine.run import build_context
from game.i18n import LANGUAGES, set_language
from game.input.mapper import InputFrame
from game.levels import load_level
from game.modes.runner.scene import RunnerScene

LEVELS = Path(__file__).resolve().parents[4] / "levels" / "runner"


@pytest.fixture
def screen() -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    yield pygame.Surface((640, 360))
    pygame.quit()


@pytest.fixture
def english() -> Iterator[None]:
    yield
    set_language("en")


def test_menu_picture_draws_and_moves(screen: pygame.Surface) -> None:
    mode = get_mode("runner")
    rect = pygame.Rect(40, 30, 240, 160)
    frames = []
    for t in (0.0, 0.7):
        screen.fill((0, 0, 0))
        mode.draw_picture(screen, rect, t)  # type: ignore[attr-defined]
        frames.append(pygame.image.tobytes(screen, "RGB"))
        assert screen.get_at((rect.x - 5, rect.y - 5))[:3] == (0, 0, 0), "drawn outside its rect"
        assert len(set(pygame.image.tobytes(screen.subsurface(rect), "RGB"))) > 20
    assert frames[0] != frames[1], "the picture is animated"


SUMMARY = {
    "distance_m": 412.3,
    "obstacles_cleared": 30,
    "obstacles_missed": 2,
    "hurdles_cleared": 16,
    "hurdles_hit": 1,
    "bars_cleared": 14,
    "bars_hit": 1,
    "coins": 20,
    "arc_coins": 31,
    "arcs_met": 8,
    "arcs_full": 5,
    "best_streak": 12,
    "best_combo": 4,
    "mean_cadence_spm": 151.4,
    "mean_target_cadence_spm": 150.0,
    "on_pace_s": 140.2,
    "motion_events": {"step": 600, "jump": 40, "squat": 15},
}


@pytest.mark.parametrize("lang", LANGUAGES)
def test_result_rows_in_every_language(lang: str, english: None) -> None:
    set_language(lang)
    rows = get_mode("runner").result_rows(SUMMARY)
    text = " | ".join(f"{r.label}: {r.value}" for r in rows)
    assert "runner." not in text, f"a key shown instead of its text: {text}"
    for figure in ("412 m", "30", "31", "12", "151", "150", "600 / 40 / 15"):
        assert figure in text, (figure, text)
    assert len(rows) == 10


def test_result_rows_of_a_keyboard_round_and_an_old_summary() -> None:
    keyboard = get_mode("runner").result_rows({**SUMMARY, "mean_cadence_spm": None, "mean_target_cadence_spm": None})
    assert any("keyboard" in r.value for r in keyboard)
    old = get_mode("runner").result_rows({"distance_m": 120, "hurdles_cleared": 2, "bars_cleared": 1, "coins": 3})
    assert [r.value for r in old][:2] == ["120 m", "3 cleared, 0 missed"]


def test_a_frame_of_play_draws_the_world_and_the_speed_line(screen: pygame.Surface) -> None:
    level = load_level(LEVELS / "summit.yaml")
    ctx = build_context(AppConfig(size=(640, 360)), get_mode("runner"), [level])
    scene = RunnerScene(ctx)
    frame = InputFrame(frozenset(), frozenset(), frozenset(), MappingProxyType({"speed": 1.0}))
    for _ in range(240):
        scene.play(frame, 1 / 120)
    scene.render(screen)
    # The speed line's on-pace window (green) sits at the bottom of the screen.
    bottom = pygame.image.tobytes(screen.subsurface((0, 300, 640, 60)), "RGB")
    assert bytes((72, 170, 96)) in bottom
    assert scene.world.distance_m > 0 and scene.mode_summary()["adaptive"] is False
