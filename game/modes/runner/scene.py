"""The runner's play scene: feeds input to :mod:`game.modes.runner.rules`, adapts the pace to the
player's effort on adaptive levels (:mod:`game.engine.difficulty`), answers every event with an
effect and a sound, and draws the world."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.difficulty import MODERATE, PaceController, SuccessShare, controller_for_level, effort_from_context
from game.i18n import tr
from game.input.mapper import InputFrame
from game.modes.runner.autopilot import RunnerAutopilot
from game.modes.runner.figure import draw_runner
from game.modes.runner.hud import draw_runner_hud
from game.modes.runner.level import Level
from game.modes.runner.rules import HURDLE_CLEAR_M, GameEvent, RunnerWorld, combo_multiplier
from game.modes.runner.scenery import Scenery
from game.render.palette import ACCENT, BAD, GOOD, INK, PAPER
from game.scenes.play import PlayScene

if TYPE_CHECKING:
    from game.engine.context import GameContext

#: Cadence range (steps/min) the adapted target stays within: a brisk march to a fast sprint on
#: the spot; the pace bounds follow from it and the level's target.
PACE_CADENCE_SPM = (80.0, 230.0)
#: Seconds the speed line shows that the target moved.
TREND_SHOWN_S = 4.0
#: Metres of track across the screen's height: the scale of the world.
VIEW_HEIGHT_M = 5.0
COIN: tuple[int, int, int] = (250, 204, 48)
COIN_R_M, ARC_COIN_R_M = 0.15, 0.11  # drawn radius of a coin (metres)
COIN_EDGE: tuple[int, int, int] = (196, 142, 20)
HURDLE_WHITE: tuple[int, int, int] = (240, 240, 236)
BAR_WOOD: tuple[int, int, int] = (150, 96, 52)
BAR_POST: tuple[int, int, int] = (70, 70, 80)


def pace_controller(level: Level) -> PaceController | None:
    """The level's pace controller (None unless the level is adaptive), bounded so the target
    cadence stays within :data:`PACE_CADENCE_SPM`."""
    lo, hi = PACE_CADENCE_SPM
    target = level.target_cadence_spm
    return controller_for_level(
        level.adaptive, level.effort_band, default=MODERATE, min_pace=min(1.0, lo / target), max_pace=max(1.0, hi / target)
    )


class RunnerScene(PlayScene):
    def __init__(self, ctx: GameContext, *, adaptive: bool | None = None) -> None:
        """``adaptive``: None follows the level; False keeps the written pace (for comparison)."""
        super().__init__(ctx)
        level = ctx.level
        assert isinstance(level, Level)
        self.world = RunnerWorld(level, cadence_full_spm=ctx.mapper.bindings.cadence_full_spm)
        self.pace = pace_controller(level) if adaptive is not False else None
        self._success = SuccessShare()
        self._scenery: Scenery | None = None
        self._autopilot = RunnerAutopilot(ctx.autopilot, ctx.steer) if ctx.autopilot is not None else None
        self._trend = 0
        self._trend_until_s = 0.0
        self._jumps = 0
        w, h = ctx.config.size
        self._geom = (w * 0.25, h * 0.8, h / VIEW_HEIGHT_M)  # runner x, track y, px per metre

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
        w = self.world
        motion = self.ctx.live.motion_live(now)
        for ev in w.update(frame, dt, axis_is_cadence=motion):
            data = {"obstacle": ev.obstacle, "at_m": round(ev.at_m, 2), "score": w.score, "combo": ev.combo}
            self.ctx.record_event(now, f"game.{ev.kind}", data)
            self._feedback(ev)
        if w.stats.jumps > self._jumps:
            self._jumps = w.stats.jumps
            self.ctx.sound.play("jump")
        if self.pace is not None and not w.finished:
            effort = effort_from_context(
                self.ctx,
                moves_per_min=w.cadence_spm if motion else None,
                target_moves_per_min=w.target_cadence_spm,
                success=self._success.share,
                now_ns=now,
            )
            before = w.pace
            w.pace = self.pace.update(w.elapsed_s, effort)
            if w.pace != before:
                self._trend = 1 if w.pace > before else -1
                self._trend_until_s = w.elapsed_s + TREND_SHOWN_S
                self.ctx.record_event(
                    now,
                    "game.pace",
                    {"pace": round(w.pace, 3), "target_spm": round(w.target_cadence_spm, 1), "reason": self.pace.last_reason},
                )
        if w.elapsed_s > self._trend_until_s:
            self._trend = 0
        if self._autopilot is not None:
            self._autopilot.drive(w, now)

    def _screen_pos(self, at_m: float, height_m: float) -> tuple[float, float]:
        runner_x, track_y, px = self._geom
        return runner_x + (at_m - self.world.distance_m) * px, track_y - height_m * px

    def _stacked(self) -> float:
        """Pixels to lift a new popup by, so it does not cover the ones still rising."""
        fresh = sum(1 for p in self.effects.popups if p.age_s < 0.5)
        return fresh * self._geom[2] * 0.35

    def _feedback(self, ev: GameEvent) -> None:
        """An effect where it happened and a sound, for every event of the rules."""
        fx, sound = self.effects, self.ctx.sound
        runner_x, track_y, px = self._geom
        if ev.kind == "clear":
            self._success.add(True)
            fx.burst(self._screen_pos(ev.at_m, 0.5), GOOD, count=18)
            fx.popup(f"+{ev.points}", (runner_x + px * 0.4, track_y - px * 2.1 - self._stacked()), GOOD)
            sound.play("hit")
        elif ev.kind == "hit":
            self._success.add(False)
            fx.burst(self._screen_pos(ev.at_m, 0.6), BAD, count=30, speed=260)
            fx.popup(tr("runner.effect.ouch"), (runner_x + px * 0.4, track_y - px * 2.1 - self._stacked()), BAD)
            sound.play("miss")
        elif ev.kind in ("coin", "arc_coin"):
            fx.burst(self._screen_pos(ev.at_m, ev.height_m), COIN, count=10, speed=200, life_s=0.4)
            sound.play("coin")
        elif ev.kind == "arc_done" and ev.points > 0:
            label = (
                f"{tr('runner.effect.arc')} +{ev.points}"
                if ev.obstacle.split("/")[0] == ev.obstacle.split("/")[-1]
                else f"+{ev.points}"
            )
            fx.popup(label, (runner_x + px * 0.9, track_y - px * 2.9 - self._stacked()), COIN, max(16, round(px * 0.3)))
        elif ev.kind == "combo":
            fx.popup(tr("runner.effect.combo", multiplier=ev.combo), (runner_x + px * 2.8, track_y - px * 3.1), ACCENT)
            fx.burst((runner_x, track_y - px * 1.0), ACCENT, count=40, speed=380)
            sound.play("combo")
        elif ev.kind == "finish":
            # Its sound comes from the play scene's base, as for every mode.
            fx.popup(tr("runner.effect.finish"), (runner_x + px * 1.5, track_y - px * 2.5), ACCENT, round(px * 0.6))

    def mode_summary(self) -> dict[str, Any]:
        w, s = self.world, self.world.stats
        mean, target = s.mean_cadence_spm, s.mean_target_spm
        return {
            "distance_m": round(w.distance_m, 1),
            "obstacles_cleared": s.cleared,
            "obstacles_missed": s.missed,
            "hurdles_cleared": s.hurdles_cleared,
            "hurdles_hit": s.hurdles_hit,
            "bars_cleared": s.bars_cleared,
            "bars_hit": s.bars_hit,
            "coins": s.coins,
            "arc_coins": s.arc_coins,
            "arc_coins_missed": s.arc_coins_missed,
            "arcs_met": w.arcs_met,
            "arcs_full": s.arcs_full,
            "moves_eased": s.eased,
            "best_streak": s.best_streak,
            "best_combo": combo_multiplier(s.best_streak),
            "mean_cadence_spm": None if mean is None else round(mean, 1),
            "mean_target_cadence_spm": None if target is None else round(target, 1),
            "on_pace_s": round(s.on_pace_s, 1),
            "adaptive": self.pace is not None,
            "final_pace": round(w.pace, 3),
            "top_speed_mps": round(s.top_speed_mps, 2),
        }

    # -- drawing -----------------------------------------------------------------------------
    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        if self._scenery is None or self._scenery.size != (w, h):
            self._scenery = Scenery((w, h))
        px = h / VIEW_HEIGHT_M
        world = self.world
        self._scenery.draw(screen, world.distance_m * px)
        track = self._scenery.track_y
        runner_x = w * 0.22
        self._geom = (runner_x, track, px)

        spin = self.time_s * 5.0
        for ob in world.track[max(0, world.next_index - 8) :]:
            if ob is None:
                continue
            x = runner_x + (ob.at_m - world.distance_m) * px
            if x > w + 100:
                break
            if x < -100:
                continue
            if ob.kind == "coin":
                radius_m = ARC_COIN_R_M if ob.arc >= 0 else COIN_R_M  # arc coins sit close together
                self._draw_coin(screen, x, track - ob.height_m * px, radius_m * px, spin + ob.at_m)
            else:
                self._draw_obstacle(screen, ob.kind, x, track, px)
        finish_x = runner_x + (world.level.length_m - world.distance_m) * px
        if finish_x < w + 50:
            self._draw_finish(screen, finish_x, track, px)

        # The runner: a shadow on the path that shrinks as it leaves the ground.
        shadow_w = px * 0.7 * (1.0 - 0.4 * min(1.0, world.height_m / 0.6))
        pygame.draw.ellipse(screen, (110, 86, 60), (runner_x - shadow_w / 2, track - px * 0.06, shadow_w, px * 0.12))
        phase = world.distance_m / max(0.3, world.level.stride_m) * math.pi
        running = min(1.0, world.speed_mps / max(0.1, world.level.expected_speed_mps))
        draw_runner(
            screen,
            runner_x,
            track - world.height_m * px,
            1.75 * px,
            phase,
            running=running,
            airborne=world.airborne,
            ducking=world.ducking,
            hurt=world.stumble_s > 0,
        )
        draw_runner_hud(screen, self.ctx.text, self.ctx.live, self.ctx.clock(), world, self._trend)

    @staticmethod
    def _draw_coin(screen: pygame.Surface, x: float, y: float, r: float, spin: float) -> None:
        squash = max(0.25, abs(math.cos(spin)))  # a turning coin: its width breathes
        rect = pygame.Rect(0, 0, max(3, round(2 * r * squash)), round(2 * r))
        rect.center = (round(x), round(y))
        pygame.draw.ellipse(screen, COIN_EDGE, rect)
        inner = rect.inflate(-max(2, rect.w // 4), -max(2, rect.h // 4))
        if inner.w > 1:
            pygame.draw.ellipse(screen, COIN, inner)

    @staticmethod
    def _draw_obstacle(screen: pygame.Surface, kind: str, x: float, ground: float, px: float) -> None:
        if kind == "hurdle":
            top = ground - HURDLE_CLEAR_M * 1.3 * px
            post = max(4, round(px * 0.05))
            for dx in (-0.22 * px, 0.22 * px):
                pygame.draw.rect(screen, HURDLE_WHITE, (x + dx - post / 2, top, post, ground - top))
                pygame.draw.rect(screen, INK, (x + dx - post, ground - post / 2, post * 2 + 2, post))
            bar_h = max(6, round(px * 0.1))
            bar = pygame.Rect(round(x - 0.32 * px), round(top), round(0.64 * px), bar_h)
            pygame.draw.rect(screen, HURDLE_WHITE, bar, border_radius=2)
            for i in range(4):  # red stripes, as on a track hurdle
                stripe = pygame.Rect(bar.x + i * bar.w // 4, bar.y, bar.w // 8, bar.h)
                pygame.draw.rect(screen, BAD, stripe)
        else:  # bar: a log across two posts at chest height
            y = ground - 1.2 * px
            post = max(6, round(px * 0.07))
            for dx in (-0.45 * px, 0.45 * px):
                pygame.draw.rect(screen, BAR_POST, (x + dx - post / 2, ground - 2.2 * px, post, 2.2 * px))
            log = pygame.Rect(round(x - 0.6 * px), round(y), round(1.2 * px), max(8, round(px * 0.16)))
            pygame.draw.rect(screen, BAR_WOOD, log, border_radius=log.h // 2)
            pygame.draw.rect(screen, (110, 70, 36), log, 2, border_radius=log.h // 2)
            pygame.draw.rect(screen, (250, 200, 40), (log.x + log.w * 0.35, log.y, log.w * 0.3, log.h))

    @staticmethod
    def _draw_finish(screen: pygame.Surface, x: float, ground: float, px: float) -> None:
        height = 2.6 * px
        pole = max(5, round(px * 0.06))
        pygame.draw.rect(screen, INK, (x - pole / 2, ground - height, pole, height))
        cell = max(6, round(px * 0.16))
        for row in range(3):
            for col in range(6):
                colour = INK if (row + col) % 2 else PAPER
                pygame.draw.rect(screen, colour, (x + pole / 2 + col * cell, ground - height + row * cell, cell, cell))
