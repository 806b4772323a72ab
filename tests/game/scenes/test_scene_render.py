"""Every scene renders headless to a non-empty picture (saved as PNG for a look)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.run import build_context
from game.levels import list_levels
from game.modes.runner import MODE as RUNNER
from game.modes.runner.scene import RunnerScene
from game.scenes.base import Scene
from game.scenes.calibrate import CalibrateScene
from game.scenes.menu import MenuScene
from game.scenes.pause import PauseScene
from game.scenes.results import ResultsScene
from sensors.clock import ManualClock, s_to_ns
from sensors.sim import SimulatedPlayer

SIZE = (640, 360)


@pytest.fixture()
def ctx(tmp_path: Path) -> Iterator[GameContext]:
    pygame.display.init()
    pygame.font.init()
    pygame.display.set_mode(SIZE)
    levels, _ = list_levels(RUNNER.name)
    clock = ManualClock(s_to_ns(10))
    context = build_context(AppConfig(input="sim", db=tmp_path / "s.sqlite"), RUNNER, levels)
    context.clock = clock
    player = SimulatedPlayer(seed=3, t0_ns=0)
    context.live.ingest(player.advance_to(clock()))
    yield context
    context.end_session(0, {})
    pygame.quit()


def shoot(scene: Scene, path: Path, below: Scene | None = None) -> np.ndarray:
    surface = pygame.Surface(SIZE)
    if below is not None:
        below.render(surface)
    scene.render(surface)
    pygame.image.save(surface, str(path))
    return pygame.surfarray.array3d(surface)


def assert_not_blank(pixels: np.ndarray) -> None:
    flat = pixels.reshape(-1, 3)
    colours = np.unique(flat[:: max(1, len(flat) // 20000)], axis=0)
    assert len(colours) > 8, "scene drew (almost) nothing"
    assert float(flat.std()) > 10.0


def test_menu_renders(ctx: GameContext, tmp_path: Path) -> None:
    assert_not_blank(shoot(MenuScene(ctx), tmp_path / "menu.png"))


def test_calibrate_renders_skeleton(ctx: GameContext, tmp_path: Path) -> None:
    scene = CalibrateScene(ctx)
    pixels = shoot(scene, tmp_path / "calibrate.png")
    assert_not_blank(pixels)
    assert ctx.live.last_pose is not None


def test_runner_and_pause_render(ctx: GameContext, tmp_path: Path) -> None:
    ctx.begin_session()
    scene = RunnerScene(ctx)
    scene.world.distance_m = 30.0
    assert_not_blank(shoot(scene, tmp_path / "runner.png"))
    assert_not_blank(shoot(PauseScene(ctx), tmp_path / "pause.png", below=scene))


def test_results_render(ctx: GameContext, tmp_path: Path) -> None:
    scene = RunnerScene(ctx)
    summary = scene.summary(completed=True)
    assert_not_blank(shoot(ResultsScene(ctx, summary), tmp_path / "results.png"))


def test_calibrate_shows_the_camera_picture_mirrored(ctx: GameContext, tmp_path: Path) -> None:
    from sensors.camera.capture import Frame

    image = np.zeros((240, 320, 3), np.uint8)
    image[:, :160] = (0, 0, 255)  # red on the camera's left half (BGR)
    ctx.preview = lambda: Frame(0, 0, image, "camera:0")
    pixels = shoot(CalibrateScene(ctx), tmp_path / "calibrate_camera.png")
    assert_not_blank(pixels)
    w, h = SIZE
    view_w = round(h * 0.62 * 4 / 3)
    cx, cy = round(w * 0.36), round(h * 0.55)
    left, right = pixels[cx - view_w // 2 + 5, cy], pixels[cx + view_w // 2 - 5, cy]
    assert tuple(right) == (255, 0, 0) and tuple(left) != (255, 0, 0)  # mirrored like a mirror
