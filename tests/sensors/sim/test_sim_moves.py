"""The simulated player's arm movements: jumping jacks, punches, arm waves, double-pole swings
and wide steps look like what they are, with ground truth, deterministically."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.clock import s_to_ns
from sensors.samples import PoseFrame
from sensors.sim import EXERCISE_SCRIPT, Activity, SimulatedPlayer, parse_script

from sim_helpers import by_type, run, same


def _frame_at(frames: list[PoseFrame], t_ns: int) -> PoseFrame:
    return min(frames, key=lambda f: abs(f.t_host_ns - t_ns))


def test_jumping_jack_open_posture_has_feet_apart_and_hands_over_the_head() -> None:
    player = SimulatedPlayer(seed=3, script=parse_script("idle:2,jack:6@50"), loop=False)
    frames = by_type(run(player, 8.0, step_s=0.1), PoseFrame)
    jacks = [e for e in player.ground_truth() if e.kind == "jumping_jack"]
    assert len(jacks) == 4  # 6 s at 50/min, the first starting 0.3 s in, whole ones only
    stand = frames[10].landmarks
    for jack in jacks:
        lm = _frame_at(frames, jack.t_ns).landmarks
        assert abs(lm[27, 0] - lm[28, 0]) > 2 * abs(stand[27, 0] - stand[28, 0])  # ankles apart
        assert lm[15, 1] < lm[0, 1] and lm[16, 1] < lm[0, 1]  # both wrists above the nose
        closed = _frame_at(frames, jack.t_end_ns + 50_000_000).landmarks
        assert abs(closed[27, 0] - closed[28, 0]) < 1.3 * abs(stand[27, 0] - stand[28, 0])
        assert closed[15, 1] > closed[11, 1]  # arms down again
    assert player.activity_at(jacks[0].t_ns) is Activity.JACK


def test_punch_straightens_one_arm_towards_the_camera() -> None:
    player = SimulatedPlayer(seed=1, script=parse_script("idle:1,punch:5@40"), loop=False)
    frames = by_type(run(player, 6.0, step_s=0.1), PoseFrame)
    punches = [e for e in player.ground_truth() if e.kind == "punch"]
    assert len(punches) >= 3
    for p in punches:
        w = _frame_at(frames, p.t_ns).world
        assert w is not None
        reach = [np.linalg.norm(w[wr] - w[sh]) for sh, wr in ((11, 15), (12, 16))]
        assert max(reach) > 1.6 * min(reach)  # one arm out, the other in guard
        arm = int(np.argmax(reach))
        assert w[15 + arm, 2] < w[11 + arm, 2] - 0.4  # the fist is well in front of the shoulder


def test_arm_wave_raises_the_arms_without_moving_the_feet() -> None:
    player = SimulatedPlayer(seed=2, script=parse_script("idle:1,wave:5"), loop=False)
    frames = by_type(run(player, 6.0, step_s=0.1), PoseFrame)
    ankles = np.array([abs(f.landmarks[27, 0] - f.landmarks[28, 0]) for f in frames])
    assert ankles.max() - ankles.min() < 0.02
    assert [e.kind for e in player.ground_truth()] == ["arms_up"]


def test_double_pole_swings_both_arms_together() -> None:
    player = SimulatedPlayer(seed=2, script=parse_script("idle:1,pole:6@30"), loop=False)
    frames = by_type(run(player, 7.5, step_s=0.1), PoseFrame)
    swings = [e for e in player.ground_truth() if e.kind == "arm_swing"]
    assert len(swings) == 3
    for s in swings:
        lm = _frame_at(frames, s.t_ns).landmarks
        assert abs(lm[15, 1] - lm[16, 1]) < 0.02  # hands level
        assert lm[15, 1] > lm[23, 1] - 0.05  # at the hips


def test_new_activities_keep_the_player_deterministic_however_time_is_chunked() -> None:
    a = SimulatedPlayer(seed=9, script=EXERCISE_SCRIPT)
    b = SimulatedPlayer(seed=9, script=EXERCISE_SCRIPT)
    out_a = run(a, 40.0, step_s=0.37)
    out_b = run(b, 40.0, step_s=0.05)
    assert same(out_a, out_b)
    assert a.ground_truth() == b.ground_truth()
    truth_t = [e.t_ns for e in a.ground_truth()]
    assert truth_t == sorted(truth_t)


def test_jack_rates_and_injection_names_are_checked() -> None:
    with pytest.raises(ValueError, match="jack repetition rate must be 20..60"):
        parse_script("jack:10@90")
    player = SimulatedPlayer(seed=0, script=parse_script("idle:10"), loop=False)
    player.inject("jack", s_to_ns(1.0))
    run(player, 4.0)
    assert [e.kind for e in player.ground_truth() if e.kind != "arms_up"] == ["jumping_jack"]
