"""Target punch's play scene: feeds each player's input to :mod:`game.modes.punch.rules` and
draws the targets around each player's silhouette.

Player 0 plays with the game's input (keyboard and their motion, through ``ctx.mapper``); a
second player side by side plays with their own motion: their events and state come from the
live view's second tracker (:meth:`game.engine.live.LiveSensors.take_events`) through an input
mapper of their own with the bindings' second-player keys (``player2`` in
``game/input/bindings.yaml``), which the game's mapper hands over to it while the round is
played (:meth:`game.input.mapper.InputMapper.route_keys`) and takes back for pauses and results.
The picture is mirrored, as the players see themselves: the player in the camera's left zone
is on the right of the screen.
"""

from __future__ import annotations

import inspect
import math
from functools import partial
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import pygame

from game.engine.context import Autopilot, Steer
from game.engine.difficulty import MODERATE, PaceController, RecentRate, SuccessShare, controller_for_level, effort_from_context
from game.i18n import tr
from game.input.mapper import InputFrame, InputMapper
from game.modes.punch.autopilot import PunchAutopilot
from game.modes.punch.body import BodyFrame, frame_from_pose, picture_rect, screen_points, target_position, target_radius
from game.modes.punch.hud import draw_punch_hud
from game.modes.punch.level import KINDS, Level, Target
from game.modes.punch.rules import PunchEvent, PunchWorld
from game.render.palette import BAD, INK, MUTED, PAPER, Color
from game.scenes.base import Transition
from game.scenes.play import PlayScene

if TYPE_CHECKING:
    from game.engine.context import GameContext

#: The camera picture's zones (fractions of its width) per number of players, as the pose
#: worker reads them (sensors.camera.pose.WHOLE, SIDE_BY_SIDE).
ZONES: dict[int, tuple[tuple[float, float], ...]] = {1: ((0.0, 1.0),), 2: ((0.0, 0.5), (0.5, 1.0))}
#: Width / height of the camera picture until the tracker knows it (most webcams are 4:3).
DEFAULT_ASPECT_WH = 4 / 3
#: Share of the screen's height at the top kept for the score panels: the players and their
#: targets are drawn below it (a reach target is an arm's length above the shoulders).
HUD_SHARE = 0.2

#: Colours per target kind; each kind also has its own symbol, so colour is never the only cue.
KIND_COLOURS: dict[str, Color] = {
    "punch": (240, 120, 48),
    "reach": (80, 160, 240),
    "squat": (170, 110, 230),
    "step": (72, 190, 110),
    "lean": (240, 200, 60),
}
SILHOUETTE: Color = (70, 86, 120)
SILHOUETTE_EDGE: Color = (120, 140, 184)
ARMS: Color = (96, 116, 160)
#: How long (s) the level's moves are listed at the start of the round.
HINTS_S = 5.0
#: How long (s) a stand-in figure shows a pressed move (reach, side step).
SHOW_MOVE_S = 0.5
#: Pace bounds of an adaptive level: slower than half the written tempo is hardly a game, and
#: faster than 1.4 times brings the closest targets (0.6 s apart, level.MIN_GAP_S) under the
#: ~0.45 s a punch from the guard takes (sensors.sim.motions.Punch).
PACE_BOUNDS = (0.5, 1.4)

_LEGS = ((23, 25), (25, 27), (24, 26), (26, 28))
_ARMS = ((11, 13), (13, 15), (12, 14), (14, 16))


def _takes_player(fn: Any) -> bool:
    try:
        return "player" in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False


class PunchScene(PlayScene):
    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        level = ctx.level
        assert isinstance(level, Level)
        self.level = level
        self.world = PunchWorld(level, players=level.players)
        self._mappers = {p: InputMapper(ctx.mapper.bindings.second_player()) for p in range(1, level.players)}
        self._keys_routed: InputMapper | None = None  # the game's mapper while it hands keys over
        self._bodies: list[BodyFrame | None] = [None] * level.players
        self._areas: list[pygame.Rect] = self._layout((1280, 720))
        self._render_t = 0.0
        self._backdrop: pygame.Surface | None = None
        self._shown: list[dict[str, float]] = [{} for _ in range(level.players)]  # stand-in moves
        self._held: list[frozenset[str]] = [frozenset() for _ in range(level.players)]
        self._pilots = [self._autopilot_for(p) for p in range(level.players)]
        lo, hi = PACE_BOUNDS
        self.pace: PaceController | None = controller_for_level(
            level.adaptive, level.effort_band, default=MODERATE, min_pace=lo, max_pace=hi
        )
        self._moves = RecentRate()
        self._success = SuccessShare()

    def _autopilot_for(self, player: int) -> PunchAutopilot | None:
        """The simulated player's autopilot for ``player``: player 0 uses the context's own; a
        further player needs an input whose pilot and steer take ``player=`` (a simulated pair)."""
        pilot: Autopilot | None = self.ctx.autopilot
        steer: Steer | None = self.ctx.steer
        if pilot is None and steer is None:
            return None
        if player > 0:
            pilot = partial(cast(Steer, pilot), player=player) if pilot is not None and _takes_player(pilot) else None
            steer = partial(steer, player=player) if steer is not None and _takes_player(steer) else None
            if pilot is None and steer is None:
                return None
        return PunchAutopilot(pilot, steer, player)

    # -- PlayScene ---------------------------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.world.finished

    @property
    def score(self) -> int:
        return self.world.score

    @property
    def elapsed_s(self) -> float:
        return self.world.elapsed_s

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        self._route_keys(True)
        out = super().update(frame, dt)
        if out is not None:  # a pause or the results: their menus read every key again
            self._route_keys(False)
        return out

    def finish(self, completed: bool) -> Transition:
        self._route_keys(False)
        return super().finish(completed)

    def _route_keys(self, on: bool) -> None:
        """Hand the second player's keys to their mapper (``on``), or take them back. The
        game's mapper is asked each step: a new session starts with a fresh one."""
        if 1 not in self._mappers:
            return
        mapper = self.ctx.mapper if on else None
        if self._keys_routed is not None and self._keys_routed is not mapper:
            self._keys_routed.route_keys(None)
        if mapper is not None and self._keys_routed is not mapper:
            mapper.route_keys(self._mappers[1])
        self._keys_routed = mapper

    def _frame_of(self, player: int, now_ns: int) -> InputFrame:
        """A further player's input frame, from their own tracker (none: nobody there)."""
        mapper = self._mappers[player]
        live = self.ctx.live
        if player < live.players:
            for ev in live.take_events(player):
                mapper.motion_event(ev)
            if live.player_live(player, now_ns):
                mapper.motion_state(live.recogniser_of(player).state)
            else:
                mapper.device_lost("motion")
        return mapper.step()

    def play(self, frame: InputFrame, dt: float) -> None:
        now = self.ctx.clock()
        frames = [frame] + [self._frame_of(p, now) for p in range(1, self.world.players)]
        for p, f in enumerate(frames):
            self._held[p] = f.held
            for action in ("reach", "sidestep_left", "sidestep_right", "punch"):
                if action in f.pressed:
                    self._shown[p][action] = self.time_s
        for ev in self.world.update(frames, dt):
            self._feedback(ev, now)
            if ev.player == 0 and ev.kind in ("hit", "miss"):
                self._success.add(ev.kind == "hit")
                if ev.kind == "hit":
                    self._moves.add(self.world.elapsed_s)
        if self.pace is not None and not self.world.finished:
            # Player 0's effort sets the pace of the round (one strap, one heart).
            effort = effort_from_context(
                self.ctx,
                moves_per_min=self._moves.per_min(self.world.elapsed_s),
                target_moves_per_min=self.level.targets_per_min * self.world.pace,
                success=self._success.share,
                now_ns=now,
            )
            before = self.world.pace
            self.world.pace = self.pace.update(self.world.elapsed_s, effort)
            if self.world.pace != before:
                self.ctx.record_event(now, "game.pace", {"pace": round(self.world.pace, 3), "reason": self.pace.last_reason})
        for pilot in self._pilots:
            if pilot is not None:
                pilot.drive(self.world, now)

    def _feedback(self, ev: PunchEvent, now_ns: int) -> None:
        t = ev.target
        data = {"player": ev.player, "target": t.index, "kind": t.kind, "side": t.side, "points": ev.points, "combo": ev.combo}
        if ev.hand is not None:
            data["hand"] = ev.hand
        self.ctx.record_event(now_ns, f"game.{ev.kind}", data)
        self.ctx.sound.play(ev.kind)
        body = self._bodies[ev.player] or BodyFrame.stand_in(self._areas[ev.player])
        pos = target_position(body, t)
        h = self._areas[ev.player].h
        if ev.kind == "hit":
            self.effects.burst(pos, KIND_COLOURS[t.kind])
            self.effects.popup(tr("punch.hud.hit", points=ev.points), (pos[0], pos[1] - 0.04 * h), PAPER)
        elif ev.kind == "miss":
            self.effects.popup(tr("punch.hud.miss"), pos, MUTED)
        else:
            self.effects.burst((body.sx, body.sy - body.arm), (255, 220, 80), count=60, speed=480)
            self.effects.popup(tr("punch.hud.combo_popup", n=ev.combo), (body.sx, body.sy - 1.3 * body.arm), (255, 220, 80))

    def mode_summary(self) -> dict[str, Any]:
        w = self.world
        first = w.rounds[0]
        return {
            "players": w.players,
            "pace": round(w.pace, 3),
            "seated": self.level.seated,
            "targets": len(self.level.targets),
            "hits": dict(first.hits),
            "misses": dict(first.misses),
            "best_combo": first.best_combo,
            "per_player": [
                {
                    "player": r.player + 1,
                    "score": r.score,
                    "hits": r.hit_count,
                    "misses": r.miss_count,
                    "best_combo": r.best_combo,
                    "hits_by_kind": dict(r.hits),
                    "misses_by_kind": dict(r.misses),
                    "punch_hands": dict(r.punch_hands),
                    "moves": self._moves_of(r.player),
                }
                for r in w.rounds
            ],
        }

    def _moves_of(self, player: int) -> dict[str, int]:
        """The movements recognised for ``player`` this session (player 0's are the engine's)."""
        live = self.ctx.live
        if player == 0:
            return dict(live.motion_counts)
        return dict(live.others[player - 1].motion_counts) if player < live.players else {}

    # -- drawing -----------------------------------------------------------------------------
    def _layout(self, size: tuple[int, int]) -> list[pygame.Rect]:
        """Each player's part of the screen below the score panels (:data:`HUD_SHARE` of the
        height), mirrored: player 0 (the camera's left zone) on the right."""
        w, h = size
        top = round(h * HUD_SHARE)
        if self.world.players == 1:
            return [pygame.Rect(0, top, w, h - top)]
        half = w // 2
        return [pygame.Rect(half, top, w - half, h - top), pygame.Rect(0, top, half, h - top)]

    def _aspect(self) -> float:
        aspect = getattr(self.ctx.live.recogniser, "image_aspect_wh", DEFAULT_ASPECT_WH)
        return float(aspect) if isinstance(aspect, (int, float)) and aspect > 0 else DEFAULT_ASPECT_WH

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        if self._backdrop is None or self._backdrop.get_size() != (w, h):
            self._backdrop = _backdrop((w, h), self.world.players)
            self._areas = self._layout((w, h))
        screen.blit(self._backdrop, (0, 0))
        dt = max(0.0, self.time_s - self._render_t)
        self._render_t = self.time_s
        now = self.ctx.clock()
        live = self.ctx.live
        zones = ZONES[self.world.players]
        tracked: list[bool] = []
        for p, area in enumerate(self._areas):
            zone = zones[p]
            view = picture_rect(area, self._aspect() * (zone[1] - zone[0]))
            pose = live.pose_of(p) if p < live.players and live.player_live(p, now) else None
            seen: BodyFrame | None = None
            pts: np.ndarray | None = None
            if pose is not None:
                pts = screen_points(pose.landmarks, zone, view)
                seen = frame_from_pose(pose.landmarks, pts)
            tracked.append(seen is not None)
            goal = seen if seen is not None else self._stand_in(p, area)
            body = self._bodies[p]
            if body is None:
                body = self._bodies[p] = BodyFrame(goal.sx, goal.sy, goal.sw, goal.arm, goal.hx, goal.hy)
            else:
                body.follow(goal, dt if seen is not None else dt * 3)
            if pose is not None and pts is not None and seen is not None:
                _draw_pose(screen, pose.landmarks, pts, body)
            else:
                _draw_stand_in(screen, body)
            self._draw_targets(screen, p, body)
        draw_punch_hud(screen, self.ctx.text, live, now, self.world, self._areas, tracked)
        if self.world.elapsed_s < HINTS_S:
            self._draw_hints(screen, any(tracked))

    def _draw_hints(self, screen: pygame.Surface, motion: bool) -> None:
        """The level's moves (only those it asks for) and who it is for, over the first seconds."""
        from game.modes.punch import MODE

        w, h = screen.get_size()
        size = max(12, h // 32)
        lines = MODE.level_hints(self.level, motion)
        y = h - size * (len(lines) + 1)
        for line in lines:
            self.ctx.text.draw(screen, line, size, PAPER, (w / 2, y), "midtop")
            y += size

    def _stand_in(self, player: int, area: pygame.Rect) -> BodyFrame:
        """The keyboard player's figure, posed by their last moves: low while ducking, hips to
        the side after a side step, so the targets answer the keys visibly."""
        body = BodyFrame.stand_in(area)
        shown = self._shown[player]
        recent = {a for a, t in shown.items() if self.time_s - t < SHOW_MOVE_S}
        if "duck" in self._held[player]:
            drop = 0.4 * (body.hy - body.sy)
            body.sy += drop
            body.hy += drop
        if "sidestep_left" in recent or "sidestep_right" in recent:
            sign = -1.0 if "sidestep_left" in recent else 1.0
            body.sx += sign * body.sw
            body.hx += sign * body.sw
        return body

    def _draw_targets(self, screen: pygame.Surface, player: int, body: BodyFrame) -> None:
        rnd = self.world.rounds[player]
        t_now = self.world.t_s
        r = target_radius(body)
        for target in self.world.visible():
            if target.index in rnd.resolved:
                continue
            x, y = target_position(body, target)
            colour = KIND_COLOURS[target.kind]
            if t_now < target.open_s:
                # Coming: an outline, and a ring closing in on it that meets it as it opens.
                lead = max(target.open_s - target.show_s, 1e-6)
                k = (target.open_s - t_now) / lead
                pygame.draw.circle(screen, tuple(c // 3 for c in colour), (x, y), r)
                pygame.draw.circle(screen, colour, (x, y), r, max(2, round(r / 8)))
                pygame.draw.circle(screen, PAPER, (x, y), r * (1.0 + 1.4 * k), 2)
                _draw_symbol(screen, target, (x, y), r * 0.6, colour)
            else:
                left = 1.0 - (t_now - target.open_s) / target.window_s
                pulse = 1.0 + 0.06 * math.sin(self.time_s * 14)
                pygame.draw.circle(screen, colour, (x, y), r * pulse)
                pygame.draw.circle(screen, PAPER, (x, y), r * pulse, max(2, round(r / 10)))
                _draw_symbol(screen, target, (x, y), r * 0.6, INK)
                arc = pygame.Rect(0, 0, round(2.5 * r), round(2.5 * r))
                arc.center = (round(x), round(y))
                colour_left = PAPER if left > 0.3 else BAD
                pygame.draw.arc(screen, colour_left, arc, math.pi / 2, math.pi / 2 + 2 * math.pi * left, max(3, round(r / 6)))


def _backdrop(size: tuple[int, int], players: int) -> pygame.Surface:
    """A dark stage lit from above, with a floor line; a divider between two players."""
    w, h = size
    surf = pygame.Surface(size)
    top, bottom = np.array((34, 40, 58), float), np.array((14, 16, 24), float)
    for y in range(0, h, 4):
        c = top + (bottom - top) * (y / max(1, h))
        pygame.draw.rect(surf, c.astype(int).tolist(), (0, y, w, 4))
    floor = round(h * 0.92)
    pygame.draw.rect(surf, (26, 30, 42), (0, floor, w, h - floor))
    pygame.draw.line(surf, (60, 70, 96), (0, floor), (w, floor), 2)
    if players == 2:
        for y in range(0, h, 24):
            pygame.draw.line(surf, (70, 80, 110), (w // 2, y), (w // 2, y + 12), 3)
    return surf


def _draw_pose(screen: pygame.Surface, landmarks: np.ndarray, pts: np.ndarray, body: BodyFrame) -> None:
    """The player's silhouette from their own pose: trunk and legs in one shade, the arms in a
    lighter one over them (so a punch in front of the body shows), and the head."""
    vis = landmarks[:, 3].tolist()
    p: list[tuple[float, float]] = [(float(x), float(y)) for x, y in pts.tolist()]
    leg_w = max(6, round(body.sw * 0.22))
    arm_w = max(5, round(body.sw * 0.17))
    if min(vis[i] for i in (11, 12, 23, 24)) >= 0.5:
        pygame.draw.polygon(screen, SILHOUETTE, [p[i] for i in (11, 12, 24, 23)])
    for (a, b), colour, width in [(bone, SILHOUETTE, leg_w) for bone in _LEGS] + [(bone, ARMS, arm_w) for bone in _ARMS]:
        if vis[a] >= 0.5 and vis[b] >= 0.5:
            pygame.draw.line(screen, colour, p[a], p[b], width)
            pygame.draw.circle(screen, colour, p[b], width // 2)
    if vis[0] >= 0.5:
        pygame.draw.circle(screen, SILHOUETTE, p[0], body.sw * 0.3)
        pygame.draw.circle(screen, SILHOUETTE_EDGE, p[0], body.sw * 0.3, 2)


def _draw_stand_in(screen: pygame.Surface, body: BodyFrame) -> None:
    """A plain standing figure at ``body`` (keyboard play, or nobody seen yet)."""
    leg_w = max(6, round(body.sw * 0.22))
    arm_w = max(5, round(body.sw * 0.17))
    sh_l, sh_r = (body.sx - body.sw / 2, body.sy), (body.sx + body.sw / 2, body.sy)
    hip_l, hip_r = (body.hx - body.sw * 0.35, body.hy), (body.hx + body.sw * 0.35, body.hy)
    pygame.draw.polygon(screen, SILHOUETTE, [sh_l, sh_r, hip_r, hip_l])
    leg = body.hy - body.sy
    for hip, sign in ((hip_l, -1), (hip_r, 1)):
        foot = (hip[0] + sign * 0.15 * body.sw, hip[1] + 1.55 * leg)
        pygame.draw.line(screen, SILHOUETTE, hip, foot, leg_w)
    for sh, sign in ((sh_l, -1), (sh_r, 1)):
        hand = (sh[0] + sign * 0.2 * body.sw, sh[1] + 0.95 * body.arm)
        pygame.draw.line(screen, ARMS, sh, hand, arm_w)
    pygame.draw.circle(screen, SILHOUETTE, (body.sx, body.sy - 0.5 * body.sw), body.sw * 0.3)
    pygame.draw.circle(screen, SILHOUETTE_EDGE, (body.sx, body.sy - 0.5 * body.sw), body.sw * 0.3, 2)


def _draw_symbol(screen: pygame.Surface, target: Target, centre: tuple[float, float], size: float, colour: Color) -> None:
    """Each kind's own symbol: a fist's star for punch, an arrow up (reach), down (squat),
    sideways (step) or slanted (lean) towards the target's side."""
    x, y = centre
    width = max(2, round(size / 5))
    if target.kind == "punch":
        for k in range(8):
            a = k * math.pi / 4
            inner, outer = 0.35 * size, size * (1.0 if k % 2 == 0 else 0.7)
            pygame.draw.line(
                screen,
                colour,
                (x + inner * math.cos(a), y + inner * math.sin(a)),
                (x + outer * math.cos(a), y + outer * math.sin(a)),
                width,
            )
        pygame.draw.circle(screen, colour, (x, y), 0.3 * size)
        return
    sign = -1.0 if target.side == "left" else 1.0
    direction = {
        "reach": (0.0, -1.0),
        "squat": (0.0, 1.0),
        "step": (sign, 0.0),
        "lean": (sign * 0.7071, -0.7071),
    }[target.kind]
    dx, dy = direction
    tail = (x - dx * size, y - dy * size)
    tip = (x + dx * size, y + dy * size)
    pygame.draw.line(screen, colour, tail, tip, width + 1)
    px, py = -dy, dx  # perpendicular
    head = 0.5 * size
    pygame.draw.polygon(
        screen,
        colour,
        [
            tip,
            (tip[0] - dx * head + px * head * 0.7, tip[1] - dy * head + py * head * 0.7),
            (tip[0] - dx * head - px * head * 0.7, tip[1] - dy * head - py * head * 0.7),
        ],
    )


__all__ = ["KINDS", "KIND_COLOURS", "PunchScene"]
