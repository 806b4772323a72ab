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
#: Moves (hurdles, bars, arc coins) looked ahead at.
LOOKAHEAD = 3
#: A change of the asked cadence smaller than this (steps/min) is not passed on: the simulated
#: player's own step-to-step spread is larger.
STEER_STEP_SPM = 2.0
#: Cadence range the simulated player can jog at (sensors.sim.script.Segment).
SIM_CADENCE_SPM = (60.0, 240.0)

#: Host time between two looks ahead (ns): a display frame, finer than a movement needs.
SCAN_EVERY_NS = 16_000_000

#: ``steer(t_ns, activity, *, cadence_spm=...)`` of the simulated player (GameContext.steer).
Steer = Callable[..., None]


class RunnerAutopilot:
    """Drives the simulated player from the world's next spots and its target cadence."""

    def __init__(self, pilot: Autopilot, steer: Steer | None = None) -> None:
        self.pilot = pilot
        self.steer = steer
        self._asked: set[float] = set()
        self._steered_spm: float | None = None
        self._scanned_ns = -SCAN_EVERY_NS

    def drive(self, world: RunnerWorld, now_ns: int) -> None:
        if self.steer is not None:
            lo, hi = SIM_CADENCE_SPM
            want = min(hi, max(lo, world.target_cadence_spm))
            if self._steered_spm is None or abs(want - self._steered_spm) >= STEER_STEP_SPM:
                self._steered_spm = want
                self.steer(now_ns, "jog", cadence_spm=want)
        if now_ns - self._scanned_ns < SCAN_EVERY_NS:
            return
        self._scanned_ns = now_ns
        seen: set[float] = set()
        track = world.track
        for i in range(world.next_index, len(track)):
            ob = track[i]
            if ob is None or (ob.kind == "coin" and ob.arc < 0):
                continue
            # An arc is jumped for as one: the apex aimed at its middle.
            at_m = world.arc_centres.get(ob.arc, ob.at_m) if ob.arc >= 0 else ob.at_m
            if at_m not in seen:
                if len(seen) >= LOOKAHEAD:
                    break
                seen.add(at_m)
            if at_m in self._asked:
                continue
            jump = ob.kind != "bar"
            lead = JUMP_LEAD_S if jump else SQUAT_LEAD_S
            eta = (at_m - world.distance_m) / max(world.speed_mps, 0.3)
            if eta <= lead:
                self._asked.add(at_m)
                self.pilot("jump" if jump else "squat", now_ns)
