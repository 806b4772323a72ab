"""Two simulated players side by side in one camera picture."""

from __future__ import annotations

import time

import numpy as np
import pytest

from sensors.bus import SensorBus
from sensors.clock import ManualClock
from sensors.samples import DeviceStatus, PoseFrame
from sensors.sim.pair import PAIR_VIDEO_SCRIPTS, SimulatedPair, SimulatedPairSource, pair_pictures
from sensors.sim.render import WALL, render_people, render_pose

S = 1_000_000_000


def test_each_player_stands_in_their_own_half_in_whole_picture_coordinates() -> None:
    pair = SimulatedPair(seed=1, scripts=("idle:30",))
    frames = pair.advance_to(2 * S)
    assert {f.player for f in frames} == {0, 1} and all(f.source == "sim-pair" for f in frames)
    assert [f.t_host_ns for f in frames] == sorted(f.t_host_ns for f in frames)
    for f in frames:
        x = f.landmarks[:, 0]
        lo, hi = (0.0, 0.5) if f.player == 0 else (0.5, 1.0)
        assert lo < x.min() and x.max() < hi
    # True proportions in the picture: shoulder width over trunk length as the body's own
    # (Winter: 0.259 H over 0.288 H), in a 4:3 picture.
    lm = pair.latest(1)
    assert lm is not None
    p = lm.landmarks
    sw = abs(p[11, 0] - p[12, 0]) * 4 / 3
    trunk = abs((p[11, 1] + p[12, 1]) / 2 - (p[23, 1] + p[24, 1]) / 2)
    assert sw / trunk == pytest.approx(0.259 / 0.288, rel=0.12)


def test_inject_and_steer_move_only_the_player_named() -> None:
    pair = SimulatedPair(seed=2, scripts=("idle:30",))
    pair.advance_to(S)
    pair.inject("squat", S, player=1)
    pair.steer(S, "idle", player=0, side_m=0.4)
    frames = pair.advance_to(5 * S)
    hips = {p: [float(f.landmarks[23:25, 1].mean()) for f in frames if f.player == p] for p in (0, 1)}
    xs = {p: [float(f.landmarks[23:25, 0].mean()) for f in frames if f.player == p] for p in (0, 1)}
    assert max(hips[1]) - min(hips[1]) > 0.05 and max(hips[0]) - min(hips[0]) < 0.02
    assert max(xs[0]) - min(xs[0]) > 0.05 and max(xs[1]) - min(xs[1]) < 0.02
    truth = [[e.kind for e in p.ground_truth()] for p in pair.players]
    assert "squat" in truth[1] and "squat" not in truth[0]


def test_the_picture_shows_both_players_and_refuses_a_wrong_shape() -> None:
    pair = SimulatedPair(seed=3)
    with pytest.raises(RuntimeError, match="first frame"):
        pair.picture((640, 480))
    pair.advance_to(S)
    img = pair.picture((640, 480))
    assert img.shape == (480, 640, 3)
    for half in (img[:, :320], img[:, 320:]):
        assert (np.abs(half.astype(int) - WALL).sum(axis=2) > 60).mean() > 0.03  # a figure in each
    with pytest.raises(ValueError, match="640x640"):
        pair.picture((640, 640))
    pictures = list(pair_pictures(SimulatedPair(seed=3, scripts=PAIR_VIDEO_SCRIPTS), 0.5, 10.0, (320, 240)))
    assert len(pictures) == 5 and pictures[0].shape == (240, 320, 3)


def test_several_figures_share_one_background() -> None:
    pair = SimulatedPair(seed=4)
    frames = pair.advance_to(S)
    one = [f for f in frames if f.player == 0][-1].landmarks
    two = [f for f in frames if f.player == 1][-1].landmarks
    both = render_people([one, two], (320, 240))
    alone = render_pose(one, (320, 240))
    assert (both[:, :150] == alone[:, :150]).all() and not (both[:, 170:] == alone[:, 170:]).all()


def test_bad_zones_and_scripts_are_refused() -> None:
    with pytest.raises(ValueError, match="two zones"):
        SimulatedPair(zones=((0.0, 1.0),))
    with pytest.raises(ValueError, match="two zones"):
        SimulatedPair(zones=((0.5, 0.2), (0.5, 1.0)))
    with pytest.raises(ValueError, match="one script"):
        SimulatedPair(scripts=())


def test_the_source_runs_in_real_time_into_a_bus_and_stops() -> None:
    clock = ManualClock(10 * S)
    bus = SensorBus()
    source = SimulatedPairSource(seed=1, clock=clock)
    source.inject("squat", 0)  # before start: nothing to steer yet, no error
    source.start(bus)
    clock.advance(S)
    source.inject("squat", clock(), player=1)
    source.steer(clock(), "idle", player=0, lean=0.5)
    deadline = 200
    frames: list[PoseFrame] = []
    while deadline and len({f.player for f in frames}) < 2:
        frames += [i for i in bus.drain() if isinstance(i, PoseFrame)]
        time.sleep(0.01)
        deadline -= 1
    source.stop()
    source.stop()
    items = bus.drain()
    assert {f.player for f in frames} == {0, 1}
    assert any(isinstance(i, DeviceStatus) and "stopped" in i.message for i in items)
