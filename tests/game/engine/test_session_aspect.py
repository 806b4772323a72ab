"""The game's motion tracker reads landmarks in the camera picture's own shape."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from game.engine.run import WEBCAM_ASPECT_WH, build_tracker
from sensors.samples import PoseFrame


def _frame(t_ns: int) -> PoseFrame:
    lm = np.zeros((33, 4), np.float32)
    lm[:, 3] = 0.9
    return PoseFrame(t_host_ns=t_ns, source="camera:0", landmarks=lm)


def test_without_a_camera_the_tracker_assumes_a_4_3_picture() -> None:
    assert build_tracker().image_aspect_wh == WEBCAM_ASPECT_WH == 4 / 3


def test_the_camera_picture_sets_the_aspect_once_it_arrives() -> None:
    latest: list[object] = [None]
    tracker = build_tracker(lambda: latest[0])
    tracker.feed(_frame(1))
    assert tracker.image_aspect_wh == 4 / 3  # no picture yet
    latest[0] = SimpleNamespace(image=np.zeros((720, 1280, 3), np.uint8))
    tracker.feed(_frame(2))
    assert tracker.image_aspect_wh == 16 / 9
    latest[0] = SimpleNamespace(image=np.zeros((480, 640, 3), np.uint8))
    tracker.feed(_frame(3))
    assert tracker.image_aspect_wh == 16 / 9  # asked until it answers, then kept
