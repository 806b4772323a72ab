"""Pose estimation: MediaPipe Tasks PoseLandmarker (BlazePose, 33 landmarks) on camera frames.

``PoseEstimator`` wraps one landmarker in VIDEO mode (it tracks between frames, so timestamps
must increase). BlazePose finds one person per image, so two players side by side get one
estimator per zone of the frame, and landmarks are mapped back to whole-frame coordinates.
``PoseWorker`` runs on its own thread: it always takes the newest camera frame (never a queue),
estimates, smooths with the One Euro filter and pushes ``PoseFrame``s with both the capture and
the inference-finished time, so capture-to-pose latency is measured, not guessed.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from sensors.bus import SensorBus
from sensors.camera.capture import CameraCapture, Frame
from sensors.camera.one_euro import OneEuroFilter, OneEuroParams
from sensors.clock import ClockNs, now_ns
from sensors.samples import DeviceState, DeviceStatus, PoseFrame

log = logging.getLogger("liike.pose")

#: The whole frame, or two halves for two players side by side (fractions of the width).
WHOLE: tuple[tuple[float, float], ...] = ((0.0, 1.0),)
SIDE_BY_SIDE: tuple[tuple[float, float], ...] = ((0.0, 0.5), (0.5, 1.0))


@dataclass(frozen=True, slots=True)
class PoseResult:
    """``landmarks``: (33, 4) x, y in 0..1 of the whole frame, z, visibility; ``world``: (33, 3) m."""

    landmarks: np.ndarray
    world: np.ndarray | None


class PoseEstimator:
    """One MediaPipe PoseLandmarker in VIDEO mode, for one zone of the frame."""

    def __init__(
        self,
        model: bytes | Path,
        zone: tuple[float, float] = (0.0, 1.0),
        min_detection: float = 0.5,
        min_presence: float = 0.5,
        min_tracking: float = 0.5,
    ) -> None:
        from mediapipe.tasks.python import BaseOptions, vision

        base = BaseOptions(model_asset_buffer=model) if isinstance(model, bytes) else BaseOptions(model_asset_path=str(model))
        options = vision.PoseLandmarkerOptions(
            base_options=base,
            running_mode=vision.RunningMode.VIDEO,
            num_poses=1,
            min_pose_detection_confidence=min_detection,
            min_pose_presence_confidence=min_presence,
            min_tracking_confidence=min_tracking,
        )
        self._landmarker = vision.PoseLandmarker.create_from_options(options)
        self.zone = zone
        self._last_ms = -1

    def estimate(self, image_bgr: np.ndarray, t_ms: int) -> PoseResult | None:
        """Landmarks of the person in this zone, or None when nobody is found."""
        import mediapipe as mp

        t_ms = max(int(t_ms), self._last_ms + 1)  # VIDEO mode refuses non-increasing times
        self._last_ms = t_ms
        w = image_bgr.shape[1]
        x0, x1 = round(self.zone[0] * w), round(self.zone[1] * w)
        crop = np.ascontiguousarray(cv2.cvtColor(image_bgr[:, x0:x1], cv2.COLOR_BGR2RGB))
        result = self._landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=crop), t_ms)
        if not result.pose_landmarks:
            return None
        lm = np.array(
            [[p.x, p.y, p.z, p.visibility if p.visibility is not None else 0.0] for p in result.pose_landmarks[0]],
            dtype=np.float32,
        )
        scale = (x1 - x0) / w
        lm[:, 0] = x0 / w + lm[:, 0] * scale
        lm[:, 2] *= scale
        world = None
        if result.pose_world_landmarks:
            world = np.array([[p.x, p.y, p.z] for p in result.pose_world_landmarks[0]], dtype=np.float32)
        return PoseResult(lm, world)

    def close(self) -> None:
        self._landmarker.close()


class PoseWorker:
    """Runs estimators on the newest frame of a capture and publishes pose frames."""

    def __init__(
        self,
        capture: CameraCapture,
        model: bytes | Path,
        zones: Sequence[tuple[float, float]] = WHOLE,
        smoothing: OneEuroParams | None = OneEuroParams(),
        clock: ClockNs = now_ns,
    ) -> None:
        self.capture = capture
        self.model = model
        self.zones = tuple(zones)
        self.smoothing = smoothing
        self._clock = clock
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._bus: SensorBus | None = None
        self.inference_ms: list[float] = []
        self.latency_ms: list[float] = []
        self.frames_done = 0
        self.error: str | None = None
        self.name = f"pose:{capture.name}"

    def start(self, bus: SensorBus) -> None:
        if self._thread is not None:
            return
        self._bus = bus
        self.capture.start(bus)
        self._thread = threading.Thread(target=self._run, name="liike-pose", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self.capture.stop()
        if self._thread is not None:
            self._thread.join(timeout=3.0)

    def join(self, timeout_s: float | None = None) -> None:
        """Wait until the source has ended and every frame taken was processed (files)."""
        if self._thread is not None:
            self._thread.join(timeout_s)

    def _run(self) -> None:
        assert self._bus is not None
        try:
            estimators = [PoseEstimator(self.model, zone) for zone in self.zones]
        except Exception as exc:  # mediapipe raises RuntimeError/ValueError for unusable models
            self.error = f"cannot start pose estimation: {exc}"
            log.error("%s", self.error)
            self._bus.push(DeviceStatus(self._clock(), self.name, "camera", DeviceState.ERROR, self.error))
            return
        filters = [OneEuroFilter(self.smoothing) if self.smoothing else None for _ in self.zones]
        last = -1
        try:
            while not self._stop.is_set():
                frame = self.capture.next_frame(last, timeout_s=0.5)
                if frame is None:
                    if self.capture.ended:
                        return
                    continue
                last = frame.index
                self._process(frame, estimators, filters)
        except Exception as exc:  # never die silently: the game must show that pose stopped
            self.error = f"pose estimation stopped: {exc}"
            log.exception("%s", self.error)
            self._bus.push(DeviceStatus(self._clock(), self.name, "camera", DeviceState.ERROR, self.error))
        finally:
            for est in estimators:
                est.close()

    def _process(self, frame: Frame, estimators: list[PoseEstimator], filters: list[OneEuroFilter | None]) -> None:
        assert self._bus is not None
        t0 = time.perf_counter()
        t_ms = frame.t_host_ns // 1_000_000
        for player, (est, filt) in enumerate(zip(estimators, filters, strict=True)):
            res = est.estimate(frame.image, t_ms)
            if res is None:
                if filt is not None:
                    filt.reset()
                continue
            lm = res.landmarks
            if filt is not None:
                smoothed = filt(frame.t_host_ns, lm[:, :3])
                lm = np.column_stack([smoothed, lm[:, 3]])
            done = self._clock()
            self._bus.push(
                PoseFrame(
                    t_host_ns=frame.t_host_ns,
                    source=self.capture.name,
                    landmarks=lm,
                    world=res.world,
                    t_infer_ns=done,
                    player=player,
                )
            )
            self.latency_ms.append((done - frame.t_host_ns) / 1e6)
        self.inference_ms.append((time.perf_counter() - t0) * 1000)
        self.frames_done += 1
