"""The runner's heads-up display: the shared panels, progress along the track, the combo, and
the speed line that shows the player's cadence against the cadence the game asks for."""

from __future__ import annotations

import pygame

from game.engine.live import LiveSensors
from game.i18n import tr
from game.modes.runner.rules import ON_PACE_TOLERANCE, RunnerWorld
from game.render.palette import ACCENT, GOOD, INK, MUTED, PAPER
from game.render.text import TextCache
from game.scenes.hud import draw_hud, draw_player_inset, draw_progress

#: Cadence range the speed line spans (steps/min): from a walk to a sprint on the spot.
LINE_MIN_SPM, LINE_MAX_SPM = 60.0, 240.0
TOO_FAST: tuple[int, int, int] = (86, 156, 214)  # blue, apart from the red/green pair


def _x(rect: pygame.Rect, spm: float) -> float:
    share = (min(LINE_MAX_SPM, max(LINE_MIN_SPM, spm)) - LINE_MIN_SPM) / (LINE_MAX_SPM - LINE_MIN_SPM)
    return rect.x + share * rect.w


def draw_speed_line(
    screen: pygame.Surface, text: TextCache, cadence_spm: float | None, target_spm: float, trend: int = 0
) -> pygame.Rect:
    """A bar at the bottom of the screen from 60 to 240 steps/min: the target's on-pace window
    (within :data:`~game.modes.runner.rules.ON_PACE_TOLERANCE`) in green, the player's cadence as a
    marker with its number, and a word saying what to do (faster / on pace / easier). ``trend``:
    +1 / -1 for a few seconds after the target rose / fell. ``cadence_spm`` None: keyboard play."""
    w, h = screen.get_size()
    small = max(12, h // 34)
    rect = pygame.Rect(0, 0, round(w * 0.46), max(10, h // 55))
    rect.midbottom = (w // 2, h - max(10, h // 40))
    back = pygame.Surface((rect.w + 2 * small, rect.h + 3 * small), pygame.SRCALPHA)
    back.fill((20, 24, 34, 150))
    screen.blit(back, (rect.x - small, rect.y - 2 * small - small // 2))
    pygame.draw.rect(screen, INK, rect, border_radius=rect.h // 2)
    lo, hi = _x(rect, target_spm * (1 - ON_PACE_TOLERANCE)), _x(rect, target_spm * (1 + ON_PACE_TOLERANCE))
    pygame.draw.rect(screen, GOOD, (lo, rect.y, hi - lo, rect.h), border_radius=rect.h // 2)
    tx = _x(rect, target_spm)
    pygame.draw.line(screen, PAPER, (tx, rect.y - 4), (tx, rect.bottom + 4), 3)
    arrow = " \u25b2" if trend > 0 else " \u25bc" if trend < 0 else ""
    text.draw(
        screen, tr("runner.hud.target", target=f"{target_spm:.0f}") + arrow, small, PAPER, (rect.right, rect.y - 4), "bottomright"
    )
    if cadence_spm is None:
        text.draw(screen, tr("runner.hud.keyboard"), small, MUTED, (rect.x, rect.y - 4), "bottomleft")
        return rect
    share = cadence_spm / target_spm if target_spm > 0 else 0.0
    if abs(share - 1.0) <= ON_PACE_TOLERANCE:
        colour, word = GOOD, tr("runner.hud.on_pace")
    elif share < 1.0:
        colour, word = ACCENT, tr("runner.hud.faster")
    else:
        colour, word = TOO_FAST, tr("runner.hud.slower")
    cx = _x(rect, cadence_spm)
    r = rect.h * 0.9
    pygame.draw.circle(screen, PAPER, (cx, rect.centery), r + 3)
    pygame.draw.circle(screen, colour, (cx, rect.centery), r)
    label = tr("runner.hud.cadence", cadence=f"{cadence_spm:.0f}") + "  " + word
    text.draw(screen, label, small, colour, (rect.x, rect.y - 4), "bottomleft", bold=True)
    return rect


def draw_combo(screen: pygame.Surface, text: TextCache, top: int, world: RunnerWorld) -> None:
    """The multiplier and the streak under the score panel, once a streak has started."""
    streak = world.stats.streak
    if streak <= 0:
        return
    w, h = screen.get_size()
    pad = max(8, h // 60)
    size = max(16, h // 24)
    small = max(12, h // 40)
    box = pygame.Rect(0, 0, round(w * 0.2), size + small + 2 * pad)
    box.topright = (w - pad, top + pad)
    shade = pygame.Surface(box.size, pygame.SRCALPHA)
    shade.fill((20, 24, 34, 170))
    screen.blit(shade, box.topleft)
    colour = ACCENT if world.combo > 1 else PAPER
    text.draw(
        screen,
        tr("runner.hud.combo", multiplier=world.combo),
        size,
        colour,
        (box.right - pad, box.y + pad),
        "topright",
        bold=True,
    )
    text.draw(screen, tr("runner.hud.streak", streak=streak), small, PAPER, (box.right - pad, box.y + pad + size), "topright")


def draw_runner_hud(
    screen: pygame.Surface, text: TextCache, live: LiveSensors, now_ns: int, world: RunnerWorld, trend: int = 0
) -> None:
    top = draw_hud(screen, text, live, now_ns, world.score, world.elapsed_s, world.time_left_s)
    draw_progress(screen, top.bottom, world.progress)
    draw_combo(screen, text, top.bottom, world)
    draw_speed_line(screen, text, world.cadence_spm, world.target_cadence_spm, trend)
    draw_player_inset(screen, text, live, now_ns)
