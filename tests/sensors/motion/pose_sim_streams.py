"""Pose streams of the simulated player with ground truth, and ways to spoil them (shared by
the pose detector tests; not a test module)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sensors.motion.events import MotionEvent
from sensors.motion.tracker import MotionTracker
from sensors.samples import PoseFrame
from sensors.sim import Camera, Segment, SimulatedPlayer

from motion_synth import Truth

Spoil = Callable[[list[PoseFrame], np.random.Generator], list[PoseFrame]]


def sim_pose(
    script: tuple[Segment, ...] | str, *, seed: int = 0, camera: Camera = Camera(), fps: float = 30.0, tail_s: float = 2.0
) -> tuple[list[PoseFrame], list[Truth]]:
    """Every pose frame of one run through ``script`` (plus ``tail_s``) and its ground truth."""
    player = SimulatedPlayer(seed=seed, script=script, loop=False, camera=camera, pose_fps=fps)
    end_s = sum(seg.duration_s for seg in player.script) + tail_s
    frames: list[PoseFrame] = []
    t = 0.05
    while t <= end_s:  # in slices, as a game loop would
        frames += [s for s in player.advance_to(round(t * 1e9)) if isinstance(s, PoseFrame)]
        t += 0.05
    return frames, [Truth(x.kind, x.t_ns, x.magnitude) for x in player.ground_truth()]


def track(frames: list[PoseFrame], aspect_wh: float) -> list[MotionEvent]:
    tracker = MotionTracker(image_aspect_wh=aspect_wh)
    return [e for f in frames for e in tracker.feed(f)]


def drop_random(share: float) -> Spoil:
    return lambda frames, rng: [f for f in frames if rng.random() >= share]


def drop_bursts(frames: list[PoseFrame], rng: np.random.Generator) -> list[PoseFrame]:
    """Tracking lost now and then for 0.1-0.4 s."""
    out: list[PoseFrame] = []
    skip_to = -1
    for i, f in enumerate(frames):
        if i < skip_to:
            continue
        if rng.random() < 0.02:
            skip_to = i + int(rng.integers(3, 12))
            continue
        out.append(f)
    return out


def hide(indices: list[int], visibility: float = 0.1) -> Spoil:
    """Landmarks ``indices`` reported with low visibility (occluded or out of frame)."""

    def spoil(frames: list[PoseFrame], rng: np.random.Generator) -> list[PoseFrame]:
        out = []
        for f in frames:
            lm = f.landmarks.copy()
            lm[indices, 3] = visibility
            out.append(PoseFrame(f.t_host_ns, f.source, lm, f.world))
        return out

    return spoil


def mirror(frames: list[PoseFrame], rng: np.random.Generator) -> list[PoseFrame]:
    """A mirrored camera picture (as a selfie view shows it)."""
    out = []
    for f in frames:
        lm = f.landmarks.copy()
        lm[:, 0] = 1.0 - lm[:, 0]
        world = None if f.world is None else f.world * np.array([-1.0, 1.0, 1.0])
        out.append(PoseFrame(f.t_host_ns, f.source, lm, world))
    return out


def without_world(frames: list[PoseFrame], rng: np.random.Generator) -> list[PoseFrame]:
    return [PoseFrame(f.t_host_ns, f.source, f.landmarks, None) for f in frames]
