"""Take-off events: a jump reported while the player is still in the air, from pose and from a
trunk IMU, and never from jogging, squats or jumping jacks (whose hops also leave the floor).

On the simulated player (``sensors.sim``), through :class:`MotionTracker` as the game feeds it,
and on the IMU take-off detector alone with signals built from the physics of a push-off.
"""

from __future__ import annotations

import dataclasses
import functools
import math
from typing import Any

import numpy as np
import pytest

from sensors.motion.events import MotionEvent
from sensors.motion.imu_detectors import ImuTakeoffDetector
from sensors.motion.pose_detectors import G_MPS2, PoseMotionDetector
from sensors.motion.pose_features import PoseFeatures, extract_features
from sensors.motion.tracker import MotionTracker
from sensors.samples import ImuBatch, PoseFrame
from sensors.sim import SimulatedPlayer, TruthEvent

S = 1_000_000_000
ASPECT = 4 / 3  # the simulated camera's picture


@functools.cache
def _simulated(script: str, seed: int, jumps_at_s: tuple[float, ...]) -> tuple[tuple[Any, ...], tuple[TruthEvent, ...]]:
    player = SimulatedPlayer(seed=seed, script=script, loop=False)
    for t in jumps_at_s:
        player.inject("jump", round(t * S))
    end_s = sum(seg.duration_s for seg in player.script) + 1.0
    return tuple(player.advance_to(round(end_s * S))), tuple(player.ground_truth())


def _player(
    script: str, seed: int, jumps_at_s: tuple[float, ...] = (), imu_batch: int = 10
) -> tuple[list[Any], list[TruthEvent]]:
    """Every sample of one run through ``script`` (plus 1 s), with jumps asked for at ``jumps_at_s``
    (off the camera's frame grid), and the ground truth. ``imu_batch`` 1: each IMU sample in a
    batch of its own (the simulated player's 10-sample batches split, arriving with their sample)."""
    samples, truth = _simulated(script, seed, jumps_at_s)
    if imu_batch == 10:
        return list(samples), list(truth)
    assert imu_batch == 1
    out: list[Any] = []
    for s in samples:
        if not isinstance(s, ImuBatch):
            out.append(s)
            continue
        for i, t in enumerate(s.times_ns().tolist()):
            out.append(
                ImuBatch(
                    t_host_ns=t, source=s.source, rate_hz=s.rate_hz, t_first_ns=t, acc_g=s.acc_g[i : i + 1], placement=s.placement
                )
            )
    out.sort(key=lambda x: x.t_host_ns)
    return out, list(truth)


def _feed(samples: list[Any], kind: type) -> list[tuple[MotionEvent, int, bool]]:
    """(event, capture time of the sample that returned it, airborne state then) for ``kind`` only."""
    tracker = MotionTracker(image_aspect_wh=ASPECT)
    out = []
    for s in samples:
        if isinstance(s, kind) and isinstance(s, (PoseFrame, ImuBatch)):
            found = tracker.feed(s)
            out += [(e, s.t_host_ns, tracker.state.airborne) for e in found]
    return out


JUMPS_SCRIPT = "idle:4,jog:14@170,idle:10"
JUMPS_AT_S = (6.13, 9.71, 13.38, 18.55, 21.9)  # three from jogging, two from standing


@pytest.mark.parametrize(
    ("name", "kind", "imu_batch"),
    [
        ("pose", PoseFrame, 10),
        ("chest IMU, single samples", ImuBatch, 1),
        ("chest IMU, 10-sample batches", ImuBatch, 10),
    ],
)
def test_takeoff_is_reported_in_the_air_before_landing(name: str, kind: type, imu_batch: int) -> None:
    for seed in (0, 1):
        samples, truth = _player(JUMPS_SCRIPT, seed, JUMPS_AT_S, imu_batch)
        jumps = [x for x in truth if x.kind == "jump"]
        assert len(jumps) == len(JUMPS_AT_S)
        found = _feed(samples, kind)
        takeoffs = [(e, emitted, airborne) for e, emitted, airborne in found if e.kind == "takeoff"]
        assert len(takeoffs) == len(jumps), (name, seed, [e.t_ns / S for e, _, _ in takeoffs])
        for jump, (e, emitted, airborne) in zip(jumps, sorted(takeoffs, key=lambda x: x[0].t_ns), strict=True):
            assert abs(e.t_ns - jump.t_ns) <= 0.05 * S, (name, seed)  # timed at the take-off
            assert jump.t_ns < emitted < jump.t_end_ns, (name, seed)  # known in the air, before landing
            assert airborne
        # The landing still reports the jump with its height, after the take-off.
        landings = [(e, emitted) for e, emitted, _ in found if e.kind == "jump"]
        assert len(landings) == len(jumps)
        for jump, (e, emitted) in zip(jumps, sorted(landings, key=lambda x: x[0].t_ns), strict=True):
            assert emitted >= jump.t_end_ns and e.magnitude == pytest.approx(jump.magnitude, rel=0.3)


@pytest.mark.parametrize(
    "script",
    [
        "idle:4,jog:30@150,jog:30@200",  # 200 steps/min has a flight phase in every step
        "idle:4,squat:45@20",
        "idle:4,jack:30@31,jack:30@59",  # each jack has two hops of 0.18 s free fall
    ],
)
@pytest.mark.parametrize("kind", [PoseFrame, ImuBatch])
def test_no_takeoff_from_jogging_squats_or_jumping_jacks(script: str, kind: type) -> None:
    for seed in (0, 1):
        samples, _ = _player(script, seed)
        assert [e for e, _, _ in _feed(samples, kind) if e.kind == "takeoff"] == [], (script, kind.__name__, seed)


def test_takeoff_with_the_arms_out_to_the_sides_is_a_jumping_jacks_hop() -> None:
    # The same jumps, seen with the wrists out to the sides at take-off (a jack's arms sweep up
    # sideways; a jump's swing forward) or with the legs already apart (a jack's hop back in).
    samples, truth = _player("idle:8", 0, (3.07, 5.93))
    feats = [extract_features(s, aspect_wh=ASPECT) for s in samples if isinstance(s, PoseFrame)]
    takeoffs = [x.t_ns for x in truth if x.kind == "jump"]

    def near_takeoff(f: PoseFeatures) -> bool:
        return any(-0.1 * S <= f.t_ns - t <= 0.2 * S for t in takeoffs)

    def run(change: dict[str, Any]) -> list[MotionEvent]:
        det = PoseMotionDetector(aspect_wh=ASPECT)
        return [
            e
            for f in feats
            for e in det.update(dataclasses.replace(f, **change) if near_takeoff(f) else f)
            if e.kind == "takeoff"
        ]

    assert len(run({})) == 2
    unit = feats[0].torso_len
    assert run({"wrist_out_l": 0.8 * unit, "wrist_out_r": 0.8 * unit}) == []
    assert run({"legs_spread_deg": 25.0}) == []


# -- the IMU take-off detector alone, on |acc| built from the physics of a jump ---------------------

RATE_HZ = 100.0


def _hop(
    v0_mps: float, flight_s: float, push_s: float = 0.25, t0_s: float = 2.0, length_s: float = 4.0
) -> tuple[np.ndarray, np.ndarray]:
    """|acc| (g) of standing, a push-off that gives the body ``v0_mps`` upwards over ``push_s``
    (constant support force: 1 + v0 / (g push_s) g), ``flight_s`` of free fall from ``t0_s``,
    a landing impact and standing again; sample times (ns)."""
    t = np.arange(int(length_s * RATE_HZ)) / RATE_HZ
    mag = np.ones_like(t)
    mag[(t >= t0_s - push_s) & (t < t0_s)] = 1.0 + v0_mps / (G_MPS2 * push_s)
    mag[(t >= t0_s) & (t < t0_s + flight_s)] = 0.02
    mag[(t >= t0_s + flight_s) & (t < t0_s + flight_s + 0.05)] = 3.0
    mag += np.random.default_rng(0).normal(0.0, 0.015, t.shape)
    return (t * S).round().astype(np.int64), np.abs(mag)


def _takeoffs(t_ns: np.ndarray, mag: np.ndarray, batch: int = 10) -> list[MotionEvent]:
    det = ImuTakeoffDetector()
    return [e for i in range(0, t_ns.size, batch) for e in det.update(t_ns[i : i + batch], mag[i : i + batch], RATE_HZ)]


def test_imu_takeoff_after_a_fast_push_comes_within_the_first_samples_of_flight() -> None:
    t, mag = _hop(v0_mps=2.0, flight_s=2 * 2.0 / G_MPS2)  # a 20 cm jump
    det = ImuTakeoffDetector()
    seen = [(int(t[i]), e) for i in range(t.size) for e in det.update(t[i : i + 1], mag[i : i + 1], RATE_HZ)]
    assert len(seen) == 1
    emitted, e = seen[0]
    assert e.kind == "takeoff" and e.t_ns == 2 * S
    assert emitted - e.t_ns <= 0.03 * S  # the third sample of the free fall
    assert det.in_flight is False  # landed since


@pytest.mark.parametrize("v0_mps", [0.5, 1.1])  # a running step's flight, a jumping jack's hop
def test_imu_short_flight_after_a_slow_push_is_no_takeoff(v0_mps: float) -> None:
    t, mag = _hop(v0_mps=v0_mps, flight_s=0.18)
    assert _takeoffs(t, mag) == []


def test_imu_long_free_fall_is_a_takeoff_whatever_the_push() -> None:
    # A low jump read with too little speed (or a push the integrator underestimates) is still
    # reported once the free fall has outlasted any hop, before landing.
    t, mag = _hop(v0_mps=1.1, flight_s=0.30)
    [e] = _takeoffs(t, mag, batch=1)
    assert e.t_ns == 2 * S


def test_imu_takeoff_does_not_depend_on_batching() -> None:
    t, mag = _hop(v0_mps=2.2, flight_s=0.45)
    t2, mag2 = _hop(v0_mps=1.1, flight_s=0.3, t0_s=2.5)
    t_all, mag_all = np.concatenate((t, t2 + 4 * S)), np.concatenate((mag, mag2))
    results = [[(e.t_ns, round(e.confidence, 6)) for e in _takeoffs(t_all, mag_all, b)] for b in (1, 10, 37)]
    assert results[0] == results[1] == results[2] and len(results[0]) == 2


def test_imu_takeoff_speed_integrator_forgets_a_lost_stretch() -> None:
    det = ImuTakeoffDetector()
    t, mag = _hop(v0_mps=2.0, flight_s=0.0, length_s=2.0)  # a push with no flight (cut off)
    det.update(t, mag, RATE_HZ)
    assert det.speed_mps > 1.0
    later = t[-1] + 3 * S + np.arange(1, 3) * 10_000_000  # 3 s of samples lost
    det.update(later, np.ones(2), RATE_HZ)
    assert det.speed_mps == pytest.approx(0.0, abs=0.01)
    assert math.isfinite(det.speed_mps)
