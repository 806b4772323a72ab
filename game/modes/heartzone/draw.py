"""Drawing of the heart-zone challenge: the gauge, the round's panel and curve, the strap screen,
and the menu's picture. Every colour of an intensity band is shown with the band's name beside
it, so the screen reads the same without colour vision."""

from __future__ import annotations

import math
from collections.abc import Sequence

import pygame

from game.engine.difficulty import IntensityBand
from game.i18n import tr
from game.modes.heartzone.rules import STREAK_BONUS_AFTER_S, STREAK_MULTIPLIER, HeartZoneRound, Zone
from game.render.palette import ACCENT, BAD, GOOD, INK, MUTED, PAPER, ZONE_COLOURS, Color
from game.render.text import TextCache, open_font
from sensors.motion.heart_zones import HeartProfile, Intensity

#: Lower edges of the ACSM bands in fractions of HRR (Garber 2011, Table 4), with their upper edges.
ACSM_BANDS: tuple[tuple[float, float, Intensity], ...] = (
    (0.0, 0.30, Intensity.VERY_LIGHT),
    (0.30, 0.40, Intensity.LIGHT),
    (0.40, 0.60, Intensity.MODERATE),
    (0.60, 0.90, Intensity.VIGOROUS),
    (0.90, 1.00, Intensity.NEAR_MAXIMAL),
)
#: The gauge and the curve show this much of the reserve (very light below it).
SHOWN_LO, SHOWN_HI = 0.1, 1.0
EASE_OFF: Color = (120, 180, 240)
#: Seconds before a new phase at which the panel names it.
NEXT_PHASE_NOTICE_S = 20.0
#: Commands to type, on the strap screen.
COMMAND: Color = (250, 214, 110)


def intensity_name(band: Intensity) -> str:
    return tr("intensity." + band.value.replace(" ", "_"))


def band_intensity(band: IntensityBand) -> Intensity:
    """The ACSM band the target band's centre falls in: its colour and name."""
    return band.centre_intensity()


def pct(fraction: float) -> str:
    return f"{100 * fraction:.0f}"


def mmss(seconds: float) -> str:
    m, s = divmod(max(0, int(seconds)), 60)
    return f"{m}:{s:02d}"


def _y(rect: pygame.Rect, hrr: float, lo: float = SHOWN_LO, hi: float = SHOWN_HI) -> float:
    f = (min(hi, max(lo, hrr)) - lo) / (hi - lo)
    return rect.bottom - f * rect.h


def _ink_on(colour: Color) -> Color:
    """Dark or light text, whichever reads on ``colour`` (relative luminance, ITU-R BT.709 weights)."""
    r, g, b = colour
    return INK if 0.2126 * r + 0.7152 * g + 0.0722 * b > 140 else PAPER


def draw_gauge(
    screen: pygame.Surface, text: TextCache, rect: pygame.Rect, band: IntensityBand, hrr: float | None, profile: HeartProfile
) -> tuple[float, float] | None:
    """A vertical heart-rate gauge: the ACSM bands with their names, the target band bracketed
    and labelled in % HRR and in this player's bpm, and the player's current %HRR; return where
    the player's marker is (None without a reading)."""
    h = screen.get_height()
    small = max(12, h // 40)
    # The target band's frame, drawn after the bands; the bands' names keep clear of its edges.
    top, bottom = round(_y(rect, band.hi)), round(_y(rect, band.lo))
    frame = pygame.Rect(rect.x - 10, top, rect.w + 20, max(4, bottom - top))
    for lo, hi, name in ACSM_BANDS:
        seg_top, seg_bottom = round(_y(rect, hi)), round(_y(rect, lo))
        if seg_bottom - seg_top < 1:
            continue
        seg = pygame.Rect(rect.x, seg_top, rect.w, seg_bottom - seg_top)
        pygame.draw.rect(screen, ZONE_COLOURS[name], seg)
        label_y = _label_y(seg_top, seg_bottom, (frame.top, frame.bottom), small)
        if label_y is None and seg.h >= small:
            label_y = seg.centery  # every colour keeps its name, across the frame's edge if need be
        if label_y is not None:
            label = intensity_name(name)
            size = small
            while size > 10 and text.font(size).size(label)[0] > seg.w - 6:
                size -= 1  # a long name ("lähes maksimaalinen") shrinks to the gauge's width
            text.draw(screen, label, size, _ink_on(ZONE_COLOURS[name]), (seg.centerx, label_y), "center")
        pygame.draw.line(screen, INK, seg.topleft, seg.topright, 2)
    pygame.draw.rect(screen, INK, rect, 3)

    # The target band: a white frame reaching past the gauge on both sides, and its label.
    pygame.draw.rect(screen, PAPER, frame, 5, border_radius=6)
    lo_bpm, hi_bpm = band.bpm(profile)
    label_x = frame.right + 12
    mid = (top + bottom) / 2
    lines = (
        (tr("heartzone.target"), PAPER, True),
        (tr("heartzone.band_pct", lo=pct(band.lo), hi=pct(band.hi)), PAPER, False),
        (tr("heartzone.of_reserve"), PAPER, False),
        (tr("heartzone.band_bpm", lo=f"{lo_bpm:.0f}", hi=f"{hi_bpm:.0f}"), MUTED, False),
    )
    for i, (line, colour, bold) in enumerate(lines):
        text.draw(screen, line, small, colour, (label_x, mid + (i - 1.5) * small * 1.1), "midleft", bold=bold)

    if hrr is not None:
        y = _y(rect, hrr)
        pygame.draw.line(screen, PAPER, (rect.x - 18, y), (rect.right + 4, y), 4)
        pygame.draw.polygon(screen, PAPER, [(rect.x - 34, y - 12), (rect.x - 34, y + 12), (rect.x - 16, y)])
        return rect.centerx, y
    return None


def _label_y(top: int, bottom: int, edges: tuple[int, int], size: int) -> float | None:
    """Where in a gauge segment (``top``..``bottom``) its name goes: the middle of the tallest
    stretch not crossed by the target frame's ``edges``, or None when no stretch holds a line."""
    cuts = sorted({top, bottom, *(e for e in edges if top < e < bottom)})
    best = max(zip(cuts, cuts[1:], strict=False), key=lambda ab: ab[1] - ab[0])
    if best[1] - best[0] < size + 8:
        return None
    return (best[0] + best[1]) / 2


def draw_heart(screen: pygame.Surface, centre: tuple[float, float], size: float, colour: Color) -> None:
    """A heart shape ``size`` pixels wide: two lobes and a point."""
    cx, cy = centre
    r = size * 0.27
    pygame.draw.circle(screen, colour, (cx - r, cy - r * 0.4), r)
    pygame.draw.circle(screen, colour, (cx + r, cy - r * 0.4), r)
    # The point starts at the lobes' widest (their centres' height), so the outline has no notch.
    pygame.draw.polygon(screen, colour, [(cx - 2 * r, cy - r * 0.4), (cx + 2 * r, cy - r * 0.4), (cx, cy + size * 0.55)])


HINT_KEYS: dict[Zone, tuple[str, Color]] = {
    Zone.BELOW: ("heartzone.hint.move_more", ACCENT),
    Zone.ABOVE: ("heartzone.hint.ease_off", EASE_OFF),
    Zone.IN: ("heartzone.hint.hold", GOOD),
    Zone.NO_READING: ("heartzone.hint.quiet", BAD),
}


def draw_panel_text(
    screen: pygame.Surface,
    text: TextCache,
    rect: pygame.Rect,
    *,
    state: str,
    zone: Zone,
    hr_bpm: int | None,
    hrr: float | None,
    round_: HeartZoneRound,
    move: tuple[str, float] | None,
) -> None:
    """The round's words and numbers: the hint, heart rate and %HRR, phase, time in zone, the move seen."""
    h = screen.get_height()
    huge, big, mid, small = max(28, h // 9), max(22, h // 14), max(16, h // 24), max(12, h // 34)
    x, y = float(rect.x), float(rect.y)
    if state == "waiting":
        key, colour = "heartzone.waiting", PAPER
    else:
        key, colour = HINT_KEYS[zone]
    beat = 1.0 + 0.06 * max(0.0, math.sin(round_.elapsed_s * math.tau * (hr_bpm or 60) / 60.0)) if hr_bpm else 1.0
    draw_heart(screen, (x + huge * 0.45, y + huge * 0.5), huge * 0.8 * beat, BAD if hr_bpm else MUTED)
    hr = f"{hr_bpm}" if hr_bpm is not None else "--"
    r = text.draw(screen, hr, huge, PAPER, (x + huge, y), bold=True)
    r = text.draw(screen, tr("heartzone.bpm"), mid, MUTED, (r.right + 8, r.bottom - mid * 1.9))
    if hrr is not None:
        text.draw(screen, tr("heartzone.hrr", pct=pct(hrr)), mid, PAPER, (r.x, r.bottom + 2))
    y += huge + mid * 0.4
    text.draw(screen, tr(key), big, colour, (x, y), bold=True)
    y += big * 1.25

    phase = round_.phase
    name = band_intensity(phase.band)
    line = tr(
        "heartzone.phase_line",
        phase=tr(f"heartzone.phase.{phase.kind}"),
        left=mmss(round_.phase_left_s),
        lo=pct(phase.band.lo),
        hi=pct(phase.band.hi),
    )
    r = text.draw(screen, line, small, PAPER, (x, y))
    # The band's colour, always with its name beside it.
    sw = pygame.Rect(r.right + 12, r.y + 2, small, r.h - 4)
    pygame.draw.rect(screen, ZONE_COLOURS[name], sw, border_radius=3)
    text.draw(screen, intensity_name(name), small, PAPER, (sw.right + 6, r.y))
    y += small * 1.4

    s = round_.stats
    zone_line = tr("heartzone.in_zone_line", time=mmss(s.seconds[Zone.IN]), share=pct(s.share_in))
    r = text.draw(screen, zone_line, mid, GOOD if zone is Zone.IN else PAPER, (x, y), bold=True)
    if zone is Zone.IN and s.streak_s >= 3:
        streak = tr("heartzone.streak", seconds=f"{s.streak_s:.0f}")
        if round_.bonus:
            streak += "  " + tr("heartzone.bonus", times=f"{STREAK_MULTIPLIER:g}")
        else:
            streak += "  " + tr("heartzone.bonus_in", seconds=f"{STREAK_BONUS_AFTER_S - s.streak_s:.0f}")
        text.draw(screen, streak, small, ACCENT, (r.right + 16, r.y + (r.h - small) / 2))
    y += mid * 1.3
    if move is not None:
        seen = tr("heartzone.seen", move=tr(f"heartzone.moves.{move[0]}"), rate=f"{move[1]:.0f}")
        text.draw(screen, seen, small, PAPER, (x, y))
    else:
        text.draw(screen, tr("heartzone.seen_nothing"), small, MUTED, (x, y))
    # The next phase, shortly before it: the heart rate takes a while to get there.
    level = round_.level
    if round_.phase_left_s <= NEXT_PHASE_NOTICE_S and phase.end_s < level.total_s:
        after = level.phase_at(phase.end_s)
        line = tr(
            "heartzone.next",
            phase=tr(f"heartzone.phase.{after.kind}"),
            lo=pct(after.band.lo),
            hi=pct(after.band.hi),
            seconds=f"{round_.phase_left_s:.0f}",
        )
        text.draw(screen, line, small, ACCENT, (x, y + small * 1.4), bold=True)


class CurveLayer:
    """The heart-rate curve of the round so far (%HRR), over each phase's target band, across the
    level's whole length; segments in the colour of the ACSM band they are in.

    Drawn incrementally on a surface of its own: the bands once, then each new point of the
    curve as it comes (one a second), so a 20-minute round costs a frame no more than its start.
    """

    def __init__(self) -> None:
        self._surface: pygame.Surface | None = None
        self._key: tuple[tuple[int, int], int] | None = None
        self._drawn = 0
        self._last: tuple[float, float] | None = None

    def draw(self, screen: pygame.Surface, text: TextCache, rect: pygame.Rect, round_: HeartZoneRound) -> None:
        key = (rect.size, id(round_))
        if self._surface is None or self._key != key or len(round_.curve) < self._drawn:
            self._surface = self._background(rect.size, round_, text, max(11, screen.get_height() // 48))
            self._key, self._drawn, self._last = key, 0, None
        surf = self._surface
        local = surf.get_rect()
        for point in round_.curve[self._drawn :]:
            if point.hrr is None:
                self._last = None
                continue
            xy = (self._x(local, point.t_s, round_), self._y(local, point.hrr, round_))
            if self._last is not None:
                pygame.draw.line(surf, ZONE_COLOURS[_acsm(point.hrr)], self._last, xy, 4)
            self._last = xy
        self._drawn = len(round_.curve)
        screen.blit(surf, rect.topleft)
        now_x = rect.x + self._x(local, round_.elapsed_s, round_)
        pygame.draw.line(screen, PAPER, (now_x, rect.y), (now_x, rect.bottom), 1)
        small = max(12, screen.get_height() // 40)
        text.draw(screen, tr("heartzone.curve"), small, MUTED, (rect.x + 8, rect.y + 6))
        text.draw(screen, mmss(round_.level.total_s), small, MUTED, (rect.right - 8, rect.bottom - 6), "bottomright")

    @staticmethod
    def _scale(round_: HeartZoneRound) -> tuple[float, float]:
        """From a little below the lowest band to a little above the highest, so the swings that
        matter are not squeezed into a corner."""
        phases = round_.level.phases
        return max(0.0, min(p.band.lo for p in phases) - 0.25), min(1.0, max(p.band.hi for p in phases) + 0.2)

    def _y(self, rect: pygame.Rect, hrr: float, round_: HeartZoneRound) -> float:
        return _y(rect, hrr, *self._scale(round_))

    @staticmethod
    def _x(rect: pygame.Rect, t_s: float, round_: HeartZoneRound) -> float:
        return rect.x + rect.w * min(1.0, t_s / round_.level.total_s)

    def _background(self, size: tuple[int, int], round_: HeartZoneRound, text: TextCache, small: int) -> pygame.Surface:
        surf = pygame.Surface(size)
        surf.fill((14, 16, 25))
        local = surf.get_rect()
        for phase in round_.level.phases:
            x0, x1 = self._x(local, phase.start_s, round_), self._x(local, phase.end_s, round_)
            top, bottom = self._y(local, phase.band.hi, round_), self._y(local, phase.band.lo, round_)
            colour = ZONE_COLOURS[band_intensity(phase.band)]
            # The band's colour at a quarter strength over the dark background.
            pygame.draw.rect(surf, tuple(round(14 + 0.27 * (c - 14)) for c in colour), (x0, top, x1 - x0, bottom - top))
            pygame.draw.line(surf, colour, (x0, top), (x1, top), 2)
            pygame.draw.line(surf, colour, (x0, bottom), (x1, bottom), 2)
            if phase.start_s > 0:
                pygame.draw.line(surf, MUTED, (x0, 0), (x0, local.bottom), 1)
            # Each band's name beside its colour, where the phase is wide enough to hold it.
            name = intensity_name(band_intensity(phase.band))
            if text.font(small).size(name)[0] + 8 <= x1 - x0:
                text.draw(surf, name, small, colour, (x0 + 4, top - 2), "bottomleft")
        return surf


def _acsm(hrr: float) -> Intensity:
    for lo, hi, name in ACSM_BANDS:
        if hrr < hi:
            return name if hrr >= lo else Intensity.VERY_LIGHT
    return Intensity.NEAR_MAXIMAL


def draw_no_strap(screen: pygame.Surface, text: TextCache, others: Sequence[tuple[str, str]], autoplay: bool) -> None:
    """The strap screen: nothing is estimated; what to do, and the games that need no strap."""
    w, h = screen.get_size()
    title, mid, small = max(24, h // 12), max(16, h // 26), max(13, h // 34)
    draw_heart(screen, (w * 0.5, h * 0.13), h * 0.12, MUTED)
    pygame.draw.line(screen, BAD, (w * 0.5 - h * 0.07, h * 0.08), (w * 0.5 + h * 0.07, h * 0.2), 6)
    y = h * 0.23
    text.draw(screen, tr("heartzone.strap.title"), title, PAPER, (w / 2, y), "midtop", bold=True)
    y += title * 1.15
    text.draw(screen, tr("heartzone.strap.why"), mid, MUTED, (w / 2, y), "midtop")
    y += mid * 1.8
    left = w * 0.14
    text.draw(screen, tr("heartzone.strap.how"), mid, ACCENT, (left, y), bold=True)
    y += mid * 1.4
    for i, key in enumerate(("step_wear", "step_scan", "step_allow", "step_play"), start=1):
        # "Find it: liike sensors scan": the command after the colon stands out, to be typed.
        words, _, command = tr("heartzone.strap." + key).partition(": ")
        r = text.draw(screen, f"{i}.  {words}" + (":" if command else ""), small, PAPER, (left + 12, y))
        if command:
            text.draw(screen, command, small, COMMAND, (r.right + small * 0.5, y), bold=True)
        y += small * 1.45
    y += small * 0.6
    if others:
        text.draw(screen, tr("heartzone.strap.others"), mid, ACCENT, (left, y), bold=True)
        y += mid * 1.4
        for title_, moves in others:
            r = text.draw(screen, title_, small, PAPER, (left + 12, y), bold=True)
            text.draw(screen, moves, small, MUTED, (r.right + 14, y))
            y += small * 1.45
    hint = tr("heartzone.strap.back_auto") if autoplay else tr("heartzone.strap.back")
    text.draw(screen, hint, mid, PAPER, (w / 2, h * 0.95), "midbottom")


def draw_picture(surface: pygame.Surface, rect: pygame.Rect, t_s: float) -> None:
    """The menu's picture: a beating heart above a curve that stays inside a band."""
    pygame.draw.rect(surface, (22, 26, 38), rect, border_radius=10)
    band_top, band_bottom = rect.y + rect.h * 0.45, rect.y + rect.h * 0.7
    band = pygame.Surface((rect.w - 16, round(band_bottom - band_top)), pygame.SRCALPHA)
    band.fill((*ZONE_COLOURS[Intensity.MODERATE], 90))
    surface.blit(band, (rect.x + 8, round(band_top)))
    pygame.draw.line(surface, ZONE_COLOURS[Intensity.MODERATE], (rect.x + 8, band_top), (rect.right - 8, band_top), 2)
    pygame.draw.line(surface, ZONE_COLOURS[Intensity.MODERATE], (rect.x + 8, band_bottom), (rect.right - 8, band_bottom), 2)
    points = []
    n = 40
    for i in range(n + 1):
        f = i / n
        rise = 1 - math.exp(-5 * f)  # climbs from rest into the band, then wanders inside it
        wobble = 0.08 * math.sin(f * 14 + t_s * 2)
        level = 0.95 - rise * (0.95 - 0.57) + wobble * rise
        points.append((rect.x + 8 + f * (rect.w - 16), rect.y + rect.h * level))
    pygame.draw.lines(surface, PAPER, False, points, 3)
    beat = 1.0 + 0.12 * max(0.0, math.sin(t_s * math.tau * 1.3)) ** 4
    draw_heart(surface, (rect.centerx, rect.y + rect.h * 0.22), rect.h * 0.3 * beat, BAD)
    # The band's name beside its colour, as everywhere else.
    size = max(10, rect.h // 12)
    name, colour = intensity_name(Intensity.MODERATE), ZONE_COLOURS[Intensity.MODERATE]
    font = _PICTURE_FONTS.get(size)
    try:
        if font is None:
            raise pygame.error("no font yet")
        label = font.render(name, True, colour)
    except pygame.error:  # none yet, or made before pygame's font module was last restarted
        if len(_PICTURE_FONTS) >= 8:  # a window resized many times asks for many sizes
            _PICTURE_FONTS.clear()
        font = _PICTURE_FONTS[size] = open_font(size)  # from memory: no font file held open
        label = font.render(name, True, colour)
    surface.blit(label, label.get_rect(bottomright=(rect.right - 10, round(band_top) - 3)))


#: Fonts of the menu picture by size (the picture has no text cache of its own).
_PICTURE_FONTS: dict[int, pygame.font.Font] = {}
