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
from sensors.motion.pose_features import PoseFeatures


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


class PosePunchDetector:
    """Punches: an arm shooting from bent (extension <= ``armed_ext``, a guard) to straight
    (>= ``hit_ext``) within ``max_rise_s``, the wrist no lower than ``min_raise`` trunk lengths
    below its shoulder when it straightens (a punch is thrown at about shoulder height; a guard
    being lowered straightens the arm on the way down); per arm, re-armed once bent again.

    Extension = shoulder-wrist distance / (upper arm + forearm), from the metric ``world``
    landmarks when present: a punch towards the camera is mostly depth, which the image hardly
    shows. Event ``punch`` at the moment ``hit_ext`` is crossed (interpolated), magnitude = mean
    extension speed over the rise in arm lengths per second. Arms that are straight already
    (raising, waving, swinging) never arm the detector, nor does a jogger's ~90 deg elbow
    (extension ~0.71).
    """

    def __init__(
        self,
        *,
        armed_ext: float = 0.6,
        hit_ext: float = 0.88,
        max_rise_s: float = 0.3,
        min_raise: float = -0.5,
        max_gap_s: float = 0.3,
        source: str = "pose",
    ) -> None:
        self.armed_ext, self.hit_ext, self.min_raise = armed_ext, hit_ext, min_raise
        self.max_rise_ns = int(max_rise_s * NS_PER_S)
        self.max_gap_ns = int(max_gap_s * NS_PER_S)
        self.source = source
        self.reset()

    def reset(self) -> None:
        self._armed: list[tuple[int, float] | None] = [None, None]  # last bent frame per arm
        self._prev: list[tuple[int, float] | None] = [None, None]

    def update(self, f: PoseFeatures, standing_trunk: float = math.nan) -> list[MotionEvent]:
        out: list[MotionEvent] = []
        unit = trunk_unit(f, standing_trunk)
        for k, (ext, raise_) in enumerate(((f.arm_ext_l, f.arm_raise_l), (f.arm_ext_r, f.arm_raise_r))):
            if math.isnan(ext):
                continue
            prev = self._prev[k]
            if prev is not None and f.t_ns - prev[0] > self.max_gap_ns:
                self._armed[k] = None
            self._prev[k] = (f.t_ns, ext)
            if ext <= self.armed_ext:
                self._armed[k] = (f.t_ns, ext)
                continue
            armed = self._armed[k]
            if armed is None or ext < self.hit_ext:
                continue
            self._armed[k] = None
            if f.t_ns - armed[0] > self.max_rise_ns or prev is None or not raise_ / unit >= self.min_raise:
                continue  # a slow straightening (reaching) or an arm going down, not a punch
            t_hit = _interp_time(prev[0], prev[1], f.t_ns, ext, self.hit_ext)
            speed = (self.hit_ext - armed[1]) / max((t_hit - armed[0]) / NS_PER_S, 1e-3)
            conf = min(1.0, max(0.3, (ext - armed[1]) / (1.0 - self.armed_ext)))
            out.append(MotionEvent(t_hit, "punch", conf, speed, self.source))
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


__all__ = ["PoseArmSwingDetector", "PoseArmsUpDetector", "PoseJackDetector", "PosePunchDetector", "trunk_unit"]
