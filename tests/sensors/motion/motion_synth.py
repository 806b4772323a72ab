"""Seeded synthetic pose and IMU streams with ground truth, for the motion detector tests.

Pose: a 33-landmark BlazePose skeleton in metres (x lateral to the player's left, y up,
z towards the camera), animated by pelvis height and per-leg hip/knee flexion, projected into
normalised image coordinates (y down) by a still, frontal camera, with Gaussian landmark jitter.

IMU: trunk specific force (g) along "up" built from piecewise-linear keyframes (jumps) and
pulse trains (steps), rotated into an arbitrarily mounted sensor frame, plus noise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from sensors.motion.events import MotionEvent
from sensors.samples import ImuBatch, PoseFrame, Sample

T = TypeVar("T")

G = 9.80665
THIGH, SHANK, ANKLE_H = 0.45, 0.42, 0.08
HIP_H = THIGH + SHANK + ANKLE_H  # 0.95 m standing hip height


@dataclass(frozen=True)
class Truth:
    kind: str
    t_ns: int
    magnitude: float = 1.0


@dataclass
class Pose:
    """Body configuration at one instant (metres / radians)."""

    pelvis_h: float = HIP_H
    pelvis_z: float = 0.0
    hip_flex: tuple[float, float] = (0.0, 0.0)  # left, right: thigh forward from vertical
    knee_flex: tuple[float, float] = (0.0, 0.0)  # left, right: 0 straight
    trunk_fwd: float = 0.0  # forward trunk lean
    trunk_side: float = 0.0  # lateral lean, + to the player's right


def skeleton_m(p: Pose) -> np.ndarray:
    """(33, 3) landmark positions in metres: x to the player's left, y up, z forward."""
    pts = np.zeros((33, 3))
    hips = {23: 0.1, 24: -0.1}
    for k, (hip_i, knee_i, ankle_i, heel_i, toe_i) in enumerate(((23, 25, 27, 29, 31), (24, 26, 28, 30, 32))):
        x = hips[hip_i]
        hip = np.array([x, p.pelvis_h, p.pelvis_z])
        a, b = p.hip_flex[k], p.knee_flex[k]
        knee = hip + THIGH * np.array([0.0, -math.cos(a), math.sin(a)])
        ankle = knee + SHANK * np.array([0.0, -math.cos(a - b), math.sin(a - b)])
        pts[hip_i], pts[knee_i], pts[ankle_i] = hip, knee, ankle
        pts[heel_i] = ankle + [0.0, -0.05, -0.05]
        pts[toe_i] = ankle + [0.02 * np.sign(x), -0.06, 0.15]
    mid_hip = 0.5 * (pts[23] + pts[24])
    up = np.array(
        [-math.sin(p.trunk_side), math.cos(p.trunk_side) * math.cos(p.trunk_fwd), math.cos(p.trunk_side) * math.sin(p.trunk_fwd)]
    )
    right = np.array([-math.cos(p.trunk_side), -math.sin(p.trunk_side), 0.0])  # player's right
    sh_mid = mid_hip + 0.5 * up
    pts[11], pts[12] = sh_mid - 0.19 * right, sh_mid + 0.19 * right
    head = mid_hip + 0.68 * up
    for i in range(11):
        pts[i] = head + [0.03 * ((i % 3) - 1), 0.02 * (i % 2), 0.05]
    for (j, s), drop in (((13, -1), 0.28), ((14, 1), 0.28), ((15, -1), 0.52), ((16, 1), 0.52)):
        pts[j] = pts[11 if s < 0 else 12] - drop * up + 0.03 * s * -right
    for j in range(17, 23):
        pts[j] = pts[15 if j % 2 else 16] - 0.08 * up
    return pts


@dataclass
class Camera:
    """Frontal still camera: metres -> normalised image coordinates."""

    scale: float = 0.42  # image heights per metre (a 1.8 m player fills ~0.75 of the frame)
    cx: float = 0.5
    floor_y: float = 0.9
    aspect_wh: float = 1.0
    noise: float = 0.003  # landmark jitter, image units (std)
    visibility: float = 0.95

    def frame(
        self,
        t_ns: int,
        pts_m: np.ndarray,
        rng: np.random.Generator,
        vis_override: dict[int, float] | None = None,
        with_world: bool = True,
    ) -> PoseFrame:
        lm = np.empty((33, 4))
        lm[:, 0] = self.cx + pts_m[:, 0] * self.scale / self.aspect_wh
        lm[:, 1] = self.floor_y - pts_m[:, 1] * self.scale
        lm[:, 2] = -pts_m[:, 2] * self.scale / self.aspect_wh
        lm[:, :2] += rng.normal(0.0, self.noise, (33, 2))
        lm[:, 2] += rng.normal(0.0, 2 * self.noise, 33)
        lm[:, 3] = self.visibility
        for i, v in (vis_override or {}).items():
            lm[i, 3] = v
        world = None
        if with_world:
            mid = 0.5 * (pts_m[23] + pts_m[24])
            world = np.column_stack((pts_m[:, 0] - mid[0], -(pts_m[:, 1] - mid[1]), -(pts_m[:, 2] - mid[2])))
            world += rng.normal(0.0, 0.01, world.shape)
        return PoseFrame(t_host_ns=t_ns, source="sim", landmarks=lm, world=world)


# -- pose scripts -------------------------------------------------------------------------------


def _bump(x: float) -> float:
    """Smooth 0 -> 1 -> 0 over x in [0, 1]."""
    return math.sin(math.pi * x) ** 2 if 0.0 <= x <= 1.0 else 0.0


@dataclass
class Script:
    """A body motion over time plus its ground truth."""

    pose_at: Callable[[float], Pose]
    truth: list[Truth] = field(default_factory=list)
    duration_s: float = 10.0


def squat_pose(depth_m: float, trunk: float = 0.0) -> Pose:
    t = math.acos(max(-1.0, min(1.0, (THIGH + SHANK - depth_m) / (THIGH + SHANK))))
    return Pose(
        pelvis_h=HIP_H - depth_m,
        pelvis_z=-(THIGH - SHANK) * math.sin(t),
        hip_flex=(t, t),
        knee_flex=(2 * t, 2 * t),
        trunk_fwd=trunk * t,
    )


def standing_script(duration_s: float) -> Script:
    return Script(lambda t: Pose(), [], duration_s)


def jog_script(
    cadence_spm: float, start_s: float, stop_s: float, duration_s: float, lift_rad: float = math.radians(35), duty: float = 0.7
) -> Script:
    """Jogging in place: legs alternate, each swing lasts duty x step period; truth = foot down."""
    period = 60.0 / cadence_spm
    swing = duty * period
    n = int((stop_s - start_s) / period)
    truth = [Truth("step", round((start_s + k * period + swing) * 1e9)) for k in range(n)]

    def pose_at(t: float) -> Pose:
        flex = [0.0, 0.0]
        if start_s <= t < start_s + n * period:
            k = int((t - start_s) // period)
            for kk in (k - 1, k):
                if kk >= 0:
                    x = (t - start_s - kk * period) / swing
                    if 0 <= x <= 1:
                        flex[kk % 2] = lift_rad * math.sin(math.pi * x)
        bounce = 0.015 * math.cos(2 * math.pi * (t - start_s) / period) if start_s <= t < stop_s else 0.0
        return Pose(pelvis_h=HIP_H + bounce, hip_flex=(flex[0], flex[1]), knee_flex=(2 * flex[0], 2 * flex[1]))

    return Script(pose_at, truth, duration_s)


def jump_script(jumps: list[tuple[float, float]], duration_s: float, dip_m: float = 0.15) -> Script:
    """Countermovement jumps: (take-off time s, flight time s). Truth: take-off, h = g t^2 / 8."""
    truth = [Truth("jump", round(t0 * 1e9), G * tf * tf / 8) for t0, tf in jumps]

    def pose_at(t: float) -> Pose:
        for t0, tf in jumps:
            if t0 - 0.6 <= t < t0:  # countermovement: dip and extend
                return squat_pose(dip_m * _bump((t - t0 + 0.6) / 0.6), trunk=0.3)
            if t0 <= t < t0 + tf:  # ballistic flight, legs slightly tucked mid-flight
                tau = t - t0
                rise = (G * tf / 2) * tau - G * tau * tau / 2
                tuck = math.radians(20) * _bump(tau / tf)
                return Pose(pelvis_h=HIP_H + rise, hip_flex=(tuck, tuck), knee_flex=(2 * tuck, 2 * tuck))
            if t0 + tf <= t < t0 + tf + 0.4:  # absorb the landing
                return squat_pose(0.12 * _bump((t - t0 - tf) / 0.4), trunk=0.3)
        return Pose()

    return Script(pose_at, truth, duration_s)


def squat_script(squats: list[tuple[float, float, float]], duration_s: float) -> Script:
    """Squats: (bottom time s, depth as a share of hip height, half-duration s). Truth at the bottom."""
    truth = [Truth("squat", round(tb * 1e9), d) for tb, d, _ in squats]

    def pose_at(t: float) -> Pose:
        for tb, d, half in squats:
            if tb - half <= t <= tb + half:
                x = (t - tb + half) / (2 * half)
                return squat_pose(d * HIP_H * _bump(x), trunk=0.5)
        return Pose()

    return Script(pose_at, truth, duration_s)


def combine(*scripts: Script) -> Script:
    """Scripts active in disjoint time spans: the first non-neutral pose wins."""
    neutral = Pose()

    def pose_at(t: float) -> Pose:
        for s in scripts:
            p = s.pose_at(t)
            if p != neutral:
                return p
        return neutral

    return Script(
        pose_at, sorted((tr for s in scripts for tr in s.truth), key=lambda x: x.t_ns), max(s.duration_s for s in scripts)
    )


def pose_frames(
    script: Script,
    *,
    fps: float = 30.0,
    seed: int = 0,
    camera: Camera | None = None,
    t0_ns: int = 1_000_000_000,
    with_world: bool = True,
    vis_override: Callable[[float], dict[int, float] | None] | None = None,
) -> list[PoseFrame]:
    cam = camera or Camera()
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(int(script.duration_s * fps)):
        t = i / fps
        frames.append(
            cam.frame(
                t0_ns + round(t * 1e9), skeleton_m(script.pose_at(t)), rng, vis_override(t) if vis_override else None, with_world
            )
        )
    return frames


def shift(truth: list[Truth], t0_ns: int = 1_000_000_000) -> list[Truth]:
    return [Truth(tr.kind, tr.t_ns + t0_ns, tr.magnitude) for tr in truth]


# -- IMU ------------------------------------------------------------------------------------------


def rotation(yaw: float, pitch: float, roll: float) -> np.ndarray:
    cy, sy, cp, sp, cr, sr = (math.cos(yaw), math.sin(yaw), math.cos(pitch), math.sin(pitch), math.cos(roll), math.sin(roll))
    rz = np.array([[cy, -sy, 0], [sy, cy, 0], [0, 0, 1]])
    ry = np.array([[cp, 0, sp], [0, 1, 0], [-sp, 0, cp]])
    rx = np.array([[1, 0, 0], [0, cr, -sr], [0, sr, cr]])
    return rz @ ry @ rx


@dataclass
class ImuSignal:
    """Vertical specific force f(t) in g (1 at rest, 0 in free fall) with truth."""

    t_s: np.ndarray
    f_g: np.ndarray
    truth: list[Truth]


def imu_signal(duration_s: float, rate_hz: float = 100.0) -> ImuSignal:
    t = np.arange(int(duration_s * rate_hz)) / rate_hz
    return ImuSignal(t, np.ones_like(t), [])


def add_steps(
    sig: ImuSignal,
    cadence_spm: float,
    start_s: float,
    stop_s: float,
    peak_g: float = 0.8,
    lag_s: float = 0.06,
    width_s: float = 0.05,
) -> None:
    """Loading peaks after each foot contact (truth = contact), zero-mean over the cycle."""
    period = 60.0 / cadence_spm
    contacts = np.arange(start_s, stop_s - period / 2, period)
    span = (sig.t_s >= start_s) & (sig.t_s < contacts[-1] + period / 2)
    pulses = np.zeros_like(sig.t_s)
    for c in contacts:
        pulses += np.exp(-0.5 * ((sig.t_s - c - lag_s) / width_s) ** 2)
    mean = width_s * math.sqrt(2 * math.pi) / period
    sig.f_g[span] += peak_g / (1 - mean) * (pulses[span] - mean)
    sig.truth.extend(Truth("step", round(c * 1e9)) for c in contacts)


def add_jump(sig: ImuSignal, t0: float, flight_s: float, impact_g: float = 3.5) -> None:
    """Countermovement jump: unweighting, push-off, free fall, landing impact."""
    t1 = t0 + flight_s
    knots = [
        (t0 - 0.6, 1.0),
        (t0 - 0.42, 0.5),
        (t0 - 0.2, 2.2),
        (t0 - 0.04, 1.3),
        (t0, 0.0),
        (t1, 0.0),
        (t1 + 0.03, impact_g),
        (t1 + 0.1, 1.6),
        (t1 + 0.25, 0.7),
        (t1 + 0.45, 1.0),
    ]
    kt, kf = zip(*knots, strict=True)
    span = (sig.t_s >= kt[0]) & (sig.t_s <= kt[-1])
    sig.f_g[span] = np.interp(sig.t_s[span], kt, kf)
    sig.truth.append(Truth("jump", round(t0 * 1e9), G * flight_s**2 / 8))


def imu_batches(
    sig: ImuSignal,
    *,
    rate_hz: float = 100.0,
    batch: int = 10,
    seed: int = 0,
    rot: np.ndarray | None = None,
    noise_g: float = 0.02,
    t0_ns: int = 1_000_000_000,
    placement: str = "chest",
    source: str = "imu-sim",
) -> list[ImuBatch]:
    rng = np.random.default_rng(seed)
    up_world = np.array([0.0, 0.0, 1.0])
    r = rotation(0.3, 0.25, -0.2) if rot is None else rot
    acc_world = sig.f_g[:, None] * up_world[None, :]
    # Some horizontal sway so the vertical is not the only thing moving.
    acc_world[:, 0] += 0.08 * np.sin(2 * np.pi * 1.3 * sig.t_s)
    acc = acc_world @ r + rng.normal(0.0, noise_g, acc_world.shape)  # world -> sensor frame (R^T a)
    out = []
    for i in range(0, len(sig.t_s), batch):
        t_first = t0_ns + round(sig.t_s[i] * 1e9)
        n = min(batch, len(sig.t_s) - i)
        t_arrival = t_first + round((n - 1) / rate_hz * 1e9) + 5_000_000  # BLE delivery delay
        out.append(
            ImuBatch(
                t_host_ns=t_arrival,
                source=source,
                rate_hz=rate_hz,
                t_first_ns=t_first,
                acc_g=acc[i : i + batch],
                placement=placement,
            )
        )
    return out


# -- scoring ----------------------------------------------------------------------------------------


@dataclass
class Score:
    tp: int
    fp: int
    fn: int
    pairs: list[tuple[Truth, MotionEvent]]

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0


def match(truth: list[Truth], events: list[MotionEvent], kind: str, tol_s: float = 0.15) -> Score:
    """Greedy one-to-one matching of events to truth of ``kind`` within +-tol_s, nearest first."""
    tr = [x for x in truth if x.kind == kind]
    ev = [e for e in events if e.kind == kind]
    tol = tol_s * 1e9
    cands = sorted(
        (abs(e.t_ns - x.t_ns), i, j) for i, x in enumerate(tr) for j, e in enumerate(ev) if abs(e.t_ns - x.t_ns) <= tol
    )
    used_t: set[int] = set()
    used_e: set[int] = set()
    pairs = []
    for _, i, j in cands:
        if i not in used_t and j not in used_e:
            used_t.add(i)
            used_e.add(j)
            pairs.append((tr[i], ev[j]))
    return Score(len(pairs), len(ev) - len(pairs), len(tr) - len(pairs), pairs)


def run(feed: Callable[[T], list[MotionEvent]], items: Iterable[T]) -> list[MotionEvent]:
    out: list[MotionEvent] = []
    for it in items:
        out.extend(feed(it))
    return out


def interleave(*streams: Sequence[Sample]) -> list[Sample]:
    """Merge streams by arrival time (t_host_ns), as a SensorBus would deliver them."""
    return sorted((x for s in streams for x in s), key=lambda x: x.t_host_ns)
