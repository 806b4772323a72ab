"""Export throughput and peak memory against the session's size, and the session writer's speed.

Builds sessions of each ``--minutes`` with a chest IMU at ``--rate`` Hz (accelerometer and
gyroscope, batches of 10 samples), heart rate with RR intervals and a foot pod once a second,
through :class:`SessionWriter` in a subprocess (the writer's time and samples per second are
reported). Then, each in its own process so its peak RSS (``ru_maxrss`` from ``wait4``) is its
own, it runs ``liike sessions export 1 --format F`` for every format, and two baselines in the
same run: the floor (the same command's ``--help``: Python and the imports) and a naive export
that loads the whole session into memory and writes one JSON document. MB/s is the output's
size over the run's time less the floor's start-up time. With ``--writer-baseline
COMMIT`` the sessions are also recorded with the writer of COMMIT (a temporary git worktree),
so the writer's speed before and after a change is measured on the same machine.

Usage::

    .venv/bin/python benchmarks/export.py [--minutes 30 120] [--rate 200] [--writer-baseline 8557827]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("csv", "jsonl", "tcx", "fit")

# Runs in a subprocess with the code under test first on sys.path: records one session.
BUILD = r"""
import math, sys, time
import numpy as np
from game.sessions import SessionWriter
from sensors.clock import ManualClock
from sensors.samples import FitnessSample, HeartRateSample, ImuBatch

db, minutes, rate = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
S = 1_000_000_000
clock = ManualClock(1000 * S)
w = SessionWriter(db, player="bench", mode="runner", level="meadow", flush_interval_s=0.25, clock=clock)
rng = np.random.default_rng(13)
start = time.perf_counter()
w.start()
batch = 10
per_s = int(rate) // batch
samples = 0
for s in range(int(minutes * 60)):
    t = 1000 * S + s * S
    bpm = round(150 + 10 * math.sin(s / 90))
    items = [HeartRateSample(t_host_ns=t, source="strap", bpm=bpm, rr_s=(60 / bpm, 60 / bpm), contact=True)]
    items.append(FitnessSample(t_host_ns=t + S // 2, source="pod", speed_mps=3.0, cadence_spm=170.0, distance_m=3.0 * s))
    for b in range(per_s):
        t_first = t + round(b * batch * S / rate)
        acc = rng.normal(0, 0.5, (batch, 3)).astype(np.float32)
        items.append(ImuBatch(t_host_ns=t_first + S // 20, source="chest", rate_hz=rate, t_first_ns=t_first,
                              acc_g=acc, gyr_dps=acc * 90))
        samples += batch
    w.record(items)
    if s % 60 == 0:  # let the writer keep up, as a game's frame pacing does
        while w.counts()["imu"] - w.stored_counts()["imu"] > 20 * rate * 10:
            time.sleep(0.01)
clock.advance(int(minutes * 60) * S)
w.finish(0, {})
elapsed = time.perf_counter() - start
print(f"{elapsed:.3f} {samples}")
"""

NAIVE = r"""
import json, sys
import game.cli  # the same imports as the command, so the floor is the same
from game.sessions import SessionStore
from game.sessions.store import STREAM_KINDS
db, out = sys.argv[1], sys.argv[2]
with SessionStore(db, read_only=True) as store:
    everything = {k: [dict(r, **{a: r[a].tolist() for a in ("acc_g", "gyr_dps", "landmarks", "world") if r.get(a) is not None})
                      for r in store.iter_samples(1, k)] for k in STREAM_KINDS}
    everything["events"] = store.events(1)
with open(out, "w") as f:
    f.write(json.dumps(everything))
"""


def run(code_root: Path, argv: list[str]) -> tuple[float, float, str]:
    """(peak RSS in MB, wall time in s, stdout) of ``python argv`` with ``code_root`` first on the path."""
    env = dict(os.environ, PYTHONPATH=str(code_root), SDL_VIDEODRIVER="dummy", SDL_AUDIODRIVER="dummy")
    env.setdefault("LIIKE_INSTALLATION_FILE", str(Path(tempfile.gettempdir()) / "liike-bench-installation-id"))
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, *argv], env=env, cwd=code_root, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(argv[:3])} failed")
    return usage.ru_maxrss / 1024, elapsed, out  # ru_maxrss is in KiB on Linux


def cli(*args: str) -> list[str]:
    return ["-c", "import sys; from game.cli import main; sys.exit(main(sys.argv[1:]))", *args]


def size_mb(paths: list[Path]) -> float:
    return sum(p.stat().st_size for p in paths) / 1e6


def main() -> int:
    ap = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    ap.add_argument("--minutes", type=float, nargs="+", default=[30.0, 120.0])
    ap.add_argument("--rate", type=float, default=200.0, help="IMU rate, Hz")
    ap.add_argument("--writer-baseline", metavar="COMMIT", help="also record with the writer of COMMIT")
    args = ap.parse_args()
    print(f"machine: {platform.machine()}, {os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}")
    print(f"command: {' '.join(sys.argv)}")
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        worktree = None
        if args.writer_baseline:
            worktree = tmp / "baseline"
            subprocess.run(
                ["git", "worktree", "add", "--detach", str(worktree), args.writer_baseline],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
        try:
            for minutes in args.minutes:
                db = tmp / f"s{minutes:g}.sqlite"
                rss, _, out = run(ROOT, ["-c", BUILD, str(db), str(minutes), str(args.rate)])
                took, samples = out.split()
                store_mb = size_mb([db])
                print(f"\n{minutes:g} min, {args.rate:g} Hz IMU: {int(samples):,} IMU samples, store {store_mb:.1f} MB")
                print(
                    f"  writer (this code): {float(took):.1f} s, {int(samples) / float(took):,.0f} IMU samples/s, "
                    f"peak RSS {rss:.0f} MB"
                )
                if worktree is not None:
                    old_db = tmp / f"old{minutes:g}.sqlite"
                    rss, _, out = run(worktree, ["-c", BUILD, str(old_db), str(minutes), str(args.rate)])
                    old_took = float(out.split()[0])
                    print(
                        f"  writer ({args.writer_baseline}): {old_took:.1f} s, {int(samples) / old_took:,.0f} IMU samples/s, "
                        f"peak RSS {rss:.0f} MB, store {size_mb([old_db]):.1f} MB"
                    )
                    old_db.unlink()
                floor, start_s, _ = run(ROOT, cli("sessions", "export", "--help"))
                # MB/s counts the export's own time: the whole run less the floor's start-up
                print(f"  {'what':<28} {'time s':>7} {'out MB':>8} {'MB/s':>7} {'peak RSS MB':>12}")
                print(f"  {'floor (imports, --help)':<28} {start_s:>7.1f} {'':>8} {'':>7} {floor:>12.0f}")
                for fmt in FORMATS:
                    out_dir = tmp / f"{fmt}{minutes:g}"
                    rss, elapsed, stdout = run(
                        ROOT, cli("sessions", "export", "1", "--format", fmt, "--out", str(out_dir), "--db", str(db))
                    )
                    files = [Path(p) for p in json.loads(stdout.strip().splitlines()[-1])["files"]]
                    mb = size_mb(files)
                    rate = mb / max(elapsed - start_s, 1e-3)
                    print(f"  {'export ' + fmt:<28} {elapsed:>7.1f} {mb:>8.1f} {rate:>7.1f} {rss:>12.0f}")
                    for p in files:
                        p.unlink()
                naive_out = tmp / "naive.json"
                rss, elapsed, _ = run(ROOT, ["-c", NAIVE, str(db), str(naive_out)])
                mb = size_mb([naive_out])
                rate = mb / max(elapsed - start_s, 1e-3)
                print(f"  {'naive: load all, one JSON':<28} {elapsed:>7.1f} {mb:>8.1f} {rate:>7.1f} {rss:>12.0f}")
                naive_out.unlink()
                db.unlink()
        finally:
            if worktree is not None:
                subprocess.run(
                    ["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, check=False, capture_output=True
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
