"""A long unattended run of the kiosk: frame times per window, memory and open files over time.

The kiosk runs headless at 1280x720 with simulated visitors coming and going, on a virtual
clock (``liike kiosk --fast``): faster than real time, every frame drawn and timed, nothing
sleeps; the visitors are advanced on the game thread, so each frame's work includes theirs.
``--real-time`` runs it on the kiosk's own clock instead, 60 frames a second as installed.
Every ``--stage-camera-min`` minutes of kiosk time the camera is unplugged for 8 s (a staged
failure), so the out-of-order path is exercised too.

Per window of ``--window-min`` minutes of kiosk time it reports: frame work p99 (wall clock,
which on a shared machine includes time other processes held the CPU) and the game thread's CPU
time per frame p99 (what the frame itself cost), frames over 16.7 ms, rounds, walk-ups, the
camera's returns, recovered errors, RSS and open file descriptors at the window's end. The first
``--warmup-min`` minutes are the baseline for growth (the goal: RSS within 5 % of it at the end,
no descriptor growth, no window with a p99 over 16.7 ms). Usage::

    .venv/bin/python benchmarks/kiosk_soak.py --minutes 120 --window-min 60        # the 2-hour soak
    .venv/bin/python benchmarks/kiosk_soak.py --minutes 20 --window-min 5          # a short one
    .venv/bin/python benchmarks/kiosk_soak.py --minutes 120 --real-time            # 2 hours of wall time
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from game.cli.kiosk import walk_up_games  # noqa: E402
from game.engine.config import AppConfig  # noqa: E402
from game.engine.modes import registered_modes  # noqa: E402
from game.kiosk.app import KioskApp  # noqa: E402
from game.kiosk.config import KioskConfig  # noqa: E402
from game.kiosk.frametimes import FrameTimes  # noqa: E402
from game.kiosk.run import open_fds, rss_mb, run_kiosk  # noqa: E402
from game.modes import register_builtin_modes  # noqa: E402


def fd_targets() -> dict[str, int]:
    """What this process's open descriptors point at (Linux ``/proc/self/fd``), counted by target
    (pipes and sockets by kind): what a descriptor count that grows is made of."""
    out: dict[str, int] = {}
    try:
        names = os.listdir("/proc/self/fd")
    except OSError:
        return out
    for fd in names:
        try:
            target = os.readlink(f"/proc/self/fd/{fd}")
        except OSError:
            continue  # the listing's own descriptor, closed by now
        kind = target.split(":")[0] if target.startswith(("pipe:", "socket:", "anon_inode:")) else target
        out[kind] = out.get(kind, 0) + 1
    return dict(sorted(out.items()))


class Windows:
    """The per-window figures, collected from the kiosk loop's frame hook."""

    def __init__(self, window_s: float, warmup_s: float, camera_every_s: float, progress_s: float = 0.0) -> None:
        self.window_s, self.warmup_s, self.camera_every_s = window_s, warmup_s, camera_every_s
        #: Every this many kiosk seconds a line on stderr: the window so far (a run stopped early
        #: still leaves its figures).
        self.progress_s = progress_s
        self._next_progress_s = progress_s if progress_s > 0 else float("inf")
        self.rows: list[dict[str, Any]] = []
        self.wall = FrameTimes()
        self.cpu = FrameTimes()
        self._t0: float | None = None
        self._next_s = window_s
        self._next_camera_s = camera_every_s
        self.baseline: dict[str, Any] | None = None
        self._wall_counts: np.ndarray = np.zeros(0, dtype=np.int64)
        self._cpu_counts: np.ndarray = np.zeros(0, dtype=np.int64)
        self.started = time.perf_counter()
        #: RSS the last time the attract screen showed (read at most once a kiosk second): memory
        #: at the same screen each window, apart from what the game just played keeps alive.
        self.attract_rss_mb: float | None = None
        self._attract_read_s = -1.0
        #: The latest frame's app and kiosk time: the window still open when the run ends.
        self.last: tuple[KioskApp, float] | None = None

    def __call__(self, app: KioskApp) -> None:
        now = app.loop.now()
        if self._t0 is None:
            self._t0 = now
            self._wall_counts = app.frame_times.counts.copy()
            self._cpu_counts = app.cpu_times.counts.copy()
        t = now - self._t0
        self.last = (app, t)
        if type(app.top).__name__ == "AttractScene" and t - self._attract_read_s >= 1.0:
            self._attract_read_s = t
            self.attract_rss_mb = rss_mb()
        if self.camera_every_s > 0 and t >= self._next_camera_s:
            self._next_camera_s += self.camera_every_s
            app.sources[0].fail_camera(app.ctx.clock(), 8.0)  # type: ignore[attr-defined]
        if self.baseline is None and t >= self.warmup_s:
            attract = self.attract_rss_mb
            self.baseline = {
                "t_min": round(t / 60, 1),
                "rss_mb": round(rss_mb(), 1),
                "rss_mb_on_attract": None if attract is None else round(attract, 1),
                "fds": open_fds(),
                "fd_targets": fd_targets(),
            }
        if t >= self._next_progress_s:
            self._next_progress_s += self.progress_s
            line = {"progress": True, "baseline_after_warmup": self.baseline, **self._row(app, t, close=False)}
            print(json.dumps(line), file=sys.stderr, flush=True)
        if t >= self._next_s:
            self._next_s += self.window_s
            self.rows.append(self._row(app, t))
            print(json.dumps(self.rows[-1]), file=sys.stderr, flush=True)

    def _row(self, app: KioskApp, t: float, close: bool = True) -> dict[str, Any]:
        """The window's figures up to kiosk time ``t``; ``close``: the window ends here."""
        wall, cpu = FrameTimes(), FrameTimes()
        wall.counts = app.frame_times.counts - self._wall_counts
        cpu.counts = app.cpu_times.counts - self._cpu_counts
        wall.n, cpu.n = int(wall.counts.sum()), int(cpu.counts.sum())
        if close:
            self._wall_counts = app.frame_times.counts.copy()
            self._cpu_counts = app.cpu_times.counts.copy()
        s = app.kiosk.stats
        over = int(wall.counts[int(1000 / 60 / 0.05) + 1 :].sum())
        return {
            "until_min": round(t / 60, 1),
            "frames": wall.n,
            "wall_p99_ms": round(wall.percentile(99), 2),
            "cpu_p99_ms": round(cpu.percentile(99), 2),
            "cpu_p50_ms": round(cpu.percentile(50), 2),
            "frames_over_16_7ms": over,
            "rounds": s.rounds,
            "walkups": s.walkups,
            "abandoned": s.abandoned,
            "camera_back": app.kiosk.camera.recoveries,
            "errors": s.errors,
            "rss_mb": round(rss_mb(), 1),
            "rss_mb_on_attract": None if self.attract_rss_mb is None else round(self.attract_rss_mb, 1),
            "fds": open_fds(),
            "fd_targets": fd_targets(),
            "real_s": round(time.perf_counter() - self.started, 1),
            "load_1min": round(os.getloadavg()[0], 2),
        }


def bare_loop(seconds: float, size: tuple[int, int]) -> dict[str, float]:
    """The machine's own noise: a loop that only clears and flips a window of ``size``, timed like
    the kiosk's frames (wall clock and the thread's CPU time), for ``seconds`` of real time."""
    import pygame

    pygame.display.init()
    screen = pygame.display.set_mode(size)
    wall, cpu = FrameTimes(), FrameTimes()
    end = time.perf_counter() + seconds
    clock = pygame.time.Clock()
    k = 0
    while time.perf_counter() < end:
        t0, c0 = time.perf_counter(), time.thread_time()
        pygame.event.pump()
        screen.fill((k % 255, 40, 60))
        pygame.display.flip()
        wall.add((time.perf_counter() - t0) * 1000)
        cpu.add((time.thread_time() - c0) * 1000)
        k += 1
        clock.tick(60)
    pygame.display.quit()
    return {
        "frames": wall.n,
        "wall_p99_ms": round(wall.percentile(99), 2),
        "cpu_p99_ms": round(cpu.percentile(99), 2),
        "frames_over_16_7ms": wall.over_16_7,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--minutes", type=float, default=120.0, help="kiosk time to run (virtual minutes)")
    ap.add_argument("--window-min", type=float, default=60.0, help="report every this many minutes")
    ap.add_argument("--warmup-min", type=float, default=10.0, help="growth is measured from here")
    ap.add_argument("--round-s", type=float, default=90.0)
    ap.add_argument("--stage-camera-min", type=float, default=20.0, help="unplug the camera for 8 s this often (0: never)")
    ap.add_argument("--size", default="1280x720")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--progress-min", type=float, default=0.0, help="a line on stderr this often (kiosk minutes; 0: never)")
    ap.add_argument("--baseline-s", type=float, default=20.0, help="real seconds of the bare clear-and-flip loop first")
    ap.add_argument(
        "--real-time", action="store_true", help="the kiosk's own clock at 60 frames a second (kiosk time = real time)"
    )
    args = ap.parse_args()
    register_builtin_modes()
    w, h = (int(v) for v in args.size.split("x"))
    baseline = bare_loop(args.baseline_s, (w, h)) if args.baseline_s > 0 else None
    print(json.dumps({"bare_loop_baseline": baseline}), file=sys.stderr, flush=True)
    windows = Windows(args.window_min * 60, args.warmup_min * 60, args.stage_camera_min * 60, args.progress_min * 60)
    with tempfile.TemporaryDirectory(prefix="liike-kiosk-soak-") as tmp:
        os.environ.setdefault("LIIKE_INSTALLATION_FILE", str(Path(tmp) / "installation-id"))
        cfg = AppConfig(input="sim", headless=True, seconds=args.minutes * 60, db=Path(tmp) / "s.sqlite", size=(w, h),
                        seed=args.seed)  # fmt: skip
        result, _ = run_kiosk(
            cfg, KioskConfig(round_s=args.round_s), walk_up_games(registered_modes()), fast=not args.real_time, on_frame=windows
        )
        # On the real clock the run can stop a frame short of the last window's end: close it.
        if windows.last is not None and (not windows.rows or windows.rows[-1]["until_min"] < args.minutes - 0.05):
            windows.rows.append(windows._row(*windows.last))
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}",
        "load_1min_at_end": round(os.getloadavg()[0], 2),
        "kiosk_minutes": args.minutes,
        "clock": "real time" if args.real_time else "virtual (faster than real time)",
        "real_minutes": round((time.perf_counter() - windows.started) / 60, 1),
        "bare_loop_baseline": baseline,
        "baseline_after_warmup": windows.baseline,
        "windows": windows.rows,
        "result": result,
    }
    base = windows.baseline
    if base is not None and windows.rows:
        end = windows.rows[-1]
        report["rss_growth_after_warmup_pct"] = round(100 * (end["rss_mb"] - base["rss_mb"]) / base["rss_mb"], 2)
        report["fds_growth_after_warmup"] = None if base["fds"] is None else end["fds"] - base["fds"]
        if base["rss_mb_on_attract"] and end["rss_mb_on_attract"]:
            growth = 100 * (end["rss_mb_on_attract"] - base["rss_mb_on_attract"]) / base["rss_mb_on_attract"]
            report["rss_on_attract_growth_after_warmup_pct"] = round(growth, 2)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
