"""Results: the round's numbers, its heart-rate curve, time in each intensity band, the moves
done, the energy spent where the heart rate allows an estimate, and the player's best on this
level; then back to the menu.

Energy uses Keytel et al. 2005 from the heart rate (:mod:`sensors.motion.heart_analytics`),
which needs the player's age, weight and sex (``liike play --age --weight --sex``; never
stored) and is valid only at moderate effort or above; below that the ACSM MET equation stands
in. Without a strap, or without those three figures, the screen says why it shows no energy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.config import PlayerBody
from game.engine.modes import GameMode, ResultRow
from game.i18n import tr, tr_or
from game.input.mapper import InputFrame
from game.render.palette import ACCENT, GOOD, INK, MUTED, PANEL, PAPER, ZONE_COLOURS, Color, band_name
from game.render.text import TextCache
from game.scenes.base import Scene, Transition
from game.scenes.best import Best, best_scores
from sensors.motion.heart_analytics import KEYTEL_MIN_HRMAX_FRACTION, energy_kcal_per_min
from sensors.motion.heart_zones import HeartProfile, Intensity

if TYPE_CHECKING:
    from game.engine.context import GameContext

AUTOPLAY_BACK_S = 8.0
#: MET of the light part of a round, below Keytel's range: calisthenics, light effort
#: (Ainsworth et al. 2011 Compendium of Physical Activities, code 02050: 2.8 MET).
LIGHT_EFFORT_MET = 2.8
#: Motion events not listed among the moves: a jump's take-off is the same jump.
HIDDEN_MOVES = frozenset({"takeoff"})

HrTrace = Sequence[tuple[float, int | None]]


def result_rows(mode: GameMode, summary: dict[str, Any]) -> list[ResultRow]:
    """The mode's own rows between the time and the heart rate, which every mode shows."""
    hr_mean = summary.get("hr_mean_bpm")
    heart = "--" if hr_mean is None else tr("results.heart_rate_value", mean=f"{hr_mean:.0f}", max=summary.get("hr_max_bpm"))
    return [
        ResultRow(tr("results.time"), tr("results.seconds", seconds=f"{summary.get('played_s', 0):.0f}")),
        *mode.result_rows(summary),
        ResultRow(tr("results.heart_rate"), heart),
    ]


@dataclass(frozen=True, slots=True)
class Energy:
    """Energy of a round: ``kcal`` (None when not shown) and the key of why not (or of the method)."""

    kcal: float | None
    note: str


def round_energy(trace: HrTrace, body: PlayerBody | None, profile: HeartProfile) -> Energy:
    """kcal over the heart-rate trace: Keytel 2005 at each reading in its valid range (at least
    57 % of HRmax), the ACSM MET equation at :data:`LIGHT_EFFORT_MET` below it, each reading
    standing for the time until the next (at most 5 s, so a strap gap counts as nothing)."""
    readings = [(t, bpm) for t, bpm in trace if bpm is not None]
    if not readings:
        return Energy(None, "results.energy_no_strap")
    if body is None or body.age_y is None or body.mass_kg is None or body.sex is None:
        return Energy(None, "results.energy_no_profile")
    if not any(bpm >= KEYTEL_MIN_HRMAX_FRACTION * profile.hr_max_bpm for _, bpm in readings):
        return Energy(None, "results.energy_too_light")
    kcal = 0.0
    for i, (t, bpm) in enumerate(trace):
        if bpm is None:
            continue
        nxt = trace[i + 1][0] if i + 1 < len(trace) else t + 1.0
        dt_s = min(5.0, max(0.0, nxt - t))
        rate = energy_kcal_per_min(bpm, profile.hr_max_bpm, body.mass_kg, body.age_y, body.sex, LIGHT_EFFORT_MET)
        kcal += rate.kcal_per_min * dt_s / 60.0
    return Energy(kcal, "results.energy_value")


def band_edges(profile: HeartProfile, lo_bpm: float, hi_bpm: float) -> list[tuple[Intensity, float, float]]:
    """The intensity bands across ``lo_bpm`` .. ``hi_bpm``: (band, from bpm, to bpm), low first."""
    out: list[tuple[Intensity, float, float]] = []
    bpm = lo_bpm
    step = 0.5
    current = profile.intensity(bpm)
    start = bpm
    while bpm < hi_bpm:
        bpm += step
        band = profile.intensity(bpm)
        if band != current:
            out.append((current, start, bpm))
            current, start = band, bpm
    out.append((current, start, hi_bpm))
    return out


def draw_heart_curve(screen: pygame.Surface, text: TextCache, rect: pygame.Rect, trace: HrTrace, profile: HeartProfile) -> None:
    """The heart rate over the round inside ``rect``: each band a faint stripe with its name, the
    curve coloured by the band it is in, the lowest and highest bpm and the round's length."""
    readings = [bpm for _, bpm in trace if bpm is not None]
    small = max(11, rect.h // 12)
    if len(readings) < 2:
        text.draw(screen, tr("results.no_heart_rate"), small, MUTED, rect.center, "center")
        return
    lo = min(readings) - 8.0
    hi = max(readings) + 8.0
    t_end = max(trace[-1][0], 1.0)

    def y_of(bpm: float) -> float:
        return rect.bottom - (bpm - lo) / (hi - lo) * rect.h

    stripes = pygame.Surface(rect.size, pygame.SRCALPHA)
    for band, a, b in band_edges(profile, lo, hi):
        top, bottom = y_of(b) - rect.y, y_of(a) - rect.y
        pygame.draw.rect(stripes, (*ZONE_COLOURS[band], 40), (0, top, rect.w, bottom - top))
        if bottom - top >= small * 1.1:
            label = text.render(band_name(band), small, ZONE_COLOURS[band])
            stripes.blit(label, label.get_rect(bottomright=(rect.w - 4, bottom - 2)))
    screen.blit(stripes, rect.topleft)
    prev: tuple[float, float] | None = None
    width = max(2, rect.h // 60)
    for t, bpm in trace:
        if bpm is None:
            prev = None  # a quiet strap is a gap, not a line
            continue
        point = (rect.x + t / t_end * rect.w, y_of(bpm))
        if prev is not None:
            pygame.draw.line(screen, ZONE_COLOURS[profile.intensity(bpm)], prev, point, width)
        prev = point
    text.draw(screen, f"{max(readings)}", small, PAPER, (rect.x + 4, y_of(max(readings)) - 2), "bottomleft")
    text.draw(screen, f"{min(readings)}", small, PAPER, (rect.x + 4, y_of(min(readings)) + 2), "topleft")
    minutes, seconds = divmod(round(t_end), 60)
    text.draw(screen, f"{minutes}:{seconds:02d}", small, MUTED, (rect.right, rect.bottom + 2), "topright")


def draw_band_bars(screen: pygame.Surface, text: TextCache, rect: pygame.Rect, seconds_in: dict[str, float]) -> None:
    """A labelled bar per intensity band: a swatch and the band's name, the bar, the time."""
    longest = max([*seconds_in.values(), 1.0])
    row_h = rect.h / len(Intensity)
    size = max(11, round(row_h * 0.6))
    name_w = max(text.font(size).size(band_name(b))[0] for b in Intensity) + size + 12
    for i, band in enumerate(Intensity):
        y = rect.y + i * row_h
        cy = y + row_h / 2
        colour = ZONE_COLOURS[band]
        pygame.draw.rect(screen, colour, (rect.x, cy - size * 0.35, size * 0.7, size * 0.7), border_radius=3)
        text.draw(screen, band_name(band), size, PAPER, (rect.x + size, cy), "midleft")
        secs = float(seconds_in.get(band.value, 0.0))
        bar_x = rect.x + name_w
        time_w = text.font(size).size("00:00")[0] + 8
        bar_w = rect.w - name_w - time_w
        pygame.draw.rect(screen, (44, 52, 70), (bar_x, cy - row_h * 0.3, bar_w, row_h * 0.6), border_radius=4)
        if secs > 0:
            filled = (bar_x, cy - row_h * 0.3, max(4, bar_w * secs / longest), row_h * 0.6)
            pygame.draw.rect(screen, colour, filled, border_radius=4)
        minutes, rest = divmod(round(secs), 60)
        text.draw(screen, f"{minutes}:{rest:02d}", size, PAPER if secs > 0 else MUTED, (rect.right, cy), "midright")


def move_counts(summary: dict[str, Any]) -> list[tuple[str, int]]:
    """The moves recognised in the round, most first, named in the player's language."""
    events: dict[str, int] = summary.get("motion_events", {}) or {}
    moves = [(tr_or(f"motion.{k}", k), n) for k, n in events.items() if n > 0 and k not in HIDDEN_MOVES]
    return sorted(moves, key=lambda kv: (-kv[1], kv[0]))


class ResultsScene(Scene):
    def __init__(self, ctx: GameContext, summary: dict[str, Any], hr_trace: HrTrace | None = None) -> None:
        super().__init__(ctx)
        self.summary = summary
        #: (seconds of play, bpm or None while the strap was quiet), about one a second.
        self.hr_trace = list(hr_trace or [])
        self.energy = round_energy(self.hr_trace, ctx.config.body, ctx.live.profile)
        self.best_before: Best | None = None
        mode, level = ctx.mode, summary.get("level")
        if mode is not None and level is not None:
            found = best_scores(ctx.db_path, ctx.config.player, mode.name, exclude=ctx.session.session_id)
            self.best_before = found.get(level)

    @property
    def new_best(self) -> bool:
        """Better than every earlier round on this level (and not the first one)."""
        return self.best_before is not None and float(self.summary.get("score", 0)) > self.best_before.score

    def enter(self) -> None:
        self.ctx.sound.music("menu")

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        if self.time_s > 0.8 and ("start" in frame.pressed or "back" in frame.pressed):
            return Transition("pop")
        if self.ctx.config.autoplay and self.time_s >= AUTOPLAY_BACK_S:
            return Transition("pop")
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        screen.fill(INK)
        t = self.ctx.text
        pad = round(w * 0.04)
        title = tr("results.finished") if self.summary.get("completed") else tr("results.over")
        t.draw(screen, title, h // 11, ACCENT, (pad, h * 0.03), "topleft")  # bold font; no added bold (see pause)
        level = self.summary.get("level") or ""
        t.draw(screen, level, h // 26, MUTED, (pad, h * 0.03 + h // 11), "topleft")
        score = tr("results.score", score=self.summary.get("score", 0))
        t.draw(screen, score, h // 11, PAPER, (w - pad, h * 0.03), "topright")
        self._draw_best(screen, (w - pad, h * 0.03 + h // 11))

        top = round(h * 0.2)
        bottom = round(h * 0.91)
        col_w = (w - 3 * pad) // 2
        left = pygame.Rect(pad, top, col_w, bottom - top)
        right = pygame.Rect(2 * pad + col_w, top, col_w, bottom - top)
        self._draw_rows(screen, left)

        # Right: the heart-rate curve above the time in each band.
        curve_box = pygame.Rect(right.x, right.y, right.w, round(right.h * 0.5))
        pygame.draw.rect(screen, PANEL, curve_box, border_radius=12)
        head = max(12, h // 34)
        t.draw(screen, tr("results.heart_curve"), head, MUTED, (curve_box.x + 14, curve_box.y + 8))
        plot = curve_box.inflate(-28, -(head + 36)).move(0, head // 2)
        draw_heart_curve(screen, t, plot, self.hr_trace, self.ctx.live.profile)
        bands_box = pygame.Rect(right.x, curve_box.bottom + h // 50, right.w, right.bottom - curve_box.bottom - h // 50)
        pygame.draw.rect(screen, PANEL, bands_box, border_radius=12)
        t.draw(screen, tr("results.bands"), head, MUTED, (bands_box.x + 14, bands_box.y + 8))
        bars = bands_box.inflate(-28, -(head + 28)).move(0, head // 2 + 2)
        draw_band_bars(screen, t, bars, self.summary.get("seconds_in_intensity", {}) or {})

        sid = self.ctx.session.session_id
        saved = (
            tr("results.saved", id=sid)
            if sid is not None and self.ctx.session.error is None
            else (self.ctx.session.error or tr("results.not_saved"))
        )
        t.draw(screen, saved, h // 38, MUTED, (pad, h * 0.975), "bottomleft")
        t.draw(screen, tr("results.hint"), h // 38, PAPER, (w - pad, h * 0.975), "bottomright")

    def _draw_best(self, screen: pygame.Surface, topright: tuple[float, float]) -> None:
        h = screen.get_height()
        t = self.ctx.text
        size = h // 28
        if self.best_before is None:
            t.draw(screen, tr("results.first_time"), size, MUTED, topright, "topright")
            return
        before = tr("results.best_before", score=f"{self.best_before.score:.0f}")
        if self.new_best:
            line = f"{tr('results.new_best')}  ({before})"
            t.draw(screen, line, size, GOOD, topright, "topright", bold=True)
        else:
            t.draw(screen, f"{tr('results.best')}: {self.best_before.score:.0f}", size, MUTED, topright, "topright")

    def _draw_rows(self, screen: pygame.Surface, area: pygame.Rect) -> None:
        h = screen.get_height()
        t = self.ctx.text
        rows = result_rows(self.ctx.game_mode, self.summary)
        energy = tr(self.energy.note, kcal=f"{self.energy.kcal:.0f}") if self.energy.kcal is not None else tr(self.energy.note)
        rows.append(ResultRow(tr("results.energy"), energy))
        moves = move_counts(self.summary)
        room = round(area.h * 0.7) - h // 50  # the rows take what they need of this, the moves the rest
        row_h = min(h / 20, (room - 16) / max(1, len(rows)))
        box = pygame.Rect(area.x, area.y, area.w, round(row_h * len(rows) + 16))
        moves_h = area.h - box.h - h // 50
        pygame.draw.rect(screen, PANEL, box, border_radius=12)
        size = max(11, round(row_h * 0.72))
        font = t.font(size)
        for i, row in enumerate(rows):
            y = box.y + 8 + i * row_h + row_h / 2
            muted: Color = MUTED
            t.draw(screen, row.label, size, muted, (box.x + 14, y), "midleft")
            value = row.value
            room = box.w - 28 - font.size(row.label)[0] - 16
            vsize = size
            while vsize > 11 and t.font(vsize).size(value)[0] > room:  # a long value gets smaller ...
                vsize -= 1
            while len(value) > 4 and t.font(vsize).size(value)[0] > room:  # ... then is cut, never over its label
                value = value[:-2].rstrip() + "\u2026"
            t.draw(screen, value, vsize, PAPER, (box.right - 14, y), "midright")

        mbox = pygame.Rect(area.x, box.bottom + h // 50, area.w, moves_h)
        pygame.draw.rect(screen, PANEL, mbox, border_radius=12)
        head = max(12, h // 34)
        t.draw(screen, tr("results.moves"), head, MUTED, (mbox.x + 14, mbox.y + 8))
        if not moves:
            t.draw(screen, tr("results.no_moves"), head, MUTED, mbox.center, "center")
            return
        inner = mbox.inflate(-28, -(head + 24)).move(0, head // 2 + 2)
        shown = moves[:6]
        cols = 2 if len(shown) > 3 else 1
        per_col = (len(shown) + cols - 1) // cols
        cell_w = inner.w / cols
        cell_h = inner.h / per_col
        msize = max(11, round(min(cell_h * 0.7, h / 24)))
        for k, (name, n) in enumerate(shown):
            cx = inner.x + (k // per_col) * cell_w
            cy = inner.y + (k % per_col) * cell_h + cell_h / 2
            t.draw(screen, str(n), msize, ACCENT, (cx + msize * 2.2, cy), "midright", bold=True)
            t.draw(screen, name, msize, PAPER, (cx + msize * 2.6, cy), "midleft")
