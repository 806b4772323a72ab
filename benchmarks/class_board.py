"""The class board with 40 emulated straps at 1920x1080: frame work time and the Bluetooth
thread's share of a CPU.

Runs in one process, one after another on the same machine, with the SDL dummy video driver:
0. bare loop: pygame clearing and flipping a 1920x1080 window 20 times a second, nothing else
   (the floor the machine and SDL set, and so what the machine's other load alone does to p99);
1. baseline: the game's own app loop (20 frames a second, as ``liike class`` runs) and board
   with 40 tiles and no Bluetooth at all (every strap quiet);
2. the class of ``liike class --emulate-class 40``: 10 straps connected over two adapters, 5 Mi
   Bands and 25 Polar straps broadcasting, each read by the ``liike-ble`` thread from the
   emulated radio (bumble), which runs in that same thread.

Frame work is the time from a frame's start to its flip (``RunStats.work_ms``); the Bluetooth
thread's CPU share is its user+system time (``/proc/self/task/<tid>/stat``, Linux) over the run's
wall time. The emulated radio's own cost is part of that share, so a real adapter costs less.
The game thread's own CPU time per frame (``time.thread_time``) is
reported beside it: unlike wall-clock frame work, it does not grow while the thread waits for a
core. Each run also reports the machine's 1-minute load average at its start and end
(``os.getloadavg``): on a shared machine, waiting for a core shows in p99 before anything else.

Usage: python benchmarks/class_board.py [--seconds 60] [--json]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import threading
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from game.classroom.board import ClassBoard  # noqa: E402
from game.classroom.screen import FPS, ClassScene  # noqa: E402
from game.engine.app import App, open_window  # noqa: E402
from game.engine.config import AppConfig  # noqa: E402
from game.engine.run import build_context  # noqa: E402
from liike_emulation.room import EmulatedBackends, mixed_class_adapters, mixed_class_room, mixed_class_sensors  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.motion.heart_zones import HeartProfile  # noqa: E402

N = 40


def _thread_cpu_s(name: str) -> float | None:
    """User+system CPU seconds of this process's thread called ``name`` (Linux), else None."""
    for t in threading.enumerate():
        if t.name == name and t.native_id is not None:
            stat = Path(f"/proc/self/task/{t.native_id}/stat").read_text()
            fields = stat.rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return None


def _load() -> float:
    return round(os.getloadavg()[0], 2)


def _percentiles(work_ms: list[float]) -> dict[str, float]:
    """As :meth:`game.engine.app.RunStats.summary` computes them, for the bare loop."""
    work = np.asarray(work_ms) if work_ms else np.zeros(1)
    return {
        "frames": len(work_ms),
        "frame_ms_p50": round(float(np.percentile(work, 50)), 3),
        "frame_ms_p99": round(float(np.percentile(work, 99)), 3),
    }


def bare_loop(seconds: float) -> dict[str, Any]:
    """Clear and flip a 1920x1080 window at 20 frames a second: frame work = clear + flip."""
    load_start = _load()
    pygame.display.init()
    screen = pygame.display.set_mode((1920, 1080))
    clock = pygame.time.Clock()
    work: list[float] = []
    t_end = time.perf_counter() + seconds
    while time.perf_counter() < t_end:
        t0 = time.perf_counter()
        pygame.event.pump()
        screen.fill((30, 30, 40))
        pygame.display.flip()
        work.append((time.perf_counter() - t0) * 1000)
        clock.tick(FPS)
    pygame.display.quit()
    return {**_percentiles(work), "fps": round(len(work) / seconds, 1), "load_start": load_start, "load_end": _load()}


def run(seconds: float, bluetooth: bool) -> dict[str, Any]:
    from sensors.ble.service import BleSource

    sensors = mixed_class_sensors(N)
    board = ClassBoard(sensors, HeartProfile(60, 200))
    config = AppConfig(headless=True, seconds=seconds, size=(1920, 1080))
    ctx = build_context(replace(config, fps_cap=FPS), None, [])
    screen = open_window(config)
    sources = []
    if bluetooth:
        sources = [BleSource(sensors, backends=EmulatedBackends(mixed_class_room(N), adapters=mixed_class_adapters(N)))]
    cpu: list[float] = []

    def sample_cpu() -> None:
        # the thread ends with the run: read its CPU time just before, every half second
        while not done.is_set():
            value = _thread_cpu_s("liike-ble")
            if value is not None:
                cpu.append(value)
            done.wait(0.5)

    done = threading.Event()
    watcher = threading.Thread(target=sample_cpu, daemon=True)
    watcher.start()
    load_start = _load()
    t0 = time.perf_counter()
    cpu0 = time.thread_time()
    try:
        stats = App(ctx, ClassScene(ctx, board), SensorBus(), sources).run(screen)
    finally:
        wall = time.perf_counter() - t0
        main_cpu = time.thread_time() - cpu0
        done.set()
        watcher.join()
        pygame.display.quit()
    heard = sum(1 for s in board.straps.values() if s.heart.n > 0)
    out = {
        **stats.summary(),
        "straps_heard": heard,
        "wall_s": round(wall, 1),
        # CPU the game thread itself used per frame: what waiting for a core does not inflate
        "main_thread_cpu_ms_per_frame": round(1000 * main_cpu / max(1, stats.frames), 2),
        "load_start": load_start,
        "load_end": _load(),
    }
    if bluetooth:
        out["ble_thread_cpu_share"] = round(cpu[-1] / wall, 3) if cpu else None
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    result: dict[str, Any] = {
        "machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "bare_loop": bare_loop(args.seconds),
        "baseline_no_bluetooth": run(args.seconds, bluetooth=False),
        "class_of_40": run(args.seconds, bluetooth=True),
    }
    if args.json:
        print(json.dumps(result))
        return
    print(result["machine"])
    for name in ("bare_loop", "baseline_no_bluetooth", "class_of_40"):
        r = result[name]
        print(
            f"{name:>22}: frame work p50 {r['frame_ms_p50']:.2f} ms, p99 {r['frame_ms_p99']:.2f} ms, "
            f"{r['fps']} fps, load {r['load_start']:.2f}..{r['load_end']:.2f}"
            + (f", game thread {r['main_thread_cpu_ms_per_frame']:.1f} ms CPU a frame" if "straps_heard" in r else "")
            + (f", straps heard {r['straps_heard']}" if "straps_heard" in r else "")
            + (f", Bluetooth thread {100 * r['ble_thread_cpu_share']:.1f} % of a CPU" if "ble_thread_cpu_share" in r else "")
        )


if __name__ == "__main__":
    main()
