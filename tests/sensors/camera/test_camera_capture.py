"""Threaded capture: latest-frame semantics, files as webcams, and cameras that fail."""

from __future__ import annotations

import time
from collections.abc import Callable
from itertools import pairwise
from pathlib import Path

import cv2
import numpy as np

from sensors.bus import SensorBus
from sensors.camera.capture import CameraCapture
from sensors.samples import DeviceState, DeviceStatus


def make_video(path: Path, n: int, fps: float = 30.0, size: tuple[int, int] = (160, 120)) -> Path:
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter.fourcc(*"MJPG"), fps, size)
    assert writer.isOpened()
    for i in range(n):
        img = np.zeros((size[1], size[0], 3), np.uint8)
        cv2.putText(img, str(i), (10, 80), cv2.FONT_HERSHEY_SIMPLEX, 2, (255, 255, 255), 3)
        img[:, : 1 + i % size[0], 2] = 200  # a bar whose width encodes the frame number
        writer.write(img)
    writer.release()
    return path


#: Real seconds to wait for a frame or a condition: generous, so that a busy machine only makes
#: these tests slower. A source that has ended answers at once, whatever the timeout.
PATIENCE_S = 60.0


def statuses(bus: SensorBus) -> list[DeviceStatus]:
    return [s for s in bus.drain() if isinstance(s, DeviceStatus)]


def wait_until(cond: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not cond():
        assert time.monotonic() < deadline, f"{what}: not within {PATIENCE_S:.0f} s"
        time.sleep(0.005)


def test_every_frame_mode_reads_a_file_completely_in_order(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.avi", 45)
    cap = CameraCapture(str(video), every_frame=True)
    cap.start()
    got = []
    last = -1
    while True:
        f = cap.next_frame(last, timeout_s=PATIENCE_S)
        if f is None:
            break
        got.append(f)
        last = f.index
    cap.stop()
    assert [f.index for f in got] == list(range(45))
    ts = [f.t_host_ns for f in got]
    assert ts == sorted(ts) and len(set(ts)) == len(ts)
    assert cap.frames_dropped == 0 and cap.ended


def test_realtime_file_drops_stale_frames_for_a_slow_consumer(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.avi", 60, fps=60.0)
    cap = CameraCapture(str(video))
    cap.start()
    got = []
    last = -1
    while True:
        f = cap.next_frame(last, timeout_s=PATIENCE_S)
        if f is None:
            break
        got.append(f)
        last = f.index

        # A consumer three times slower than the camera: it comes back only after three more frames.
        def three_more(last: int = last) -> bool:
            return cap.frames_read >= last + 4 or cap.ended

        wait_until(three_more, "three more frames")
    cap.stop()
    indices = [f.index for f in got]
    assert indices == sorted(indices)
    assert all(b - a >= 3 for a, b in pairwise(indices[:-1]))  # it got the newest frame each time
    assert len(got) < 40 and cap.frames_dropped > 20  # old frames were skipped, not queued
    assert cap.frames_read == 60


def test_mirror_flips_left_and_right(tmp_path: Path) -> None:
    video = make_video(tmp_path / "clip.avi", 5)
    plain, mirrored = CameraCapture(str(video), every_frame=True), CameraCapture(str(video), every_frame=True, mirror=True)
    frames = []
    for cap in (plain, mirrored):
        cap.start()
        frames.append(cap.next_frame(-1, PATIENCE_S))
        cap.stop()
    assert frames[0] is not None and frames[1] is not None
    np.testing.assert_array_equal(frames[0].image[:, ::-1], frames[1].image)


def test_missing_camera_reports_error_and_retries() -> None:
    opened = []

    class Dead:
        def isOpened(self) -> bool:  # noqa: N802
            return False

        def read(self) -> tuple[bool, np.ndarray | None]:
            return False, None

        def set(self, prop: int, value: float) -> bool:
            return False

        def get(self, prop: int) -> float:
            return 0.0

        def release(self) -> None:
            pass

    def opener(src: int | str) -> Dead:
        opened.append(src)
        return Dead()

    bus = SensorBus()
    cap = CameraCapture(7, retry_s=0.05, opener=opener)
    cap.start(bus)
    wait_until(lambda: len(opened) >= 3, "three attempts to open")
    cap.stop()
    st = statuses(bus)
    assert len(st) == 1 and st[0].state is DeviceState.ERROR  # reported once, not at every retry
    assert "cannot open camera 7" in st[0].message and "plugged in" in st[0].message
    assert len(opened) >= 3  # retried
    assert cap.next_frame(-1, 0.1) is None


def test_missing_video_file_is_named(tmp_path: Path) -> None:
    bus = SensorBus()
    cap = CameraCapture(str(tmp_path / "nope.avi"))
    cap.start(bus)
    assert cap.next_frame(-1, PATIENCE_S) is None  # at once: a missing file ends the source
    cap.stop()
    [st] = statuses(bus)
    assert st.state is DeviceState.ERROR and "nope.avi" in st.message


def test_camera_that_vanishes_mid_stream_is_reported_and_reopened() -> None:
    opens = []

    class Flaky:
        def __init__(self) -> None:
            self.n = 0

        def isOpened(self) -> bool:  # noqa: N802
            return True

        def read(self) -> tuple[bool, np.ndarray | None]:
            self.n += 1
            time.sleep(0.005)
            return (self.n <= 5, np.zeros((4, 4, 3), np.uint8) if self.n <= 5 else None)

        def set(self, prop: int, value: float) -> bool:
            return True

        def get(self, prop: int) -> float:
            return 0.0

        def release(self) -> None:
            pass

    def opener(src: int | str) -> Flaky:
        opens.append(src)
        return Flaky()

    bus = SensorBus()
    cap = CameraCapture(0, retry_s=0.05, opener=opener)
    cap.start(bus)
    wait_until(lambda: len(opens) >= 2 and cap.frames_read >= 10, "reopened and read ten frames")
    cap.stop()
    states = [s.state for s in statuses(bus)]
    assert DeviceState.DISCONNECTED in states
    assert states.count(DeviceState.STREAMING) >= 2  # reopened after the drop
    assert len(opens) >= 2 and cap.frames_read >= 10
