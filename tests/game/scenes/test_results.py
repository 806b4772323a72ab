"""The results screen: energy where the heart rate allows it (and why not), the band bars and
curve, moves per kind, and the player's best on the level."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.engine.config import AppConfig, PlayerBody
from game.engine.run import build_context
from game.levels import list_levels
from game.modes.runner import MODE as RUNNER
from game.scenes.results import ResultsScene, band_edges, move_counts, round_energy
from sensors.motion.heart_analytics import keytel_kcal_per_min
from sensors.motion.heart_zones import HeartProfile, Intensity

PROFILE = HeartProfile(hr_rest_bpm=60, hr_max_bpm=200)
BODY = PlayerBody(age_y=30, mass_kg=70, sex="male")


def test_energy_is_keytel_over_the_trace() -> None:
    trace = [(float(t), 150) for t in range(60)]  # a minute at 150 bpm, 75 % of HRmax
    energy = round_energy(trace, BODY, PROFILE)
    assert energy.note == "results.energy_value"
    assert energy.kcal == pytest.approx(keytel_kcal_per_min(150, 70, 30, "male"), rel=1e-6)


def test_a_strap_gap_counts_as_nothing() -> None:
    trace = [(0.0, 150), (60.0, 150)]  # two readings a minute apart: each stands for at most 5 s
    energy = round_energy(trace, BODY, PROFILE)
    assert energy.kcal == pytest.approx(keytel_kcal_per_min(150, 70, 30, "male") * 6 / 60, rel=1e-6)


@pytest.mark.parametrize(
    ("trace", "body", "why"),
    [
        ([(0.0, None), (1.0, None)], BODY, "results.energy_no_strap"),
        ([], BODY, "results.energy_no_strap"),
        ([(0.0, 150), (1.0, 151)], None, "results.energy_no_profile"),
        ([(0.0, 150)], PlayerBody(age_y=30, mass_kg=None, sex="male"), "results.energy_no_profile"),
        ([(0.0, 90), (1.0, 95)], BODY, "results.energy_too_light"),  # under 57 % of HRmax all along
    ],
)
def test_energy_says_why_it_is_not_shown(trace: list[tuple[float, int | None]], body: PlayerBody | None, why: str) -> None:
    energy = round_energy(trace, body, PROFILE)
    assert energy.kcal is None and energy.note == why


def test_band_edges_follow_the_heart_rate_reserve() -> None:
    edges = band_edges(PROFILE, 60, 200)
    assert [band for band, _, _ in edges] == list(Intensity)
    assert edges[0][1] == 60 and edges[-1][2] == 200
    for (_, _, end), (_, start, _) in zip(edges, edges[1:], strict=False):
        assert end == start
    # Moderate starts at 40 % of the reserve (ACSM, Garber 2011): 60 + 0.4 * 140 = 116 bpm.
    moderate = next(e for e in edges if e[0] is Intensity.MODERATE)
    assert moderate[1] == pytest.approx(116, abs=0.5)


def test_moves_are_named_and_sorted_without_take_offs() -> None:
    summary = {"motion_events": {"step": 40, "takeoff": 3, "jump": 3, "squat": 7, "wiggle": 2, "punch": 0}}
    assert move_counts(summary) == [("steps", 40), ("squats", 7), ("jumps", 3), ("wiggle", 2)]
    assert move_counts({}) == []


def summary_for(level: str, score: int) -> dict[str, object]:
    return {
        "completed": True,
        "mode": "runner",
        "level": level,
        "score": score,
        "played_s": 60.0,
        "hr_mean_bpm": 130.0,
        "hr_max_bpm": 150,
        "seconds_in_intensity": {"light": 20.0, "moderate": 40.0},
        "motion_events": {"step": 100, "jump": 4},
    }


def test_results_show_the_best_before_and_a_new_best(tmp_path: Path) -> None:
    pygame.font.init()
    levels, _ = list_levels(RUNNER.name)
    ctx = build_context(AppConfig(input="keyboard", db=tmp_path / "s.sqlite", body=BODY), RUNNER, levels)
    level = ctx.level.name
    screen = pygame.Surface((800, 450))

    ctx.begin_session()
    ctx.end_session(200, summary_for(level, 200))
    first = ResultsScene(ctx, summary_for(level, 200), hr_trace=[(float(t), 140) for t in range(60)])
    assert first.best_before is None and not first.new_best  # the first time on this level
    first.render(screen)

    ctx.begin_session()
    ctx.end_session(150, summary_for(level, 150))
    lower = ResultsScene(ctx, summary_for(level, 150))
    assert lower.best_before is not None and lower.best_before.score == 200 and not lower.new_best
    lower.render(screen)  # no heart rate: the curve says so

    ctx.begin_session()
    ctx.end_session(260, summary_for(level, 260))
    higher = ResultsScene(ctx, summary_for(level, 260), hr_trace=[(0.0, 120), (1.0, None), (2.0, 150), (3.0, 155)])
    assert higher.new_best and higher.best_before is not None and higher.best_before.score == 200
    assert higher.energy.kcal is not None
    before = pygame.surfarray.array3d(screen).copy()
    higher.render(screen)
    assert (pygame.surfarray.array3d(screen) != before).any()
