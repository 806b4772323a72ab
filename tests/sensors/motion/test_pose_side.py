"""Side steps from pose: the hips' offset from the player's home spot, and its events."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from sensors.motion.events import MotionEvent
from sensors.motion.pose_detectors import PoseMotionDetector, PoseSideDetector
from sensors.motion.tracker import MotionTracker
from sensors.samples import PoseFrame

from motion_synth import HIP_H, Camera, Pose, jog_script, pose_frames, skeleton_m, squat_script

S = 1_000_000_000
FPS = 30


def _ramp(t: float, t0: float, t1: float) -> float:
    return min(1.0, max(0.0, (t - t0) / (t1 - t0)))


def side_frames(
    offset_m: Callable[[float], float], duration_s: float, *, mirror: bool = False, seed: int = 0, trunk_side: float = 0.0
) -> list[PoseFrame]:
    """A standing player whose whole body is offset ``offset_m(t)`` metres to the player's own
    right (motion_synth's x points to the player's left)."""
    cam = Camera()
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(int(duration_s * FPS)):
        t = i / FPS
        pts = skeleton_m(Pose(trunk_side=trunk_side))
        pts[:, 0] -= offset_m(t)
        fr = cam.frame(S + round(t * S), pts, rng)
        if mirror:
            lm = np.array(fr.landmarks)
            lm[:, 0] = 1.0 - lm[:, 0]
            fr = PoseFrame(t_host_ns=fr.t_host_ns, source=fr.source, landmarks=lm, world=fr.world)
        frames.append(fr)
    return frames


def step_out_and_back(side_m: float, t_out: float = 2.0, hold_s: float = 2.0) -> Callable[[float], float]:
    def offset(t: float) -> float:
        return side_m * (_ramp(t, t_out, t_out + 0.4) - _ramp(t, t_out + 0.4 + hold_s, t_out + 0.8 + hold_s))

    return offset


def feed_all(det: PoseSideDetector | PoseMotionDetector | MotionTracker, frames: list[PoseFrame]) -> list[MotionEvent]:
    out: list[MotionEvent] = []
    for fr in frames:
        out.extend(det.feed(fr) if isinstance(det, MotionTracker) else det.update(fr))
    return out


@pytest.mark.parametrize("mirror", [False, True])
@pytest.mark.parametrize(("side_m", "kind"), [(0.45, "sidestep_right"), (-0.45, "sidestep_left")])
def test_a_side_step_and_back_is_one_event_on_the_players_own_side(side_m: float, kind: str, mirror: bool) -> None:
    det = PoseSideDetector()
    sides: list[float] = []
    events: list[MotionEvent] = []
    for fr in side_frames(step_out_and_back(side_m), 6.0, mirror=mirror):
        events.extend(det.update(fr))
        sides.append(det.side)
    assert [e.kind for e in events] == [kind]
    # The offset crosses `on` (0.25 hip heights) about 0.21 s into the 0.4 s step.
    crossing_s = 2.0 + 0.4 * 0.25 * HIP_H / abs(side_m)
    assert events[0].t_ns == pytest.approx(S + crossing_s * S, abs=0.07 * S)
    assert events[0].magnitude >= 0.25
    held = sides[int(3.0 * FPS) : int(4.2 * FPS)]
    assert np.mean(held) == pytest.approx(side_m / HIP_H, abs=0.05)
    assert abs(sides[-1]) < 0.05  # back home


def test_standing_jogging_squatting_and_leaning_are_no_side_steps() -> None:
    for frames in (
        side_frames(lambda t: 0.0, 5.0),
        pose_frames(jog_script(170, 1.0, 7.0, 8.0), seed=3),
        pose_frames(squat_script([(2.0, 0.45, 1.0), (4.0, 0.45, 1.0)], 6.0), seed=4),
        side_frames(lambda t: 0.0, 5.0, trunk_side=math.radians(30)),
    ):
        assert [e for e in feed_all(PoseSideDetector(), frames)] == []


def test_a_player_who_moved_for_good_gets_a_new_home() -> None:
    det = PoseSideDetector(away_tau_s=5.0)
    frames = side_frames(lambda t: 0.45 * _ramp(t, 1.0, 1.4) + 0.45 * _ramp(t, 40.0, 40.4), 43.0)
    events = feed_all(det, frames)
    assert [e.kind for e in events] == ["sidestep_right", "sidestep_right"]
    assert events[1].t_ns > 40 * S


def test_a_gap_in_tracking_rearms_and_side_on_players_are_not_read() -> None:
    frames = side_frames(step_out_and_back(0.45, hold_s=3.0), 7.0)
    # Tracking lost while stepped out: no second event when it comes back still out there.
    kept = [f for f in frames if not 3.0 * S < f.t_host_ns - S < 4.0 * S]
    assert [e.kind for e in feed_all(PoseSideDetector(), kept)] == ["sidestep_right"]
    # Hips on top of each other (side-on): nothing read.
    side_on = []
    for fr in frames:
        lm = np.array(fr.landmarks)
        lm[23, 0] = lm[24, 0] = 0.5 * (lm[23, 0] + lm[24, 0])
        side_on.append(PoseFrame(t_host_ns=fr.t_host_ns, source=fr.source, landmarks=lm, world=fr.world))
    assert feed_all(PoseSideDetector(), side_on) == []


def test_thresholds_must_be_ordered() -> None:
    with pytest.raises(ValueError, match="off < on"):
        PoseSideDetector(on=0.1, off=0.2)


def test_tracker_reports_side_state_and_events_for_its_own_player_only() -> None:
    frames = side_frames(step_out_and_back(-0.45), 6.0)
    tr = MotionTracker()
    seen: list[float] = []
    events: list[MotionEvent] = []
    for fr in frames:
        events.extend(tr.feed(fr))
        seen.append(tr.state.side)
    assert [e.kind for e in events] == ["sidestep_left"]
    assert min(seen) == pytest.approx(-0.45 / HIP_H, abs=0.06)
    other = MotionTracker(player=1)
    assert feed_all(other, frames) == [] and other.state.side == 0.0
