"""The runner's heads-up display: the shared panels plus progress along the track."""

from __future__ import annotations

import pygame

from game.engine.live import LiveSensors
from game.modes.runner.rules import RunnerWorld
from game.render.text import TextCache
from game.scenes.hud import draw_hud, draw_player_inset, draw_progress


def draw_runner_hud(screen: pygame.Surface, text: TextCache, live: LiveSensors, now_ns: int, world: RunnerWorld) -> None:
    top = draw_hud(screen, text, live, now_ns, world.score, world.elapsed_s, world.time_left_s)
    draw_progress(screen, top.bottom, world.progress)
    draw_player_inset(screen, text, live, now_ns)
