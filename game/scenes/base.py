"""The scene interface and the transitions a scene can ask for."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pygame

from game.input.mapper import InputFrame
from sensors.samples import BusItem

if TYPE_CHECKING:
    from game.engine.context import GameContext


@dataclass(frozen=True, slots=True)
class Transition:
    """``push`` a scene on top, ``replace`` the current one, ``pop`` back, or ``quit``."""

    op: str
    scene: Scene | None = None


class Scene:
    """A screen of the game. Scenes read actions and axes only, never pygame events."""

    #: An overlay (pause) lets the scene below it render underneath.
    overlay = False

    def __init__(self, ctx: GameContext) -> None:
        self.ctx = ctx
        self.time_s = 0.0

    def enter(self) -> None:
        """Called when the scene becomes the top of the stack."""

    def exit(self) -> None:
        """Called when the scene leaves the stack."""

    def sensor_items(self, items: list[BusItem]) -> None:
        """This frame's SensorBus items, for a scene that reads sensors directly (the class
        board); game scenes read actions and axes instead."""

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        self.time_s += dt
        return None

    def render(self, screen: pygame.Surface) -> None:
        raise NotImplementedError
