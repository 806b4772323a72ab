"""The simulated player: deterministic, consistent across streams, true to its script."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.clock import s_to_ns
from sensors.samples import HeartRateSample, ImuBatch, PoseFrame
from sensors.sim import Activity, SimulatedPlayer, parse_script

from sim_helpers import by_type, imu_arrays, run, same


def test_deterministic_and_independent_of_chunking() -> None:
    one = run(SimulatedPlayer(seed=4), 30.0)
    chunked = run(SimulatedPlayer(seed=4), 30.0, step_s=0.0173)
    assert same(one, chunked)
    assert not same(one, run(SimulatedPlayer(seed=5), 30.0))
    assert [s.t_host_ns for s in one] == sorted(s.t_host_ns for s in one)


def test_same_calls_with_injections_give_the_same_output_however_time_is_chunked() -> None:
    def play(step_s: float | None) -> tuple[list, list]:
        player = SimulatedPlayer(seed=11, script=parse_script("idle:2,jog:10@165,jump:5,squat:5"))
        out = run(player, 6.0, step_s)
        if step_s is None:  # queries about the future change nothing
            player.activity_at(s_to_ns(300.0))
            player.hr_bpm_at(s_to_ns(300.0))
        player.inject("jump", s_to_ns(6.0))
        out += run(player, 9.0, step_s, start_s=6.0)
        player.inject("squat", s_to_ns(8.5))
        out += run(player, 24.0, step_s, start_s=9.0)
        return out, player.ground_truth()

    (a, truth_a), (b, truth_b) = play(None), play(1 / 60)
    assert same(a, b)
    assert truth_a == truth_b
    assert {"step", "jump", "squat"} <= {e.kind for e in truth_a}


def test_stream_rates() -> None:
    samples = run(SimulatedPlayer(seed=1, pose_fps=25.0, hr_interval_s=0.5), 10.0)
    assert sum(b.n_values for b in by_type(samples, ImuBatch)) == 1000
    assert len(by_type(samples, PoseFrame)) == 251  # frames at 0, 1/25 ... 10 s
    hr = by_type(samples, HeartRateSample)
    assert len(hr) == 20 and hr[0].t_host_ns == s_to_ns(0.5)


def test_ground_truth_counts_match_the_script() -> None:
    player = SimulatedPlayer(seed=2, script=parse_script("idle:3,jog:20@160,jump:10@24,squat:11@24,rest:3"), loop=False)
    run(player, 51.0, step_s=0.25)
    truth = player.ground_truth()
    kinds = [e.kind for e in truth]
    assert abs(kinds.count("step") - 53) <= 1  # 20 s at 160 steps/min
    # Repetitions every 2.5 s (24 a minute) from 0.3 s into the segment, as many as fit.
    assert kinds.count("jump") == 4 and kinds.count("squat") == 4
    steps = [e.t_ns for e in truth if e.kind == "step"]
    assert np.median(np.diff(steps)) == pytest.approx(60 / 160 * 1e9, rel=0.01)
    assert all(s.t_end_ns == s.t_ns and s.magnitude == 1.0 for s in truth if s.kind == "step")
    for e in truth:
        if e.kind == "jump":
            assert 0.15 <= e.magnitude <= 0.35 and e.t_end_ns > e.t_ns
        if e.kind == "squat":
            assert 0.25 <= e.magnitude <= 0.45 and e.t_end_ns > e.t_ns
    assert [e.t_ns for e in truth] == sorted(e.t_ns for e in truth)
    assert player.activity_at(s_to_ns(1)) is Activity.IDLE
    assert player.activity_at(s_to_ns(10)) is Activity.JOG
    assert player.activity_at(truth[-1].t_ns) is Activity.SQUAT
    # Only what was performed up to the last advance_to.
    assert all(e.t_ns <= s_to_ns(51.0) for e in truth)


def test_injected_jump_shows_in_every_stream() -> None:
    player = SimulatedPlayer(seed=8, script=parse_script("jog:30@160"), loop=False)
    samples = run(player, 5.0)
    player.inject("jump", s_to_ns(5.0))
    samples += run(player, 9.0, step_s=0.05, start_s=5.0)
    jumps = [e for e in player.ground_truth() if e.kind == "jump"]
    assert len(jumps) == 1 and s_to_ns(5.0) <= jumps[0].t_ns <= s_to_ns(6.0)
    assert player.activity_at(jumps[0].t_ns) is Activity.JUMP
    t, acc = imu_arrays(samples)
    flight = (t > jumps[0].t_ns / 1e9 + 0.03) & (t < jumps[0].t_end_ns / 1e9 - 0.03)
    assert np.linalg.norm(acc[flight], axis=1).max() < 0.3
    frames = by_type(samples, PoseFrame)
    mid = (jumps[0].t_ns + jumps[0].t_end_ns) / 2
    before = min(frames, key=lambda f: abs(f.t_host_ns - s_to_ns(4.9)))
    top = min(frames, key=lambda f: abs(f.t_host_ns - mid))
    assert top.landmarks[27:33, 1].max() < before.landmarks[27:33, 1].max() - 0.03  # both feet off the floor
    steps = [e.t_ns for e in player.ground_truth() if e.kind == "step"]
    assert not [s for s in steps if jumps[0].t_ns - 200_000_000 < s < jumps[0].t_end_ns]
    assert any(s > jumps[0].t_end_ns + 500_000_000 for s in steps)  # then back to jogging
    with pytest.raises(ValueError):
        player.inject("cartwheel", 0)


def test_injected_squat_waits_for_a_movement_under_way() -> None:
    player = SimulatedPlayer(seed=8, script=parse_script("idle:20"), loop=False)
    run(player, 1.0)
    player.inject("jump", s_to_ns(1.0))
    player.inject("squat", s_to_ns(1.0))
    samples = run(player, 8.0, step_s=0.1, start_s=1.0)
    truth = [e for e in player.ground_truth() if e.kind != "arms_up"]  # the jump swings the arms up
    assert [e.kind for e in truth] == ["jump", "squat"]
    jump, squat = truth
    assert squat.t_ns > jump.t_end_ns
    frames = by_type(samples, PoseFrame)
    bottom = min(frames, key=lambda f: abs(f.t_host_ns - squat.t_ns))
    assert bottom.landmarks[[23, 24], 1].mean() > frames[0].landmarks[[23, 24], 1].mean() + 0.05
