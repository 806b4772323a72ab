"""Target punch rules, free of drawing: targets open and close on the level's beat, each player
hits them with the move they ask for, and scores with combos for streaks.

Units: time in seconds. ``t_s`` is the round's own clock: it runs at ``pace`` times real time
(1.0 = the level as written), so a faster pace brings targets sooner and shortens their windows
alike. Each player has their own :class:`PlayerRound` on the same targets; two players side by
side play the same pattern, each on their own half of the picture.

What hits a target while it is open (``open_s <= t_s < close_s``), read from one player's
:class:`~game.input.mapper.InputFrame`:

- ``punch``: the ``punch`` action pressed (a punch with either fist, or a key); the fist that
  threw it (``punch_left`` / ``punch_right`` pressed with it) is kept with the hit;
- ``reach``: the ``reach`` action pressed (both arms up);
- ``squat``: the ``duck`` action held (crouched low enough);
- ``step``: the ``sidestep_left`` / ``sidestep_right`` action of the target's side pressed;
- ``lean``: the ``lean`` axis past :data:`LEAN_HIT` towards the target's side.

A press up to :data:`EARLY_S` before a target opens still counts for it (a player who sees it
coming answers on the beat, and a movement is recognised a little after it starts). One press
hits one target: the oldest open one it fits. A target not hit by its close is a miss and ends
the combo.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from game.input.mapper import InputFrame
from game.modes.punch.level import KINDS, Level, Target

#: Points for a hit at the start of its window; a hit at the very end gets LATE_FACTOR of them.
HIT_POINTS = 100
LATE_FACTOR = 0.5
#: Every COMBO_STEP hits in a row raise the multiplier by one, up to 1 + COMBO_MAX_BONUS.
COMBO_STEP = 5
COMBO_MAX_BONUS = 3
#: Presses this long (s) before a target opens still count for it.
EARLY_S = 0.35
#: Lean (the axis, -1 .. 1) towards the target's side that hits a lean target: about 15 degrees
#: of trunk tilt (the pose lean reads 1.0 at 30 degrees, sensors.motion.pose_detectors).
LEAN_HIT = 0.5

#: Press actions and the target kind (and side) each hits.
PRESS_ACTIONS: dict[str, tuple[str, str | None]] = {
    "punch": ("punch", None),
    "reach": ("reach", None),
    "sidestep_left": ("step", "left"),
    "sidestep_right": ("step", "right"),
}


@dataclass(frozen=True, slots=True)
class PunchEvent:
    """Something that happened to one player: ``kind`` is "hit", "miss" or "combo" (a streak
    reached a multiple of :data:`COMBO_STEP`); ``t_s`` on the round's clock."""

    t_s: float
    player: int
    kind: str
    target: Target
    points: int = 0
    combo: int = 0
    hand: str | None = None  # a punch's fist ("left" / "right"), when known


@dataclass
class PlayerRound:
    """One player's round: score, streak and tallies per target kind."""

    player: int
    score: int = 0
    combo: int = 0
    best_combo: int = 0
    hits: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    misses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(KINDS, 0))
    resolved: dict[int, str] = field(default_factory=dict)  # target index -> "hit" / "miss"
    #: Punch targets hit per fist ("left", "right", or "either" when the input did not say).
    punch_hands: dict[str, int] = field(default_factory=lambda: {"left": 0, "right": 0, "either": 0})
    _presses: dict[str, float] = field(default_factory=dict)  # action -> round time of an unused press
    _punch_hand: str | None = None  # the fist of the unused punch press

    @property
    def multiplier(self) -> int:
        return 1 + min(COMBO_MAX_BONUS, self.combo // COMBO_STEP)

    @property
    def hit_count(self) -> int:
        return sum(self.hits.values())

    @property
    def miss_count(self) -> int:
        return sum(self.misses.values())

    def step(self, frame: InputFrame, t_s: float, targets: list[Target]) -> list[PunchEvent]:
        """Read one input frame at round time ``t_s`` against the targets not yet closed before it."""
        for action in PRESS_ACTIONS:
            if action in frame.pressed:
                self._presses[action] = t_s
        if "punch" in frame.pressed:
            left, right = "punch_left" in frame.pressed, "punch_right" in frame.pressed
            self._punch_hand = "left" if left and not right else "right" if right and not left else None
        # Presses too old to count for anything are forgotten.
        self._presses = {a: t for a, t in self._presses.items() if t_s - t <= EARLY_S}
        events: list[PunchEvent] = []
        for target in targets:
            if target.index in self.resolved or t_s < target.open_s:
                continue
            if t_s >= target.close_s:
                events.append(self._miss(target, t_s))
                continue
            if self._hits(target, frame):
                events.extend(self._hit(target, t_s, self._punch_hand if target.kind == "punch" else None))
        return events

    def _hits(self, target: Target, frame: InputFrame) -> bool:
        if target.kind == "squat":
            return "duck" in frame.held
        if target.kind == "lean":
            lean = frame.axis("lean")
            return lean <= -LEAN_HIT if target.side == "left" else lean >= LEAN_HIT
        for action, (kind, side) in PRESS_ACTIONS.items():
            if kind == target.kind and (side is None or side == target.side) and action in self._presses:
                del self._presses[action]
                return True
        return False

    def _hit(self, target: Target, t_s: float, hand: str | None = None) -> list[PunchEvent]:
        self.resolved[target.index] = "hit"
        self.hits[target.kind] += 1
        if target.kind == "punch":
            self.punch_hands[hand or "either"] += 1
        self.combo += 1
        self.best_combo = max(self.best_combo, self.combo)
        lateness = min(1.0, max(0.0, (t_s - target.open_s) / target.window_s))
        points = round(HIT_POINTS * (1.0 - (1.0 - LATE_FACTOR) * lateness)) * self.multiplier
        self.score += points
        events = [PunchEvent(t_s, self.player, "hit", target, points, self.combo, hand)]
        if self.combo % COMBO_STEP == 0:
            events.append(PunchEvent(t_s, self.player, "combo", target, 0, self.combo))
        return events

    def _miss(self, target: Target, t_s: float) -> PunchEvent:
        self.resolved[target.index] = "miss"
        self.misses[target.kind] += 1
        self.combo = 0
        return PunchEvent(t_s, self.player, "miss", target)


@dataclass
class PunchWorld:
    """The round: the level's targets on one clock, and one :class:`PlayerRound` per player."""

    level: Level
    players: int = 1
    pace: float = 1.0
    t_s: float = 0.0
    elapsed_s: float = 0.0
    finished: bool = False
    rounds: list[PlayerRound] = field(default_factory=list)
    _first_open: int = 0  # targets before this index are closed for every player

    def __post_init__(self) -> None:
        if self.players not in (1, 2):
            raise ValueError(f"target punch is for 1 or 2 players, got {self.players}")
        if not self.rounds:
            self.rounds = [PlayerRound(p) for p in range(self.players)]

    @property
    def score(self) -> int:
        """The score stored with the session: the sum of the players' scores."""
        return sum(r.score for r in self.rounds)

    @property
    def time_left_s(self) -> float:
        return max(0.0, (self.level.length_s - self.t_s) / max(self.pace, 1e-6))

    @property
    def progress(self) -> float:
        return min(1.0, self.t_s / self.level.length_s)

    def visible(self) -> list[Target]:
        """Targets shown now: appeared, not yet closed (resolved ones included, for their effects)."""
        out = []
        for t in self.level.targets[self._first_open :]:
            if t.show_s > self.t_s:
                break
            if t.close_s > self.t_s:
                out.append(t)
        return out

    def update(self, frames: list[InputFrame], dt: float) -> list[PunchEvent]:
        """Advance by ``dt`` seconds of real time; ``frames``: one input frame per player."""
        if self.finished:
            return []
        if len(frames) != self.players:
            raise ValueError(f"need one input frame per player ({self.players}), got {len(frames)}")
        self.elapsed_s += dt
        self.t_s += dt * self.pace
        # Targets up to EARLY_S ahead are looked at too, so a press just before one opens is kept
        # for it; each round skips those not yet open.
        live = [t for t in self.level.targets[self._first_open :] if t.open_s <= self.t_s + EARLY_S]
        events: list[PunchEvent] = []
        for rnd, frame in zip(self.rounds, frames, strict=True):
            events.extend(rnd.step(frame, self.t_s, live))
        targets = self.level.targets
        while self._first_open < len(targets) and all(targets[self._first_open].index in r.resolved for r in self.rounds):
            self._first_open += 1
        if self.t_s >= self.level.length_s and self._first_open >= len(targets):
            self.finished = True
        return events

    def next_target(self, player: int = 0) -> Target | None:
        """The next target ``player`` has yet to answer (open or coming), or None."""
        rnd = self.rounds[player]
        for t in self.level.targets[self._first_open :]:
            if t.index not in rnd.resolved:
                return t
        return None
