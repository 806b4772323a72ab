"""Rules of the heart-zone challenge: seconds in the target band, scored; free of drawing.

The band is a share of the player's own heart-rate reserve (Karvonen 1957: ``%HRR = (HR -
HRrest) / (HRmax - HRrest)``), so the same level asks a fit and an unfit player for the same
relative effort. Only a current strap reading counts (:mod:`game.engine.freshness`): without
one, the second counts as "no reading", never as in or out of the band.

Scoring: :data:`POINTS_PER_S` points per second inside the band; once the player has stayed
inside for :data:`STREAK_BONUS_AFTER_S` seconds without a break, every further second in the
band is worth :data:`STREAK_MULTIPLIER` times as much, so holding the zone pays more than
crossing in and out of it.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

from game.engine.difficulty import IntensityBand, RecentRate
from game.modes.heartzone.level import Level, Phase

POINTS_PER_S = 10.0
STREAK_BONUS_AFTER_S = 30.0
STREAK_MULTIPLIER = 1.5
#: Seconds between points of the round's heart-rate curve.
CURVE_STEP_S = 1.0


class Zone(enum.StrEnum):
    """Where the player's heart rate is against the current phase's band."""

    IN = "in"
    BELOW = "below"
    ABOVE = "above"
    NO_READING = "no_reading"


def zone_of(hrr_fraction: float | None, band: IntensityBand) -> Zone:
    if hrr_fraction is None or not math.isfinite(hrr_fraction):
        return Zone.NO_READING
    if hrr_fraction < band.lo:
        return Zone.BELOW
    if hrr_fraction > band.hi:
        return Zone.ABOVE
    return Zone.IN


@dataclass
class ZoneStats:
    """Seconds per :class:`Zone` and the streaks of the round."""

    seconds: dict[Zone, float] = field(default_factory=lambda: dict.fromkeys(Zone, 0.0))
    streak_s: float = 0.0
    best_streak_s: float = 0.0
    points: float = 0.0

    @property
    def measured_s(self) -> float:
        """Seconds with a current reading."""
        return self.seconds[Zone.IN] + self.seconds[Zone.BELOW] + self.seconds[Zone.ABOVE]

    @property
    def share_in(self) -> float:
        """Share (0..1) of the measured seconds spent in the band."""
        return self.seconds[Zone.IN] / self.measured_s if self.measured_s > 0 else 0.0


@dataclass(frozen=True, slots=True)
class CurvePoint:
    """One point of the round's curve: seconds since the start and %HRR (None: no reading)."""

    t_s: float
    hrr: float | None


class HeartZoneRound:
    """One round of a level. Call :meth:`update` every fixed step with the current %HRR."""

    def __init__(self, level: Level) -> None:
        self.level = level
        self.elapsed_s = 0.0
        self.stats = ZoneStats()
        self.zone = Zone.NO_READING
        self.hrr: float | None = None
        self.curve: list[CurvePoint] = []
        self._next_curve_s = 0.0

    @property
    def phase(self) -> Phase:
        return self.level.phase_at(self.elapsed_s)

    @property
    def finished(self) -> bool:
        return self.elapsed_s >= self.level.total_s

    @property
    def time_left_s(self) -> float:
        return max(0.0, self.level.total_s - self.elapsed_s)

    @property
    def phase_left_s(self) -> float:
        return max(0.0, self.phase.end_s - self.elapsed_s)

    @property
    def score(self) -> int:
        return int(self.stats.points)

    @property
    def bonus(self) -> bool:
        """The streak bonus applies now."""
        return self.zone is Zone.IN and self.stats.streak_s >= STREAK_BONUS_AFTER_S

    def update(self, dt: float, hrr_fraction: float | None) -> list[str]:
        """Advance by ``dt`` seconds at ``hrr_fraction`` (None: no current reading); return what
        happened: ``"zone_in"``, ``"zone_out"``, ``"phase"`` (a new phase began), ``"finish"``."""
        if self.finished:
            return []
        events: list[str] = []
        phase = self.phase
        zone = zone_of(hrr_fraction, phase.band)
        if zone is Zone.IN and self.zone is not Zone.IN:
            events.append("zone_in")
        elif zone is not Zone.IN and self.zone is Zone.IN:
            events.append("zone_out")
        self.zone, self.hrr = zone, hrr_fraction
        step = min(dt, self.time_left_s)
        s = self.stats
        s.seconds[zone] += step
        if zone is Zone.IN:
            s.points += POINTS_PER_S * step * (STREAK_MULTIPLIER if s.streak_s >= STREAK_BONUS_AFTER_S else 1.0)
            s.streak_s += step
            s.best_streak_s = max(s.best_streak_s, s.streak_s)
        else:
            s.streak_s = 0.0
        if self.elapsed_s >= self._next_curve_s:
            self.curve.append(CurvePoint(self.elapsed_s, hrr_fraction))
            self._next_curve_s += CURVE_STEP_S
        self.elapsed_s += step
        if self.finished:
            events.append("finish")
        elif self.phase is not phase:
            events.append("phase")
        return events

    def summary(self) -> dict[str, float | int]:
        """The round's figures for the session summary (seconds rounded to 0.1)."""
        s = self.stats
        return {
            "seconds_in_zone": round(s.seconds[Zone.IN], 1),
            "zone_share": round(s.share_in, 3),
            "seconds_above": round(s.seconds[Zone.ABOVE], 1),
            "seconds_below": round(s.seconds[Zone.BELOW], 1),
            "seconds_no_reading": round(s.seconds[Zone.NO_READING], 1),
            "best_streak_s": round(s.best_streak_s, 1),
            "level_s": round(self.level.total_s, 1),
        }


#: Movements shown as "what is being detected"; a jump's take-off is part of its jump.
SHOWN_MOVES: tuple[str, ...] = (
    "step",
    "jumping_jack",
    "squat",
    "punch",
    "jump",
    "arms_up",
    "arm_swing",
    "sidestep_left",
    "sidestep_right",
)


class MoveRates:
    """Recent rate per kind of movement, from the running counts the live sensors keep."""

    def __init__(self, window_s: float = 10.0) -> None:
        self._window_s = window_s
        self._rates: dict[str, RecentRate] = {}
        self._last: dict[str, int] = {}

    def feed(self, t_s: float, counts: dict[str, int]) -> None:
        for kind, n in counts.items():
            new = n - self._last.get(kind, 0)
            if new > 0 and kind in SHOWN_MOVES:
                rate = self._rates.setdefault(kind, RecentRate(self._window_s))
                for _ in range(new):
                    rate.add(t_s)
            self._last[kind] = n

    def top(self, now_s: float) -> tuple[str, float] | None:
        """The movement done most often lately (sidesteps left and right as one) and its rate
        per minute, or None when nothing was done."""
        rates = {k: r.per_min(now_s) for k, r in self._rates.items()}
        side = rates.pop("sidestep_left", 0.0) + rates.pop("sidestep_right", 0.0)
        if side:
            rates["sidestep"] = side
        rates = {k: v for k, v in rates.items() if v > 0}
        if not rates:
            return None
        kind = max(rates, key=lambda k: rates[k])
        return kind, rates[kind]
