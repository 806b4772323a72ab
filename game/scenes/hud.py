"""The heads-up display every mode shares: heart rate in its intensity colour, cadence, score,
time, and the sensors that need attention. A mode adds its own gauges (:func:`draw_progress`)."""

from __future__ import annotations

import pygame

from game.engine.live import LiveSensors
from game.i18n import tr
from game.render.palette import BAD, INK, MUTED, PAPER, ZONE_COLOURS, band_name
from game.render.skeleton import draw_skeleton
from game.render.text import TextCache
from sensors.samples import DeviceStatus


def _panel(screen: pygame.Surface, rect: pygame.Rect) -> None:
    shade = pygame.Surface(rect.size, pygame.SRCALPHA)
    shade.fill((20, 24, 34, 170))
    screen.blit(shade, rect.topleft)


def draw_hud(
    screen: pygame.Surface,
    text: TextCache,
    live: LiveSensors,
    now_ns: int,
    score: int,
    elapsed_s: float,
    time_left_s: float | None = None,
) -> pygame.Rect:
    """Draw the panels every mode shows; return the area they take at the top of the screen,
    so a mode can put its own gauges (progress, targets) below it."""
    w, h = screen.get_size()
    pad = max(8, h // 60)
    big = max(18, h // 16)
    small = max(12, h // 36)

    # Heart rate: the number in its ACSM band colour; a quiet strap is named, never shown as live.
    box = pygame.Rect(pad, pad, round(w * 0.2), round(h * 0.16))
    _panel(screen, box)
    if live.hr_fresh(now_ns) and live.hr_bpm is not None:
        band = live.profile.intensity(live.hr_bpm)
        colour = ZONE_COLOURS[band]
        text.draw(screen, f"{live.hr_bpm}", big, colour, (box.x + pad, box.y + pad), bold=True)
        unit = tr("hud.bpm") + (" " + tr("hud.broadcast") if live.hr_broadcast else "")
        text.draw(screen, unit, small, PAPER, (box.x + pad, box.y + pad + big))
        text.draw(screen, band_name(band), small, colour, (box.x + pad, box.y + pad + big + small))
        pygame.draw.rect(screen, colour, (box.right - pad - 8, box.y + pad, 8, box.h - 2 * pad), border_radius=4)
    elif live.hr_bpm is not None:
        text.draw(screen, "--", big, MUTED, (box.x + pad, box.y + pad), bold=True)
        text.draw(screen, tr("hud.strap_quiet"), small, BAD, (box.x + pad, box.y + pad + big))
    else:
        text.draw(screen, "--", big, MUTED, (box.x + pad, box.y + pad), bold=True)
        text.draw(screen, tr("hud.no_heart_rate"), small, MUTED, (box.x + pad, box.y + pad + big))

    cadence = live.recogniser.state.cadence_spm if live.motion_live(now_ns) else 0.0
    cbox = pygame.Rect(box.right + pad, pad, round(w * 0.14), box.h)
    _panel(screen, cbox)
    text.draw(screen, f"{cadence:.0f}", big, PAPER, (cbox.x + pad, cbox.y + pad), bold=True)
    text.draw(screen, tr("hud.steps_per_min"), small, PAPER, (cbox.x + pad, cbox.y + pad + big))

    sbox = pygame.Rect(w - pad - round(w * 0.2), pad, round(w * 0.2), box.h)
    _panel(screen, sbox)
    text.draw(screen, f"{score}", big, PAPER, (sbox.right - pad, sbox.y + pad), "topright", bold=True)
    clock = time_left_s if time_left_s is not None else elapsed_s
    minutes, seconds = divmod(int(clock), 60)
    text.draw(
        screen,
        tr("hud.time_left", time=f"{minutes}:{seconds:02d}") if time_left_s is not None else f"{minutes}:{seconds:02d}",
        small,
        PAPER,
        (sbox.right - pad, sbox.y + pad + big),
        "topright",
    )

    problems = live.device_problems()
    if problems:

        def say(d: DeviceStatus) -> str:
            m = d.message if ": " in d.message else f"{d.source}: {d.message or d.state.value}"
            return m if len(m) <= 90 else m[:89] + "\u2026"

        msg = "; ".join(say(d) for d in problems[:2])
        text.draw(screen, msg, small, BAD, (w / 2, h - pad), "midbottom")
    return pygame.Rect(0, 0, w, pad + box.h)


def draw_store_notice(screen: pygame.Surface, text: TextCache, notice: str | None) -> None:
    """A discreet line at the top centre while the session cannot be saved ("not saving: disk
    full"): the game goes on, but the player and the teacher know. Nothing without a notice."""
    if not notice:
        return
    w, h = screen.get_size()
    pad = max(8, h // 60)
    text.draw(screen, notice, max(12, h // 40), BAD, (w / 2, pad), "midtop")


def draw_progress(screen: pygame.Surface, top: int, progress: float) -> None:
    """A thin bar below the panels: ``progress`` 0..1 of the round (distance, time ...)."""
    w, h = screen.get_size()
    pad = max(8, h // 60)
    bar = pygame.Rect(round(w * 0.3), top + pad, round(w * 0.4), max(6, h // 90))
    pygame.draw.rect(screen, INK, bar, border_radius=4)
    done = bar.copy()
    done.w = round(bar.w * max(0.0, min(1.0, progress)))
    pygame.draw.rect(screen, PAPER, done, border_radius=4)


def draw_player_inset(screen: pygame.Surface, text: TextCache, live: LiveSensors, now_ns: int) -> None:
    """The player's own skeleton, mirrored, in a small panel at the bottom right while pose is
    live: the player sees the game answer the movement they just made. Nothing is drawn
    without a current pose (keyboard or IMU play)."""
    pose = live.last_pose
    if pose is None or pose.landmarks is None or not live.motion_live(now_ns):
        return
    w, h = screen.get_size()
    pad = max(8, h // 60)
    rect = pygame.Rect(0, 0, round(h * 0.22 * 3 / 4), round(h * 0.22))
    rect.bottomright = (w - pad, h - pad - max(12, h // 36) - pad)
    _panel(screen, rect)
    draw_skeleton(screen, pose.landmarks, rect)
    state = live.recogniser.state
    label = tr("hud.in_the_air") if state.airborne else (tr("hud.low") if state.crouch >= 0.18 else tr("hud.you"))
    text.draw(screen, label, max(12, h // 40), PAPER, (rect.centerx, rect.top - 4), "midbottom")
