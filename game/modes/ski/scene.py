"""The ski mode's play scene: feeds input to :mod:`game.modes.ski.rules`, lets the pace follow
the player's effort, drives the simulated player, and draws the course and the HUD."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pygame

from game.engine.difficulty import PaceController, RecentRate, SuccessShare, controller_for_level, effort_from_context
from game.i18n import tr
from game.input.mapper import InputFrame
from game.modes.ski.autopilot import SkiAutopilot
from game.modes.ski.hud import SkiHud
from game.modes.ski.level import Level
from game.modes.ski.rules import COMFORTABLE_PUSHES_PER_MIN, GameEvent, SkiWorld
from game.modes.ski.view import CourseView
from game.render.palette import ACCENT, GOOD
from game.scenes.base import Transition
from game.scenes.play import PlayScene

if TYPE_CHECKING:
    from game.engine.context import GameContext

#: Pushes a minute the course asks for at pace 1.0 (what holds ~5.5 m/s on the flat); jogging
#: at the bindings' full cadence counts as this many (:data:`game.modes.ski.rules.STRIDE_POWER_W_PER_KG`).
TARGET_PUSHES_PER_MIN = COMFORTABLE_PUSHES_PER_MIN
#: Bounds of the pace (the divisor of the player's power; :class:`game.modes.ski.rules.SkiWorld`).
MIN_PACE, MAX_PACE = 0.6, 1.6
#: Text colours of the gate popups, darker than the palette's green and red so they read on the
#: white snow (5.2:1 and 6:1 against it; WCAG 2.1 asks 4.5:1 of text).
GATE_TEXT = (30, 118, 58)
MISS_TEXT = (180, 36, 36)
#: Seconds between updates of the pace controller (it decides far more slowly itself).
PACE_UPDATE_S = 0.5


class SkiScene(PlayScene):
    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        level = ctx.level
        assert isinstance(level, Level)
        self.world = SkiWorld(level)
        self._view: CourseView | None = None
        self._hud: SkiHud | None = None
        self._stride = 0.0
        self._pushes = RecentRate(window_s=12.0)
        self._gates = SuccessShare(n=8)
        self.pace_controller: PaceController | None = controller_for_level(
            level.adaptive, level.effort_band, min_pace=MIN_PACE, max_pace=MAX_PACE
        )
        self._pace_due_s = 0.0
        self._last_dt = 0.0
        self._autopilot = SkiAutopilot(ctx.steer) if ctx.steer is not None else None

    @property
    def finished(self) -> bool:
        return self.world.finished

    @property
    def score(self) -> int:
        return self.world.score

    @property
    def elapsed_s(self) -> float:
        return self.world.elapsed_s

    # -- rules -------------------------------------------------------------------------------
    def play(self, frame: InputFrame, dt: float) -> None:
        now = self.ctx.clock()
        world = self.world
        self._stride = max(0.0, frame.axis("stride"))
        swings_before = world.stats.swings
        for ev in world.update(frame, dt):
            self._on_event(ev, now)
        if world.stats.swings > swings_before:
            self._pushes.add(world.elapsed_s)
        self._follow_effort(now)
        if self._autopilot is not None:
            self._autopilot.tempo = world.pace
            self._autopilot.drive(world, now)

    def _on_event(self, ev: GameEvent, now_ns: int) -> None:
        data = {"at_m": round(ev.at_m, 1), "offset_m": round(ev.offset_m, 2), "score": self.world.score}
        self.ctx.record_event(now_ns, f"game.{ev.kind}", data)
        if ev.kind in ("gate", "miss"):
            self._gates.add(ev.kind == "gate")
        if ev.kind in ("gate", "miss"):
            self.ctx.sound.play(ev.kind)  # the finish has its cue from the base scene
        rect = self._view.skier_rect if self._view is not None else pygame.Rect(0, 0, 0, 0)
        pos = (rect.centerx, rect.top)
        if ev.kind == "gate":
            self.effects.burst(pos, GOOD, count=28)
            self.effects.popup(tr("ski.effect.gate"), pos, GATE_TEXT)
        elif ev.kind == "miss":
            self.effects.popup(tr("ski.effect.miss", seconds=f"{self.world.level.miss_penalty_s:g}"), pos, MISS_TEXT)
        elif ev.kind == "finish":
            self.effects.burst(pos, ACCENT, count=60, speed=420.0)
            self.effects.popup(tr("ski.effect.finish"), pos, ACCENT)
        else:
            self.effects.popup(tr("ski.effect.timeout"), pos, MISS_TEXT)

    def moves_per_min(self) -> float:
        """The player's recent tempo in pushes a minute, jogging counted at its power's worth."""
        return self._pushes.per_min(self.world.elapsed_s) + self._stride * TARGET_PUSHES_PER_MIN

    def _follow_effort(self, now_ns: int) -> None:
        """Adapt the pace toward the level's effort band (:mod:`game.engine.difficulty`): the
        heart rate when a strap is on, else the tempo against the one asked for and the share
        of gates passed."""
        controller = self.pace_controller
        if controller is None or self.world.elapsed_s < self._pace_due_s:
            return
        self._pace_due_s = self.world.elapsed_s + PACE_UPDATE_S
        effort = effort_from_context(
            self.ctx,
            moves_per_min=self.moves_per_min(),
            target_moves_per_min=TARGET_PUSHES_PER_MIN * self.world.pace,
            success=self._gates.share,
            now_ns=now_ns,
        )
        self.world.pace = controller.update(self.world.elapsed_s, effort)

    def mode_summary(self) -> dict[str, Any]:
        w, s = self.world, self.world.stats
        summary: dict[str, Any] = {
            "distance_m": round(w.distance_m, 1),
            "length_m": w.level.length_m,
            "race_time_s": round(w.race_time_s, 2),
            "penalty_s": round(w.penalty_s, 2),
            "gates_passed": s.gates_passed,
            "gates_missed": s.gates_missed,
            "gates_total": len(w.level.gates),
            "mean_speed_mps": round(w.mean_speed_mps, 2),
            "top_speed_mps": round(s.top_speed_mps, 2),
            "tuck_s": round(s.tuck_s, 1),
            "swings": s.swings,
            "climbed_m": round(s.climbed_m, 1),
            "timed_out": w.timed_out,
        }
        if self.pace_controller is not None:
            summary["pace_final"] = round(w.pace, 3)
        return summary

    # -- drawing -----------------------------------------------------------------------------
    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        self._last_dt = dt
        return super().update(frame, dt)

    def render(self, screen: pygame.Surface) -> None:
        size = screen.get_size()
        if self._view is None or self._view.size != size:
            self._view = CourseView(size, self.world.level)
            self._hud = SkiHud(self.world.level, size)
        assert self._hud is not None
        self._view.draw(screen, self.world, self.world.elapsed_s, self._last_dt, self._stride)
        self._hud.draw(screen, self.ctx.text, self.ctx.live, self.ctx.clock(), self.world, self.moves_per_min())
