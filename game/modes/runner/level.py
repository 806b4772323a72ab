"""Typed runner levels: what :func:`game.modes.runner.level_loader.load_level` returns after validation.

These objects are plain data. They trust the loader: every value here has already been checked
against the schema in ``levels/runner/README.md`` (ranges, ordering, spacing), so game code can use them
without re-checking.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

SCHEMA_VERSION = 1
"""The only level schema version this code reads."""

OBSTACLE_KINDS: tuple[str, ...] = ("hurdle", "bar", "coin")
"""Values of an obstacle's ``type``: ``hurdle`` (jump over), ``bar`` (squat under), ``coin`` (collect)."""

ACTION_KINDS: frozenset[str] = frozenset({"hurdle", "bar"})
"""Obstacle kinds the player must act on (jump or squat) to avoid a hit; coins are optional."""


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
    """A validated level file.

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
