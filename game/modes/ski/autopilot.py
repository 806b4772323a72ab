"""The ski autopilot: steers the simulated player as a skier who sees the course would.

It asks the simulated player (``ctx.steer``, :meth:`sensors.sim.source.SimulatedSource.steer`)
to keep up double-pole swings (or to jog on the spot) at a tempo that suits the terrain, to
lean towards the next gate, and to hold a tuck down the slopes. The player's movements then go
through the whole chain (pose, recognition, bindings), so what the game sees is what a real
player of that skill would give it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from game.modes.ski.rules import MAX_HEADING_RAD, SIDESTEP_MPS, SkiWorld

#: ``steer(t_ns, activity, *, cadence_spm=, rate_per_min=, lean=, side_m=, crouch=)``.
Steer = Callable[..., None]

#: Double-pole swings per minute on the flat and up a climb (faster uphill, where each push
#: carries less far), and the most the simulated player swings (``sensors.sim.script``: a whole
#: arm swing takes its time).
FLAT_RATE_PER_MIN = 30.0
CLIMB_RATE_PER_MIN = 38.0
MIN_RATE_PER_MIN, MAX_RATE_PER_MIN = 5.0, 40.0
#: Cadence (steps/min) when jogging instead of poling.
FLAT_CADENCE_SPM = 160.0
CLIMB_CADENCE_SPM = 185.0
MIN_CADENCE_SPM, MAX_CADENCE_SPM = 60.0, 240.0
#: Grades (rise/run) from which the terrain counts as a climb, and a slope worth tucking down.
CLIMB_GRADE = 0.025
TUCK_GRADE = -0.035
#: A tuck is only worth it above this speed (m/s): slower, poling gains more.
TUCK_MIN_SPEED_MPS = 4.0
#: How deep the tuck is held (0..1 of the simulated squat depth).
TUCK_CROUCH = 0.9
#: Seconds from a new lean asked of the simulated player to the skier turning: the player's
#: blend (~0.3 s), pose recognition and the heading's own lag.
STEER_LAG_S = 0.8
#: Lean is asked in steps of this size, so small changes do not restart the player's blend.
LEAN_STEP = 0.25
#: Distance (m) ahead from which the grade is looked at, so the tuck starts at the crest.
LOOKAHEAD_M = 8.0


@dataclass(frozen=True, slots=True)
class Command:
    """What the simulated player is asked to keep doing."""

    activity: str
    rate_per_min: float | None
    cadence_spm: float | None
    lean: float
    crouch: float


class SkiAutopilot:
    """Plans a :class:`Command` from the world each frame and passes it on when it changes.

    ``technique``: ``"pole"`` (double-pole swings) or ``"jog"`` (jogging on the spot).
    ``tempo``: multiplies the swing rate or cadence (the effort-following pace sets it).
    """

    def __init__(self, steer: Steer, technique: str = "pole") -> None:
        if technique not in ("pole", "jog"):
            raise ValueError(f"technique must be 'pole' or 'jog', got {technique!r}")
        self.steer = steer
        self.technique = technique
        self.tempo = 1.0
        self.last: Command | None = None

    def plan(self, world: SkiWorld) -> Command:
        grade = max(world.grade, world.level.profile.grade(world.distance_m + LOOKAHEAD_M))
        ahead = min(world.grade, world.level.profile.grade(world.distance_m + LOOKAHEAD_M))
        lean = self._lean(world)
        if ahead <= TUCK_GRADE and world.speed_mps >= TUCK_MIN_SPEED_MPS:
            return Command("idle", None, None, lean, TUCK_CROUCH)
        climb = grade >= CLIMB_GRADE
        if self.technique == "jog":
            cadence = (CLIMB_CADENCE_SPM if climb else FLAT_CADENCE_SPM) * self.tempo
            return Command("jog", None, round(min(MAX_CADENCE_SPM, max(MIN_CADENCE_SPM, cadence))), lean, 0.0)
        rate = (CLIMB_RATE_PER_MIN if climb else FLAT_RATE_PER_MIN) * self.tempo
        return Command("pole", round(min(MAX_RATE_PER_MIN, max(MIN_RATE_PER_MIN, rate))), None, lean, 0.0)

    def _lean(self, world: SkiWorld) -> float:
        index = world.upcoming_gate()
        if index is None:
            target, eta = 0.0, 3.0
            tolerance = 1.0
        else:
            gate = world.level.gates[index]
            target = gate.offset_m
            eta = (gate.at_m - world.distance_m) / max(world.speed_mps, 1.0)
            tolerance = 0.2 * gate.width_m
        error = target - world.x_m
        if abs(error) <= tolerance:
            return 0.0
        # The sideways speed that closes the gap in the time left after the steering lag, as a
        # share of what full lean gives at this speed.
        wanted_mps = error / max(eta - STEER_LAG_S, 0.6)
        full_mps = world.speed_mps * math.sin(MAX_HEADING_RAD) + SIDESTEP_MPS
        lean = max(-1.0, min(1.0, wanted_mps / full_mps))
        return round(lean / LEAN_STEP) * LEAN_STEP

    def drive(self, world: SkiWorld, now_ns: int) -> None:
        """Plan and, when the plan changed, ask the simulated player for it at ``now_ns``."""
        if world.finished:
            command = Command("idle", None, None, 0.0, 0.0)
        else:
            command = self.plan(world)
        if command == self.last:
            return
        self.last = command
        self.steer(
            now_ns,
            command.activity,
            cadence_spm=command.cadence_spm,
            rate_per_min=command.rate_per_min,
            lean=command.lean,
            crouch=command.crouch,
        )
