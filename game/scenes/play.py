"""What every mode's play scene shares: pause, finishing, the session summary, the results.

A mode's scene subclasses :class:`PlayScene`, advances its own rules in :meth:`PlayScene.play`
and says when the round is over (:attr:`PlayScene.finished`). The base pauses on ``pause`` or
``back``, closes the session with a summary made of the engine's figures (time, heart rate,
movements) and the mode's own (:meth:`PlayScene.mode_summary`), and shows the results.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from game.input.mapper import InputFrame
from game.scenes.base import Scene, Transition

if TYPE_CHECKING:
    from game.engine.context import GameContext

#: Seconds the finished round stays on screen before the results.
RESULTS_DELAY_S = 1.0


class PlayScene(Scene):
    """Base of a mode's play scene."""

    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        self._finished_for_s = 0.0

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
    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        if "pause" in frame.pressed or "back" in frame.pressed:
            from game.scenes.pause import PauseScene

            return Transition("push", PauseScene(self.ctx))
        self.play(frame, dt)
        if self.finished:
            self._finished_for_s += dt
            if self._finished_for_s >= RESULTS_DELAY_S:
                return self.finish(completed=True)
        return None

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
        return Transition("replace", ResultsScene(self.ctx, summary))
