"""Every pose detector against the simulated player's ground truth, through the MotionTracker
the game uses: precision and recall >= 0.95 within +-0.2 s.

Two scripts: the default one (jogging, jumps, squats) and the exercise one (jumping jacks among
arm waves, wide steps with an arm raise, jumps, squats, jogging, punches, double-pole swings),
two seeds each.
"""

from __future__ import annotations

import pytest

from sensors.motion.events import MotionEvent
from sensors.samples import PoseFrame
from sensors.sim import DEFAULT_SCRIPT, EXERCISE_SCRIPT

from motion_synth import Truth, match
from pose_sim_streams import sim_pose, track

WINDOW_S = 0.2
POSE_KINDS = ("step", "jump", "squat", "jumping_jack", "arms_up", "punch", "arm_swing")
RUNS = {
    (name, seed): (script, seed)
    for name, script in (("default", DEFAULT_SCRIPT), ("exercise", EXERCISE_SCRIPT))
    for seed in (0, 1)
}
_cache: dict[tuple[str, int], tuple[list[PoseFrame], list[Truth], list[MotionEvent]]] = {}


def _run(key: tuple[str, int]) -> tuple[list[PoseFrame], list[Truth], list[MotionEvent]]:
    if key not in _cache:
        script, seed = RUNS[key]
        frames, truth = sim_pose(script, seed=seed)
        _cache[key] = (frames, truth, track(frames, 4 / 3))
    return _cache[key]


@pytest.mark.parametrize("key", sorted(RUNS))
@pytest.mark.parametrize("kind", POSE_KINDS)
def test_pose_detector_precision_and_recall(key: tuple[str, int], kind: str) -> None:
    _, truth, events = _run(key)
    n_truth = sum(1 for t in truth if t.kind == kind)
    score = match(truth, events, kind, WINDOW_S)
    if n_truth == 0:
        assert score.fp == 0, (kind, [e.t_ns for e in events if e.kind == kind])
        return
    assert score.precision >= 0.95 and score.recall >= 0.95, (key, kind, score.tp, score.fp, score.fn)


def test_the_exercise_script_has_every_arm_movement_and_its_look_alikes() -> None:
    _, truth, _ = _run(("exercise", 0))
    counts = {k: sum(1 for t in truth if t.kind == k) for k in POSE_KINDS}
    assert counts["jumping_jack"] >= 25 and counts["punch"] >= 5 and counts["arm_swing"] >= 4
    assert counts["arms_up"] > counts["jumping_jack"]  # arm waves and wide steps raise the arms too
    assert min(counts[k] for k in ("step", "jump", "squat")) >= 3


def test_jumping_jacks_are_counted_exactly() -> None:
    for key in (("exercise", 0), ("exercise", 1)):
        _, truth, events = _run(key)
        score = match(truth, events, "jumping_jack", WINDOW_S)
        assert (score.fp, score.fn) == (0, 0), key


def test_magnitudes_are_what_the_kinds_promise() -> None:
    _, _, events = _run(("exercise", 0))
    by_kind: dict[str, list[MotionEvent]] = {}
    for e in events:
        by_kind.setdefault(e.kind, []).append(e)
    assert all(e.magnitude == 1.0 for e in by_kind["jumping_jack"])
    assert all(0.5 <= e.magnitude <= 1.3 for e in by_kind["arms_up"])  # lower wrist, trunk lengths
    assert all(1.0 < e.magnitude < 10.0 for e in by_kind["punch"])  # arm lengths per second
    assert all(2.0 < e.magnitude < 15.0 for e in by_kind["arm_swing"])  # trunk lengths per second
    assert all(0.0 <= e.confidence <= 1.0 and e.source == "pose" for e in events)
