"""Choosing input sources for ``--input auto|keyboard|sim|camera``.

The keyboard always works. ``sim`` adds the simulated player (demos, fair stands, tests).
``camera`` uses the webcam (or ``--camera FILE``, a video standing in for one) with the pose
model. ``auto`` uses the motion sensors that are present (a webcam today; BLE sensors once
configured) and otherwise falls back to the keyboard, saying so.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from game.config import AppConfig
from game.context import Autopilot, Preview
from sensors.source import Source

if TYPE_CHECKING:
    from sensors.camera.pose import PoseWorker

log = logging.getLogger("liike.inputs")


@dataclass
class InputSetup:
    sources: list[Source]
    label: str
    autopilot: Autopilot | None = None
    preview: Preview | None = None


def camera_present(index: int = 0) -> bool:
    """Whether a webcam can be opened, without the OpenCV warnings a missing one prints."""
    if sys.platform.startswith("linux") and not Path(f"/dev/video{index}").exists():
        return False
    import cv2

    cap = cv2.VideoCapture(index)
    try:
        return bool(cap.isOpened())
    finally:
        cap.release()


def _camera_source(config: AppConfig, camera: int | str) -> "PoseWorker | None":
    from sensors.camera.capture import CameraCapture
    from sensors.camera.models import ModelError, load_model_bytes
    from sensors.camera.pose import PoseWorker

    try:
        model = load_model_bytes(config.model)
    except ModelError as exc:
        log.error("pose is off: %s", exc)
        return None
    return PoseWorker(CameraCapture(camera), model)


def build_inputs(config: AppConfig) -> InputSetup:
    if config.input == "sim":
        from sensors.sim import SimulatedSource

        sim = SimulatedSource(seed=config.seed)
        return InputSetup([sim], "simulated player + keyboard", sim.inject)
    if config.input == "keyboard":
        return InputSetup([], "keyboard")
    camera: int | str | None = config.camera
    if camera is None and (config.input == "camera" or camera_present(0)):
        camera = 0
    if camera is not None:
        source = _camera_source(config, camera)
        if source is not None:
            return InputSetup([source], f"camera {camera} + keyboard", preview=source.capture.latest)
        return InputSetup([], "keyboard (the pose model could not be loaded)")
    return InputSetup([], "keyboard (no camera or motion sensor found)")
