"""``liike class``: the heart-rate board for a PE class, one tile per allow-listed strap.

Straps in ``broadcast`` mode are read from their advertisements (no connection: a whole class on
one adapter); the others are connected. The board is a scene on the game's own app loop
(:class:`game.engine.app.App`), drawn 20 times a second. A tile's note wraps within the tile;
Tab or D (the ``details`` action) shows every strap's full status over the board. Esc or the
window's close button ends it; ``--seconds`` ends it by itself. The last line on stdout is a JSON summary
(per strap: mean and max heart rate, minutes per intensity band, MVPA minutes).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import pygame

from game.classroom.board import ClassBoard, Tile
from game.classroom.challenge import GOAL_SHARE, ClassChallenge
from game.classroom.lesson import Lesson
from game.classroom.roster import Pupil
from game.engine.app import App, open_window
from game.engine.config import AppConfig
from game.engine.run import build_context
from game.i18n import tr
from game.input.mapper import InputFrame
from game.render.palette import ACCENT, BAD, GOOD, INK, MUTED, PANEL, PAPER, ZONE_COLOURS, band_name
from game.render.text import TextCache, wrap
from game.scenes.base import Scene, Transition
from sensors.ble.allowlist import AllowedSensor
from sensors.bus import SensorBus
from sensors.motion.heart_zones import HeartProfile
from sensors.samples import BusItem

if TYPE_CHECKING:
    from game.engine.context import GameContext

FPS = 20
#: Seconds a notice (such as old lessons deleted at start) stays over the board.
NOTICE_S = 20.0


@functools.lru_cache(maxsize=64)
def grid(n: int, w: int, h: int) -> tuple[int, int]:
    """Columns and rows for ``n`` tiles on a ``w`` x ``h`` screen: the layout whose tiles give
    the heart rate its largest size (:func:`tile_fonts`), fewer empty cells breaking a tie."""
    if n <= 0:
        return 1, 1
    best = (1, n)
    best_score = -1.0
    for cols in range(1, n + 1):
        rows = math.ceil(n / cols)
        score = tile_fonts(w // cols, h // rows).bpm - 0.01 * (cols * rows - n)
        if score > best_score:
            best, best_score = (cols, rows), score
    return best


@dataclass(frozen=True, slots=True)
class TileFonts:
    """Text sizes (px) in a tile: the heart rate as large as the tile allows, the alias next
    (what a pupil looks for from across the hall), the band and minutes after. Legibility at
    distance: letters about 1/200 of the viewing distance high (the usual signage rule of thumb,
    e.g. ADA 2010 Standards 703.5.5 for signs seen from afar) — 15 m calls for 75 mm, which a
    1080p picture on a 2 m wide screen gives at about 75 px; so the heart rate gets every pixel
    it can and the rest stay as large as the tile leaves room for."""

    pad: int
    label: int
    bpm: int
    small: int
    #: The largest alias the tile has height for without shrinking the heart rate; the board
    #: uses it when every alias fits the tile's width at that size (:func:`alias_size`).
    label_max: int = 0


@functools.lru_cache(maxsize=256)
def tile_fonts(w: int, h: int) -> TileFonts:
    pad = max(8, min(w, h) // 14)
    inner_w, inner_h = w - 2 * pad - 8, h - 2 * pad - 8
    label = max(14, min(72, round(inner_h * 0.2), round(inner_w * 0.16)))
    small = max(12, min(48, round(inner_h * 0.11), round(inner_w * 0.09)))
    # three bold digits are about 1.75 sizes wide; the heart rate shares the height with the
    # alias above it and the band line below it
    bpm = max(18, min(round(inner_w / 1.9), round(inner_h - label - small * 1.3)))
    # where the heart rate is bound by the tile's width, the height it leaves can go to the alias
    label_max = max(label, min(96, inner_h - bpm - round(small * 1.3)))
    return TileFonts(pad, label, bpm, small, label_max)


@functools.lru_cache(maxsize=32)
def row_sizes(aliases: tuple[str, ...], w: int, h: int, text: TextCache) -> tuple[int, int]:
    """The sizes of the alias and of the MVPA minutes on the top row of every tile of a board
    of ``w`` x ``h`` tiles, one pair for the whole board so it stays even. The alias first: the
    largest from :attr:`TileFonts.label` up to :attr:`TileFonts.label_max` at which each alias
    fits beside the minutes at their smallest, so short aliases (a number, a nickname) are read
    from further away; then the minutes, as large as every row leaves room for, up to the alias's
    size."""
    f = tile_fonts(w, h)
    inner_w = w - 2 * f.pad - 8

    def width(size: int, line: str) -> int:
        return int(text.font(size, bold=True).size(line)[0])

    widest = max(aliases, key=lambda a: width(f.label, a), default="")
    label = f.label
    for size in range(f.label + 2, f.label_max + 1, 2):
        if width(size, widest) + f.small + width(f.small, MINUTES_WIDEST) > inner_w:
            break
        label = size
    room = inner_w - width(label, widest) - f.small
    minutes = next((size for size in range(label, f.small, -2) if width(size, MINUTES_WIDEST) <= room), f.small)
    return label, minutes


#: The widest MVPA minutes a lesson shows.
MINUTES_WIDEST = "88.8 min"


#: Lines a tile gives its note (a strap's state, or the advice for a strap in trouble).
NOTE_LINES = 3


_BACKGROUNDS: dict[tuple[int, int, tuple[int, ...], tuple[int, ...]], pygame.Surface] = {}


def _tile_background(screen: pygame.Surface, w: int, h: int, colour: tuple[int, ...]) -> pygame.Surface:
    """A tile's rounded card on the board's background, made once per size and colour in the
    screen's pixel format (so blitting it needs no conversion): 40 rounded rectangles drawn anew
    were a third of a 1080p frame's drawing."""
    key = (w, h, colour, (screen.get_bitsize(), *screen.get_masks()))
    card = _BACKGROUNDS.get(key)
    if card is None:
        if len(_BACKGROUNDS) > 64:  # a window resized many times
            _BACKGROUNDS.clear()
        card = _BACKGROUNDS[key] = pygame.Surface((w, h), 0, screen)
        card.fill(INK)
        pygame.draw.rect(card, colour, pygame.Rect(0, 0, w, h).inflate(-8, -8), border_radius=10)
    return card


def draw_tile(
    screen: pygame.Surface,
    text: TextCache,
    rect: pygame.Rect,
    tile: Tile,
    identify: bool = False,
    sizes: tuple[int, int] | None = None,
) -> None:
    """One strap's tile; ``sizes``: the alias's and the MVPA minutes' (:func:`row_sizes`; by
    default this tile's alone)."""
    colour = ZONE_COLOURS[tile.band] if tile.band is not None else PANEL
    screen.blit(_tile_background(screen, rect.w, rect.h, tuple(pygame.Color(colour))), rect)
    if tile.in_band:
        # Inside the class challenge's band: a white frame and the words, not the colour alone.
        pygame.draw.rect(screen, PAPER, rect.inflate(-6, -6), width=max(4, rect.h // 28), border_radius=11)
    if identify and tile.touched:
        # Identify mode: the strap just put on or wetted lights up, so its wearer learns its label.
        pygame.draw.rect(screen, ACCENT, rect.inflate(-4, -4), width=max(4, rect.h // 30), border_radius=12)
    f = tile_fonts(rect.w, rect.h)
    label_size, mvpa_size = sizes or row_sizes((tile.label,), rect.w, rect.h, text)
    f = replace(f, label=label_size)
    inner = rect.inflate(-2 * f.pad - 8, -2 * f.pad - 8)
    ink = INK if tile.band is not None else PAPER
    # the MVPA minutes as large as the aliases leave room for (row_sizes), read from as far
    mvpa = text.render(f"{tile.mvpa_min:.1f} min", mvpa_size, ink, bold=True)
    mvpa_rect = mvpa.get_rect(topright=inner.topright)
    screen.blit(mvpa, mvpa_rect)
    # the alias takes what the minutes leave of the top row, shortened after a whole word if needed
    alias = wrap(text.font(f.label, bold=True), tile.label, max(1, inner.w - mvpa_rect.w - f.small), 1)
    label_rect = text.draw(screen, alias[0] if alias else "", f.label, ink, inner.topleft, bold=True)
    text.draw(screen, "MVPA", max(10, f.small * 3 // 4), ink, (inner.right, mvpa_rect.bottom), "topright")
    if tile.in_band:
        text.draw(
            screen, tr("heartzone.class.tile"), f.small, ink, (inner.right, mvpa_rect.bottom + f.small), "topright", bold=True
        )
    note_colour = BAD if tile.problem else (ink if tile.band is not None else MUTED)
    note = tile.note
    if tile.over_max is not None and not tile.problem:
        note = tr("class.over_max", peak=tile.over_max)
    elif tile.bpm is not None and not tile.problem:
        note = ""  # "broadcast"/"connected" under a live heart rate: in the details, not the tile
    # The note wraps within the tile at its bottom and ends in an ellipsis after a whole word
    # when it is longer; the details overlay (Tab or D) has every strap's full text.
    font = text.font(f.small)
    line_h = font.get_linesize()
    band_h = round(f.small * 1.3) if tile.band is not None else 0
    free = inner.bottom - label_rect.bottom - band_h - (f.bpm if tile.bpm is not None else f.bpm // 2)
    lines = wrap(font, note, inner.w, max(1, min(NOTE_LINES, free // line_h))) if note else []
    top = inner.bottom - len(lines) * line_h
    for i, line in enumerate(lines):
        text.draw(screen, line, f.small, note_colour, (inner.left, top + i * line_h))
    # the heart rate in the middle of what is left between the alias and the band line or note
    bottom = top - band_h
    value = f"{tile.bpm}" if tile.bpm is not None else "--"
    size = max(18, min(f.bpm, bottom - label_rect.bottom))
    text.draw(screen, value, size, ink, (inner.centerx, (label_rect.bottom + bottom) // 2), "center", bold=True)
    if tile.band is not None:
        text.draw(
            screen,
            f"{band_name(tile.band)}  {tr('class.of_max', pct=f'{tile.pct_max:.0f}')}",
            f.small,
            ink,
            (inner.centerx, bottom),
            "midtop",
        )


def details_lines(tiles: list[Tile]) -> list[tuple[str, bool]]:
    """What the details overlay says, as (line, is a problem): each piece of advice once, with
    the straps it concerns, then every strap's state in full (what happened, its link now)."""
    out: list[tuple[str, bool]] = []
    advice: dict[str, list[str]] = {}
    for tile in tiles:
        if tile.problem:
            advice.setdefault(tile.note, []).append(tile.label)
    if advice:
        out.append((tr("class.what_to_do"), False))
        for note, labels in advice.items():
            out.append((f"{_labels(labels)}: {note}", True))
        out.append(("", False))
    over = [tile for tile in tiles if tile.over_max is not None]
    if over:
        out.append((tr("class.over_max_title"), False))
        for tile in over:
            out.append((tr("class.over_max_line", alias=tile.label, peak=tile.over_max), False))
        out.append(("", False))
    out.append((tr("class.each_strap"), False))
    for tile in tiles:
        state = tile.detail if tile.problem and tile.detail else tile.note
        if tile.detail and not tile.problem:
            state = f"{tile.note} ({tile.detail})"
        out.append((f"{tile.label}: {state}", tile.problem))
    return out


def _labels(labels: list[str]) -> str:
    return labels[0] if len(labels) == 1 else tr("class.straps", n=len(labels), labels=", ".join(labels))


def draw_details(screen: pygame.Surface, text: TextCache, tiles: list[Tile]) -> None:
    """The details overlay over the board: every strap's full note (see :func:`details_lines`),
    in the largest size at which it fits the screen; what does not fit even then ends in a line
    saying how much more there is."""
    w, h = screen.get_size()
    shade = pygame.Surface((w, h), pygame.SRCALPHA)
    shade.fill((*INK[:3], 235))
    screen.blit(shade, (0, 0))
    margin = max(12, w // 40)
    title = max(16, h // 24)
    text.draw(screen, tr("class.details_title"), title, PAPER, (margin, margin), bold=True)
    top = margin + title * 1.5
    items = details_lines(tiles)
    size = max(12, h // 30)
    while True:
        font = text.font(size)
        wrapped = [(line, problem) for item, problem in items for line in (wrap(font, item, w - 3 * margin, 4) or [""])]
        if len(wrapped) * font.get_linesize() <= h - top - margin or size <= 12:
            break
        size -= 1
    line_h = font.get_linesize()
    fits = max(1, int((h - top - margin) // line_h))
    if len(wrapped) > fits:
        hidden = len(wrapped) - fits + 1
        wrapped = [*wrapped[: fits - 1], (tr("class.more_lines", hidden=hidden), False)]
    for i, (line, problem) in enumerate(wrapped):
        indent = 0 if line in (tr("class.what_to_do"), tr("class.each_strap"), tr("class.over_max_title")) else margin
        text.draw(screen, line, size, BAD if problem else PAPER, (margin + indent, top + i * line_h))


def _mmss(seconds: float) -> str:
    m, s = divmod(max(0, round(seconds)), 60)
    return f"{m}:{s:02d}"


def draw_meter(screen: pygame.Surface, text: TextCache, rect: pygame.Rect, challenge: ClassChallenge) -> None:
    """The class challenge's shared meter: the level and phase, the band (colour with its name),
    the meter with its fill, how many pupils are in the band now, and the meter's rule."""
    pygame.draw.rect(screen, PANEL, rect.inflate(-8, -8), border_radius=10)
    inner = rect.inflate(-32, -24)
    title = max(16, rect.h // 5)
    small = max(12, rect.h // 8)
    phase = challenge.phase
    text.draw(screen, tr("heartzone.class.title", level=challenge.name), title, PAPER, inner.topleft, bold=True)
    line = tr(
        "heartzone.class.phase",
        phase=tr(f"heartzone.phase.{phase.kind}"),
        lo=f"{100 * phase.band.lo:.0f}",
        hi=f"{100 * phase.band.hi:.0f}",
    )
    r = text.draw(screen, line, small, PAPER, (inner.x, inner.y + title * 1.15))
    name = phase.band.centre_intensity()
    swatch = pygame.Rect(r.right + 10, r.y + 2, small, r.h - 4)
    pygame.draw.rect(screen, ZONE_COLOURS[name], swatch, border_radius=3)
    r = text.draw(screen, tr("intensity." + name.value.replace(" ", "_")), small, PAPER, (swatch.right + 6, r.y))
    remaining = _mmss(challenge.total_s - challenge.elapsed_s)
    left = tr("heartzone.class.done") if challenge.finished else tr("heartzone.class.left", time=remaining)
    text.draw(screen, left, small, MUTED, (r.right + 18, r.y))
    pupils = len(challenge.pupils) if challenge.started else len(challenge.reading_now)
    now = (
        tr("heartzone.class.in_band", n=len(challenge.in_band_now & challenge.reading_now), pupils=pupils)
        if pupils
        else tr("heartzone.class.no_pupils")
    )
    text.draw(screen, now, title, GOOD if challenge.in_band_now else PAPER, inner.topright, "topright", bold=True)

    bar = pygame.Rect(inner.x, inner.y + round(title * 1.2 + small * 1.5), inner.w, max(14, round(rect.h * 0.24)))
    pygame.draw.rect(screen, INK, bar, border_radius=bar.h // 2)
    full = challenge.fill
    if full > 0:
        done = bar.copy()
        done.w = max(bar.h, round(bar.w * full))
        pygame.draw.rect(screen, ACCENT if full >= 1.0 else GOOD, done, border_radius=bar.h // 2)
    if not challenge.started:
        label = tr("heartzone.class.press_start")
    elif full >= 1.0:
        label = tr("heartzone.class.full")
    else:
        label = f"{100 * full:.0f} %"
    text.draw(screen, label, max(12, bar.h - 4), PAPER, bar.center, "center", bold=True)
    rule = tr("heartzone.class.rule", length=_mmss(challenge.total_s), goal=f"{100 * GOAL_SHARE:.0f}")
    text.draw(screen, rule, small, MUTED, (inner.x, bar.bottom + 4))


def draw_board(
    screen: pygame.Surface,
    text: TextCache,
    tiles: list[Tile],
    details: bool = False,
    identify: bool = False,
    challenge: ClassChallenge | None = None,
    notice: str | None = None,
) -> None:
    """The tiles in the grid that suits their number; a class challenge's meter below them and a
    ``notice`` (old lessons deleted ...) in a strip of its own above, so neither hides a tile."""
    screen.fill(INK)
    w, full_h = screen.get_size()
    top = 0
    if notice:
        size = max(16, full_h // 30)
        top = round(size * 1.8)
        pygame.draw.rect(screen, ACCENT, pygame.Rect(0, 0, w, top).inflate(-8, -6), border_radius=8)
        text.draw(screen, notice, size, INK, (w // 2, top // 2), "center", bold=True)
        screen = screen.subsurface(pygame.Rect(0, top, w, full_h - top))
        full_h -= top
    h = full_h
    if challenge is not None:
        # The shared meter takes the bottom of the screen; the tiles share the rest.
        meter_h = max(90, round(full_h * 0.22))
        h = full_h - meter_h
        draw_meter(screen, text, pygame.Rect(0, h, w, meter_h), challenge)
    if not tiles:
        text.draw(
            screen,
            tr("class.no_straps"),
            max(14, h // 40),
            PAPER,
            (w / 2, h / 2),
            "center",
        )
        return
    cols, rows = grid(len(tiles), w, h)
    tw, th = w // cols, h // rows
    sizes = row_sizes(tuple(t.label for t in tiles), tw, th, text)
    for i, tile in enumerate(tiles):
        r, c = divmod(i, cols)
        draw_tile(screen, text, pygame.Rect(c * tw, r * th, tw, th), tile, identify, sizes)
    if details:
        draw_details(screen, text, tiles)
    elif any(tile.problem for tile in tiles):
        hint = tr("class.hint_details")
        size = max(12, h // 50)
        text.draw(screen, hint, size, MUTED, (w - 4, h - 2), "bottomright")


class ClassScene(Scene):
    """The board as a scene of the game's own app loop: the loop drains the SensorBus and hands
    the items here (:meth:`sensor_items`); Esc (``back``) ends the lesson."""

    def __init__(
        self,
        ctx: GameContext,
        board: ClassBoard,
        identify: bool = False,
        lesson: Lesson | None = None,
        notice: str | None = None,
    ) -> None:
        super().__init__(ctx)
        self.board = board
        #: A line shown above the tiles for :data:`NOTICE_S` (old lessons deleted ...).
        self.notice = notice
        self._notice_until_ns = ctx.clock() + round(NOTICE_S * 1e9) if notice else 0
        #: Stores each strap's data as a session of the lesson (None: nothing is stored).
        self.lesson = lesson
        #: Identify mode (``liike class --identify``): a strap lights up when it is put on.
        self.identify = identify
        #: The details overlay is shown (``details``: Tab or D toggles it).
        self.details = False

    def sensor_items(self, items: list[BusItem]) -> None:
        self.board.ingest(items)
        if self.lesson is not None:
            self.lesson.record(items)

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        self.board.tick(self.ctx.clock(), dt)
        if "details" in frame.pressed:
            self.details = not self.details
        if "keep_max" in frame.pressed and self.details:
            # Only from the details overlay, where each peak to keep is listed by alias.
            self.board.keep_peaks()
        challenge = self.board.challenge
        if challenge is not None and not challenge.started and ("start" in frame.pressed or self.ctx.config.headless):
            challenge.start()  # Enter, or at once when no one watches the board
        if "back" in frame.pressed:
            if self.details:  # Esc closes the overlay first
                self.details = False
                return None
            return Transition("quit")
        return None

    def render(self, screen: pygame.Surface) -> None:
        tiles = self.board.tiles(self.ctx.clock())
        notice = self.notice if self.notice and self.ctx.clock() < self._notice_until_ns else None
        draw_board(screen, self.ctx.text, tiles, self.details, self.identify, self.board.challenge, notice)
        if self.identify:
            w, h = screen.get_size()
            size = max(14, h // 36)
            banner = self.ctx.text.render(tr("class.identify"), size, INK, bold=True)
            back = banner.get_rect(midbottom=(w // 2, h - 6)).inflate(24, 10)
            pygame.draw.rect(screen, ACCENT, back, border_radius=8)
            screen.blit(banner, banner.get_rect(center=back.center))


def run_class(
    config: AppConfig,
    sensors: list[AllowedSensor],
    profile: HeartProfile,
    backends: Any = None,
    screenshot: str | None = None,
    identify: bool = False,
    challenge: ClassChallenge | None = None,
    pupils: Mapping[str, Pupil] | None = None,
    on_keep_max: Callable[[Pupil, int], None] | None = None,
    lesson: Lesson | None = None,
    notice: str | None = None,
) -> dict[str, Any]:
    """Show the board until Esc, the window is closed, or ``config.seconds``; return the summary.
    ``pupils``: the roster by strap address; ``on_keep_max``: stores a maximum the teacher kept;
    ``lesson``: stores the lesson (its ``lesson_id``, ``sessions`` and ``pupils`` join the summary)."""
    from sensors.ble.service import BleSource

    board = ClassBoard(sensors, profile, challenge, pupils, on_keep_max)
    ctx = build_context(replace(config, fps_cap=FPS), None, [])
    screen = open_window(config)
    pygame.display.set_caption("Liike: class heart rates")
    try:
        app = App(ctx, ClassScene(ctx, board, identify, lesson, notice), SensorBus(), [BleSource(sensors, backends=backends)])
        stats = app.run(screen)
        if screenshot:
            pygame.image.save(pygame.display.get_surface() or screen, screenshot)
    finally:
        pygame.display.quit()
    summary = board.summary()
    if lesson is not None:
        summary.update(lesson.finish(summary))
    if stats.interrupted:
        summary["interrupted"] = True  # the command exits 130; not part of the summary it prints
    return summary
