"""Simulated visitors at a kiosk: people who come, raise their arms, play and leave.

A :class:`VisitorSource` stands where a kiosk's camera would: it pushes pose frames of one
visitor at a time into the SensorBus while someone stands in front of it, and nothing at all
while nobody does (a real pose model reports no landmarks for an empty hall), so the kiosk sees
people arrive and leave exactly as it would see them through a webcam. Each visitor is a new
:class:`~sensors.sim.player.SimulatedPlayer` with its own seed, height and fitness.

One visit, in the visitor's own time from arrival:

1. arrives and stands (the pose appears);
2. after :data:`FIRST_WAVE_S` raises both arms over the head and waves them (about 2 s with the
   arms up, the kiosk's walk-up gesture), and once more :data:`SECOND_WAVE_S` later in case the
   first went unseen;
3. from then on does what the game asks through :meth:`VisitorSource.steer` and
   :meth:`VisitorSource.inject` (the game's autopilot, as with :class:`SimulatedSource`);
4. leaves after a stay drawn from ``stay_s`` (some leave in the middle of a round, as people
   do), and the hall stays empty for a time drawn from ``away_s``.

Only pose is pushed: a walk-up visitor wears no heart-rate strap and no IMU.

Some visits are by two people side by side (a share ``pair_share`` of them): a
:class:`~sensors.sim.pair.SimulatedPair`, each person filmed in their half of the picture, their
frames numbered by ``player`` as the pose worker numbers its zones. Both raise their arms
together; ``inject`` and ``steer`` take ``player=`` (a visitor alone ignores player 1).

The source runs on its own thread in real time (like :class:`~sensors.sim.SimulatedSource`),
or, with ``threaded=False``, is advanced by its owner calling :meth:`VisitorSource.advance`
with the clock's time (a run on a virtual clock, faster than real time).

A camera failure can be staged (:meth:`VisitorSource.fail_camera`): the source reports the
camera disconnected, pushes nothing for that long, then reports it streaming again.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass

from sensors.bus import SensorBus
from sensors.clock import NS_PER_S, ClockNs, now_ns
from sensors.samples import DeviceState, DeviceStatus, PoseFrame
from sensors.sim.body import FITNESS_VO2MAX, BodyParams
from sensors.sim.pair import SimulatedPair
from sensors.sim.player import SimulatedPlayer
from sensors.sim.script import Activity, Segment

TICK_S = 0.01
#: Seconds after arriving that a visitor first raises both arms, and the second try after that.
FIRST_WAVE_S = 1.5
SECOND_WAVE_S = 7.0
#: Visitors of every age: body heights (m) drawn uniformly from this range.
HEIGHT_RANGE_M = (1.25, 1.95)
#: A visitor stands until the game steers it: one long idle segment, longer than any stay.
_STAND = (Segment(Activity.IDLE, 3600.0),)


@dataclass(frozen=True, slots=True)
class Visit:
    """One planned visit: arrival and departure on the source's clock (ns), and who comes
    (``bodies``: one person, or two side by side)."""

    number: int
    arrive_ns: int
    leave_ns: int
    seed: int
    bodies: tuple[BodyParams, ...]

    @property
    def body(self) -> BodyParams:
        """The first (or only) visitor's body."""
        return self.bodies[0]


class VisitorSource:
    """A Source (see :mod:`sensors.source`) whose device is a kiosk camera with visitors in front."""

    def __init__(
        self,
        seed: int = 0,
        *,
        stay_s: tuple[float, float] = (60.0, 200.0),
        away_s: tuple[float, float] = (5.0, 40.0),
        first_arrival_s: float = 3.0,
        clock: ClockNs = now_ns,
        name: str = "sim",
        threaded: bool = True,
        pose_fps: float = 30.0,
        pair_share: float = 0.0,
    ) -> None:
        if not (0 < stay_s[0] <= stay_s[1] and 0 <= away_s[0] <= away_s[1] and first_arrival_s >= 0):
            raise ValueError(f"stay_s and away_s must be (low, high) ranges of seconds, got {stay_s} and {away_s}")
        if not 0.0 <= pair_share <= 1.0:
            raise ValueError(f"pair_share is the share of visits by two people, 0..1; got {pair_share}")
        self.pair_share = pair_share
        self.name = name
        self._clock = clock
        self._rng = random.Random(seed)
        self._seed = seed
        self.stay_s, self.away_s, self.first_arrival_s = stay_s, away_s, first_arrival_s
        self._threaded = threaded
        self._pose_fps = pose_fps
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bus: SensorBus | None = None
        self.visit: Visit | None = None  # the visit planned or under way
        self.player: SimulatedPlayer | None = None  # the visitor in front of the camera (the left one of two)
        self.pair: SimulatedPair | None = None  # two visitors side by side, when two came
        self.visitors = 0  # visitors who have arrived so far (a pair counts two)
        self._waves: list[int] = []
        self._camera_down_until_ns: int | None = None
        self.camera_failures = 0

    # -- Source ----------------------------------------------------------------------------
    def start(self, bus: SensorBus) -> None:
        if self._bus is not None:
            return
        self._bus = bus
        now = self._clock()
        self.visit = self._plan(now + round(self.first_arrival_s * NS_PER_S))
        bus.push(DeviceStatus(now, self.name, "sim", DeviceState.STREAMING, "simulated kiosk camera"))
        if self._threaded:
            self._thread = threading.Thread(target=self._run, name="liike-visitors", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        if self._bus is None or self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        self._bus.push(DeviceStatus(self._clock(), self.name, "sim", DeviceState.DISCONNECTED, "simulated kiosk camera stopped"))

    def _run(self) -> None:
        while not self._stop.wait(TICK_S):
            try:
                self.advance(self._clock())
            except Exception as exc:  # a bug in the model must show on screen, not kill silently
                if self._bus is not None:
                    self._bus.push(
                        DeviceStatus(self._clock(), self.name, "sim", DeviceState.ERROR, f"simulated visitors failed: {exc!r}")
                    )
                return

    # -- the hall --------------------------------------------------------------------------
    def _plan(self, arrive_ns: int) -> Visit:
        rng = self._rng
        number = self.visitors + 1
        stay = rng.uniform(*self.stay_s)
        # Drawn only when pairs may come, so a source without pairs draws the visits it always did.
        people = 2 if self.pair_share > 0 and rng.random() < self.pair_share else 1
        bodies = tuple(
            BodyParams(
                height_m=round(rng.uniform(*HEIGHT_RANGE_M), 2),
                vo2max_ml_kg_min=rng.choice(sorted(FITNESS_VO2MAX.values())),
            )
            for _ in range(people)
        )
        return Visit(number, arrive_ns, arrive_ns + round(stay * NS_PER_S), self._seed * 1000 + number, bodies)

    def advance(self, t_ns: int) -> None:
        """Bring the hall up to ``t_ns``: arrivals, departures, and the pose frames that fell due."""
        with self._lock:
            out: list[PoseFrame] = []
            status: DeviceStatus | None = None
            visit = self.visit
            if visit is not None and self.player is None and t_ns >= visit.arrive_ns:
                self._arrive(visit)
            player = self.player
            if player is not None:
                while self._waves and self._waves[0] <= t_ns + NS_PER_S:
                    wave_ns = self._waves.pop(0)
                    for p in self.pair.players if self.pair is not None else (player,):
                        p.inject("wave", wave_ns)
                until = min(t_ns, visit.leave_ns) if visit is not None else t_ns
                samples = self.pair.advance_to(until) if self.pair is not None else player.advance_to(until)
                down = self._camera_down_until_ns
                if down is not None and t_ns >= down:
                    self._camera_down_until_ns = down = None
                    status = DeviceStatus(t_ns, self.name, "sim", DeviceState.STREAMING, "camera back")
                if down is None:
                    out = [s for s in samples if isinstance(s, PoseFrame)]
                if visit is not None and t_ns >= visit.leave_ns:
                    self.player = self.pair = None  # left: from now on the camera sees an empty hall
                    self.visit = self._plan(visit.leave_ns + round(self._rng.uniform(*self.away_s) * NS_PER_S))
            elif self._camera_down_until_ns is not None and t_ns >= self._camera_down_until_ns:
                self._camera_down_until_ns = None
                status = DeviceStatus(t_ns, self.name, "sim", DeviceState.STREAMING, "camera back")
            bus = self._bus
        if bus is not None:
            if status is not None:
                bus.push(status)
            if out:
                bus.push_many(list(out))

    def _arrive(self, visit: Visit) -> None:
        if len(visit.bodies) == 2:
            self.pair = SimulatedPair(
                seed=visit.seed, scripts=(_STAND,), t0_ns=visit.arrive_ns, bodies=visit.bodies, source=self.name,
                pose_fps=self._pose_fps,
            )  # fmt: skip
            self.player = self.pair.players[0]
        else:
            self.player = SimulatedPlayer(
                seed=visit.seed, script=_STAND, t0_ns=visit.arrive_ns, body=visit.body, source=self.name,
                pose_fps=self._pose_fps, loop=False,
            )  # fmt: skip
        self.visitors += len(visit.bodies)
        self._waves = [visit.arrive_ns + round(s * NS_PER_S) for s in (FIRST_WAVE_S, FIRST_WAVE_S + SECOND_WAVE_S)]

    def _person(self, player: int) -> SimulatedPlayer | None:
        """Who stands in zone ``player`` (0: the visitor alone or the left one of two)."""
        if self.pair is not None:
            return self.pair.players[player] if 0 <= player < 2 else None
        return self.player if player == 0 else None

    @property
    def people(self) -> int:
        """How many stand in front of the camera: 0, 1 or 2."""
        return 0 if self.player is None else 2 if self.pair is not None else 1

    @property
    def present(self) -> bool:
        """Someone stands in front of the camera."""
        return self.player is not None

    # -- what the game may ask (the autopilot) ---------------------------------------------
    def inject(self, kind: str, t_ns: int, player: int = 0) -> None:
        """Ask visitor ``player`` for one movement (``"jump"``, ``"squat"`` ...); nobody there: nothing."""
        with self._lock:
            person = self._person(player)
            if person is not None:
                person.inject(kind, t_ns)

    def steer(
        self,
        t_ns: int,
        activity: str,
        *,
        player: int = 0,
        cadence_spm: float | None = None,
        rate_per_min: float | None = None,
        lean: float = 0.0,
        side_m: float = 0.0,
        crouch: float = 0.0,
    ) -> None:
        """Change what visitor ``player`` keeps doing (:meth:`SimulatedPlayer.steer`); nobody there: nothing."""
        with self._lock:
            person = self._person(player)
            if person is not None:
                person.steer(
                    t_ns, activity, cadence_spm=cadence_spm, rate_per_min=rate_per_min, lean=lean, side_m=side_m, crouch=crouch
                )

    def fail_camera(self, t_ns: int, for_s: float) -> None:
        """Stage a camera failure: reported disconnected now, no frames for ``for_s`` seconds,
        then reported streaming again."""
        with self._lock:
            self._camera_down_until_ns = t_ns + round(for_s * NS_PER_S)
            self.camera_failures += 1
            bus = self._bus
        if bus is not None:
            bus.push(DeviceStatus(t_ns, self.name, "sim", DeviceState.DISCONNECTED, "camera unplugged (staged)"))
