"""Target punch's autopilot: makes a simulated player punch, reach, squat, side-step and lean
in time for the targets, as a player who sees them coming would.

One :class:`PunchAutopilot` per simulated player. One-off movements go through ``pilot``
(:data:`game.engine.context.Autopilot`: "punch", "wave" for arms up, "squat"); held positions
(a side step, a lean) through ``steer`` (:data:`game.engine.context.Steer`), which keeps the
player standing ("idle") otherwise, so the simulated player's scripted jog does not run
through the round.
"""

from __future__ import annotations

from game.engine.context import Autopilot, Steer
from game.modes.punch.rules import PunchWorld

# Lead times (s of real time) from asking for a movement to the target opening. The simulated
# punch reaches full extension 0.44 s after it starts (sensors.sim.motions.Punch: 0.3 s into
# guard, 0.14 s out) and is recognised a little before full extension; arms raised sideways
# pass eye level ~0.35 s into the raise (ArmWave); a squat is low enough to hold "duck" from
# ~0.55 s to ~1.8 s after it starts (Squat: 1.1 s down, 0.25 s hold, 1.0 s up). Each aims at
# about 0.1 s after the target opens, inside rules.EARLY_S either way.
PUNCH_LEAD_S = 0.32
REACH_LEAD_S = 0.25
SQUAT_LEAD_S = 0.45
#: Held positions (step, lean) blend in over ~0.3 s (sensors.sim.player.STEER_BLEND_S).
HOLD_LEAD_S = 0.3
#: A side step of about one shoulder width (m): the pose detector's threshold is half of that.
STEP_M = 0.45
#: Lean asked for (-1 .. 1; 1 is a 30 deg tilt): past rules.LEAN_HIT with room for noise.
LEAN = 0.8
#: Targets looked ahead at.
LOOKAHEAD = 4

_MOVES = {"punch": ("punch", PUNCH_LEAD_S), "reach": ("wave", REACH_LEAD_S), "squat": ("squat", SQUAT_LEAD_S)}


class PunchAutopilot:
    """Drives one simulated player (``player``) from the world's coming targets."""

    def __init__(self, pilot: Autopilot | None, steer: Steer | None, player: int = 0) -> None:
        self.pilot = pilot
        self.steer = steer
        self.player = player
        self._asked: set[int] = set()
        self._held: tuple[float, float] | None = None  # (side_m, lean) last asked for

    def drive(self, world: PunchWorld, now_ns: int) -> None:
        rnd = world.rounds[self.player]
        pace = max(world.pace, 1e-6)
        side_m, lean = 0.0, 0.0
        looked = 0
        for target in world.visible():
            if target.index in rnd.resolved:
                continue
            looked += 1
            if looked > LOOKAHEAD:
                break
            eta_s = (target.open_s - world.t_s) / pace
            if target.kind in _MOVES:
                kind, lead = _MOVES[target.kind]
                if eta_s <= lead and target.index not in self._asked and self.pilot is not None:
                    self._asked.add(target.index)
                    self.pilot(kind, now_ns)
            elif eta_s <= HOLD_LEAD_S and (side_m, lean) == (0.0, 0.0):
                sign = -1.0 if target.side == "left" else 1.0
                if target.kind == "step":
                    side_m = sign * STEP_M
                else:
                    lean = sign * LEAN
        if self.steer is not None and self._held != (side_m, lean):
            self._held = (side_m, lean)
            self.steer(now_ns, "idle", side_m=side_m, lean=lean)
