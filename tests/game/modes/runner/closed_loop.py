"""A runner round with the simulated player in the loop, on a fake clock, without a window.

The same path as ``liike play --input sim`` from the sensors on: the simulated player's samples
go through a SensorBus into the app's own ``pump_sensors`` (motion recognition, input mapping),
the runner scene plays each fixed step, and its autopilot steers the player (jog at the target
cadence, jumps and squats for what comes). Only the wall clock is replaced: time advances as
fast as the machine computes, so ten minutes of play take seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

from game.engine.app import App
from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.live import LiveSensors
from game.engine.modes import get_mode
from game.engine.run import build_tracker
from game.input import InputMapper, load_bindings
from game.modes.runner.level import Level
from game.modes.runner.scene import RunnerScene
from game.render.text import TextCache
from sensors.bus import SensorBus
from sensors.samples import BusItem
from sensors.sim import FITNESS_VO2MAX, BodyParams, SimulatedPlayer, parse_script

STEP_S = 1 / 120  # the app's fixed update
PUMP_EVERY = 4  # sensors drained every fourth step (30 Hz): the same samples, fewer calls


@dataclass
class RoundResult:
    """What a round left: the player's %HRR trace (seconds of play, fraction of reserve, once a
    second), the scene (for its world and summary), and the band the level aims at."""

    hrr: list[tuple[float, float]]
    scene: RunnerScene
    band: tuple[float, float] | None

    def mean_hrr(self, from_s: float) -> float:
        tail = [f for t, f in self.hrr if t >= from_s]
        return sum(tail) / len(tail)


def play_round(
    level: Level,
    fitness: str,
    seconds: float,
    *,
    adaptive: bool | None = None,
    seed: int = 3,
    imu_rate_hz: float = 100.0,
    pose_fps: float = 30.0,
) -> RoundResult:
    """Play ``seconds`` of ``level`` with the simulated player of ``fitness`` (a
    :data:`sensors.sim.FITNESS_VO2MAX` key). ``adaptive`` None follows the level; False keeps
    the written pace."""
    clock = [0]
    player = SimulatedPlayer(
        seed=seed,
        script=parse_script("idle:2,jog:7200@150"),
        body=BodyParams(vo2max_ml_kg_min=FITNESS_VO2MAX[fitness]),
        t0_ns=0,
        imu_rate_hz=imu_rate_hz,
        pose_fps=pose_fps,
        record_truth=False,  # the round reads the scene, not the moves' truth (a third of the model's time)
    )
    ctx = GameContext(
        config=AppConfig(mode="runner", input="sim", headless=True, sim_fitness=fitness),
        mapper=InputMapper(load_bindings()),
        live=LiveSensors(recogniser=build_tracker()),
        mode=get_mode("runner"),
        levels=[level],
        text=TextCache(),
        autopilot=player.inject,
        steer=player.steer,
        clock=lambda: clock[0],
        input_label="simulated player",
    )
    scene = RunnerScene(ctx, adaptive=adaptive)
    bus = SensorBus()
    app = App(ctx, scene, bus)
    profile = ctx.live.profile
    hrr: list[tuple[float, float]] = []
    step_ns = round(STEP_S * 1e9)
    n = 0
    while scene.world.elapsed_s < seconds and not scene.world.finished:
        clock[0] += step_ns
        n += 1
        if n % PUMP_EVERY == 0:
            bus.push_many(list[BusItem](player.advance_to(clock[0])))
            app.pump_sensors()
        frame = ctx.mapper.step()
        ctx.live.tick(clock[0], STEP_S)
        scene.play(frame, STEP_S)
        scene.effects.update(STEP_S)
        if n % 120 == 0 and ctx.live.hr_bpm is not None:
            hrr.append((scene.world.elapsed_s, profile.reserve_fraction(ctx.live.hr_bpm)))
    return RoundResult(hrr, scene, level.effort_band)
