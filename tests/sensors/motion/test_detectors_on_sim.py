"""Detectors end to end on the simulated player's default script (``sensors.sim``).

Pose only, IMU only and both together through :class:`MotionTracker`, scored against the
simulator's ground truth with a +-200 ms match window. Squats are scored from pose only: the
IMU path does not detect squats (see ``sensors.motion.imu_detectors``).
"""

from __future__ import annotations

from typing import Any

import pytest

from sensors.motion.events import MotionEvent
from sensors.motion.tracker import MotionTracker
from sensors.samples import ImuBatch, PoseFrame

from motion_synth import Truth, match

sim = pytest.importorskip("sensors.sim", reason="the simulated player (sensors.sim) is not there yet")
if not hasattr(sim, "SimulatedPlayer"):
    pytest.skip("sensors.sim has no SimulatedPlayer yet", allow_module_level=True)

WINDOW_S = 0.2
STEP_NS = 50_000_000  # advance the simulation in 50 ms slices, as a game loop would


def _simulate(seed: int = 0) -> tuple[list[Any], list[Truth]]:
    player = sim.SimulatedPlayer(seed=seed, script=sim.DEFAULT_SCRIPT, loop=False)
    samples: list[Any] = []
    # The default script once through (it ends at rest), plus 2 s for late events.
    end_ns = round((sum(seg.duration_s for seg in sim.DEFAULT_SCRIPT) + 2.0) * 1e9)
    t = STEP_NS
    while t <= end_ns:
        samples.extend(player.advance_to(t))
        t += STEP_NS
    truth = [Truth(x.kind, x.t_ns, x.magnitude) for x in player.ground_truth()]
    return samples, truth


@pytest.fixture(scope="module")
def simulated() -> tuple[list[Any], list[Truth]]:
    return _simulate()


def _track(samples: list[Any], kinds: tuple[type, ...]) -> list[MotionEvent]:
    tr = MotionTracker()
    out: list[MotionEvent] = []
    for s in samples:
        if isinstance(s, kinds):
            out.extend(tr.feed(s))
    return out


POSE, IMU, BOTH = (PoseFrame,), (ImuBatch,), (PoseFrame, ImuBatch)


@pytest.mark.parametrize(
    ("name", "kinds", "kind"),
    [
        ("pose", POSE, "step"),
        ("pose", POSE, "jump"),
        ("pose", POSE, "squat"),
        ("imu", IMU, "step"),
        ("imu", IMU, "jump"),
        ("both", BOTH, "step"),
        ("both", BOTH, "jump"),
        ("both", BOTH, "squat"),
    ],
)
def test_precision_recall_on_default_script(
    simulated: tuple[list[Any], list[Truth]], name: str, kinds: tuple[type, ...], kind: str
) -> None:
    samples, truth = simulated
    assert any(t.kind == kind for t in truth)
    s = match(truth, _track(samples, kinds), kind, WINDOW_S)
    assert s.precision >= 0.95 and s.recall >= 0.95, (name, kind, s.tp, s.fp, s.fn)


def test_imu_events_are_never_squats(simulated: tuple[list[Any], list[Truth]]) -> None:
    samples, _ = simulated
    assert [e for e in _track(samples, IMU) if e.kind == "squat"] == []
