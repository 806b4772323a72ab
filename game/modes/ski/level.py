"""Ski levels: the schema of ``levels/ski/*.yaml`` and the plain objects the rules read.

:class:`SkiLevelFile` is the file's schema (read strictly by :mod:`sensors.config_yaml` through
:func:`game.levels.load_level`, documented field by field in ``levels/ski/README.md``);
:class:`Level`, :class:`Gate` and :class:`Profile` are what the rules read. They trust the
schema: every value has been checked (ranges, ordering, slopes, reachable gates), so game code
uses them without re-checking.

Units: distances along the course and elevations in metres, lateral offsets in metres (+ is the
skier's right), time in seconds.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from game.levels.model import LevelFile
from game.levels.model import number_text as _fmt
from sensors.config_yaml import ConfigModel, FieldError

LENGTH_MIN_M, LENGTH_MAX_M = 100.0, 20000.0
TIME_LIMIT_MAX_S = 7200.0
#: Half the width of the groomed corridor the skier moves in (m); gates lie inside it.
TRACK_HALF_WIDTH_M = 6.0
GATE_WIDTH_MIN_M, GATE_WIDTH_MAX_M, GATE_WIDTH_DEFAULT_M = 1.5, 8.0, 3.5
#: Gates closer than this (m) leave no time to see the next one.
MIN_GATE_GAP_M = 15.0
#: The steepest grade a profile segment may have (rise / run). Cross-country trails keep climbs
#: mostly under ~18 % and short pitches steeper; 25 % is far beyond what a double-poling skier
#: climbs and what the physics here is tuned for.
MAX_GRADE = 0.25
#: Sideways change between consecutive gates allowed per metre along the course. The skier moves
#: sideways at up to about half its forward speed at full lean (:data:`game.modes.ski.rules.MAX_HEADING_RAD`);
#: 0.35 leaves margin for reaction time.
MAX_SIDEWAYS_PER_M = 0.35
MISS_PENALTY_DEFAULT_S = 5.0
MISS_PENALTY_MAX_S = 60.0


class ProfilePointSpec(ConfigModel):
    """One point of the course's elevation profile."""

    at_m: Annotated[float, Field(ge=0, description="Distance from the start line in metres.")]
    elevation_m: Annotated[float, Field(ge=-500, le=9000, description="Height above a reference in metres.")]


class GateSpec(ConfigModel):
    """One gate the skier steers through."""

    at_m: Annotated[float, Field(gt=0, description="Distance from the start line in metres.")]
    offset_m: Annotated[
        float,
        Field(
            ge=-TRACK_HALF_WIDTH_M,
            le=TRACK_HALF_WIDTH_M,
            description="Centre of the gate from the middle of the track in metres; + is the skier's right.",
        ),
    ] = 0.0
    width_m: (
        Annotated[float, Field(ge=GATE_WIDTH_MIN_M, le=GATE_WIDTH_MAX_M, description="Opening between the flags in metres.")]
        | None
    ) = None


class SkiLevelFile(LevelFile):
    """A ski level file (schema version 1)."""

    mode: Literal["ski"] = Field(description="The game mode: ski.")
    length_m: Annotated[float, Field(ge=LENGTH_MIN_M, le=LENGTH_MAX_M, description="Course length in metres; the finish line.")]
    time_limit_s: (
        Annotated[float, Field(gt=0, le=TIME_LIMIT_MAX_S, description="Seconds allowed to reach the finish; none: no limit.")]
        | None
    ) = None
    miss_penalty_s: Annotated[
        float, Field(ge=0, le=MISS_PENALTY_MAX_S, description="Seconds added to the race time for each gate missed.")
    ] = MISS_PENALTY_DEFAULT_S
    gate_width_m: Annotated[
        float, Field(ge=GATE_WIDTH_MIN_M, le=GATE_WIDTH_MAX_M, description="Width of gates that give none of their own (m).")
    ] = GATE_WIDTH_DEFAULT_M
    profile: tuple[ProfilePointSpec, ...] = Field(
        description="Elevation along the course: from at_m 0 to at_m length_m, in order; flat when left out.",
        default=(),
    )
    gates: tuple[GateSpec, ...] = Field(description="In order along the course, at least 15 m apart; may be empty.")

    @model_validator(mode="after")
    def _course_rules(self) -> SkiLevelFile:
        length = self.length_m
        self._check_profile(length)
        self._check_gates(length)
        return self

    def _check_profile(self, length: float) -> None:
        points = self.profile
        if not points:
            return
        if len(points) < 2:
            raise FieldError("profile", "needs at least two points (at_m 0 and at_m length_m), got one")
        if points[0].at_m != 0:
            raise FieldError(("profile", 0, "at_m"), "must be 0: the profile starts at the start line, got {got}")
        for i in range(1, len(points)):
            here, before = points[i], points[i - 1]
            if not here.at_m > before.at_m:
                raise FieldError(
                    ("profile", i, "at_m"),
                    f"must be greater than profile[{i - 1}].at_m ({_fmt(before.at_m)}): points go in order, got {{got}}",
                )
            if here.at_m > length:
                raise FieldError(("profile", i, "at_m"), f"must be at most length_m ({_fmt(length)}), got {{got}}")
            grade = (here.elevation_m - before.elevation_m) / (here.at_m - before.at_m)
            if abs(grade) > MAX_GRADE:
                raise FieldError(
                    ("profile", i, "elevation_m"),
                    f"too steep: {grade * 100:+.0f} % from profile[{i - 1}] (at most {MAX_GRADE * 100:.0f} % either way), "
                    "got {got}",
                )
        if points[-1].at_m != length:
            raise FieldError(
                ("profile", len(points) - 1, "at_m"),
                f"the last point must be at length_m ({_fmt(length)}), so the whole course has a height; got {{got}}",
            )

    def _check_gates(self, length: float) -> None:
        half = TRACK_HALF_WIDTH_M
        for i, gate in enumerate(self.gates):
            if not gate.at_m < length:
                raise FieldError(("gates", i, "at_m"), f"must be less than length_m ({_fmt(length)}), got {{got}}")
            width = self.gate_width_m if gate.width_m is None else gate.width_m
            if abs(gate.offset_m) + width / 2 > half:
                raise FieldError(
                    ("gates", i, "offset_m"),
                    f"the gate ({_fmt(width)} m wide) must lie inside the track, {_fmt(half)} m either side of its "
                    f"middle: |offset_m| at most {_fmt(half - width / 2)}, got {{got}}",
                )
            if i == 0:
                continue
            before = self.gates[i - 1]
            if not gate.at_m > before.at_m:
                raise FieldError(
                    ("gates", i, "at_m"),
                    f"must be greater than gates[{i - 1}].at_m ({_fmt(before.at_m)}): gates go in order, got {{got}}",
                )
            gap = gate.at_m - before.at_m
            if gap < MIN_GATE_GAP_M:
                raise FieldError(
                    ("gates", i, "at_m"),
                    f"must be at least {_fmt(MIN_GATE_GAP_M)} m after gates[{i - 1}].at_m ({_fmt(before.at_m)}), got {{got}}",
                )
            sideways = abs(gate.offset_m - before.offset_m)
            if sideways > MAX_SIDEWAYS_PER_M * gap:
                raise FieldError(
                    ("gates", i, "offset_m"),
                    f"too far sideways from gates[{i - 1}] ({_fmt(sideways)} m in {_fmt(gap)} m): a skier can move at "
                    f"most {_fmt(MAX_SIDEWAYS_PER_M * gap)} m sideways there; got {{got}}",
                )


@dataclass(frozen=True, slots=True)
class Gate:
    """A gate: ``at_m`` along the course, centre ``offset_m`` (+ right), opening ``width_m`` (all m)."""

    at_m: float
    offset_m: float
    width_m: float

    def contains(self, x_m: float) -> bool:
        """Whether a skier ``x_m`` metres right of the track's middle passes between the flags."""
        return abs(x_m - self.offset_m) <= self.width_m / 2


@dataclass(frozen=True, slots=True)
class Profile:
    """Piecewise-linear elevation (m) over distance (m), flat before the first and after the last point."""

    at_m: tuple[float, ...]
    elevation_m: tuple[float, ...]

    def elevation(self, d_m: float) -> float:
        xs, ys = self.at_m, self.elevation_m
        if d_m <= xs[0]:
            return ys[0]
        if d_m >= xs[-1]:
            return ys[-1]
        i = bisect.bisect_right(xs, d_m)
        x0, x1, y0, y1 = xs[i - 1], xs[i], ys[i - 1], ys[i]
        return y0 + (y1 - y0) * (d_m - x0) / (x1 - x0)

    def grade(self, d_m: float) -> float:
        """Rise over run (dimensionless, + uphill) of the segment under ``d_m``; 0 beyond the ends."""
        xs, ys = self.at_m, self.elevation_m
        if d_m < xs[0] or d_m >= xs[-1]:
            return 0.0
        i = bisect.bisect_right(xs, d_m)
        return (ys[i] - ys[i - 1]) / (xs[i] - xs[i - 1])

    @property
    def lowest_m(self) -> float:
        return min(self.elevation_m)

    @property
    def highest_m(self) -> float:
        return max(self.elevation_m)

    @property
    def climb_m(self) -> float:
        """Total ascent (m): the sum of every rise along the course."""
        ys = self.elevation_m
        return sum(max(0.0, b - a) for a, b in zip(ys, ys[1:], strict=False))


@dataclass(frozen=True, slots=True)
class Level:
    """A validated ski level.

    ``path``: the file it was read from. ``length_m``: the finish line (m). ``time_limit_s``:
    seconds allowed, or None. ``miss_penalty_s``: seconds added per missed gate.
    ``profile``: elevation along the course. ``gates``: sorted by ``at_m``, at least 15 m apart.
    ``adaptive``/``effort_band``: whether the pace follows the player's effort, toward which
    band (fractions of heart-rate reserve; :mod:`game.engine.difficulty`).
    """

    path: Path
    schema: int
    name: str
    mode: str
    description: str
    difficulty: int
    length_m: float
    time_limit_s: float | None
    miss_penalty_s: float
    profile: Profile
    gates: tuple[Gate, ...]
    adaptive: bool = False
    effort_band: tuple[float, float] | None = None

    @classmethod
    def from_spec(cls, spec: SkiLevelFile, path: Path) -> Level:
        if spec.profile:
            profile = Profile(tuple(float(p.at_m) for p in spec.profile), tuple(float(p.elevation_m) for p in spec.profile))
        else:
            profile = Profile((0.0, float(spec.length_m)), (0.0, 0.0))
        gates = tuple(
            Gate(float(g.at_m), float(g.offset_m), float(spec.gate_width_m if g.width_m is None else g.width_m))
            for g in spec.gates
        )
        return cls(
            path=path,
            schema=spec.schema_version,
            name=spec.name,
            mode=spec.mode,
            description=spec.description or "",
            difficulty=spec.difficulty,
            length_m=float(spec.length_m),
            time_limit_s=None if spec.time_limit_s is None else float(spec.time_limit_s),
            miss_penalty_s=float(spec.miss_penalty_s),
            profile=profile,
            gates=gates,
            adaptive=spec.adaptive,
            effort_band=spec.effort_band,
        )
