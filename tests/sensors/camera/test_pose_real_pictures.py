"""The real pose model on real pictures of people (fetched from registry packages)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from sensors.bus import SensorBus
from sensors.camera.capture import CameraCapture
from sensors.camera.models import load_model_bytes
from sensors.camera.pose import SIDE_BY_SIDE, PoseEstimator, PoseWorker
from sensors.samples import PoseFrame
from tools.test_data import DataUnavailable, fetch

NOSE, SHOULDERS, HIPS, KNEES, ANKLES = [0], [11, 12], [23, 24], [25, 26], [27, 28]


@pytest.fixture(scope="module")
def lite() -> bytes:
    return load_model_bytes("lite")


def picture(name: str) -> np.ndarray:
    try:
        path = fetch(name)
    except DataUnavailable as exc:
        pytest.skip(f"test picture {name} not available offline: {exc}")
    image = cv2.imread(str(path))
    assert image is not None, path
    return image


def estimate(model: bytes, image: np.ndarray) -> np.ndarray | None:
    est = PoseEstimator(model)
    try:
        res = est.estimate(image, 0)
    finally:
        est.close()
    return None if res is None else res.landmarks


def y(lm: np.ndarray, idx: list[int]) -> float:
    return float(lm[idx, 1].mean())


def same_side(lm: np.ndarray) -> bool:
    """Left landmarks lie on one side of the right ones all down the body."""
    signs = {np.sign(lm[left, 0] - lm[right, 0]) for left, right in ((11, 12), (23, 24), (25, 26), (27, 28))}
    return len(signs) == 1


@pytest.mark.data
@pytest.mark.parametrize("name", ["basketball1.png", "messi5.jpg"])
def test_full_body_is_anatomically_ordered(lite: bytes, name: str) -> None:
    lm = estimate(lite, picture(name))
    assert lm is not None, f"no person found in {name}"
    assert y(lm, NOSE) < y(lm, SHOULDERS) < y(lm, HIPS) < y(lm, KNEES)
    assert y(lm, HIPS) < y(lm, ANKLES)
    assert same_side(lm)
    assert np.all((lm[:, :2] > -0.2) & (lm[:, :2] < 1.2))


@pytest.mark.data
def test_standing_man_has_knees_above_ankles(lite: bytes) -> None:
    lm = estimate(lite, picture("basketball1.png"))
    assert lm is not None
    assert y(lm, KNEES) < y(lm, ANKLES)


@pytest.mark.data
def test_upper_body_portrait(lite: bytes) -> None:
    lm = estimate(lite, picture("astronaut.png"))
    assert lm is not None
    assert y(lm, NOSE) < y(lm, SHOULDERS)
    # Facing the camera: the person's left shoulder is on the image's right.
    assert lm[11, 0] > lm[12, 0]


def test_no_person_no_pose(lite: bytes) -> None:
    rng = np.random.default_rng(0)
    scene = np.full((480, 640, 3), (90, 140, 70), np.uint8)  # a field
    scene[:200] = (230, 180, 120)  # sky
    for _ in range(12):  # trees and rocks
        x, yy, r = int(rng.integers(0, 640)), int(rng.integers(150, 470)), int(rng.integers(10, 60))
        cv2.circle(scene, (x, yy), r, tuple(int(c) for c in rng.integers(20, 120, 3)), -1)
    assert estimate(lite, scene) is None


def make_clip(path: Path, stills: list[np.ndarray], n: int) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (640, 480))
    for i in range(n):
        still = stills[(i // 10) % len(stills)]
        scale = 0.8 + 0.2 * ((i % 10) / 10)
        h, w = still.shape[:2]
        k = min(480 / h, 640 / w) * scale
        small = cv2.resize(still, (int(w * k), int(h * k)))
        frame = np.zeros((480, 640, 3), np.uint8)
        dx = (640 - small.shape[1]) * (i % 10) // 10  # the person moves across the picture
        frame[: small.shape[0], dx : dx + small.shape[1]] = small
        if i % 10 == 9:
            frame[:] = 30  # cut away: an empty frame
        writer.write(frame)
    writer.release()
    return path


@pytest.mark.data
def test_video_from_stills_through_the_threaded_pipeline(lite: bytes, tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "clip.avi", [picture("basketball1.png"), picture("messi5.jpg")], 40)
    bus = SensorBus()
    worker = PoseWorker(CameraCapture(str(clip), every_frame=True), lite)
    worker.start(bus)
    worker.join(timeout_s=60)
    worker.stop()
    assert worker.frames_done == 40
    poses = [p for p in bus.drain() if isinstance(p, PoseFrame)]
    assert 20 <= len(poses) <= 36  # people in most frames, none in the cut-aways
    t = [p.t_host_ns for p in poses]
    assert t == sorted(t) and len(set(t)) == len(t)
    assert all(p.t_infer_ns is not None and p.t_infer_ns > p.t_host_ns for p in poses)
    assert all(p.world is not None and p.world.shape == (33, 3) for p in poses)


@pytest.mark.data
def test_two_zones_find_two_players(lite: bytes) -> None:
    person = picture("basketball1.png")
    h, w = person.shape[:2]
    one = cv2.resize(person, (int(w * 480 / h), 480))
    alone = estimate(lite, one)
    assert alone is not None
    frame = np.zeros((480, 1280, 3), np.uint8)
    expected = []
    for centre in (320, 960):  # the same person twice, side by side
        x0 = centre - one.shape[1] // 2
        frame[:, x0 : x0 + one.shape[1]] = one
        expected.append((x0 + float(alone[HIPS, 0].mean()) * one.shape[1]) / 1280)
    found = []
    for zone in SIDE_BY_SIDE:
        est = PoseEstimator(lite, zone)
        try:
            res = est.estimate(frame, 0)
        finally:
            est.close()
        assert res is not None
        found.append(float(res.landmarks[HIPS, 0].mean()))
    assert found == pytest.approx(expected, abs=0.02)
