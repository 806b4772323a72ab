"""Runner rules, free of drawing: the runner moves at a speed set by the player's cadence,
jumps over hurdles, ducks under bars and collects coins, some of them in arcs only a jump reaches.

Units: distances in metres along the track, heights in metres above the ground, time in seconds,
speed in m/s, cadence in steps/min.

Speed. The level is run at its target cadence (``Level.target_cadence_spm``), which the pace
multiplies (:attr:`RunnerWorld.pace`, set by :mod:`game.engine.difficulty` on adaptive levels):
``target = level target * pace``. The runner's speed is the player's cadence as a share of that
target times the level's expected speed (target cadence at pace 1 times the stride), so a
player on target always meets the obstacles as often as the level was written for, whatever
the pace asks of their legs. With the movement sensors live the speed axis is the cadence
over the bindings' full cadence (``cadence_full_spm``, 160 by default); from the keyboard alone
the axis is a share of the target itself (holding the key runs on target).

Spacing. Below pace 1 the moves also thin out: of the hurdles, bars and coin arcs coming up
(decided :data:`DECIDE_AHEAD_M` ahead, before they are on screen), a share equal to the pace is
kept, evenly spread by an accumulator, and each of the others becomes a coin on the path: still
something to run through, but no jump or squat. Jumps and squats cost more than the jog between
them (8 and 5 METs against 8 at 160 steps/min and less when slower, Ainsworth 2011, codes 02020,
02052, 12025), so for a player whose heart stays high even at a slow jog the moves are what
has to give. At pace 1 or more every move stays as written.

Combos. Every hurdle or bar cleared in a row adds to the streak; a hit ends it. Points are
multiplied by ``1 + min(3, streak // 3)``: x2 from the third clear in a row, x4 from the ninth.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.input.mapper import InputFrame
from game.modes.runner.level import REACH_M, Level, Obstacle

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
MAX_SPEED_AXIS = 1.6  # fastest speed, as a share of the target's
STUMBLE_S = 0.6
#: Reach of the runner while ducking (metres above the feet).
DUCK_REACH_M = 1.1
#: A coin is touched from this far below the feet (its radius): a coin at the hips is never
#: jumped clean over by the game's 0.6 m jump, so ground coins are collected jumping or not.
COIN_RADIUS_M = 0.15
#: Cadence within this share of the target counts as on pace.
ON_PACE_TOLERANCE = 0.10
#: Cadence below which the player is standing, not running (steps/min); left out of the mean.
RUNNING_MIN_SPM = 60.0
#: Metres ahead of the runner where a move is kept or eased for the pace (beyond the screen's edge).
DECIDE_AHEAD_M = 12.0

POINTS = {"hurdle": 50, "bar": 50, "coin": 10, "arc_coin": 20}
ON_PACE_POINTS_PER_S = 2.0
COMBO_EVERY = 3
COMBO_MAX = 4


def combo_multiplier(streak: int) -> int:
    """Points multiplier for a streak of obstacles cleared in a row: 1, then +1 every
    :data:`COMBO_EVERY` up to :data:`COMBO_MAX`."""
    return min(COMBO_MAX, 1 + streak // COMBO_EVERY)


@dataclass(frozen=True, slots=True)
class GameEvent:
    """Something that happened in the game, for the session log, effects and sounds.

    ``kind``: "clear", "hit", "coin", "arc_coin", "arc_done" (the runner has passed an arc's last
    coin; ``obstacle`` says how many it took, "3/5"), "combo" (the multiplier went up), "finish".
    ``points``: points it scored (0 for a hit); ``combo``: the multiplier after it.
    ``height_m``: a coin's height (metres above the ground), for drawing its pickup.
    """

    t_s: float
    kind: str
    obstacle: str = ""
    at_m: float = 0.0
    points: int = 0
    combo: int = 1
    height_m: float = 0.0


@dataclass
class RunnerStats:
    hurdles_cleared: int = 0
    hurdles_hit: int = 0
    bars_cleared: int = 0
    bars_hit: int = 0
    coins: int = 0  # coins on the track
    coins_missed: int = 0
    arc_coins: int = 0  # coins of arcs, collected by jumping
    arc_coins_missed: int = 0
    arcs_full: int = 0  # arcs with every coin collected
    eased: int = 0  # hurdles, bars and arcs turned into a coin on the path for a low pace
    jumps: int = 0
    streak: int = 0
    best_streak: int = 0
    top_speed_mps: float = 0.0
    running_s: float = 0.0  # seconds with a measured cadence of a running player
    cadence_s: float = 0.0  # integral of the cadence over those seconds (steps/min * s)
    target_s: float = 0.0  # integral of the target cadence over the same seconds
    on_pace_s: float = 0.0

    @property
    def cleared(self) -> int:
        return self.hurdles_cleared + self.bars_cleared

    @property
    def missed(self) -> int:
        return self.hurdles_hit + self.bars_hit

    @property
    def mean_cadence_spm(self) -> float | None:
        return self.cadence_s / self.running_s if self.running_s > 0 else None

    @property
    def mean_target_spm(self) -> float | None:
        return self.target_s / self.running_s if self.running_s > 0 else None


@dataclass
class RunnerWorld:
    level: Level
    cadence_full_spm: float = 160.0
    pace: float = 1.0
    distance_m: float = 0.0
    speed_mps: float = 0.0
    height_m: float = 0.0
    vy_mps: float = 0.0
    ducking: bool = False
    elapsed_s: float = 0.0
    stumble_s: float = 0.0
    points: float = 0.0
    score: int = 0
    finished: bool = False
    next_index: int = 0
    cadence_spm: float | None = None  # the player's latest measured cadence, None from the keyboard
    stats: RunnerStats = field(default_factory=RunnerStats)
    #: The track as it is played: the level's obstacles, with moves eased for a low pace turned
    #: into a coin on the path (an eased arc keeps its middle coin, on the path) or None.
    track: list[Obstacle | None] = field(default_factory=list)
    arc_centres: dict[int, float] = field(default_factory=dict)
    _arc_got: dict[int, int] = field(default_factory=dict)
    _arc_seen: dict[int, int] = field(default_factory=dict)
    _arc_size: dict[int, int] = field(default_factory=dict)
    _decided: int = 0
    _keep_acc: float = 0.0

    def __post_init__(self) -> None:
        self.track = list(self.level.obstacles)
        sums: dict[int, float] = {}
        for ob in self.level.obstacles:
            if ob.arc >= 0:
                self._arc_size[ob.arc] = self._arc_size.get(ob.arc, 0) + 1
                sums[ob.arc] = sums.get(ob.arc, 0.0) + ob.at_m
        self.arc_centres = {arc: sums[arc] / n for arc, n in self._arc_size.items()}

    @property
    def target_cadence_spm(self) -> float:
        """Cadence asked of the player now (steps/min): the level's, times the pace."""
        return self.level.target_cadence_spm * self.pace

    @property
    def combo(self) -> int:
        return combo_multiplier(self.stats.streak)

    @property
    def arcs_met(self) -> int:
        """Coin arcs the runner has reached so far (collected or not)."""
        return len(self._arc_seen)

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

    def update(self, frame: InputFrame, dt: float, *, axis_is_cadence: bool = True) -> list[GameEvent]:
        """Advance by ``dt`` seconds. ``axis_is_cadence``: the speed axis comes from the movement
        sensors (cadence / ``cadence_full_spm``); False: from the keyboard (a share of the target)."""
        if self.finished:
            return []
        self.elapsed_s += dt
        events: list[GameEvent] = []

        target_spm = self.target_cadence_spm
        axis = max(0.0, frame.axis("speed"))
        if axis_is_cadence:
            self.cadence_spm = axis * self.cadence_full_spm
            share = self.cadence_spm / target_spm
            self._pace_stats(self.cadence_spm, target_spm, dt)
        else:
            self.cadence_spm = None
            share = axis
        target = min(MAX_SPEED_AXIS, share) * self.level.expected_speed_mps
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
        self._decide_ahead()
        obstacles = self.level.obstacles
        while self.next_index < len(obstacles) and obstacles[self.next_index].at_m <= self.distance_m:
            i = self.next_index
            ob = self.track[i]
            self.next_index += 1
            if ob is None or ob.at_m < before:
                continue
            crossed = self._cross(ob)
            if ob.kind == "coin" and crossed and crossed[0].kind in ("coin", "arc_coin"):
                self.track[i] = None  # collected: gone from the track
            events += crossed

        if self.distance_m >= self.level.length_m or (self.time_left_s is not None and self.time_left_s <= 0):
            self.finished = True
            self.distance_m = min(self.distance_m, self.level.length_m)
            events.append(GameEvent(self.elapsed_s, "finish", at_m=self.distance_m, combo=self.combo))
        self.score = int(self.distance_m + self.points)
        return events

    def _decide_ahead(self) -> None:
        """Keep or ease the moves that came within :data:`DECIDE_AHEAD_M` (see the module docstring)."""
        obstacles = self.level.obstacles
        horizon = self.distance_m + DECIDE_AHEAD_M
        while self._decided < len(obstacles) and obstacles[self._decided].at_m <= horizon:
            i = self._decided
            ob = obstacles[i]
            arc_start = ob.arc >= 0 and (i == 0 or obstacles[i - 1].arc != ob.arc)
            n = self._arc_size[ob.arc] if arc_start else 1
            self._decided += n if arc_start else 1
            if not (ob.needs_action or arc_start):
                continue
            self._keep_acc += min(1.0, self.pace)
            if self._keep_acc >= 1.0 - 1e-9:
                self._keep_acc -= 1.0
                continue
            self.stats.eased += 1
            if arc_start:
                del self._arc_size[ob.arc]
                middle = self.arc_centres.pop(ob.arc)
                for j in range(i, i + n):
                    self.track[j] = None
                self.track[i + n // 2] = Obstacle(middle, "coin")
            else:
                self.track[i] = Obstacle(ob.at_m, "coin")

    def _pace_stats(self, cadence: float, target: float, dt: float) -> None:
        if cadence < RUNNING_MIN_SPM:
            return
        s = self.stats
        s.running_s += dt
        s.cadence_s += cadence * dt
        s.target_s += target * dt
        if abs(cadence / target - 1.0) <= ON_PACE_TOLERANCE:
            s.on_pace_s += dt
            self.points += ON_PACE_POINTS_PER_S * dt

    def reaches(self, height_m: float) -> bool:
        """Whether the runner's body, now, spans ``height_m`` (metres above the ground): from
        its feet (less a coin's radius: touching a coin is enough) to the top of its reach."""
        reach = DUCK_REACH_M if self.ducking else REACH_M
        return self.height_m - COIN_RADIUS_M <= height_m <= self.height_m + reach

    def _cross(self, ob: Obstacle) -> list[GameEvent]:
        s = self.stats
        t = self.elapsed_s
        if ob.kind == "coin":
            got = self.reaches(ob.height_m)
            if ob.arc >= 0:
                out: list[GameEvent] = []
                self._arc_seen[ob.arc] = self._arc_seen.get(ob.arc, 0) + 1
                if got:
                    self._arc_got[ob.arc] = self._arc_got.get(ob.arc, 0) + 1
                    s.arc_coins += 1
                    pts = POINTS["arc_coin"] * self.combo
                    self.points += pts
                    out.append(GameEvent(t, "arc_coin", "coin", ob.at_m, pts, self.combo, ob.height_m))
                else:
                    s.arc_coins_missed += 1
                if self._arc_seen[ob.arc] == self._arc_size[ob.arc]:
                    got_all = self._arc_got.get(ob.arc, 0)
                    if got_all == self._arc_size[ob.arc]:
                        s.arcs_full += 1
                    # The arc is behind the runner: how many of its coins it took, once.
                    total = got_all * POINTS["arc_coin"] * self.combo
                    out.append(
                        GameEvent(t, "arc_done", f"{got_all}/{self._arc_size[ob.arc]}", ob.at_m, total, self.combo, ob.height_m)
                    )
                return out
            if not got:
                s.coins_missed += 1
                return []
            s.coins += 1
            pts = POINTS["coin"] * self.combo
            self.points += pts
            return [GameEvent(t, "coin", "coin", ob.at_m, pts, self.combo, ob.height_m)]
        if ob.kind == "hurdle":
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
            s.streak = 0
            return [GameEvent(t, "hit", ob.kind, ob.at_m, 0, self.combo)]
        before = self.combo
        s.streak += 1
        s.best_streak = max(s.best_streak, s.streak)
        pts = POINTS[ob.kind] * self.combo
        self.points += pts
        out = [GameEvent(t, "clear", ob.kind, ob.at_m, pts, self.combo)]
        if self.combo > before:
            out.append(GameEvent(t, "combo", ob.kind, ob.at_m, 0, self.combo))
        return out

    def time_to_next(self, kind: str) -> float | None:
        """Seconds until the runner reaches the next obstacle of ``kind`` at the current speed."""
        for ob in self.track[self.next_index :]:
            if ob is not None and ob.kind == kind:
                return (ob.at_m - self.distance_m) / max(self.speed_mps, 0.3)
        return None
