"""The pace controller: bounds, dead-band, rate limit, strap and movement paths, and a closed loop
with the simulated heart for a low- and a high-fitness player."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, cast

import pytest

from game.engine.difficulty import (
    HR_ADJUST_INTERVAL_S,
    HR_FIRST_ADJUST_S,
    HR_MAX_STEP,
    MODERATE,
    MOTION_ADJUST_INTERVAL_S,
    MOTION_STEP,
    VIGOROUS,
    Effort,
    IntensityBand,
    PaceController,
    RecentRate,
    SuccessShare,
    controller_for_level,
    effort_from_context,
)
from game.engine.live import LiveSensors
from sensors.clock import NS_PER_S
from sensors.motion.heart_zones import HeartProfile, Intensity
from sensors.sim.heart import HeartModel, reserve_fraction


def run(ctrl: PaceController, effort: Effort, until_s: float, start_s: float = 0.0, dt_s: float = 1.0) -> list[float]:
    paces = []
    t = start_s
    while t <= until_s:
        paces.append(ctrl.update(t, effort))
        t += dt_s
    return paces


# -- the band -------------------------------------------------------------------------------
@pytest.mark.parametrize("lo,hi", [(0.0, 0.5), (0.6, 0.5), (0.5, 0.5), (0.4, 1.2), (-0.1, 0.3), (float("nan"), 0.5)])
def test_band_refuses_nonsense(lo: float, hi: float) -> None:
    with pytest.raises(ValueError, match="0 < lo < hi <= 1"):
        IntensityBand(lo, hi)


def test_band_in_bpm_is_karvonen() -> None:
    profile = HeartProfile(hr_rest_bpm=60, hr_max_bpm=190)
    lo, hi = MODERATE.bpm(profile)
    assert lo == pytest.approx(60 + 0.4 * 130)
    assert hi == pytest.approx(60 + 0.6 * 130)


def test_band_names_are_the_acsm_ones() -> None:
    assert MODERATE.intensity_names() == (Intensity.MODERATE,)
    assert VIGOROUS.intensity_names() == (Intensity.VIGOROUS,)
    assert IntensityBand(0.5, 0.7).intensity_names() == (Intensity.MODERATE, Intensity.VIGOROUS)


# -- heart-rate path ------------------------------------------------------------------------
def test_no_change_inside_the_dead_band() -> None:
    ctrl = PaceController(MODERATE)
    paces = run(ctrl, Effort(hrr_fraction=0.5), until_s=600)
    assert set(paces) == {1.0}
    assert ctrl.adjustments == 0


def test_heart_rate_too_low_raises_pace_no_faster_than_the_heart_answers() -> None:
    ctrl = PaceController(MODERATE, max_pace=5.0)
    paces = run(ctrl, Effort(hrr_fraction=0.1), until_s=300)
    # Nothing before the first adjustment, then one step of at most HR_MAX_STEP per interval.
    assert all(p == 1.0 for p in paces[: int(HR_FIRST_ADJUST_S)])
    changes = [i for i in range(1, len(paces)) if paces[i] != paces[i - 1]]
    assert changes, "pace never rose"
    assert all(b - a >= HR_ADJUST_INTERVAL_S for a, b in zip(changes, changes[1:], strict=False))
    assert all(0 < paces[i] - paces[i - 1] <= HR_MAX_STEP + 1e-12 for i in changes)
    assert ctrl.last_reason == "hr_low"


def test_heart_rate_too_high_lowers_pace() -> None:
    ctrl = PaceController(MODERATE)
    run(ctrl, Effort(hrr_fraction=0.85), until_s=120)
    assert ctrl.pace < 1.0
    assert ctrl.last_reason == "hr_high"


def test_small_error_small_step() -> None:
    ctrl = PaceController(MODERATE)
    run(ctrl, Effort(hrr_fraction=0.44), until_s=HR_FIRST_ADJUST_S)  # just below the dead-band
    assert 1.0 < ctrl.pace < 1.0 + HR_MAX_STEP


@pytest.mark.parametrize("hrr,bound", [(0.0, 1.6), (1.0, 0.5)])
def test_pace_never_leaves_its_bounds(hrr: float, bound: float) -> None:
    # A heart that never answers (at rest, or flat out) drives the pace to a bound and no further.
    ctrl = PaceController(MODERATE, min_pace=0.5, max_pace=1.6)
    paces = run(ctrl, Effort(hrr_fraction=hrr), until_s=3600, dt_s=5)
    assert all(0.5 <= p <= 1.6 for p in paces)
    assert paces[-1] == bound


def test_heart_rate_decides_over_movement() -> None:
    # Falling behind on movement, but the heart says "too easy": the heart wins.
    ctrl = PaceController(MODERATE)
    run(ctrl, Effort(hrr_fraction=0.2, moves_per_min=10, target_moves_per_min=100, success=0.0), until_s=120)
    assert ctrl.pace > 1.0


def test_bad_settings_refused() -> None:
    with pytest.raises(ValueError):
        PaceController(MODERATE, start=2.0, max_pace=1.5)
    with pytest.raises(ValueError):
        PaceController(MODERATE, hr_interval_s=0)


# -- movement path (no strap) ---------------------------------------------------------------
def test_keeping_up_and_succeeding_raises_pace() -> None:
    ctrl = PaceController(MODERATE)
    paces = run(ctrl, Effort(moves_per_min=100, target_moves_per_min=100, success=0.9), until_s=MOTION_ADJUST_INTERVAL_S * 3)
    assert paces[-1] == pytest.approx(1.0 + 3 * MOTION_STEP)
    assert ctrl.last_reason == "keeping_up"


@pytest.mark.parametrize("moves,success", [(50, 0.9), (100, 0.3)])
def test_falling_behind_or_failing_lowers_pace(moves: float, success: float) -> None:
    ctrl = PaceController(MODERATE)
    run(ctrl, Effort(moves_per_min=moves, target_moves_per_min=100, success=success), until_s=MOTION_ADJUST_INTERVAL_S)
    assert ctrl.pace == pytest.approx(1.0 - MOTION_STEP)
    assert ctrl.last_reason == "falling_behind"


def test_movement_dead_band_holds() -> None:
    ctrl = PaceController(MODERATE)
    run(ctrl, Effort(moves_per_min=80, target_moves_per_min=100, success=0.7), until_s=600)
    assert ctrl.pace == 1.0


def test_nothing_measured_holds() -> None:
    ctrl = PaceController(MODERATE)
    run(ctrl, Effort(), until_s=600)
    assert ctrl.pace == 1.0


def test_movement_path_bounded() -> None:
    ctrl = PaceController(MODERATE, min_pace=0.7, max_pace=1.3)
    run(ctrl, Effort(moves_per_min=0, target_moves_per_min=100, success=0.0), until_s=3600)
    assert ctrl.pace == pytest.approx(0.7)
    run(ctrl, Effort(moves_per_min=200, target_moves_per_min=100, success=1.0), start_s=3601, until_s=7200)
    assert ctrl.pace == pytest.approx(1.3)


def test_recent_rate_and_success_share() -> None:
    rate = RecentRate(window_s=20)
    for i in range(60):  # one move a second for a minute
        rate.add(float(i))
    assert rate.per_min(59.5) == pytest.approx(60.0, rel=0.06)
    assert rate.per_min(200.0) == 0.0
    share = SuccessShare(n=4)
    assert share.share is None
    for ok in (True, True, False, True, False):
        share.add(ok)
    assert share.share == pytest.approx(0.5)


# -- level fields and the context -----------------------------------------------------------
def test_controller_for_level() -> None:
    assert controller_for_level(False, (0.4, 0.6)) is None
    ctrl = controller_for_level(True, (0.5, 0.7))
    assert ctrl is not None and ctrl.band == IntensityBand(0.5, 0.7)
    default = controller_for_level(True, None)
    assert default is not None and default.band == MODERATE


class _Recogniser:
    def feed(self, item: object) -> list[Any]:
        return []

    @property
    def state(self) -> Any:
        return None

    def reset(self) -> None:
        pass


def _ctx(live: LiveSensors, now_ns: int) -> Any:
    return cast(Any, SimpleNamespace(live=live, clock=lambda: now_ns))


def test_effort_from_context_reads_a_fresh_strap_only() -> None:
    live = LiveSensors(recogniser=_Recogniser(), profile=HeartProfile(hr_rest_bpm=60, hr_max_bpm=180))
    live.hr_bpm, live.hr_t_ns, live.hr_contact = 120, 10 * NS_PER_S, True
    fresh = effort_from_context(_ctx(live, 12 * NS_PER_S), moves_per_min=30, target_moves_per_min=40, success=0.5)
    assert fresh.hrr_fraction == pytest.approx(0.5)
    assert (fresh.moves_per_min, fresh.target_moves_per_min, fresh.success) == (30, 40, 0.5)
    stale = effort_from_context(_ctx(live, 30 * NS_PER_S))
    assert stale.hrr_fraction is None
    live.hr_contact = False  # off the chest
    assert effort_from_context(_ctx(live, 11 * NS_PER_S)).hrr_fraction is None
    live.hr_bpm = None
    assert effort_from_context(_ctx(live, 11 * NS_PER_S)).hrr_fraction is None


# -- closed loop: the simulated heart of a low- and a high-fitness player -------------------
HR_REST, HR_MAX = 60.0, 187.0


def closed_loop(vo2max: float, band: IntensityBand, adaptive: bool, minutes: float = 20.0) -> tuple[list[float], list[float]]:
    """Jog on the spot at 160 steps/min x pace; return (%HRR per beat, time of each beat in s).

    The effort of jogging scales with cadence (sensors.sim.heart.reserve_fraction)."""
    heart = HeartModel(HR_REST, HR_MAX, seed=3, start_reserve=0.0)
    ctrl = PaceController(band, min_pace=0.5, max_pace=1.6)
    pace = 1.0
    hrr: list[float] = []
    times: list[float] = []
    while heart.t_s < minutes * 60:
        t, _rr = heart.next_beat(reserve_fraction("jog", vo2max, cadence_spm=160.0 * pace))
        f = (heart.hr_bpm - HR_REST) / (HR_MAX - HR_REST)
        hrr.append(f)
        times.append(t)
        if adaptive:
            pace = ctrl.update(t, Effort(hrr_fraction=f))
    return hrr, times


def share_in_band(hrr: list[float], times: list[float], band: IntensityBand, from_s: float) -> float:
    tail = [f for f, t in zip(hrr, times, strict=True) if t >= from_s]
    return sum(band.contains(f) for f in tail) / len(tail)


@pytest.mark.parametrize("band", [MODERATE, IntensityBand(0.5, 0.7)])
def test_closed_loop_both_fitness_levels_end_in_the_band(band: IntensityBand) -> None:
    fixed = {vo2: share_in_band(*closed_loop(vo2, band, adaptive=False), band, from_s=600) for vo2 in (30.0, 55.0)}
    # A fixed pace leaves at least one of them out of the band.
    assert min(fixed.values()) < 0.1
    for vo2 in (30.0, 55.0):
        hrr, times = closed_loop(vo2, band, adaptive=True)
        assert share_in_band(hrr, times, band, from_s=600) > 0.9, f"VO2max {vo2}"


def test_band_centre_names_its_colour() -> None:
    assert MODERATE.centre_intensity() is Intensity.MODERATE
    assert IntensityBand(0.25, 0.45).centre_intensity() is Intensity.LIGHT
    assert IntensityBand(0.6, 0.8).centre_intensity() is Intensity.VIGOROUS
    assert IntensityBand(0.85, 1.0).centre_intensity() is Intensity.NEAR_MAXIMAL


def test_the_players_rest_and_age_set_the_reserve_the_effort_is_read_in(tmp_path: Any) -> None:
    from game.engine.config import AppConfig, PlayerBody
    from game.engine.run import build_context

    ctx = build_context(AppConfig(db=tmp_path / "s.sqlite", body=PlayerBody(age_y=40, hr_rest_bpm=70)), None, [])
    assert ctx.live.profile.hr_rest_bpm == 70
    assert ctx.live.profile.hr_max_bpm == pytest.approx(208 - 0.7 * 40)
    ctx.live.hr_bpm, ctx.live.hr_t_ns, ctx.live.hr_contact = 130, 0, True
    effort = effort_from_context(ctx, now_ns=NS_PER_S)
    assert effort.hrr_fraction == pytest.approx((130 - 70) / (180 - 70))
    rest_only = build_context(AppConfig(db=tmp_path / "t.sqlite", body=PlayerBody(hr_rest_bpm=50)), None, [])
    assert rest_only.live.profile.hr_rest_bpm == 50
    assert rest_only.live.profile.hr_max_bpm == HeartProfile().hr_max_bpm
