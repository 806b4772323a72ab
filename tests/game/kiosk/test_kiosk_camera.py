"""A webcam that fails and does not come back by itself: the kiosk shows out of order, restarts
the camera's source after its wait, and goes on once the new one streams."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from game.engine.sources import InputSetup
from game.kiosk import run as kiosk_run_module
from game.kiosk.config import KioskConfig
from game.kiosk.runtime import CAMERA_RESTART_AFTER_S
from sensors.bus import SensorBus
from sensors.samples import DeviceState, DeviceStatus
from tests.game.kiosk.kiosk_runs import kiosk_run


class Capture:
    def latest(self) -> None:
        return None  # no picture to show: the admin screen draws its empty panel


class FakeCamera:
    """A pose worker on a webcam: the first one fails at once and stays failed (a USB reset that
    its own retries do not get over); every later one streams."""

    built: list[FakeCamera] = []

    def __init__(self) -> None:
        self.name = "cam0"
        self.capture = Capture()
        self.started = self.stopped = False
        FakeCamera.built.append(self)

    def start(self, bus: SensorBus) -> None:
        self.started = True
        first = FakeCamera.built[0] is self
        state = DeviceState.ERROR if first else DeviceState.STREAMING
        bus.push(DeviceStatus(0, self.name, "camera", state, "camera 0 stopped delivering frames" if first else "camera open"))

    def stop(self) -> None:
        self.stopped = True


def test_a_camera_that_stays_lost_is_restarted_and_the_kiosk_goes_on(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    FakeCamera.built = []

    def fake_inputs(config: Any, emulated: Any = None) -> InputSetup:
        cam = FakeCamera()
        return InputSetup([cam], "camera 0 + keyboard", preview=cam.capture.latest)

    monkeypatch.setattr(kiosk_run_module, "build_inputs", fake_inputs)
    result, kiosk, trace = kiosk_run(tmp_path, CAMERA_RESTART_AFTER_S + 5.0, kcfg=KioskConfig(), input="camera")
    names = trace.names()
    assert names[:3] == ["AttractScene", "OutOfOrderScene", "AttractScene"], names
    t_back = [t for t, n in trace.screens if n == "AttractScene"][1]
    assert CAMERA_RESTART_AFTER_S <= t_back <= CAMERA_RESTART_AFTER_S + 1.0
    # One camera built for the kiosk, one by the restart; the failed one was stopped and the new
    # one ran until the kiosk ended.
    first, second = FakeCamera.built
    assert first.stopped and second.started and second.stopped
    assert result["camera_restart_attempts"] == 1 and result["restarts_of_camera"] == 1
    assert not kiosk.camera.lost
