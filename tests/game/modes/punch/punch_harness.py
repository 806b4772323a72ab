"""Playing target punch's scene as the game loop does, without a window or a real clock."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

import pygame

from game.audio import Sound
from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.run import build_context
from game.levels import parse_level
from game.modes.punch import MODE as PUNCH
from game.modes.punch.level import Level
from game.modes.punch.scene import PunchScene
from sensors.clock import ManualClock, s_to_ns
from sensors.samples import Sample

DT = 1 / 120


class Heard(Sound):
    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.cues: list[str] = []

    def play(self, cue: str) -> None:
        self.cues.append(cue)


class QuickScene(PunchScene):
    countdown_s = 0.0


def load(text: str) -> Level:
    level = parse_level(text, "test.yaml", "punch")
    assert isinstance(level, Level)
    return level


def context(tmp_path: Path, level: Level, *, players: int = 1, autopilot: object = None, steer: object = None) -> GameContext:
    pygame.font.init()
    config = AppConfig(mode="punch", input="sim", players=players, db=tmp_path / "s.sqlite")
    ctx = build_context(config, PUNCH, [level], autopilot, "sim", None, steer, Heard())
    ctx.clock = ManualClock(s_to_ns(10))
    return ctx


def play_out(ctx: GameContext, advance: Callable[[int], Sequence[Sample]] | None, max_s: float) -> PunchScene:
    """Run the scene as the game loop does (sensors drained, motion mapped, fixed steps), drawing
    every tenth step, until the round is over."""
    scene = QuickScene(ctx)
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    screen = pygame.Surface((640, 360))
    for i in range(round(max_s / DT)):
        clock.advance(s_to_ns(DT))
        if advance is not None:
            events, _ = ctx.live.ingest(advance(clock()))
            for ev in events:
                ctx.mapper.motion_event(ev)
            if ctx.live.motion_live(clock()):
                ctx.mapper.motion_state(ctx.live.recogniser.state)
        scene.update(ctx.mapper.step(), DT)
        if i % 10 == 0:
            scene.render(screen)
        if scene.finished:
            return scene
    raise AssertionError(f"the round did not end in {max_s} s")
