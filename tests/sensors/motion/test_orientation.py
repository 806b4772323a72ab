"""OrientationTracker and FreeFallDetector on generated signals with known ground truth.

The signals are made from a known sensor orientation R(t) (sensor to earth, earth z up):
the accelerometer reads R^T (a + up) in g, a being the earth-frame acceleration, and the
gyroscope reads the body-frame angular rate R^T w in deg/s.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sensors.motion.analysis import analyze_imu
from sensors.motion.imu_detectors import GravityEstimator
from sensors.motion.orientation import (
    FREE_FALL_G,
    MIN_FREE_FALL_S,
    FreeFallDetector,
    OrientationResult,
    OrientationTracker,
    angle_from_vertical_deg,
    quaternion_from_up,
    quaternion_to_matrix,
)
from sensors.samples import ImuBatch

RATE = 100.0
Fn = Callable[[np.ndarray], np.ndarray]


def rot_x(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([o, z, z], -1), np.stack([z, c, -s], -1), np.stack([z, s, c], -1)], -2)


def rot_z(a: np.ndarray) -> np.ndarray:
    c, s, o, z = np.cos(a), np.sin(a), np.ones_like(a), np.zeros_like(a)
    return np.stack([np.stack([c, -s, z], -1), np.stack([s, c, z], -1), np.stack([z, z, o], -1)], -2)


#: A mount that puts the sensor's y axis up (as the simulated player's sensors are worn).
Y_UP = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, -1.0], [0.0, 1.0, 0.0]])


def recording(
    seconds: float,
    *,
    tilt: Fn,
    tilt_rate: Fn,
    yaw: Fn,
    yaw_rate: Fn,
    lin_g: Fn,
    mount: np.ndarray = Y_UP,
    noise_g: float = 0.0,
    seed: int = 0,
) -> tuple[np.ndarray, ...]:
    """(t, acc_g, gyr_dps, R, earth acceleration) for R(t) = Rz(yaw) Rx(tilt) mount."""
    t = np.arange(int(seconds * RATE)) / RATE
    zero = np.zeros_like(t)
    rz, rx = rot_z(yaw(t)), rot_x(tilt(t))
    r = rz @ rx @ mount
    w_earth = np.stack([zero, zero, yaw_rate(t)], -1) + np.einsum("nij,nj->ni", rz, np.stack([tilt_rate(t), zero, zero], -1))
    gyr = np.degrees(np.einsum("nji,nj->ni", r, w_earth))
    a = lin_g(t)
    acc = np.einsum("nji,nj->ni", r, a + np.array([0.0, 0.0, 1.0]))
    rng = np.random.default_rng(seed)
    return t, acc + rng.normal(0.0, noise_g, acc.shape), gyr + rng.normal(0.0, 20 * noise_g, gyr.shape), r, a


def still(value: float) -> Fn:
    return lambda t: np.full_like(t, value)


def run(tracker: OrientationTracker, acc: np.ndarray, gyr: np.ndarray | None, per: int = 10) -> OrientationResult:
    """Feed batches of ``per`` samples; the results concatenated."""
    parts = [
        tracker.update(
            ImuBatch(
                t_host_ns=0,
                source="test",
                rate_hz=RATE,
                t_first_ns=round(i * 1e9 / RATE),
                acc_g=acc[i : i + per],
                gyr_dps=None if gyr is None else gyr[i : i + per],
            )
        )
        for i in range(0, acc.shape[0], per)
    ]

    def cat(name: str) -> np.ndarray | None:
        return None if getattr(parts[0], name) is None else np.concatenate([getattr(p, name) for p in parts])

    up = np.concatenate([p.up for p in parts])
    vertical_g = np.concatenate([p.vertical_g for p in parts])
    return OrientationResult(parts[0].source, up, vertical_g, cat("quaternion"), cat("earth_acc_g"))


def bouncing_on_a_rocking_mount(seconds: float = 40.0) -> tuple[np.ndarray, ...]:
    """0.3 g vertical bounce at 2 Hz and 0.1 g sway at 1.3 Hz, on a mount leaning 20 +- 25 deg
    at 0.5 Hz and turning about the vertical at 0.5 rad/s: exercise in place on a chest strap."""
    return recording(
        seconds,
        tilt=lambda t: np.radians(20 + 25 * np.sin(np.pi * t)),
        tilt_rate=lambda t: np.radians(25) * np.pi * np.cos(np.pi * t),
        yaw=lambda t: 0.5 * t,
        yaw_rate=still(0.5),
        lin_g=lambda t: np.stack([0.1 * np.sin(2 * np.pi * 1.3 * t), 0 * t, 0.3 * np.sin(4 * np.pi * t)], -1),
        noise_g=0.01,
    )


def test_quaternion_helpers_agree_with_imufusion() -> None:
    import imufusion

    rng = np.random.default_rng(1)
    q = rng.normal(size=(20, 4))
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    ours = quaternion_to_matrix(q)
    for qi, ri in zip(q, ours, strict=True):
        assert np.allclose(ri, imufusion.quaternion_to_matrix(qi), atol=1e-6)
    for up in ([0.0, 0.0, 1.0], [0.0, 0.0, -1.0], [1.0, 2.0, -0.5]):
        r = quaternion_to_matrix(quaternion_from_up(np.array(up))[None])[0]
        assert np.allclose(r @ (np.array(up) / np.linalg.norm(up)), [0, 0, 1], atol=1e-12)


@pytest.mark.parametrize("tilt_deg", [0.0, 30.0, 75.0, 150.0])
def test_static_tilted_sensor_gives_the_gravity_direction(tilt_deg: float) -> None:
    t, acc, gyr, r, _ = recording(
        5,
        tilt=still(np.radians(tilt_deg)),
        tilt_rate=still(0.0),
        yaw=still(0.3),
        yaw_rate=still(0.0),
        lin_g=lambda t: np.zeros((t.size, 3)),
        noise_g=0.005,
    )
    for g in (gyr, None):
        res = run(OrientationTracker(), acc, g)
        assert res.source == ("ahrs" if g is not None else "lowpass")
        err = np.degrees(np.arccos(np.clip(np.einsum("ij,ij->i", res.up, r[:, 2, :]), -1, 1)))
        assert err.max() < 1.5, res.source  # from the first sample: started from the accelerometer
        assert angle_from_vertical_deg(res.up)[-1] == pytest.approx(tilt_deg, abs=0.5)
        assert np.abs(res.vertical_g).max() < 0.05


def test_rotation_at_a_known_rate_is_tracked() -> None:
    """Tilt 0 -> 90 deg at 30 deg/s, then a turn about the vertical at 90 deg/s: the AHRS follows
    both within a degree, sample by sample; the low-pass lags the tilt by its time constant."""
    ramp = lambda t: np.radians(np.clip(30.0 * (t - 1.0), 0.0, 90.0))  # noqa: E731
    ramp_rate = lambda t: np.where((t >= 1.0) & (t < 4.0), np.radians(30.0), 0.0)  # noqa: E731
    t, acc, gyr, r, _ = recording(
        8,
        tilt=ramp,
        tilt_rate=ramp_rate,
        yaw=lambda t: np.radians(90.0) * np.clip(t - 5.0, 0, None),
        yaw_rate=lambda t: np.where(t >= 5.0, np.radians(90.0), 0.0),
        lin_g=lambda t: np.zeros((t.size, 3)),
        noise_g=0.002,
    )
    res = run(OrientationTracker(), acc, gyr)
    true_tilt = np.degrees(ramp(t))
    assert np.abs(angle_from_vertical_deg(res.up) - true_tilt).max() < 1.0
    # Heading (rotation about earth up), relative to the start: the sensor's x axis in the earth frame.
    assert res.quaternion is not None
    rot = quaternion_to_matrix(res.quaternion)
    heading = np.degrees(np.unwrap(np.arctan2(rot[:, 1, 0], rot[:, 0, 0])))
    true_heading = np.degrees(np.unwrap(np.arctan2(r[:, 1, 0], r[:, 0, 0])))
    turning = t >= 5.0
    turned = (heading - heading[turning][0])[turning]
    assert np.abs(turned - (true_heading - true_heading[turning][0])[turning]).max() < 2.0
    assert turned[-1] == pytest.approx(270.0, abs=2.0)
    lowpass = run(OrientationTracker(), acc, None)
    assert np.abs(angle_from_vertical_deg(lowpass.up) - true_tilt).max() > 20.0


def test_vertical_acceleration_on_a_rotating_mount_ahrs_beats_lowpass() -> None:
    t, acc, gyr, _, lin = bouncing_on_a_rocking_mount()
    ahrs, lowpass = run(OrientationTracker(), acc, gyr), run(OrientationTracker(), acc, None)
    settled = t >= 3.0
    rms = {r.source: float(np.sqrt(np.mean((r.vertical_g - lin[:, 2])[settled] ** 2))) for r in (ahrs, lowpass)}
    assert rms["ahrs"] < 0.015  # the sensor noise is 0.01 g
    assert rms["lowpass"] > 2.5 * rms["ahrs"]
    assert ahrs.earth_acc_g is not None
    assert np.sqrt(np.mean((ahrs.earth_acc_g[settled, 2] - lin[settled, 2]) ** 2)) == pytest.approx(rms["ahrs"])
    # Earth-frame horizontal: the sway's magnitude (heading is relative, so compare the norm).
    horiz = np.linalg.norm(ahrs.earth_acc_g[settled, :2], axis=1)
    assert np.sqrt(np.mean((horiz - np.abs(lin[settled, 0])) ** 2)) < 0.02


def test_batching_does_not_change_the_result() -> None:
    _, acc, gyr, _, _ = bouncing_on_a_rocking_mount(6)
    for g in (gyr, None):
        a, b = run(OrientationTracker(), acc, g, per=1), run(OrientationTracker(), acc, g, per=37)
        # GravityEstimator starts from the mean of its first piece, so with one-sample batches
        # its first 0.1 s chunk differs; from the first chunk's end on it is the chunk mean.
        s = slice(0 if g is not None else 10, None)
        assert np.allclose(a.vertical_g[s], b.vertical_g[s]) and np.allclose(a.up[s], b.up[s])


def test_accelerometer_only_fallback_is_the_gravity_estimator() -> None:
    _, acc, _, _, _ = bouncing_on_a_rocking_mount(10)
    res = run(OrientationTracker(), acc, None, per=23)
    assert res.source == "lowpass" and res.quaternion is None and res.earth_acc_g is None
    assert np.allclose(res.vertical_g, GravityEstimator().vertical_g(acc.astype(np.float32).astype(np.float64), RATE))
    assert np.allclose(np.linalg.norm(res.up, axis=1), 1.0)


def test_gyroscope_dropping_out_falls_back_per_batch() -> None:
    _, acc, gyr, _, _ = bouncing_on_a_rocking_mount(4)
    tr = OrientationTracker()
    first = tr.update(ImuBatch(0, "t", RATE, 0, acc[:200], gyr[:200]))
    second = tr.update(ImuBatch(0, "t", RATE, 2_000_000_000, acc[200:]))
    assert (first.source, second.source) == ("ahrs", "lowpass")
    assert np.isfinite(second.vertical_g).all()


def test_empty_and_non_finite_batches() -> None:
    _, acc, gyr, _, _ = bouncing_on_a_rocking_mount(3)
    for g in (gyr, None):
        tr = OrientationTracker()
        empty = tr.update(ImuBatch(0, "t", RATE, 0, np.zeros((0, 3)), None if g is None else np.zeros((0, 3))))
        assert empty.up.shape == (0, 3) and empty.vertical_g.shape == (0,)
        bad_acc = acc.copy()
        bad_acc[[5, 50, 51]] = np.nan
        bad_gyr = None if g is None else g.copy()
        if bad_gyr is not None:
            bad_gyr[120] = np.inf
        res = run(tr, bad_acc, bad_gyr)
        skipped = np.zeros(acc.shape[0], dtype=bool)
        skipped[[5, 50, 51] + ([120] if g is not None else [])] = True
        assert np.isnan(res.vertical_g[skipped]).all() and np.isfinite(res.vertical_g[~skipped]).all()
        assert np.isfinite(res.up).all()
        if res.quaternion is not None:
            assert np.isfinite(res.quaternion).all()
            assert np.array_equal(res.quaternion[50], res.quaternion[49])  # held, not NaN
        clean = run(OrientationTracker(), acc, g)
        assert np.abs(res.vertical_g[200:] - clean.vertical_g[200:]).max() < 0.02  # the filters recovered
        all_bad = OrientationTracker().update(
            ImuBatch(0, "t", RATE, 0, np.full((4, 3), np.nan), None if g is None else np.zeros((4, 3)))
        )
        assert np.isnan(all_bad.vertical_g).all() and np.isfinite(all_bad.up).all()


def test_a_long_gap_restarts_the_ahrs_from_the_accelerometer() -> None:
    up = np.tile([0.0, 1.0, 0.0], (100, 1))
    side = np.tile([1.0, 0.0, 0.0], (100, 1))  # turned 90 deg while nothing was recorded
    tr = OrientationTracker()
    tr.update(ImuBatch(0, "t", RATE, 0, up, np.zeros((100, 3))))
    res = tr.update(ImuBatch(0, "t", RATE, 5_000_000_000, side, np.zeros((100, 3))))
    assert np.allclose(res.up[0], [1.0, 0.0, 0.0], atol=1e-3)


def test_free_fall_runs_with_the_jump_detectors_thresholds() -> None:
    n = 300
    mag = np.ones(n)
    mag[50:90] = 0.05  # 0.39 s of free fall: a jump
    mag[150:158] = 0.1  # 0.07 s: too short
    mag[280:] = 0.0  # still falling at the end
    acc = np.column_stack([np.zeros(n), mag, np.zeros(n)])
    t = np.round(np.arange(n) * 1e9 / RATE).astype(np.int64)
    for per in (1, 7, n):
        ff = FreeFallDetector()
        mask = np.concatenate([ff.update(t[i : i + per], acc[i : i + per]) for i in range(0, n, per)])
        confirm = int(np.ceil(MIN_FREE_FALL_S * RATE))
        assert np.flatnonzero(mask).tolist() == list(range(50 + confirm, 90)) + list(range(280 + confirm, n))
        assert ff.runs == [(int(t[50]), int(t[89]))]
        ff.flush()
        assert ff.runs[-1] == (int(t[280]), int(t[-1]))
    assert (FREE_FALL_G, MIN_FREE_FALL_S) == (0.4, 0.12)
    assert not FreeFallDetector().update(t[:3], np.full((3, 3), np.nan)).any()
    assert FreeFallDetector().update(t[:0], np.zeros((0, 3))).shape == (0,)


def test_offline_analysis_reports_the_vertical_acceleration_and_its_source() -> None:
    t, acc, gyr, _, lin = bouncing_on_a_rocking_mount(20)
    true_rms = float(np.sqrt(np.mean(lin[:, 2] ** 2)))
    with_gyro, without = analyze_imu(acc, gyr, RATE, "chest"), analyze_imu(acc, None, RATE, "chest")
    assert (with_gyro["vertical_acc_source"], with_gyro["orientation_available"]) == ("ahrs", True)
    assert (without["vertical_acc_source"], without["orientation_available"]) == ("lowpass", False)
    assert with_gyro["vertical_acc_rms_g"] == pytest.approx(true_rms, abs=0.005)
    assert with_gyro["free_falls"] == without["free_falls"] == 0 and with_gyro["free_fall_s"] == 0.0
    empty = analyze_imu(np.zeros((0, 3)), None, RATE, "chest")
    assert empty["vertical_acc_rms_g"] == 0.0 and empty["free_falls"] == 0
