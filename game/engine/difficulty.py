"""Difficulty that follows effort: a bounded pace multiplier steered toward a target intensity band.

Each mode maps :attr:`PaceController.pace` (1.0 = the level as written) to its own tempo:
obstacle spacing, target tempo, required cadence. The controller only says "a little faster" or
"a little slower", within hard bounds, never faster than the body can answer.

Intensity is measured as a fraction of heart-rate reserve (Karvonen MJ, Kentala E, Mustala O.
Ann Med Exp Biol Fenn 1957;35:307-315): ``%HRR = (HR - HRrest) / (HRmax - HRrest)``, with the
player's HRrest and HRmax from :class:`sensors.motion.heart_zones.HeartProfile`. The named bands
are the ACSM's: moderate 40-59 % HRR, vigorous 60-89 % HRR (Garber CE et al., ACSM position
stand, Med Sci Sports Exerc 2011;43(7):1334-1359, Table 4; the same figures in ACSM's Guidelines
for Exercise Testing and Prescription, 10th ed., 2018).

The rule, with a current heart rate (a fresh strap reading, :mod:`game.engine.freshness`):

1. **Dead-band.** Inside the band's middle (the band shrunk by :data:`DEAD_BAND_MARGIN` of its
   width at each edge) nothing changes. The margin leaves room for the heart rate still rising
   (or falling) after a change, so a lagging heart does not carry the player out of the band.
2. **Rate limit.** The pace is adjusted at most once per :data:`HR_ADJUST_INTERVAL_S` (30 s), the
   heart rate's time constant on the way up (the simulated heart: ``tau_up`` 30 s, ``tau_down``
   60 s, :mod:`sensors.sim.heart`; of the order of the on-kinetics of heart rate in moderate
   exercise and of its early recovery, Buchheit M, Front Physiol 2014;5:73). Within that time a
   heart rate covers about two thirds of its way to a new steady state, so every decision sees
   most of the effect of the one before. The first adjustment waits :data:`HR_FIRST_ADJUST_S`
   (two time constants) so the climb from rest is not read as "too easy". The %HRR used is the
   mean of the readings over the interval, which averages out beat-to-beat noise.
3. **Bounded step.** Outside the dead-band the pace moves by ``HR_GAIN * (band centre - %HRR)``,
   at most :data:`HR_MAX_STEP` per adjustment, and always stays within ``[min_pace, max_pace]``.
   The gain is an integral controller's on a first-order lag: with the effort of a mode rising by
   about 0.5-0.9 of the reserve per unit of pace (jogging 8 METs at VO2max 55 down to 30,
   :mod:`sensors.sim.heart`), ``HR_GAIN`` 0.35 keeps the loop gain per step at about 0.15-0.3
   (0.35 x 0.48 to 0.35 x 0.92), well below the 1 at which a step would overshoot the whole
   error, so the loop settles without swinging for a 30-60 s lag sampled every 30 s (the
   closed-loop test shows it).

Without a current heart rate, effort is read from movement: the recent rate of the movements the
mode asks for against the mode's target rate, and the share of attempts that succeeded. Every
:data:`MOTION_ADJUST_INTERVAL_S` (movement answers within a few steps, faster than the heart) the
pace rises by :data:`MOTION_STEP` when the player keeps up (rate at least
:data:`KEEPING_UP` of the target) and succeeds (at least :data:`SUCCEEDING` of attempts), falls by
the same step when they fall behind (below :data:`FALLING_BEHIND` of the target) or fail (below
:data:`FAILING`), and holds in between (the dead-band). The same bounds apply.

A level may carry an ``effort_band`` (fractions of HRR) and ``adaptive: true``
(:class:`game.levels.model.LevelFile`); :func:`controller_for_level` builds the controller.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sensors.clock import NS_PER_S
from sensors.motion.heart_zones import HeartProfile, Intensity

if TYPE_CHECKING:
    from game.engine.context import GameContext

#: Seconds between adjustments with a heart rate: the heart's time constant on the way up.
HR_ADJUST_INTERVAL_S = 30.0
#: Seconds before the first heart-rate adjustment: two time constants of the climb from rest.
HR_FIRST_ADJUST_S = 60.0
#: Pace change per unit of %HRR error (fraction of reserve), before the step limit.
HR_GAIN = 0.35
#: Largest pace change of one heart-rate adjustment.
HR_MAX_STEP = 0.10
#: Share of the band's width, at each edge, that is outside the dead-band.
DEAD_BAND_MARGIN = 0.25

#: Seconds between adjustments from movement alone.
MOTION_ADJUST_INTERVAL_S = 15.0
#: Pace change of one movement-based adjustment.
MOTION_STEP = 0.05
#: Rate (share of the mode's target) at or above which the player keeps up.
KEEPING_UP = 0.9
#: Rate below which the player falls behind.
FALLING_BEHIND = 0.7
#: Share of successful attempts at or above which the player succeeds.
SUCCEEDING = 0.8
#: Share of successful attempts below which the player fails.
FAILING = 0.5

DEFAULT_MIN_PACE = 0.5
DEFAULT_MAX_PACE = 1.6


@dataclass(frozen=True, slots=True)
class IntensityBand:
    """A target intensity band in fractions of heart-rate reserve: ``0 < lo < hi <= 1``."""

    lo: float
    hi: float

    def __post_init__(self) -> None:
        if not (math.isfinite(self.lo) and math.isfinite(self.hi) and 0.0 < self.lo < self.hi <= 1.0):
            raise ValueError(
                f"an intensity band needs 0 < lo < hi <= 1 (fractions of heart-rate reserve), got {self.lo}, {self.hi}"
            )

    @property
    def centre(self) -> float:
        return 0.5 * (self.lo + self.hi)

    @property
    def width(self) -> float:
        return self.hi - self.lo

    def contains(self, hrr_fraction: float) -> bool:
        return self.lo <= hrr_fraction <= self.hi

    def dead_band(self, margin: float = DEAD_BAND_MARGIN) -> tuple[float, float]:
        """The band's middle, where the pace is left alone (``margin`` of the width off each edge)."""
        return self.lo + margin * self.width, self.hi - margin * self.width

    def bpm(self, profile: HeartProfile) -> tuple[float, float]:
        """The band in beats/min for a player (Karvonen): HRrest + f * (HRmax - HRrest)."""
        reserve = profile.hr_max_bpm - profile.hr_rest_bpm
        return profile.hr_rest_bpm + self.lo * reserve, profile.hr_rest_bpm + self.hi * reserve

    def intensity_names(self) -> tuple[Intensity, ...]:
        """The ACSM bands (Garber 2011) this band overlaps, lowest first, e.g. (moderate,)."""
        edges: tuple[tuple[float, float, Intensity], ...] = (
            (0.0, 0.30, Intensity.VERY_LIGHT),
            (0.30, 0.40, Intensity.LIGHT),
            (0.40, 0.60, Intensity.MODERATE),
            (0.60, 0.90, Intensity.VIGOROUS),
            (0.90, 1.01, Intensity.NEAR_MAXIMAL),
        )
        return tuple(name for lo, hi, name in edges if self.lo < hi and self.hi > lo)

    def centre_intensity(self) -> Intensity:
        """The ACSM band (Garber 2011) the band's centre falls in: the colour and name to show it by."""
        return HeartProfile(hr_rest_bpm=100.0, hr_max_bpm=200.0).intensity(100.0 + 100.0 * self.centre)


#: ACSM moderate intensity, 40-59 % HRR (Garber 2011, Table 4).
MODERATE = IntensityBand(0.40, 0.60)
#: ACSM vigorous intensity, 60-89 % HRR (Garber 2011, Table 4).
VIGOROUS = IntensityBand(0.60, 0.90)


@dataclass(frozen=True, slots=True)
class Effort:
    """How hard the player works right now, as far as it is known (None: not known).

    ``hrr_fraction``: fraction of heart-rate reserve from a current strap reading;
    ``moves_per_min``: recent rate of the movements the mode asks for; ``target_moves_per_min``:
    the rate the mode asks for at the current pace; ``success``: share (0..1) of recent attempts
    that succeeded (obstacles cleared, targets hit, gates passed).
    """

    hrr_fraction: float | None = None
    moves_per_min: float | None = None
    target_moves_per_min: float | None = None
    success: float | None = None

    @property
    def keeping_up(self) -> float | None:
        """Movement rate as a share of the target rate, or None without both."""
        if self.moves_per_min is None or not self.target_moves_per_min:
            return None
        return self.moves_per_min / self.target_moves_per_min


class PaceController:
    """Steers a pace multiplier toward ``band``; see the module docstring for the rule.

    Call :meth:`update` every frame (or every few) with the run's time in seconds and the current
    :class:`Effort`; read :attr:`pace`. ``last_reason`` says why the pace last changed
    ("hr_low", "hr_high", "keeping_up", "falling_behind") for logs and the HUD.
    """

    def __init__(
        self,
        band: IntensityBand,
        *,
        start: float = 1.0,
        min_pace: float = DEFAULT_MIN_PACE,
        max_pace: float = DEFAULT_MAX_PACE,
        hr_interval_s: float = HR_ADJUST_INTERVAL_S,
        hr_first_s: float = HR_FIRST_ADJUST_S,
        motion_interval_s: float = MOTION_ADJUST_INTERVAL_S,
    ) -> None:
        if not 0.0 < min_pace <= start <= max_pace:
            raise ValueError(f"need 0 < min_pace <= start <= max_pace, got {min_pace}, {start}, {max_pace}")
        if hr_interval_s <= 0 or motion_interval_s <= 0 or hr_first_s < 0:
            raise ValueError("adjustment intervals must be positive")
        self.band = band
        self.min_pace = min_pace
        self.max_pace = max_pace
        self.hr_interval_s = hr_interval_s
        self.hr_first_s = hr_first_s
        self.motion_interval_s = motion_interval_s
        self.pace = start
        self.last_reason: str | None = None
        self.adjustments = 0
        self._t0: float | None = None
        self._last_adjust_s: float | None = None
        self._hrr: list[float] = []
        self._keep: list[float] = []
        self._success: list[float] = []

    def update(self, t_s: float, effort: Effort) -> float:
        """Take the effort at time ``t_s`` (seconds, any origin, non-decreasing); return the pace."""
        if self._t0 is None:
            self._t0 = t_s
        if effort.hrr_fraction is not None and math.isfinite(effort.hrr_fraction):
            self._hrr.append(effort.hrr_fraction)
        else:
            keep = effort.keeping_up
            if keep is not None and math.isfinite(keep):
                self._keep.append(keep)
            if effort.success is not None and math.isfinite(effort.success):
                self._success.append(min(1.0, max(0.0, effort.success)))
        since = t_s - (self._last_adjust_s if self._last_adjust_s is not None else self._t0)
        # A heart reading in the current interval decides, so strap and movement never both steer.
        if self._hrr:
            due = self.hr_interval_s if self._last_adjust_s is not None else max(self.hr_first_s, self.hr_interval_s)
            if since >= due:
                self._adjust_from_heart(sum(self._hrr) / len(self._hrr))
                self._close_interval(t_s)
        elif since >= self.motion_interval_s:
            self._adjust_from_motion()
            self._close_interval(t_s)
        return self.pace

    def _close_interval(self, t_s: float) -> None:
        self._last_adjust_s = t_s
        self._hrr.clear()
        self._keep.clear()
        self._success.clear()

    def _set(self, pace: float, reason: str) -> None:
        pace = min(self.max_pace, max(self.min_pace, pace))
        if pace != self.pace:
            self.pace = pace
            self.last_reason = reason
            self.adjustments += 1

    def _adjust_from_heart(self, hrr: float) -> None:
        lo, hi = self.band.dead_band()
        if lo <= hrr <= hi:
            return
        step = max(-HR_MAX_STEP, min(HR_MAX_STEP, HR_GAIN * (self.band.centre - hrr)))
        self._set(self.pace + step, "hr_low" if step > 0 else "hr_high")

    def _adjust_from_motion(self) -> None:
        keep = sum(self._keep) / len(self._keep) if self._keep else None
        success = sum(self._success) / len(self._success) if self._success else None
        if keep is None and success is None:
            return  # nothing measured: hold
        behind = (keep is not None and keep < FALLING_BEHIND) or (success is not None and success < FAILING)
        ahead = (keep is None or keep >= KEEPING_UP) and (success is None or success >= SUCCEEDING)
        if behind:
            self._set(self.pace - MOTION_STEP, "falling_behind")
        elif ahead:
            self._set(self.pace + MOTION_STEP, "keeping_up")


class RecentRate:
    """Movements per minute over the last ``window_s`` seconds, from the times they happened."""

    def __init__(self, window_s: float = 20.0) -> None:
        if window_s <= 0:
            raise ValueError("window_s must be positive")
        self.window_s = window_s
        self._times: deque[float] = deque()
        self._t0: float | None = None

    def add(self, t_s: float) -> None:
        if self._t0 is None:
            self._t0 = t_s
        self._times.append(t_s)

    def per_min(self, now_s: float) -> float:
        if self._t0 is None:
            self._t0 = now_s
        while self._times and self._times[0] < now_s - self.window_s:
            self._times.popleft()
        # Early on the window is shorter than window_s: count over what has passed (at least 5 s,
        # so one move in the first frame is not read as hundreds a minute).
        span = min(self.window_s, max(5.0, now_s - self._t0))
        return 60.0 * len(self._times) / span


class SuccessShare:
    """Share of the last ``n`` attempts that succeeded (None before any attempt)."""

    def __init__(self, n: int = 10) -> None:
        if n < 1:
            raise ValueError("n must be at least 1")
        self._last: deque[bool] = deque(maxlen=n)

    def add(self, succeeded: bool) -> None:
        self._last.append(succeeded)

    @property
    def share(self) -> float | None:
        return sum(self._last) / len(self._last) if self._last else None


def hrr_fraction_now(ctx: GameContext, now_ns: int | None = None) -> float | None:
    """The player's fraction of heart-rate reserve from a current strap reading, else None.

    Only a fresh reading counts (:func:`game.engine.freshness.heart_rate_current`): a quiet strap
    or one off the chest gives None, never its last value. HRrest and HRmax are the player's
    (``ctx.live.profile``); Karvonen 1957.
    """
    live = ctx.live
    now = ctx.clock() if now_ns is None else now_ns
    if not live.hr_fresh(now) or live.hr_bpm is None:
        return None
    return live.profile.reserve_fraction(live.hr_bpm)


def effort_from_context(
    ctx: GameContext,
    *,
    moves_per_min: float | None = None,
    target_moves_per_min: float | None = None,
    success: float | None = None,
    now_ns: int | None = None,
) -> Effort:
    """The current :class:`Effort`: %HRR from a fresh strap reading (else None), plus the
    movement rate, target rate and success share that the mode measures and passes in."""
    return Effort(
        hrr_fraction=hrr_fraction_now(ctx, now_ns),
        moves_per_min=moves_per_min,
        target_moves_per_min=target_moves_per_min,
        success=success,
    )


def band_or_default(effort_band: tuple[float, float] | None, default: IntensityBand = MODERATE) -> IntensityBand:
    """The level's band (fractions of HRR) if it gives one, else ``default``."""
    return IntensityBand(*effort_band) if effort_band is not None else default


def controller_for_level(
    adaptive: bool,
    effort_band: tuple[float, float] | None,
    *,
    default: IntensityBand = MODERATE,
    min_pace: float = DEFAULT_MIN_PACE,
    max_pace: float = DEFAULT_MAX_PACE,
) -> PaceController | None:
    """A controller for a level with ``adaptive``/``effort_band`` (the common level fields), or
    None when the level keeps its written pace."""
    if not adaptive:
        return None
    return PaceController(band_or_default(effort_band, default), min_pace=min_pace, max_pace=max_pace)


def seconds(t_ns: int) -> float:
    """Host nanoseconds as seconds, for :meth:`PaceController.update`."""
    return t_ns / NS_PER_S
