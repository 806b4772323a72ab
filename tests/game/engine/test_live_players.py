"""Players side by side: the live view's further trackers, their event queues, and the wiring
(``--players 2``: a tracker per zone, the pose worker's two zones, two simulated players)."""

from __future__ import annotations

import numpy as np
import pytest

from game.engine.config import AppConfig
from game.engine.live import PLAYER_QUEUE, LiveSensors
from game.engine.run import build_live
from game.engine.sources import build_inputs
from sensors.motion.events import MotionEvent, MotionState
from sensors.motion.tracker import MotionTracker
from sensors.samples import DeviceState, DeviceStatus, ImuBatch, PoseFrame
from sensors.sim.pair import SimulatedPair, SimulatedPairSource

S = 1_000_000_000


class Echo:
    """A recogniser that reports one "punch" per pose frame it is given, and who it saw."""

    def __init__(self) -> None:
        self.seen: list[object] = []
        self.resets = 0

    def feed(self, item: object) -> list[MotionEvent]:
        self.seen.append(item)
        t = getattr(item, "t_host_ns", 0)
        return [MotionEvent(t, "punch", 1.0, 1.0, "pose")] if isinstance(item, PoseFrame) else []

    @property
    def state(self) -> MotionState:
        return MotionState()

    def reset(self) -> None:
        self.resets += 1


def pose(t_s: float, player: int) -> PoseFrame:
    lm = np.full((33, 4), 0.5, np.float32)
    return PoseFrame(t_host_ns=round(t_s * S), source="cam", landmarks=lm, player=player)


def test_each_players_frames_go_to_their_own_recogniser_and_queue() -> None:
    first, second = Echo(), Echo()
    live = LiveSensors(recogniser=first)
    assert live.add_player(second) == 1 and live.players == 2
    imu = ImuBatch(S, "imu", 100.0, S, np.zeros((1, 3)))
    events, _ = live.ingest([pose(1.0, 0), pose(1.0, 1), imu, pose(1.1, 1), pose(1.2, 2)])
    # Player 0's events go to the game loop; player 1's wait for the mode; IMU is player 0's.
    assert [e.t_ns for e in events] == [S]
    assert [getattr(i, "player", "imu") for i in first.seen] == [0, "imu"]
    assert [getattr(i, "player", None) for i in second.seen] == [1, 1]
    assert [e.t_ns for e in live.take_events(1)] == [S, round(1.1 * S)] and live.take_events(1) == []
    assert live.pose_of(0) is not None and live.pose_of(0).player == 0  # type: ignore[union-attr]
    assert live.pose_of(1) is not None and live.pose_of(1).t_host_ns == round(1.1 * S)  # type: ignore[union-attr]
    assert live.last_pose is not None and live.last_pose.player == 0
    assert live.motion_counts == {"punch": 1} and live.others[0].motion_counts == {"punch": 2}
    assert live.player_live(1, round(1.2 * S)) and not live.player_live(1, 10 * S)
    assert live.recogniser_of(1) is second
    with pytest.raises(IndexError):
        live.take_events(2)


def test_a_queue_nobody_takes_keeps_the_newest_and_a_lost_camera_resets_everyone() -> None:
    first, second = Echo(), Echo()
    live = LiveSensors(recogniser=first)
    live.add_player(second)
    live.ingest([pose(1.0 + i / 100, 1) for i in range(PLAYER_QUEUE + 10)])
    kept = live.take_events(1)
    assert len(kept) == PLAYER_QUEUE and kept[-1].t_ns == round((1.0 + (PLAYER_QUEUE + 9) / 100) * S)
    live.ingest([DeviceStatus(2 * S, "cam", "camera", DeviceState.DISCONNECTED)])
    assert first.resets == 1 and second.resets == 1


def test_two_players_get_a_tracker_per_zone() -> None:
    live = build_live(AppConfig(players=2))
    assert live.players == 2
    trackers = [live.recogniser_of(p) for p in (0, 1)]
    assert all(isinstance(t, MotionTracker) for t in trackers)
    assert [t.player for t in trackers if isinstance(t, MotionTracker)] == [0, 1]
    assert build_live(AppConfig()).players == 1


def test_two_simulated_players_with_sim_input_and_two_zones_with_a_camera() -> None:
    setup = build_inputs(AppConfig(input="sim", players=2))
    assert len(setup.sources) == 1 and isinstance(setup.sources[0], SimulatedPairSource)
    assert setup.autopilot is not None and setup.steer is not None and "two simulated players" in setup.label
    pytest.importorskip("mediapipe")
    from sensors.camera.pose import SIDE_BY_SIDE, WHOLE, PoseWorker

    for players, zones in ((1, WHOLE), (2, SIDE_BY_SIDE)):
        cam = build_inputs(AppConfig(input="camera", camera="/nonexistent.avi", players=players))
        workers = [s for s in cam.sources if isinstance(s, PoseWorker)]
        if not workers:
            pytest.skip("the pose model is not available here")
        assert workers[0].zones == zones


def test_the_pair_feeds_the_live_view_of_two_players() -> None:
    live = build_live(AppConfig(players=2))
    pair = SimulatedPair(seed=2, scripts=("idle:2,squat:6@20",))
    live.ingest(pair.advance_to(8 * S))
    squats = [e for e in live.take_events(1) if e.kind == "squat"]
    assert len(squats) >= 2 and live.motion_counts.get("squat", 0) >= 2
