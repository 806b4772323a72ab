"""Heart rate: follows effort with first-order kinetics, stays in range, and agrees with its RR."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.clock import s_to_ns
from sensors.samples import HeartRateSample
from sensors.sim import BodyParams, SimulatedPlayer, parse_script
from sensors.sim.heart import HeartModel, reserve_fraction

from sim_helpers import by_type, run


@pytest.fixture(scope="module")
def session() -> tuple[SimulatedPlayer, list[HeartRateSample]]:
    player = SimulatedPlayer(seed=2, script=parse_script("idle:10,jog:90@175,rest:90"), loop=False)
    return player, by_type(run(player, 190.0), HeartRateSample)


def test_heart_rate_rises_with_jogging_and_recovers_at_rest(session: tuple[SimulatedPlayer, list[HeartRateSample]]) -> None:
    player, hr = session
    bpm = np.array([h.bpm for h in hr], dtype=float)
    assert len(hr) == 190  # one notification a second
    start, peak, end = bpm[:10].mean(), bpm[95:100].mean(), bpm[-5:].mean()
    assert peak > start + 50
    assert end < peak - 25
    # Faster up than down: 30 s into jogging it has risen more than it fell 30 s into rest.
    assert bpm[38:42].mean() - start > peak - bpm[128:132].mean()
    assert bpm.min() >= player.body.hr_rest_bpm and bpm.max() <= player.body.hr_max


def test_rr_intervals_agree_with_the_reported_rate(session: tuple[SimulatedPlayer, list[HeartRateSample]]) -> None:
    _, hr = session
    assert all(h.contact is True for h in hr)
    for h in hr:  # each notification carries the beats since the last one, at their rate
        assert h.rr_s
        assert 60.0 / np.mean(h.rr_s) == pytest.approx(h.bpm, rel=0.03)
    for i in range(0, len(hr) - 10, 10):  # and over 10 s windows
        window = hr[i : i + 10]
        rr = np.concatenate([h.rr_s for h in window])
        assert 60.0 / rr.mean() == pytest.approx(np.mean([h.bpm for h in window]), rel=0.03)
        # RR intervals cover the time: about 10 s of beats per 10 s.
        assert rr.sum() == pytest.approx(10.0, abs=2.0)


def test_variability_shrinks_with_effort(session: tuple[SimulatedPlayer, list[HeartRateSample]]) -> None:
    _, hr = session
    rr_idle = np.concatenate([h.rr_s for h in hr[1:10]])
    rr_jog = np.concatenate([h.rr_s for h in hr[80:100]])
    cv = lambda rr: np.std(np.diff(rr)) / np.mean(rr)  # noqa: E731 - successive differences, relative
    assert cv(rr_jog) < 0.6 * cv(rr_idle)


def test_model_rate_matches_reports_and_karvonen_targets(session: tuple[SimulatedPlayer, list[HeartRateSample]]) -> None:
    player, hr = session
    for h in hr[20:180:20]:
        assert player.hr_bpm_at(h.t_host_ns) == pytest.approx(h.bpm, rel=0.1)
    # Near the end of 90 s of jogging, close to the Karvonen target for jogging at 175 spm.
    target = HeartModel(60.0, player.body.hr_max, 0).target_bpm(reserve_fraction("jog", 42.0, 175.0))
    assert player.hr_bpm_at(s_to_ns(99.5)) == pytest.approx(target, abs=0.1 * (target - 60))
    # A forecast past the last advance_to is allowed and stays in range.
    assert 60 <= player.hr_bpm_at(s_to_ns(400)) <= player.body.hr_max


def test_reference_numbers() -> None:
    assert BodyParams(age_y=40).hr_max == pytest.approx(180.0)  # Tanaka 2001: 208 - 0.7 * 40
    assert BodyParams(hr_max_bpm=190).hr_max == 190
    heart = HeartModel(60.0, 180.0, seed=0)
    assert heart.target_bpm(0.75) == pytest.approx(150.0)  # Karvonen, DATA.md
    assert heart.target_bpm(0.0) == pytest.approx(70.0)  # standing: HRrest + 10
    # Compendium METs: jogging in place 8.0 and squats 5.0 with a 12-MET maximum (42 ml/kg/min).
    assert reserve_fraction("jog", 42.0, 160.0) == pytest.approx(7 / 11)
    assert reserve_fraction("squat", 42.0) == pytest.approx(4 / 11)
    assert reserve_fraction("jog", 42.0, 175.0) > reserve_fraction("jog", 42.0, 160.0)
