"""Runner levels: the schema of ``levels/runner/*.yaml`` and the plain objects the game plays.

:class:`RunnerLevelFile` is the file's schema (read strictly by :mod:`sensors.config_yaml`
through :func:`game.levels.load_level`, documented field by field in
``levels/runner/README.md``); :class:`Level` and :class:`Obstacle` are what the rules read.
They trust the schema: every value has been checked (ranges, ordering, spacing), so game code
uses them without re-checking.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from game.levels.model import LevelFile
from sensors.config_yaml import ConfigModel, FieldError

OBSTACLE_KINDS: tuple[str, ...] = ("hurdle", "bar", "coin")
"""Values of an obstacle's ``type``: ``hurdle`` (jump over), ``bar`` (squat under), ``coin`` (collect)."""

ACTION_KINDS: frozenset[str] = frozenset({"hurdle", "bar"})
"""Obstacle kinds the player must act on (jump or squat) to avoid a hit; coins are optional."""

LENGTH_MIN_M, LENGTH_MAX_M = 50.0, 20000.0
STRIDE_MIN_M, STRIDE_MAX_M, STRIDE_DEFAULT_M = 0.3, 3.0, 1.0
TIME_LIMIT_MAX_S = 86400.0
MIN_OBSTACLE_GAP_M = 4.0
MAX_CADENCE_SPM = 240.0
"""A time limit that needs a faster cadence than this (at the level's stride) cannot be met."""


def _fmt(value: float) -> str:
    """400.0 -> '400', 0.3 -> '0.3'."""
    return str(int(value)) if float(value).is_integer() else str(value)


class ObstacleSpec(ConfigModel):
    """One thing on the track."""

    at_m: Annotated[float, Field(gt=0, description="Distance from the start line in metres.")]
    type: Literal["hurdle", "bar", "coin"] = Field(description="hurdle: jump over; bar: squat under; coin: collect.")


class RunnerLevelFile(LevelFile):
    """A runner level file (schema version 1)."""

    mode: Literal["runner"] = Field(description="The game mode: runner.")
    length_m: Annotated[float, Field(ge=LENGTH_MIN_M, le=LENGTH_MAX_M, description="Track length in metres; the finish line.")]
    stride_m: (
        Annotated[float, Field(ge=STRIDE_MIN_M, le=STRIDE_MAX_M, description="Metres the runner moves per step of the player.")]
        | None
    ) = None
    time_limit_s: (
        Annotated[float, Field(gt=0, le=TIME_LIMIT_MAX_S, description="Seconds allowed to reach the finish; none: no limit.")]
        | None
    ) = None
    obstacles: tuple[ObstacleSpec, ...] = Field(description="In order along the track, at least 4 m apart; may be empty.")

    @property
    def stride(self) -> float:
        return STRIDE_DEFAULT_M if self.stride_m is None else self.stride_m

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
        return self


@dataclass(frozen=True, slots=True)
class Obstacle:
    """One thing on the track.

    ``at_m``: distance from the start line in metres (0 < at_m < the level's length_m).
    ``kind``: one of :data:`OBSTACLE_KINDS` (written ``type`` in the YAML file).
    """

    at_m: float
    kind: str

    @property
    def needs_action(self) -> bool:
        """True for hurdles and bars (jump / squat), False for coins."""
        return self.kind in ACTION_KINDS


@dataclass(frozen=True, slots=True)
class Level:
    """A validated runner level.

    ``path``: the file it was read from, as given to the loader (not resolved).
    ``length_m``: track length in metres; the finish line.
    ``stride_m``: metres the runner moves per step of the player, so speed_mps = cadence_spm / 60 * stride_m.
    ``time_limit_s``: seconds allowed to reach the finish, or None for no limit.
    ``obstacles``: sorted by ``at_m``, strictly increasing, at least 4 m apart.
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

    @classmethod
    def from_spec(cls, spec: RunnerLevelFile, path: Path) -> Level:
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
            obstacles=tuple(Obstacle(float(o.at_m), o.type) for o in spec.obstacles),
        )
