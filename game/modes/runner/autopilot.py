"""The runner's autopilot: the simulated player jogs at the cadence the game asks for and jumps
or squats in time for what comes, as a player who sees it coming would."""

from __future__ import annotations

from collections.abc import Callable

from game.engine.context import Autopilot
from game.modes.runner.rules import RunnerWorld

# Lead times (s) from the movement's start to the runner reaching the obstacle: the simulated
# counter-movement jump leaves the ground 0.6 s after it starts (sensors.sim.motions.Jump), the
# game jump starts a frame or two later and is highest 0.25 s after that; a squat is low enough
# to duck from ~0.6 s to ~1.9 s after it starts.
JUMP_LEAD_S = 0.92
SQUAT_LEAD_S = 1.2
#: Spots looked ahead at.
LOOKAHEAD = 3
#: A change of the asked cadence smaller than this (steps/min) is not passed on: the simulated
#: player's own step-to-step spread is larger.
STEER_STEP_SPM = 2.0
#: Cadence range the simulated player can jog at (sensors.sim.script.Segment).
SIM_CADENCE_SPM = (60.0, 240.0)

#: ``steer(t_ns, activity, *, cadence_spm=...)`` of the simulated player (GameContext.steer).
Steer = Callable[..., None]


class RunnerAutopilot:
    """Drives the simulated player from the world's next spots and its target cadence."""

    def __init__(self, pilot: Autopilot, steer: Steer | None = None) -> None:
        self.pilot = pilot
        self.steer = steer
        self._asked: set[float] = set()
        self._steered_spm: float | None = None
        self._next_spot = 0

    def drive(self, world: RunnerWorld, now_ns: int) -> None:
        if self.steer is not None:
            lo, hi = SIM_CADENCE_SPM
            want = min(hi, max(lo, world.target_cadence_spm))
            if self._steered_spm is None or abs(want - self._steered_spm) >= STEER_STEP_SPM:
                self._steered_spm = want
                self.steer(now_ns, "jog", cadence_spm=want)
        spots = world.level.spots
        while self._next_spot < len(spots) and spots[self._next_spot].at_m < world.distance_m:
            self._next_spot += 1
        for spot in spots[self._next_spot : self._next_spot + LOOKAHEAD]:
            if spot.kind == "coin" or spot.at_m in self._asked:
                continue
            jump = spot.kind in ("hurdle", "arc")
            lead = JUMP_LEAD_S if jump else SQUAT_LEAD_S
            eta = (spot.at_m - world.distance_m) / max(world.speed_mps, 0.3)
            if eta <= lead:
                self._asked.add(spot.at_m)
                self.pilot("jump" if jump else "squat", now_ns)
