"""Punch detector: movement to event, on the simulated player's streams and on a filmed video of
punches straight at the camera read by the real pose model, for the detector as it is and as
it was (the pose model's own extension alone, the code of git commit ``--before``, default
8092242).

- *Streams*: the same measurement as ``benchmarks/detector_latency.py``'s ``pose punch`` row
  (the default and exercise scripts, seeds 0-2, pose at 30 fps through the game's
  MotionTracker, events matched one-to-one to the true full extension within +-0.25 s).
- *Filmed*: the simulated player punching (left, right, left ... at 40/min) filmed into a
  Motion-JPEG video (sensors.sim.pair, ``--fps``, 480x360, two players side by side, each half
  read by MediaPipe's lite pose landmarker and smoothed as the pose worker does), the frames
  fed to the punch detector alone. Truth: each punch's full extension.

Latency = the capture time of the frame whose feeding returned the event minus the true
moment; the camera's exposure, transfer and the model's inference come on top (BENCHMARKS.md,
pose). Needs MediaPipe and the lite model for the filmed rows.

Usage: python benchmarks/punch_latency.py [--fps 15] [--seconds 12] [--before COMMIT]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import types
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sensors" / "motion"))  # detector_latency's own helpers

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from benchmarks.detector_latency import SEEDS, Tally, p95, score, simulate  # noqa: E402
from sensors.clock import s_to_ns  # noqa: E402
from sensors.motion.events import MotionEvent  # noqa: E402
from sensors.motion.pose_arms import PosePunchDetector  # noqa: E402
from sensors.motion.pose_features import extract_features  # noqa: E402
from sensors.motion.tracker import MotionTracker  # noqa: E402
from sensors.samples import PoseFrame  # noqa: E402
from sensors.sim import DEFAULT_SCRIPT, EXERCISE_SCRIPT, TruthEvent  # noqa: E402
from sensors.sim.pair import SIDE_BY_SIDE, SimulatedPair, pair_pictures  # noqa: E402
from sensors.sim.render import write_video  # noqa: E402

#: Each filmed player: a still start (the detector learns the arms' lengths), then punches.
FILM_SCRIPT = "idle:1.5,punch:{s}@40"

Detector = Any  # a PosePunchDetector of either version


def detector_at(commit: str) -> Callable[[], Detector]:
    """The punch detector class as it was at ``commit`` (its pose_arms module, loaded apart)."""
    text = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{commit}:sensors/motion/pose_arms.py"], check=True, capture_output=True, text=True
    ).stdout
    module = types.ModuleType("pose_arms_before")
    exec(compile(text, f"{commit}:sensors/motion/pose_arms.py", "exec"), module.__dict__)
    cls: Callable[[], Detector] = module.PosePunchDetector
    return cls


def streams_row(make: Callable[[], Detector]) -> Tally:
    tally = Tally()
    for script in (DEFAULT_SCRIPT, EXERCISE_SCRIPT):
        for seed in SEEDS:
            samples, truth = simulate(script, seed)
            tracker = MotionTracker(image_aspect_wh=4 / 3)
            tracker.pose.punches = make()
            found = [(e, s.t_host_ns) for s in samples if isinstance(s, PoseFrame) for e in tracker.feed(s)]
            score(truth, found, "punch", tally)
    return tally


def film(path: Path, seconds: float, fps: float) -> list[list[TruthEvent]]:
    """Film two punching players; return each one's punches (true full extensions)."""
    script = FILM_SCRIPT.format(s=seconds - 1.5)
    size = (480, 360)
    pair = SimulatedPair(0, (script, script), picture_aspect=size[0] / size[1], pose_fps=fps)
    write_video(path, pair_pictures(pair, seconds, fps, size), fps, size)
    return [[t for t in p.ground_truth() if t.kind == "punch"] for p in pair.players]


def read_film(path: Path, fps: float) -> list[list[PoseFrame]]:
    """Each half's pose frames, through the lite model and the pose worker's smoothing."""
    from sensors.camera.models import load_model_bytes
    from sensors.camera.one_euro import OneEuroFilter, OneEuroParams
    from sensors.camera.pose import PoseEstimator

    model = load_model_bytes("lite")
    estimators = [PoseEstimator(model, zone) for zone in SIDE_BY_SIDE]
    filters = [OneEuroFilter(OneEuroParams()) for _ in SIDE_BY_SIDE]
    frames: list[list[PoseFrame]] = [[] for _ in SIDE_BY_SIDE]
    cap = cv2.VideoCapture(str(path))
    k = 0
    while True:
        ok, image = cap.read()
        if not ok or image is None:
            break
        t_ns = s_to_ns(k / fps)
        for player, (est, filt) in enumerate(zip(estimators, filters, strict=True)):
            res = est.estimate(image, round(k * 1000 / fps))
            if res is None:
                filt.reset()
                continue
            lm = np.column_stack([filt(t_ns, res.landmarks[:, :3]), res.landmarks[:, 3]])
            frames[player].append(PoseFrame(t_ns, "film", lm, res.world, player=player))
        k += 1
    cap.release()
    for est in estimators:
        est.close()
    return frames


def film_row(make: Callable[[], Detector], frames: list[list[PoseFrame]], truth: list[list[TruthEvent]], aspect: float) -> Tally:
    tally = Tally()
    for player_frames, player_truth in zip(frames, truth, strict=True):
        det = make()
        found: list[tuple[MotionEvent, int]] = []
        for fr in player_frames:
            found += [(e, fr.t_host_ns) for e in det.update(extract_features(fr, aspect_wh=aspect))]
        score(player_truth, found, "punch", tally)
    return tally


def row(name: str, t: Tally) -> str:
    n_found = t.tp + t.fp
    prec = f"{t.tp / n_found:.3f}" if n_found else "-"
    rec = f"{t.tp / (t.tp + t.fn):.3f}" if t.tp + t.fn else "-"
    lat = f"{statistics.median(t.latency_ms):.0f} | {p95(t.latency_ms):.0f}" if t.latency_ms else "- | -"
    tim = f"{statistics.median(t.timing_ms):+.0f}" if t.timing_ms else "-"
    return f"| {name} | {t.tp + t.fn} | {n_found} | {prec} | {rec} | {lat} | {tim} |"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fps", type=float, default=15.0, help="the filmed video's frame rate (default 15)")
    parser.add_argument("--seconds", type=float, default=12.0, help="the filmed video's length (default 12)")
    parser.add_argument("--before", default="8092242", help="commit whose punch detector is the baseline")
    args = parser.parse_args()
    before = detector_at(args.before)
    versions: list[tuple[str, Callable[[], Detector]]] = [(f"before ({args.before})", before), ("now", PosePunchDetector)]
    print(
        "| punch detector | true | found | precision | recall | latency median (ms) | latency p95 (ms) "
        "| timing error median (ms) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for label, make in versions:
        print(row(f"{label}, simulated streams", streams_row(make)), flush=True)
    try:
        import mediapipe  # noqa: F401
    except ImportError:
        print("filmed rows skipped: MediaPipe is not installed")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        video = Path(tmp) / "punch.avi"
        truth = film(video, args.seconds, args.fps)
        frames = read_film(video, args.fps)
    aspect = (480 / len(SIDE_BY_SIDE)) / 360
    for label, make in versions:
        print(row(f"{label}, filmed at the camera ({args.fps:g} fps, lite model)", film_row(make, frames, truth, aspect)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
