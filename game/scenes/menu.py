"""Title screen: choose the game, then its level, and start.

Two steps on one screen. **Games**: a card per mode with its animated picture
(:class:`game.engine.modes.DrawsPicture`, or a plain drawing when the mode has none), the
movements it needs and the sensors it can use. **Levels**: the chosen game's levels with length,
difficulty, description and the player's best score. ``liike play --mode`` opens on the levels
of that mode (Esc goes back to the games); without ``--mode`` and ``--level`` it opens on the
games. Keys always work (arrows, Enter, Esc); a player in front of the camera leans to choose
and jumps to pick.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

import pygame

from game.engine.modes import DrawsPicture, GameMode, UnknownModeError, get_mode
from game.i18n import language, tr, tr_or
from game.input.mapper import InputFrame
from game.render.backdrop import Backdrop
from game.render.palette import ACCENT, INK, MUTED, PANEL, PAPER, Color
from game.render.text import TextCache, wrap
from game.scenes.base import Scene, Transition
from game.scenes.best import Best, best_scores

if TYPE_CHECKING:
    from game.engine.context import GameContext

AUTOSTART_S = 2.5  # demo / kiosk: start the level by itself after this long
AUTOPICK_S = 1.5  # demo / kiosk: pick the game by itself after this long
GUARD_S = 0.4  # a jump or Enter still going on from the screen before is not a choice here
LEAN_CHOOSE = 0.45  # lean this far (-1 .. 1) to move the choice one step ...
LEAN_NEUTRAL = 0.2  # ... then stand up straight again before the next step
CARDS_SHOWN = 4  # game cards across the screen at once; more scroll


def movement_label(mode: GameMode, movement: str) -> str:
    """A movement's name in the player's language: the shared word for it, the mode's own, or
    the mode's text as written."""
    slug = re.sub(r"[^a-z0-9]+", "_", movement.lower()).strip("_")
    return tr_or(f"movement.{slug}", tr_or(f"{mode.name}.movement.{slug}", movement))


def mode_title(mode: GameMode) -> str:
    """The mode's title in the player's language (its ``<mode>.title`` text), else as it gives it."""
    return tr_or(f"{mode.name}.title", mode.title)


def sensor_label(sensor: str) -> str:
    return tr_or(f"sensor.{sensor}", sensor)


def draw_fallback_picture(surface: pygame.Surface, rect: pygame.Rect, t_s: float, title: str, text: TextCache) -> None:
    """The picture of a mode that draws none: its initial on a soft gradient, a ball bouncing."""
    top, bottom = (64, 84, 120), (36, 44, 64)
    for i in range(rect.h):
        k = i / max(1, rect.h - 1)
        colour = tuple(round(a + (b - a) * k) for a, b in zip(top, bottom, strict=True))
        pygame.draw.line(surface, colour, (rect.x, rect.y + i), (rect.right - 1, rect.y + i))
    letter = title[:1].upper() or "?"
    text.draw(surface, letter, round(rect.h * 0.7), PAPER, rect.center, "center", bold=True)
    bounce = abs(math.sin(t_s * 2.5))
    r = max(4, rect.h // 12)
    pygame.draw.circle(surface, ACCENT, (rect.x + rect.w * 0.8, rect.bottom - r - bounce * rect.h * 0.45), r)


def draw_mode_picture(mode: GameMode, surface: pygame.Surface, rect: pygame.Rect, t_s: float, text: TextCache) -> None:
    """The mode's own picture if it draws one, else the fallback; never outside ``rect``."""
    clip = surface.get_clip()
    surface.set_clip(rect)
    try:
        if isinstance(mode, DrawsPicture):
            mode.draw_picture(surface, rect, t_s)
        else:
            draw_fallback_picture(surface, rect, t_s, mode_title(mode), text)
    finally:
        surface.set_clip(clip)


def fit_size(text: TextCache, words: str, size: int, width: int, bold: bool = True) -> int:
    """The largest font size up to ``size`` at which ``words`` fit in ``width`` pixels."""
    while size > 10 and text.font(size, bold).size(words)[0] > width:
        size = max(10, round(size * 0.9))
    return size


def draw_difficulty(screen: pygame.Surface, difficulty: int, right: float, cy: float, r: int, colour: Color) -> None:
    """Five dots, ``difficulty`` of them filled, ending at ``right``."""
    for k in range(5):
        x = right - (4 - k) * r * 2.6 - r
        if k < difficulty:
            pygame.draw.circle(screen, colour, (x, cy), r)
        else:
            pygame.draw.circle(screen, MUTED, (x, cy), r, max(1, r // 3))


class LeanChooser:
    """Turns the lean axis into single steps: lean past :data:`LEAN_CHOOSE` for one step, come
    back inside :data:`LEAN_NEUTRAL` before the next. A key press disarms it until neutral, since
    the arrow keys drive the same axis."""

    def __init__(self) -> None:
        self.armed = True

    def step(self, frame: InputFrame) -> int:
        """-1, 0 or 1: the choice moves left/up, stays, or moves right/down."""
        lean = frame.axis("lean")
        if {"left", "right", "up", "down"} & frame.pressed:
            self.armed = False
            return 0
        if abs(lean) <= LEAN_NEUTRAL:
            self.armed = True
            return 0
        if self.armed and abs(lean) >= LEAN_CHOOSE:
            self.armed = False
            return 1 if lean > 0 else -1
        return 0


class MenuScene(Scene):
    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self._backdrop: Backdrop | None = None
        self.modes = self._modes()
        current = ctx.mode.name if ctx.mode is not None else None
        names = [m.name for m in self.modes]
        self.mode_index = names.index(current) if current in names else 0
        #: "games" or "levels": which step of the choice is on screen.
        self.stage = "games" if ctx.config.pick_mode and len(self.modes) > 1 else "levels"
        self.lean = LeanChooser()
        self.best: dict[str, Best] = {}
        self._stage_s = 0.0
        self._cache: dict[tuple[object, ...], pygame.Surface] = {}

    def _modes(self) -> list[GameMode]:
        out: list[GameMode] = []
        for name in sorted(self.ctx.levels_by_mode):
            try:
                out.append(get_mode(name))
            except UnknownModeError:
                continue
        if not out and self.ctx.mode is not None:
            out.append(self.ctx.mode)
        return out

    def enter(self) -> None:
        self.time_s = 0.0
        self._stage_s = 0.0
        self.ctx.sound.music("menu")
        if self.stage == "levels":
            self._read_best()

    def _read_best(self) -> None:
        mode = self.ctx.mode
        self.best = best_scores(self.ctx.db_path, self.ctx.config.player, mode.name) if mode is not None else {}

    # -- choosing ----------------------------------------------------------------------------
    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        self._stage_s += dt
        step = self.lean.step(frame)
        if self.stage == "games":
            return self._update_games(frame, step)
        return self._update_levels(frame, step)

    def _picked(self, frame: InputFrame, auto_s: float) -> bool:
        if self._stage_s < GUARD_S:
            return False
        return "start" in frame.pressed or (self.ctx.config.autoplay and self._stage_s >= auto_s)

    def _update_games(self, frame: InputFrame, step: int) -> Transition | None:
        n = len(self.modes)
        if {"left", "up"} & frame.pressed:
            step = -1
        if {"right", "down"} & frame.pressed:
            step = 1
        if step:
            self.mode_index = (self.mode_index + step) % n
            self.ctx.sound.play("step")
        if "back" in frame.pressed:
            return Transition("quit")
        if self._picked(frame, AUTOPICK_S):
            mode = self.modes[self.mode_index]
            if self.ctx.mode is None or mode.name != self.ctx.mode.name:
                self.ctx.select_mode(mode)
            self.stage, self._stage_s = "levels", 0.0
            self.ctx.sound.play("coin")
            self._read_best()
        return None

    def _update_levels(self, frame: InputFrame, step: int) -> Transition | None:
        n = len(self.ctx.levels)
        if "up" in frame.pressed:
            step = -1
        if "down" in frame.pressed:
            step = 1
        if step and n:
            self.ctx.selected_level = (self.ctx.selected_level + step) % n
            self.ctx.sound.play("step")
        if "back" in frame.pressed:
            if len(self.modes) > 1:
                self.stage, self._stage_s = "games", 0.0
                return None
            return Transition("quit")
        if n and self._picked(frame, AUTOSTART_S):
            from game.scenes.calibrate import CalibrateScene

            self.ctx.sound.play("go")
            self.ctx.begin_session()
            return Transition("push", CalibrateScene(self.ctx))
        return None

    # -- drawing -----------------------------------------------------------------------------
    # Panels are painted once into cached surfaces (keyed by what they show) and blitted each
    # frame; only the backdrop and the chosen game's picture are drawn anew, so the menu costs
    # a few milliseconds a frame rather than dozens of alpha blits.
    CACHE_MAX = 48

    def _cached(self, key: tuple[object, ...], size: tuple[int, int], paint: Callable[[pygame.Surface], None]) -> pygame.Surface:
        surf = self._cache.get(key)
        if surf is None:
            if len(self._cache) >= self.CACHE_MAX:
                self._cache.clear()
            surf = pygame.Surface(size, pygame.SRCALPHA)
            paint(surf)
            if pygame.display.get_surface() is not None:
                surf = surf.convert_alpha()  # the display's pixel format blits fastest
            self._cache[key] = surf
        return surf

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        if self._backdrop is None or self._backdrop.size != (w, h):
            self._backdrop = Backdrop((w, h))
        self._backdrop.draw(screen, self.time_s * 40)
        t = self.ctx.text
        t.draw(screen, tr("menu.title"), h // 9, INK, (w / 2, h * 0.03), "midtop", bold=True)
        t.draw(screen, tr("menu.tagline"), h // 28, INK, (w / 2, h * 0.03 + h // 9), "midtop")
        if self.stage == "games":
            self._render_games(screen)
        else:
            self._render_levels(screen)
        foot = f"{tr('menu.input', input=self.ctx.input_label)}    {tr('menu.hint_sound')}"
        if self.ctx.sound.muted:
            foot += f" ({tr('sound.off')})"
        t.draw(screen, foot, h // 36, PAPER, (w / 2, h - h * 0.02), "midbottom")

    def _hint(self, screen: pygame.Surface, key: str, auto_s: float, y: float) -> None:
        w, h = screen.get_size()
        hint = tr(key)
        if self.ctx.config.autoplay:
            hint = tr("menu.demo_starting", seconds=f"{max(0.0, auto_s - self._stage_s):.0f}")
        label = self.ctx.text.render(hint, h // 30, PAPER)
        box = label.get_rect(midtop=(w // 2, round(y))).inflate(24, 10)

        def paint(surf: pygame.Surface) -> None:
            surf.fill((*INK, 150))
            surf.blit(label, label.get_rect(center=surf.get_rect().center))

        screen.blit(self._cached(("hint", hint, h), box.size, paint), box.topleft)

    def _render_games(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        t = self.ctx.text
        t.draw(screen, tr("menu.choose_game"), h // 18, INK, (w / 2, h * 0.2), "midtop", bold=True)
        n = len(self.modes)
        shown = min(n, CARDS_SHOWN)
        first = min(max(0, self.mode_index - shown + 1), n - shown) if n > shown else 0
        gap = round(w * 0.02)
        card_w = min(round(w * 0.22), (w - gap * (shown + 1)) // shown)
        card_h = round(h * 0.56)
        x0 = (w - (shown * card_w + (shown - 1) * gap)) // 2
        y0 = round(h * 0.28)
        for slot in range(shown):
            i = first + slot
            rect = pygame.Rect(x0 + slot * (card_w + gap), y0, card_w, card_h)
            mode, selected = self.modes[i], i == self.mode_index
            if selected:
                rect = rect.move(0, -round(h * 0.012))
            key = ("card", mode.name, selected, rect.size, h, language())
            card = self._cached(key, rect.size, partial(self._paint_card, mode=mode, selected=selected, h=h))
            screen.blit(card, rect.topleft)
            if selected:  # only the chosen game moves: the eye goes where the choice is
                draw_mode_picture(mode, screen, self._card_picture(rect), self.time_s, t)
        if n > shown:  # more games off to the sides
            if first > 0:
                t.draw(screen, "<", h // 10, INK, (x0 - gap, y0 + card_h / 2), "midright", bold=True)
            if first + shown < n:
                t.draw(screen, ">", h // 10, INK, (x0 + shown * (card_w + gap), y0 + card_h / 2), "midleft", bold=True)
        self._hint(screen, "menu.hint_games" if n > 1 else "menu.hint_games_one", AUTOPICK_S, y0 + card_h + h * 0.025)

    @staticmethod
    def _card_picture(rect: pygame.Rect) -> pygame.Rect:
        pad = max(8, rect.w // 18)
        return pygame.Rect(rect.x + pad, rect.y + pad, rect.w - 2 * pad, round(rect.h * 0.48))

    def _paint_card(self, surf: pygame.Surface, mode: GameMode, selected: bool, h: int) -> None:
        """A game's card on its own surface: panel, picture (still, unless chosen), title,
        movements and sensors; the chosen one framed, the others dimmed."""
        t = self.ctx.text
        rect = surf.get_rect()
        pygame.draw.rect(surf, PANEL, rect, border_radius=14)
        pad = max(8, rect.w // 18)
        pic = self._card_picture(rect)
        if not selected:
            draw_mode_picture(mode, surf, pic, 0.0, t)
        y = pic.bottom + pad * 0.6
        title = mode_title(mode)
        title_size = fit_size(t, title, max(16, h // 22), rect.w - 2 * pad)
        t.draw(surf, title, title_size, ACCENT if selected else PAPER, (pad, y), bold=True)
        y += title_size * 1.1
        small = max(12, h // 40)
        font = t.font(small)
        for label, words, lines in (
            (tr("menu.moves"), ", ".join(movement_label(mode, m) for m in mode.movements), 3),
            (tr("menu.plays_with"), ", ".join(sensor_label(s) for s in mode.sensors), 2),
        ):
            t.draw(surf, label, small, MUTED, (pad, y))
            y += small * 1.05
            for line in wrap(font, words, rect.w - 2 * pad, lines):
                t.draw(surf, line, small, PAPER, (pad, y))
                y += small * 1.05
            y += small * 0.4
        if selected:
            pygame.draw.rect(surf, ACCENT, rect, width=max(3, h // 180), border_radius=14)
        else:
            shade = pygame.Surface(rect.size, pygame.SRCALPHA)
            pygame.draw.rect(shade, (*INK, 90), rect, border_radius=14)
            surf.blit(shade, (0, 0))

    def _render_levels(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        mode = self.ctx.game_mode
        side = pygame.Rect(round(w * 0.05), round(h * 0.22), round(w * 0.3), round(h * 0.62))
        pad = max(8, side.w // 18)
        pic = pygame.Rect(pad, pad + h // 14, side.w - 2 * pad, round(side.h * 0.5))
        side_key: tuple[object, ...] = ("side", mode.name, side.size, h, language())
        screen.blit(self._cached(side_key, side.size, lambda surf: self._paint_side(surf, mode, pic, h)), side.topleft)
        draw_mode_picture(mode, screen, pic.move(side.topleft), self.time_s, self.ctx.text)

        panel = pygame.Rect(side.right + round(w * 0.03), side.y, w - side.right - round(w * 0.08), side.h)
        best = tuple(sorted((k, v.score) for k, v in self.best.items()))
        key = ("levels", mode.name, self.ctx.selected_level, len(self.ctx.levels), best, panel.size, h, language())
        screen.blit(self._cached(key, panel.size, lambda surf: self._paint_levels(surf, mode, h)), panel.topleft)
        self._hint(screen, "menu.hint_levels", AUTOSTART_S, panel.bottom + h * 0.02)

    def _paint_side(self, surf: pygame.Surface, mode: GameMode, pic: pygame.Rect, h: int) -> None:
        """The chosen game beside its levels: title, room for the picture, movements, sensors."""
        t = self.ctx.text
        side = surf.get_rect()
        pygame.draw.rect(surf, PANEL, side, border_radius=14)
        pad = max(8, side.w // 18)
        title = mode_title(mode)
        size = fit_size(t, title, max(18, h // 16), side.w - 2 * pad)
        t.draw(surf, title, size, ACCENT, (pad, pad * 0.7), bold=True)
        y = pic.bottom + pad * 0.6
        small = max(12, h // 40)
        for label, words in (
            (tr("menu.moves"), ", ".join(movement_label(mode, m) for m in mode.movements)),
            (tr("menu.plays_with"), ", ".join(sensor_label(s) for s in mode.sensors)),
        ):
            t.draw(surf, label, small, MUTED, (pad, y))
            y += small * 1.05
            for line in wrap(t.font(small), words, side.w - 2 * pad, 2):
                t.draw(surf, line, small, PAPER, (pad, y))
                y += small * 1.05
            y += small * 0.3

    def _paint_levels(self, surf: pygame.Surface, mode: GameMode, h: int) -> None:
        """The level list: name, the player's best, length and difficulty; the chosen one's description."""
        t = self.ctx.text
        panel = surf.get_rect()
        pygame.draw.rect(surf, PANEL, panel, border_radius=14)
        pad = max(8, round(surf.get_width() * 0.03))
        t.draw(surf, tr("menu.choose_level"), max(16, h // 24), PAPER, (pad, pad * 0.7), bold=True)
        levels = self.ctx.levels
        if not levels:
            t.draw(surf, tr("menu.no_levels"), h // 28, MUTED, panel.center, "center")
            return
        top = pad + h // 16
        detail_h = round(h * 0.11)
        row_h = min(h / 13, (panel.bottom - top - detail_h - pad) / len(levels))
        name_size = max(12, round(row_h * 0.5))
        small = max(12, h // 40)
        for i, level in enumerate(levels):
            y = top + row_h * i
            selected = i == self.ctx.selected_level
            if selected:
                pygame.draw.rect(surf, (52, 60, 80), (8, y, panel.w - 16, row_h - 4), border_radius=8)
                pygame.draw.rect(surf, ACCENT, (8, y, 6, row_h - 4), border_radius=3)
            colour: Color = ACCENT if selected else PAPER
            cy = y + (row_h - 4) / 2
            t.draw(surf, level.name, name_size, colour, (pad + 6, cy), "midleft", bold=selected)
            dot = max(3, round(row_h / 14))
            draw_difficulty(surf, level.difficulty, panel.right - pad, cy, dot, ACCENT)
            right = mode.level_length(level)
            best = self.best.get(level.name)
            if best is not None:
                right = f"{tr('menu.best', score=f'{best.score:.0f}')}    {right}"
            t.draw(surf, right, round(name_size * 0.8), MUTED, (panel.right - pad - dot * 14, cy), "midright")
        level = levels[self.ctx.selected_level]
        if level.description:
            dy = panel.bottom - detail_h
            pygame.draw.line(surf, (60, 68, 90), (pad, dy - 6), (panel.right - pad, dy - 6), 1)
            for j, line in enumerate(wrap(t.font(small), level.description, panel.w - 2 * pad, 3)):
                t.draw(surf, line, small, PAPER, (pad, dy + j * small * 1.1))
