"""Choosing input sources for ``--input auto|keyboard|sim|camera``.

The keyboard always works. ``sim`` adds the simulated player (demos, fair stands, tests).
``camera`` uses the webcam (or ``--camera FILE``, a video standing in for one) with the pose
model. ``ble`` uses the allow-listed Bluetooth sensors (``liike sensors allow``). ``auto`` uses
whatever is present: a webcam, and the allow-listed Bluetooth sensors; a sensor that is absent
shows its status on screen while the game goes on with the other inputs, and the keyboard
always works.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.engine.config import AppConfig
from game.engine.context import Autopilot, Preview, Steer
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import ClockNs, now_ns
from sensors.source import Source

if TYPE_CHECKING:
    from sensors.camera.pose import PoseWorker

log = logging.getLogger("liike.inputs")


@dataclass(frozen=True)
class EmulatedBle:
    """An emulated Bluetooth room for demonstrations and tests (built by the command line's
    hidden ``--emulate-ble``; the engine never imports the emulation): the bleak backends to
    reach it and the sensors to use when the allow-list is empty."""

    backends: Any
    sensors: tuple[AllowedSensor, ...] = ()


@dataclass
class InputSetup:
    sources: list[Source]
    label: str
    autopilot: Autopilot | None = None
    preview: Preview | None = None
    steer: Steer | None = None


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


def _camera_source(config: AppConfig, camera: int | str) -> PoseWorker | None:
    from sensors.camera.capture import CameraCapture
    from sensors.camera.models import ModelError, load_model_bytes
    from sensors.camera.pose import SIDE_BY_SIDE, WHOLE, PoseWorker

    try:
        model = load_model_bytes(config.model)
    except ModelError as exc:
        log.error("pose is off: %s", exc)
        return None
    # Two players side by side: one pose estimate per half of the picture (BlazePose finds one person).
    return PoseWorker(CameraCapture(camera), model, zones=SIDE_BY_SIDE if config.players == 2 else WHOLE)


def _ble_source(config: AppConfig, emulated: EmulatedBle | None) -> tuple[Source | None, str]:
    """The Bluetooth source for the allow-listed sensors, or None with the reason."""
    from sensors.ble import allowlist

    try:
        sensors = allowlist.load(config.sensors_file)
    except allowlist.AllowListError as exc:
        log.error("Bluetooth sensors are off: %s", exc)
        return None, "Bluetooth allow-list unreadable"
    if emulated is not None and not sensors:
        sensors = list(emulated.sensors)
    if not sensors:
        return None, "no Bluetooth sensors allowed yet (`liike sensors scan`, then `liike sensors allow ADDRESS`)"
    from sensors.ble.service import BleSource

    backends = emulated.backends if emulated is not None else None
    labels = ", ".join(s.display for s in sensors[:3]) + (" ..." if len(sensors) > 3 else "")
    return BleSource(sensors, backends=backends), f"Bluetooth ({labels})"


def build_inputs(
    config: AppConfig, emulated: EmulatedBle | None = None, *, clock: ClockNs = now_ns, threaded: bool = True
) -> InputSetup:
    """The sources of ``config.input``. ``clock`` and ``threaded`` are the simulated player's:
    a run on a virtual clock steps it once a frame instead of running it on a thread."""
    if config.input == "sim" and config.players == 2:
        from sensors.sim.pair import SimulatedPairSource

        pair = SimulatedPairSource(seed=config.seed, clock=clock, threaded=threaded)
        return InputSetup([pair], "two simulated players + keyboard", pair.inject, steer=pair.steer)
    if config.input == "sim":
        from sensors.sim import FITNESS_VO2MAX, BodyParams, SimulatedSource

        body = BodyParams(vo2max_ml_kg_min=FITNESS_VO2MAX[config.sim_fitness])
        sim = SimulatedSource(seed=config.seed, body=body, clock=clock, threaded=threaded)
        return InputSetup([sim], "simulated player + keyboard", sim.inject, steer=sim.steer)
    if config.input == "keyboard":
        return InputSetup([], "keyboard")
    sources: list[Source] = []
    labels: list[str] = []
    preview: Preview | None = None
    if config.input in ("auto", "ble"):
        ble, why = _ble_source(config, emulated)
        if ble is not None:
            sources.append(ble)
            labels.append(why)
        elif config.input == "ble":
            log.warning("%s; playing with the keyboard", why)
    if config.input in ("auto", "camera"):
        camera: int | str | None = config.camera
        if camera is None and (config.input == "camera" or camera_present(0)):
            camera = 0
        if camera is not None:
            source = _camera_source(config, camera)
            if source is not None:
                sources.append(source)
                labels.append(f"camera {camera}")
                preview = source.capture.latest
            else:
                labels.append("no pose (the model could not be loaded)")
    if not sources:
        reason = (
            labels[0]
            if labels
            else (
                "no camera or motion sensor found"
                if config.input == "auto"
                else "no Bluetooth sensors allowed yet"
                if config.input == "ble"
                else "no input"
            )
        )
        return InputSetup([], f"keyboard ({reason})")
    return InputSetup(sources, " + ".join(labels + ["keyboard"]), preview=preview)
