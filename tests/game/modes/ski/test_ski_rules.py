"""Ski rules: speed from pushes and cadence, the slope's effect, the tuck, gates passed and
missed with their penalty, the finish and the time limit."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from game.input.mapper import InputFrame
from game.modes.ski.level import Gate, Level, Profile
from game.modes.ski.rules import (
    COMFORTABLE_PUSHES_PER_MIN,
    POINTS_FINISH,
    POINTS_PER_GATE,
    POLE_PUSH_J_PER_KG,
    STRIDE_POWER_W_PER_KG,
    SkiWorld,
)

DT = 1 / 60


def level(
    *gates: tuple[float, float],
    length_m: float = 2000.0,
    profile: tuple[tuple[float, float], ...] = (),
    time_limit_s: float | None = None,
    penalty_s: float = 5.0,
) -> Level:
    points = profile or ((0.0, 100.0), (length_m, 100.0))
    return Level(
        path=Path("test.yaml"),
        schema=1,
        name="test",
        mode="ski",
        description="",
        difficulty=1,
        length_m=length_m,
        time_limit_s=time_limit_s,
        miss_penalty_s=penalty_s,
        profile=Profile(tuple(p[0] for p in points), tuple(p[1] for p in points)),
        gates=tuple(Gate(at, off, 3.0) for at, off in gates),
    )


def frame(pole: bool = False, stride: float = 0.0, lean: float = 0.0, tuck: bool = False) -> InputFrame:
    return InputFrame(
        frozenset({"pole"} if pole else ()),
        frozenset({"duck"} if tuck else ()),
        frozenset(),
        MappingProxyType({"stride": stride, "lean": lean}),
    )


def ski(
    world: SkiWorld, seconds: float, *, rate_per_min: float = 0.0, stride: float = 0.0, lean: float = 0.0, tuck: bool = False
) -> list:
    """Run the world for ``seconds``: pole pushes at ``rate_per_min``, the other inputs held."""
    events = []
    period = 60.0 / rate_per_min if rate_per_min else None
    next_push = 0.0
    t = 0.0
    for _ in range(round(seconds / DT)):
        push = period is not None and t >= next_push
        if push:
            next_push += period  # type: ignore[operator]
        events += world.update(frame(pole=push, stride=stride, lean=lean, tuck=tuck), DT)
        t += DT
    return events


def mean_speed_over(world: SkiWorld, seconds: float, **kw: object) -> float:
    start_d, start_t = world.distance_m, world.elapsed_s
    ski(world, seconds, **kw)  # type: ignore[arg-type]
    return (world.distance_m - start_d) / (world.elapsed_s - start_t)


def test_pushes_set_the_speed_and_a_faster_tempo_goes_faster() -> None:
    slow, fast = SkiWorld(level()), SkiWorld(level())
    ski(slow, 20.0, rate_per_min=20)
    ski(fast, 20.0, rate_per_min=40)
    v_slow = mean_speed_over(slow, 20.0, rate_per_min=20)
    v_fast = mean_speed_over(fast, 20.0, rate_per_min=40)
    assert 2.5 < v_slow < v_fast < 9.0
    assert v_fast > 1.3 * v_slow
    # Pushes at the comfortable tempo hold about the speed the steady power balance predicts.
    steady = SkiWorld(level()).steady_speed_mps(POLE_PUSH_J_PER_KG * COMFORTABLE_PUSHES_PER_MIN / 60, 0.0)
    world = SkiWorld(level())
    ski(world, 20.0, rate_per_min=COMFORTABLE_PUSHES_PER_MIN)
    assert mean_speed_over(world, 20.0, rate_per_min=COMFORTABLE_PUSHES_PER_MIN) == pytest.approx(steady, rel=0.15)
    assert world.stats.swings == pytest.approx(40 * COMFORTABLE_PUSHES_PER_MIN / 60, abs=1)


def test_without_effort_the_skier_glides_to_a_stop_on_the_flat() -> None:
    world = SkiWorld(level())
    ski(world, 10.0, rate_per_min=40)
    assert world.speed_mps > 4.0
    ski(world, 30.0)
    assert world.speed_mps == 0.0
    stopped_at = world.distance_m
    ski(world, 5.0)
    assert world.distance_m == stopped_at


def test_jogging_cadence_drives_the_skier_like_the_comfortable_pole_tempo() -> None:
    jog, pole = SkiWorld(level()), SkiWorld(level())
    ski(jog, 20.0, stride=1.0)
    ski(pole, 20.0, rate_per_min=COMFORTABLE_PUSHES_PER_MIN)
    v_jog = mean_speed_over(jog, 20.0, stride=1.0)
    v_pole = mean_speed_over(pole, 20.0, rate_per_min=COMFORTABLE_PUSHES_PER_MIN)
    assert v_jog == pytest.approx(jog.steady_speed_mps(STRIDE_POWER_W_PER_KG, 0.0), rel=0.02)
    assert v_jog == pytest.approx(v_pole, rel=0.15)
    # A higher cadence (the stride axis above 1) goes faster.
    quick = SkiWorld(level())
    ski(quick, 20.0, stride=1.4)
    assert mean_speed_over(quick, 20.0, stride=1.4) > 1.1 * v_jog


def test_uphill_costs_more_effort_and_downhill_carries_the_skier() -> None:
    flat = SkiWorld(level())
    climb = SkiWorld(level(profile=((0.0, 100.0), (2000.0, 220.0))))  # 6 %
    assert climb.grade == pytest.approx(0.06)
    ski(flat, 20.0, rate_per_min=30)
    ski(climb, 20.0, rate_per_min=30)
    v_flat = mean_speed_over(flat, 20.0, rate_per_min=30)
    v_climb = mean_speed_over(climb, 20.0, rate_per_min=30)
    assert v_climb < 0.7 * v_flat
    # Holding the flat speed uphill needs a much faster tempo than the flat does.
    hard = SkiWorld(level(profile=((0.0, 100.0), (2000.0, 220.0))))
    ski(hard, 20.0, rate_per_min=40)
    assert mean_speed_over(hard, 20.0, rate_per_min=40) < v_flat
    # Down an 8 % slope the skier speeds up with no effort at all.
    down = SkiWorld(level(profile=((0.0, 260.0), (2000.0, 100.0))))
    ski(down, 30.0)
    assert down.speed_mps > 7.0
    assert climb.stats.climbed_m == pytest.approx(0.06 * climb.distance_m, rel=0.01)


def test_a_tuck_goes_faster_downhill_but_stops_the_pushes() -> None:
    slope = ((0.0, 260.0), (2000.0, 100.0))
    upright, tucked = SkiWorld(level(profile=slope)), SkiWorld(level(profile=slope))
    ski(upright, 60.0)
    ski(tucked, 60.0, tuck=True)
    assert tucked.speed_mps > 1.3 * upright.speed_mps
    assert tucked.stats.tuck_s == pytest.approx(60.0, abs=0.05) and upright.stats.tuck_s == 0
    # A tucked skier cannot pole: the pushes count for nothing on the flat.
    flat = SkiWorld(level())
    ski(flat, 10.0, rate_per_min=40, tuck=True)
    assert flat.speed_mps == 0.0 and flat.stats.swings == 0


def test_lean_steers_through_a_gate_and_standing_straight_misses_an_offset_one() -> None:
    world = SkiWorld(level((60.0, 0.0), (140.0, 4.0)))
    events = ski(world, 15.0, rate_per_min=40)
    assert [(e.kind, e.at_m) for e in events] == [("gate", 60.0)]
    assert world.passed_gates == {0}
    # Straight on misses the gate 4 m to the right: a penalty on the race time.
    events = ski(world, 20.0, rate_per_min=40)
    assert [(e.kind, e.at_m) for e in events] == [("miss", 140.0)]
    assert world.stats.gates_missed == 1 and world.penalty_s == 5.0
    assert world.race_time_s == pytest.approx(world.elapsed_s + 5.0)

    steered = SkiWorld(level((60.0, 0.0), (140.0, 4.0)))
    ski(steered, 15.0, rate_per_min=40)
    # Lean right until the skier is lined up, then straight on.
    while steered.distance_m < 140.0 and steered.x_m < 3.6:
        steered.update(frame(lean=1.0), DT)
    assert steered.distance_m < 140.0
    events = ski(steered, 20.0, rate_per_min=40)
    assert [e.kind for e in events] == ["gate"]
    assert steered.stats.gates_passed == 2 and steered.penalty_s == 0.0
    assert steered.score > world.score


def test_leaning_left_moves_left_and_the_track_has_edges() -> None:
    world = SkiWorld(level())
    ski(world, 10.0, rate_per_min=40)
    ski(world, 1.0, rate_per_min=40, lean=-1.0)
    assert world.x_m < -0.5 and world.heading_rad < 0
    ski(world, 30.0, rate_per_min=40, lean=-1.0)
    assert world.x_m == -6.0


def test_reaching_the_finish_ends_the_race_with_a_bonus() -> None:
    world = SkiWorld(level((50.0, 0.0), length_m=150.0, time_limit_s=120.0))
    events = ski(world, 60.0, rate_per_min=40)
    kinds = [e.kind for e in events]
    assert kinds == ["gate", "finish"]
    assert world.finished and not world.timed_out and world.distance_m == 150.0
    spare = 120.0 - world.race_time_s
    assert world.score == int(150 / 5) + POINTS_PER_GATE + POINTS_FINISH + int(10 * spare)
    assert world.update(frame(pole=True), DT) == []  # nothing moves after the finish


def test_the_time_limit_ends_a_race_that_is_too_slow_and_penalties_count() -> None:
    world = SkiWorld(level((20.0, 5.0), length_m=1000.0, time_limit_s=30.0, penalty_s=10.0))
    events = ski(world, 40.0, rate_per_min=20)
    assert [e.kind for e in events] == ["miss", "timeout"]
    # The missed gate's 10 s came off the 30 s: the race ended after about 20 s of skiing.
    assert world.elapsed_s == pytest.approx(20.0, abs=0.05)
    assert world.finished and world.timed_out and world.time_left_s == 0.0
    assert world.score == int(world.distance_m / 5)


def test_pace_makes_the_same_tempo_slower() -> None:
    easy, hard = SkiWorld(level()), SkiWorld(level(), pace=1.5)
    ski(easy, 30.0, rate_per_min=30)
    ski(hard, 30.0, rate_per_min=30)
    assert hard.speed_mps < 0.9 * easy.speed_mps


def test_steady_speed_numbers_of_the_model_docstring() -> None:
    world = SkiWorld(level())
    p30 = POLE_PUSH_J_PER_KG * 30 / 60
    assert world.steady_speed_mps(p30, 0.0) == pytest.approx(5.5, abs=0.1)
    assert world.steady_speed_mps(p30, 0.06) == pytest.approx(2.9, abs=0.1)
    assert world.steady_speed_mps(0.0, -0.08) == pytest.approx(9.1, abs=0.1)
    assert world.steady_speed_mps(0.0, -0.08, tucked=True) == pytest.approx(13.4, abs=0.15)
    assert world.steady_speed_mps(0.0, 0.0) == 0.0
