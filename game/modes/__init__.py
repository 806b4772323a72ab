"""Game modes, one package each (``game/modes/<name>/``), each exposing a ``MODE`` object
(:class:`game.engine.modes.GameMode`). Each reads only input actions and axes, never raw
sensor data.

:func:`register_builtin_modes` finds every sub-package here and registers its ``MODE``: adding
a mode needs only its package, its levels (``levels/<name>/``) and its tests.
"""

from __future__ import annotations

import importlib
import pkgutil

from game.engine.modes import GameMode, register


def register_builtin_modes() -> list[GameMode]:
    """Import each mode package here and register its ``MODE``; return them by name."""
    found: list[GameMode] = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if not info.ispkg:
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        mode = getattr(module, "MODE", None)
        if mode is None:
            raise ImportError(f"game mode package {module.__name__} has no MODE object")
        found.append(register(mode, replace=True))
    return found
