"""The class heart-zone challenge: one shared meter that the whole class fills by keeping their
heart rates in the band of a heart-zone level (``liike class --challenge LEVEL``).

Pure bookkeeping over the board's straps (no pygame). The level's phases run from the moment
the board opens; each phase has its band in fractions of heart-rate reserve (Karvonen 1957:
``%HRR = (HR - HRrest) / (HRmax - HRrest)``, with each pupil's own HRrest and HRmax where the
roster gives them, else the class profile's).

The meter's rule::

    fill = pupil-seconds in the band / (pupils x level seconds x GOAL_SHARE)

A pupil-second in the band is one second of one pupil whose current reading (fresh, skin
contact: :func:`game.engine.freshness.heart_rate_current`) lies inside the phase's band. Pupils
are the straps that have given a current reading since the challenge began, so a strap left in
the box does not make the meter unreachable. The meter is full (1.0) when the class has, on
average, spent :data:`GOAL_SHARE` of the level in the band; it stops filling at full.

The level's clock starts when the teacher starts the challenge (:meth:`ClassChallenge.start`:
Enter on the board, at once when the board runs unattended), so the minutes spent handing out
and wetting straps do not count; until then the tiles already show who is in the first band.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from game.engine.difficulty import IntensityBand
from sensors.motion.heart_zones import HeartProfile

#: Share of the level the class must spend in the band, on average, to fill the meter.
GOAL_SHARE = 0.7


class PhaseLike(Protocol):
    @property
    def kind(self) -> str: ...

    @property
    def start_s(self) -> float: ...

    @property
    def end_s(self) -> float: ...

    @property
    def band(self) -> IntensityBand: ...


class Wearer(Protocol):
    """What the challenge reads of a strap (:class:`game.classroom.board.StrapState`)."""

    @property
    def bpm(self) -> int | None: ...

    def current(self, now_ns: int) -> bool: ...


@dataclass
class ClassChallenge:
    """A heart-zone level played by the whole class; :meth:`tick` with the straps each frame."""

    name: str
    phases: tuple[PhaseLike, ...]
    profile: HeartProfile
    elapsed_s: float = 0.0
    pupil_s_in_band: float = 0.0
    pupils: set[str] = field(default_factory=set)
    in_band_now: set[str] = field(default_factory=set)
    reading_now: set[str] = field(default_factory=set)
    #: The level's clock runs (the teacher started the challenge).
    started: bool = False

    def start(self) -> None:
        self.started = True

    @property
    def total_s(self) -> float:
        return self.phases[-1].end_s

    @property
    def finished(self) -> bool:
        return self.elapsed_s >= self.total_s

    @property
    def phase(self) -> PhaseLike:
        for p in self.phases:
            if self.elapsed_s < p.end_s:
                return p
        return self.phases[-1]

    @property
    def goal_s(self) -> float:
        """Pupil-seconds in the band that fill the meter."""
        return len(self.pupils) * self.total_s * GOAL_SHARE

    @property
    def fill(self) -> float:
        """0..1: how full the meter is."""
        goal = self.goal_s
        return min(1.0, self.pupil_s_in_band / goal) if goal > 0 else 0.0

    def in_band(self, bpm: int, profile: HeartProfile | None = None) -> bool:
        """``bpm`` inside the phase's band by ``profile``'s heart-rate reserve (a pupil's own
        from the roster), else the class profile's."""
        return self.phase.band.contains((profile or self.profile).reserve_fraction(bpm))

    def tick(self, now_ns: int, dt_s: float, straps: Iterable[tuple[str, Wearer]]) -> None:
        """Advance by ``dt_s`` seconds with every strap's state at ``now_ns`` (host clock, ns)."""
        self.in_band_now = set()
        self.reading_now = set()
        running = self.started and not self.finished
        step = min(dt_s, self.total_s - self.elapsed_s) if running else 0.0
        for key, strap in straps:
            if not strap.current(now_ns) or strap.bpm is None:
                continue
            self.reading_now.add(key)
            if running:
                self.pupils.add(key)
            if self.in_band(strap.bpm, getattr(strap, "profile", None)):
                self.in_band_now.add(key)
                if running and self.fill < 1.0:
                    self.pupil_s_in_band += step
        self.elapsed_s += step

    def summary(self) -> dict[str, Any]:
        return {
            "level": self.name,
            "level_s": round(self.total_s, 1),
            "started": self.started,
            "played_s": round(self.elapsed_s, 1),
            "pupils": len(self.pupils),
            "pupil_s_in_band": round(self.pupil_s_in_band, 1),
            "goal_pupil_s": round(self.goal_s, 1),
            "goal_share": GOAL_SHARE,
            "fill": round(self.fill, 3),
        }
