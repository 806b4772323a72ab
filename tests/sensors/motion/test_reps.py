"""The generic repetition counter on seeded recordings it was not tuned on (rep_synth.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.motion.reps import RepCounter
from sensors.samples import ImuBatch

from rep_synth import RepRecording, rep_recording


def count(rec: RepRecording, *, gyro: bool, batch: int = 25) -> tuple[list[int], list[float]]:
    rc = RepCounter(use_gyro=gyro)
    times: list[float] = []
    for i in range(0, len(rec.acc_g), batch):
        b = ImuBatch(
            t_host_ns=0,
            source="synth",
            rate_hz=rec.rate_hz,
            t_first_ns=int(round(i * 1e9 / rec.rate_hz)),
            acc_g=rec.acc_g[i : i + batch],
            gyr_dps=rec.gyr_dps[i : i + batch] if gyro else None,
            placement="wrist",
        )
        times += [e.t_ns / 1e9 for e in rc.update(b)]
    times += [e.t_ns / 1e9 for e in rc.flush()]
    assert rc.count == len(times)
    ts = np.array(times)
    per_set = []
    for reps in rec.rep_times_s:
        p = (reps[-1] - reps[0]) / (len(reps) - 1)
        per_set.append(int(((ts >= reps[0] - 0.75 * p) & (ts <= reps[-1] + 0.75 * p)).sum()))
    return per_set, times


@pytest.mark.slow
@pytest.mark.parametrize(
    ("exercise", "period_s", "seed"),
    [
        ("curl", 1.6, 7001),
        ("lateral_raise", 2.4, 7002),
        ("front_raise", 3.3, 7003),
        ("row", 2.8, 7004),
        ("rotation", 4.2, 7005),
        ("curl", 4.9, 7006),
    ],
)
def test_sets_of_20_with_gyroscope(exercise: str, period_s: float, seed: int) -> None:
    rec = rep_recording(seed, exercise, period_s)
    per_set, times = count(rec, gyro=True)
    assert all(abs(n - 20) <= 2 for n in per_set), per_set
    assert abs(len(times) - 60) <= 6  # nothing much counted in the pauses either


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "period_s", "seed"), [("curl", 2.2, 7101), ("lateral_raise", 3.7, 7102)])
def test_sets_of_20_from_the_accelerometer_alone(exercise: str, period_s: float, seed: int) -> None:
    rec = rep_recording(seed, exercise, period_s)
    per_set, _ = count(rec, gyro=False)
    assert all(abs(n - 20) <= 2 for n in per_set), per_set


def test_batching_does_not_change_the_count() -> None:
    rec = rep_recording(7201, "lateral_raise", 2.0, sets=1, pause_s=(5.0, 5.0))
    a = count(rec, gyro=True, batch=7)[1]
    b = count(rec, gyro=True, batch=100)[1]
    assert a == b and 18 <= len(a) <= 22


def test_standing_still_and_fidgeting_counts_nothing() -> None:
    rng = np.random.default_rng(5)
    rate, n = 50.0, 50 * 90
    t = np.arange(n) / rate
    tilt = 0.03 * np.sin(2 * np.pi * 0.11 * t) + 0.02 * np.sin(2 * np.pi * 0.03 * t)  # slow, small sway
    acc = np.column_stack([np.sin(tilt), np.cos(tilt), np.zeros(n)]) + rng.normal(0, 0.02, (n, 3))
    gyr = np.column_stack([np.zeros(n), np.zeros(n), np.degrees(np.gradient(tilt, 1 / rate))]) + rng.normal(0, 1.5, (n, 3))
    rc = RepCounter()
    for i in range(0, n, 50):
        rc.update(ImuBatch(0, "still", rate, int(i * 1e9 / rate), acc[i : i + 50], gyr[i : i + 50], placement="wrist"))
    rc.flush()
    assert rc.count == 0


@pytest.mark.slow
@pytest.mark.parametrize(("exercise", "period_s", "seed"), [("curl", 1.6, 0), ("front_raise", 3.3, 2), ("press", 2.0, 0)])
def test_repetitions_are_reported_at_their_turning_point(exercise: str, period_s: float, seed: int) -> None:
    # These recordings' first windows gave the band-passed signal the sign that put its peaks
    # on the rest between repetitions, half a period from the turning points.
    rec = rep_recording(seed, exercise, period_s)
    _, times = count(rec, gyro=True)
    truth = np.array([t for reps in rec.rep_times_s for t in reps])
    near = [float(np.min(np.abs(truth - t))) <= 0.25 for t in times]
    assert sum(near) >= 0.95 * len(truth)
