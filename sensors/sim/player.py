"""The simulated player: one virtual person whose heart rate, accelerometer and pose all come
from the same movement, sample by sample, on the shared clock.

Everything is a deterministic function of the seed, the script and the sequence of
``advance_to`` / ``inject`` calls: how time is chunked into ``advance_to`` calls does not
change a single value (noise is drawn per sample index, IMU batches sit on a fixed grid).
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np

from sensors.samples import HeartRateSample, ImuBatch, PoseFrame, Sample
from sensors.sim.body import BodyParams, BodyState, Camera, landmarks_abs
from sensors.sim.heart import HeartModel
from sensors.sim.motions import G_MPS2, Jump, Squat, ease
from sensors.sim.script import DEFAULT_SCRIPT, Activity, Segment

PLACEMENTS = ("chest", "waist", "wrist", "thigh", "ankle")
_LANDMARK_OF = {"wrist": 15, "thigh": 25, "ankle": 27}  # left side: knee stands in for the thigh
_FD_S = 0.004  # finite-difference step for acceleration from position
_JOG_BOUNCE_M = 0.05  # peak-to-peak vertical pelvis bounce when jogging on the spot
_RAMP_S = 0.25  # jogging starts and stops over this long

# Effort of each activity as a share of heart-rate reserve.
_RESERVE = {Activity.IDLE: 0.05, Activity.REST: 0.0, Activity.JUMP: 0.7, Activity.SQUAT: 0.5}


@dataclass(frozen=True, slots=True)
class TruthEvent:
    """What the virtual player really did.

    step: ``t_ns`` = foot contact, magnitude 1, ``t_end_ns`` = ``t_ns``.
    jump: ``t_ns`` = take-off, magnitude = rise of the pelvis in flight (m), ``t_end_ns`` = landing.
    squat: ``t_ns`` = bottom, magnitude = depth (share of standing hip height), ``t_end_ns`` = standing again.
    """

    kind: str
    t_ns: int
    magnitude: float
    t_end_ns: int


@dataclass(frozen=True, slots=True)
class _Placed:
    start_s: float
    end_s: float
    segment: Segment


@dataclass(frozen=True, slots=True)
class _Move:
    start_s: float
    move: Jump | Squat
    injected: bool

    @property
    def end_s(self) -> float:
        return self.start_s + self.move.duration_s


class SimulatedPlayer:
    def __init__(
        self,
        seed: int = 0,
        script: tuple[Segment, ...] = DEFAULT_SCRIPT,
        t0_ns: int = 0,
        body: BodyParams = BodyParams(),
        imu_placement: str = "chest",
        imu_rate_hz: float = 100.0,
        pose_fps: float = 30.0,
        hr_interval_s: float = 1.0,
        loop: bool = True,
        source: str = "sim",
        camera: Camera = Camera(),
        imu_batch: int = 10,
    ) -> None:
        if imu_placement not in PLACEMENTS:
            raise ValueError(f"unknown IMU placement {imu_placement!r}; expected one of {', '.join(PLACEMENTS)}")
        if not script:
            raise ValueError("the script is empty")
        self.seed, self.script, self.t0_ns, self.body = seed, tuple(script), t0_ns, body
        self.imu_placement, self.imu_rate_hz, self.pose_fps = imu_placement, imu_rate_hz, pose_fps
        self.hr_interval_s, self.loop, self.source, self.camera, self.imu_batch = hr_interval_s, loop, source, camera, imu_batch
        self._timeline: list[_Placed] = []
        self._starts: list[float] = []
        self._moves: list[_Move] = []
        self._n_scripted = 0
        self._heart = HeartModel(body.hr_rest_bpm, body.hr_max, seed)
        self._beats: list[tuple[float, float]] = []
        self._advanced_s = -1.0
        self._next_imu_batch = 0
        self._next_pose = 0
        self._next_hr = 1
        self._truth: list[TruthEvent] = []
        self._truth_until_s = 0.0

    # -- public --------------------------------------------------------------------------------
    def advance_to(self, t_ns: int) -> list[Sample]:
        """Every sample with a time <= ``t_ns`` not yet returned, in time order."""
        t = (t_ns - self.t0_ns) / 1e9
        if t <= self._advanced_s:
            return []
        self._extend(t + 10.0)
        out: list[Sample] = []
        out += self._imu_until(t)
        out += self._pose_until(t)
        out += self._hr_until(t)
        self._truth_until(t)
        self._advanced_s = t
        out.sort(key=lambda s: s.t_host_ns)
        return out

    def inject(self, kind: str, t_ns: int) -> None:
        """Perform one extra ``"jump"`` or ``"squat"`` as soon as possible at or after ``t_ns``."""
        if kind not in ("jump", "squat"):
            raise ValueError(f"can only inject 'jump' or 'squat', got {kind!r}")
        t = max((t_ns - self.t0_ns) / 1e9, self._advanced_s + 1e-6, 0.0)
        self._extend(t + 30.0)
        move = self._make(kind, injected=True)
        for m in self._moves:  # one movement at a time: wait for the one under way
            if m.start_s < t + move.duration_s and t < m.end_s:
                t = m.end_s
        bisect.insort(self._moves, _Move(t, move, True), key=lambda m: m.start_s)

    def ground_truth(self) -> list[TruthEvent]:
        """What was performed up to the last ``advance_to``, in time order."""
        return list(self._truth)

    def activity_at(self, t_ns: int) -> Activity:
        t = (t_ns - self.t0_ns) / 1e9
        self._extend(t + 1.0)
        mv = self._move_at(t)
        if mv is not None:
            return Activity.JUMP if isinstance(mv.move, Jump) else Activity.SQUAT
        return self._segment_at(t).segment.activity

    @property
    def hr_bpm(self) -> float:
        """The model's heart rate at the latest beat (beats/min)."""
        return self._heart.hr_bpm

    # -- timeline --------------------------------------------------------------------------------
    def _extend(self, t: float) -> None:
        while not self._timeline or self._timeline[-1].end_s <= t:
            k = len(self._timeline)
            start = self._timeline[-1].end_s if self._timeline else 0.0
            if k < len(self.script) or self.loop:
                seg = self.script[k % len(self.script)]
            else:
                seg = Segment(Activity.IDLE, 3600.0)
            placed = _Placed(start, start + seg.duration_s, seg)
            self._timeline.append(placed)
            self._starts.append(start)
            if seg.activity in (Activity.JUMP, Activity.SQUAT):
                period = 60.0 / seg.rate
                t_rep = start + 0.3
                while True:
                    move = self._make("jump" if seg.activity is Activity.JUMP else "squat", injected=False)
                    if t_rep + move.duration_s > placed.end_s:
                        break
                    bisect.insort(self._moves, _Move(t_rep, move, False), key=lambda m: m.start_s)
                    t_rep += max(period, move.duration_s + 0.2)

    def _make(self, kind: str, injected: bool) -> Jump | Squat:
        self._n_scripted += 1
        u = float(np.random.default_rng((self.seed, 11, self._n_scripted)).random())
        if kind == "jump":
            return Jump(height_m=0.2 + 0.1 * u, dip_m=0.12 * self.body.height_m)
        return Squat(depth=0.32 + 0.12 * u, hip_height_m=self.body.hip_height_m)

    def _segment_at(self, t: float) -> _Placed:
        i = max(0, bisect.bisect_right(self._starts, t) - 1)
        return self._timeline[i]

    def _move_at(self, t: float) -> _Move | None:
        i = bisect.bisect_right(self._moves, t, key=lambda m: m.start_s) - 1
        if i >= 0 and self._moves[i].start_s <= t < self._moves[i].end_s:
            return self._moves[i]
        return None

    # -- posture ---------------------------------------------------------------------------------
    def _jog(self, placed: _Placed, t: float) -> tuple[float, float]:
        """(stride phase in rad, amplitude 0..1) of jogging at time t."""
        f_stride = placed.segment.cadence / 120.0  # two steps per stride
        # A short ramp: the first foot contact (after half a stride) is already at full height.
        amp = ease(min(t - placed.start_s, placed.end_s - t), _RAMP_S)
        return 2 * math.pi * f_stride * (t - placed.start_s), amp

    def state(self, t: float) -> BodyState:
        placed = self._segment_at(t)
        act = placed.segment.activity
        rise, lift, arms, elbow = 0.0, (0.0, 0.0), (0.05, 0.05), 0.15
        sway = 0.01 * math.sin(2 * math.pi * 0.3 * t)
        breath = 0.003 * math.sin(2 * math.pi * 0.25 * t)
        if act is Activity.JOG:
            phi, amp = self._jog(placed, t)
            s = math.sin(phi)
            lift = (amp * max(0.0, s), amp * max(0.0, -s))
            # Lowest pelvis just after each foot contact (phi = k*pi), highest in the short flight
            # between steps: a bounce at step frequency around standing height.
            rise = -amp * _JOG_BOUNCE_M * 0.5 * math.cos(2 * phi - math.pi / 2) + (1 - amp) * breath
            arms = (0.05 - 0.6 * amp * s, 0.05 + 0.6 * amp * s)
            elbow = 0.15 + 1.4 * amp
            sway *= 1 - amp
        else:
            rise = breath
        back, lean, planted = 0.0, 0.0, True
        mv = self._move_at(t)
        if mv is not None:
            p = mv.move.posture(t - mv.start_s)
            w = p.weight
            # The movement's own trajectory starts and ends at standing with zero velocity, so it
            # is added in full; only the base activity is faded out underneath it.
            rise = (1 - w) * rise + p.rise_m
            lift = ((1 - w) * lift[0], (1 - w) * lift[1])
            if p.arm_rad is not None:
                arms = ((1 - w) * arms[0] + w * p.arm_rad, (1 - w) * arms[1] + w * p.arm_rad)
            elbow = (1 - w) * elbow + w * 0.3
            back, lean, planted = p.back_m, p.lean_rad, p.planted
        pelvis = (sway, self.body.hip_height_m + rise, back)
        return BodyState(pelvis=pelvis, lift=lift, lean_rad=lean, arm_rad=arms, elbow_rad=elbow, planted=planted)

    def _tilt(self, t: float) -> float:
        """Forward tilt of the sensor (rad): the chest leans with the trunk, the waist half as much."""
        if self.imu_placement == "chest":
            return self.state(t).lean_rad
        if self.imu_placement == "waist":
            return 0.5 * self.state(t).lean_rad
        return 0.0

    def _point(self, t: float) -> np.ndarray:
        """Absolute position of the IMU at time t (m)."""
        s = self.state(t)
        H = self.body.height_m
        px, py, pz = s.pelvis
        if self.imu_placement == "chest":  # sternum, ~0.2 H above the hips along the trunk
            return np.array([px, py + 0.2 * H * math.cos(s.lean_rad), pz - 0.2 * H * math.sin(s.lean_rad) - 0.06 * H])
        if self.imu_placement == "waist":
            return np.array([px, py + 0.03 * H, pz + 0.06 * H])
        return landmarks_abs(self.body, s)[_LANDMARK_OF[self.imu_placement]]

    # -- streams ---------------------------------------------------------------------------------
    def _ns(self, t: float) -> int:
        return self.t0_ns + round(t * 1e9)

    def _imu_until(self, t: float) -> list[ImuBatch]:
        out = []
        B, r = self.imu_batch, self.imu_rate_hz
        while (self._next_imu_batch * B + B - 1) / r <= t:
            k = self._next_imu_batch
            times = (k * B + np.arange(B)) / r
            acc = np.empty((B, 3))
            for i, ti in enumerate(times):
                a = (self._point(ti + _FD_S) - 2 * self._point(ti) + self._point(ti - _FD_S)) / (_FD_S * _FD_S)
                # Specific force (acceleration minus gravity) in the sensor frame: x the player's
                # left, y along the trunk upwards, z forwards; the frame tilts with the trunk.
                up, fwd = a[1] + G_MPS2, -a[2]
                tilt = self._tilt(ti)
                c, sn = math.cos(tilt), math.sin(tilt)
                acc[i] = (a[0], up * c + fwd * sn, -up * sn + fwd * c)
            noise = np.random.default_rng((self.seed, 3, k)).normal(0.0, 0.015, (B, 3))
            first = self._ns(times[0])
            out.append(ImuBatch(t_host_ns=self._ns(times[-1]), source=self.source, rate_hz=r, t_first_ns=first,
                                acc_g=acc / G_MPS2 + noise, placement=self.imu_placement))
            self._next_imu_batch += 1
        return out

    def _pose_until(self, t: float) -> list[PoseFrame]:
        out = []
        while self._next_pose / self.pose_fps <= t:
            j = self._next_pose
            tj = j / self.pose_fps
            pts = landmarks_abs(self.body, self.state(tj))
            mid = (pts[23] + pts[24]) / 2
            world = (pts - mid) * np.array([1.0, -1.0, 1.0])  # MediaPipe world: y down, hips origin
            rng = np.random.default_rng((self.seed, 5, j))
            img = self.camera.project(self.body, pts) + rng.normal(0.0, 0.002, (33, 3))
            vis = np.clip(0.95 + rng.normal(0.0, 0.02, 33), 0.0, 1.0)
            lm = np.column_stack([img, vis])
            out.append(PoseFrame(t_host_ns=self._ns(tj), source=self.source, landmarks=lm,
                                 world=world + rng.normal(0.0, 0.005, (33, 3))))
            self._next_pose += 1
        return out

    def _reserve_at(self, t: float) -> float:
        mv = self._move_at(t)
        if mv is not None:
            return _RESERVE[Activity.JUMP if isinstance(mv.move, Jump) else Activity.SQUAT]
        seg = self._segment_at(t).segment
        if seg.activity is Activity.JOG:
            return min(0.85, max(0.2, 0.5 + 0.3 * (seg.cadence - 160.0) / 40.0))
        return _RESERVE[seg.activity]

    def _hr_until(self, t: float) -> list[HeartRateSample]:
        heart = self._heart
        while heart.t_s <= t:
            self._beats.append(heart.next_beat(self._reserve_at(heart.t_s)))
        out = []
        while self._next_hr * self.hr_interval_s <= t:
            tn = self._next_hr * self.hr_interval_s
            rr = [r for (tb, r) in self._beats if tb <= tn]
            self._beats = [(tb, r) for (tb, r) in self._beats if tb > tn]
            bpm = round(60.0 / float(np.mean(rr))) if rr else round(heart.hr_bpm)
            out.append(HeartRateSample(t_host_ns=self._ns(tn), source=self.source, bpm=bpm,
                                       rr_s=tuple(round(r * 1024) / 1024 for r in rr), contact=True))
            self._next_hr += 1
        return out

    def _truth_until(self, t: float) -> None:
        lo = self._truth_until_s
        found: list[TruthEvent] = []
        i = max(0, bisect.bisect_right(self._starts, lo) - 1)
        for placed in self._timeline[i:]:
            if placed.start_s > t:
                break
            if placed.segment.activity is not Activity.JOG:
                continue
            half = 60.0 / placed.segment.cadence  # one step
            m = max(1, math.floor((max(lo, placed.start_s) - placed.start_s) / half))
            while True:
                ts = placed.start_s + m * half
                if ts > t or ts >= placed.end_s:
                    break
                mv = self._move_at(ts)
                if ts > lo and self._jog(placed, ts)[1] >= 0.5 and (mv is None or mv.move.posture(ts - mv.start_s).weight < 0.5):
                    found.append(TruthEvent("step", self._ns(ts), 1.0, self._ns(ts)))
                m += 1
        for mv in self._moves:
            if isinstance(mv.move, Jump):
                ts, te, mag = mv.start_s + mv.move.takeoff_s, mv.start_s + mv.move.landing_s, mv.move.height_m
                kind = "jump"
            else:
                ts, te, mag = mv.start_s + mv.move.bottom_s, mv.end_s, mv.move.depth
                kind = "squat"
            if lo < ts <= t:
                found.append(TruthEvent(kind, self._ns(ts), mag, self._ns(te)))
        found.sort(key=lambda e: e.t_ns)
        self._truth.extend(found)
        self._truth_until_s = t
