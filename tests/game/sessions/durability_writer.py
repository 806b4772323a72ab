"""Helper process for the durability test: records samples until it is killed.

Usage: python durability_writer.py DB. Prints ``<t_host_ns>`` after each recorded batch.
"""

import sys
import time

import numpy as np

from game.sessions import SessionWriter
from sensors.samples import HeartRateSample, ImuBatch, PoseFrame


def main() -> None:
    w = SessionWriter(sys.argv[1], player="durable", mode="runner", level="meadow", flush_interval_s=0.25)
    print(f"session {w.start()}", flush=True)
    lm = np.full((33, 4), 0.5, dtype=np.float32)
    t0 = time.monotonic_ns()
    k = 0
    while True:
        t = t0 + k * 10_000_000  # one 100 Hz IMU sample's worth of time per step
        w.record([ImuBatch(t_host_ns=t, source="imu", rate_hz=100.0, t_first_ns=t, acc_g=np.ones((1, 3)))])
        if k % 3 == 0:
            w.record([PoseFrame(t_host_ns=t, source="cam", landmarks=lm)])
        if k % 100 == 0:
            w.record([HeartRateSample(t_host_ns=t, source="strap", bpm=100)])
        print(t, flush=True)
        k += 1
        time.sleep(0.01)


if __name__ == "__main__":
    main()
