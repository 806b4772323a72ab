"""Threaded camera capture with latest-frame semantics.

One thread per camera reads frames as fast as the device delivers them and keeps only the
newest: a consumer that falls behind (pose inference, a stalled game) gets the freshest frame,
never a queue of stale ones, so latency does not build up. Every frame is stamped with the
shared monotonic clock when it is read.

A camera that cannot be opened, or that stops delivering, is reported on the SensorBus as a
``DeviceStatus`` with advice, released and retried every ``retry_s``; the game goes on with its
other inputs. A video file stands in for a webcam: played at its own frame rate it behaves like
a live camera; with ``every_frame=True`` (offline analysis) no frame is skipped and the reader
waits for the consumer instead.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from sensors.bus import SensorBus
from sensors.clock import ClockNs, now_ns
from sensors.samples import DeviceState, DeviceStatus

log = logging.getLogger("liike.camera")

# OpenCV prints its own warnings for every failed open attempt (and we retry every few
# seconds); this module reports each problem once, with advice, as a DeviceStatus instead.
cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)


class VideoSource(Protocol):
    """What capture needs of ``cv2.VideoCapture`` (a seam for tests)."""

    def isOpened(self) -> bool: ...  # noqa: N802 - OpenCV's name

    def read(self) -> tuple[bool, np.ndarray | None]: ...

    def set(self, prop: int, value: float, /) -> bool: ...

    def get(self, prop: int, /) -> float: ...

    def release(self) -> None: ...


@dataclass(frozen=True, slots=True)
class Frame:
    """One camera picture. ``image``: BGR uint8 (H, W, 3), mirrored if asked for.
    ``index``: frames read from this source so far (0-based). ``t_host_ns``: read time."""

    index: int
    t_host_ns: int
    image: np.ndarray
    source: str


def open_video(source: int | str) -> VideoSource:
    """``cv2.VideoCapture(source)``: a camera index or a video file."""
    return cv2.VideoCapture(source)


def source_name(source: int | str) -> str:
    return f"camera:{source}" if isinstance(source, int) else f"video:{Path(str(source)).name}"


class CameraCapture:
    def __init__(
        self,
        source: int | str,
        *,
        width: int | None = None,
        height: int | None = None,
        fps: float | None = None,
        mirror: bool = False,
        every_frame: bool = False,
        realtime: bool | None = None,
        retry_s: float = 2.0,
        clock: ClockNs = now_ns,
        opener: Callable[[int | str], VideoSource] = open_video,
    ) -> None:
        self.source = source
        self.name = source_name(source)
        self.width, self.height, self.fps = width, height, fps
        self.mirror = mirror
        self.every_frame = every_frame
        is_file = not isinstance(source, int)
        # A file played in real time behaves like a webcam; offline analysis reads it flat out.
        self.realtime = (is_file and not every_frame) if realtime is None else realtime
        self.is_file = is_file
        self.retry_s = retry_s
        self._clock = clock
        self._opener = opener
        self._bus: SensorBus | None = None
        self._cond = threading.Condition()
        self._latest: Frame | None = None
        self._taken_index = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_read = 0
        self.frames_dropped = 0
        self.ended = False
        self.last_error: str | None = None
        self._last_status: tuple[DeviceState, str] | None = None

    # -- lifecycle -------------------------------------------------------------------------------
    def start(self, bus: SensorBus | None = None) -> None:
        if self._thread is not None:
            return
        self._bus = bus
        self._thread = threading.Thread(target=self._run, name=f"liike-{self.name}", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=2.0)

    # -- consumer side ---------------------------------------------------------------------------
    def latest(self) -> Frame | None:
        """The newest frame, without waiting (None before the first)."""
        with self._cond:
            return self._latest

    def next_frame(self, after_index: int, timeout_s: float = 1.0) -> Frame | None:
        """The newest frame with an index above ``after_index``; waits up to ``timeout_s``.
        Returns None on timeout, or once the source has ended and everything was taken."""
        deadline = time.monotonic() + timeout_s
        with self._cond:
            while True:
                f = self._latest
                if f is not None and f.index > after_index:
                    self._taken_index = f.index
                    self._cond.notify_all()
                    return f
                if self.ended or self._stop.is_set():
                    return None
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self._cond.wait(left)

    # -- reader thread ---------------------------------------------------------------------------
    def _status(self, state: DeviceState, message: str) -> None:
        # Retries repeat the same failure every few seconds: report each change once.
        if (state, message) == self._last_status:
            return
        self._last_status = (state, message)
        if state in (DeviceState.ERROR, DeviceState.DISCONNECTED, DeviceState.STALE):
            self.last_error = message
            log.warning("%s: %s", self.name, message)
        if self._bus is not None:
            self._bus.push(DeviceStatus(self._clock(), self.name, "camera", state, message))

    def _open(self) -> VideoSource | None:
        cap = self._opener(self.source)
        if not cap.isOpened():
            cap.release()
            if self.is_file:
                what = f"cannot open video {self.source}: check the path and that the file is a video OpenCV can read"
            else:
                what = (
                    f"cannot open camera {self.source}: check it is plugged in and not used by another "
                    f"program; retrying every {self.retry_s:.0f} s"
                )
            self._status(DeviceState.ERROR, what)
            return None
        if self.width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, self.width)
        if self.height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, self.height)
        if self.fps:
            cap.set(cv2.CAP_PROP_FPS, self.fps)
        self._status(DeviceState.STREAMING, "camera open")
        return cap

    def _run(self) -> None:
        while not self._stop.is_set():
            cap = self._open()
            if cap is None:
                if self.is_file:
                    break  # a missing file will not appear by waiting
                self._stop.wait(self.retry_s)
                continue
            try:
                if self._read_loop(cap):
                    break
            finally:
                cap.release()
            if not self._stop.is_set():
                self._status(
                    DeviceState.DISCONNECTED, f"{self.name} stopped delivering frames; retrying every {self.retry_s:.0f} s"
                )
                self._stop.wait(self.retry_s)
        with self._cond:
            self.ended = True
            self._cond.notify_all()

    def _read_loop(self, cap: VideoSource) -> bool:
        """Read until the source fails (False: retry) or a file ends / stop (True: done)."""
        period_s = 0.0
        if self.realtime:
            file_fps = float(cap.get(cv2.CAP_PROP_FPS) or 0.0)
            period_s = 1.0 / (self.fps or file_fps or 30.0)
        t_next = time.monotonic()
        while not self._stop.is_set():
            if self.every_frame:
                with self._cond:  # offline: wait until the consumer has taken the last frame
                    while self._latest is not None and self._taken_index < self._latest.index and not self._stop.is_set():
                        self._cond.wait(0.5)
            ok, image = cap.read()
            t = self._clock()
            if not ok or image is None:
                if self.is_file:
                    self._status(DeviceState.DISCONNECTED, "end of video")
                    return True
                return False
            if self.mirror:
                image = cv2.flip(image, 1)
            with self._cond:
                if self._latest is not None and self._taken_index < self._latest.index:
                    self.frames_dropped += 1
                self._latest = Frame(self.frames_read, t, image, self.name)
                self.frames_read += 1
                self._cond.notify_all()
            if period_s:
                t_next += period_s
                delay = t_next - time.monotonic()
                if delay > 0:
                    self._stop.wait(delay)
                else:
                    t_next = time.monotonic()
        return True
