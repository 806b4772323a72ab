"""Choosing input sources for ``--input auto|keyboard|sim``.

The keyboard always works. ``sim`` adds the simulated player (demos, fair stands, tests).
``auto`` uses the real sensors that are present; until sensor drivers are configured it
falls back to the keyboard and says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.config import AppConfig
from game.context import Autopilot
from sensors.source import Source


@dataclass
class InputSetup:
    sources: list[Source]
    label: str
    autopilot: Autopilot | None = None


def build_inputs(config: AppConfig) -> InputSetup:
    if config.input == "sim":
        from sensors.sim import SimulatedSource

        sim = SimulatedSource(seed=config.seed)
        return InputSetup([sim], "simulated player + keyboard", sim.inject)
    if config.input == "keyboard":
        return InputSetup([], "keyboard")
    return InputSetup([], "keyboard (no motion sensors found)")
