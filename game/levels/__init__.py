"""Runner levels: YAML files in ``levels/`` parsed into frozen, validated :class:`Level` objects.

``load_level(path)`` reads one file; ``resolve_level(name_or_path)`` turns ``meadow`` into
``levels/meadow.yaml``; ``list_levels()`` loads a whole folder. Every problem is a
:class:`LevelError` whose message is one line: ``FILE:LINE: FIELD: REASON``.
The schema is documented in ``levels/README.md``.
"""

from game.levels.loader import (
    LEVELS_DIR_ENV,
    LevelError,
    LevelListing,
    default_levels_dir,
    list_levels,
    load_level,
    parse_level,
    resolve_level,
)
from game.levels.model import ACTION_KINDS, MODES, OBSTACLE_KINDS, SCHEMA_VERSION, Level, Obstacle

__all__ = [
    "ACTION_KINDS",
    "LEVELS_DIR_ENV",
    "MODES",
    "OBSTACLE_KINDS",
    "SCHEMA_VERSION",
    "Level",
    "LevelError",
    "LevelListing",
    "Obstacle",
    "default_levels_dir",
    "list_levels",
    "load_level",
    "parse_level",
    "resolve_level",
]
