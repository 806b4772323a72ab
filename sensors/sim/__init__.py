"""The simulated player: a seeded virtual person producing consistent heart-rate, IMU and pose
streams from one movement script, with ground truth for tests and a real-time source for demos."""

from sensors.sim.body import FITNESS_VO2MAX, BodyParams, Camera
from sensors.sim.player import PLACEMENTS, SimulatedPlayer, TruthEvent
from sensors.sim.script import DEFAULT_SCRIPT, EXERCISE_SCRIPT, GAME_SCRIPT, Activity, Segment, parse_script
from sensors.sim.source import SimulatedSource

__all__ = [
    "DEFAULT_SCRIPT",
    "EXERCISE_SCRIPT",
    "FITNESS_VO2MAX",
    "GAME_SCRIPT",
    "PLACEMENTS",
    "Activity",
    "BodyParams",
    "Camera",
    "Segment",
    "SimulatedPlayer",
    "SimulatedSource",
    "TruthEvent",
    "parse_script",
]
