"""Heart-zone rules: zones, scoring with the streak bonus, phases, the summary, the move rates,
and the band read from %HRR with the player's own HRrest and HRmax."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.engine.difficulty import IntensityBand
from game.modes.heartzone.level import Level, Phase
from game.modes.heartzone.rules import (
    POINTS_PER_S,
    STREAK_BONUS_AFTER_S,
    STREAK_MULTIPLIER,
    HeartZoneRound,
    MoveRates,
    Zone,
    zone_of,
)
from sensors.motion.heart_zones import HeartProfile

MODERATE = IntensityBand(0.4, 0.6)


def level(*phases: tuple[str, float, tuple[float, float]]) -> Level:
    out, t = [], 0.0
    for kind, seconds, band in phases:
        out.append(Phase(kind, t, t + seconds, IntensityBand(*band)))
        t += seconds
    return Level(path=Path("t.yaml"), name="t", description="", difficulty=1, phases=tuple(out))


def play(rnd: HeartZoneRound, seconds: float, hrr: float | None, dt: float = 0.1) -> list[str]:
    events: list[str] = []
    for _ in range(round(seconds / dt)):
        events += rnd.update(dt, hrr)
    return events


def test_zone_of() -> None:
    assert zone_of(0.5, MODERATE) is Zone.IN
    assert zone_of(0.4, MODERATE) is Zone.IN and zone_of(0.6, MODERATE) is Zone.IN
    assert zone_of(0.39, MODERATE) is Zone.BELOW
    assert zone_of(0.61, MODERATE) is Zone.ABOVE
    assert zone_of(None, MODERATE) is Zone.NO_READING
    assert zone_of(float("nan"), MODERATE) is Zone.NO_READING


def test_band_from_the_players_own_reserve() -> None:
    # The same 130 bpm is below the band for a player with a high HRmax and inside it for another.
    young = HeartProfile(hr_rest_bpm=60, hr_max_bpm=200)  # 130 bpm = 50 % HRR
    older = HeartProfile(hr_rest_bpm=70, hr_max_bpm=160)  # 130 bpm = 66.7 % HRR
    assert young.reserve_fraction(130) == pytest.approx(0.5)
    assert zone_of(young.reserve_fraction(130), MODERATE) is Zone.IN
    assert zone_of(older.reserve_fraction(130), MODERATE) is Zone.ABOVE
    assert MODERATE.bpm(young) == pytest.approx((116.0, 144.0))


def test_points_per_second_in_the_zone_only() -> None:
    rnd = HeartZoneRound(level(("main", 120, (0.4, 0.6))))
    play(rnd, 10, 0.5)
    assert rnd.score == pytest.approx(10 * POINTS_PER_S, abs=1)
    play(rnd, 10, 0.2)  # below: nothing
    play(rnd, 10, 0.8)  # above: nothing
    play(rnd, 10, None)  # no reading: nothing, and never counted as in or out
    assert rnd.score == pytest.approx(10 * POINTS_PER_S, abs=1)
    s = rnd.stats
    assert s.seconds[Zone.IN] == pytest.approx(10)
    assert s.seconds[Zone.BELOW] == pytest.approx(10)
    assert s.seconds[Zone.ABOVE] == pytest.approx(10)
    assert s.seconds[Zone.NO_READING] == pytest.approx(10)
    assert s.share_in == pytest.approx(1 / 3)


def test_streak_bonus_after_a_steady_stay() -> None:
    rnd = HeartZoneRound(level(("main", 120, (0.4, 0.6))))
    play(rnd, STREAK_BONUS_AFTER_S - 1, 0.5)
    assert not rnd.bonus
    play(rnd, 1, 0.5)
    before = rnd.stats.points
    play(rnd, 10, 0.5)
    assert rnd.bonus
    assert rnd.stats.points - before == pytest.approx(10 * POINTS_PER_S * STREAK_MULTIPLIER, abs=POINTS_PER_S * 0.1)
    play(rnd, 1, 0.9)  # leaving the band breaks the streak
    assert rnd.stats.streak_s == 0 and not rnd.bonus
    assert rnd.stats.best_streak_s == pytest.approx(STREAK_BONUS_AFTER_S + 10)
    before = rnd.stats.points
    play(rnd, 10, 0.5)
    assert rnd.stats.points - before == pytest.approx(10 * POINTS_PER_S)


def test_crossing_in_and_out_pays_less_than_holding() -> None:
    steady, wobbly = (HeartZoneRound(level(("main", 120, (0.4, 0.6)))) for _ in range(2))
    play(steady, 120, 0.5)
    for _ in range(6):
        play(wobbly, 15, 0.5)
        play(wobbly, 5, 0.7)
    assert steady.score > wobbly.score


def test_events_and_phases() -> None:
    rnd = HeartZoneRound(level(("warm_up", 20, (0.3, 0.4)), ("main", 20, (0.5, 0.7))))
    events = play(rnd, 5, 0.35)
    assert events == ["zone_in"]
    assert rnd.phase.kind == "warm_up"
    events = play(rnd, 16, 0.35)
    assert "phase" in events and rnd.phase.kind == "main"
    assert rnd.zone is Zone.BELOW and "zone_out" in events  # the same heart rate is below the main band
    events = play(rnd, 30, 0.6)
    assert events[-1] == "finish"
    assert rnd.finished and rnd.elapsed_s == pytest.approx(40)
    assert play(rnd, 5, 0.6) == []  # nothing after the end


def test_summary_and_curve() -> None:
    rnd = HeartZoneRound(level(("main", 60, (0.4, 0.6))))
    play(rnd, 30, 0.5)
    play(rnd, 20, 0.7)
    play(rnd, 10, None)
    summary = rnd.summary()
    assert summary == {
        "seconds_in_zone": 30.0,
        "zone_share": 0.6,
        "seconds_above": 20.0,
        "seconds_below": 0.0,
        "seconds_no_reading": 10.0,
        "best_streak_s": 30.0,
        "level_s": 60.0,
    }
    assert len(rnd.curve) == 60
    assert rnd.curve[0].hrr == 0.5 and rnd.curve[-1].hrr is None


def test_move_rates_name_the_movement_done_most() -> None:
    rates = MoveRates(window_s=10)
    counts = {"step": 0, "jumping_jack": 0}
    for i in range(100):  # 2.5 steps a second, a jack a second, for 40 s
        t = i * 0.4
        counts["step"] += 1
        if i % 5 == 0:
            counts["jumping_jack"] += 2
        rates.feed(t, dict(counts))
    top = rates.top(40.0)
    assert top is not None and top[0] == "step" and top[1] == pytest.approx(150, rel=0.1)
    assert rates.top(100.0) is None
    rates.feed(100.0, {"step": counts["step"], "sidestep_left": 3, "sidestep_right": 3, "takeoff": 50})
    top = rates.top(101.0)
    assert top is not None and top[0] == "sidestep"  # take-offs are not shown
