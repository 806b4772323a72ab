"""The virtual player's body: proportions and the 33 BlazePose landmark positions.

Segment proportions are Winter's fractions of standing height H (Winter DA, Biomechanics and
Motor Control of Human Movement, 4th ed., Wiley 2009, Fig. 4.1): shoulder 0.818 H, elbow 0.630 H,
wrist 0.485 H, hip 0.530 H, knee 0.285 H, ankle 0.039 H, eye 0.936 H, chin 0.870 H, shoulder
width 0.259 H, hip width 0.191 H, foot length 0.152 H.

Frame used here ("absolute"): metres, x to the image's right (the player's left when facing
the camera), y up from the floor, z away from the camera (the player faces -z). Landmark order
and left/right are MediaPipe Pose's (index 11 is the player's left shoulder).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from sensors.motion.heart_zones import hr_max_tanaka


@dataclass(frozen=True, slots=True)
class BodyParams:
    """The virtual person. ``hr_max_bpm`` None: age-predicted (Tanaka 2001)."""

    height_m: float = 1.75
    mass_kg: float = 70.0
    age_y: float = 30.0
    sex: str = "male"
    hr_rest_bpm: float = 60.0
    hr_max_bpm: float | None = None

    def __post_init__(self) -> None:
        if not 1.0 <= self.height_m <= 2.3:
            raise ValueError(f"height must be 1.0..2.3 m, got {self.height_m}")

    @property
    def hr_max(self) -> float:
        return self.hr_max_bpm if self.hr_max_bpm is not None else hr_max_tanaka(self.age_y)

    @property
    def hip_height_m(self) -> float:
        return 0.530 * self.height_m

    @property
    def ankle_height_m(self) -> float:
        return 0.039 * self.height_m

    @property
    def thigh_m(self) -> float:
        return (0.530 - 0.285) * self.height_m

    @property
    def shank_m(self) -> float:
        return (0.285 - 0.039) * self.height_m


@dataclass(frozen=True, slots=True)
class BodyState:
    """Posture at one instant.

    ``pelvis``: mid-hip position (absolute frame). ``stance_z``: where the feet stand.
    ``lift``: knee lift of the left / right leg 0..1 (jogging). ``lean_rad``: trunk forward lean.
    ``arm_rad``: left / right shoulder flexion (forward positive). ``elbow_rad``: elbow flexion.
    ``planted``: feet on the floor (False in flight: legs hang from the hips).
    """

    pelvis: tuple[float, float, float]
    stance_z: float = 0.0
    lift: tuple[float, float] = (0.0, 0.0)
    lean_rad: float = 0.0
    arm_rad: tuple[float, float] = (0.05, 0.05)
    elbow_rad: float = 0.15
    planted: bool = True


def _leg(body: BodyParams, hip: np.ndarray, lift: float, stance_z: float, planted: bool) -> tuple[np.ndarray, np.ndarray]:
    lt, ls, floor = body.thigh_m, body.shank_m, body.ankle_height_m
    if lift > 0.0:
        th, kn = 1.2 * lift, 1.75 * lift  # high knees: thigh up to ~70 deg, knee to ~100 deg
        knee = hip + lt * np.array([0.0, -math.cos(th), -math.sin(th)])
        ankle = knee + ls * np.array([0.0, -math.cos(th - kn), -math.sin(th - kn)])
        if ankle[1] >= floor:
            return knee, ankle
    if not planted:
        ankle = hip + np.array([0.0, -(lt + ls) * 0.97, -0.02])
        return (hip + ankle) / 2 + np.array([0.0, 0.0, -0.04]), ankle
    ankle = np.array([hip[0], floor, stance_z])
    v = ankle - hip
    d = float(np.linalg.norm(v))
    seg = (lt + ls) / 2
    if d >= 2 * seg * 0.999:
        ankle = hip + v / d * 2 * seg * 0.999  # heels rise: the leg is fully stretched
        d = 2 * seg * 0.999
        v = ankle - hip
    # Knee bends forward (toward the camera): perpendicular to hip->ankle in the y-z plane.
    u = v / d
    perp = np.array([0.0, -u[2], u[1]])
    if perp[2] > 0:
        perp = -perp
    knee = hip + v / 2 + perp * math.sqrt(max(seg * seg - (d / 2) ** 2, 0.0))
    return knee, ankle


def landmarks_abs(body: BodyParams, s: BodyState) -> np.ndarray:
    """(33, 3) landmark positions in the absolute frame for posture ``s``."""
    H = body.height_m
    out = np.zeros((33, 3))
    pelvis = np.asarray(s.pelvis, dtype=float)
    hw, sw = 0.191 * H / 2, 0.259 * H / 2
    foot = 0.152 * H
    for side, sign, li in ((0, 1.0, 0), (1, -1.0, 1)):  # left on +x (image right)
        hip = pelvis + np.array([sign * hw, 0.0, 0.0])
        knee, ankle = _leg(body, hip, s.lift[li], s.stance_z, s.planted)
        out[23 + side], out[25 + side], out[27 + side] = hip, knee, ankle
        drop = body.ankle_height_m * 0.85
        out[29 + side] = ankle + np.array([0.0, -drop, 0.25 * foot])
        out[31 + side] = ankle + np.array([0.0, -drop, -0.72 * foot])
        if s.planted and s.lift[li] == 0.0:
            # Heels may rise (take-off, a bouncing stride) but a standing foot keeps its toes down.
            out[31 + side, 1] = min(out[31 + side, 1], body.ankle_height_m - drop)

    trunk = (0.818 - 0.530) * H
    shoulder_c = pelvis + trunk * np.array([0.0, math.cos(s.lean_rad), -math.sin(s.lean_rad)])
    lu, lf = (0.818 - 0.630) * H, (0.630 - 0.485) * H
    for side, sign in ((0, 1.0), (1, -1.0)):
        sh = shoulder_c + np.array([sign * sw, 0.0, 0.0])
        a = s.arm_rad[side] + s.lean_rad * 0.5
        elbow = sh + np.array([sign * 0.02 * H, -lu * math.cos(a), -lu * math.sin(a)])
        b = a + s.elbow_rad
        direction = np.array([0.0, -math.cos(b), -math.sin(b)])
        wrist = elbow + lf * direction
        out[11 + side], out[13 + side], out[15 + side] = sh, elbow, wrist
        hand = 0.05 * H * direction
        out[17 + side] = wrist + hand + np.array([sign * 0.015 * H, 0.0, 0.0])  # pinky
        out[19 + side] = wrist + hand  # index
        out[21 + side] = wrist + 0.6 * hand + np.array([-sign * 0.015 * H, 0.0, 0.0])  # thumb

    up = np.array([0.0, math.cos(s.lean_rad), -math.sin(s.lean_rad)])
    nose = shoulder_c + (0.925 - 0.818) * H * up + np.array([0.0, 0.0, -0.06 * H])
    out[0] = nose
    eye_y = 0.012 * H
    for side, sign in ((0, 1.0), (1, -1.0)):
        base = 1 + 3 * side  # 1,2,3 left eye; 4,5,6 right eye
        for k, dx in enumerate((0.012, 0.022, 0.032)):
            out[base + k] = nose + np.array([sign * dx * H, eye_y, 0.01 * H])
        out[7 + side] = nose + np.array([sign * 0.045 * H, eye_y * 0.5, 0.06 * H])  # ears
        out[9 + side] = nose + np.array([sign * 0.015 * H, -0.025 * H, 0.005 * H])  # mouth
    return out


@dataclass(frozen=True, slots=True)
class Camera:
    """A fixed camera looking at the player: maps absolute metres to normalised image coords.

    The standing player fills ``fill`` of the frame height, feet at ``floor_y``; ``aspect`` is
    width / height of the picture (4:3 webcam by default).
    """

    fill: float = 0.7
    floor_y: float = 0.88
    aspect: float = 4 / 3

    def project(self, body: BodyParams, pts: np.ndarray) -> np.ndarray:
        scale = self.fill / body.height_m  # normalised height units per metre
        x = 0.5 + pts[:, 0] * scale / self.aspect
        y = self.floor_y - pts[:, 1] * scale
        z = pts[:, 2] * scale / self.aspect
        return np.stack([x, y, z], axis=1)
