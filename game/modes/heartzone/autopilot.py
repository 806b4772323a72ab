"""The heart-zone autopilot: the simulated player jogs or rests to keep its heart rate in the band,
as a player who watches the gauge would ("move more" / "ease off").

It switches between jogging and resting at two thresholds inside the band, a third of the
band's width in from each edge: far enough in that the heart rate, which keeps moving for a
moment after the switch (first-order kinetics, :mod:`sensors.sim.heart`), stays in the band,
and far enough apart that the player does not flip every second on beat-to-beat noise.

While jogging below the band it reads where the heart rate is heading: a first-order response
levels off at about ``HR + tau * dHR/dt`` (tau: the heart's time constant on the way up, 30 s in
:mod:`sensors.sim.heart`). When that is short of the band's centre, it jogs faster. Reaching the
upper threshold very quickly makes it jog slower next time, so the swings stay small. Like a
player who sees the next band coming on the curve, it turns to the next phase's band
:data:`LOOK_AHEAD_S` before that phase begins.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

from game.engine.difficulty import IntensityBand
from game.modes.heartzone.level import Level

#: ``steer(t_ns, activity, cadence_spm=...)``: :meth:`sensors.sim.source.SimulatedSource.steer`.
Steer = Callable[..., None]

START_CADENCE_SPM = 150.0
MIN_CADENCE_SPM = 100.0
#: Sprinting on the spot; what the fittest simulated player needs for a vigorous band.
MAX_CADENCE_SPM = 220.0
CADENCE_STEP_SPM = 15.0
#: Thresholds a third of the band's width in from each edge.
SWITCH_INSET = 1.0 / 3.0
#: Time constant of the heart rate's rise (s), for reading where it levels off.
TAU_UP_S = 30.0
#: Seconds over which the rise is measured, and between cadence changes.
SLOPE_S = 5.0
#: Reaching the upper threshold sooner than this after starting to jog: jog slower next time.
QUICK_RISE_S = 8.0
#: Seconds before a new phase at which the pilot aims for its band.
LOOK_AHEAD_S = 15.0


class HeartZonePilot:
    """Steers the simulated player from the current %HRR and the level; call :meth:`drive` each frame."""

    def __init__(self, steer: Steer) -> None:
        self.steer = steer
        self.activity: str | None = None
        self.cadence_spm = START_CADENCE_SPM
        self._jog_since_s = 0.0
        self._changed_s = 0.0
        self._history: deque[tuple[float, float]] = deque()

    @staticmethod
    def aim(level: Level, t_s: float) -> IntensityBand:
        """The band to aim for at ``t_s``: the current phase's, or the next one's just before it."""
        phase = level.phase_at(t_s)
        if phase.end_s - t_s < LOOK_AHEAD_S and t_s + LOOK_AHEAD_S < level.total_s:
            return level.phase_at(phase.end_s).band
        return phase.band

    def drive(self, now_ns: int, t_s: float, hrr: float | None, band: IntensityBand) -> None:
        if hrr is None:
            return
        self._history.append((t_s, hrr))
        while self._history and self._history[0][0] < t_s - SLOPE_S:
            self._history.popleft()
        low = band.lo + SWITCH_INSET * band.width
        high = band.hi - SWITCH_INSET * band.width
        if self.activity != "jog" and hrr < low:
            self.activity = "jog"
            self._jog_since_s = self._changed_s = t_s
            self.steer(now_ns, "jog", cadence_spm=self.cadence_spm)
        elif self.activity == "jog" and hrr > high:
            if t_s - self._jog_since_s < QUICK_RISE_S:
                self.cadence_spm = max(MIN_CADENCE_SPM, self.cadence_spm - CADENCE_STEP_SPM)
            self.activity = "rest"
            self.steer(now_ns, "rest")
        elif self.activity is None:
            self.activity = "rest"
            self.steer(now_ns, "rest")
        elif self.activity == "jog" and t_s - self._changed_s >= SLOPE_S and self.cadence_spm < MAX_CADENCE_SPM:
            t0, h0 = self._history[0]
            if t_s - t0 >= SLOPE_S * 0.8:
                heading = hrr + TAU_UP_S * (hrr - h0) / (t_s - t0)
                if heading < band.centre:
                    self.cadence_spm = min(MAX_CADENCE_SPM, self.cadence_spm + CADENCE_STEP_SPM)
                    self._changed_s = t_s
                    self.steer(now_ns, "jog", cadence_spm=self.cadence_spm)
