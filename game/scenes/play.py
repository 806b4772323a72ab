"""What every mode's play scene shares: pause, finishing, the session summary, the results.

A mode's scene subclasses :class:`PlayScene`, advances its own rules in :meth:`PlayScene.play`
and says when the round is over (:attr:`PlayScene.finished`). The base counts down 3-2-1-go
before the first :meth:`PlayScene.play` (the countdown is not played time: ``play`` is not
called during it), pauses on ``pause`` or ``back``, keeps a trace of the heart rate for the
results, closes the session with a summary made of the engine's figures (time, heart rate,
movements) and the mode's own (:meth:`PlayScene.mode_summary`), and shows the results.

A mode gives feedback through :attr:`PlayScene.effects` (bursts and popups, drawn above the
mode's own picture by the app) and ``ctx.sound.play(cue)``. The mode's music starts when its
scene does; a mode whose pace changes may have the music follow it with
``ctx.sound.set_tempo(pace)`` (10 % steps, so a slowly drifting pace is not a stream of changes).
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING, Any

import pygame

from game.i18n import tr
from game.input.mapper import InputFrame
from game.render.effects import Effects
from game.render.palette import ACCENT, INK, PAPER
from game.scenes.base import Scene, Transition

if TYPE_CHECKING:
    from game.engine.context import GameContext

#: Seconds the finished round stays on screen before the results.
RESULTS_DELAY_S = 1.0
#: The countdown before play: 3, 2, 1, one second each, then "go" shown over the first moments.
COUNTDOWN_S = 3.0
GO_SHOWN_S = 0.7
#: The heart-rate trace for the results: one reading per second, at most an hour of them.
HR_TRACE_PERIOD_S = 1.0
HR_TRACE_MAX = 3600


class PlayScene(Scene):
    """Base of a mode's play scene."""

    #: Seconds of 3-2-1 before play; a subclass (or a test) may set 0 to start at once.
    countdown_s: float = COUNTDOWN_S

    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self._finished_for_s = 0.0
        self._count_s = 0.0  # countdown time elapsed
        self._since_go_s = 0.0  # time since the countdown ended (for showing "go")
        self._started = self.countdown_s <= 0
        self.effects = Effects(ctx.text)
        #: (seconds of play, bpm) once a second while the strap is fresh; ``None`` bpm while not.
        self.hr_trace: deque[tuple[float, int | None]] = deque(maxlen=HR_TRACE_MAX)
        self._trace_due_s = 0.0

    # -- what a mode provides ----------------------------------------------------------------
    @property
    def finished(self) -> bool:
        """The round is over (finish line, time up ...)."""
        raise NotImplementedError

    @property
    def score(self) -> int:
        raise NotImplementedError

    @property
    def elapsed_s(self) -> float:
        """Seconds of play so far (paused time excluded)."""
        raise NotImplementedError

    def play(self, frame: InputFrame, dt: float) -> None:
        """Advance the mode's rules by one fixed step."""
        raise NotImplementedError

    def mode_summary(self) -> dict[str, Any]:
        """The mode's own figures for the session summary (JSON-ready)."""
        return {}

    # -- shared behaviour --------------------------------------------------------------------
    def enter(self) -> None:
        """The mode's own music (or the shared loop): again after a pause, which changes nothing."""
        self.ctx.sound.music(self.ctx.game_mode.name)

    @property
    def started(self) -> bool:
        """The countdown is over and the mode is playing."""
        return self._started

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        self.effects.update(dt)
        if "pause" in frame.pressed or "back" in frame.pressed:
            from game.scenes.pause import PauseScene

            return Transition("push", PauseScene(self.ctx))
        if not self._started:
            self._count_down(dt)
            return None
        self._since_go_s += dt
        self.play(frame, dt)
        self._trace_heart()
        if self.finished:
            if self._finished_for_s == 0.0:
                self.ctx.sound.play("finish")  # the moment the round ends, once, for every mode
            self._finished_for_s += dt
            if self._finished_for_s >= RESULTS_DELAY_S:
                return self.finish(completed=True)
        return None

    def _count_down(self, dt: float) -> None:
        before = self._count_s
        if before == 0.0:
            self.ctx.sound.play("countdown")
        self._count_s += dt
        # A little slack: 360 steps of 1/120 s add up to a hair under 3.0 in floating point.
        if self._count_s >= self.countdown_s - 1e-6:
            self._started = True
            self.ctx.sound.play("go")
        elif math.floor(self._count_s + 1e-6) > math.floor(before + 1e-6):
            self.ctx.sound.play("countdown")

    def _trace_heart(self) -> None:
        t = self.elapsed_s
        if t < self._trace_due_s:
            return
        self._trace_due_s = (math.floor(t / HR_TRACE_PERIOD_S + 1e-6) + 1) * HR_TRACE_PERIOD_S
        live = self.ctx.live
        self.hr_trace.append((round(t, 2), live.hr_bpm if live.hr_fresh(self.ctx.clock()) else None))

    def draw_overlay(self, screen: pygame.Surface) -> None:
        """Drawn by the app above the mode's picture: the effects, then the countdown."""
        self.effects.draw(screen)
        if not self._started:
            left = max(1, math.ceil(self.countdown_s - self._count_s))
            frac = self._count_s - math.floor(self._count_s)  # 0..1 within this second
            self._draw_big(screen, str(left), frac)
        elif self._since_go_s < GO_SHOWN_S:
            self._draw_big(screen, tr("countdown.go"), self._since_go_s / GO_SHOWN_S)

    def _draw_big(self, screen: pygame.Surface, label: str, frac: float) -> None:
        """A number that lands large and shrinks a little as its second passes, on a soft disc."""
        w, h = screen.get_size()
        full = round(h * 0.34)  # one font size, scaled: a font per frame would be slow
        scale = 1.0 - 0.25 * frac
        size = round(full * scale)
        centre = (w // 2, round(h * 0.48))
        disc = pygame.Surface((size * 2, size * 2), pygame.SRCALPHA)
        alpha = round(160 * (1.0 - 0.4 * frac))
        pygame.draw.circle(disc, (*INK, alpha), (size, size), round(size * 0.8))
        pygame.draw.circle(disc, (*ACCENT, 220), (size, size), round(size * 0.8), max(3, size // 18))
        screen.blit(disc, disc.get_rect(center=centre))
        surf = self.ctx.text.render(label, full, PAPER)  # the font is bold already; more would merge umlaut dots
        scale = min(scale, 1.4 * size / max(1, surf.get_width()))  # a long word stays inside the ring
        if scale < 0.999:
            surf = pygame.transform.smoothscale_by(surf, scale)
        screen.blit(surf, surf.get_rect(center=centre))

    def summary(self, completed: bool) -> dict[str, Any]:
        live = self.ctx.live
        hr_mean = live.heart.mean_bpm
        summary: dict[str, Any] = {
            "completed": completed,
            "mode": self.ctx.game_mode.name,
            "level": self.ctx.level.name,
            "score": self.score,
            # Seconds of play, pauses left out: part of the stored session's length (``session_s``,
            # from the level chosen to the results), never called a duration of the session.
            "played_s": round(self.elapsed_s, 2),
        }
        summary.update(self.mode_summary())
        summary.update(
            {
                "hr_mean_bpm": None if hr_mean is None else round(hr_mean, 1),
                "hr_max_bpm": live.heart.max_bpm or None,
                "seconds_in_intensity": {k: round(v, 1) for k, v in live.heart.seconds_in.items()},
                "motion_events": dict(live.motion_counts),
            }
        )
        return summary

    def finish(self, completed: bool) -> Transition:
        """Close the session and show the results. A round that reached its end but was left
        before the results showed still counts as completed."""
        from game.scenes.results import ResultsScene

        summary = self.summary(completed or self.finished)
        self.ctx.last_result = summary
        self.ctx.end_session(self.score, summary)
        return Transition("replace", ResultsScene(self.ctx, summary, hr_trace=list(self.hr_trace)))
