"""Peak memory and time of ``liike analyze imu`` on a 1-hour 100 Hz accelerometer+gyroscope CSV.

Generates the file (360 000 rows, time_s and six IMU columns), runs the CLI in a subprocess
and reads that process's peak RSS (ru_maxrss from wait4). With ``--baseline COMMIT`` the same
file also goes through the code of COMMIT, checked out in a temporary git worktree, and the
ratio is printed. Usage::

    .venv/bin/python benchmarks/analyze_memory.py --baseline 0e5a230 [--minutes 60]
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
RATE_HZ = 100


def write_csv(path: Path, minutes: float) -> None:
    """Jogging-like acceleration (2.7 Hz bounce) with noise and a slowly turning gyroscope."""
    n = int(minutes * 60 * RATE_HZ)
    rng = np.random.default_rng(18)
    with path.open("w") as f:
        f.write("time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n")
        for start in range(0, n, 60_000):
            i = np.arange(start, min(n, start + 60_000))
            t = i / RATE_HZ
            bounce = 0.6 * np.sin(2 * np.pi * 2.7 * t)
            acc = np.column_stack([0.1 * np.sin(2 * np.pi * 1.35 * t), 0.05 * np.cos(t), 1.0 + bounce])
            acc += rng.normal(0, 0.02, acc.shape)
            gyr = np.column_stack([20 * np.sin(2 * np.pi * 1.35 * t), 5 * np.sin(0.1 * t), 3 * np.cos(0.2 * t)])
            np.savetxt(f, np.column_stack([t, acc, gyr]), delimiter=",", fmt=["%.2f"] + ["%.5f"] * 6)


def measure(code_root: Path, csv: Path) -> tuple[float, float, int]:
    """(peak RSS in MB, wall time in s, exit code) of ``liike analyze imu`` from ``code_root``."""
    env = dict(os.environ, PYTHONPATH=str(code_root), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    argv = [sys.executable, "-c", "import sys; from game.cli import main; sys.exit(main(sys.argv[1:]))"]
    argv += ["analyze", "imu", str(csv), "--rate", str(RATE_HZ), "--placement", "chest", "--json"]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=code_root, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss / 1024, elapsed, proc.returncode  # ru_maxrss is in KiB on Linux


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, default=60.0)
    ap.add_argument("--baseline", metavar="COMMIT", help="also measure this commit, in a temporary worktree")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        csv = Path(tmp) / "imu.csv"
        write_csv(csv, args.minutes)
        size_mb = csv.stat().st_size / 1e6
        print(f"{args.minutes:g} min at {RATE_HZ} Hz, 7 columns: {size_mb:.1f} MB; {platform.processor() or platform.machine()}")
        rows = [("this checkout", *measure(ROOT, csv))]
        if args.baseline:
            old = Path(tmp) / "baseline"
            subprocess.run(["git", "worktree", "add", "--detach", "--quiet", str(old), args.baseline], cwd=ROOT, check=True)
            try:
                rows.append((f"baseline {args.baseline}", *measure(old, csv)))
            finally:
                subprocess.run(["git", "worktree", "remove", "--force", str(old)], cwd=ROOT, check=True)
        print("| code | peak RSS (MB) | time (s) | exit |")
        print("| --- | ---: | ---: | ---: |")
        for name, rss, secs, code in rows:
            print(f"| {name} | {rss:.0f} | {secs:.1f} | {code} |")
        if len(rows) == 2:
            print(f"baseline / this checkout: peak RSS x{rows[1][1] / rows[0][1]:.1f}, time x{rows[1][2] / rows[0][2]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
