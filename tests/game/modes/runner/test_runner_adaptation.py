"""Difficulty that follows effort, end to end (issue 12): on the same adaptive level, the
simulated player at low fitness (VO2max 30) and at high fitness (VO2max 55) both end with their
heart rate in the level's band of heart-rate reserve, whereas the level's written pace leaves
them out of it (the unfit one above, the fit one below).

Each round plays the real chain on a fake clock (tests/game/modes/runner/closed_loop.py): the
simulated player's samples through the app's sensor pump and motion recognition into the
runner scene, whose pace controller reads the heart rate and whose autopilot steers the player
to jog at the target cadence and jump and squat for what comes. The simulated camera and IMU
run at 15 frames/s and 50 Hz instead of 30 and 100 to keep the rounds quick; recognition still
clears every obstacle at those rates (asserted below).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from game.levels import load_level
from game.modes.runner.level import Level
from tests.game.modes.runner.closed_loop import RoundResult, play_round

LAKESIDE = Path(__file__).resolve().parents[4] / "levels" / "runner" / "lakeside.yaml"
#: Seconds of play: the controller's first step comes at 60 s and moves at most 0.1 per 30 s,
#: and a heart rate settles over a minute or two after that (tau 30 s up, 60 s down).
ADAPTIVE_S = {"low": 420.0, "high": 330.0}
#: The written pace: after 120 s the heart is within 2 % of its steady rate (4 tau up).
FIXED_S = 120.0
#: "Ends with" the heart rate in the band: the mean %HRR over the last 30 s.
TAIL_S = 30.0
IMU_HZ, POSE_FPS = 50.0, 15.0

pytestmark = pytest.mark.slow  # about 1000 s of play on a fake clock: tens of seconds


@pytest.fixture(scope="module")
def level() -> Level:
    lv = load_level(LAKESIDE)
    assert isinstance(lv, Level) and lv.adaptive and lv.effort_band is not None
    return lv


@pytest.fixture(scope="module")
def rounds(level: Level) -> dict[tuple[str, bool], RoundResult]:
    out = {}
    for fitness in ("low", "high"):
        out[(fitness, True)] = play_round(level, fitness, ADAPTIVE_S[fitness], imu_rate_hz=IMU_HZ, pose_fps=POSE_FPS)
        out[(fitness, False)] = play_round(level, fitness, FIXED_S, adaptive=False, imu_rate_hz=IMU_HZ, pose_fps=POSE_FPS)
    return out


def tail(result: RoundResult, seconds: float) -> float:
    return result.mean_hrr(seconds - TAIL_S)


def test_adaptive_pace_brings_both_players_into_the_band(level: Level, rounds: dict[tuple[str, bool], RoundResult]) -> None:
    assert level.effort_band is not None
    lo, hi = level.effort_band
    for fitness in ("low", "high"):
        result = rounds[(fitness, True)]
        assert lo <= tail(result, ADAPTIVE_S[fitness]) <= hi, (fitness, tail(result, ADAPTIVE_S[fitness]))
    low, high = rounds[("low", True)].scene.world, rounds[("high", True)].scene.world
    # The unfit player is asked for less (a slower cadence, moves eased), the fit one for more.
    assert low.pace < 1.0 < high.pace
    assert low.target_cadence_spm < level.target_cadence_spm < high.target_cadence_spm
    assert low.stats.eased > 0 and high.stats.eased == 0


def test_written_pace_leaves_one_of_them_out(level: Level, rounds: dict[tuple[str, bool], RoundResult]) -> None:
    assert level.effort_band is not None
    lo, hi = level.effort_band
    low, high = tail(rounds[("low", False)], FIXED_S), tail(rounds[("high", False)], FIXED_S)
    assert low > hi, low  # the unfit player works above the band
    assert high < lo, high  # the fit one below it
    for fitness in ("low", "high"):
        assert rounds[(fitness, False)].scene.world.pace == 1.0


def test_the_players_keep_playing_while_the_pace_moves(rounds: dict[tuple[str, bool], RoundResult]) -> None:
    """The autopilot follows the target cadence and keeps clearing what comes."""
    for (fitness, adaptive), result in rounds.items():
        stats = result.scene.world.stats
        assert stats.cleared >= 15, (fitness, adaptive)
        assert stats.missed <= 0.1 * stats.cleared, (fitness, adaptive, stats.missed)
        assert stats.arc_coins >= 0.7 * (stats.arc_coins + stats.arc_coins_missed), (fitness, adaptive)
        summary = result.scene.mode_summary()
        assert summary["adaptive"] is adaptive
        assert summary["mean_cadence_spm"] is not None
