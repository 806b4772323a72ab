from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

import pytest

from game.input.mapper import InputFrame
from game.modes.runner.level import ARC_COINS, Level, Obstacle, Spot, expand_spots
from game.modes.runner.rules import JUMP_AIRTIME_S, POINTS, RunnerWorld, combo_multiplier

DT = 1 / 120


def level(*obstacles: tuple[float, str], length_m: float = 100.0, target: float = 160.0) -> Level:
    spots = tuple(Spot(a, k) for a, k in obstacles)
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
        obstacles=expand_spots(spots, target / 60.0),
        target_cadence_spm=target,
        spots=spots,
    )


def frame(speed: float = 1.0, pressed: set[str] | None = None, held: set[str] | None = None) -> InputFrame:
    return InputFrame(frozenset(pressed or ()), frozenset(held or ()), frozenset(), MappingProxyType({"speed": speed}))


def run(world: RunnerWorld, seconds: float, **kw: object) -> list:
    events = []
    for _ in range(round(seconds / DT)):
        events += world.update(frame(**kw), DT)  # type: ignore[arg-type]
    return events


def run_to(world: RunnerWorld, at_m: float, **kw: object) -> list:
    events = []
    while world.distance_m < at_m:
        events += world.update(frame(**kw), DT)  # type: ignore[arg-type]
    return events


def jump_for(world: RunnerWorld, at_m: float) -> list:
    """Run on and jump so the apex (JUMP_AIRTIME_S / 2 after take-off) meets ``at_m``."""
    events = []
    while (at_m - world.distance_m) / world.speed_mps > JUMP_AIRTIME_S / 2:
        events += world.update(frame(), DT)
    events += world.update(frame(pressed={"jump"}), DT)
    return events + run(world, JUMP_AIRTIME_S + 0.1)


def test_speed_follows_cadence_axis() -> None:
    w = RunnerWorld(level())
    run(w, 4.0, speed=1.0)
    assert w.speed_mps == pytest.approx(160 / 60, rel=0.02)
    run(w, 4.0, speed=0.0)
    assert w.speed_mps < 0.05


def test_on_target_the_speed_is_the_levels_whatever_the_pace() -> None:
    """A higher pace asks for a faster cadence for the same speed: at 1.25 x the target of 160,
    200 steps/min runs as fast as 160 did at pace 1, and 160 only 0.8 as fast."""
    w = RunnerWorld(level(), pace=1.25)
    assert w.target_cadence_spm == pytest.approx(200)
    run(w, 5.0, speed=200 / 160)
    assert w.speed_mps == pytest.approx(160 / 60, rel=0.02)
    run(w, 5.0, speed=1.0)
    assert w.speed_mps == pytest.approx(0.8 * 160 / 60, rel=0.02)


def test_keyboard_runs_on_target() -> None:
    w = RunnerWorld(level(target=140.0), pace=1.3)
    for _ in range(round(5 / DT)):
        w.update(frame(speed=1.0), DT, axis_is_cadence=False)
    assert w.speed_mps == pytest.approx(140 / 60, rel=0.02)
    assert w.cadence_spm is None and w.stats.running_s == 0.0


def test_jump_clears_hurdle_and_standing_hits_it() -> None:
    w = RunnerWorld(level((10.0, "hurdle"), (30.0, "hurdle")))
    run(w, 3.0)
    assert w.distance_m < 10.0
    events = jump_for(w, 10.0)
    assert [(e.kind, e.obstacle) for e in events] == [("clear", "hurdle")]
    events = run(w, 10.0)
    assert ("hit", "hurdle") in [(e.kind, e.obstacle) for e in events]
    assert w.stats.hurdles_cleared == 1 and w.stats.hurdles_hit == 1


def test_duck_under_bar() -> None:
    w = RunnerWorld(level((5.0, "bar"), (12.0, "bar")))
    events = run_to(w, 8, held={"duck"})
    events += run_to(w, 14)
    assert [(e.kind, e.obstacle) for e in events] == [("clear", "bar"), ("hit", "bar")]


def test_coin_arc_only_a_jump_collects() -> None:
    """Running through an arc collects none of its coins; a jump timed to its middle collects
    them all, because pickup is decided by the runner's height as it crosses each coin."""
    w = RunnerWorld(level((10.0, "arc"), (30.0, "arc"), (50.0, "coin")))
    events = run_to(w, 20.0)
    assert w.stats.arc_coins == 0 and w.stats.arc_coins_missed == ARC_COINS
    assert [(e.kind, e.obstacle, e.points) for e in events] == [("arc_done", f"0/{ARC_COINS}", 0)]
    events = jump_for(w, 30.0)
    assert [e.kind for e in events] == ["arc_coin"] * ARC_COINS + ["arc_done"]
    assert events[-1].obstacle == f"{ARC_COINS}/{ARC_COINS}" and events[-1].points == ARC_COINS * POINTS["arc_coin"]
    assert w.stats.arc_coins == ARC_COINS and w.stats.arcs_full == 1 and w.arcs_met == 2
    # Collected coins are gone from the track; the missed arc's coins are still there, behind.
    assert sum(1 for ob in w.track if ob is not None and ob.arc == 1) == 0
    assert sum(1 for ob in w.track if ob is not None and ob.arc == 0) == ARC_COINS
    run_to(w, 55.0)
    assert w.stats.coins == 1  # a coin on the path is collected running


def test_a_late_jump_gets_part_of_an_arc() -> None:
    w = RunnerWorld(level((10.0, "arc")))
    run(w, 2.5)
    # Take off when the apex would be 0.2 s past the arc's middle: only the later coins are high enough.
    while (10.0 - w.distance_m) / w.speed_mps > JUMP_AIRTIME_S / 2 - 0.2:
        w.update(frame(), DT)
    w.update(frame(pressed={"jump"}), DT)
    run(w, 1.0)
    assert 0 < w.stats.arc_coins < ARC_COINS
    assert w.stats.arcs_full == 0


def test_ducking_runner_is_too_low_for_an_arc() -> None:
    w = RunnerWorld(level((10.0, "arc")))
    run_to(w, 12.0, held={"duck"})
    assert w.stats.arc_coins == 0


def test_combo_multiplies_points_and_a_hit_ends_it() -> None:
    assert [combo_multiplier(n) for n in (0, 2, 3, 5, 6, 9, 30)] == [1, 1, 2, 2, 3, 4, 4]
    bars = [(10.0 + 8 * i, "bar") for i in range(7)]
    w = RunnerWorld(level(*bars, (80.0, "bar"), (90.0, "bar"), length_m=120.0))
    events = run_to(w, 65.0, held={"duck"})
    clears = [e for e in events if e.kind == "clear"]
    assert [e.points for e in clears] == [50, 50, 100, 100, 100, 150, 150]
    assert [e.combo for e in events if e.kind == "combo"] == [2, 3]
    assert w.stats.streak == 7 and w.combo == 3
    events = run_to(w, 85.0)  # standing up into the bar at 80 m
    assert [e.kind for e in events] == ["hit"]
    assert w.stats.streak == 0 and w.combo == 1 and w.stats.best_streak == 7
    events = run_to(w, 95.0, held={"duck"})
    assert [e.points for e in events if e.kind == "clear"] == [POINTS["bar"]]


def test_cadence_against_target_is_measured() -> None:
    w = RunnerWorld(level(length_m=1000.0, target=150.0))
    run(w, 10.0, speed=150 / 160)  # on target
    run(w, 10.0, speed=120 / 160)  # 20 % slow: not on pace
    assert w.stats.mean_cadence_spm == pytest.approx(135.0, abs=0.5)
    assert w.stats.mean_target_spm == pytest.approx(150.0)
    assert w.stats.on_pace_s == pytest.approx(10.0, abs=0.05)


def test_finish_and_score() -> None:
    w = RunnerWorld(level((20.0, "coin"), length_m=50.0))
    events = run(w, 60.0, speed=0.5)  # half the target: never on pace, no pace points
    assert w.finished
    assert events[-1].kind == "finish"
    assert w.score == 50 + POINTS["coin"]
    assert w.update(frame(), DT) == []


def test_time_limit_ends_the_run() -> None:
    w = RunnerWorld(replace(level(length_m=1000.0), time_limit_s=2.0))
    run(w, 3.0)
    assert w.finished and w.time_left_s == 0.0
    assert w.distance_m < 1000.0


def test_arc_coins_follow_a_jump_shape() -> None:
    coins = [o for o in expand_spots((Spot(10.0, "arc"),), 2.5) if isinstance(o, Obstacle)]
    assert len(coins) == ARC_COINS
    heights = [c.height_m for c in coins]
    assert heights[ARC_COINS // 2] == max(heights) and heights[0] == heights[-1] == min(heights)
    assert [c.at_m for c in coins] == sorted(c.at_m for c in coins)
