"""The runner's autopilot: asks the simulated player to jump or squat in time for obstacles,
as a player who sees them coming would."""

from __future__ import annotations

from game.engine.context import Autopilot
from game.modes.runner.rules import RunnerWorld

# Lead times (s) from the movement's start to the runner reaching the obstacle: the simulated
# counter-movement jump leaves the ground 0.6 s after it starts (sensors.sim.motions.Jump), the
# game jump starts a frame or two later and is highest 0.25 s after that; a squat is low enough
# to duck from ~0.6 s to ~1.9 s after it starts.
JUMP_LEAD_S = 0.92
SQUAT_LEAD_S = 1.2
#: Obstacles looked ahead at.
LOOKAHEAD = 3


class RunnerAutopilot:
    """Drives :data:`game.engine.context.Autopilot` from the world's next obstacles."""

    def __init__(self, pilot: Autopilot) -> None:
        self.pilot = pilot
        self._asked: set[float] = set()

    def drive(self, world: RunnerWorld, now_ns: int) -> None:
        for ob in world.level.obstacles[world.next_index : world.next_index + LOOKAHEAD]:
            if ob.kind == "coin" or ob.at_m in self._asked:
                continue
            lead = JUMP_LEAD_S if ob.kind == "hurdle" else SQUAT_LEAD_S
            eta = (ob.at_m - world.distance_m) / max(world.speed_mps, 0.3)
            if eta <= lead:
                self._asked.add(ob.at_m)
                self.pilot("jump" if ob.kind == "hurdle" else "squat", now_ns)
