"""``liike analyze video FILE``: count movements in a recording with the game's own detectors.

Every frame of the file is read (none dropped, unlike live play), stamped with the time the
file's frame rate gives it (frame i at i / fps; 30 fps when the file does not say), run
through the pose model, smoothed with the same One Euro filter as live pose, and fed to the
same :class:`~sensors.motion.tracker.MotionTracker` the game uses, with the picture's own
aspect ratio (width / height). Output: one JSON object (``--json``) or readable lines.
Problems (no file, not a video, unusable model) are one ``liike: ...`` line on stderr and exit
code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
from collections import Counter
from pathlib import Path
from typing import Any

EXIT_BAD_INPUT = 2
#: Used when the file does not state a usable frame rate (frames per second).
FALLBACK_FPS = 30.0
#: Event kinds reported, and their names in the output.
COUNTED = {
    "jumping_jack": "jumping_jacks",
    "squat": "squats",
    "jump": "jumps",
    "step": "steps",
    "punch": "punches",
    "arm_swing": "arm_swings",
    "arms_up": "arms_up",
}


class VideoProblem(Exception):
    """The file cannot be analysed; the message says why and what to do."""


def _fail(message: str) -> int:
    print(f"liike: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def file_fps(reported: float) -> float | None:
    """The file's frame rate if it is believable (1..240 frames/s), else None."""
    return reported if math.isfinite(reported) and 1.0 <= reported <= 240.0 else None


def analyze_video(path: Path, model: str) -> dict[str, Any]:
    """Run every frame of ``path`` through pose and the game's detectors; the summary dict.

    Raises :class:`VideoProblem` (file) or :class:`~sensors.camera.models.ModelError` (model).
    """
    # FFmpeg inside OpenCV prints its own complaints about broken files to stderr; this command
    # reports each problem once, in its own words.
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    import cv2
    import numpy as np

    from sensors.camera.models import load_model_bytes
    from sensors.camera.one_euro import OneEuroFilter, OneEuroParams
    from sensors.camera.pose import PoseEstimator
    from sensors.motion.tracker import MotionTracker
    from sensors.samples import PoseFrame

    if not path.exists():
        raise VideoProblem(f"no such file: {path}: check the path")
    if not path.is_file():
        raise VideoProblem(f"{path} is not a file: give a video file")
    model_bytes = load_model_bytes(model)
    cap = cv2.VideoCapture(str(path))
    try:
        if not cap.isOpened():
            raise VideoProblem(f"cannot open {path} as a video: check that it is a video file OpenCV can read (e.g. MP4, AVI)")
        ok, image = cap.read()
        if not ok or image is None:
            raise VideoProblem(f"{path} has no frames OpenCV can decode: check that it is a video file (e.g. MP4, AVI)")
        stated = file_fps(float(cap.get(cv2.CAP_PROP_FPS) or 0.0))
        fps = stated or FALLBACK_FPS
        height, width = image.shape[:2]
        tracker = MotionTracker(image_aspect_wh=width / height)
        estimator = PoseEstimator(model_bytes)
        smoother = OneEuroFilter(OneEuroParams())
        counts: Counter[str] = Counter()
        frames = pose_frames = 0
        try:
            while ok and image is not None:
                t_ns = round(frames * 1e9 / fps)
                res = estimator.estimate(image, t_ns // 1_000_000)
                if res is None:
                    smoother.reset()  # as live pose does: no smoothing across a lost person
                else:
                    lm = np.column_stack([smoother(t_ns, res.landmarks[:, :3]), res.landmarks[:, 3]])
                    pose_frames += 1
                    frame = PoseFrame(t_host_ns=t_ns, source=f"video:{path.name}", landmarks=lm, world=res.world)
                    counts.update(e.kind for e in tracker.feed(frame))
                frames += 1
                ok, image = cap.read()
        finally:
            estimator.close()
    finally:
        cap.release()
    summary: dict[str, Any] = {"file": str(path), "frames": frames, "pose_frames": pose_frames}
    summary.update({name: counts.get(kind, 0) for kind, name in COUNTED.items()})
    summary.update(
        {
            "fps": round(fps, 3),
            "fps_from_file": stated is not None,
            "duration_s": round(frames / fps, 3),
            "width": width,
            "height": height,
            "model": model,
        }
    )
    return summary


def format_summary(s: dict[str, Any]) -> str:
    fps_note = "" if s["fps_from_file"] else f" (the file states no frame rate: {s['fps']:g} assumed)"
    lines = [
        f"{s['file']}: {s['frames']} frames, {s['duration_s']:.1f} s at {s['fps']:g} fps{fps_note}, "
        f"{s['width']}x{s['height']}, model {s['model']}",
        f"person found in {s['pose_frames']} of {s['frames']} frames",
    ]
    lines += [f"{name.replace('_', ' ')}: {s[name]}" for name in COUNTED.values()]
    return "\n".join(lines)


def cmd_analyze_video(args: argparse.Namespace) -> int:
    from sensors.camera.models import ModelError

    try:
        summary = analyze_video(Path(args.file), str(args.model))
    except VideoProblem as exc:
        return _fail(str(exc))
    except ModelError as exc:
        return _fail(str(exc))
    print(json.dumps(summary) if args.json else format_summary(summary))
    return 0


__all__ = ["analyze_video", "cmd_analyze_video", "file_fps", "format_summary"]
