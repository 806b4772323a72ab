"""Per-frame features from one BlazePose :class:`~sensors.samples.PoseFrame`.

Landmark topology: MediaPipe Pose / BlazePose 33 points (Bazarevsky et al. 2020,
"BlazePose: On-device Real-time Body Pose tracking", arXiv:2006.10204).

Units and conventions:

- Image quantities are in normalised image units, as the landmarks are: ``*_y`` values grow
  downwards (image rows), heights are differences taken so that *up is positive*.
- ``aspect_wh`` (image width / height) converts normalised x into the units of normalised y,
  so lengths and angles that mix x and y are not distorted by a non-square frame
  (MediaPipe normalises x by the width and y by the height). Default 1.0 when unknown.
- Angles are in degrees; a straight knee is 180 deg.
- A feature whose landmarks are not visible enough (visibility < ``min_visibility``, 0.5 by
  default) is ``nan`` and its ``*_ok`` flag is False; detectors skip frames that lack what
  they need instead of guessing.

Thresholds in the detectors are relative to the player's size in the image (standing hip
height above the floor), so they hold whether the player stands near or far from the camera.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from sensors.samples import PoseFrame

# BlazePose landmark indices (MediaPipe Pose landmark model).
NOSE = 0
L_SHOULDER, R_SHOULDER = 11, 12
L_ELBOW, R_ELBOW = 13, 14
L_WRIST, R_WRIST = 15, 16
L_HIP, R_HIP = 23, 24
L_KNEE, R_KNEE = 25, 26
L_ANKLE, R_ANKLE = 27, 28
L_HEEL, R_HEEL = 29, 30
L_FOOT_INDEX, R_FOOT_INDEX = 31, 32

#: Landmarks below this visibility are treated as missing.
MIN_VISIBILITY = 0.5

_NAN = math.nan


@dataclass(frozen=True, slots=True)
class ArmImage:
    """One arm as the picture shows it: what is left of its length after the camera's
    foreshortening, and which way its segments run in depth.

    ``upper_len``, ``fore_len``, ``reach_len``: apparent lengths in the picture (x and y only,
    y units) of shoulder-elbow, elbow-wrist and shoulder-wrist. A segment pointing at the
    camera shrinks towards 0 here whatever the pose model makes of its depth.
    ``upper_cos``, ``fore_cos``: the cosine between each segment and the camera's viewing axis,
    negative when it runs towards the camera (elbow nearer than the shoulder; wrist nearer than
    the elbow), from the metric ``world`` landmarks when present, else from the image z. Only
    their sign is trusted where they are large: the pose model's depth is its weakest axis.
    """

    upper_len: float
    fore_len: float
    reach_len: float
    upper_cos: float
    fore_cos: float


@dataclass(frozen=True, slots=True)
class PoseFeatures:
    """Features of one pose frame (see module docstring for units).

    ``hip_x``: x of the mid-hip point in y units (normalised x times ``aspect_wh``).
    ``legs_ok``: hips, knees and ankles all visible: the frame is usable for steps, jumps and
    squats. ``shoulders_ok``: both shoulders visible (torso length, lean).
    ``hip_y``: image y of the mid-hip point. ``foot_y_l/r``: image y of the lowest visible
    point of each foot (max y over ankle, heel, toe tip): the point that touches the floor.
    ``knee_y_l/r``: image y of the knees. ``hip_height``: lower foot y minus hip y, the hip's
    height above the supporting foot (image units, up positive). ``torso_len``: mid-shoulder to
    mid-hip distance (y units). ``knee_angle_l/r_deg``: hip-knee-ankle angle, 180 straight,
    from the metric ``world`` landmarks when present, else from image x, y, z.
    ``lean``: sine of the trunk's lateral tilt, positive towards the player's own right,
    from the offset of the mid-shoulder point from the mid-hip point.
    ``visibility``: the lowest visibility among the leg landmarks used (0 when missing).
    ``right_dir``: +1 when the player's own right is towards growing image x, -1 when it is
    towards shrinking x (a mirrored picture), ``nan`` when the hips are not seen or overlap
    (side-on to the camera), from the image positions of the right and left hips.

    Arms (``_l``/``_r`` = the player's left / right arm; ``nan`` when not seen):
    ``arm_raise_l/r``: height of the wrist above its shoulder (image units, up positive); when
    the wrist is not visible but the elbow is, 1.5 x the elbow's height (a straight arm's wrist
    is 1.77 x as high, a bent one's less: the estimate errs low); a wrist MediaPipe places
    above the top of the picture (out of frame, low visibility) counts with its position.
    ``wrist_out_l/r``: sideways distance of the wrist from its shoulder (y units, >= 0).
    ``arm_ext_l/r``: arm extension, shoulder-wrist distance over the upper arm plus forearm
    lengths (1 = straight arm), in 3D from ``world`` when present (a punch towards the camera
    is mostly depth), else from image x, y, z.
    ``arm_img_l/r``: the arm as the picture draws it (:class:`ArmImage`), for rebuilding depth
    the landmarks' own depth misses; None when the shoulder, elbow or wrist is not seen.
    ``legs_spread_deg``: angle between the two hip-to-ankle lines in the image (0 = legs
    parallel; ~30-50 in a jumping jack's open position), needs ``legs_ok``.
    """

    t_ns: int
    legs_ok: bool
    shoulders_ok: bool
    hip_y: float
    hip_x: float
    foot_y_l: float
    foot_y_r: float
    knee_y_l: float
    knee_y_r: float
    hip_height: float
    torso_len: float
    knee_angle_l_deg: float
    knee_angle_r_deg: float
    lean: float
    visibility: float
    arm_raise_l: float = _NAN
    arm_raise_r: float = _NAN
    wrist_out_l: float = _NAN
    wrist_out_r: float = _NAN
    arm_ext_l: float = _NAN
    arm_ext_r: float = _NAN
    legs_spread_deg: float = _NAN
    right_dir: float = _NAN
    arm_img_l: ArmImage | None = None
    arm_img_r: ArmImage | None = None

    @property
    def lower_foot_y(self) -> float:
        """Image y of the lower foot (the one on the floor while stepping)."""
        return max(self.foot_y_l, self.foot_y_r)

    @property
    def knee_angle_deg(self) -> float:
        """Mean of both knee angles."""
        return 0.5 * (self.knee_angle_l_deg + self.knee_angle_r_deg)


def _angle_deg(a: Sequence[float], b: Sequence[float], c: Sequence[float]) -> float:
    """Angle ABC in degrees between vectors B->A and B->C (3D)."""
    u = (a[0] - b[0], a[1] - b[1], a[2] - b[2])
    v = (c[0] - b[0], c[1] - b[1], c[2] - b[2])
    nu = math.sqrt(u[0] * u[0] + u[1] * u[1] + u[2] * u[2])
    nv = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    if nu == 0.0 or nv == 0.0:
        return _NAN
    cosang = (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (nu * nv)
    return math.degrees(math.acos(max(-1.0, min(1.0, cosang))))


def extract_features(frame: PoseFrame, *, aspect_wh: float = 1.0, min_visibility: float = MIN_VISIBILITY) -> PoseFeatures:
    """Compute :class:`PoseFeatures` for one frame.

    Pure and cheap (plain float arithmetic on 33 landmarks; a few microseconds), so it runs
    on every camera frame.
    """
    # One conversion to Python floats is much cheaper than many small numpy operations.
    lm: list[list[float]] = frame.landmarks.tolist()

    def vis(i: int) -> bool:
        return lm[i][3] >= min_visibility

    hips_ok = vis(L_HIP) and vis(R_HIP)
    legs_ok = hips_ok and vis(L_KNEE) and vis(R_KNEE) and vis(L_ANKLE) and vis(R_ANKLE)
    shoulders_ok = vis(L_SHOULDER) and vis(R_SHOULDER)

    hip_y = hip_x = _NAN
    if hips_ok:
        hip_y = 0.5 * (lm[L_HIP][1] + lm[R_HIP][1])
        hip_x = 0.5 * (lm[L_HIP][0] + lm[R_HIP][0]) * aspect_wh

    def foot_y(ankle: int, heel: int, toe: int) -> float:
        # Lowest visible point of the foot: the toe tip touches the floor last at take-off and
        # the ankle joint rises during plantar flexion, so the ankle alone would lengthen flight.
        ys = [lm[ankle][1]]
        if vis(heel):
            ys.append(lm[heel][1])
        if vis(toe):
            ys.append(lm[toe][1])
        return max(ys)

    foot_y_l = foot_y_r = knee_y_l = knee_y_r = hip_height = _NAN
    knee_l = knee_r = _NAN
    visibility = 0.0
    if legs_ok:
        foot_y_l = foot_y(L_ANKLE, L_HEEL, L_FOOT_INDEX)
        foot_y_r = foot_y(R_ANKLE, R_HEEL, R_FOOT_INDEX)
        knee_y_l = lm[L_KNEE][1]
        knee_y_r = lm[R_KNEE][1]
        hip_height = max(foot_y_l, foot_y_r) - hip_y
        visibility = min(lm[i][3] for i in (L_HIP, R_HIP, L_KNEE, R_KNEE, L_ANKLE, R_ANKLE))
        if frame.world is not None:
            w: list[list[float]] = frame.world.tolist()
            knee_l = _angle_deg(w[L_HIP], w[L_KNEE], w[L_ANKLE])
            knee_r = _angle_deg(w[R_HIP], w[R_KNEE], w[R_ANKLE])
        else:
            # Image x, y, z: z is on roughly the same scale as x (MediaPipe), so both are
            # converted to y units. Less reliable than world: knee flexion in a frontal view
            # is mostly in depth, where the image z is noisiest.
            def p(i: int) -> tuple[float, float, float]:
                return (lm[i][0] * aspect_wh, lm[i][1], lm[i][2] * aspect_wh)

            knee_l = _angle_deg(p(L_HIP), p(L_KNEE), p(L_ANKLE))
            knee_r = _angle_deg(p(R_HIP), p(R_KNEE), p(R_ANKLE))

    torso_len = lean = right_dir = _NAN
    if hips_ok:
        hips_apart = (lm[R_HIP][0] - lm[L_HIP][0]) * aspect_wh
        # Hips at least ~2 cm apart in the picture (0.02 of a hip height of ~0.5 picture
        # heights): closer, the player is side-on and "right" is undefined.
        if abs(hips_apart) >= 0.01:
            right_dir = math.copysign(1.0, hips_apart)
    if shoulders_ok and hips_ok:
        sx = 0.5 * (lm[L_SHOULDER][0] + lm[R_SHOULDER][0]) * aspect_wh
        sy = 0.5 * (lm[L_SHOULDER][1] + lm[R_SHOULDER][1])
        dx, dy = sx - hip_x, sy - hip_y
        torso_len = math.hypot(dx, dy)
        # The player's right in the image is where the right hip is, whatever the mirroring.
        hips_dx = (lm[R_HIP][0] - lm[L_HIP][0]) * aspect_wh
        # Side-on to the camera the hips overlap and "right" is undefined: report no lean.
        if torso_len > 0 and abs(hips_dx) >= 0.15 * torso_len:
            lean = math.copysign(1.0, hips_dx) * dx / torso_len

    arm_raise = [_NAN, _NAN]
    wrist_out = [_NAN, _NAN]
    arm_ext = [_NAN, _NAN]
    arm_img: list[ArmImage | None] = [None, None]
    world: list[list[float]] | None = frame.world.tolist() if frame.world is not None else None
    for k, (sh, el, wr) in enumerate(((L_SHOULDER, L_ELBOW, L_WRIST), (R_SHOULDER, R_ELBOW, R_WRIST))):
        if not vis(sh):
            continue
        if vis(wr) or lm[wr][1] < 0.0:
            arm_raise[k] = lm[sh][1] - lm[wr][1]
            wrist_out[k] = abs(lm[wr][0] - lm[sh][0]) * aspect_wh
        elif vis(el):
            arm_raise[k] = 1.5 * (lm[sh][1] - lm[el][1])
        if vis(el) and vis(wr):
            a: Sequence[float]
            b: Sequence[float]
            c: Sequence[float]
            if world is not None:
                a, b, c = world[sh], world[el], world[wr]
            else:
                a, b, c = ((lm[i][0] * aspect_wh, lm[i][1], lm[i][2] * aspect_wh) for i in (sh, el, wr))
            upper, fore, reach = math.dist(a, b), math.dist(b, c), math.dist(a, c)
            if upper + fore > 0:
                arm_ext[k] = reach / (upper + fore)
            arm_img[k] = _arm_image(lm, a, b, c, (sh, el, wr), aspect_wh)

    spread = _NAN
    if legs_ok:

        def leg_angle(hip: int, ankle: int) -> float:
            return math.atan2((lm[ankle][0] - lm[hip][0]) * aspect_wh, lm[ankle][1] - lm[hip][1])

        # Signed so that feet apart is positive whichever way the picture is mirrored (the left
        # hip is on the image's right for a player facing an unmirrored camera); crossed legs < 0.
        side = 1.0 if lm[L_HIP][0] >= lm[R_HIP][0] else -1.0
        spread = side * math.degrees(leg_angle(L_HIP, L_ANKLE) - leg_angle(R_HIP, R_ANKLE))

    return PoseFeatures(
        t_ns=frame.t_host_ns,
        legs_ok=legs_ok,
        shoulders_ok=shoulders_ok,
        hip_y=hip_y,
        hip_x=hip_x,
        foot_y_l=foot_y_l,
        foot_y_r=foot_y_r,
        knee_y_l=knee_y_l,
        knee_y_r=knee_y_r,
        hip_height=hip_height,
        torso_len=torso_len,
        knee_angle_l_deg=knee_l,
        knee_angle_r_deg=knee_r,
        lean=lean,
        visibility=visibility,
        arm_raise_l=arm_raise[0],
        arm_raise_r=arm_raise[1],
        wrist_out_l=wrist_out[0],
        wrist_out_r=wrist_out[1],
        arm_ext_l=arm_ext[0],
        arm_ext_r=arm_ext[1],
        legs_spread_deg=spread,
        right_dir=right_dir,
        arm_img_l=arm_img[0],
        arm_img_r=arm_img[1],
    )


def _depth_cos(p: Sequence[float], q: Sequence[float]) -> float:
    """Cosine between the segment p->q (3D) and the camera's axis (+z away from the camera)."""
    n = math.dist(p, q)
    return (q[2] - p[2]) / n if n > 0 else 0.0


def _arm_image(
    lm: list[list[float]],
    a: Sequence[float],
    b: Sequence[float],
    c: Sequence[float],
    idx: tuple[int, int, int],
    aspect_wh: float,
) -> ArmImage:
    """:class:`ArmImage` of one arm: ``lm`` the image landmarks, ``a``, ``b``, ``c`` the 3D
    shoulder, elbow and wrist (world or image x, y, z) whose depth gives the directions."""
    sh, el, wr = ((lm[i][0] * aspect_wh, lm[i][1]) for i in idx)
    return ArmImage(
        upper_len=math.dist(sh, el),
        fore_len=math.dist(el, wr),
        reach_len=math.dist(sh, wr),
        upper_cos=_depth_cos(a, b),
        fore_cos=_depth_cos(b, c),
    )


__all__ = ["MIN_VISIBILITY", "ArmImage", "PoseFeatures", "extract_features"]
