"""``liike class``: the heart-rate board for a PE class, one tile per allow-listed strap.

Straps in ``broadcast`` mode are read from their advertisements (no connection: a whole class on
one adapter); the others are connected. The board is a scene on the game's own app loop
(:class:`game.engine.app.App`), drawn 20 times a second. Esc or the window's close button ends
it; ``--seconds`` ends it by itself. The last line on stdout is a JSON summary
(per strap: mean and max heart rate, minutes per intensity band, MVPA minutes).
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import pygame

from game.classroom.board import ClassBoard, Tile
from game.engine.app import App, open_window
from game.engine.config import AppConfig
from game.engine.run import build_context
from game.input.mapper import InputFrame
from game.render.palette import BAD, INK, MUTED, PANEL, PAPER, ZONE_COLOURS
from game.render.text import TextCache
from game.scenes.base import Scene, Transition
from sensors.ble.allowlist import AllowedSensor
from sensors.bus import SensorBus
from sensors.motion.heart_zones import HeartProfile
from sensors.samples import BusItem

if TYPE_CHECKING:
    from game.engine.context import GameContext

FPS = 20


def grid(n: int, w: int, h: int) -> tuple[int, int]:
    """Columns and rows for ``n`` tiles on a ``w`` x ``h`` screen, tiles close to 4:3."""
    if n <= 0:
        return 1, 1
    best = (1, n)
    best_score = -1.0
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        tw, th = w / cols, h / rows
        score = min(tw, th * 4 / 3)
        if score > best_score:
            best, best_score = (cols, rows), score
    return best


def draw_tile(screen: pygame.Surface, text: TextCache, rect: pygame.Rect, tile: Tile) -> None:
    colour = ZONE_COLOURS[tile.band] if tile.band is not None else PANEL
    pygame.draw.rect(screen, colour, rect.inflate(-8, -8), border_radius=10)
    inner = rect.inflate(-24, -24)
    big = max(18, inner.h // 3)
    small = max(12, inner.h // 9)
    ink = INK if tile.band is not None else PAPER
    text.draw(screen, tile.label, small + 2, ink, inner.topleft, bold=True)
    text.draw(screen, f"MVPA {tile.mvpa_min:.1f} min", small, ink, inner.topright, "topright")
    value = f"{tile.bpm}" if tile.bpm is not None else "--"
    text.draw(screen, value, big, ink, (inner.centerx, inner.centery), "center", bold=True)
    if tile.band is not None:
        text.draw(
            screen,
            f"{tile.band.value}  {tile.pct_max:.0f} % max",
            small,
            ink,
            (inner.centerx, inner.centery + big * 0.6),
            "midtop",
        )
    note_colour = BAD if tile.problem else (ink if tile.band is not None else MUTED)
    text.draw(screen, tile.note, small, note_colour, inner.bottomleft, "bottomleft")


def draw_board(screen: pygame.Surface, text: TextCache, tiles: list[Tile]) -> None:
    screen.fill(INK)
    w, h = screen.get_size()
    if not tiles:
        text.draw(
            screen,
            "No straps on the allow-list: `liike sensors scan`, then `liike sensors allow ADDRESS --broadcast`",
            max(14, h // 40),
            PAPER,
            (w / 2, h / 2),
            "center",
        )
        return
    cols, rows = grid(len(tiles), w, h)
    tw, th = w // cols, h // rows
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        draw_tile(screen, text, pygame.Rect(c * tw, r * th, tw, th), tile)


class ClassScene(Scene):
    """The board as a scene of the game's own app loop: the loop drains the SensorBus and hands
    the items here (:meth:`sensor_items`); Esc (``back``) ends the lesson."""

    def __init__(self, ctx: GameContext, board: ClassBoard) -> None:
        super().__init__(ctx)
        self.board = board

    def sensor_items(self, items: list[BusItem]) -> None:
        self.board.ingest(items)

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        self.board.tick(self.ctx.clock(), dt)
        if "back" in frame.pressed:
            return Transition("quit")
        return None

    def render(self, screen: pygame.Surface) -> None:
        draw_board(screen, self.ctx.text, self.board.tiles(self.ctx.clock()))


def run_class(
    config: AppConfig, sensors: list[AllowedSensor], profile: HeartProfile, backends: Any = None, screenshot: str | None = None
) -> dict[str, Any]:
    """Show the board until Esc, the window is closed, or ``config.seconds``; return the summary."""
    from sensors.ble.service import BleSource

    board = ClassBoard(sensors, profile)
    ctx = build_context(replace(config, fps_cap=FPS), None, [])
    screen = open_window(config)
    pygame.display.set_caption("Liike: class heart rates")
    try:
        app = App(ctx, ClassScene(ctx, board), SensorBus(), [BleSource(sensors, backends=backends)])
        stats = app.run(screen)
        if screenshot:
            pygame.image.save(pygame.display.get_surface() or screen, screenshot)
    finally:
        pygame.display.quit()
    summary = board.summary()
    if stats.interrupted:
        summary["interrupted"] = True  # the command exits 130; not part of the summary it prints
    return summary
