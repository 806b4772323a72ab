"""Seeded wrist-IMU recordings of repetition sets with known ground truth, for the rep counter.

A rigid forearm carries the sensor (random mounting orientation). Each repetition turns it
about an exercise-specific axis and/or moves it along a line: out (ease-in-out), a hold, back,
a hold. Period, amplitude and timing of every repetition vary; sets are separated by pauses
with small, slow fidgeting; the accelerometer sees gravity plus the movement's acceleration
(second difference of the position), the gyroscope the angular rate, both with noise and
the gyroscope with a bias.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

G = 9.80665

# Exercise -> (rotation axis in the world frame or None, peak angle range in rad,
#              translation direction in the world frame or None, translation range in m).
# World frame: x right, y up, z forward.
EXERCISES: dict[
    str, tuple[tuple[float, float, float] | None, tuple[float, float], tuple[float, float, float] | None, tuple[float, float]]
] = {
    "curl": ((1.0, 0.0, 0.0), (1.6, 2.3), None, (0.0, 0.0)),  # elbow flexion, sagittal plane
    "lateral_raise": ((0.0, 0.0, 1.0), (1.2, 1.6), None, (0.0, 0.0)),  # shoulder abduction, frontal plane
    "front_raise": ((1.0, 0.0, 0.0), (1.2, 1.6), None, (0.0, 0.0)),
    "row": ((1.0, 0.0, 0.0), (0.25, 0.45), (0.0, 0.0, -1.0), (0.25, 0.4)),  # mostly a pull along z
    "rotation": ((0.0, 1.0, 0.0), (0.8, 1.3), None, (0.0, 0.0)),  # trunk twist, arm out: about the vertical
    "press": ((0.0, 0.0, 1.0), (0.15, 0.35), (0.0, 1.0, 0.0), (0.35, 0.5)),  # overhead press: up, the forearm tilting a little
}


@dataclass
class RepRecording:
    rate_hz: float
    acc_g: np.ndarray
    gyr_dps: np.ndarray
    rep_times_s: list[list[float]]  # per set, the time of each repetition's turning point


def _rot(axis: np.ndarray, angle: np.ndarray) -> np.ndarray:
    """Rotation matrices (N, 3, 3) about a unit ``axis`` by ``angle`` (N,) (Rodrigues)."""
    k = axis / np.linalg.norm(axis)
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    s, c = np.sin(angle)[:, None, None], np.cos(angle)[:, None, None]
    return np.eye(3) + s * K + (1 - c) * (K @ K)


def _random_rotation(rng: np.random.Generator) -> np.ndarray:
    q = rng.normal(size=4)
    q /= np.linalg.norm(q)
    w, x, y, z = q
    return np.array(
        [
            [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
            [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
            [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
        ]
    )


def _ease(u: np.ndarray) -> np.ndarray:
    return 0.5 - 0.5 * np.cos(np.pi * np.clip(u, 0.0, 1.0))


def rep_recording(
    seed: int,
    exercise: str,
    period_s: float,
    *,
    sets: int = 3,
    reps: int = 20,
    rate_hz: float = 50.0,
    acc_noise_g: float = 0.02,
    gyr_noise_dps: float = 1.5,
    pause_s: tuple[float, float] = (10.0, 25.0),
) -> RepRecording:
    rng = np.random.default_rng(seed)
    axis_w, ang_rng, dir_w, dist_rng = EXERCISES[exercise]
    # Movement phase (0 rest .. 1 turning point) over time, built repetition by repetition.
    phase: list[np.ndarray] = []
    amp: list[np.ndarray] = []
    truth: list[list[float]] = []
    t = 0.0

    def still(duration: float) -> None:
        nonlocal t
        n = int(round(duration * rate_hz))
        phase.append(np.zeros(n))
        amp.append(np.ones(n))
        t += n / rate_hz

    still(rng.uniform(3.0, 6.0))
    for s in range(sets):
        times = []
        for _ in range(reps):
            p = period_s * rng.uniform(0.9, 1.1)
            up = p * rng.uniform(0.3, 0.45)
            hold_top = p * rng.uniform(0.0, 0.12)
            down = p * rng.uniform(0.3, 0.45)
            hold_bottom = max(0.0, p - up - hold_top - down)
            n = int(round(p * rate_hz))
            tt = np.arange(n) / rate_hz
            ph = np.where(tt < up, _ease(tt / up), np.where(tt < up + hold_top, 1.0, 1.0 - _ease((tt - up - hold_top) / down)))
            ph[tt >= up + hold_top + down] = 0.0
            phase.append(ph)
            amp.append(np.full(n, rng.uniform(0.85, 1.15)))
            times.append(t + up + hold_top / 2)
            t += n / rate_hz
            del hold_bottom
        truth.append(times)
        if s < sets - 1:
            still(rng.uniform(*pause_s))
    still(rng.uniform(3.0, 6.0))
    ph_all = np.concatenate(phase) * np.concatenate(amp)
    n = ph_all.size
    time = np.arange(n) / rate_hz
    # Fidgeting: slow, small tilts (a few degrees) all the time, plus the rep movement.
    fidget = np.zeros((n, 3))
    for k in range(3):
        f = rng.uniform(0.05, 0.3)
        fidget[:, k] = rng.uniform(0.02, 0.06) * np.sin(2 * np.pi * f * time + rng.uniform(0, 2 * np.pi))
    peak_angle = rng.uniform(*ang_rng)
    dist = rng.uniform(*dist_rng)
    # Orientation of the forearm in the world: fidget, then the exercise's rotation.
    R = np.stack([_rot(np.eye(3)[k], fidget[:, k]) for k in range(3)])
    R_world = R[0] @ R[1] @ R[2]
    if axis_w is not None:
        R_world = _rot(np.array(axis_w), peak_angle * ph_all) @ R_world
    mount = _random_rotation(rng)  # sensor axes in the forearm frame
    R_sensor = R_world @ mount  # sensor -> world
    lever = np.array([0.0, -0.3, 0.15])  # sensor position relative to the rotation centre, m
    pos = np.einsum("nij,j->ni", R_world, lever)
    if dir_w is not None:
        pos = pos + dist * ph_all[:, None] * np.array(dir_w)
    acc_w = np.gradient(np.gradient(pos, 1 / rate_hz, axis=0), 1 / rate_hz, axis=0)
    force_w = acc_w + np.array([0.0, G, 0.0])
    acc_g = np.einsum("nji,nj->ni", R_sensor, force_w) / G
    # Angular rate in the sensor frame from consecutive orientations: R_s^T dR_s/dt = [w]x.
    dR = np.gradient(R_sensor, 1 / rate_hz, axis=0)
    W = np.einsum("nji,njk->nik", R_sensor, dR)
    gyr = np.degrees(np.stack([W[:, 2, 1], W[:, 0, 2], W[:, 1, 0]], axis=1))
    acc_g += rng.normal(0.0, acc_noise_g, acc_g.shape)
    gyr += rng.normal(0.0, gyr_noise_dps, gyr.shape) + rng.uniform(-2.0, 2.0, 3)
    return RepRecording(rate_hz, acc_g, gyr, truth)
