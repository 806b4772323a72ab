"""Runner levels: the schema of ``levels/runner/*.yaml`` and the plain objects the game plays.

:class:`RunnerLevelFile` is the file's schema (read strictly by :mod:`sensors.config_yaml`
through :func:`game.levels.load_level`, documented field by field in
``levels/runner/README.md``); :class:`Level` and :class:`Obstacle` are what the rules read.
They trust the schema: every value has been checked (ranges, ordering, spacing), so game code
uses them without re-checking.

A level places things on the track in two ways, which may be mixed: ``obstacles`` lists them one
by one, and ``sections`` describe stretches filled by a seeded pattern (a spacing range and a
mix of kinds), so a long level stays dense without a thousand lines of YAML. Both end up in
:attr:`Level.spots` (what the player meets, arcs as one spot) and :attr:`Level.obstacles` (what
the rules cross, an arc as its coins).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from game.levels.model import LevelFile
from game.levels.model import number_text as _fmt
from sensors.config_yaml import ConfigModel, FieldError

SPOT_KINDS: tuple[str, ...] = ("hurdle", "bar", "coin", "arc")
"""Values of an obstacle's ``type``: ``hurdle`` (jump over), ``bar`` (squat under), ``coin``
(collect by running through), ``arc`` (coins in the air at jump height: collect by jumping)."""

OBSTACLE_KINDS: tuple[str, ...] = ("hurdle", "bar", "coin")
"""Kinds of :class:`Obstacle` the rules cross (an arc is made of coins)."""

ACTION_KINDS: frozenset[str] = frozenset({"hurdle", "bar"})
"""Obstacle kinds the player must act on (jump or squat) to avoid a hit; coins are optional."""

LENGTH_MIN_M, LENGTH_MAX_M = 50.0, 20000.0
STRIDE_MIN_M, STRIDE_MAX_M, STRIDE_DEFAULT_M = 0.3, 3.0, 1.0
TIME_LIMIT_MAX_S = 86400.0
MIN_OBSTACLE_GAP_M = 4.0
MAX_CADENCE_SPM = 240.0
"""A time limit that needs a faster cadence than this (at the level's stride) cannot be met."""
CADENCE_MIN_SPM, CADENCE_MAX_SPM, CADENCE_DEFAULT_SPM = 100.0, 220.0, 160.0
"""Target cadence a level may ask for (steps/min): from a brisk march to a sprint on the spot."""
MAX_SECTION_SPOTS = 2000
MAX_PATTERN = 64

# A coin arc: ARC_COINS coins over the middle ARC_SPAN_SHARE of a jump's flight at the level's
# expected speed, each lifted by ARC_LIFT_EDGE_M .. ARC_LIFT_TOP_M above what a standing runner
# reaches (REACH_M), along a parabola like the jump's own. With the game's jump (0.5 s of flight,
# apex 0.6 m; feet at 0.6 (1 - (2 t / 0.5)^2) m, t from the apex) a jump whose apex is within
# 0.075 s of the arc's middle collects all four, and one up to 0.2 s off still takes two (those
# on the side it is early or late towards): a window a player can learn to hit.
ARC_COINS = 4
ARC_SPAN_SHARE = 0.6
ARC_LIFT_EDGE_M = 0.10
ARC_LIFT_TOP_M = 0.40
#: Height of a coin on the ground's track (its centre, metres above the ground): at the hips.
GROUND_COIN_M = 0.5
#: Standing reach of the runner (metres above the feet): the head and a raised hand.
REACH_M = 1.8
#: Seconds of flight of the game's jump (rules.JUMP_AIRTIME_S; here for the arcs' shape).
JUMP_FLIGHT_S = 0.5


SpotKind = Literal["hurdle", "bar", "coin", "arc"]


class ObstacleSpec(ConfigModel):
    """One thing on the track."""

    at_m: Annotated[float, Field(gt=0, description="Distance from the start line in metres.")]
    type: SpotKind = Field(
        description="hurdle: jump over; bar: squat under; coin: collect; arc: coins at jump height, collected by jumping."
    )


class SectionSpec(ConfigModel):
    """A stretch of track filled from a pattern: spots from ``from_m`` on, ``spacing_m`` apart
    (drawn from the range with ``seed``), their kinds taken from ``pattern`` in turn
    (``order: cycle``) or at random (``order: shuffle``)."""

    from_m: Annotated[float, Field(ge=0, description="Where the section starts (metres from the start line).")]
    to_m: Annotated[float, Field(gt=0, description="Where it ends (metres); at most length_m.")]
    pattern: tuple[SpotKind, ...] = Field(description="Kinds of spot, in the order used: 1 to 64 of them.")
    spacing_m: tuple[
        Annotated[float, Field(ge=MIN_OBSTACLE_GAP_M, le=200)],
        Annotated[float, Field(ge=MIN_OBSTACLE_GAP_M, le=200)],
    ] = Field(description=f"[shortest, longest] gap between spots in metres, each at least {_fmt(MIN_OBSTACLE_GAP_M)}.")
    order: Literal["cycle", "shuffle"] = Field(default="cycle", description="cycle: pattern in turn; shuffle: at random.")
    seed: Annotated[int, Field(ge=0, le=2**31 - 1, description="Seed of the spacing (and shuffle) draws.")] = 0


class RunnerLevelFile(LevelFile):
    """A runner level file (schema version 1)."""

    mode: Literal["runner"] = Field(description="The game mode: runner.")
    length_m: Annotated[float, Field(ge=LENGTH_MIN_M, le=LENGTH_MAX_M, description="Track length in metres; the finish line.")]
    stride_m: (
        Annotated[float, Field(ge=STRIDE_MIN_M, le=STRIDE_MAX_M, description="Metres the runner moves per step of the player.")]
        | None
    ) = None
    target_cadence_spm: (
        Annotated[
            float,
            Field(
                ge=CADENCE_MIN_SPM,
                le=CADENCE_MAX_SPM,
                description="Cadence the level is run at (steps/min), shown on the speed line.",
            ),
        ]
        | None
    ) = None
    time_limit_s: (
        Annotated[float, Field(gt=0, le=TIME_LIMIT_MAX_S, description="Seconds allowed to reach the finish; none: no limit.")]
        | None
    ) = None
    obstacles: tuple[ObstacleSpec, ...] = Field(default=(), description="In order along the track, at least 4 m apart.")
    sections: tuple[SectionSpec, ...] = Field(
        default=(), description="Stretches filled from a pattern, in order, not overlapping."
    )

    @property
    def stride(self) -> float:
        return STRIDE_DEFAULT_M if self.stride_m is None else self.stride_m

    @property
    def cadence(self) -> float:
        return CADENCE_DEFAULT_SPM if self.target_cadence_spm is None else self.target_cadence_spm

    @model_validator(mode="after")
    def _track_rules(self) -> RunnerLevelFile:
        length = self.length_m
        if self.time_limit_s is not None:
            needed_spm = length / self.time_limit_s / self.stride * 60.0
            if needed_spm > MAX_CADENCE_SPM:
                raise FieldError(
                    "time_limit_s",
                    f"too short: {_fmt(length)} m in {_fmt(self.time_limit_s)} s at stride "
                    f"{_fmt(self.stride)} m needs {needed_spm:.0f} steps/min, more than the "
                    f"{_fmt(MAX_CADENCE_SPM)} a player can keep up",
                )
        for i, ob in enumerate(self.obstacles):
            here = ("obstacles", i, "at_m")
            if not ob.at_m < length:
                raise FieldError(here, f"must be less than length_m ({_fmt(length)}), got {{got}}")
            if i == 0:
                continue
            before = self.obstacles[i - 1].at_m
            if not ob.at_m > before:
                raise FieldError(
                    here,
                    f"must be greater than obstacles[{i - 1}].at_m ({_fmt(before)}): obstacles go in "
                    "order along the track, got {got}",
                )
            if ob.at_m - before < MIN_OBSTACLE_GAP_M:
                raise FieldError(
                    here,
                    f"must be at least {_fmt(MIN_OBSTACLE_GAP_M)} m after obstacles[{i - 1}].at_m "
                    f"({_fmt(before)}), got {{got}} ({_fmt(round(ob.at_m - before, 6))} m apart)",
                )
        for i, sec in enumerate(self.sections):
            if not 1 <= len(sec.pattern) <= MAX_PATTERN:
                raise FieldError(
                    ("sections", i, "pattern"), f"must list 1 to {MAX_PATTERN} kinds of spot, got {len(sec.pattern)}"
                )
            if not sec.to_m > sec.from_m:
                raise FieldError(("sections", i, "to_m"), f"must be greater than from_m ({_fmt(sec.from_m)}), got {{got}}")
            if sec.to_m > length:
                raise FieldError(("sections", i, "to_m"), f"must be at most length_m ({_fmt(length)}), got {{got}}")
            lo, hi = sec.spacing_m
            if lo > hi:
                raise FieldError(("sections", i, "spacing_m", 1), f"must be at least the shortest gap ({_fmt(lo)}), got {{got}}")
            if (sec.to_m - sec.from_m) / lo > MAX_SECTION_SPOTS:
                raise FieldError(
                    ("sections", i, "spacing_m", 0),
                    f"too short for a {_fmt(sec.to_m - sec.from_m)} m section: more than {MAX_SECTION_SPOTS} spots, got {{got}}",
                )
            if i > 0 and sec.from_m < self.sections[i - 1].to_m:
                raise FieldError(
                    ("sections", i, "from_m"),
                    f"must be at least sections[{i - 1}].to_m ({_fmt(self.sections[i - 1].to_m)}): sections go in "
                    "order and do not overlap, got {got}",
                )
        return self


@dataclass(frozen=True, slots=True)
class Spot:
    """One thing the player meets: ``kind`` one of :data:`SPOT_KINDS` at ``at_m`` metres
    (an arc's ``at_m`` is its middle)."""

    at_m: float
    kind: str


@dataclass(frozen=True, slots=True)
class Obstacle:
    """One thing on the track the rules cross.

    ``at_m``: distance from the start line in metres (0 < at_m < the level's length_m).
    ``kind``: one of :data:`OBSTACLE_KINDS` (written ``type`` in the YAML file).
    ``height_m``: for a coin, the height of its centre above the ground (metres).
    ``arc``: for a coin of an arc, the arc's index in the level (0, 1 ...); -1 otherwise.
    """

    at_m: float
    kind: str
    height_m: float = GROUND_COIN_M
    arc: int = -1

    @property
    def needs_action(self) -> bool:
        """True for hurdles and bars (jump / squat), False for coins."""
        return self.kind in ACTION_KINDS


def sections_spots(sections: tuple[SectionSpec, ...] | list[SectionSpec]) -> list[Spot]:
    """The spots of every section, in order. A section starts at its ``from_m``, or a shortest
    gap after the previous section's last spot if that is later, so sections that touch join
    without two spots closer than the spacing."""
    out: list[Spot] = []
    for sec in sections:
        start = sec.from_m if not out else max(sec.from_m, out[-1].at_m + sec.spacing_m[0])
        out += section_spots(sec, start)
    return out


def section_spots(sec: SectionSpec, start_m: float | None = None) -> list[Spot]:
    """The spots a section generates: the first at ``from_m`` (a spot at 0 is left out: the
    runner starts there), then one every gap drawn uniformly from ``spacing_m`` with the
    section's seed, up to ``to_m`` (exclusive). Starting at ``from_m`` keeps the gap between two
    sections that touch within the first one's spacing."""
    rng = random.Random(sec.seed)
    lo, hi = sec.spacing_m
    out: list[Spot] = []
    at = sec.from_m if start_m is None else start_m
    i = 0
    while at < sec.to_m:
        kind = sec.pattern[i % len(sec.pattern)] if sec.order == "cycle" else rng.choice(sec.pattern)
        if at > 0:
            out.append(Spot(round(at, 2), kind))
        at += rng.uniform(lo, hi)
        i += 1
    return out


def merge_spots(explicit: list[Spot], generated: list[Spot], length_m: float) -> list[Spot]:
    """Explicit spots win: a generated spot closer than :data:`MIN_OBSTACLE_GAP_M` to one kept
    before or after it is left out, so the merged track keeps the spacing rule."""
    keep = sorted(explicit, key=lambda s: s.at_m)
    fixed = [s.at_m for s in keep]
    for spot in sorted(generated, key=lambda s: s.at_m):
        if spot.at_m >= length_m:
            continue
        if any(abs(spot.at_m - f) < MIN_OBSTACLE_GAP_M for f in fixed):
            continue
        keep.append(spot)
        fixed.append(spot.at_m)
    return sorted(keep, key=lambda s: s.at_m)


def arc_coins(at_m: float, index: int, speed_mps: float) -> list[Obstacle]:
    """The coins of the arc centred at ``at_m`` for a runner at ``speed_mps`` (see ARC_* above)."""
    half = speed_mps * JUMP_FLIGHT_S / 2 * ARC_SPAN_SHARE
    coins = []
    for k in range(ARC_COINS):
        x = -1.0 + 2.0 * k / (ARC_COINS - 1)  # -1 .. 1 across the arc
        lift = ARC_LIFT_EDGE_M + (ARC_LIFT_TOP_M - ARC_LIFT_EDGE_M) * (1.0 - x * x)
        coins.append(Obstacle(round(at_m + x * half, 3), "coin", REACH_M + lift, index))
    return coins


def expand_spots(spots: list[Spot] | tuple[Spot, ...], speed_mps: float) -> tuple[Obstacle, ...]:
    """What the rules cross: arcs become their coins, everything in order along the track."""
    out: list[Obstacle] = []
    arcs = 0
    for spot in spots:
        if spot.kind == "arc":
            out += arc_coins(spot.at_m, arcs, speed_mps)
            arcs += 1
        else:
            out.append(Obstacle(spot.at_m, spot.kind))
    out.sort(key=lambda o: o.at_m)
    return tuple(out)


@dataclass(frozen=True, slots=True)
class Level:
    """A validated runner level.

    ``path``: the file it was read from, as given to the loader (not resolved).
    ``length_m``: track length in metres; the finish line.
    ``stride_m``: metres the runner moves per step of the player at the level's own pace, so
    speed_mps = cadence_spm / 60 * stride_m (see :mod:`.rules` for an adapted pace).
    ``target_cadence_spm``: the cadence the level is run at (steps/min), on the speed line.
    ``time_limit_s``: seconds allowed to reach the finish, or None for no limit.
    ``obstacles``: sorted by ``at_m``; arcs expanded into their coins.
    ``spots``: what the player meets (arcs as one), sorted, at least 4 m apart.
    ``adaptive``/``effort_band``: the pace follows effort toward this band (fractions of
    heart-rate reserve; None: the mode's default), :mod:`game.engine.difficulty`.
    """

    path: Path
    schema: int
    name: str
    mode: str
    description: str
    difficulty: int
    length_m: float
    stride_m: float
    time_limit_s: float | None
    obstacles: tuple[Obstacle, ...]
    target_cadence_spm: float = CADENCE_DEFAULT_SPM
    spots: tuple[Spot, ...] = ()
    adaptive: bool = False
    effort_band: tuple[float, float] | None = None

    @property
    def expected_speed_mps(self) -> float:
        """Speed of a runner at the target cadence (m/s)."""
        return self.target_cadence_spm / 60.0 * self.stride_m

    @property
    def arcs(self) -> int:
        return sum(1 for s in self.spots if s.kind == "arc")

    @classmethod
    def from_spec(cls, spec: RunnerLevelFile, path: Path) -> Level:
        explicit = [Spot(float(o.at_m), o.type) for o in spec.obstacles]
        generated = sections_spots(spec.sections)
        spots = merge_spots(explicit, generated, float(spec.length_m))
        speed = spec.cadence / 60.0 * spec.stride
        band = spec.effort_band
        return cls(
            path=path,
            schema=spec.schema_version,
            name=spec.name,
            mode=spec.mode,
            description=spec.description or "",
            difficulty=spec.difficulty,
            length_m=float(spec.length_m),
            stride_m=float(spec.stride),
            time_limit_s=None if spec.time_limit_s is None else float(spec.time_limit_s),
            obstacles=expand_spots(spots, speed),
            target_cadence_spm=float(spec.cadence),
            spots=tuple(spots),
            adaptive=bool(spec.adaptive),
            effort_band=None if band is None else (float(band[0]), float(band[1])),
        )
