"""Ski rules, free of drawing: a cross-country skier on a course with hills and gates.

The player's effort drives the skier: each double-pole arm swing (the ``pole`` action) is a
push, jogging on the spot (the ``stride`` axis, cadence / the bindings' full cadence) a steady
stride. Lateral lean (the ``lean`` axis, -1 left .. 1 right) steers through the gates; holding a
squat (the ``duck`` action) is a tuck.

Units: distance along the course and lateral position in metres (+ is the skier's right),
time in seconds, speed in m/s, accelerations in m/s^2, power per kilogram of skier in W/kg.

Model (a power balance along the course, the form of Moxnes, Sandbakk & Hausken 2014, "Using
the power balance model to simulate cross-country skiing on varying terrain", Open Access J.
Sports Med. 5:89-98), per unit mass::

    dv/dt = P / max(v, V_MIN) - g sin(a) - mu g cos(a) - k v^2,   a = atan(grade)

- ``P``: the player's propulsive power (W/kg). A pole push delivers :data:`POLE_PUSH_J_PER_KG`
  over :data:`POLE_PUSH_S`; jogging gives :data:`STRIDE_POWER_W_PER_KG` times the stride axis.
  The game is generous: 30 pushes a minute give 2.95 W/kg, near the 3.35 W/kg mean propulsive
  power of elite skiers over a simulated 15 km race (Gløersen et al. 2018, Front. Physiol.
  9:1631), so arm swings in a living room ski like a racer.
  Power, not force, is what a tempo sets: the same tempo carries the skier slower uphill,
  where gravity takes its share, and faster on the flat. The propulsive acceleration is capped
  at :data:`MAX_PUSH_MPS2` so a push from standstill is finite. A tucked skier cannot pole or
  stride: ``P`` = 0.
- ``mu``: ski-snow friction coefficient, :data:`MU_SNOW`. Ski-snow friction is a few hundredths
  on groomed snow and varies with the snow (review: Almqvist et al. 2022, Front. Sports Act.
  Living 4:844883); 0.04, a cold-snow value, makes the flats take work.
- ``k = rho Cd A / (2 m)``: air drag per unit mass (1/m), with air density 1.3 kg/m^3 (cold air),
  a 75 kg skier, drag area ``Cd A`` 0.55 m^2 upright and 0.25 m^2 in a tuck. Spring et al.
  (1988, "Drag area of a cross-country skier", Int. J. Sport Biomech. 4:103-113) measured about
  0.65 m^2 upright and 0.27 m^2 semi-squatting for an 80 kg skier; a tight suit and a smaller
  skier come lower, and wind-tunnel values for classical techniques are of the same order
  (Proceedings 2018, 2(6):313, doi:10.3390/proceedings2060313).
- The skier never slides backwards (edges and herringbone hold it on a climb): v >= 0.

With these numbers, for a steady power (:meth:`SkiWorld.steady_speed_mps`; discrete pushes
average within ~15 % of it): 30 pushes a minute hold ~5.5 m/s on the flat and ~2.9 m/s up a 6 %
climb, 40 a minute ~6.6 m/s and ~3.8 m/s. Down an 8 % slope the skier glides to ~9 m/s upright
and ~13.5 m/s in a tuck.

Steering: the skier's heading follows the lean with a lag of :data:`HEADING_TAU_S`, up to
:data:`MAX_HEADING_RAD` either way; sideways speed is ``v sin(heading)`` plus a side-step of up
to :data:`SIDESTEP_MPS` so a slow skier can still line up. A gate is passed when the skier
crosses its line between the flags; a missed gate adds the level's ``miss_penalty_s`` to the
race time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from game.input.mapper import InputFrame
from game.modes.ski.level import TRACK_HALF_WIDTH_M, Level

G_MPS2 = 9.81
MU_SNOW = 0.04
AIR_DENSITY_KG_M3 = 1.3
SKIER_MASS_KG = 75.0
DRAG_AREA_UPRIGHT_M2 = 0.55
DRAG_AREA_TUCK_M2 = 0.25
K_UPRIGHT_PER_M = AIR_DENSITY_KG_M3 * DRAG_AREA_UPRIGHT_M2 / (2 * SKIER_MASS_KG)
K_TUCK_PER_M = AIR_DENSITY_KG_M3 * DRAG_AREA_TUCK_M2 / (2 * SKIER_MASS_KG)

#: Energy of one double-pole push per kg of skier (J/kg), delivered over POLE_PUSH_S.
POLE_PUSH_J_PER_KG = 5.9
POLE_PUSH_S = 0.35
#: Pushes a minute that count as a comfortable tempo: whole-arm swings standing in a room come
#: slower than a racer's 50-60 double-pole cycles a minute.
COMFORTABLE_PUSHES_PER_MIN = 30.0
#: Power (W/kg) of jogging on the spot at the full cadence (stride axis 1.0): the same as the
#: comfortable pole tempo, so either movement at an easy tempo gives the same speed.
STRIDE_POWER_W_PER_KG = POLE_PUSH_J_PER_KG * COMFORTABLE_PUSHES_PER_MIN / 60
MAX_STRIDE_AXIS = 1.6
MAX_PUSH_MPS2 = 8.0
V_MIN_MPS = 0.5
MAX_SPEED_MPS = 20.0

MAX_HEADING_RAD = 0.5
HEADING_TAU_S = 0.25
SIDESTEP_MPS = 0.6

POINTS_PER_GATE = 100
POINTS_FINISH = 200
#: Points per second finished inside the time limit.
POINTS_PER_SECOND_SPARE = 10
METRES_PER_POINT = 5.0


@dataclass(frozen=True, slots=True)
class GameEvent:
    """Something that happened, for the session log and the effects.

    ``kind``: ``"gate"`` (passed), ``"miss"``, ``"finish"`` (reached the line) or ``"timeout"``
    (the time limit ran out first). ``at_m``: where (m along the course); ``offset_m``: the
    skier's lateral position then (m, + right).
    """

    t_s: float
    kind: str
    at_m: float = 0.0
    offset_m: float = 0.0


@dataclass
class SkiStats:
    gates_passed: int = 0
    gates_missed: int = 0
    swings: int = 0
    tuck_s: float = 0.0
    top_speed_mps: float = 0.0
    climbed_m: float = 0.0


@dataclass
class SkiWorld:
    """The state of one run down the course; :meth:`update` advances it by one fixed step.

    ``pace``: how hard the course is on the player, 1.0 as tuned; the propulsive power is
    divided by it, so at pace 1.2 the same speed needs about 1.2 times the pushes or cadence
    (the effort-following difficulty sets it).
    """

    level: Level
    pace: float = 1.0
    distance_m: float = 0.0
    x_m: float = 0.0
    speed_mps: float = 0.0
    heading_rad: float = 0.0
    tucked: bool = False
    elapsed_s: float = 0.0
    penalty_s: float = 0.0
    score: int = 0
    finished: bool = False
    timed_out: bool = False
    next_gate: int = 0
    #: Indexes of the gates passed (the rest behind the skier were missed).
    passed_gates: set[int] = field(default_factory=set)
    stats: SkiStats = field(default_factory=SkiStats)
    #: Elapsed time (s) of the pushes still delivering power.
    _pushes: list[float] = field(default_factory=list)
    last_push_s: float = -10.0

    # -- what the scene, HUD and autopilot read --------------------------------------------
    @property
    def race_time_s(self) -> float:
        """Time on the course plus the penalties for missed gates (s)."""
        return self.elapsed_s + self.penalty_s

    @property
    def time_left_s(self) -> float | None:
        limit = self.level.time_limit_s
        return None if limit is None else max(0.0, limit - self.race_time_s)

    @property
    def progress(self) -> float:
        return min(1.0, self.distance_m / self.level.length_m)

    @property
    def grade(self) -> float:
        """Rise over run under the skier (+ uphill)."""
        return self.level.profile.grade(self.distance_m)

    @property
    def elevation_m(self) -> float:
        return self.level.profile.elevation(self.distance_m)

    @property
    def mean_speed_mps(self) -> float:
        return self.distance_m / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def upcoming_gate(self) -> int | None:
        """Index of the next gate ahead, or None when all are behind."""
        return self.next_gate if self.next_gate < len(self.level.gates) else None

    # -- physics ---------------------------------------------------------------------------
    def propulsive_power(self, frame: InputFrame) -> float:
        """Power (W/kg) of the pushes in progress and the stride, before the pace; 0 in a tuck."""
        if self.tucked:
            return 0.0
        pushing = sum(1 for t in self._pushes if self.elapsed_s - t < POLE_PUSH_S)
        stride = min(MAX_STRIDE_AXIS, max(0.0, frame.axis("stride")))
        return pushing * POLE_PUSH_J_PER_KG / POLE_PUSH_S + stride * STRIDE_POWER_W_PER_KG

    def acceleration(self, power_w_per_kg: float, speed_mps: float, grade: float, tucked: bool) -> float:
        """dv/dt (m/s^2) of the power balance in the module's docstring."""
        angle = math.atan(grade)
        drive = min(MAX_PUSH_MPS2, power_w_per_kg / max(self.pace, 0.1) / max(speed_mps, V_MIN_MPS))
        k = K_TUCK_PER_M if tucked else K_UPRIGHT_PER_M
        return drive - G_MPS2 * math.sin(angle) - MU_SNOW * G_MPS2 * math.cos(angle) - k * speed_mps * speed_mps

    def update(self, frame: InputFrame, dt: float) -> list[GameEvent]:
        if self.finished:
            return []
        self.elapsed_s += dt
        now = self.elapsed_s
        events: list[GameEvent] = []

        self.tucked = "duck" in frame.held
        if self.tucked:
            self.stats.tuck_s += dt
            self._pushes.clear()
        elif "pole" in frame.pressed:
            self._pushes.append(now)
            self.last_push_s = now
            self.stats.swings += 1
        self._pushes = [t for t in self._pushes if now - t < POLE_PUSH_S]

        grade = self.grade
        a = self.acceleration(self.propulsive_power(frame), self.speed_mps, grade, self.tucked)
        self.speed_mps = min(MAX_SPEED_MPS, max(0.0, self.speed_mps + a * dt))
        self.stats.top_speed_mps = max(self.stats.top_speed_mps, self.speed_mps)

        lean = max(-1.0, min(1.0, frame.axis("lean")))
        target = lean * MAX_HEADING_RAD
        self.heading_rad += (target - self.heading_rad) * min(1.0, dt / HEADING_TAU_S)
        sideways = self.speed_mps * math.sin(self.heading_rad) + lean * SIDESTEP_MPS
        self.x_m = max(-TRACK_HALF_WIDTH_M, min(TRACK_HALF_WIDTH_M, self.x_m + sideways * dt))

        before = self.distance_m
        self.distance_m = min(self.level.length_m, before + self.speed_mps * dt)
        if grade > 0:
            self.stats.climbed_m += grade * (self.distance_m - before)
        gates = self.level.gates
        while self.next_gate < len(gates) and gates[self.next_gate].at_m <= self.distance_m:
            gate = gates[self.next_gate]
            self.next_gate += 1
            if gate.contains(self.x_m):
                self.passed_gates.add(self.next_gate - 1)
                self.stats.gates_passed += 1
                events.append(GameEvent(now, "gate", gate.at_m, self.x_m))
            else:
                self.stats.gates_missed += 1
                self.penalty_s += self.level.miss_penalty_s
                events.append(GameEvent(now, "miss", gate.at_m, self.x_m))

        if self.distance_m >= self.level.length_m:
            self.finished = True
            events.append(GameEvent(now, "finish", self.distance_m, self.x_m))
        elif self.time_left_s is not None and self.time_left_s <= 0:
            self.finished = self.timed_out = True
            events.append(GameEvent(now, "timeout", self.distance_m, self.x_m))
        self.score = self._score()
        return events

    def _score(self) -> int:
        """Points: one per :data:`METRES_PER_POINT` skied, :data:`POINTS_PER_GATE` per gate
        passed, and on reaching the finish :data:`POINTS_FINISH` plus
        :data:`POINTS_PER_SECOND_SPARE` per second left of the time limit (penalties included)."""
        s = self.stats
        points = int(self.distance_m / METRES_PER_POINT) + POINTS_PER_GATE * s.gates_passed
        if self.finished and not self.timed_out:
            points += POINTS_FINISH
            left = self.time_left_s
            if left is not None:
                points += int(POINTS_PER_SECOND_SPARE * left)
        return points

    def steady_speed_mps(self, power_w_per_kg: float, grade: float, tucked: bool = False) -> float:
        """The speed (m/s) at which a steady ``power_w_per_kg`` balances the course at ``grade``
        (bisection on the power balance; 0 when even a crawl cannot be held, the top speed
        when nothing holds the skier back). For tests, tuning and the autopilot's planning."""
        lo, hi = 0.0, MAX_SPEED_MPS
        if self.acceleration(power_w_per_kg, hi, grade, tucked) > 0:
            return hi
        if self.acceleration(power_w_per_kg, 1e-6, grade, tucked) < 0:
            return 0.0
        for _ in range(60):
            mid = 0.5 * (lo + hi)
            if self.acceleration(power_w_per_kg, mid, grade, tucked) > 0:
                lo = mid
            else:
                hi = mid
        return 0.5 * (lo + hi)
