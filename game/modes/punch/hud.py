"""Target punch's heads-up display: each player's score card on their own part of the screen,
plus the shared panels (heart rate, time) when one person plays."""

from __future__ import annotations

import pygame

from game.engine.live import LiveSensors
from game.i18n import tr
from game.modes.punch.rules import PlayerRound, PunchWorld
from game.render.palette import ACCENT, MUTED, PAPER
from game.render.text import TextCache
from game.scenes.hud import draw_hud, draw_progress

_SHADES: dict[tuple[int, int], pygame.Surface] = {}


def _card(screen: pygame.Surface, rect: pygame.Rect) -> None:
    """A translucent panel; its surface is made once per size, not every frame."""
    shade = _SHADES.get(rect.size)
    if shade is None:
        if len(_SHADES) > 16:  # the window was resized many times: start over
            _SHADES.clear()
        shade = _SHADES[rect.size] = pygame.Surface(rect.size, pygame.SRCALPHA)
        shade.fill((20, 24, 34, 180))
    screen.blit(shade, rect.topleft)


def draw_player_card(
    screen: pygame.Surface, text: TextCache, rnd: PlayerRound, area: pygame.Rect, label: str | None, tracked: bool
) -> None:
    """A player's score, streak and multiplier at the top of their ``area``."""
    h = screen.get_height()
    pad = max(8, h // 60)
    big, small = max(18, h // 14), max(12, h // 34)
    card = pygame.Rect(0, 0, round(min(area.w * 0.6, h * 0.5)), big + 2 * small + 2 * pad)
    card.midtop = (area.centerx, pad)  # in the band above the players (scene.HUD_SHARE)
    _card(screen, card)
    y = card.y + pad // 2
    if label:
        text.draw(screen, label, small, ACCENT, (card.centerx, y), "midtop", bold=True)
        y += small
    text.draw(screen, f"{rnd.score}", big, PAPER, (card.centerx, y), "midtop", bold=True)
    line = tr("punch.hud.combo", n=rnd.combo)
    if rnd.multiplier > 1:
        line += "   " + tr("punch.hud.times", n=rnd.multiplier)
    text.draw(screen, line, small, ACCENT if rnd.multiplier > 1 else MUTED, (card.centerx, y + big), "midtop")
    if not tracked:
        text.draw(screen, tr("punch.hud.not_tracked"), small, MUTED, (area.centerx, card.bottom + pad), "midtop")


def draw_punch_hud(
    screen: pygame.Surface,
    text: TextCache,
    live: LiveSensors,
    now_ns: int,
    world: PunchWorld,
    areas: list[pygame.Rect],
    tracked: list[bool],
) -> None:
    if world.players == 1:
        top = draw_hud(screen, text, live, now_ns, world.score, world.elapsed_s, world.time_left_s)
        draw_progress(screen, top.bottom, world.progress)
        return
    for p, (rnd, area) in enumerate(zip(world.rounds, areas, strict=True)):
        draw_player_card(screen, text, rnd, area, tr("punch.hud.player", n=p + 1), tracked[p])
    w, h = screen.get_size()
    pad, size = max(8, h // 60), max(14, h // 26)
    minutes, seconds = divmod(int(world.time_left_s), 60)
    clock = pygame.Rect(0, 0, round(w * 0.1), size + 3 * pad)
    clock.midtop = (w // 2, pad)
    _card(screen, clock)
    text.draw(screen, f"{minutes}:{seconds:02d}", size, PAPER, (w / 2, pad + pad // 2), "midtop", bold=True)
    # The round's progress under the clock, between the two players' cards.
    bar = pygame.Rect(clock.x + pad, clock.bottom - pad - 6, clock.w - 2 * pad, 6)
    pygame.draw.rect(screen, MUTED, bar, border_radius=3)
    pygame.draw.rect(screen, ACCENT, (bar.x, bar.y, round(bar.w * world.progress), bar.h), border_radius=3)
