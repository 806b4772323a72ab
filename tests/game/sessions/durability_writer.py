"""Helper process for the durability test: records samples until it is killed.

Usage: python durability_writer.py DB. Prints ``session <id>`` once, then ``<k> <t_host_ns>``
after each step k has been handed to the writer. Every step records an IMU batch of one sample
at t; every 3rd step also a pose frame, every 10th an HR sample (the test derives which).
Timestamps are real host monotonic time, so "older than one second" means real time.
"""

import sys
import time

import numpy as np

from game.sessions import SessionWriter
from sensors.clock import now_ns
from sensors.samples import HeartRateSample, ImuBatch, PoseFrame


def main() -> None:
    w = SessionWriter(sys.argv[1], player="durable", mode="runner", level="meadow", flush_interval_s=0.25)
    print(f"session {w.start()}", flush=True)
    lm = np.full((33, 4), 0.5, dtype=np.float32)
    deadline = time.monotonic() + 120.0  # never outlive a test that failed to kill us
    k = 0
    while time.monotonic() < deadline:
        t = now_ns()
        items: list = [ImuBatch(t_host_ns=t, source="imu", rate_hz=100.0, t_first_ns=t, acc_g=np.full((1, 3), k % 7))]
        if k % 3 == 0:
            items.append(PoseFrame(t_host_ns=t, source="cam", landmarks=lm))
        if k % 10 == 0:
            items.append(HeartRateSample(t_host_ns=t, source="strap", bpm=100 + k % 50, rr_s=(0.6,)))
        w.record(items)
        print(k, t, flush=True)
        k += 1
        time.sleep(0.01)


if __name__ == "__main__":
    main()
