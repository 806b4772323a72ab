"""Target punch rules: windows, early presses, held moves, combos, two players, pace."""

from __future__ import annotations

from pathlib import Path
from types import MappingProxyType

import pytest

from game.input.mapper import InputFrame
from game.modes.punch.level import Level, Target
from game.modes.punch.rules import COMBO_STEP, EARLY_S, HIT_POINTS, LATE_FACTOR, LEAN_HIT, PunchEvent, PunchWorld

DT = 1 / 120


def make_level(*targets: tuple[str, str, float, float], players: int = 1) -> Level:
    """Targets as (kind, side, open_s, window_s); each shows 1 s before it opens."""
    ts = tuple(Target(i, k, s, o, w, max(0.0, o - 1.0)) for i, (k, s, o, w) in enumerate(targets))
    return Level(
        path=Path("test.yaml"),
        schema=1,
        name="test",
        mode="punch",
        description="",
        difficulty=1,
        players=players,
        seated=False,
        tempo_bpm=60.0,
        lead_s=1.0,
        length_s=max(t.close_s for t in ts),
        targets=ts,
    )


def frame(pressed: set[str] | None = None, held: set[str] | None = None, lean: float = 0.0) -> InputFrame:
    p = frozenset(pressed or ())
    return InputFrame(p, frozenset(held or ()) | p, frozenset(), MappingProxyType({"lean": lean}))


def run_until(world: PunchWorld, t_s: float, *frames: InputFrame) -> list[PunchEvent]:
    events: list[PunchEvent] = []
    idle = [frame() for _ in range(world.players)]
    while world.t_s < t_s - 1e-9 and not world.finished:
        events += world.update(list(frames) if frames else idle, DT)
    return events


def step(world: PunchWorld, *frames: InputFrame) -> list[PunchEvent]:
    return world.update(list(frames), DT)


def test_a_punch_in_the_window_hits_and_scores_more_the_sooner() -> None:
    world = PunchWorld(make_level(("punch", "left", 1.0, 1.0), ("punch", "right", 3.0, 1.0)))
    run_until(world, 1.0)
    (hit,) = step(world, frame({"punch"}))
    assert hit.kind == "hit" and hit.points == HIT_POINTS and hit.combo == 1
    run_until(world, 3.9)
    (late,) = step(world, frame({"punch"}))
    assert late.kind == "hit" and round(HIT_POINTS * LATE_FACTOR) <= late.points < HIT_POINTS * 0.6
    run_until(world, 10.0)
    assert world.finished and world.rounds[0].hits["punch"] == 2 and world.score == hit.points + late.points


def test_a_target_not_hit_in_time_is_a_miss_and_ends_the_combo() -> None:
    world = PunchWorld(make_level(("punch", "left", 1.0, 1.0), ("reach", "centre", 3.0, 1.0), ("punch", "left", 5.0, 1.0)))
    run_until(world, 1.2)
    step(world, frame({"punch"}))
    events = run_until(world, 4.5)
    assert [e.kind for e in events] == ["miss"] and events[0].target.kind == "reach"
    assert world.rounds[0].combo == 0 and world.rounds[0].misses["reach"] == 1
    # A press after the window closed is too late: still a miss.
    events = run_until(world, 6.1)
    assert [e.kind for e in events] == ["miss"]
    assert step(world, frame({"punch"})) == []


def test_a_press_just_before_the_window_counts_but_not_an_older_one() -> None:
    world = PunchWorld(make_level(("punch", "left", 1.0, 1.0), ("punch", "left", 3.0, 1.0)))
    run_until(world, 1.0 - EARLY_S / 2)
    step(world, frame({"punch"}))
    events = run_until(world, 1.2)
    assert [e.kind for e in events] == ["hit"]
    run_until(world, 3.0 - 2 * EARLY_S)
    step(world, frame({"punch"}))
    assert [e.kind for e in run_until(world, 4.5)] == ["miss"]


def test_one_press_hits_one_target_the_oldest_it_fits() -> None:
    world = PunchWorld(make_level(("punch", "left", 1.0, 2.0), ("punch", "right", 1.6, 2.0)))
    run_until(world, 1.7)
    (hit,) = step(world, frame({"punch"}))
    assert hit.target.index == 0
    (hit2,) = step(world, frame({"punch"}))
    assert hit2.target.index == 1


def test_each_kind_needs_its_own_move() -> None:
    world = PunchWorld(
        make_level(
            ("squat", "centre", 1.0, 1.0),
            ("step", "right", 3.0, 1.0),
            ("lean", "left", 5.0, 1.0),
            ("reach", "centre", 7.0, 1.0),
        )
    )
    run_until(world, 1.1)
    assert step(world, frame({"punch", "reach"})) == []  # the wrong moves
    assert [e.kind for e in step(world, frame(held={"duck"}))] == ["hit"]  # squat: held low
    run_until(world, 3.1)
    assert step(world, frame({"sidestep_left"})) == []  # the other side
    assert [e.kind for e in step(world, frame({"sidestep_right"}))] == ["hit"]
    run_until(world, 5.1)
    assert step(world, frame(lean=LEAN_HIT * 0.8 * -1)) == []  # not far enough
    assert step(world, frame(lean=LEAN_HIT)) == []  # the other way
    assert [e.kind for e in step(world, frame(lean=-LEAN_HIT))] == ["hit"]
    run_until(world, 7.1)
    assert [e.kind for e in step(world, frame({"reach"}))] == ["hit"]
    rnd = world.rounds[0]
    assert rnd.hit_count == 4 and rnd.miss_count == 0 and rnd.best_combo == 4


def test_streaks_raise_the_multiplier_and_announce_combos() -> None:
    n = 2 * COMBO_STEP + 1
    world = PunchWorld(make_level(*(("punch", "left", 1.0 + i, 0.8) for i in range(n))))
    events: list[PunchEvent] = []
    for i in range(n):
        run_until(world, 1.0 + i)
        events += step(world, frame({"punch"}))
    hits = [e for e in events if e.kind == "hit"]
    combos = [e.combo for e in events if e.kind == "combo"]
    assert combos == [COMBO_STEP, 2 * COMBO_STEP]
    # Hits up to COMBO_STEP - 1 in a row score x1; the COMBO_STEP-th and on x2; then x3.
    assert [round(h.points / HIT_POINTS) for h in hits] == [1] * (COMBO_STEP - 1) + [2] * COMBO_STEP + [3] * 2
    assert world.rounds[0].best_combo == n


def test_two_players_score_apart_on_the_same_targets() -> None:
    world = PunchWorld(make_level(("punch", "left", 1.0, 1.0), ("reach", "centre", 3.0, 1.0), players=2), players=2)
    events = run_until(world, 1.1)
    events += step(world, frame({"punch"}), frame())
    assert [(e.player, e.kind) for e in events] == [(0, "hit")]
    events = run_until(world, 3.1)
    assert [(e.player, e.kind, e.target.kind) for e in events] == [(1, "miss", "punch")]
    events = step(world, frame(), frame({"reach"}))
    assert [(e.player, e.kind) for e in events] == [(1, "hit")]
    events = run_until(world, 10.0)
    assert [(e.player, e.kind, e.target.kind) for e in events] == [(0, "miss", "reach")]
    p0, p1 = world.rounds
    assert p0.score == p1.score == round(HIT_POINTS * (1 - (1 - LATE_FACTOR) * 0.1)) and world.score == p0.score + p1.score
    assert world.finished
    with pytest.raises(ValueError, match="one input frame per player"):
        PunchWorld(make_level(("punch", "left", 1.0, 1.0)), players=2).update([frame()], DT)


def test_pace_runs_the_round_faster() -> None:
    world = PunchWorld(make_level(("punch", "left", 2.0, 1.0)), pace=2.0)
    run_until(world, 2.0)
    assert world.elapsed_s == pytest.approx(1.0, abs=DT)
    assert world.time_left_s == pytest.approx(0.5, abs=DT)
