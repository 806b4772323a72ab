"""Arm movements from pose frames: jumping jacks, arms up, punches, double-pole arm swings.

Placement and camera assumptions (all detectors here): one player facing the camera roughly
frontally (up to ~45 deg turned), camera still and roughly level. Shoulders must be visible;
jumping jacks also need hips, knees and ankles (a jack is arms *and* legs). Every threshold is
relative to the player's own size in the picture, so camera distance does not matter:

- arm heights are in *trunk lengths* (mid-shoulder to mid-hip while standing, from the shared
  :class:`~sensors.motion.pose_detectors.StandingBaseline`, or the frame's own trunk when no
  standing posture is known yet); a standing adult's hanging wrist is ~1.15 trunk lengths
  below the shoulder, the nose ~0.37 above (Winter's segment proportions: shoulder 0.818 H,
  wrist 0.485 H, hip 0.530 H, nose ~0.925 H);
- leg spread is an angle between the legs (degrees), arm extension a ratio.

Each detector is a pure step function ``update(features) -> list[MotionEvent]`` over
:class:`~sensors.motion.pose_features.PoseFeatures` stamped with the capture time; no clock,
no I/O. Frames that lack the landmarks a detector needs are skipped; a gap longer than
``max_gap_s`` puts a detector back to waiting for a clear starting posture, so a movement
that was half-seen is never counted twice.
"""

from __future__ import annotations

import math

from sensors.clock import NS_PER_S
from sensors.motion.events import MotionEvent
from sensors.motion.pose_features import ArmImage, PoseFeatures


def _interp_time(t_a: int, v_a: float, t_b: int, v_b: float, level: float) -> int:
    """Time at which the line through (t_a, v_a), (t_b, v_b) reaches ``level``, kept in [t_a, t_b]."""
    if v_b == v_a or math.isnan(v_a):
        return t_b
    frac = min(1.0, max(0.0, (level - v_a) / (v_b - v_a)))
    return t_a + round(frac * (t_b - t_a))


def trunk_unit(f: PoseFeatures, standing_trunk: float = math.nan) -> float:
    """The length unit for arm heights: the standing trunk length when known, else this frame's
    (a bent-forward trunk looks shorter in a frontal picture, which would inflate arm heights)."""
    if standing_trunk > 0:
        return standing_trunk
    return f.torso_len if f.torso_len > 0 else math.nan


class PoseJackDetector:
    """Jumping jacks: arms from down to over the head *together with* the feet going apart, then
    back; one event per full cycle.

    Open: both wrists at least ``arms_up`` trunk lengths above their shoulders and the legs at
    least ``spread_open_deg`` apart (``legs_spread_deg``). Closed: both wrists at least
    ``-arms_down`` below their shoulders and the legs within ``spread_closed_deg``. The open
    posture is upright: hips lower than ``max_crouch`` of standing hip height (``crouch`` from
    the squat detector) are a squat with the arms up, whose knees also spread the legs. A jack is
    counted when the player goes from closed to open with arms and legs opening within
    ``sync_s`` of each other and stays open for ``min_frames`` frames; the next one needs the
    closed posture first. So arm raises with the feet together, a wide stance with arm waves,
    or a step out followed later by an arm raise are not jacks.

    Event: ``jumping_jack`` at the moment the open posture is reached (the later of arms and
    legs crossing their thresholds, interpolated between frames), magnitude 1.0, confidence
    from how far past both thresholds the open posture went.

    Needs shoulders, wrists (or elbows), hips, knees and ankles; frames without them are
    skipped. Works with jacks that hop or step out (low-impact), at any camera distance.
    """

    def __init__(
        self,
        *,
        arms_up: float = 0.5,
        arms_down: float = -0.3,
        spread_open_deg: float = 18.0,
        spread_closed_deg: float = 10.0,
        sync_s: float = 0.5,
        min_frames: int = 2,
        max_gap_s: float = 1.0,
        max_crouch: float = 0.15,
        source: str = "pose",
    ) -> None:
        self.arms_up, self.arms_down, self.max_crouch = arms_up, arms_down, max_crouch
        self.spread_open_deg, self.spread_closed_deg = spread_open_deg, spread_closed_deg
        self.sync_ns = int(sync_s * NS_PER_S)
        self.min_frames = min_frames
        self.max_gap_ns = int(max_gap_s * NS_PER_S)
        self.source = source
        self.reset()

    def reset(self) -> None:
        self.state = "unknown"  # unknown -> closed -> open -> closed ...
        self.count = 0
        self._last_t: int | None = None
        self._prev: tuple[int, float, float] | None = None  # (t, arms, spread) of the last usable frame
        self._t_arms: int | None = None  # when the arms crossed up since the last closed posture
        self._t_legs: int | None = None
        self._open_frames = 0
        self._peak = (0.0, 0.0)

    def update(self, f: PoseFeatures, standing_trunk: float = math.nan, crouch: float = 0.0) -> list[MotionEvent]:
        """``crouch``: the hips' drop as a share of standing hip height (0 when unknown)."""
        unit = trunk_unit(f, standing_trunk)
        arms_lo = min(f.arm_raise_l, f.arm_raise_r) / unit  # nan propagates: skipped below
        arms_hi = max(f.arm_raise_l, f.arm_raise_r) / unit
        spread = f.legs_spread_deg
        if not f.legs_ok or math.isnan(arms_lo) or math.isnan(arms_hi) or math.isnan(spread):
            return []
        if self._last_t is not None and f.t_ns - self._last_t > self.max_gap_ns:
            self.state, self._t_arms, self._t_legs, self._open_frames = "unknown", None, None, 0
        self._last_t = f.t_ns
        prev, self._prev = self._prev, (f.t_ns, arms_lo, spread)
        closed = arms_hi <= self.arms_down and spread <= self.spread_closed_deg
        if self.state != "closed":
            if closed:
                self.state, self._t_arms, self._t_legs, self._open_frames = "closed", None, None, 0
            return []
        arms_open = arms_lo >= self.arms_up
        legs_open = spread >= self.spread_open_deg and crouch < self.max_crouch
        if arms_open and self._t_arms is None:
            self._t_arms = f.t_ns if prev is None else _interp_time(prev[0], prev[1], f.t_ns, arms_lo, self.arms_up)
        elif arms_hi <= self.arms_down:
            self._t_arms = None  # the arms came back down without a jack: an arm raise
        if legs_open and self._t_legs is None:
            self._t_legs = f.t_ns if prev is None else _interp_time(prev[0], prev[2], f.t_ns, spread, self.spread_open_deg)
        elif spread <= self.spread_closed_deg:
            self._t_legs = None
        if not (arms_open and legs_open):
            self._open_frames = 0
            return []
        assert self._t_arms is not None and self._t_legs is not None
        if abs(self._t_arms - self._t_legs) > self.sync_ns:
            # One after the other (a step out, then an arm raise): wait for the closed posture.
            self.state = "open"
            return []
        self._open_frames += 1
        self._peak = (arms_lo, spread) if self._open_frames == 1 else (max(self._peak[0], arms_lo), max(self._peak[1], spread))
        if self._open_frames < self.min_frames:
            return []
        self.state = "open"
        self.count += 1
        margin = min(self._peak[0] / self.arms_up, self._peak[1] / self.spread_open_deg)
        conf = min(1.0, max(0.3, 0.5 * margin))
        return [MotionEvent(max(self._t_arms, self._t_legs), "jumping_jack", conf, 1.0, self.source)]


class PoseArmsUpDetector:
    """Arms up: both wrists at least ``on`` trunk lengths above their shoulders (0.5: the hands
    about at eye level or higher), held for ``min_frames`` frames; down again below ``off``.

    ``up`` is the state (every frame); an ``arms_up`` event marks each raise, at the moment the
    lower wrist crossed ``on`` (interpolated), magnitude = the lower wrist's peak height so far
    in trunk lengths. Needs shoulders and wrists (or elbows).
    """

    def __init__(
        self, *, on: float = 0.5, off: float = 0.3, min_frames: int = 2, max_gap_s: float = 0.5, source: str = "pose"
    ) -> None:
        self.on, self.off, self.min_frames = on, off, min_frames
        self.max_gap_ns = int(max_gap_s * NS_PER_S)
        self.source = source
        self.reset()

    def reset(self) -> None:
        self.up = False
        self._count = 0
        self._t_cross: int | None = None
        self._prev: tuple[int, float] | None = None

    def update(self, f: PoseFeatures, standing_trunk: float = math.nan) -> list[MotionEvent]:
        low = min(f.arm_raise_l, f.arm_raise_r) / trunk_unit(f, standing_trunk)
        if math.isnan(low):
            if self._prev is not None and f.t_ns - self._prev[0] > self.max_gap_ns:
                self.up, self._count, self._prev = False, 0, None
            return []
        prev, self._prev = self._prev, (f.t_ns, low)
        if self.up:
            if low < self.off:
                self.up = False
            return []
        if low < self.on:
            self._count, self._t_cross = 0, None
            return []
        if self._count == 0:
            self._t_cross = f.t_ns if prev is None else _interp_time(prev[0], prev[1], f.t_ns, low, self.on)
        self._count += 1
        if self._count < self.min_frames:
            return []
        self.up, self._count = True, 0
        assert self._t_cross is not None
        return [MotionEvent(self._t_cross, "arms_up", min(1.0, max(0.3, low / (2 * self.on))), low, self.source)]


#: Upper arm and forearm lengths over the trunk (mid-shoulder to mid-hip): Winter's segment
#: proportions (shoulder 0.818 H, elbow 0.630 H, wrist 0.485 H, hip 0.530 H; Winter, Biomechanics
#: and Motor Control of Human Movement, 4th ed. 2009, Fig. 4.1) give 0.188 / 0.288 and 0.145 /
#: 0.288 H. Only a prior: each arm's own segments are learnt while they lie across the picture.
UPPER_ARM_PER_TRUNK = 0.65
FOREARM_PER_TRUNK = 0.50
#: A learnt segment length stays within these multiples of the prior: below, a player who has
#: not yet shown a straight arm; above, a pose model's glitch that would fake depth ever after.
#: (The lite model's hanging upper arm reads ~0.86 of the prior on the simulated player's
#: pictures, its forearm ~1.0.)
SEGMENT_PRIOR_RANGE = (0.8, 1.25)
#: A segment's length is learnt from frames where it lies mostly across the picture (depth
#: cosine within this): there the picture loses at most 13 % of it (sqrt(1 - 0.5^2)), which the
#: cosine corrects, and the pose model's depth error matters little.
LEARN_MAX_COS = 0.5
#: Weight of the newest estimate in a segment's running length (after the first ten, which are
#: averaged alike): a few seconds of a player standing in view settle it.
LEARN_RATE = 0.1
#: A segment whose depth cosine is above this runs away from the camera; below it, towards it.
#: The pose model's depth is noisy, and a punch runs towards the camera, so only a clear
#: "away" turns the rebuilt depth round.
AWAY_COS = 0.3


def foreshortened_extension(arm: ArmImage, upper_len: float, fore_len: float) -> float:
    """Arm extension (shoulder-wrist distance over upper arm + forearm, 1 = straight) with each
    segment's depth rebuilt from how much of its length the picture lost.

    Under scaled orthographic projection a segment of true length ``L`` that the picture draws
    ``l`` long spans ``sqrt(L^2 - l^2)`` in depth (Taylor 2000, "Reconstruction of articulated
    objects from point correspondences in a single uncalibrated image", CVIU 80(3):349-363,
    eq. 1); the sign, which a single picture cannot give, is taken from ``arm``'s depth
    cosines (towards the camera unless clearly away, :data:`AWAY_COS`). A punch straight at the
    camera collapses both segments in the picture, so this reads it as straight where the
    pose model's own depth keeps it bent. ``upper_len``, ``fore_len``: the segments' true
    lengths in the picture's y units; ``nan`` when unknown.
    """
    if not (upper_len > 0 and fore_len > 0):
        return math.nan
    dz_u = math.sqrt(max(0.0, upper_len * upper_len - arm.upper_len * arm.upper_len))
    dz_f = math.sqrt(max(0.0, fore_len * fore_len - arm.fore_len * arm.fore_len))
    depth = (dz_u if arm.upper_cos > AWAY_COS else -dz_u) + (dz_f if arm.fore_cos > AWAY_COS else -dz_f)
    return min(1.0, math.hypot(arm.reach_len, depth) / (upper_len + fore_len))


class PosePunchDetector:
    """Punches: an arm shooting from bent (extension <= ``armed_ext``, a guard) to straight
    (>= ``hit_ext``) within ``max_rise_s``, the wrist no lower than ``min_raise`` trunk lengths
    below its shoulder when it straightens (a punch is thrown at about shoulder height; a guard
    being lowered straightens the arm on the way down); per arm, re-armed once bent again.

    Extension is read two ways, so that a punch in any direction shows in one of them:

    - the pose model's own: shoulder-wrist distance / (upper arm + forearm), from the metric
      ``world`` landmarks when present, else from image x, y, z (``PoseFeatures.arm_ext_*``).
      Side punches and simulated 2D streams read right here; a punch straight at the camera
      does not: on filmed pictures the lite model keeps such an arm at 0.63-0.67 in guard and
      0.78-0.80 at full extension, as its depth hardly moves;
    - rebuilt from foreshortening (:func:`foreshortened_extension`): the picture loses most of
      an arm that points at the camera, and the lost length is the depth. Each segment's true
      length is learnt while it lies across the picture (a hanging or sideways arm,
      :meth:`learn`), within :data:`SEGMENT_PRIOR_RANGE` of the body-proportion prior. On the
      same pictures this reads the guard at 0.3-0.6 and the punch at 0.8-1.0.

    Each reading arms (bent) and hits (straight) on its own, and a punch is one that either
    reading saw: a real straightening shows in at least one of them, an arm held straight
    (hanging, raised, waving, pole swings) never arms, and an arm that one reading keeps bent
    while the other reads it straight never swings in either. The rebuilt reading hits at
    ``fs_hit_ext`` (0.8, an elbow at ~107 deg), lower than the model's ``hit_ext``: it is only
    as straight as the model draws elbow and wrist over the shoulder, which on a fist at the
    camera it does partly (the filmed simulated player's straight arms read 0.8-1.0). So that
    it cannot fire on a bent arm's jitter, it must also have risen ``fs_min_rise`` from the
    armed guard's deepest bend: a guard-to-straight swing, not a jogger's ~0.7 arm.

    The time limit makes the straightening a strike rather than a reach. Straight punches are
    the quickest to deliver (jab and cross faster than hooks: Piorkowski, Lees & Barton 2011,
    Sports Biomech 10(1):1-11), the fist peaking at 6-9 m/s (the same study; 6.3-7.2 m/s for
    the lead straight in Liu et al. 2022, Front Physiol 13:1015154), so it covers the ~0.4 m
    from guard to extension in well under 0.2 s; 0.3 s from the last bent frame leaves room
    for an exergamer's slower punch and the camera's frame interval, and refuses a slow reach.

    Event ``punch`` at the moment the reading that saw it crossed its threshold (interpolated),
    ``hand`` the arm's own side ("left" / "right"), magnitude = mean extension speed from the
    last bent frame in arm lengths per second. A jogger's ~90 deg elbow (extension ~0.71) does
    not arm it.
    """

    def __init__(
        self,
        *,
        armed_ext: float = 0.6,
        hit_ext: float = 0.88,
        fs_hit_ext: float = 0.8,
        fs_min_rise: float = 0.35,
        max_rise_s: float = 0.3,
        min_raise: float = -0.5,
        max_gap_s: float = 0.3,
        source: str = "pose",
    ) -> None:
        self.armed_ext, self.hit_ext, self.min_raise = armed_ext, hit_ext, min_raise
        self.fs_hit_ext, self.fs_min_rise = fs_hit_ext, fs_min_rise
        self.max_rise_ns = int(max_rise_s * NS_PER_S)
        self.max_gap_ns = int(max_gap_s * NS_PER_S)
        self.source = source
        self.reset()

    def reset(self) -> None:
        # Per arm and reading (the model's, the rebuilt): the last bent frame's time and
        # extension, and the deepest bend since arming.
        self._armed: list[list[tuple[int, float, float] | None]] = [[None, None], [None, None]]
        self._prev: list[tuple[int, float, float] | None] = [None, None]  # (t, model, rebuilt)
        # Learnt upper arm and forearm lengths per arm (y units) and how many frames taught each.
        self._seen: list[list[float]] = [[0.0, 0.0], [0.0, 0.0]]
        self._taught: list[list[int]] = [[0, 0], [0, 0]]

    def segment_lengths(self, arm: int, unit: float) -> tuple[float, float]:
        """True upper arm and forearm lengths of ``arm`` (0 left, 1 right) in the picture's y
        units: as learnt (:meth:`learn`), kept within :data:`SEGMENT_PRIOR_RANGE` of the prior
        for a trunk ``unit`` long (the prior itself before anything is learnt); ``nan`` without
        a unit."""
        if not unit > 0:
            return math.nan, math.nan
        lo, hi = SEGMENT_PRIOR_RANGE
        out = []
        for seen, ratio in zip(self._seen[arm], (UPPER_ARM_PER_TRUNK, FOREARM_PER_TRUNK), strict=True):
            prior = ratio * unit
            out.append(min(hi * prior, max(lo * prior, seen)) if seen > 0 else prior)
        return out[0], out[1]

    def learn(self, arm: int, img: ArmImage) -> None:
        """Take the true segment lengths of ``arm`` from a frame where a segment lies mostly
        across the picture: its apparent length over the sine of its angle to the camera's axis."""
        for seg, (length, cos) in enumerate(((img.upper_len, img.upper_cos), (img.fore_len, img.fore_cos))):
            if abs(cos) > LEARN_MAX_COS or not length > 0:
                continue
            est = length / math.sqrt(1.0 - cos * cos)
            self._taught[arm][seg] += 1
            w = max(1.0 / self._taught[arm][seg], LEARN_RATE)
            self._seen[arm][seg] += w * (est - self._seen[arm][seg])

    def update(self, f: PoseFeatures, standing_trunk: float = math.nan) -> list[MotionEvent]:
        out: list[MotionEvent] = []
        unit = trunk_unit(f, standing_trunk)
        arms = ((f.arm_ext_l, f.arm_raise_l, f.arm_img_l), (f.arm_ext_r, f.arm_raise_r, f.arm_img_r))
        for k, (ext_model, raise_, img) in enumerate(arms):
            ext_fs = math.nan
            if img is not None:
                self.learn(k, img)
                ext_fs = foreshortened_extension(img, *self.segment_lengths(k, unit))
            if math.isnan(ext_model) and math.isnan(ext_fs):
                continue
            prev = self._prev[k]
            if prev is not None and f.t_ns - prev[0] > self.max_gap_ns:
                self._armed[k] = [None, None]
            self._prev[k] = (f.t_ns, ext_model, ext_fs)
            # Each reading arms and hits on its own: an arm that one reading keeps straight and
            # the other bent (a model whose depth is stuck) never swings in either.
            fired: tuple[int, float, tuple[int, float, float]] | None = None
            for r, (ext, hit, rise) in enumerate(
                ((ext_model, self.hit_ext, 0.0), (ext_fs, self.fs_hit_ext, self.fs_min_rise)),
            ):
                if math.isnan(ext):
                    continue
                armed = self._armed[k][r]
                if armed is not None and ext >= hit and ext - armed[2] >= rise:
                    fired = fired or (r, hit, armed)
                elif ext <= self.armed_ext:
                    # The last bent frame starts the time limit; the guard's deepest bend is
                    # what the rise is measured from.
                    self._armed[k][r] = (f.t_ns, ext, ext if armed is None else min(ext, armed[2]))
            if fired is None:
                continue
            self._armed[k] = [None, None]  # one punch, however many readings saw it
            r, level, armed = fired
            if f.t_ns - armed[0] > self.max_rise_ns or prev is None or not raise_ / unit >= self.min_raise:
                continue  # a slow straightening (reaching) or an arm going down, not a punch
            now = ext_model if r == 0 else ext_fs
            t_hit = _interp_time(prev[0], prev[1 + r], f.t_ns, now, level)
            speed = (level - armed[1]) / max((t_hit - armed[0]) / NS_PER_S, 1e-3)
            conf = min(1.0, max(0.3, (now - armed[2]) / (1.0 - self.armed_ext)))
            out.append(MotionEvent(t_hit, "punch", conf, speed, self.source, hand=("left", "right")[k]))
        return out


class PoseArmSwingDetector:
    """Double-pole arm swings (cross-country skiing without poles): both hands together from
    in front at or above shoulder height (mean wrist height >= ``top`` trunk lengths) down past
    the hips (<= ``bottom``) within ``max_sweep_s``, the two hands level with each other
    (difference <= ``max_asym``) and in front of the body, not out to the sides (sideways wrist
    distance from the shoulder <= ``max_out``: arms lowered sideways, as after a jumping jack
    or an arm wave, are not a pole push).

    Event ``arm_swing`` when the hands pass ``bottom`` (interpolated), magnitude = mean hand
    speed over the sweep in trunk lengths per second. Alternating arm swings of jogging are
    never level enough. A sweep during which ``blocked`` was passed (the coordinator says: a
    jump's flight or landing, a squat) does not count: their arm swings look alike. Needs
    both wrists (elbows alone are not enough) and, through the coordinator, the legs.
    """

    def __init__(
        self,
        *,
        top: float = 0.2,
        bottom: float = -0.9,
        max_sweep_s: float = 0.7,
        max_asym: float = 0.45,
        max_out: float = 0.6,
        source: str = "pose",
    ) -> None:
        self.top, self.bottom = top, bottom
        self.max_sweep_ns = int(max_sweep_s * NS_PER_S)
        self.max_asym, self.max_out = max_asym, max_out
        self.source = source
        self.reset()

    def reset(self) -> None:
        self._t_top: int | None = None  # last frame at the top of a clean sweep
        self._prev: tuple[int, float] | None = None

    def update(self, f: PoseFeatures, standing_trunk: float = math.nan, *, blocked: bool = False) -> list[MotionEvent]:
        unit = trunk_unit(f, standing_trunk)
        r_l, r_r = f.arm_raise_l / unit, f.arm_raise_r / unit
        if math.isnan(r_l) or math.isnan(r_r):
            return []
        mean = 0.5 * (r_l + r_r)
        prev, self._prev = self._prev, (f.t_ns, mean)
        # Both wrists must be seen: from elbows alone an arm lowered sideways looks like a push.
        out_side = max(f.wrist_out_l, f.wrist_out_r) / unit
        clean = not blocked and abs(r_l - r_r) <= self.max_asym and out_side <= self.max_out
        if not clean:
            self._t_top = None
            return []
        if mean >= self.top:
            self._t_top = f.t_ns
            return []
        if self._t_top is None or mean > self.bottom:
            return []
        t_top, self._t_top = self._t_top, None
        if prev is None or f.t_ns - t_top > self.max_sweep_ns:
            return []
        t_hit = _interp_time(prev[0], prev[1], f.t_ns, mean, self.bottom)
        speed = (self.top - self.bottom) / max((t_hit - t_top) / NS_PER_S, 1e-3)
        return [MotionEvent(t_hit, "arm_swing", 1.0 if mean < self.bottom - 0.1 else 0.7, speed, self.source)]


__all__ = [
    "PoseArmSwingDetector",
    "PoseArmsUpDetector",
    "PoseJackDetector",
    "PosePunchDetector",
    "foreshortened_extension",
    "trunk_unit",
]
