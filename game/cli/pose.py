"""``liike pose`` and ``liike models``: pose estimation on a picture, a video or a camera."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff"}


def _frame_json(index: int, t_ms: float, inference_ms: float, landmarks: Any) -> str:
    return json.dumps(
        {
            "frame": index,
            "t_ms": round(t_ms, 3),
            "inference_ms": round(inference_ms, 3),
            "landmarks": None if landmarks is None else [[round(float(v), 5) for v in row] for row in landmarks],
        }
    )


def _summary_line(index: int, inference_ms: float, landmarks: Any) -> str:
    if landmarks is None:
        return f"frame {index}: no person ({inference_ms:.1f} ms)"
    vis = landmarks[:, 3]
    nose = landmarks[0]
    return (
        f"frame {index}: person, {int((vis >= 0.5).sum())}/33 landmarks visible, "
        f"nose at ({nose[0]:.2f}, {nose[1]:.2f}) ({inference_ms:.1f} ms)"
    )


def cmd_pose(source: str, model: str, as_json: bool, max_frames: int | None = None) -> int:
    import cv2

    from sensors.camera.capture import CameraCapture
    from sensors.camera.models import ModelError, load_model_bytes
    from sensors.camera.pose import PoseEstimator

    try:
        model_bytes = load_model_bytes(model)
    except ModelError as exc:
        print(f"liike: {exc}", file=sys.stderr)
        return 2
    estimator = PoseEstimator(model_bytes)
    out = sys.stdout
    try:
        if not source.isdigit() and Path(source).suffix.lower() in IMAGE_SUFFIXES:
            image = cv2.imread(source)
            if image is None:
                print(f"liike: cannot read the picture {source}: check the path and that it is an image file", file=sys.stderr)
                return 2
            t0 = time.perf_counter()
            res = estimator.estimate(image, 0)
            ms = (time.perf_counter() - t0) * 1000
            lm = None if res is None else res.landmarks
            print(_frame_json(0, 0.0, ms, lm) if as_json else _summary_line(0, ms, lm), file=out)
            return 0
        cam = CameraCapture(int(source) if source.isdigit() else source, every_frame=not source.isdigit())
        cam.start()
        last, first_t = -1, None
        try:
            while max_frames is None or last + 1 < max_frames:
                frame = cam.next_frame(last, timeout_s=5.0)
                if frame is None:
                    break
                last = frame.index
                first_t = frame.t_host_ns if first_t is None else first_t
                t0 = time.perf_counter()
                res = estimator.estimate(frame.image, frame.t_host_ns // 1_000_000)
                ms = (time.perf_counter() - t0) * 1000
                lm = None if res is None else res.landmarks
                t_ms = (frame.t_host_ns - first_t) / 1e6
                print(
                    _frame_json(frame.index, t_ms, ms, lm) if as_json else _summary_line(frame.index, ms, lm),
                    file=out,
                    flush=True,
                )
        except KeyboardInterrupt:
            pass
        finally:
            cam.stop()
        if last < 0:
            if cam.last_error is None:  # otherwise the capture has already said what is wrong
                print(f"liike: no frames from {source}", file=sys.stderr)
            return 2
        return 0
    finally:
        estimator.close()


def cmd_models(as_json: bool) -> int:
    from dataclasses import asdict

    from sensors.camera.models import format_models_table, list_models

    models = list_models()
    if as_json:
        print(json.dumps([{k: (str(v) if isinstance(v, Path) else v) for k, v in asdict(m).items()} for m in models]))
    else:
        print(format_models_table(models))
    return 0 if all(m.ok for m in models) else 2


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    pose = sub.add_parser(
        "pose",
        help="estimate body pose in a picture, a video or a camera",
        description="Run the pose model on SOURCE: an image file, a video file or a camera index.",
    )
    pose.add_argument("source", metavar="SOURCE")
    pose.add_argument("--model", default="lite", metavar="lite|full|PATH", help="pose model (default lite)")
    pose.add_argument("--json", action="store_true", help="one JSON object per frame on its own line")
    pose.add_argument("--frames", type=int, metavar="N", help="stop after N frames")
    pose.set_defaults(run=lambda args: cmd_pose(args.source, args.model, args.json, args.frames))

    models = sub.add_parser("models", help="list and verify the shipped pose models")
    models.add_argument("--json", action="store_true", help="print a JSON list")
    models.set_defaults(run=lambda args: cmd_models(args.json))
