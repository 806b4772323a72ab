"""Repetition counts per set when each set is its own recording, as ``liike analyze imu`` sees it.

Every exercise of ``tests/sensors/motion/rep_synth.py`` at 1.6, 2.2, 3.0 and 4.0 s per
repetition, two seeds each, two sets of 20 per recording. Each set is cut out on its own with
a random 1-4 s of rest before its first and after its last repetition (beyond half a period),
and counted by ``sensors.motion.analysis.analyze_imu`` (placement wrist) with the gyroscope and
from the accelerometer alone. A set is right when the count is within +-2 of 20. From the
accelerometer alone the command also says whether its count can be trusted (``reps_reliable``):
the table gives how many sets it trusted, and how many of those were right.

Usage: python benchmarks/rep_sets.py   (about a minute)
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sensors" / "motion"))  # rep_synth: seeded repetition sets

from sensors.motion.analysis import analyze_imu  # noqa: E402

from rep_synth import EXERCISES, rep_recording  # noqa: E402

TEMPOS_S = (1.6, 2.2, 3.0, 4.0)
SEEDS = (0, 1)
TOLERANCE = 2


def counts() -> dict[tuple[str, bool], list[tuple[int, bool]]]:
    """(exercise, with gyroscope) -> (count, trusted) of every set, in tempo and seed order."""
    rng = np.random.default_rng(1)
    out: dict[tuple[str, bool], list[tuple[int, bool]]] = {}
    for exercise in EXERCISES:
        for period in TEMPOS_S:
            for seed in SEEDS:
                rec = rep_recording(9000 + seed * 31 + int(period * 10), exercise, period, sets=2)
                for reps in rec.rep_times_s:
                    start = max(0.0, reps[0] - period / 2 - rng.uniform(1, 4))
                    stop = reps[-1] + period / 2 + rng.uniform(1, 4)
                    i, j = int(start * rec.rate_hz), int(stop * rec.rate_hz)
                    for gyro in (True, False):
                        r = analyze_imu(rec.acc_g[i:j], rec.gyr_dps[i:j] if gyro else None, rec.rate_hz, "wrist")
                        out.setdefault((exercise, gyro), []).append((int(r["reps"]), bool(r["reps_reliable"])))
    return out


def main() -> int:
    res = counts()
    print(
        "| exercise | sensors | sets within +-2 of 20 | sets trusted (reps_reliable) | trusted and within +-2 "
        "| counts (1.6, 2.2, 3.0, 4.0 s per repetition; * not trusted) |"
    )
    print("| --- | --- | ---: | ---: | ---: | --- |")
    totals = {True: [0, 0, 0, 0], False: [0, 0, 0, 0]}
    for (exercise, gyro), values in sorted(res.items(), key=lambda kv: (kv[0][0], not kv[0][1])):
        ok = sum(abs(v - 20) <= TOLERANCE for v, _ in values)
        trusted = sum(t for _, t in values)
        trusted_ok = sum(t and abs(v - 20) <= TOLERANCE for v, t in values)
        for k, x in enumerate((ok, len(values), trusted, trusted_ok)):
            totals[gyro][k] += x
        shown = " ".join(f"{v}{'' if t else '*'}" for v, t in values)
        print(
            f"| {exercise} | {'acc + gyro' if gyro else 'acc only'} | {ok}/{len(values)} | {trusted}/{len(values)} "
            f"| {trusted_ok}/{trusted} | {shown} |"
        )
    for gyro in (True, False):
        ok, n, trusted, trusted_ok = totals[gyro]
        print(
            f"{'acc + gyro' if gyro else 'acc only'}: {ok}/{n} sets within +-{TOLERANCE}; "
            f"trusted {trusted}, of which {trusted_ok} within +-{TOLERANCE}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
