"""The 3-2-1-go before play: the mode's rules do not run, the time is not played time, the
cues sound once a second, the overlay draws; then the heart trace and the results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pygame
import pytest

from game.audio import Sound
from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.run import build_context
from game.input.mapper import InputFrame
from game.levels import list_levels
from game.modes.runner import MODE as RUNNER
from game.scenes.play import COUNTDOWN_S, PlayScene
from game.scenes.results import ResultsScene
from sensors.clock import ManualClock, s_to_ns
from sensors.samples import HeartRateSample

DT = 1 / 120


class Heard(Sound):
    """A player that remembers the cues asked for."""

    def __init__(self) -> None:
        super().__init__(enabled=False)
        self.cues: list[str] = []

    def play(self, cue: str) -> None:
        self.cues.append(cue)


class Counting(PlayScene):
    """Plays for two seconds of its own time."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self.t_s = 0.0
        self.calls = 0

    @property
    def finished(self) -> bool:
        return self.t_s >= 2.0

    @property
    def score(self) -> int:
        return self.calls

    @property
    def elapsed_s(self) -> float:
        return self.t_s

    def play(self, frame: InputFrame, dt: float) -> None:
        self.calls += 1
        self.t_s += dt

    def mode_summary(self) -> dict[str, Any]:
        return {}

    def render(self, screen: pygame.Surface) -> None:
        screen.fill((40, 90, 40))


@pytest.fixture()
def ctx(tmp_path: Path) -> Iterator[GameContext]:
    pygame.font.init()
    levels, _ = list_levels(RUNNER.name)
    context = build_context(AppConfig(input="keyboard", db=tmp_path / "s.sqlite"), RUNNER, levels, sound=Heard())
    context.clock = ManualClock(s_to_ns(10))
    yield context
    context.end_session(0, {})


def test_the_countdown_comes_before_play_and_is_not_played_time(ctx: GameContext) -> None:
    scene = Counting(ctx)
    heard = ctx.sound
    assert isinstance(heard, Heard)
    steps = round(COUNTDOWN_S / DT)
    for _ in range(steps - 1):
        assert scene.update(InputFrame(), DT) is None
    assert scene.calls == 0 and not scene.started
    assert heard.cues == ["countdown"] * 3
    scene.update(InputFrame(), DT)  # the last step of the countdown
    assert scene.started and heard.cues[-1] == "go" and scene.calls == 0
    tr = None
    while tr is None:
        tr = scene.update(InputFrame(), DT)
    assert tr.op == "replace" and isinstance(tr.scene, ResultsScene)
    # Played time is the mode's own: the countdown's three seconds are not in it.
    assert scene.t_s == pytest.approx(scene.calls * DT) and scene.t_s >= 2.0
    assert tr.scene.summary["played_s"] == pytest.approx(scene.t_s, abs=0.01)
    assert heard.cues[-1] == "finish" and heard.cues.count("finish") == 1  # once, when the round ended


def test_pause_works_during_the_countdown(ctx: GameContext) -> None:
    scene = Counting(ctx)
    scene.update(InputFrame(), DT)
    tr = scene.update(InputFrame(pressed=frozenset({"pause"})), DT)
    assert tr is not None and tr.op == "push"
    assert scene.calls == 0


def test_the_overlay_draws_the_count_and_go(ctx: GameContext) -> None:
    scene = Counting(ctx)
    screen = pygame.Surface((640, 360))
    scene.render(screen)
    before = pygame.surfarray.array3d(screen).copy()
    scene.draw_overlay(screen)
    assert (pygame.surfarray.array3d(screen) != before).any()
    for _ in range(round(COUNTDOWN_S / DT) + 2):
        scene.update(InputFrame(), DT)
    assert scene.started
    scene.render(screen)
    scene.draw_overlay(screen)  # "go" over the first moments of play
    assert (pygame.surfarray.array3d(screen) != before).any()


def test_the_heart_rate_is_traced_once_a_second_of_play(ctx: GameContext) -> None:
    class Quick(Counting):
        countdown_s = 0.0

    scene = Quick(ctx)
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    for i in range(round(1.9 / DT)):
        if i % 60 == 0:
            ctx.live.ingest([HeartRateSample(t_host_ns=clock(), source="strap", bpm=120 + i // 60)])
        scene.update(InputFrame(), DT)
        clock.advance(s_to_ns(DT))
    assert [bpm for _, bpm in scene.hr_trace] == [120, 122]
    assert scene.hr_trace[1][0] == pytest.approx(1.0, abs=DT * 1.5)
