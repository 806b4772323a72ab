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

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from sensors.motion.heart_zones import hr_max_tanaka

#: VO2max (ml/kg/min) of the simulated player's fitness presets. 30 is "low", 42 "moderate" and
#: 55 "very good" in Shvartz & Reibold's norms for men aged 30-34 (Aerobic fitness norms for
#: males and females aged 6 to 75 years: a review, Aviat Space Environ Med 61:3-11, 1990).
FITNESS_VO2MAX = {"low": 30.0, "typical": 42.0, "high": 55.0}


@dataclass(frozen=True, slots=True)
class BodyParams:
    """The virtual person. ``hr_max_bpm`` None: age-predicted (Tanaka 2001).

    ``mass_kg`` and ``sex`` are carried for consumers (energy estimates); the motion does not
    use them.
    """

    height_m: float = 1.75
    mass_kg: float = 70.0
    age_y: float = 30.0
    sex: str = "male"
    hr_rest_bpm: float = 60.0
    hr_max_bpm: float | None = None
    vo2max_ml_kg_min: float = 42.0  # sets how hard each activity is (sensors.sim.heart)

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
    ``lift``: knee lift of the left / right leg 0..1 (jogging; a small tuck in flight).
    ``lean_rad``: trunk forward lean. ``side_lean_rad``: trunk tilt in the frontal plane, about
    the mid-hip point, positive towards the player's own right (the way a skier leans into a
    turn). ``arm_rad``: left / right shoulder flexion (forward
    positive). ``elbow_rad``: elbow flexion; ``elbow_extra``: added per arm (left, right), for
    one-armed movements such as a punch. ``abduct_rad``: left / right shoulder abduction (arm
    raised sideways in the frontal plane: 0 by the side, pi/2 horizontal, pi straight up).
    ``stance_x``: each foot's extra sideways distance from under its hip (m, outwards), for
    jumping jacks and wide steps. ``planted``: feet on the floor (False in flight);
    descriptive only: the legs follow one rule in every phase (see ``_legs``).
    """

    pelvis: tuple[float, float, float]
    stance_z: float = 0.0
    lift: tuple[float, float] = (0.0, 0.0)
    lean_rad: float = 0.0
    arm_rad: tuple[float, float] = (0.05, 0.05)
    side_lean_rad: float = 0.0
    elbow_rad: float = 0.15
    planted: bool = True
    elbow_extra: tuple[float, float] = (0.0, 0.0)
    abduct_rad: tuple[float, float] = (0.0, 0.0)
    stance_x: float = 0.0


#: How far pointed toes hang below a flat foot (m), about the heel rise at a jump's take-off.
_TOE_POINT_M = 0.06
#: Longest hip-ankle distance as a share of thigh + shank.
_REACH = 0.995


def _legs(
    body: BodyParams, hip: np.ndarray, lift: np.ndarray, stance_z: np.ndarray, out_x: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Knee and ankle positions, (N, 3) each, for N postures of one leg.

    One rule for every phase, so a leg never jumps between poses: the ankle aims at a target
    and the knee follows by two-segment inverse kinematics (thigh and shank taken as equal,
    Winter's 0.245 H and 0.246 H), bending forward towards the camera. The target is the
    floor under the hip at ``stance_z`` (or, when the hip is higher than a straight leg reaches,
    the straight leg's end: heels rise, then the leg hangs in flight), raised by
    ``0.5 * (thigh + shank) * lift`` and moved back by ``0.1 m * lift`` for a knee lift, and
    moved sideways by ``out_x`` (m, signed; abducted legs as in a jumping jack).
    At ``lift`` 1 from standing, the thigh is ~57 deg from vertical.
    """
    lt, ls, floor = body.thigh_m, body.shank_m, body.ankle_height_m
    n = hip.shape[0]
    zeros = np.zeros(n)
    seg = (lt + ls) / 2
    # Never quite straight (standing knee flexion ~10 deg): the knee's side stays defined and it
    # does not swing absurdly fast as the leg passes through full extension.
    reach = 2 * seg * _REACH
    dx = np.zeros(n) if out_x is None else out_x
    # With the foot out to the side, a straight leg reaches less far down.
    down = np.sqrt(np.maximum(reach * reach - dx * dx, 0.0))
    base_y = np.maximum(floor, hip[:, 1] - down)
    target = np.stack([hip[:, 0] + dx, base_y + 0.5 * (lt + ls) * lift, stance_z + 0.1 * lift], axis=1)
    v = target - hip
    d = np.linalg.norm(v, axis=1)
    ankle = np.where((d >= reach)[:, None], hip + v / d[:, None] * reach, target)
    d = np.minimum(d, reach)
    v = ankle - hip
    u = v / d[:, None]
    perp = np.stack([zeros, -u[:, 2], u[:, 1]], axis=1)
    # Perpendicular to the leg in its sagittal plane; renormalised since the leg may point sideways.
    perp /= np.maximum(np.linalg.norm(perp, axis=1, keepdims=True), 1e-9)
    perp = np.where((perp[:, 2] > 0)[:, None], -perp, perp)
    knee = hip + v / 2 + perp * np.sqrt(np.maximum(seg * seg - (d / 2) ** 2, 0.0))[:, None]
    return knee, ankle


def landmarks_abs(body: BodyParams, s: BodyState) -> np.ndarray:
    """(33, 3) landmark positions in the absolute frame for posture ``s``."""
    pts: np.ndarray = landmarks_abs_many(body, [s])[0]
    return pts


def trunk_up(lean_rad: np.ndarray, side_lean_rad: np.ndarray) -> np.ndarray:
    """(N, 3) unit vector from mid-hip to mid-shoulder for a forward lean and a frontal tilt
    (rad each; the player's right is -x in the absolute frame)."""
    up = np.stack(
        [-np.sin(side_lean_rad) * np.cos(lean_rad), np.cos(side_lean_rad) * np.cos(lean_rad), -np.sin(lean_rad)], axis=1
    )
    out: np.ndarray = up / np.linalg.norm(up, axis=1, keepdims=True)
    return out


def landmarks_abs_many(body: BodyParams, states: Sequence[BodyState]) -> np.ndarray:
    """(N, 33, 3) landmark positions in the absolute frame, vectorised over N postures."""
    H = body.height_m
    n = len(states)
    out = np.zeros((n, 33, 3))
    if n == 0:
        return out
    pelvis = np.array([s.pelvis for s in states], dtype=float)
    stance_z = np.array([s.stance_z for s in states], dtype=float)
    lift = np.array([s.lift for s in states], dtype=float)
    lean = np.array([s.lean_rad for s in states], dtype=float)
    arm = np.array([s.arm_rad for s in states], dtype=float)
    elbow_rad = np.array([s.elbow_rad for s in states], dtype=float)
    elbow_extra = np.array([s.elbow_extra for s in states], dtype=float)
    abduct = np.array([s.abduct_rad for s in states], dtype=float)
    stance_x = np.array([s.stance_x for s in states], dtype=float)
    side = np.array([s.side_lean_rad for s in states], dtype=float)
    zeros = np.zeros(n)
    hw, sw = 0.191 * H / 2, 0.259 * H / 2
    foot = 0.152 * H
    drop = body.ankle_height_m * 0.85
    for side_i, sign in ((0, 1.0), (1, -1.0)):  # left on +x (image right)
        hip = pelvis + np.array([sign * hw, 0.0, 0.0])
        knee, ankle = _legs(body, hip, lift[:, side_i], stance_z, sign * stance_x)
        out[:, 23 + side_i], out[:, 25 + side_i], out[:, 27 + side_i] = hip, knee, ankle
        out[:, 29 + side_i] = ankle + np.array([0.0, -drop, 0.25 * foot])
        # Plantar flexion: as the heel rises the toes stay down, then hang pointed (at most
        # _TOE_POINT_M below a flat foot) once the foot is in the air; smooth in the heel rise.
        rise = np.maximum(ankle[:, 1] - body.ankle_height_m, 0.0)
        point = _TOE_POINT_M * np.tanh(rise / _TOE_POINT_M)
        out[:, 31 + side_i] = ankle + np.array([0.0, -drop, -0.72 * foot])
        out[:, 31 + side_i, 1] -= point

    trunk = (0.818 - 0.530) * H
    up = trunk_up(lean, side)
    shoulder_c = pelvis + trunk * up
    # The shoulder line turns with the frontal tilt: leaning right lowers the right shoulder.
    across = np.stack([np.cos(side), np.sin(side), zeros], axis=1)
    lu, lf = (0.818 - 0.630) * H, (0.630 - 0.485) * H
    for side_i, sign in ((0, 1.0), (1, -1.0)):
        sh = shoulder_c + sign * sw * across
        a = arm[:, side_i] + lean * 0.5
        # Flexion a turns the arm forward-up in the sagittal plane, abduction g sideways-up in
        # the frontal plane: at g = 0 the arm hangs as before, at g = pi it points straight up.
        g = abduct[:, side_i]
        sg, cg = sign * np.sin(g), np.cos(g)
        upper = np.stack([sg, -cg * np.cos(a), -np.sin(a)], axis=1)
        upper /= np.linalg.norm(upper, axis=1, keepdims=True)
        elbow = sh + lu * upper + np.stack([sign * 0.02 * H * cg, zeros, zeros], axis=1)
        b = a + elbow_rad + elbow_extra[:, side_i]
        direction = np.stack([sg, -cg * np.cos(b), -np.sin(b)], axis=1)
        direction /= np.linalg.norm(direction, axis=1, keepdims=True)
        wrist = elbow + lf * direction
        out[:, 11 + side_i], out[:, 13 + side_i], out[:, 15 + side_i] = sh, elbow, wrist
        hand = 0.05 * H * direction
        out[:, 17 + side_i] = wrist + hand + np.array([sign * 0.015 * H, 0.0, 0.0])  # pinky
        out[:, 19 + side_i] = wrist + hand  # index
        out[:, 21 + side_i] = wrist + 0.6 * hand + np.array([-sign * 0.015 * H, 0.0, 0.0])  # thumb

    nose = shoulder_c + (0.925 - 0.818) * H * up + np.array([0.0, 0.0, -0.06 * H])
    out[:, 0] = nose
    eye_y = 0.012 * H
    for side_i, sign in ((0, 1.0), (1, -1.0)):
        base = 1 + 3 * side_i  # 1,2,3 left eye; 4,5,6 right eye
        for k, dx in enumerate((0.012, 0.022, 0.032)):
            out[:, base + k] = nose + np.array([sign * dx * H, eye_y, 0.01 * H])
        out[:, 7 + side_i] = nose + np.array([sign * 0.045 * H, eye_y * 0.5, 0.06 * H])  # ears
        out[:, 9 + side_i] = nose + np.array([sign * 0.015 * H, -0.025 * H, 0.005 * H])  # mouth
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
        """Absolute landmarks (..., 33, 3) -> normalised image x, y, z (..., 33, 3).

        z is depth relative to the hips' midpoint, on the scale of x, smaller nearer the camera
        (as MediaPipe reports it).
        """
        scale = self.fill / body.height_m  # normalised height units per metre
        x = 0.5 + pts[..., 0] * scale / self.aspect
        y = self.floor_y - pts[..., 1] * scale
        hips_z = (pts[..., 23, 2] + pts[..., 24, 2]) / 2
        z = (pts[..., 2] - hips_z[..., None]) * scale / self.aspect
        return np.stack([x, y, z], axis=-1)
