"""The simulated player: deterministic, consistent across streams, and true to its script."""

from __future__ import annotations

import time

import numpy as np
import pytest

from sensors.bus import SensorBus
from sensors.clock import ManualClock, s_to_ns
from sensors.samples import DeviceStatus, HeartRateSample, ImuBatch, PoseFrame
from sensors.sim import SimulatedPlayer, SimulatedSource, parse_script
from sensors.sim.motions import G_MPS2


def run(player: SimulatedPlayer, seconds: float, step_s: float | None = None) -> list:
    if step_s is None:
        return player.advance_to(s_to_ns(seconds))
    out = []
    t = 0.0
    while t < seconds:
        t = min(seconds, t + step_s)
        out += player.advance_to(s_to_ns(t))
    return out


def by_type(samples: list, kind: type) -> list:
    return [s for s in samples if isinstance(s, kind)]


def same(a: list, b: list) -> bool:
    if len(a) != len(b):
        return False
    for x, y in zip(a, b):
        if type(x) is not type(y) or x.t_host_ns != y.t_host_ns:
            return False
        if isinstance(x, ImuBatch) and not np.array_equal(x.acc_g, y.acc_g):
            return False
        if isinstance(x, PoseFrame) and not np.array_equal(x.landmarks, y.landmarks):
            return False
        if isinstance(x, HeartRateSample) and (x.bpm, x.rr_s) != (y.bpm, y.rr_s):
            return False
    return True


def test_deterministic_and_independent_of_chunking() -> None:
    one = run(SimulatedPlayer(seed=4), 30.0)
    chunked = run(SimulatedPlayer(seed=4), 30.0, step_s=0.0173)
    assert same(one, chunked)
    assert not same(one, run(SimulatedPlayer(seed=5), 30.0))
    assert [s.t_host_ns for s in one] == sorted(s.t_host_ns for s in one)


def test_stream_rates_and_imu_grid() -> None:
    samples = run(SimulatedPlayer(seed=1), 10.0)
    imu = by_type(samples, ImuBatch)
    assert sum(b.n_values for b in imu) == 1000
    times = np.concatenate([b.times_ns() for b in imu])
    assert np.all(np.diff(times) == 10_000_000)
    assert len(by_type(samples, PoseFrame)) == 301  # frames at 0, 1/30 ... 10 s
    assert len(by_type(samples, HeartRateSample)) == 10


def test_heart_rate_rises_with_jogging_and_recovers_at_rest() -> None:
    script = parse_script("idle:10,jog:90@175,rest:90")
    player = SimulatedPlayer(seed=2, script=script, loop=False)
    hr = by_type(run(player, 190.0), HeartRateSample)
    bpm = np.array([h.bpm for h in hr])
    rest, peak, end = bpm[:10].mean(), bpm[95:100].mean(), bpm[-5:].mean()
    assert peak > rest + 40
    assert end < peak - 20
    assert bpm.min() >= 50 and bpm.max() <= player.body.hr_max
    for h in hr[5:]:  # the reported rate is the rate of the beats it carries
        assert h.rr_s
        assert 60.0 / np.mean(h.rr_s) == pytest.approx(h.bpm, rel=0.03)


def test_chest_imu_reads_gravity_standing_and_free_fall_in_flight() -> None:
    player = SimulatedPlayer(seed=3, script=parse_script("idle:3,jump:10@20,idle:3"), loop=False)
    imu = by_type(run(player, 16.0), ImuBatch)
    acc = np.concatenate([b.acc_g for b in imu])
    t = np.concatenate([b.times_ns() for b in imu]) / 1e9
    norm = np.linalg.norm(acc, axis=1)
    assert np.median(norm[t < 2.5]) == pytest.approx(1.0, abs=0.03)
    jumps = [e for e in player.ground_truth() if e.kind == "jump"]
    assert len(jumps) >= 2
    for j in jumps:
        mid = (j.t_ns + j.t_end_ns) / 2e9
        flight = np.abs(t - mid) < 0.1
        assert norm[flight].max() < 0.3
        # Bosco: flight time and height agree, h = g t^2 / 8.
        t_f = (j.t_end_ns - j.t_ns) / 1e9
        assert j.magnitude == pytest.approx(G_MPS2 * t_f**2 / 8, rel=1e-6)


def test_vertical_acceleration_beats_at_the_cadence() -> None:
    player = SimulatedPlayer(seed=6, script=parse_script("jog:30@150"), loop=False)
    imu = by_type(run(player, 30.0), ImuBatch)
    vert = np.concatenate([b.acc_g[:, 1] for b in imu])[200:2800]
    spectrum = np.abs(np.fft.rfft(vert - vert.mean()))
    freqs = np.fft.rfftfreq(vert.size, d=0.01)
    assert freqs[np.argmax(spectrum)] == pytest.approx(150 / 60, rel=0.05)
    steps = [e for e in player.ground_truth() if e.kind == "step"]
    assert len(steps) == pytest.approx(30 * 150 / 60, abs=3)


def test_pose_is_anatomically_ordered_and_squats_drop_the_hips() -> None:
    player = SimulatedPlayer(seed=7, script=parse_script("idle:3,squat:6@20,idle:2"), loop=False)
    frames = by_type(run(player, 11.0), PoseFrame)
    lm = frames[30].landmarks  # standing
    y = lambda *idx: float(np.mean(lm[list(idx), 1]))  # noqa: E731 - image y grows downwards
    assert y(0) < y(11, 12) < y(23, 24) < y(25, 26) < y(27, 28)
    assert lm[11, 0] > lm[12, 0] and lm[23, 0] > lm[24, 0]  # the player's left is on the image's right
    standing_hip = y(23, 24)
    squats = [e for e in player.ground_truth() if e.kind == "squat"]
    assert len(squats) == 2
    for sq in squats:
        frame = min(frames, key=lambda f: abs(f.t_host_ns - sq.t_ns))
        hip_drop = float(np.mean(frame.landmarks[[23, 24], 1])) - standing_hip
        floor = float(np.mean(lm[[27, 28], 1])) + 0.0
        expected = sq.magnitude * (floor - standing_hip)  # hip height above the ankles, roughly
        assert hip_drop == pytest.approx(expected, rel=0.25)


def test_injected_jump_shows_in_every_stream() -> None:
    player = SimulatedPlayer(seed=8, script=parse_script("jog:30@160"), loop=False)
    samples = run(player, 5.0)
    player.inject("jump", s_to_ns(5.0))
    samples += run(player, 9.0, step_s=0.05)
    jumps = [e for e in player.ground_truth() if e.kind == "jump"]
    assert len(jumps) == 1 and jumps[0].t_ns >= s_to_ns(5.0)
    mid = (jumps[0].t_ns + jumps[0].t_end_ns) // 2
    batch = next(b for b in by_type(samples, ImuBatch) if b.t_first_ns <= mid <= b.t_host_ns)
    assert np.linalg.norm(batch.acc_g, axis=1).min() < 0.3
    frames = by_type(samples, PoseFrame)
    before = min(frames, key=lambda f: abs(f.t_host_ns - s_to_ns(4.9)))
    top = min(frames, key=lambda f: abs(f.t_host_ns - mid))
    assert top.landmarks[[27, 28], 1].mean() < before.landmarks[[27, 28], 1].min() - 0.03  # feet off the floor
    steps = [e.t_ns for e in player.ground_truth() if e.kind == "step"]
    assert not [t for t in steps if jumps[0].t_ns - 200_000_000 < t < jumps[0].t_end_ns]
    with pytest.raises(ValueError):
        player.inject("cartwheel", 0)


def test_script_parser_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="ACTIVITY:SECONDS"):
        parse_script("jog:abc")
    with pytest.raises(ValueError, match="ACTIVITY:SECONDS"):
        parse_script("swim:10")
    with pytest.raises(ValueError, match="cadence"):
        parse_script("jog:10@500")
    with pytest.raises(ValueError, match="empty"):
        parse_script(" , ")


def test_source_pushes_all_streams_and_stops_cleanly() -> None:
    bus = SensorBus()
    source = SimulatedSource(seed=1, script=parse_script("jog:60"))
    source.start(bus)
    deadline = time.monotonic() + 5.0
    got: list = []
    while time.monotonic() < deadline:
        got += bus.drain()
        if by_type(got, HeartRateSample) and by_type(got, ImuBatch) and by_type(got, PoseFrame):
            break
        time.sleep(0.05)
    source.inject("squat", time.monotonic_ns())
    source.stop()
    source.stop()
    got += bus.drain()
    assert by_type(got, HeartRateSample) and by_type(got, ImuBatch) and by_type(got, PoseFrame)
    states = [s.state.value for s in by_type(got, DeviceStatus)]
    assert states[0] == "streaming" and states[-1] == "disconnected"


def test_source_runs_on_an_injected_clock() -> None:
    clock = ManualClock(s_to_ns(100))
    bus = SensorBus()
    source = SimulatedSource(seed=1, clock=clock)
    source.start(bus)
    clock.advance(s_to_ns(2))
    imu: list = []
    deadline = time.monotonic() + 10.0
    while sum(b.n_values for b in imu) < 200 and time.monotonic() < deadline:
        time.sleep(0.02)  # the source's thread runs when the machine lets it
        imu += by_type(bus.drain(), ImuBatch)
    source.stop()
    imu += by_type(bus.drain(), ImuBatch)
    assert sum(b.n_values for b in imu) == 200  # exactly the 2 s the clock moved, however late
