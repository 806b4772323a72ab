"""Cost of OrientationTracker per second of 100 Hz IMU data, with and without a gyroscope.

Ten minutes of a synthetic 100 Hz recording (a sensor rocking and turning, 0.3 g bounce, noise)
fed in live-sized batches (10 samples) and in one-second batches (as ``liike analyze imu``
does). Beside it: the bare imufusion loop (``update_no_magnetometer`` and ``get_quaternion``
per sample, nothing else), which is the floor for a per-sample C filter called from Python, and
the free-fall detector.

Usage: python benchmarks/orientation.py
"""

from __future__ import annotations

import platform
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import imufusion  # noqa: E402

from sensors.motion.orientation import FreeFallDetector, OrientationTracker  # noqa: E402
from sensors.samples import ImuBatch  # noqa: E402

RATE_HZ = 100.0
SECONDS = 600
T = TypeVar("T")


def recording(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(acc in g, gyro in deg/s): roll rocking +-25 deg at 0.5 Hz, bounce 0.3 g at 2 Hz."""
    t = np.arange(int(SECONDS * RATE_HZ)) / RATE_HZ
    roll = np.radians(20 + 25 * np.sin(np.pi * t))
    bounce = 0.3 * np.sin(4 * np.pi * t)
    acc = np.column_stack([np.zeros_like(t), (1 + bounce) * np.sin(roll), (1 + bounce) * np.cos(roll)])
    gyr = np.column_stack([np.degrees(np.radians(25) * np.pi * np.cos(np.pi * t)), np.zeros_like(t), np.full_like(t, 30.0)])
    rng = np.random.default_rng(seed)
    return acc + rng.normal(0, 0.01, acc.shape), gyr + rng.normal(0, 0.2, gyr.shape)


def per_second_ms(batches: Sequence[T], step: Callable[[T], object]) -> float:
    """Total time of ``step`` over all batches, in ms per second of data (best of 3 runs)."""
    best = float("inf")
    for _ in range(3):
        t0 = time.perf_counter()
        for b in batches:
            step(b)
        best = min(best, time.perf_counter() - t0)
    return best * 1e3 / SECONDS


def main() -> int:
    acc, gyr = recording()
    print(f"{platform.machine()}, {platform.python_version()}, imufusion loop over {SECONDS} s at {RATE_HZ:g} Hz")
    for per in (10, 100):
        with_gyro = [
            ImuBatch(0, "bench", RATE_HZ, round(i * 1e9 / RATE_HZ), acc[i : i + per], gyr[i : i + per])
            for i in range(0, acc.shape[0], per)
        ]
        acc_only = [ImuBatch(0, "bench", RATE_HZ, b.t_first_ns, b.acc_g) for b in with_gyro]
        ahrs, lowpass, ff = OrientationTracker(), OrientationTracker(), FreeFallDetector()

        def free_fall(b: ImuBatch, ff: FreeFallDetector = ff) -> np.ndarray:
            return ff.update(b.times_ns(), b.acc_g)

        rows = {
            "OrientationTracker, gyroscope (AHRS)": per_second_ms(with_gyro, ahrs.update),
            "OrientationTracker, accelerometer only (low-pass)": per_second_ms(acc_only, lowpass.update),
            "FreeFallDetector": per_second_ms(with_gyro, free_fall),
        }
        for name, ms in rows.items():
            print(f"batches of {per:3d}: {name:52s} {ms:6.3f} ms per second of data")
    a = imufusion.Ahrs()
    a.set_settings(imufusion.AhrsSettings(sample_rate=RATE_HZ))
    a.set_sample_period(1 / RATE_HZ)
    g64, a64 = gyr.astype(np.float64), acc.astype(np.float64)
    q = np.empty((acc.shape[0], 4))

    def bare(_: None) -> None:
        for i in range(acc.shape[0]):
            a.update_no_magnetometer(g64[i], a64[i])
            q[i] = a.get_quaternion()

    print(f"bare imufusion loop (update + get_quaternion): {per_second_ms([None], bare):6.3f} ms per second of data")
    return 0


if __name__ == "__main__":
    sys.exit(main())
