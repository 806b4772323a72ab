"""``liike class``: the heart-rate board for a PE class, one tile per allow-listed strap.

Straps in ``broadcast`` mode are read from their advertisements (no connection: a whole class on
one adapter); the others are connected. The board runs its own small loop (no game scenes):
drain the SensorBus, update the board, draw, 20 frames per second. Esc or the window's close
button ends it; ``--seconds`` ends it by itself. The last line on stdout is a JSON summary
(per strap: mean and max heart rate, minutes per intensity band, MVPA minutes).
"""

from __future__ import annotations

import math
import time
from typing import Any

import pygame

from game.app import open_window
from game.class_board import ClassBoard, Tile
from game.config import AppConfig
from game.render.palette import BAD, INK, MUTED, PAPER, PANEL, ZONE_COLOURS
from game.render.text import TextCache
from sensors.ble.allowlist import AllowedSensor
from sensors.bus import SensorBus
from sensors.clock import now_ns
from sensors.motion.heart_zones import HeartProfile

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
        text.draw(screen, f"{tile.band.value}  {tile.pct_max:.0f} % max", small, ink, (inner.centerx, inner.centery + big * 0.6), "midtop")
    note_colour = BAD if tile.problem else (ink if tile.band is not None else MUTED)
    text.draw(screen, tile.note, small, note_colour, inner.bottomleft, "bottomleft")


def draw_board(screen: pygame.Surface, text: TextCache, tiles: list[Tile]) -> None:
    screen.fill(INK)
    w, h = screen.get_size()
    if not tiles:
        text.draw(screen, "No straps on the allow-list: `liike sensors scan`, then `liike sensors allow ADDRESS --broadcast`",
                  max(14, h // 40), PAPER, (w / 2, h / 2), "center")
        return
    cols, rows = grid(len(tiles), w, h)
    tw, th = w // cols, h // rows
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        draw_tile(screen, text, pygame.Rect(c * tw, r * th, tw, th), tile)


def run_class(config: AppConfig, sensors: list[AllowedSensor], profile: HeartProfile, backends: Any = None,
              screenshot: str | None = None) -> dict[str, Any]:
    from sensors.ble.service import BleSource

    screen = open_window(config)
    pygame.display.set_caption("Liike: class heart rates")
    text = TextCache()
    board = ClassBoard(sensors, profile)
    bus = SensorBus()
    source = BleSource(sensors, backends=backends)
    source.start(bus)
    start = time.monotonic()
    last = now_ns()
    clock = pygame.time.Clock()
    try:
        running = True
        while running:
            for event in pygame.event.get():
                if event.type == pygame.QUIT or (event.type == pygame.KEYDOWN and event.key == pygame.K_ESCAPE):
                    running = False
                elif event.type == pygame.KEYDOWN and event.key == pygame.K_F11 and not config.headless:
                    pygame.display.toggle_fullscreen()
            board.ingest(bus.drain())
            t = now_ns()
            board.tick(t, (t - last) / 1e9)
            last = t
            draw_board(screen, text, board.tiles(t))
            pygame.display.flip()
            if config.seconds is not None and time.monotonic() - start >= config.seconds:
                running = False
            clock.tick(FPS)
        if screenshot:
            pygame.image.save(screen, screenshot)
    except KeyboardInterrupt:
        pass
    finally:
        source.stop()
        pygame.display.quit()
    return board.summary()
