"""Runner rules, free of drawing: the runner moves at a speed set by the player's cadence,
jumps over hurdles, ducks under bars and collects coins.

Units: distances in metres along the track, time in seconds, speed in m/s.
The speed axis is 1.0 at the bindings' full cadence (160 steps/min by default); the level's
``stride_m`` says how many metres one step carries the runner, so full speed is
``cadence_full_spm / 60 * stride_m`` m/s.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.input.mapper import InputFrame
from game.modes.runner.level import Level

# The game jump starts at the player's take-off (the "takeoff" event, within a frame or two of
# leaving the ground) and lasts about as long as a real counter-movement jump's flight, 0.4-0.5 s
# (Bosco et al. 1983 give 0.3-0.5 s for jumps of 10-30 cm). Its apex is drawn higher than the
# player's rise so that the runner visibly clears a hurdle; the hurdle is cleared above
# HURDLE_CLEAR_M, which leaves a window of JUMP_AIRTIME_S * sqrt(1 - HURDLE_CLEAR_M / JUMP_APEX_M).
JUMP_AIRTIME_S = 0.5
JUMP_APEX_M = 0.6
GRAVITY_MPS2 = 8 * JUMP_APEX_M / JUMP_AIRTIME_S**2  # h = g T^2 / 8 for a ballistic arc
JUMP_V0_MPS = GRAVITY_MPS2 * JUMP_AIRTIME_S / 2
HURDLE_CLEAR_M = 0.3  # runner's feet must be this high when crossing a hurdle
SPEED_TAU_S = 0.6  # time constant of speed following the player's cadence
MAX_SPEED_AXIS = 1.6
STUMBLE_S = 0.6

POINTS = {"hurdle": 50, "bar": 50, "coin": 10}


@dataclass(frozen=True, slots=True)
class GameEvent:
    """Something that happened in the game, for the session log and effects."""

    t_s: float
    kind: str  # "clear", "hit", "coin", "finish"
    obstacle: str = ""
    at_m: float = 0.0


@dataclass
class RunnerStats:
    hurdles_cleared: int = 0
    hurdles_hit: int = 0
    bars_cleared: int = 0
    bars_hit: int = 0
    coins: int = 0
    jumps: int = 0
    top_speed_mps: float = 0.0


@dataclass
class RunnerWorld:
    level: Level
    cadence_full_spm: float = 160.0
    distance_m: float = 0.0
    speed_mps: float = 0.0
    height_m: float = 0.0
    vy_mps: float = 0.0
    ducking: bool = False
    elapsed_s: float = 0.0
    stumble_s: float = 0.0
    score: int = 0
    finished: bool = False
    next_index: int = 0
    stats: RunnerStats = field(default_factory=RunnerStats)

    @property
    def full_speed_mps(self) -> float:
        return self.cadence_full_spm / 60.0 * self.level.stride_m

    @property
    def airborne(self) -> bool:
        return self.height_m > 0.0 or self.vy_mps > 0.0

    @property
    def progress(self) -> float:
        return min(1.0, self.distance_m / self.level.length_m)

    @property
    def time_left_s(self) -> float | None:
        limit = self.level.time_limit_s
        return None if limit is None else max(0.0, limit - self.elapsed_s)

    def update(self, frame: InputFrame, dt: float) -> list[GameEvent]:
        if self.finished:
            return []
        self.elapsed_s += dt
        events: list[GameEvent] = []

        target = min(MAX_SPEED_AXIS, max(0.0, frame.axis("speed"))) * self.full_speed_mps
        if self.stumble_s > 0:
            self.stumble_s = max(0.0, self.stumble_s - dt)
            target *= 0.3
        # First-order lag so speed follows cadence smoothly instead of jumping with each step.
        self.speed_mps += (target - self.speed_mps) * min(1.0, dt / SPEED_TAU_S)
        self.stats.top_speed_mps = max(self.stats.top_speed_mps, self.speed_mps)

        if "jump" in frame.pressed and not self.airborne:
            self.vy_mps = JUMP_V0_MPS
            self.stats.jumps += 1
        if self.airborne:
            self.height_m += self.vy_mps * dt - 0.5 * GRAVITY_MPS2 * dt * dt
            self.vy_mps -= GRAVITY_MPS2 * dt
            if self.height_m <= 0.0:
                self.height_m, self.vy_mps = 0.0, 0.0
        self.ducking = "duck" in frame.held and not self.airborne

        before = self.distance_m
        self.distance_m += self.speed_mps * dt
        obstacles = self.level.obstacles
        while self.next_index < len(obstacles) and obstacles[self.next_index].at_m <= self.distance_m:
            ob = obstacles[self.next_index]
            self.next_index += 1
            if ob.at_m < before:
                continue
            events.append(self._cross(ob.kind, ob.at_m))

        if self.distance_m >= self.level.length_m or (self.time_left_s is not None and self.time_left_s <= 0):
            self.finished = True
            self.distance_m = min(self.distance_m, self.level.length_m)
            events.append(GameEvent(self.elapsed_s, "finish", at_m=self.distance_m))
        self.score = self._score()
        return events

    def _cross(self, kind: str, at_m: float) -> GameEvent:
        s = self.stats
        if kind == "coin":
            s.coins += 1
            return GameEvent(self.elapsed_s, "coin", kind, at_m)
        if kind == "hurdle":
            ok = self.height_m >= HURDLE_CLEAR_M
            if ok:
                s.hurdles_cleared += 1
            else:
                s.hurdles_hit += 1
        else:  # bar
            ok = self.ducking
            if ok:
                s.bars_cleared += 1
            else:
                s.bars_hit += 1
        if not ok:
            self.stumble_s = STUMBLE_S
        return GameEvent(self.elapsed_s, "clear" if ok else "hit", kind, at_m)

    def _score(self) -> int:
        s = self.stats
        return int(
            self.distance_m + POINTS["hurdle"] * s.hurdles_cleared + POINTS["bar"] * s.bars_cleared + POINTS["coin"] * s.coins
        )

    def time_to_next(self, kind: str) -> float | None:
        """Seconds until the runner reaches the next obstacle of ``kind`` at the current speed."""
        for ob in self.level.obstacles[self.next_index :]:
            if ob.kind == kind:
                return (ob.at_m - self.distance_m) / max(self.speed_mps, 0.3)
        return None
