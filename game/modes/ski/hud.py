"""The ski mode's heads-up display: the shared panels (heart rate, cadence, score and race
time), the skier's speed and pole tempo, the next gate's direction, and the course profile with
the skier on it."""

from __future__ import annotations

import pygame

from game.engine.live import LiveSensors
from game.i18n import tr
from game.modes.ski.level import Level
from game.modes.ski.rules import SkiWorld
from game.render.palette import ACCENT, BAD, GOOD, MUTED, PAPER
from game.render.text import TextCache
from game.scenes.hud import draw_hud, draw_player_inset, draw_progress

MPS_TO_KMH = 3.6
PANEL: tuple[int, int, int, int] = (20, 24, 34, 170)
#: Grades (rise/run) from which the HUD suggests a tuck, or more effort on a climb.
TUCK_HINT_GRADE = -0.035
CLIMB_HINT_GRADE = 0.04
#: Lateral error (m) from which the gate arrow points; closer, it says "straight on".
ARROW_DEADBAND_M = 0.4


def _panel(size: tuple[int, int]) -> pygame.Surface:
    surf = pygame.Surface(size, pygame.SRCALPHA)
    surf.fill(PANEL)
    return surf


class ProfileMap:
    """The course's elevation profile, gates as ticks, pre-rendered once; each frame adds the
    skier's position and the part already skied."""

    def __init__(self, level: Level, rect: pygame.Rect) -> None:
        self.level = level
        self.rect = rect
        self.pad = max(6, rect.h // 10)
        self.base = _panel(rect.size)
        prof = level.profile
        lo, hi = prof.lowest_m, prof.highest_m
        self._span = max(hi - lo, 10.0)
        self._lo = lo - (self._span - (hi - lo)) / 2
        pts = [self._point(d, prof.elevation(d)) for d in prof.at_m]
        inner_bottom = rect.h - self.pad
        pygame.draw.polygon(self.base, (70, 96, 130), [(pts[0][0], inner_bottom), *pts, (pts[-1][0], inner_bottom)])
        pygame.draw.lines(self.base, PAPER, False, pts, 2)
        for gate in level.gates:
            x, y = self._point(gate.at_m, prof.elevation(gate.at_m))
            pygame.draw.line(self.base, ACCENT, (x, y - 7), (x, y - 2), 2)
        fx, fy = self._point(level.length_m, prof.elevation(level.length_m))
        pygame.draw.line(self.base, PAPER, (fx, fy), (fx, fy - 14), 2)
        pygame.draw.rect(self.base, BAD, (fx, fy - 14, 9, 6))
        self._shade = pygame.Surface((max(1, rect.w - 2 * self.pad), max(1, rect.h - 2 * self.pad)), pygame.SRCALPHA)
        self._shade.fill((255, 255, 255, 40))

    def _point(self, d_m: float, e_m: float) -> tuple[float, float]:
        w = self.rect.w - 2 * self.pad
        h = self.rect.h - 2 * self.pad
        return self.pad + w * d_m / self.level.length_m, self.pad + h * (1 - (e_m - self._lo) / self._span)

    def draw(self, screen: pygame.Surface, world: SkiWorld) -> None:
        screen.blit(self.base, self.rect.topleft)
        x, y = self._point(world.distance_m, world.elevation_m)
        done_w = max(0, round(x - self.pad))
        if done_w:  # the part already skied, lightened: a slice of one pre-made shade
            screen.blit(
                self._shade, (self.rect.x + self.pad, self.rect.y + self.pad), pygame.Rect(0, 0, done_w, self._shade.get_height())
            )
        centre = (self.rect.x + x, self.rect.y + y)
        pygame.draw.circle(screen, (20, 24, 34), centre, 8)
        pygame.draw.circle(screen, ACCENT, centre, 6)


class SkiHud:
    """Everything the ski mode draws over the course."""

    def __init__(self, level: Level, size: tuple[int, int]) -> None:
        w, h = size
        self.size = size
        pad = max(8, h // 60)
        self.pad = pad
        self.map = ProfileMap(level, pygame.Rect(pad, h - pad - round(h * 0.15), round(w * 0.34), round(h * 0.15)))
        # The top row, after the shared heart-rate and cadence panels: speed, then the next gate.
        self.speed_rect = pygame.Rect(pad + round(w * 0.2) + pad + round(w * 0.14) + pad, pad, round(w * 0.14), round(h * 0.16))
        self.gate_rect = pygame.Rect(self.speed_rect.right + pad, pad, round(w * 0.2) - 2 * pad, self.speed_rect.h)
        self.speed_panel = _panel(self.speed_rect.size)
        self.gate_panel = _panel(self.gate_rect.size)

    def draw(
        self, screen: pygame.Surface, text: TextCache, live: LiveSensors, now_ns: int, world: SkiWorld, pushes_per_min: float
    ) -> None:
        pad = self.pad
        big, small = max(18, self.size[1] // 16), max(12, self.size[1] // 36)
        top = draw_hud(screen, text, live, now_ns, world.score, world.race_time_s, world.time_left_s)
        draw_progress(screen, top.bottom, world.progress)

        x, y = self.speed_rect.topleft
        screen.blit(self.speed_panel, (x, y))
        text.draw(screen, f"{world.speed_mps * MPS_TO_KMH:.0f}", big, PAPER, (x + pad, y + pad), bold=True)
        text.draw(screen, tr("ski.hud.speed"), small, PAPER, (x + pad, y + pad + big))
        text.draw(screen, f"{pushes_per_min:.0f} {tr('ski.hud.swings')}", small, MUTED, (x + pad, y + pad + big + small))

        screen.blit(self.gate_panel, self.gate_rect.topleft)
        self._draw_gate_arrow(screen, text, world, self.gate_rect, big, small)
        self.map.draw(screen, world)
        self._draw_terrain_hint(screen, text, world, top.bottom + 3 * pad, max(16, big * 2 // 3))
        draw_player_inset(screen, text, live, now_ns)

    def _draw_gate_arrow(
        self, screen: pygame.Surface, text: TextCache, world: SkiWorld, rect: pygame.Rect, big: int, small: int
    ) -> None:
        """The next gate's number and which way to steer for it: chevrons towards it (one per
        1.5 m to go, up to three), or a triangle pointing ahead when the skier is lined up."""
        pad = self.pad
        index = world.upcoming_gate()
        gates = world.level.gates
        label_pos = (rect.centerx, rect.y + pad)
        if index is None:
            left = max(0.0, world.level.length_m - world.distance_m)
            text.draw(screen, tr("ski.hud.gates_done") if gates else "", small, MUTED, label_pos, "midtop")
            text.draw(
                screen,
                tr("ski.hud.finish_in", metres=f"{left:.0f}"),
                small,
                PAPER,
                (rect.centerx, rect.centery),
                "midtop",
                bold=True,
            )
            return
        gate = gates[index]
        error = gate.offset_m - world.x_m
        text.draw(screen, tr("ski.hud.gate", n=index + 1, total=len(gates)), small, PAPER, label_pos, "midtop", bold=True)
        cx0, cy = rect.centerx, rect.y + pad + small + (rect.h - pad - small) / 2
        size = min(big * 0.55, (rect.h - pad - small) * 0.35)
        colour = GOOD if gate.contains(world.x_m) else ACCENT
        if abs(error) < ARROW_DEADBAND_M or gate.contains(world.x_m) and abs(error) < gate.width_m / 4:
            pts = [(cx0, cy - size), (cx0 - size, cy + size * 0.6), (cx0 + size, cy + size * 0.6)]
            pygame.draw.polygon(screen, colour, pts)
            return
        side = 1 if error > 0 else -1
        count = min(3, 1 + int(abs(error) / 1.5))
        for k in range(count):
            cx = cx0 + side * ((k - (count - 1) / 2) * size * 1.1)
            pts = [(cx - side * size * 0.5, cy - size), (cx + side * size * 0.5, cy), (cx - side * size * 0.5, cy + size)]
            pygame.draw.lines(screen, colour, False, pts, max(3, round(size * 0.35)))

    def _draw_terrain_hint(self, screen: pygame.Surface, text: TextCache, world: SkiWorld, y: float, size: int) -> None:
        """A short word on the terrain under the skier, in a pill under the gate arrow: tuck
        on a descent, push harder on a climb (with its grade)."""
        if world.finished:
            return
        grade = world.grade
        if grade <= TUCK_HINT_GRADE and not world.tucked:
            label, colour = tr("ski.hud.tuck"), ACCENT
        elif grade >= CLIMB_HINT_GRADE:
            label, colour = f"{tr('ski.hud.climb')}  {grade * 100:+.0f} %", PAPER
        else:
            return
        surf = text.render(label, size, colour, bold=True)
        pill = surf.get_rect(midtop=(self.size[0] // 2, round(y))).inflate(size, size // 2)
        shade = pygame.Surface(pill.size, pygame.SRCALPHA)
        pygame.draw.rect(shade, PANEL, shade.get_rect(), border_radius=pill.h // 2)
        screen.blit(shade, pill.topleft)
        screen.blit(surf, surf.get_rect(center=pill.center))
