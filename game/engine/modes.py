"""The registry of game modes, and the one face every mode shows the engine.

A mode is a package ``game/modes/<name>/`` whose ``MODE`` object implements :class:`GameMode`:
its title and movements, its level model, its play scene, its result rows, its calibration
hints. The menu, calibration, results, the command line and the session summary ask that
object; nothing outside a mode names a mode. The engine never imports a mode: the command line
(the composition root) calls :func:`game.modes.register_builtin_modes`, and a test or a plugin
may :func:`register` its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    import pygame

    from game.engine.context import GameContext
    from game.levels.model import LevelFile
    from game.scenes.play import PlayScene


@runtime_checkable
class LevelInfo(Protocol):
    """What the engine reads of any mode's level; the rest belongs to the mode.

    ``name``: the title shown in menus and stored with the session; ``mode``: the mode's
    registered name; ``difficulty``: 1 (easiest) .. 5; ``path``: the file it was read from.
    """

    @property
    def path(self) -> Path: ...

    @property
    def name(self) -> str: ...

    @property
    def mode(self) -> str: ...

    @property
    def difficulty(self) -> int: ...

    @property
    def description(self) -> str: ...


@dataclass(frozen=True, slots=True)
class ResultRow:
    """One line of the results screen: a label and its value, already formatted."""

    label: str
    value: str


class GameMode(Protocol):
    """The contract of a game mode, as the engine sees it.

    The attributes are read-only (properties here), so a mode may declare them as plain class
    attributes of a narrower type: a ``tuple[str, str]`` of movements, its own level model class.
    """

    @property
    def name(self) -> str:
        """Registered name: the ``--mode`` value, the ``mode`` field of its levels, the folder
        ``levels/<name>/`` and the ``mode`` column of its sessions."""
        ...

    @property
    def title(self) -> str:
        """Shown in menus ("Runner")."""
        ...

    @property
    def movements(self) -> tuple[str, ...]:
        """Movements the mode reads, for menus and documentation ("jog on the spot", "jump" ...)."""
        ...

    @property
    def sensors(self) -> tuple[str, ...]:
        """Sensors it can use ("camera", "imu", "heart_rate", "keyboard")."""
        ...

    @property
    def level_model(self) -> type[LevelFile]:
        """The schema of its level files: a :class:`game.levels.model.LevelFile` subclass with the
        mode's own fields and rules (read strictly by :mod:`sensors.config_yaml`)."""
        ...

    def make_level(self, spec: Any, path: Path) -> LevelInfo:
        """The level the game plays, from a validated ``level_model`` and the file it came from."""
        ...

    def level_length(self, level: Any) -> str:
        """How long the level is, in the mode's own terms ("300 m", "2 min")."""
        ...

    def play_scene(self, ctx: GameContext) -> PlayScene:
        """The scene that plays the selected level (``ctx.level``)."""
        ...

    def calibration_hints(self, motion: bool) -> Sequence[str]:
        """What to tell the player on the calibration screen: how to move (``motion``) or
        which keys to press (keyboard only)."""
        ...

    def result_rows(self, summary: dict[str, Any]) -> Sequence[ResultRow]:
        """The mode's own lines of the results screen, from its session summary."""
        ...


@runtime_checkable
class DrawsPicture(Protocol):
    """An optional capability of a mode: a small animated picture of the game, drawn in code,
    for the menu. A mode without it gets a plain drawing of its initial (:mod:`game.scenes.menu`)."""

    def draw_picture(self, surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
        """Draw the picture inside ``rect`` of ``surface`` at ``t_s`` seconds of animation (loops
        as it likes); draw nothing outside ``rect``."""
        ...


class UnknownModeError(LookupError):
    """No mode of that name is registered; the message lists the registered ones."""


_REGISTRY: dict[str, GameMode] = {}


def register(mode: GameMode, *, replace: bool = False) -> GameMode:
    """Add ``mode`` to the registry. A second mode of the same name is refused unless ``replace``."""
    if not mode.name or not mode.name.isidentifier():
        raise ValueError(f"a mode's name must be a plain identifier, got {mode.name!r}")
    if mode.name in _REGISTRY and _REGISTRY[mode.name] is not mode and not replace:
        raise ValueError(f"a mode named {mode.name!r} is registered already")
    _REGISTRY[mode.name] = mode
    return mode


def unregister(name: str) -> None:
    """Remove a mode (tests that register a throwaway mode clean up with this)."""
    _REGISTRY.pop(name, None)


def get_mode(name: str) -> GameMode:
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "none"
        raise UnknownModeError(f"no game mode named {name!r} (registered: {known})") from None


def registered_modes() -> list[GameMode]:
    """Every registered mode, in name order."""
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def mode_names() -> list[str]:
    return sorted(_REGISTRY)
