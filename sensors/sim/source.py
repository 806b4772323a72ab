"""Runs a :class:`SimulatedPlayer` on its own thread, in real time, into a SensorBus.

Every ``TICK_S`` the thread advances the player to the clock's now and pushes what fell due;
the player's ``t0_ns`` is the clock at :meth:`SimulatedSource.start`. ``inject`` may be called
from any thread (the game's autopilot); it is applied under the same lock as ``advance_to``.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TypedDict, Unpack

from sensors.bus import SensorBus
from sensors.clock import ClockNs, now_ns
from sensors.samples import DeviceState, DeviceStatus, Sample
from sensors.sim.body import BodyParams, Camera
from sensors.sim.player import SimulatedPlayer
from sensors.sim.script import GAME_SCRIPT, Segment

TICK_S = 0.01


class PlayerOptions(TypedDict, total=False):
    """The :class:`SimulatedPlayer` keywords a :class:`SimulatedSource` passes on as given."""

    body: BodyParams
    imu_placement: str
    imu_rate_hz: float
    pose_fps: float
    hr_interval_s: float
    loop: bool
    camera: Camera
    imu_batch: int
    record_truth: bool


class TickedSource:
    """A Source (see :mod:`sensors.source`) whose device is a simulation advanced in real time on
    its own thread: every ``TICK_S`` it is advanced to the clock's now, under ``_lock``, and what
    fell due goes on the bus. A subclass makes its model in :meth:`_create` and advances it in
    :meth:`_advance`; its other calls into the model (``inject``, ``steer``) take ``_lock``.
    ``what`` names the device in status lines ("simulated player"). ``threaded`` False: no
    thread; the owner calls :meth:`advance` with the clock's time once per frame (a run on a
    virtual clock, faster than real time, where samples must arrive in step with the frames).
    """

    what = "simulation"

    def __init__(self, clock: ClockNs, name: str, threaded: bool = True) -> None:
        self.name = name
        self._clock = clock
        self.threaded = threaded
        self._started = False
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bus: SensorBus | None = None

    def _create(self, t0_ns: int) -> None:
        raise NotImplementedError

    def _advance(self, t_ns: int) -> Sequence[Sample]:
        raise NotImplementedError

    def start(self, bus: SensorBus) -> None:
        if self._thread is not None or self._started:
            return
        self._bus = bus
        self._started = True
        self._create(self._clock())
        bus.push(DeviceStatus(self._clock(), self.name, "sim", DeviceState.STREAMING, self.what))
        if not self.threaded:
            return
        self._thread = threading.Thread(target=self._run, name=f"liike-{self.name}", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        assert self._bus is not None
        while not self._stop.wait(TICK_S):
            try:
                with self._lock:
                    samples = self._advance(self._clock())
            except Exception as exc:  # a bug in the model must show on screen, not kill silently
                self._bus.push(DeviceStatus(self._clock(), self.name, "sim", DeviceState.ERROR, f"{self.what} failed: {exc!r}"))
                return
            self._bus.push_many(list(samples))

    def advance(self, t_ns: int) -> None:
        """Push what fell due up to ``t_ns`` (host ns); for a source made with ``threaded=False``."""
        if self._bus is None or self.threaded or self._stop.is_set():
            return
        with self._lock:
            samples = self._advance(t_ns)
        self._bus.push_many(list(samples))

    def stop(self) -> None:
        if not self._started or self._stop.is_set():
            return
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=1.0)
        if self._bus is not None:
            self._bus.push(DeviceStatus(self._clock(), self.name, "sim", DeviceState.DISCONNECTED, f"{self.what} stopped"))


class SimulatedSource(TickedSource):
    """A Source whose device is the simulated player."""

    what = "simulated player"

    def __init__(
        self,
        seed: int = 0,
        script: tuple[Segment, ...] = GAME_SCRIPT,
        clock: ClockNs = now_ns,
        name: str = "sim",
        threaded: bool = True,
        **player_options: Unpack[PlayerOptions],
    ) -> None:
        super().__init__(clock, name, threaded)
        self._seed, self._script, self._options = seed, script, player_options
        self.player: SimulatedPlayer | None = None

    def _create(self, t0_ns: int) -> None:
        # Ground truth is for tests of the model itself: a live source spares its cost unless asked.
        options: PlayerOptions = {"record_truth": False, **self._options}
        self.player = SimulatedPlayer(seed=self._seed, script=self._script, t0_ns=t0_ns, source=self.name, **options)

    def _advance(self, t_ns: int) -> Sequence[Sample]:
        assert self.player is not None
        return self.player.advance_to(t_ns)

    def inject(self, kind: str, t_ns: int) -> None:
        """Ask the virtual player for one jump or squat (thread-safe)."""
        if self.player is None:
            return
        with self._lock:
            self.player.inject(kind, t_ns)

    def steer(
        self,
        t_ns: int,
        activity: str,
        *,
        cadence_spm: float | None = None,
        rate_per_min: float | None = None,
        lean: float = 0.0,
        side_m: float = 0.0,
        crouch: float = 0.0,
    ) -> None:
        """Change what the virtual player keeps doing (thread-safe); see
        :meth:`~sensors.sim.player.SimulatedPlayer.steer`."""
        if self.player is None:
            return
        with self._lock:
            self.player.steer(
                t_ns, activity, cadence_spm=cadence_spm, rate_per_min=rate_per_min, lean=lean, side_m=side_m, crouch=crouch
            )
