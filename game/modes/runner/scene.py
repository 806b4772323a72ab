"""The runner's play scene: draws the world from :mod:`game.modes.runner.rules` and feeds it input."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pygame

from game.input.mapper import InputFrame
from game.modes.runner.autopilot import RunnerAutopilot
from game.modes.runner.hud import draw_runner_hud
from game.modes.runner.level import Level
from game.modes.runner.rules import HURDLE_CLEAR_M, GameEvent, RunnerWorld
from game.render.backdrop import Backdrop
from game.render.palette import ACCENT, BAD, GOOD, INK, PAPER
from game.scenes.play import PlayScene

if TYPE_CHECKING:
    from game.engine.context import GameContext


class RunnerScene(PlayScene):
    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        level = ctx.level
        assert isinstance(level, Level)
        self.world = RunnerWorld(level, cadence_full_spm=ctx.mapper.bindings.cadence_full_spm)
        self._backdrop: Backdrop | None = None
        self._flashes: list[tuple[float, str, GameEvent]] = []
        self._autopilot = RunnerAutopilot(ctx.autopilot) if ctx.autopilot is not None else None

    @property
    def finished(self) -> bool:
        return self.world.finished

    @property
    def score(self) -> int:
        return self.world.score

    @property
    def elapsed_s(self) -> float:
        return self.world.elapsed_s

    def play(self, frame: InputFrame, dt: float) -> None:
        now = self.ctx.clock()
        for ev in self.world.update(frame, dt):
            self._flashes.append((self.time_s, ev.kind, ev))
            data = {"obstacle": ev.obstacle, "at_m": round(ev.at_m, 2), "score": self.world.score}
            self.ctx.record_event(now, f"game.{ev.kind}", data)
        self._flashes = [f for f in self._flashes if self.time_s - f[0] < 1.0]
        if self._autopilot is not None:
            self._autopilot.drive(self.world, now)

    def mode_summary(self) -> dict[str, Any]:
        w, s = self.world, self.world.stats
        return {
            "distance_m": round(w.distance_m, 1),
            "hurdles_cleared": s.hurdles_cleared,
            "hurdles_hit": s.hurdles_hit,
            "bars_cleared": s.bars_cleared,
            "bars_hit": s.bars_hit,
            "coins": s.coins,
            "top_speed_mps": round(s.top_speed_mps, 2),
        }

    # -- drawing -----------------------------------------------------------------------------
    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        if self._backdrop is None or self._backdrop.size != (w, h):
            self._backdrop = Backdrop((w, h))
        px_per_m = h / 6.0
        self._backdrop.draw(screen, self.world.distance_m * px_per_m)
        ground = self._backdrop.ground_y
        runner_x = w * 0.25

        for ob in self.world.level.obstacles[max(0, self.world.next_index - 3) :]:
            x = runner_x + (ob.at_m - self.world.distance_m) * px_per_m
            if x > w + 100:
                break
            if x < -100:
                continue
            self._draw_obstacle(screen, ob.kind, x, ground, px_per_m)
        finish_x = runner_x + (self.world.level.length_m - self.world.distance_m) * px_per_m
        if finish_x < w + 50:
            for i in range(8):
                colour = INK if i % 2 else PAPER
                pygame.draw.rect(screen, colour, (finish_x, ground - (i + 1) * h * 0.05, 12, h * 0.05))

        self._draw_runner(screen, runner_x, ground, px_per_m)
        for t0, kind, _ev in self._flashes:
            age = self.time_s - t0
            label = {"clear": "+50", "hit": "ouch!", "coin": "+10", "finish": "FINISH"}[kind]
            colour = {"clear": GOOD, "hit": BAD, "coin": ACCENT, "finish": ACCENT}[kind]
            self.ctx.text.draw(
                screen, label, h // 14, colour, (runner_x + h * 0.12, ground - h * 0.5 - age * h * 0.1), "midbottom", bold=True
            )

        draw_runner_hud(screen, self.ctx.text, self.ctx.live, self.ctx.clock(), self.world)

    @staticmethod
    def _draw_obstacle(screen: pygame.Surface, kind: str, x: float, ground: int, px_per_m: float) -> None:
        if kind == "hurdle":
            top = ground - HURDLE_CLEAR_M * 1.4 * px_per_m
            pygame.draw.rect(screen, (230, 230, 230), (x - 4, top, 8, ground - top))
            pygame.draw.rect(screen, BAD, (x - 0.3 * px_per_m, top, 0.6 * px_per_m, 0.12 * px_per_m), border_radius=3)
        elif kind == "bar":
            y = ground - 1.25 * px_per_m
            pygame.draw.rect(screen, (60, 60, 70), (x - 5, ground - 2.4 * px_per_m, 10, 2.4 * px_per_m))
            pygame.draw.rect(screen, (250, 200, 40), (x - 0.5 * px_per_m, y, 1.0 * px_per_m, 0.15 * px_per_m), border_radius=3)
        else:
            pygame.draw.circle(screen, (250, 204, 48), (x, ground - 0.6 * px_per_m), 0.15 * px_per_m)
            pygame.draw.circle(screen, (200, 150, 20), (x, ground - 0.6 * px_per_m), 0.15 * px_per_m, 3)

    def _draw_runner(self, screen: pygame.Surface, x: float, ground: int, px_per_m: float) -> None:
        wld = self.world
        body_h = 1.7 * px_per_m * (0.62 if wld.ducking else 1.0)
        foot_y = ground - wld.height_m * px_per_m
        hip_y = foot_y - body_h * 0.5
        neck_y = hip_y - body_h * 0.32
        head_r = body_h * 0.08
        # Leg and arm swing follow the distance run, so the legs move as fast as the runner.
        phase = wld.distance_m / max(0.5, wld.level.stride_m) * math.pi
        swing = math.sin(phase) * (0.5 if wld.speed_mps > 0.2 and not wld.airborne else 0.1)
        leg = body_h * 0.5
        width = max(4, round(px_per_m * 0.09))
        colour = ACCENT if wld.stumble_s <= 0 else BAD
        for s in (swing, -swing):
            if wld.airborne:
                knee = (x + leg * 0.35, hip_y + leg * 0.35)
                foot = (x - leg * 0.05, hip_y + leg * 0.7)
            else:
                knee = (x + math.sin(s) * leg * 0.5, hip_y + leg * 0.5)
                foot = (x + math.sin(s) * leg * 0.9 - abs(s) * leg * 0.1, foot_y)
            pygame.draw.line(screen, INK, (x, hip_y), knee, width)
            pygame.draw.line(screen, INK, knee, foot, width)
            hand = (x - math.sin(s) * body_h * 0.22, neck_y + body_h * 0.28)
            pygame.draw.line(screen, INK, (x, neck_y + body_h * 0.04), hand, width - 1)
        pygame.draw.line(screen, colour, (x, hip_y), (x + body_h * 0.04, neck_y), width + 6)
        pygame.draw.circle(screen, colour, (x + body_h * 0.05, neck_y - head_r * 1.3), head_r)
