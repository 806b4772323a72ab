"""Placement-general steps on the simulated player, whose every step is known."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.motion.gait import LimbStepDetector, StepDetector, is_trunk, normalise_placement
from sensors.motion.imu_detectors import ImuMotionDetector
from sensors.samples import ImuBatch
from sensors.sim.player import SimulatedPlayer

SCRIPT = "idle:4,jog:30@160,rest:6,jog:20@130,idle:3,jog:20@185,rest:5"
BOUTS = [(4, 34), (40, 60), (63, 83)]


def run(placement: str, seed: int) -> tuple[list[int], list[int], StepDetector]:
    sp = SimulatedPlayer(seed=seed, script=SCRIPT, imu_placement=placement, loop=False)
    batches = [s for s in sp.advance_to(int(88e9)) if isinstance(s, ImuBatch)]
    det = StepDetector("foot" if placement == "ankle" else placement)
    events = []
    for b in batches:
        events += det.update(b)
    events += det.flush()
    truth = [e.t_ns for e in sp.ground_truth() if e.kind == "step"]
    return truth, [e.t_ns for e in events if e.kind == "step"], det


def per_bout(times_ns: list[int]) -> list[int]:
    t = np.array(times_ns) / 1e9
    return [int(((t >= a) & (t < b + 1.0)).sum()) for a, b in BOUTS]


@pytest.mark.slow
@pytest.mark.parametrize("placement", ["ankle", "thigh", "wrist"])
def test_limb_steps_per_bout(placement: str) -> None:
    truth, found, det = run(placement, seed=11)
    assert isinstance(det.detector, LimbStepDetector)
    for got, want in zip(per_bout(found), per_bout(truth), strict=True):
        assert abs(got - want) <= 4, (per_bout(found), per_bout(truth))  # a cycle (2 steps) at each end at most
    t = np.array(found) / 1e9
    assert not ((t > 35.0) & (t < 39.0)).any()  # nothing while resting


@pytest.mark.slow
@pytest.mark.parametrize("placement", ["ankle", "thigh"])
def test_leg_steps_fall_on_foot_contacts(placement: str) -> None:
    # A leg cycle's peak is mid-swing; contacts are a quarter and three quarters of a stride later.
    truth, found, _ = run(placement, seed=11)
    tr = np.array(truth) / 1e9
    err = np.array([float(np.min(np.abs(tr - t / 1e9))) for t in found])
    assert np.median(err) < 0.08 and (err <= 0.25).mean() >= 0.95


def test_limb_cadence_follows_the_jog() -> None:
    sp = SimulatedPlayer(seed=3, script="idle:3,jog:25@170", imu_placement="ankle", loop=False)
    det = LimbStepDetector("ankle")
    for s in sp.advance_to(int(28e9)):
        if isinstance(s, ImuBatch):
            det.update(s)
    assert det.cadence_spm(int(28e9)) == pytest.approx(170, rel=0.05)
    assert det.strides >= 30


def test_trunk_placements_use_the_games_detector() -> None:
    assert is_trunk("lower-back") and is_trunk("Waist") and not is_trunk("wrist")
    assert normalise_placement(" Lower-Back ") == "lower_back"
    assert isinstance(StepDetector("chest").detector, ImuMotionDetector)
    with pytest.raises(ValueError):
        StepDetector("ear")
    truth, found, _ = run("chest", seed=4)
    assert abs(len(found) - len(truth)) <= 0.1 * len(truth)  # flush releases the held last steps
