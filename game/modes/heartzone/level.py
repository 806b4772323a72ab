"""Heart-zone levels: the schema of ``levels/heartzone/*.yaml`` and the plain objects the game plays.

A level is a list of phases, each with a target band in fractions of heart-rate reserve
(Karvonen 1957) and a length in seconds: a warm-up band, a main band, intervals, a cool-down.
The bands are the player's: the same level asks a fit and an unfit player for the same share of
their own reserve. ``levels/heartzone/README.md`` documents the fields.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from game.engine.difficulty import IntensityBand
from game.levels.model import LevelFile
from sensors.config_yaml import ConfigModel, FieldError

PHASE_KINDS: tuple[str, ...] = ("warm_up", "main", "work", "recover", "cool_down")
"""Values of a phase's ``kind``: what the phase is for, shown to the player (``work`` and
``recover`` are the two halves of an interval)."""

PHASE_MIN_S, PHASE_MAX_S = 10.0, 3600.0
TOTAL_MAX_S = 7200.0
MAX_PHASES = 60
#: The lowest band edge a level may ask for: below 20 % HRR standing still is enough.
BAND_MIN = 0.2
#: The highest: above 90 % HRR is near-maximal (ACSM, Garber 2011 Table 4), not for a game to ask.
BAND_MAX = 0.9
#: The narrowest band: heart rate wanders a few beats a minute even at a steady effort.
BAND_MIN_WIDTH = 0.05


class PhaseSpec(ConfigModel):
    """One phase of a level, as written in the file."""

    kind: Literal["warm_up", "main", "work", "recover", "cool_down"] = Field(
        description="warm_up, main, work, recover or cool_down: what the phase is for."
    )
    seconds: Annotated[float, Field(ge=PHASE_MIN_S, le=PHASE_MAX_S, description="Length of the phase in seconds.")]
    band: tuple[
        Annotated[float, Field(ge=BAND_MIN, le=BAND_MAX)],
        Annotated[float, Field(ge=BAND_MIN, le=BAND_MAX)],
    ] = Field(description=f"Target [low, high] in fractions of heart-rate reserve, {BAND_MIN}-{BAND_MAX}, e.g. [0.4, 0.6].")

    @model_validator(mode="after")
    def _band_order(self) -> PhaseSpec:
        lo, hi = self.band
        if hi - lo < BAND_MIN_WIDTH - 1e-9:
            raise FieldError(("band", 1), f"must be at least {BAND_MIN_WIDTH:g} above the low end ({lo:g}), got {{got}}")
        return self


class HeartzoneLevelFile(LevelFile):
    """The schema of a heart-zone level file."""

    mode: Literal["heartzone"] = Field(description="The game mode: heartzone.")
    phases: tuple[PhaseSpec, ...] = Field(description=f"In order, 1-{MAX_PHASES} phases, {TOTAL_MAX_S:.0f} s at most in all.")

    @model_validator(mode="after")
    def _level_rules(self) -> HeartzoneLevelFile:
        if self.adaptive:
            raise FieldError("adaptive", "the heart-zone challenge has no pace to adapt (the player sets the effort): remove it")
        if not self.phases:
            raise FieldError("phases", "needs at least one phase")
        if len(self.phases) > MAX_PHASES:
            raise FieldError(("phases", MAX_PHASES), f"at most {MAX_PHASES} phases")
        total = 0.0
        for i, phase in enumerate(self.phases):
            total += phase.seconds
            if total > TOTAL_MAX_S:
                raise FieldError(
                    ("phases", i, "seconds"), f"the phases add up to {total:.0f} s, more than {TOTAL_MAX_S:.0f} s, at this one"
                )
        return self


@dataclass(frozen=True, slots=True)
class Phase:
    """One phase: ``kind`` (:data:`PHASE_KINDS`), ``start_s``/``end_s`` from the round's start."""

    kind: str
    start_s: float
    end_s: float
    band: IntensityBand

    @property
    def seconds(self) -> float:
        return self.end_s - self.start_s


@dataclass(frozen=True, slots=True)
class Level:
    """A heart-zone level as the game plays it (see :class:`game.engine.modes.LevelInfo`)."""

    path: Path
    name: str
    description: str
    difficulty: int
    phases: tuple[Phase, ...]
    mode: str = "heartzone"

    @property
    def total_s(self) -> float:
        return self.phases[-1].end_s

    def phase_at(self, t_s: float) -> Phase:
        """The phase under way ``t_s`` seconds into the round (the last one after the end)."""
        for phase in self.phases:
            if t_s < phase.end_s:
                return phase
        return self.phases[-1]

    @classmethod
    def from_spec(cls, spec: HeartzoneLevelFile, path: Path) -> Level:
        phases: list[Phase] = []
        t = 0.0
        for p in spec.phases:
            phases.append(Phase(p.kind, t, t + p.seconds, IntensityBand(*p.band)))
            t += p.seconds
        description = spec.description or ""
        return cls(path=path, name=spec.name, description=description, difficulty=spec.difficulty, phases=tuple(phases))
