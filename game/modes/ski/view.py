"""The ski course seen from behind the skier: sky and fells, snow, the groomed track over the
hills, spruces, gates, the finish and the skier.

A pinhole camera rides :data:`CAM_BACK_M` behind the skier at :data:`CAM_HEIGHT_M` above the
snow and pitches with the slope. A point ``z`` metres ahead of the camera, ``x`` metres right of
the track's middle and at elevation ``e`` lands on screen at
``(cx + (x - cam_x) f / z, horizon + (cam_e - e) f / z)``. The ground is drawn as slices from
far to near (the painter's algorithm), so a crest hides what lies behind it; trees and gates are
drawn with the slice they stand on.

Cheap by design: the sky, the fells and every tree size are rendered once; a frame draws about
48 slices of polygons and blits a few dozen sprites.
"""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Callable
from dataclasses import dataclass

import pygame

from game.modes.ski.level import TRACK_HALF_WIDTH_M, Level
from game.modes.ski.rules import SkiWorld
from game.render.palette import BAD, GOOD, Color

CAM_BACK_M = 6.0
CAM_HEIGHT_M = 2.6
#: Slices of ground between Z_NEAR_M and Z_FAR_M ahead of the camera, spaced geometrically.
Z_NEAR_M, Z_FAR_M, SLICES = 1.2, 170.0, 48
#: Share of the slope under the skier the camera pitches with.
PITCH_SHARE = 0.15

SKY_TOP: Color = (92, 142, 206)
SKY_LOW: Color = (206, 224, 240)
FELL_FAR: Color = (150, 170, 196)
FELL_NEAR: Color = (112, 136, 164)
FELL_SNOW: Color = (236, 242, 250)
FOREST: Color = (40, 72, 62)
SNOW_A: Color = (234, 240, 249)
SNOW_B: Color = (224, 232, 244)
TRACK_A: Color = (247, 250, 254)
TRACK_B: Color = (240, 245, 252)
GROOVE: Color = (186, 200, 222)
EDGE: Color = (200, 212, 232)
NEXT_GATE: Color = (236, 112, 52)
LATER_GATE: Color = (52, 104, 196)
POLE: Color = (60, 60, 70)
SUIT: Color = (206, 44, 60)
SUIT_DARK: Color = (150, 28, 44)
SKIN: Color = (240, 200, 170)
HAT: Color = (250, 210, 40)
SKI: Color = (40, 40, 48)

#: The colour key of opaque sprites: a colour nothing in them is drawn with.
SPRITE_KEY: Color = (255, 0, 255)
#: Lateral positions (m) of the two classic tracks' grooves, for the look of a groomed trail.
GROOVES_M = (-2.05, -1.75, 1.75, 2.05)


def _lerp(a: Color, b: Color, t: float) -> Color:
    return (round(a[0] + (b[0] - a[0]) * t), round(a[1] + (b[1] - a[1]) * t), round(a[2] + (b[2] - a[2]) * t))


@dataclass(frozen=True, slots=True)
class Tree:
    at_m: float
    x_m: float
    height_m: float


def plant_trees(level: Level, seed: int = 0) -> list[Tree]:
    """Spruces on both sides of the course, a few rows deep, in order of distance; the same
    level always gets the same forest."""
    rng = random.Random(f"{level.name}:{seed}")
    trees: list[Tree] = []
    d = -CAM_BACK_M - 10.0
    end = level.length_m + Z_FAR_M
    while d < end:
        for side in (-1, 1):
            if rng.random() < 0.8:
                x = side * (TRACK_HALF_WIDTH_M + 3.0 + rng.random() * 6.0)
                trees.append(Tree(d + rng.random() * 4.0, x, 7.0 + rng.random() * 7.0))
            if rng.random() < 0.35:
                x = side * (TRACK_HALF_WIDTH_M + 12.0 + rng.random() * 22.0)
                trees.append(Tree(d + rng.random() * 4.0, x, 8.0 + rng.random() * 8.0))
        d += 5.0 + rng.random() * 4.0
    trees.sort(key=lambda t: t.at_m)
    return trees


def _spruce(height_px: int) -> pygame.Surface:
    """A snowy spruce, ``height_px`` tall, its trunk's foot at the bottom centre."""
    h = max(4, height_px)
    w = max(3, round(h * 0.52))
    surf = pygame.Surface((w, h), pygame.SRCALPHA)
    cx = w / 2
    trunk_h = h * 0.1
    pygame.draw.rect(surf, (74, 52, 40), (cx - w * 0.05, h - trunk_h, max(1, w * 0.1), trunk_h))
    tiers = 4
    for i in range(tiers):
        top = h * (0.02 + i * 0.2)
        bottom = h * (0.38 + i * 0.17)
        half = w * (0.22 + i * 0.09)
        green = _lerp((34, 74, 58), (22, 56, 46), i / tiers)
        pygame.draw.polygon(surf, green, [(cx, top), (cx - half, bottom), (cx + half, bottom)])
        # Snow lying on the tier's upper edge.
        pygame.draw.polygon(
            surf, (236, 242, 250), [(cx, top), (cx - half * 0.55, top + (bottom - top) * 0.55), (cx, top + (bottom - top) * 0.35)]
        )
    return surf


class SpriteSizes:
    """A sprite pre-rendered at sizes growing by :attr:`ratio`; ``get(px)`` returns the nearest."""

    def __init__(
        self, make: Callable[[int], pygame.Surface], *, ratio: float = 1.12, smallest: int = 10, largest: int = 720
    ) -> None:
        self._make = make
        self.ratio = ratio
        self.smallest = smallest
        self.largest = largest
        self._cache: dict[int, pygame.Surface] = {}
        # Every size up front: rendering one in the middle of play would cost a frame. The
        # sprites have hard edges (no anti-aliasing), so they are kept opaque with a colour key
        # and run-length encoded: such blits skip the transparent runs and cost a fraction of
        # per-pixel alpha. In the display's pixel format when there is a display.
        display = pygame.display.get_surface() is not None
        for step in range(round(math.log(largest / smallest, ratio)) + 1):
            sprite = make(round(smallest * ratio**step))
            keyed = pygame.Surface(sprite.get_size())
            keyed.fill(SPRITE_KEY)
            keyed.blit(sprite, (0, 0))
            if display:
                keyed = keyed.convert()
            keyed.set_colorkey(SPRITE_KEY, pygame.RLEACCEL)
            self._cache[step] = keyed

    def get(self, height_px: float) -> pygame.Surface | None:
        if height_px < self.smallest * 0.8 or height_px > self.largest:
            return None
        step = round(math.log(max(height_px, self.smallest) / self.smallest, self.ratio))
        surf = self._cache.get(step)
        if surf is None:
            surf = self._cache[step] = self._make(round(self.smallest * self.ratio**step))
        return surf


class CourseView:
    """Draws one :class:`SkiWorld` on a screen of ``size`` pixels."""

    def __init__(self, size: tuple[int, int], level: Level) -> None:
        self.size = size
        self.level = level
        w, h = size
        self.focal_px = 0.62 * w
        self.horizon_y = round(h * 0.36)
        self.sky = self._sky(w, h)
        if pygame.display.get_surface() is not None:
            self.sky = self.sky.convert()
        self.trees = plant_trees(level)
        self._tree_at = [t.at_m for t in self.trees]
        self.tree_sprites = SpriteSizes(_spruce)
        self.cam_x = 0.0
        self.pitch = 0.0
        rng = random.Random(7)
        self.flakes = [(rng.random() * w, rng.random() * h, 0.6 + rng.random() * 1.4) for _ in range(90)]
        self.skier_rect = pygame.Rect(0, 0, 0, 0)

    # -- static layers -----------------------------------------------------------------------
    def _sky(self, w: int, h: int) -> pygame.Surface:
        """Sky, two ranges of fells (Vuokatti's wooded hills, snow on their tops) and the forest
        edge at the horizon; taller than the screen so the camera's pitch can move it."""
        sky_h = self.horizon_y + h // 3
        surf = pygame.Surface((w, sky_h))
        for y in range(sky_h):
            surf.fill(_lerp(SKY_TOP, SKY_LOW, min(1.0, y / max(1, self.horizon_y))), (0, y, w, 1))
        rng = random.Random(3)
        for colour, base, amp, seed in ((FELL_FAR, 0.80, 0.30, 0.7), (FELL_NEAR, 0.92, 0.22, 2.1)):
            pts = [(0, sky_h)]
            for x in range(0, w + 8, 8):
                u = x / w * 2 * math.pi
                bump = 0.55 * math.sin(u * 1.3 + seed) + 0.3 * math.sin(u * 3.1 + 2 * seed) + 0.15 * math.sin(u * 7 + seed)
                pts.append((x, round(self.horizon_y * base - self.horizon_y * amp * max(0.0, bump))))
            pts.append((w, sky_h))
            pygame.draw.polygon(surf, colour, pts)
            # Snow on the higher tops.
            cap = [(x, y) for x, y in pts[1:-1] if y < self.horizon_y * (base - amp * 0.45)]
            for x, y in cap:
                pygame.draw.line(surf, FELL_SNOW, (x, y), (x, y + max(2, h // 120)), 8)
        # The forest's edge: a band of small spruce tips along the horizon.
        tip = max(3, h // 90)
        edge = 0.0
        while edge < w:
            top = self.horizon_y - tip * (1.5 + rng.random() * 2.5)
            pygame.draw.polygon(
                surf, FOREST, [(edge, self.horizon_y + 2), (edge + tip, top), (edge + 2 * tip, self.horizon_y + 2)]
            )
            edge += tip * (0.8 + rng.random())
        surf.fill(FOREST, (0, self.horizon_y, w, sky_h - self.horizon_y))
        return surf

    # -- projection --------------------------------------------------------------------------
    def _project(self, z: float, x: float, e: float, cam_e: float, horizon: float) -> tuple[float, float]:
        s = self.focal_px / z
        return self.size[0] / 2 + (x - self.cam_x) * s, horizon + (cam_e - e) * s

    # -- a frame -----------------------------------------------------------------------------
    def draw(self, screen: pygame.Surface, world: SkiWorld, t_s: float, dt: float, stride: float = 0.0) -> None:
        w, h = self.size
        profile = self.level.profile
        cam_d = world.distance_m - CAM_BACK_M
        cam_e = profile.elevation(cam_d) + CAM_HEIGHT_M
        # The camera follows the skier sideways and pitches with the slope, both smoothly.
        k = min(1.0, dt / 0.4) if dt > 0 else 1.0
        self.cam_x += (0.7 * world.x_m - self.cam_x) * k
        self.pitch += (PITCH_SHARE * world.grade - self.pitch) * k
        horizon = self.horizon_y + self.pitch * self.focal_px

        sky_y = round(horizon - self.horizon_y)
        if sky_y > 0:
            screen.fill(SKY_TOP, (0, 0, w, sky_y))
        screen.blit(self.sky, (0, sky_y))

        zs = [Z_NEAR_M * (Z_FAR_M / Z_NEAR_M) ** (i / SLICES) for i in range(SLICES + 1)]
        rows = []
        for z in zs:
            d = cam_d + z
            e = profile.elevation(d)
            s = self.focal_px / z
            y = horizon + (cam_e - e) * s
            rows.append((z, d, e, s, y))
        far_y = rows[-1][4]
        screen.fill(SNOW_B, (0, round(far_y), w, h - round(far_y) + 1))

        # Sprites (trees, gates, the finish) by the slice they stand on.
        by_slice: dict[int, list[tuple[str, object]]] = {}
        lo = bisect.bisect_left(self._tree_at, cam_d + Z_NEAR_M)
        hi = bisect.bisect_right(self._tree_at, cam_d + Z_FAR_M)
        for tree in self.trees[lo:hi]:
            by_slice.setdefault(self._slice_of(zs, tree.at_m - cam_d), []).append(("tree", tree))
        for i, gate in enumerate(self.level.gates):
            z = gate.at_m - cam_d
            # A gate behind the skier is done with: between the camera and the skier it would
            # only hide the skier.
            if CAM_BACK_M <= z < Z_FAR_M:
                by_slice.setdefault(self._slice_of(zs, z), []).append(("gate", (i, gate)))
        z_finish = self.level.length_m - cam_d
        if Z_NEAR_M < z_finish < Z_FAR_M:
            by_slice.setdefault(self._slice_of(zs, z_finish), []).append(("finish", None))

        cx = w / 2
        half = TRACK_HALF_WIDTH_M + 0.5
        for i in range(SLICES - 1, -1, -1):
            _zn, dn, _en, sn, yn = rows[i]
            _zf, _df, _ef, sf, yf = rows[i + 1]
            stripe = int(math.floor(dn / 6.0)) % 2
            top, bottom = min(yf, yn), max(yf, yn)
            if bottom >= 0 and top <= h and bottom - top >= 0.5:
                screen.fill(SNOW_A if stripe else SNOW_B, (0, math.floor(top), w, math.ceil(bottom - top) + 1))
                xl_n, xr_n = cx + (-half - self.cam_x) * sn, cx + (half - self.cam_x) * sn
                xl_f, xr_f = cx + (-half - self.cam_x) * sf, cx + (half - self.cam_x) * sf
                pygame.draw.polygon(
                    screen, TRACK_A if stripe else TRACK_B, [(xl_f, yf), (xr_f, yf), (xr_n, yn + 1), (xl_n, yn + 1)]
                )
                pygame.draw.line(screen, EDGE, (xl_f, yf), (xl_n, yn), max(1, round(0.15 * sn)))
                pygame.draw.line(screen, EDGE, (xr_f, yf), (xr_n, yn), max(1, round(0.15 * sn)))
                width = max(1, round(0.08 * sn))
                for g in GROOVES_M if sn > 12.0 else ():  # beyond ~65 m the grooves run together
                    pygame.draw.line(screen, GROOVE, (cx + (g - self.cam_x) * sf, yf), (cx + (g - self.cam_x) * sn, yn), width)
            for kind, item in sorted(by_slice.get(i, ()), key=lambda it: -self._depth(it, cam_d)):
                if kind == "tree":
                    assert isinstance(item, Tree)
                    self._draw_tree(screen, item, cam_d, cam_e, horizon)
                elif kind == "gate":
                    self._draw_gate(screen, world, item, cam_d, cam_e, horizon)  # type: ignore[arg-type]
                else:
                    self._draw_finish(screen, cam_d, cam_e, horizon)

        self._draw_skier(screen, world, cam_d, cam_e, horizon, t_s, stride)
        self._draw_snowfall(screen, world, dt)

    @staticmethod
    def _slice_of(zs: list[float], z: float) -> int:
        return max(0, min(SLICES - 1, bisect.bisect_right(zs, z) - 1))

    @staticmethod
    def _depth(item: tuple[str, object], cam_d: float) -> float:
        kind, obj = item
        if kind == "tree":
            assert isinstance(obj, Tree)
            return obj.at_m - cam_d
        if kind == "gate":
            return obj[1].at_m - cam_d  # type: ignore[index]
        return 0.0

    def _draw_tree(self, screen: pygame.Surface, tree: Tree, cam_d: float, cam_e: float, horizon: float) -> None:
        z = tree.at_m - cam_d
        if z < 2.0:
            return
        x, y = self._project(z, tree.x_m, self.level.profile.elevation(tree.at_m), cam_e, horizon)
        sprite = self.tree_sprites.get(tree.height_m * self.focal_px / z)
        if sprite is None:
            return
        sw, sh = sprite.get_size()
        if x + sw / 2 < 0 or x - sw / 2 > self.size[0] or y - sh > self.size[1]:
            return
        screen.blit(sprite, (round(x - sw / 2), round(y - sh)))

    def _draw_gate(
        self, screen: pygame.Surface, world: SkiWorld, item: tuple[int, object], cam_d: float, cam_e: float, horizon: float
    ) -> None:
        index, gate = item
        at_m, offset_m, width_m = gate.at_m, gate.offset_m, gate.width_m  # type: ignore[attr-defined]
        z = at_m - cam_d
        e = self.level.profile.elevation(at_m)
        s = self.focal_px / z
        if index < world.next_gate:
            colour = self._gate_result(world, index)
        else:
            colour = NEXT_GATE if index == world.next_gate else LATER_GATE
        pole_h, flag_w, flag_h = 2.4 * s, 1.0 * s, 0.8 * s
        thick = max(1, round(0.07 * s))
        for side in (-1, 1):
            x, y = self._project(z, offset_m + side * width_m / 2, e, cam_e, horizon)
            pygame.draw.line(screen, POLE, (x, y), (x, y - pole_h), thick)
            # Flags point into the gate, so its opening reads at a glance.
            inner = -side
            pygame.draw.polygon(
                screen, colour, [(x, y - pole_h), (x + inner * flag_w, y - pole_h + flag_h * 0.5), (x, y - pole_h + flag_h)]
            )
        if index == world.next_gate and z < 60:
            xl, yl = self._project(z, offset_m - width_m / 2, e, cam_e, horizon)
            xr, _ = self._project(z, offset_m + width_m / 2, e, cam_e, horizon)
            pygame.draw.line(screen, colour, (xl, yl), (xr, yl), max(1, round(0.06 * s)))

    def _gate_result(self, world: SkiWorld, index: int) -> Color:
        return GOOD if index in world.passed_gates else BAD

    def _draw_finish(self, screen: pygame.Surface, cam_d: float, cam_e: float, horizon: float) -> None:
        """An arch over the track at the finish line: two posts 3.6 m tall, a red banner and a
        chequered band under it."""
        at = self.level.length_m
        z = at - cam_d
        e = self.level.profile.elevation(at)
        s = self.focal_px / z
        xl, y = self._project(z, -TRACK_HALF_WIDTH_M - 0.5, e, cam_e, horizon)
        xr, _ = self._project(z, TRACK_HALF_WIDTH_M + 0.5, e, cam_e, horizon)
        top = y - 3.6 * s
        thick = max(2, round(0.15 * s))
        pygame.draw.line(screen, POLE, (xl, y), (xl, top), thick)
        pygame.draw.line(screen, POLE, (xr, y), (xr, top), thick)
        band = pygame.Rect(round(xl), round(top), max(1, round(xr - xl)), max(2, round(0.5 * s)))
        pygame.draw.rect(screen, BAD, band)
        squares = 24
        side = max(1, band.w // squares)
        for k in range(squares):
            for row in range(2):
                colour = (30, 30, 30) if (k + row) % 2 == 0 else (245, 245, 245)
                pygame.draw.rect(
                    screen, colour, (band.x + band.w * k // squares, band.bottom + row * side // 2, side, max(1, side // 2))
                )

    def _draw_skier(
        self, screen: pygame.Surface, world: SkiWorld, cam_d: float, cam_e: float, horizon: float, t_s: float, stride: float
    ) -> None:
        z = CAM_BACK_M
        e = self.level.profile.elevation(world.distance_m)
        fx, fy = self._project(z, world.x_m, e, cam_e, horizon)
        s = self.focal_px / z
        tilt = world.heading_rad * 0.5
        cos_t, sin_t = math.cos(tilt), math.sin(tilt)

        def at(x_m: float, y_m: float) -> tuple[float, float]:
            # Body coordinates (m, x right, y up from the feet), leaned by the heading.
            return fx + (x_m * cos_t + y_m * sin_t) * s, fy - (y_m * cos_t - x_m * sin_t) * s

        tuck = world.tucked
        since = t_s - world.last_push_s
        # Arm phase: 0 hands forward and high (ready), 1 hands pushed back past the hips.
        if tuck:
            arm = 0.5
        elif since < 0.35:
            arm = since / 0.35
        elif since < 0.9:
            arm = 1.0 - (since - 0.35) / 0.55
        else:
            arm = 0.0
        bob = 0.1 * arm  # the body folds a little into each push
        hip_y = 0.5 if tuck else 0.86 - bob
        shoulder_y = hip_y + (0.3 if tuck else 0.5 - bob)
        head_y = shoulder_y + (0.14 if tuck else 0.2)
        knee_y = 0.3 if tuck else 0.45
        stride_phase = math.sin(t_s * math.pi * 2.6) * min(1.0, stride) * 0.1
        limb = max(3, round(0.11 * s))

        # Skis, running forward from the feet into the picture.
        for side in (-1, 1):
            foot_x = side * 0.14
            tail = at(foot_x, -0.06 + stride_phase * side)
            tip = self._project(z + 1.6, world.x_m + foot_x * 0.9, e + 0.02, cam_e, horizon)
            pygame.draw.line(screen, SKI, tail, tip, max(2, round(0.05 * s)))
        for side in (-1, 1):
            foot = at(side * 0.13, 0.02 + stride_phase * side)
            knee = at(side * (0.15 if tuck else 0.12), knee_y + stride_phase * side)
            hip = at(side * 0.1, hip_y)
            pygame.draw.line(screen, SUIT_DARK, foot, knee, limb)
            pygame.draw.line(screen, SUIT_DARK, knee, hip, limb)
            pygame.draw.circle(screen, SKI, foot, max(2, round(0.06 * s)))
        torso = [at(-0.15, hip_y), at(0.15, hip_y), at(0.21, shoulder_y), at(-0.21, shoulder_y)]
        pygame.draw.polygon(screen, SUIT, torso)
        bib = [at(-0.11, hip_y + 0.08), at(0.11, hip_y + 0.08), at(0.12, shoulder_y - 0.08), at(-0.12, shoulder_y - 0.08)]
        if not tuck:
            pygame.draw.polygon(screen, (246, 246, 240), bib)
            pygame.draw.line(screen, SUIT_DARK, at(-0.05, hip_y + 0.25), at(0.05, hip_y + 0.25), max(1, round(0.03 * s)))
        for side in (-1, 1):
            shoulder = at(side * 0.2, shoulder_y - 0.03)
            if tuck:
                hand = at(side * 0.16, hip_y + 0.08)
                elbow = at(side * 0.27, hip_y + 0.18)
                pole_from, pole_to = hand, at(side * 0.55, hip_y + 0.4)
            else:
                hand = at(side * (0.3 - 0.02 * arm), shoulder_y + 0.12 - (shoulder_y + 0.12 - hip_y + 0.05) * arm)
                elbow = at(side * (0.32 + 0.04 * arm), shoulder_y - 0.18 + 0.05 * arm)
                pole_from = hand
                pole_to = at(side * (0.36 + 0.12 * arm), 0.1 - 0.35 * arm)
            pygame.draw.line(screen, POLE, pole_from, pole_to, max(2, round(0.03 * s)))
            pygame.draw.line(screen, SUIT, shoulder, elbow, limb)
            pygame.draw.line(screen, SUIT, elbow, hand, limb)
            pygame.draw.circle(screen, SUIT_DARK, hand, max(2, round(0.06 * s)))
        head = at(0, head_y)
        pygame.draw.circle(screen, SKIN, head, max(3, round(0.11 * s)))
        pygame.draw.circle(screen, HAT, at(0, head_y + 0.02), max(3, round(0.115 * s)), draw_top_left=True, draw_top_right=True)
        pygame.draw.circle(screen, HAT, at(0, head_y + 0.15), max(2, round(0.045 * s)))
        self.skier_rect = pygame.Rect(round(fx - 0.5 * s), round(fy - (head_y + 0.2) * s), round(s), round((head_y + 0.2) * s))

    def _draw_snowfall(self, screen: pygame.Surface, world: SkiWorld, dt: float) -> None:
        w, h = self.size
        drift = -world.speed_mps * math.sin(world.heading_rad) * 30.0
        fall = 40.0 + world.speed_mps * 12.0
        moved = []
        for x, y, size in self.flakes:
            x = (x + (drift + 12.0 * size) * dt) % w
            y = (y + fall * size * dt) % h
            moved.append((x, y, size))
            pygame.draw.circle(screen, (255, 255, 255), (x, y), size)
        self.flakes = moved
