"""What the game knows about its sensors this frame, built from the SensorBus items.

The game loop drains the bus once per frame and hands the items here. This is where
freshness is applied (:mod:`game.engine.freshness`): a quiet strap is shown as quiet, never as
the player's current value, and motion holds are let go when no motion source is live.

Several players side by side in front of one camera (the pose worker's zones, ``PoseFrame.player``)
each get a recogniser of their own: player 0 is :attr:`LiveSensors.recogniser`, whose events the
game loop maps to actions as ever; players 1 .. are added with :meth:`LiveSensors.add_player`, and
their events wait in a queue of their own (:meth:`LiveSensors.take_events`) for the mode that
plays them. IMU streams belong to player 0 (a strap or a sensor is worn by one person).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from game.engine.freshness import MOTION_FRESH_S, HeartTally, heart_rate_current
from sensors.clock import NS_PER_S
from sensors.motion.events import MotionEvent, MotionState
from sensors.motion.heart_zones import HeartProfile, Intensity
from sensors.samples import BusItem, DeviceState, DeviceStatus, HeartRateSample, ImuBatch, PoseFrame


class MotionRecogniser(Protocol):
    def feed(self, item: object) -> list[MotionEvent]: ...

    @property
    def state(self) -> MotionState: ...

    def reset(self) -> None: ...


#: Events of a further player kept until the mode takes them (a mode that takes none loses the oldest).
PLAYER_QUEUE = 64


@dataclass
class PlayerMotion:
    """A further player's motion (players 1 ..): their recogniser, newest pose, counts and the
    events recognised since the mode last took them."""

    recogniser: MotionRecogniser
    last_pose: PoseFrame | None = None
    motion_t_ns: int = -(10**18)
    motion_counts: dict[str, int] = field(default_factory=dict)
    events: deque[MotionEvent] = field(default_factory=lambda: deque(maxlen=PLAYER_QUEUE))


@dataclass
class LiveSensors:
    recogniser: MotionRecogniser
    profile: HeartProfile = field(default_factory=HeartProfile)
    hr_bpm: int | None = None
    hr_t_ns: int = 0
    hr_contact: bool | None = None
    hr_broadcast: bool = False
    hr_source: str | None = None
    last_pose: PoseFrame | None = None
    motion_t_ns: int = -(10**18)
    motion_sources: set[str] = field(default_factory=set)
    devices: dict[str, DeviceStatus] = field(default_factory=dict)
    heart: HeartTally = field(default_factory=HeartTally)
    motion_counts: dict[str, int] = field(default_factory=dict)
    others: list[PlayerMotion] = field(default_factory=list)

    @property
    def players(self) -> int:
        """How many players are tracked (1 + those added with :meth:`add_player`)."""
        return 1 + len(self.others)

    def add_player(self, recogniser: MotionRecogniser) -> int:
        """Track one more player (the next zone's pose frames); return their player number."""
        self.others.append(PlayerMotion(recogniser))
        return len(self.others)

    def _other(self, player: int) -> PlayerMotion:
        if not 1 <= player <= len(self.others):
            raise IndexError(f"no player {player}: players are 0..{len(self.others)}")
        return self.others[player - 1]

    def recogniser_of(self, player: int) -> MotionRecogniser:
        return self.recogniser if player == 0 else self._other(player).recogniser

    def pose_of(self, player: int) -> PoseFrame | None:
        """The newest pose frame of ``player``."""
        return self.last_pose if player == 0 else self._other(player).last_pose

    def take_events(self, player: int) -> list[MotionEvent]:
        """The events of a further player (1 ..) recognised since the last call, oldest first.
        Player 0's events go to the game's input mapper instead (see the module docstring)."""
        queue = self._other(player).events
        out = list(queue)
        queue.clear()
        return out

    def player_live(self, player: int, now_ns: int) -> bool:
        """Pose of ``player`` is current (:meth:`motion_live` for player 0)."""
        if player == 0:
            return self.motion_live(now_ns)
        return bool(self.motion_sources) and now_ns - self._other(player).motion_t_ns <= MOTION_FRESH_S * NS_PER_S

    def ingest(self, items: Iterable[BusItem]) -> tuple[list[MotionEvent], list[DeviceStatus]]:
        """Take one frame's bus items; return the recognised movements and status changes."""
        events: list[MotionEvent] = []
        statuses: list[DeviceStatus] = []
        for item in items:
            if isinstance(item, DeviceStatus):
                self.devices[item.source] = item
                statuses.append(item)
                if not item.live and item.source in self.motion_sources:
                    self.motion_sources.discard(item.source)
                    if not self.motion_sources:
                        self.recogniser.reset()
                        for other in self.others:
                            other.recogniser.reset()
                continue
            if isinstance(item, HeartRateSample):
                # One player, one heart: stay with the strap that is being read while it is
                # current, so two straps (or a strap and a watch) do not take turns on screen.
                if self.hr_source is not None and item.source != self.hr_source and self.hr_fresh(item.t_host_ns):
                    continue
                self.hr_source = item.source
                # "no contact" means the strap is off the chest, and 0 bpm is what some straps
                # send before they have a reading: neither is a heart rate.
                if item.contact is not False and item.bpm > 0:
                    self.hr_bpm, self.hr_t_ns = item.bpm, item.t_host_ns
                    self.hr_broadcast = item.broadcast
                    self.heart.add(item.bpm)
                self.hr_contact = item.contact
                continue
            if isinstance(item, PoseFrame) and item.player > 0:
                if item.player <= len(self.others):
                    self.motion_sources.add(item.source)
                    self._ingest_other(self.others[item.player - 1], item)
                continue
            if isinstance(item, (PoseFrame, ImuBatch)):
                self.motion_sources.add(item.source)
                self.motion_t_ns = max(self.motion_t_ns, item.t_host_ns)
                if isinstance(item, PoseFrame):
                    self.last_pose = item
                found = self.recogniser.feed(item)
                for ev in found:
                    self.motion_counts[ev.kind] = self.motion_counts.get(ev.kind, 0) + 1
                events.extend(found)
        return events, statuses

    @staticmethod
    def _ingest_other(other: PlayerMotion, frame: PoseFrame) -> None:
        other.motion_t_ns = max(other.motion_t_ns, frame.t_host_ns)
        other.last_pose = frame
        for ev in other.recogniser.feed(frame):
            other.motion_counts[ev.kind] = other.motion_counts.get(ev.kind, 0) + 1
            other.events.append(ev)

    def restart(self) -> None:
        """Begin a session from a clean slate: forget the heart rate and movement seen so far and
        every player's recogniser state (device statuses are kept). What the session does then
        depends on its own stored data alone, so it can be replayed exactly."""
        self.hr_bpm, self.hr_t_ns, self.hr_contact, self.hr_broadcast, self.hr_source = None, 0, None, False, None
        self.last_pose = None
        self.motion_t_ns = -(10**18)
        self.motion_sources = set()
        self.heart = HeartTally()
        self.motion_counts = {}
        self.recogniser.reset()
        for other in self.others:
            other.recogniser.reset()
            other.last_pose, other.motion_t_ns, other.motion_counts = None, -(10**18), {}
            other.events.clear()

    def hr_fresh(self, now_ns: int) -> bool:
        # A strap that reports "no contact" is off the chest: its last good value is not current.
        return heart_rate_current(self.hr_bpm, self.hr_contact, self.hr_t_ns, now_ns)

    def motion_live(self, now_ns: int) -> bool:
        return bool(self.motion_sources) and now_ns - self.motion_t_ns <= MOTION_FRESH_S * NS_PER_S

    def intensity(self, now_ns: int) -> Intensity | None:
        return self.profile.intensity(self.hr_bpm) if self.hr_fresh(now_ns) and self.hr_bpm else None

    def tick(self, now_ns: int, dt_s: float) -> None:
        """Accumulate time in heart-rate bands (only while the reading is fresh)."""
        band = self.intensity(now_ns)
        if band is not None:
            self.heart.spend(band, dt_s)

    def device_problems(self) -> list[DeviceStatus]:
        return [d for d in self.devices.values() if d.state in (DeviceState.STALE, DeviceState.DISCONNECTED, DeviceState.ERROR)]
