"""Pose benchmark, all in one run on 640x480 input (a clip built from registry pictures):

1. inference time of the lite and full models (Tasks VIDEO mode), median and p95;
2. a 1280x720 game loop (menu scene drawing, SensorBus drain, motion tracking) capped at 60 FPS
   with pose in the worker thread, versus a naive loop that calls pose synchronously each frame;
3. capture-to-pose-frame latency in the worker (frame read -> PoseFrame published).

Usage: python benchmarks/pose.py [--seconds 15]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

import cv2
import numpy as np

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from game.engine.config import AppConfig  # noqa: E402
from game.engine.run import build_context  # noqa: E402
from game.levels import list_levels  # noqa: E402
from game.modes import register_builtin_modes  # noqa: E402
from game.modes.runner import MODE as RUNNER  # noqa: E402
from game.scenes.menu import MenuScene  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.camera.capture import CameraCapture  # noqa: E402
from sensors.camera.models import load_model_bytes  # noqa: E402
from sensors.camera.pose import PoseEstimator, PoseWorker  # noqa: E402
from tools.test_data import fetch  # noqa: E402


def frame_640(name: str) -> np.ndarray:
    img = cv2.imread(str(fetch(name)))
    if img is None:
        raise OSError(f"cannot read the picture {name}")
    h, w = img.shape[:2]
    k = min(480 / h, 640 / w)
    small = cv2.resize(img, (int(w * k), int(h * k)))
    out = np.zeros((480, 640, 3), np.uint8)
    out[: small.shape[0], : small.shape[1]] = small
    return out


def pct(a: list[float], q: float) -> float:
    return round(float(np.percentile(a, q)), 2)


def inference(model: bytes, frames: list[np.ndarray], n: int = 120) -> dict[str, float]:
    est = PoseEstimator(model)
    times = []
    try:
        for i in range(n):
            t0 = time.perf_counter()
            # Consecutive frames of one moving person, so the tracker works as it does live.
            est.estimate(np.roll(frames[(i // 60) % len(frames)], (i % 60) * 4, axis=1), i * 33)
            times.append((time.perf_counter() - t0) * 1000)
    finally:
        est.close()
    times = times[10:]  # first frames include detector start-up
    return {"median_ms": pct(times, 50), "p95_ms": pct(times, 95)}


def game_loop(seconds: float, clip: Path, model: bytes, threaded: bool) -> dict[str, float]:
    import pygame

    pygame.display.init()
    pygame.font.init()
    screen = pygame.display.set_mode((1280, 720))
    register_builtin_modes()
    levels, _ = list_levels(RUNNER.name)
    ctx = build_context(AppConfig(input="camera"), RUNNER, levels)
    scene = MenuScene(ctx)
    bus = SensorBus()
    cap = CameraCapture(str(clip), realtime=True)
    worker = PoseWorker(cap, model) if threaded else None
    est = None if threaded else PoseEstimator(model)
    if worker is not None:
        worker.start(bus)
    else:
        cap.start(bus)
    clock = pygame.time.Clock()
    work, frames = [], 0
    t_end = time.perf_counter() + seconds
    t_start = time.perf_counter()
    while time.perf_counter() < t_end:
        t0 = time.perf_counter()
        pygame.event.pump()
        if est is not None:  # the naive way: pose on the game thread, every frame
            f = cap.latest()
            if f is not None:
                est.estimate(f.image, f.t_host_ns // 1_000_000)
        ctx.live.ingest(bus.drain())
        scene.update(ctx.mapper.step(), 1 / 60)
        scene.render(screen)
        pygame.display.flip()
        work.append((time.perf_counter() - t0) * 1000)
        frames += 1
        clock.tick(60)
    elapsed = time.perf_counter() - t_start
    result = {"fps": round(frames / elapsed, 1), "frame_ms_p50": pct(work, 50), "frame_ms_p99": pct(work, 99)}
    if worker is not None:
        worker.stop()
        lat = worker.latency_ms[5:]
        result.update(
            {
                "pose_per_s": round(worker.frames_done / elapsed, 1),
                "latency_ms_median": pct(lat, 50),
                "latency_ms_p95": pct(lat, 95),
            }
        )
    else:
        cap.stop()
        assert est is not None
        est.close()
    pygame.quit()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    stills = [frame_640("basketball1.png"), frame_640("messi5.jpg")]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
    for name in ("lite", "full"):
        print(f"inference {name}: {inference(load_model_bytes(name), stills)}")
    with tempfile.TemporaryDirectory() as tmp:
        clip = Path(tmp) / "clip.avi"
        writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (640, 480))
        for i in range(int(30 * (args.seconds + 5))):
            writer.write(np.roll(stills[(i // 60) % 2], (i % 60) * 4, axis=1))  # the person moves
        writer.release()
        lite = load_model_bytes("lite")
        print(f"game loop, pose in worker thread: {game_loop(args.seconds, clip, lite, threaded=True)}")
        print(f"game loop, pose called every frame: {game_loop(args.seconds, clip, lite, threaded=False)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
