"""One player's motion from every stream: events plus a continuous :class:`MotionState`.

:class:`MotionTracker` takes whatever comes off the SensorBus (``feed(item)``), runs the pose
and IMU detectors, arbitrates between the sources and keeps the state the game reads.

Source arbitration: pose is the primary source while it is *fresh* (a usable frame, hips,
knees and ankles visible, within the last ``pose_fresh_s`` = 0.5 s); the IMU fills in when the
player leaves the camera's view or no camera is used. An IMU event at time t is accepted only
if no usable pose frame lies in (t - pose_fresh_s, t], and any event closer than the kind's
``DEDUP_S`` window to an already reported event of the same kind is dropped, so a step or
jump seen by both sources around a hand-over is reported once. Both detectors keep running
all the time so the one taking over is already warmed up.

A jump gives two events: ``takeoff`` while the player is in the air (pose: the airborne edge;
IMU: a confirmed free fall after a fast push-off), for the game to answer at once, and ``jump``
at landing with the height. Both follow the same arbitration and de-duplication.

IMU streams from non-trunk placements are ignored by the step and jump detectors, which assume
a trunk sensor. With several trunk IMUs, the one that has fed most recently within
``pose_fresh_s`` stays in charge. Two more readings come from IMUs while pose is not fresh:

- An IMU on an arm (:data:`ARM_PLACEMENTS`) gives ``arm_swing`` events, one per repetition
  of the arm's movement (:class:`~sensors.motion.reps.RepCounter`, 10-60 a minute, each
  reported about one period after it): a wrist cannot tell a double-pole swing from another
  repeated arm movement, so every repetition counts. Magnitude 1.0 (the hand's speed is not
  measured).
- The trunk IMU in charge gives ``lean`` (:class:`TrunkLean`): the sideways tilt of "up" in
  the sensor's frame from the posture it started in.
"""

from __future__ import annotations

import collections
from collections.abc import Callable

from sensors.clock import NS_PER_S
from sensors.motion.cadence import CadenceEstimator
from sensors.motion.calibration import Calibration
from sensors.motion.events import MotionEvent, MotionState
from sensors.motion.imu_detectors import SLOW_CADENCE_SPM, TRUNK_PLACEMENTS, ImuMotionDetector
from sensors.motion.pose_detectors import PoseMotionDetector
from sensors.motion.reps import RepCounter
from sensors.samples import ImuBatch, PoseFrame

#: Placements on an arm, whose repetitions count as double-pole arm swings.
ARM_PLACEMENTS = frozenset({"wrist", "forearm", "hand", "upper_arm", "arm"})


class TrunkLean:
    """Sideways lean of the trunk from a trunk IMU's accelerometer: -1 (left) .. 1 (right).

    Sensor frame assumed: x to the wearer's left, y up the trunk, z forward (the frame of the
    simulated player's sensors, :mod:`sensors.sim.player`; a sensor worn so must be mounted so).
    "Up" in that frame is the accelerometer's direction, low-passed with time constant
    ``tau_s`` (0.3 s: steering answers within a few tenths of a second while the bounce of a
    step averages out). Leaning right by an angle a tilts the sensor so that "up" gains
    sin(a) along x; the reading is that change from the baseline (the mean direction over the
    first ``baseline_s`` of data, then followed with time constant ``baseline_tau_s``, so a
    slipped mount is forgotten within minutes while a lean held for seconds is not), divided
    by ``full_scale`` = sin(30 deg), the scale of
    :class:`~sensors.motion.pose_detectors.PoseMotionDetector`, and clipped to -1..1. Forward
    lean (double poling, a tuck) moves "up" along z and leaves the reading alone.
    """

    def __init__(
        self, *, tau_s: float = 0.3, baseline_s: float = 2.0, baseline_tau_s: float = 300.0, full_scale: float = 0.5
    ) -> None:
        self.tau_s, self.baseline_s, self.baseline_tau_s, self.full_scale = tau_s, baseline_s, baseline_tau_s, full_scale
        self._up_x = 0.0
        self._base_x = 0.0
        self._seen_s = 0.0

    def update(self, batch: ImuBatch) -> float:
        """Take one batch; return the lean after it."""
        acc = batch.acc_g
        norm = (acc[:, 0] ** 2 + acc[:, 1] ** 2 + acc[:, 2] ** 2) ** 0.5
        ok = norm > 0.5  # free fall and dropouts tell nothing of the direction of "up"
        if ok.any():
            x = float((acc[ok, 0] / norm[ok]).mean())
            dt = batch.n_values / batch.rate_hz
            if self._seen_s == 0.0:
                self._up_x = self._base_x = x
            elif self._seen_s < self.baseline_s:
                self._base_x += (x - self._base_x) * dt / (self._seen_s + dt)
            else:
                self._base_x += (x - self._base_x) * min(1.0, dt / self.baseline_tau_s)
            self._up_x += (x - self._up_x) * min(1.0, dt / self.tau_s)
            self._seen_s += dt
        return self.lean

    @property
    def lean(self) -> float:
        return max(-1.0, min(1.0, (self._up_x - self._base_x) / self.full_scale))


class MotionTracker:
    """Motion events and state for one player from pose frames and trunk IMU batches.

    ``feed(item)`` accepts a :class:`PoseFrame` (of ``player``), an :class:`ImuBatch`, or
    anything else (ignored) and returns the newly recognised events, oldest first.
    ``state`` is valid at the latest sample time seen: ``cadence_spm`` from the accepted steps
    (fades to 0 within ``cadence_timeout_s`` after the last step), ``crouch``/``arms_up``/``side``
    from pose (0 / False when pose is not fresh: a trunk IMU cannot tell), ``lean`` from pose,
    else from the trunk IMU in charge (:class:`TrunkLean`), ``airborne`` from the active source.
    Jumping jacks, punches and arms up come from pose only; arm swings from pose, or from an IMU
    on an arm while pose is not fresh.

    ``image_aspect_wh``: width / height of the camera picture the landmarks were normalised in
    (MediaPipe divides x by the width and y by the height; a 4:3 picture read as square makes
    the legs look 25 % less far apart). ``aspect_source``: when the picture size is only known
    once the camera runs, a callable returning it (or None while unknown), asked at each pose
    frame until it answers.
    """

    #: Same-kind events closer than this (s) are one physical movement seen twice.
    DEDUP_S = {
        "step": 0.2,
        "takeoff": 0.8,
        "jump": 0.8,
        "squat": 1.0,
        "jumping_jack": 0.4,
        "arms_up": 0.2,
        "punch": 0.1,
        "arm_swing": 0.4,
        "sidestep_left": 0.3,
        "sidestep_right": 0.3,
    }

    def __init__(
        self,
        *,
        player: int = 0,
        pose_fresh_s: float = 0.5,
        image_aspect_wh: float = 1.0,
        cadence_timeout_s: float = 2.0,
        aspect_source: Callable[[], float | None] | None = None,
    ) -> None:
        self.player = player
        self._aspect_source = aspect_source
        self.pose_fresh_ns = int(pose_fresh_s * NS_PER_S)
        self.pose = PoseMotionDetector(aspect_wh=image_aspect_wh)
        self.imu: dict[str, ImuMotionDetector] = {}
        self._cadence = CadenceEstimator(max_gap_s=cadence_timeout_s, latency_s=0.5)
        self.reset()

    def reset(self) -> None:
        """Forget everything: baselines, detectors, history, calibration (e.g. a new player steps in)."""
        self.calibration: Calibration | None = None
        self.pose.reset()
        sq, pose = self.pose.squats, self.pose
        sq.enter_depth, sq.min_depth, sq.exit_depth = 0.10, 0.15, 0.06  # the detectors' defaults
        pose.arms.on, pose.arms.off, pose.jacks.arms_up = 0.5, 0.3, 0.5
        self.imu.clear()
        self.arm_reps: dict[str, RepCounter] = {}
        self._leans: dict[str, TrunkLean] = {}
        self._cadence.reset()
        self._now_ns = 0
        self._active_imu: str | None = None
        self._imu_last_ns: dict[str, int] = {}
        # Spans of pose coverage [first, last usable frame] with gaps < pose_fresh between frames.
        self._pose_spans: collections.deque[list[int]] = collections.deque(maxlen=64)
        self._recent: collections.deque[MotionEvent] = collections.deque(maxlen=32)

    def apply_calibration(self, cal: Calibration) -> None:
        """Use a player's calibration: their standing posture as the pose baseline, the picture's
        aspect, and thresholds scaled to their range of motion where it is smaller than the
        defaults assume (a player who squats to 25 % of hip height, or cannot lift the hands
        above the head, still gets squats and arms-up recognised). Kept until :meth:`reset`."""
        self.calibration = cal
        pose = self.pose
        pose.aspect_wh = cal.aspect_wh
        pose.baseline.calibrate(cal.floor_y, cal.hip_height, cal.trunk_len)
        sq = pose.squats
        sq.enter_depth, sq.min_depth, sq.exit_depth = 0.10, 0.15, 0.06
        if cal.deepest_squat is not None:
            # Defaults hold for a squat of ~0.3 or deeper; shallower ranges scale them down.
            sq.enter_depth = min(0.10, 0.35 * cal.deepest_squat)
            sq.min_depth = min(0.15, 0.5 * cal.deepest_squat)
            sq.exit_depth = min(0.06, 0.2 * cal.deepest_squat)
        on = 0.5
        if cal.highest_reach is not None and cal.highest_reach > 0:
            on = min(0.5, 0.7 * cal.highest_reach)
        pose.arms.on, pose.arms.off, pose.jacks.arms_up = on, 0.6 * on, on

    # -- arbitration -------------------------------------------------------------------------

    def pose_fresh(self, t_ns: int | None = None) -> bool:
        """A usable pose frame lies in (t - pose_fresh_s, t] (default t: latest sample time)."""
        t = self._now_ns if t_ns is None else t_ns
        for first, last in reversed(self._pose_spans):
            if first <= t and last > t - self.pose_fresh_ns:
                return True
            if last <= t - self.pose_fresh_ns:
                break
        return False

    def _duplicate(self, e: MotionEvent) -> bool:
        window = int(self.DEDUP_S.get(e.kind, 0.2) * NS_PER_S)
        return any(r.kind == e.kind and abs(r.t_ns - e.t_ns) < window for r in self._recent)

    def _accept(self, events: list[MotionEvent], from_pose: bool) -> list[MotionEvent]:
        out: list[MotionEvent] = []
        for e in events:
            if not from_pose and self.pose_fresh(e.t_ns):
                continue
            if self._duplicate(e):
                continue
            self._recent.append(e)
            if e.kind == "step":
                self._cadence.add_step(e.t_ns)
            out.append(e)
        return out

    # -- input -------------------------------------------------------------------------------

    def feed(self, item: object) -> list[MotionEvent]:
        if isinstance(item, PoseFrame):
            return self._feed_pose(item)
        if isinstance(item, ImuBatch):
            return self._feed_imu(item)
        return []

    @property
    def image_aspect_wh(self) -> float:
        return self.pose.aspect_wh

    def _feed_pose(self, frame: PoseFrame) -> list[MotionEvent]:
        if frame.player != self.player:
            return []
        if self._aspect_source is not None:
            aspect = self._aspect_source()
            if aspect is not None and aspect > 0:
                self.pose.aspect_wh, self._aspect_source = aspect, None
        t = frame.t_host_ns
        last = self.pose.last_usable_ns
        if last is not None and t <= last:
            return []  # repeated or out-of-order frame
        events = self.pose.update(frame)
        self._now_ns = max(self._now_ns, t)
        if self.pose.last_usable_ns == t:
            spans = self._pose_spans
            if spans and t - spans[-1][1] < self.pose_fresh_ns:
                spans[-1][1] = t
            else:
                spans.append([t, t])
        return self._accept(events, from_pose=True)

    def _feed_imu(self, batch: ImuBatch) -> list[MotionEvent]:
        placement = batch.placement.lower()
        if placement in ARM_PLACEMENTS and batch.n_values > 0:
            return self._feed_arm_imu(batch)
        if placement not in TRUNK_PLACEMENTS or batch.n_values == 0:
            return []
        src = batch.source
        det = self.imu.get(src)
        if det is None:
            det = self.imu[src] = ImuMotionDetector()
        self._leans.setdefault(src, TrunkLean()).update(batch)
        events = det.update(batch)
        t_last = int(batch.t_first_ns + round((batch.n_values - 1) * 1e9 / batch.rate_hz))
        self._now_ns = max(self._now_ns, t_last)
        active = self._active_imu
        if active is None or active == src or t_last - self._imu_last_ns.get(active, 0) > self.pose_fresh_ns:
            self._active_imu = src
        self._imu_last_ns[src] = t_last
        if self._active_imu != src:
            return []
        return self._accept(events, from_pose=False)

    def _feed_arm_imu(self, batch: ImuBatch) -> list[MotionEvent]:
        counter = self.arm_reps.get(batch.source)
        if counter is None:
            counter = self.arm_reps[batch.source] = RepCounter()
        reps = counter.update(batch)
        t_last = int(batch.t_first_ns + round((batch.n_values - 1) * 1e9 / batch.rate_hz))
        self._now_ns = max(self._now_ns, t_last)
        swings = [MotionEvent(e.t_ns, "arm_swing", e.confidence, 1.0, e.source) for e in reps]
        return self._accept(swings, from_pose=False)

    # -- state -------------------------------------------------------------------------------

    @property
    def state(self) -> MotionState:
        now = self._now_ns
        fresh = self.pose_fresh(now)
        arms_up, side = False, 0.0
        if fresh:
            airborne, crouch, lean = self.pose.airborne, self.pose.crouch, self.pose.lean
            arms_up, side = self.pose.arms_up, self.pose.side
        else:
            det = self.imu.get(self._active_imu) if self._active_imu is not None else None
            imu_live = det is not None and now - self._imu_last_ns.get(self._active_imu or "", 0) <= self.pose_fresh_ns
            airborne, crouch, lean = bool(det is not None and imu_live and det.airborne), 0.0, 0.0
            trunk = self._leans.get(self._active_imu or "")
            if imu_live and trunk is not None:
                lean = trunk.lean
        cadence = self._cadence.cadence_spm(now)
        walker = self.imu.get(self._active_imu) if self._active_imu is not None else None
        if walker is not None and cadence < SLOW_CADENCE_SPM:
            # A slow walker's soft steps: the walking detector's cadence, seconds late (see
            # ImuMotionDetector.slow_cadence_spm), where the low-latency steps fall short.
            cadence = max(cadence, walker.slow_cadence_spm(now))
        return MotionState(
            t_ns=now,
            cadence_spm=cadence,
            crouch=crouch,
            airborne=airborne,
            lean=lean,
            arms_up=arms_up,
            side=side,
        )


__all__ = ["ARM_PLACEMENTS", "MotionTracker", "TrunkLean"]
