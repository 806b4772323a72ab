"""Step, jump and squat detectors over pose frames (webcam BlazePose landmarks).

Placement assumptions (all detectors here): one player, whole body in view (hips, knees and
ankles visible), facing the camera roughly frontally (up to ~45 deg turned), camera still and
roughly level, player standing on a floor that is flat in the image. All thresholds are
fractions of the player's standing hip height above the floor *in the image*
(:class:`StandingBaseline`), so they do not depend on distance to the camera.

Every detector is a pure step function: ``update(features) -> list[MotionEvent]`` over
:class:`~sensors.motion.pose_features.PoseFeatures` stamped with the frame's capture time.
No clock, no I/O. Event times are movement times interpolated between frames.
"""

from __future__ import annotations

import collections
import math

from sensors.clock import NS_PER_S
from sensors.motion.cadence import CadenceEstimator
from sensors.motion.events import MotionEvent
from sensors.motion.pose_arms import PoseArmsUpDetector, PoseArmSwingDetector, PoseJackDetector, PosePunchDetector
from sensors.motion.pose_features import PoseFeatures, extract_features
from sensors.samples import PoseFrame

#: Standard gravity, m/s^2.
G_MPS2 = 9.80665

#: Frames further apart than this break a movement in progress (tracking was lost).
MAX_FRAME_GAP_S = 0.5


def jump_height_from_flight_m(flight_s: float) -> float:
    """Jump height (m) of the centre of mass from flight time (s): h = g t^2 / 8.

    Bosco C, Luhtanen P, Komi PV. A simple method for measurement of mechanical power in
    jumping. Eur J Appl Physiol 1983;50:273-282. Assumes take-off and landing in the same
    posture (ballistic flight, rise time = t/2).
    """
    return G_MPS2 * flight_s * flight_s / 8.0


def _interp_time(t_a: int, v_a: float, t_b: int, v_b: float, level: float) -> int:
    """Time at which the line through (t_a, v_a), (t_b, v_b) reaches ``level``, kept in [t_a, t_b]."""
    if v_b == v_a:
        return t_b
    frac = min(1.0, max(0.0, (level - v_a) / (v_b - v_a)))
    return t_a + round(frac * (t_b - t_a))


def as_features(item: PoseFrame | PoseFeatures, aspect_wh: float = 1.0) -> PoseFeatures:
    """Features of a frame (computed) or features as they are."""
    return extract_features(item, aspect_wh=aspect_wh) if isinstance(item, PoseFrame) else item


def _ema_alpha(dt_ns: int, tau_s: float) -> float:
    return 1.0 - math.exp(-max(dt_ns, 0) / (tau_s * NS_PER_S))


class StandingBaseline:
    """The player's neutral standing posture, in image units (y down).

    ``floor_y``: image y of the feet on the floor. ``hip_height``: hip height above the floor
    while standing (the size unit of every pose threshold). ``torso_len``: standing torso length.

    Initialised provisionally from the first usable frame (the player is assumed to start
    upright), then adapted while the player stands still, straight-legged and upright (hip
    range, foot range < ``still_tol`` of hip height over ``still_window_s``): quickly at first,
    slowly once calibrated, so a held squat or lunge does not become the new "standing".
    Between still periods the floor line follows the supporting foot slowly, except during
    jumps. :meth:`calibrate` sets it explicitly (e.g. from a calibration screen).
    """

    def __init__(
        self,
        *,
        still_window_s: float = 0.5,
        still_tol: float = 0.025,
        tau_provisional_s: float = 0.2,
        tau_s: float = 1.0,
        floor_tau_s: float = 2.0,
        calibrate_after_s: float = 1.0,
    ) -> None:
        self.still_window_ns = int(still_window_s * NS_PER_S)
        self.still_tol = still_tol
        self.tau_provisional_s = tau_provisional_s
        self.tau_s = tau_s
        self.floor_tau_s = floor_tau_s
        self.calibrate_after_ns = int(calibrate_after_s * NS_PER_S)
        self.reset()

    def reset(self) -> None:
        self.floor_y = math.nan
        self.hip_height = math.nan
        self.torso_len = math.nan
        self.calibrated = False
        self.still = False
        self._still_ns = 0
        self._last_t: int | None = None
        self._window: collections.deque[tuple[int, float, float, float]] = collections.deque()

    @property
    def ready(self) -> bool:
        return self.hip_height > 0

    def calibrate(self, floor_y: float, hip_height: float, torso_len: float = math.nan) -> None:
        """Set the standing posture explicitly (image units)."""
        if not hip_height > 0:
            raise ValueError(f"hip_height must be positive, got {hip_height}")
        self.floor_y, self.hip_height, self.torso_len = floor_y, hip_height, torso_len
        self.calibrated = True

    def calibrate_from(self, f: PoseFeatures) -> None:
        """Take ``f`` (a frame of the player standing upright) as the standing posture."""
        if not f.legs_ok:
            raise ValueError("calibration needs a frame with hips, knees and ankles visible")
        self.calibrate(f.lower_foot_y, f.hip_height, f.torso_len)

    def update(self, f: PoseFeatures, *, airborne: bool = False) -> None:
        if not f.legs_ok or not f.hip_height > 0:
            return
        dt = 0 if self._last_t is None else f.t_ns - self._last_t
        self._last_t = f.t_ns
        if not self.ready:
            self.floor_y, self.hip_height, self.torso_len = f.lower_foot_y, f.hip_height, f.torso_len
            return
        w = self._window
        w.append((f.t_ns, f.hip_y, f.foot_y_l, f.foot_y_r))
        while w and w[0][0] < f.t_ns - self.still_window_ns:
            w.popleft()
        tol = self.still_tol * self.hip_height
        spans_window = f.t_ns - w[0][0] >= 0.8 * self.still_window_ns
        still = spans_window and not airborne and all(max(v[k] for v in w) - min(v[k] for v in w) < tol for k in (1, 2, 3))
        # Standing, not crouching: straight knees, both feet level, and either near the known
        # hip height or shrunk in proportion with the torso (the player moved away from the
        # camera, which scales everything alike).
        ratio = f.hip_height / self.hip_height
        torso_ratio = f.torso_len / self.torso_len if self.torso_len > 0 else math.nan
        upright = (
            f.knee_angle_deg >= 160.0
            and abs(f.foot_y_l - f.foot_y_r) < 2 * tol
            and (not self.calibrated or ratio > 0.9 or abs(ratio - torso_ratio) < 0.06)
        )
        self.still = still and upright
        if self.still:
            self._still_ns += dt
            a = _ema_alpha(dt, self.tau_s if self.calibrated else self.tau_provisional_s)
            self.floor_y += a * (f.lower_foot_y - self.floor_y)
            self.hip_height += a * (f.hip_height - self.hip_height)
            if f.torso_len > 0:
                self.torso_len = f.torso_len if not self.torso_len > 0 else (self.torso_len + a * (f.torso_len - self.torso_len))
            if self._still_ns >= self.calibrate_after_ns:
                self.calibrated = True
        elif not airborne and abs(f.lower_foot_y - self.floor_y) < 0.06 * self.hip_height:
            # Supporting foot near the floor line: let the line follow it slowly (camera bob,
            # small shifts of position), but never during flight.
            self.floor_y += _ema_alpha(dt, self.floor_tau_s) * (f.lower_foot_y - self.floor_y)


class PoseStepDetector:
    """Steps while jogging or marching in place, from alternating left/right leg lift.

    Signal: ``s`` = the left leg's height above the right leg, averaged over feet and knees,
    in units of standing hip height; positive = left leg higher. Being a left-minus-right
    difference it ignores whole-body motion (jumps, squats, camera shake). A slow running mean
    removes a constant offset (camera roll, stance). Hysteresis: a leg counts as lifted once
    ``|s| > lift_on`` for ``min_frames`` frames, and as set down when ``|s|`` falls back below
    ``lift_off``; the step event is at that set-down moment (foot contact), interpolated between
    frames. Magnitude 1.0; confidence grows with the lift height.

    Placement: frontal camera, legs visible. Steps with very low lift (shuffling, < ~5 % of hip
    height, i.e. ~4 cm) are not counted.
    """

    def __init__(
        self,
        baseline: StandingBaseline | None = None,
        *,
        lift_on: float = 0.05,
        lift_off: float = 0.02,
        min_frames: int = 2,
        smooth_tau_s: float = 0.05,
        offset_tau_s: float = 4.0,
        source: str = "pose",
    ) -> None:
        self._own_baseline = baseline is None
        self.baseline = baseline if baseline is not None else StandingBaseline()
        self.lift_on, self.lift_off, self.min_frames = lift_on, lift_off, min_frames
        self.smooth_tau_s, self.offset_tau_s = smooth_tau_s, offset_tau_s
        self.source = source
        self.cadence = CadenceEstimator(latency_s=0.2)
        self.reset()

    def reset(self) -> None:
        if self._own_baseline:
            self.baseline.reset()
        self.cadence.reset()
        self._s = 0.0
        self._offset = 0.0
        self._side = 0  # +1 left lifted, -1 right lifted, 0 neither
        self._count = 0
        self._peak = 0.0
        self._last: tuple[int, float] | None = None

    def cadence_spm(self, now_ns: int) -> float:
        return self.cadence.cadence_spm(now_ns)

    def update(self, item: PoseFrame | PoseFeatures) -> list[MotionEvent]:
        f = as_features(item)
        if self._own_baseline:
            self.baseline.update(f)
        if not f.legs_ok or not self.baseline.ready:
            return []
        h0 = self.baseline.hip_height
        raw = 0.5 * ((f.foot_y_r - f.foot_y_l) + (f.knee_y_r - f.knee_y_l)) / h0
        if self._last is None or f.t_ns - self._last[0] > MAX_FRAME_GAP_S * NS_PER_S:
            self._s, self._side, self._count = raw - self._offset, 0, 0
            self._last = (f.t_ns, self._s)
            return []
        dt = f.t_ns - self._last[0]
        if dt <= 0:
            return []
        self._offset += _ema_alpha(dt, self.offset_tau_s) * (raw - self._offset)
        s = self._s + _ema_alpha(dt, self.smooth_tau_s) * (raw - self._offset - self._s)
        t_prev, s_prev = self._last
        self._s = s
        self._last = (f.t_ns, s)

        events: list[MotionEvent] = []
        side_s = s * self._side  # lift of the currently lifted leg (positive while up)
        if self._side != 0:
            self._peak = max(self._peak, side_s)
            if side_s < self.lift_off:
                t_down = _interp_time(t_prev, s_prev * self._side, f.t_ns, side_s, self.lift_off)
                conf = min(1.0, max(0.3, self._peak / (3 * self.lift_on)))
                events.append(MotionEvent(t_down, "step", conf, 1.0, self.source))
                self.cadence.add_step(t_down)
                self._side, self._count = 0, 0
        if self._side == 0:
            if abs(s) > self.lift_on:
                sign = 1 if s > 0 else -1
                self._count = self._count + sign if self._count * sign > 0 else sign
                if abs(self._count) >= self.min_frames:
                    self._side, self._peak, self._count = sign, abs(s), 0
            else:
                self._count = 0
        return events


class PoseJumpDetector:
    """Jumps from both feet and the hip rising above the standing baseline.

    Airborne when the *lower* foot is more than ``foot_on`` and the hip more than ``hip_on``
    (fractions of standing hip height) above their standing levels, with both feet within
    ``two_foot_tol`` of each other (a two-footed jump, not the flight phase of a running step)
    for ``min_frames`` consecutive frames, or in a single frame when the feet are already more
    than ``foot_sure`` and the hip more than ``hip_sure`` up and rising (a real jump is there a
    frame after take-off at 30 fps; jogging, squats and jumping jacks stay under 0.02 and 0.04 on
    the simulated player, and one frame saves 33 ms). Take-off and landing are
    the moments the lower foot leaves / regains the floor (``foot_off`` band), extrapolated
    between frames to floor level from the foot's frame-to-frame velocity, so flight time is
    not shortened by the detection band. Two events per jump, both at take-off time: a
    ``takeoff`` emitted as soon as the player is found airborne (magnitude 1.0, for a game that
    must answer the jump in the air), and a ``jump`` emitted at landing with magnitude = height
    from flight time h = g t^2 / 8 (Bosco et al. 1983), in metres.
    ``airborne`` is True from detection to landing. Jumps lower than ``min_height_m`` get no
    ``jump`` event (their take-off was reported before their height was known).

    Placement: camera still (a moving camera shifts the floor line); flights longer than
    ``max_flight_s`` (e.g. the player walked away from the camera) are discarded.
    """

    def __init__(
        self,
        baseline: StandingBaseline | None = None,
        *,
        foot_on: float = 0.05,
        foot_off: float = 0.015,
        hip_on: float = 0.03,
        min_height_m: float = 0.03,
        max_flight_s: float = 1.0,
        min_frames: int = 2,
        two_foot_tol: float = 0.08,
        foot_sure: float = 0.06,
        hip_sure: float = 0.08,
        source: str = "pose",
    ) -> None:
        self.two_foot_tol = two_foot_tol
        self.foot_sure, self.hip_sure = foot_sure, hip_sure
        self._own_baseline = baseline is None
        self.baseline = baseline if baseline is not None else StandingBaseline()
        self.min_frames = min_frames
        self.foot_on, self.foot_off, self.hip_on = foot_on, foot_off, hip_on
        self.min_height_m = min_height_m
        self.max_flight_ns = int(max_flight_s * NS_PER_S)
        self.source = source
        self.reset()

    def reset(self) -> None:
        if self._own_baseline:
            self.baseline.reset()
        self.airborne = False
        self.takeoff_ns: int | None = None
        self.last_flight: tuple[int, int] | None = None  # (take-off, landing) of the last jump
        self._peak = 0.0
        self._above = 0
        self._cooldown = False
        self._hist: collections.deque[tuple[int, float]] = collections.deque(maxlen=12)

    def update(self, item: PoseFrame | PoseFeatures) -> list[MotionEvent]:
        f = as_features(item)
        if self._own_baseline:
            self.baseline.update(f, airborne=self.airborne)
        if not f.legs_ok or not self.baseline.ready:
            return []
        b = self.baseline
        foot_h = (b.floor_y - f.lower_foot_y) / b.hip_height
        hip_rise = ((b.floor_y - f.hip_y) - b.hip_height) / b.hip_height
        hist = self._hist
        if hist and f.t_ns - hist[-1][0] > MAX_FRAME_GAP_S * NS_PER_S:
            hist.clear()
            self.airborne, self._cooldown = False, foot_h > self.foot_off
        prev = hist[-1] if hist else None
        hist.append((f.t_ns, foot_h))

        if self._cooldown:  # after an aborted flight: wait for the feet to come down
            self._cooldown = foot_h > self.foot_off
            return []
        if not self.airborne:
            # Two consecutive frames above the bands: one noisy frame is not a flight.
            # Both feet together: in running the stance foot may leave the floor too, but one
            # foot is then far higher than the other.
            two_footed = abs(f.foot_y_l - f.foot_y_r) / b.hip_height < self.two_foot_tol
            up = foot_h > self.foot_on and hip_rise > self.hip_on and two_footed
            sure = up and foot_h > self.foot_sure and hip_rise > self.hip_sure and prev is not None and prev[1] < foot_h
            self._above = self._above + 1 if up else 0
            if self._above >= self.min_frames or sure:
                self.airborne, self._peak, self._above = True, foot_h, 0
                self.takeoff_ns = self._find_takeoff()
                conf = min(1.0, max(0.3, foot_h / (3 * self.foot_on)))
                return [MotionEvent(self.takeoff_ns, "takeoff", conf, 1.0, self.source)]
            return []
        self._peak = max(self._peak, foot_h)
        assert self.takeoff_ns is not None
        if f.t_ns - self.takeoff_ns > self.max_flight_ns:
            self.airborne, self._cooldown = False, True
            return []
        if foot_h > self.foot_off or prev is None:
            return []
        # Landed between the previous frame and this one.
        t_land = _interp_time(prev[0], prev[1], f.t_ns, foot_h, 0.0)
        t_off = self.takeoff_ns
        self.airborne = False
        height = jump_height_from_flight_m((t_land - t_off) / NS_PER_S)
        if height < self.min_height_m:
            return []  # a hop too small to clear anything (or landmark noise)
        self.last_flight = (t_off, t_land)
        conf = min(1.0, max(0.3, self._peak / (3 * self.foot_on)))
        return [MotionEvent(t_off, "jump", conf, height, self.source)]

    def _find_takeoff(self) -> int:
        hist = list(self._hist)
        for i in range(len(hist) - 1, 0, -1):
            if hist[i - 1][1] <= self.foot_off:
                (t_a, h_a), (t_b, h_b) = hist[i - 1], hist[i]
                return _interp_time(t_a, h_a, t_b, h_b, 0.0)
        return hist[0][0]


class PoseSquatDetector:
    """Squats from the hip dropping towards the feet with the knees bent.

    ``depth`` = 1 - (hip height above the supporting foot) / (standing hip height): 0 upright,
    ~0.3-0.5 thighs parallel, smoothed with ``smooth_tau_s``. ``crouch``: the same drop clipped
    to 0..1, continuous, every frame, smoothed only with ``crouch_tau_s``: it is what a game holds
    "duck" on, and every 10 ms of smoothing is 10 ms of lag on a moving hip (the binding's
    hysteresis, not the smoothing, keeps the hold steady).
    A squat starts when depth >= ``enter_depth`` with the mean knee angle <= ``max_knee_deg``
    (a hip that drops without knee flexion is the player moving away from the camera, not a
    squat). The bottom is found when depth has come back up by ``rebound``; one event per squat
    at the bottom's time with magnitude = bottom depth, if it reached ``min_depth``. A new
    squat needs depth < ``exit_depth`` first (hysteresis).

    Events are held ``hold_s`` after the bottom so that a jump's countermovement dip can be
    withdrawn (:meth:`veto`) by :class:`PoseMotionDetector` once the take-off is seen.

    Placement: frontal camera, knees and ankles visible; knee angles are most reliable with
    ``world`` landmarks.
    """

    def __init__(
        self,
        baseline: StandingBaseline | None = None,
        *,
        enter_depth: float = 0.10,
        min_depth: float = 0.15,
        exit_depth: float = 0.06,
        rebound: float = 0.04,
        max_knee_deg: float = 160.0,
        hold_s: float = 0.5,
        smooth_tau_s: float = 0.08,
        crouch_tau_s: float = 0.03,
        source: str = "pose",
    ) -> None:
        self.smooth_tau_s, self.crouch_tau_s = smooth_tau_s, crouch_tau_s
        self._own_baseline = baseline is None
        self.baseline = baseline if baseline is not None else StandingBaseline()
        self.enter_depth, self.min_depth, self.exit_depth = enter_depth, min_depth, exit_depth
        self.rebound, self.max_knee_deg = rebound, max_knee_deg
        self.hold_ns = int(hold_s * NS_PER_S)
        self.source = source
        self.reset()

    def reset(self) -> None:
        if self._own_baseline:
            self.baseline.reset()
        self.crouch = 0.0
        self.depth = 0.0
        self._drop = 0.0  # the lightly smoothed depth behind crouch
        self._state = "up"  # up -> down -> done -> up
        self._max_depth = 0.0
        self._track: list[tuple[int, float]] = []
        self._last_t: int | None = None
        self._pending: list[MotionEvent] = []
        self._suppress_until = -1

    def veto(self, t_from_ns: int, t_to_ns: int) -> None:
        """Withdraw held squats whose bottom lies in [t_from, t_to] and ignore new bottoms up to t_to."""
        self._pending = [e for e in self._pending if not t_from_ns <= e.t_ns <= t_to_ns]
        self._suppress_until = max(self._suppress_until, t_to_ns)

    def update(self, item: PoseFrame | PoseFeatures) -> list[MotionEvent]:
        f = as_features(item)
        if self._own_baseline:
            self.baseline.update(f)
        out = [e for e in self._pending if f.t_ns - e.t_ns >= self.hold_ns]
        if out:
            self._pending = [e for e in self._pending if f.t_ns - e.t_ns < self.hold_ns]
        if not f.legs_ok or not self.baseline.ready:
            return out
        raw = 1.0 - f.hip_height / self.baseline.hip_height
        # Light smoothing: hip and foot jitter of a few pixels is several % of depth.
        if self._last_t is None or f.t_ns - self._last_t > MAX_FRAME_GAP_S * NS_PER_S:
            depth = drop = raw
        else:
            dt = f.t_ns - self._last_t
            depth = self.depth + _ema_alpha(dt, self.smooth_tau_s) * (raw - self.depth)
            drop = self._drop + _ema_alpha(dt, self.crouch_tau_s) * (raw - self._drop)
        self._last_t = f.t_ns
        self.depth, self._drop = depth, drop
        self.crouch = min(1.0, max(0.0, drop))
        knees_bent = f.knee_angle_deg <= self.max_knee_deg  # False when nan
        if self._state == "up":
            if depth >= self.enter_depth and knees_bent:
                self._state, self._max_depth = "down", depth
                self._track = [(f.t_ns, depth)]
        elif self._state == "down":
            self._track.append((f.t_ns, depth))
            self._max_depth = max(self._max_depth, depth)
            if depth <= self._max_depth - self.rebound:
                # The bottom is flat and the landmarks jitter: take the middle of the frames
                # within half the rebound of the deepest, not the single deepest frame.
                near = [t for t, d in self._track if d >= self._max_depth - 0.5 * self.rebound]
                t_bottom = (near[0] + near[-1]) // 2
                if self._max_depth >= self.min_depth and t_bottom > self._suppress_until:
                    conf = min(1.0, max(0.3, self._max_depth / (2 * self.min_depth)))
                    self._pending.append(MotionEvent(t_bottom, "squat", conf, self._max_depth, self.source))
                self._state, self._track = "done", []
            if depth < self.exit_depth:
                self._state = "up"
        elif depth < self.exit_depth:
            self._state = "up"
        return out


class PoseSideDetector:
    """Side steps: where the hips stand across the floor, relative to the player's home spot.

    ``side`` = (mid-hip x - home x) / standing hip height, signed so that + is towards the
    player's own right (:attr:`PoseFeatures.right_dir`), so it holds for a mirrored picture.
    A step of one shoulder width moves the hips about 0.49 standing hip heights (Winter's
    segment proportions: biacromial breadth 0.259 H, hip height 0.530 H; Winter DA,
    Biomechanics and Motor Control of Human Movement, 4th ed. 2009, fig. 4.1), so ``on`` = 0.25
    is half such a step, well above the hips' sway while standing or jogging on the spot
    (a few centimetres, < 0.05) and a lateral trunk lean (the hips move the other way, less).

    Home is the first usable position, then follows the hips while they are near it (within
    ``off``) with time constant ``home_tau_s`` (camera drift, a shuffle), and with the slow
    ``away_tau_s`` while they are away, so a player who has moved for good gets a new home
    instead of an endless side step. Events: ``sidestep_left`` / ``sidestep_right`` when
    ``|side|`` reaches ``on`` for ``min_frames`` frames (time interpolated at the crossing),
    magnitude the offset then (hip heights, positive); re-armed once back within ``off``.

    Needs hips, knees and ankles (the unit is the standing hip height). After frames further
    apart than :data:`MAX_FRAME_GAP_S` a player found still stepped out must come back home
    before the next step counts; a player side-on to the camera is not read.
    """

    def __init__(
        self,
        baseline: StandingBaseline | None = None,
        *,
        on: float = 0.25,
        off: float = 0.12,
        min_frames: int = 2,
        home_tau_s: float = 3.0,
        away_tau_s: float = 20.0,
        source: str = "pose",
    ) -> None:
        if not 0 < off < on:
            raise ValueError(f"need 0 < off < on, got off={off}, on={on}")
        self._own_baseline = baseline is None
        self.baseline = baseline if baseline is not None else StandingBaseline()
        self.on, self.off, self.min_frames = on, off, min_frames
        self.home_tau_s, self.away_tau_s = home_tau_s, away_tau_s
        self.source = source
        self.reset()

    def reset(self) -> None:
        if self._own_baseline:
            self.baseline.reset()
        self.side = 0.0
        self.home_x = math.nan
        self._out = 0  # -1 / +1 while stepped out to the left / right, 0 at home
        self._count = 0
        self._last: tuple[int, float] | None = None

    def update(self, item: PoseFrame | PoseFeatures) -> list[MotionEvent]:
        f = as_features(item)
        if self._own_baseline:
            self.baseline.update(f)
        if not f.legs_ok or not self.baseline.ready or math.isnan(f.right_dir) or math.isnan(f.hip_x):
            return []
        h0 = self.baseline.hip_height
        if self._last is None or math.isnan(self.home_x) or f.t_ns - self._last[0] > MAX_FRAME_GAP_S * NS_PER_S:
            if math.isnan(self.home_x):
                self.home_x = f.hip_x
            self.side = (f.hip_x - self.home_x) / h0 * f.right_dir
            # Back from a gap still stepped out: that step was seen (or half seen) already.
            self._out = 0 if abs(self.side) < self.off else (1 if self.side > 0 else -1)
            self._count = 0
            self._last = (f.t_ns, self.side)
            return []
        dt = f.t_ns - self._last[0]
        if dt <= 0:
            return []
        side = (f.hip_x - self.home_x) / h0 * f.right_dir
        tau = self.home_tau_s if abs(side) < self.off else self.away_tau_s
        self.home_x += _ema_alpha(dt, tau) * (f.hip_x - self.home_x)
        t_prev, s_prev = self._last
        self.side = side
        self._last = (f.t_ns, side)
        events: list[MotionEvent] = []
        if self._out == 0:
            if abs(side) >= self.on:
                sign = 1 if side > 0 else -1
                self._count = self._count + sign if self._count * sign > 0 else sign
                if abs(self._count) >= self.min_frames:
                    self._out, self._count = sign, 0
                    t_cross = _interp_time(t_prev, s_prev * sign, f.t_ns, side * sign, self.on)
                    kind = "sidestep_right" if sign > 0 else "sidestep_left"
                    conf = min(1.0, max(0.3, abs(side) / (2 * self.on)))
                    events.append(MotionEvent(t_cross, kind, conf, abs(side), self.source))
            else:
                self._count = 0
        elif abs(side) < self.off:
            self._out = 0
        return events


class PoseMotionDetector:
    """Steps, jumps, squats, jumping jacks, punches, arm swings, arms up, crouch and lean from
    pose frames, sharing one standing baseline.

    Coordinates the detectors: a squat whose bottom falls just before a take-off (the jump's
    countermovement) or just after a landing (knees absorbing the landing) is withdrawn, and
    steps are not reported during a flight. A take-off that starts like a jumping jack's hop
    (:meth:`_jack_hop`) is not reported, and a flight during which the legs opened or closed
    like a jumping jack's (leg spread reaching the jack's open threshold) gets no ``jump`` at
    landing either. Arm swings whose sweep overlaps a jump's flight and landing, a squat, or an open
    jack are not counted (the arms move alike).

    ``lean``: lateral trunk lean -1 (player's left) .. 1 (right), the sine of the trunk's tilt
    divided by ``lean_full_scale`` (0.5: a 30 deg lean reads as 1), lightly smoothed.
    ``side``: the hips' offset across the floor from the player's home spot
    (:class:`PoseSideDetector`), with its side-step events.
    """

    #: A squat bottom within this long before a take-off is the jump's countermovement.
    COUNTERMOVEMENT_S = 0.8
    #: ... or within this long after a landing is the landing's absorption.
    LANDING_ABSORB_S = 0.6
    #: Without legs in view, the trunk unit is the longest trunk seen over this long (s).
    TRUNK_WINDOW_S = 5.0
    #: A take-off with a wrist this far out to the side (trunk lengths) is a jumping jack's hop.
    TAKEOFF_ARMS_OUT = 0.6

    def __init__(self, *, aspect_wh: float = 1.0, source: str = "pose", lean_full_scale: float = 0.5) -> None:
        self.aspect_wh = aspect_wh
        self.lean_full_scale = lean_full_scale  # sin(30 deg): lean of 30 deg reads as 1.0
        self.baseline = StandingBaseline()
        self.steps = PoseStepDetector(self.baseline, source=source)
        self.jumps = PoseJumpDetector(self.baseline, source=source)
        self.squats = PoseSquatDetector(self.baseline, source=source)
        self.jacks = PoseJackDetector(source=source)
        self.arms = PoseArmsUpDetector(source=source)
        self.punches = PosePunchDetector(source=source)
        self.swings = PoseArmSwingDetector(source=source)
        self.sides = PoseSideDetector(self.baseline, source=source)
        self.reset()

    def reset(self) -> None:
        self.baseline.reset()
        self.steps.reset()
        self.jumps.reset()
        self.squats.reset()
        self.jacks.reset()
        self.arms.reset()
        self.punches.reset()
        self.swings.reset()
        self.sides.reset()
        self.lean = 0.0
        self.last_usable_ns: int | None = None
        self._flight_spread = -math.inf  # widest leg spread seen in the current flight
        self._landed_ns: int | None = None

        self._trunks: collections.deque[tuple[int, float]] = collections.deque()

    @property
    def arms_up(self) -> bool:
        return self.arms.up

    def _trunk_estimate(self, f: PoseFeatures) -> float:
        """Trunk length when the legs are not seen (no standing baseline): the longest of the last
        ``TRUNK_WINDOW_S``, since leaning forward only ever shortens the trunk in the picture."""
        if f.torso_len > 0:
            self._trunks.append((f.t_ns, f.torso_len))
        while self._trunks and self._trunks[0][0] < f.t_ns - self.TRUNK_WINDOW_S * NS_PER_S:
            self._trunks.popleft()
        return max((v for _, v in self._trunks), default=math.nan)

    def _jack_hop(self, f: PoseFeatures, trunk: float) -> bool:
        """At take-off: does this flight look like a jumping jack's hop rather than a jump?

        The hop back in starts from the open posture (legs apart); the hop out starts with the
        arms sweeping up sideways, while a jump's arms swing forward (in a frontal picture they
        stay within the shoulders' width). Legs already apart at take-off, or a wrist more than
        ``TAKEOFF_ARMS_OUT`` trunk lengths out to the side of its shoulder, is a jack.
        """
        if self.jacks.state == "open":
            return True
        if f.legs_spread_deg >= self.jacks.spread_closed_deg:  # False when nan
            return True
        out = [v for v in (f.wrist_out_l, f.wrist_out_r) if not math.isnan(v)]
        return bool(out) and trunk > 0 and max(out) / trunk >= self.TAKEOFF_ARMS_OUT

    @property
    def airborne(self) -> bool:
        return self.jumps.airborne

    @property
    def crouch(self) -> float:
        return self.squats.crouch

    @property
    def side(self) -> float:
        return self.sides.side

    def update(self, item: PoseFrame | PoseFeatures) -> list[MotionEvent]:
        f = as_features(item, self.aspect_wh)
        if f.legs_ok:
            self.last_usable_ns = f.t_ns
        self.baseline.update(f, airborne=self.jumps.airborne)
        was_airborne = self.jumps.airborne
        found = self.jumps.update(f)
        takeoffs = [e for e in found if e.kind == "takeoff"]
        events = [e for e in found if e.kind == "jump"]  # a landing
        if was_airborne or self.jumps.airborne:
            if not math.isnan(f.legs_spread_deg):
                self._flight_spread = max(self._flight_spread, f.legs_spread_deg)
        if events:
            self._landed_ns = f.t_ns
            if self._flight_spread >= self.jacks.spread_open_deg:
                events = []  # a jumping jack's hop (legs opening or closing in the air)
        if not self.jumps.airborne:
            self._flight_spread = f.legs_spread_deg if not math.isnan(f.legs_spread_deg) else -math.inf
        cm_ns = int(self.COUNTERMOVEMENT_S * NS_PER_S)
        if self.jumps.airborne and self.jumps.takeoff_ns is not None:
            # Countermovement dip before take-off, or a tuck in flight: not squats.
            self.squats.veto(self.jumps.takeoff_ns - cm_ns, f.t_ns)
        if events and self.jumps.last_flight is not None:
            t_up, t_land = self.jumps.last_flight
            self.squats.veto(t_up - cm_ns, t_land + int(self.LANDING_ABSORB_S * NS_PER_S))
        flight_from = self.jumps.takeoff_ns if (self.jumps.airborne or events) else None
        for e in self.steps.update(f):
            if flight_from is None or not flight_from <= e.t_ns <= f.t_ns:  # no steps in flight
                events.append(e)
        events.extend(self.squats.update(f))
        events.extend(self.sides.update(f))
        trunk = self.baseline.torso_len if self.baseline.ready else self._trunk_estimate(f)
        if takeoffs and not self._jack_hop(f, trunk):
            events.extend(takeoffs)
        events.extend(self.jacks.update(f, trunk, self.squats.crouch))
        events.extend(self.arms.update(f, trunk))
        events.extend(self.punches.update(f, trunk))
        recently_landed = self._landed_ns is not None and f.t_ns - self._landed_ns < self.LANDING_ABSORB_S * NS_PER_S
        blocked = (
            not f.legs_ok
            or self.jumps.airborne
            or recently_landed
            or self.squats.crouch >= self.squats.enter_depth
            or self.jacks.state == "open"
        )
        events.extend(self.swings.update(f, trunk, blocked=blocked))
        if f.shoulders_ok and not math.isnan(f.lean):
            target = max(-1.0, min(1.0, f.lean / self.lean_full_scale))
            self.lean += 0.5 * (target - self.lean)  # light smoothing against landmark jitter
        events.sort(key=lambda e: e.t_ns)
        return events


__all__ = [
    "G_MPS2",
    "PoseJumpDetector",
    "PoseMotionDetector",
    "PoseSideDetector",
    "PoseSquatDetector",
    "PoseStepDetector",
    "StandingBaseline",
    "jump_height_from_flight_m",
]
