from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from game.input.mapper import InputFrame
from game.modes.runner.level import Level, Obstacle
from game.modes.runner.rules import JUMP_AIRTIME_S, RunnerWorld

DT = 1 / 120


def level(*obstacles: tuple[float, str], length_m: float = 100.0) -> Level:
    return Level(
        path=Path("test.yaml"),
        schema=1,
        name="test",
        mode="runner",
        description="",
        difficulty=1,
        length_m=length_m,
        stride_m=1.0,
        time_limit_s=None,
        obstacles=tuple(Obstacle(at_m=a, kind=k) for a, k in obstacles),
    )


def frame(speed: float = 1.0, pressed: set[str] | None = None, held: set[str] | None = None) -> InputFrame:
    return InputFrame(frozenset(pressed or ()), frozenset(held or ()), frozenset(), MappingProxyType({"speed": speed}))


def run(world: RunnerWorld, seconds: float, **kw: object) -> list:
    events = []
    for _ in range(round(seconds / DT)):
        events += world.update(frame(**kw), DT)  # type: ignore[arg-type]
    return events


def test_speed_follows_cadence_axis() -> None:
    w = RunnerWorld(level())
    run(w, 4.0, speed=1.0)
    assert w.speed_mps == pytest.approx(160 / 60, rel=0.02)
    run(w, 4.0, speed=0.0)
    assert w.speed_mps < 0.05


def test_jump_clears_hurdle_and_standing_hits_it() -> None:
    w = RunnerWorld(level((10.0, "hurdle"), (30.0, "hurdle")))
    run(w, 3.0)  # up to speed, hurdle at 10 m not reached yet? check distance
    assert w.distance_m < 10.0
    # jump when the hurdle is ~0.4 s away
    while (10.0 - w.distance_m) / w.speed_mps > 0.4:
        w.update(frame(), DT)
    w.update(frame(pressed={"jump"}), DT)
    events = run(w, JUMP_AIRTIME_S + 0.2)
    assert [(e.kind, e.obstacle) for e in events] == [("clear", "hurdle")]
    events = run(w, 10.0)
    assert ("hit", "hurdle") in [(e.kind, e.obstacle) for e in events]
    assert w.stats.hurdles_cleared == 1 and w.stats.hurdles_hit == 1


def test_duck_under_bar() -> None:
    w = RunnerWorld(level((5.0, "bar"), (12.0, "bar")))
    events = []
    while w.distance_m < 8:
        events += w.update(frame(held={"duck"}), DT)
    while w.distance_m < 14:
        events += w.update(frame(), DT)
    assert [(e.kind, e.obstacle) for e in events] == [("clear", "bar"), ("hit", "bar")]


def test_finish_and_score() -> None:
    w = RunnerWorld(level((20.0, "coin"), length_m=50.0))
    events = run(w, 30.0)
    assert w.finished
    assert events[-1].kind == "finish"
    assert w.score == 50 + 10
    assert w.update(frame(), DT) == []


def test_time_limit_ends_the_run() -> None:
    w = RunnerWorld(replace(level(length_m=1000.0), time_limit_s=2.0))
    run(w, 3.0)
    assert w.finished and w.time_left_s == 0.0
    assert w.distance_m < 1000.0
