"""The simulated player: one virtual person whose heart rate, accelerometer and pose all come
from the same movement, sample by sample, on the shared clock.

Everything is a deterministic function of the seed, the script and the sequence of
``advance_to`` / ``inject`` calls: how time is chunked into ``advance_to`` calls does not
change a single value (noise is drawn per fixed block of samples, per beat and per movement
from generators keyed by the seed and the index; IMU batches sit on a fixed grid).
"""

from __future__ import annotations

import bisect
import copy
import math
from dataclasses import dataclass, replace

import numpy as np

from sensors.samples import HeartRateSample, ImuBatch, PoseFrame, Sample
from sensors.sim.body import BodyParams, BodyState, Camera, landmarks_abs_many, trunk_up
from sensors.sim.heart import HeartModel, reserve_fraction
from sensors.sim.motions import G_MPS2, ArmWave, DoublePole, Jump, JumpingJack, Move, Punch, Squat, WideStep, ease
from sensors.sim.script import DEFAULT_SCRIPT, Activity, Segment, parse_script

PLACEMENTS = ("chest", "waist", "wrist", "thigh", "ankle")
# IMU and pose samples are computed ahead in fixed blocks (one vectorised pass each) and handed
# out as they fall due. An injection drops the blocks: samples already handed out stay as they
# were, the rest are computed again from the changed plan.
_BLOCK_BATCHES = 5
_BLOCK_FRAMES = 15
_MAX_MOVE_S = 10.0
_JOG_BOUNCE_M = 0.05  # peak-to-peak vertical pelvis bounce when jogging on the spot
# Jogging on soft knees: the pelvis stays 1-6 cm below standing height, so the stance knee never
# snaps through full extension (where a small hip movement swings the knee fast).
_JOG_CROUCH_M = 0.035
_CROUCH_RAMP_S = 1.0
_RAMP_S = 0.25  # jogging starts and stops over this long
#: Arms-up truth: both wrists higher than their shoulders by this share of the trunk length
#: (shoulder to hip, Winter's 0.288 H): the hands are about at eye level or above.
ARMS_UP_TRUNK = 0.5
_ARMS_GRID_S = 0.01  # the arms-up truth is found on this time grid
#: Movements a script segment repeats, by activity, and the ``inject`` names.
_MOVE_ACTIVITIES = {
    Activity.JUMP: "jump",
    Activity.SQUAT: "squat",
    Activity.JACK: "jack",
    Activity.PUNCH: "punch",
    Activity.WAVE: "wave",
    Activity.POLE: "pole",
    Activity.WIDE: "wide",
}


_LANDING_SOFTNESS = 0.3

#: Steering (:meth:`SimulatedPlayer.steer`): changes of lean, sideways position and held crouch
#: blend in over this long (s), a quick but human shift of weight.
STEER_BLEND_S = 0.3
#: A held crouch of 1.0 drops the pelvis by this share of standing hip height: a downhill tuck
#: as deep as the simulated squats (0.32-0.44, :meth:`SimulatedPlayer._make`).
CROUCH_DEPTH = 0.4
#: Steered activities are laid out in pieces this long (s), one after another until changed.
_STEER_PIECE_S = 30.0
#: ``lean`` 1.0 is a 30 deg frontal tilt of the trunk: what the pose lean reads as full scale
#: (``sensors.motion.pose_detectors``, sine of the tilt over 0.5).
_LEAN_FULL_SIN = 0.5
#: Farthest sideways step (m) a steer may ask for.
MAX_SIDE_M = 1.0


def _soft_landing(x: float) -> float:
    """Knee lift 0..1 from the positive half of the stride's sine, ``x`` in -1..1.

    max(0, x) would land the foot with a kink in its path (an endless spike in acceleration);
    x - e (1 - exp(-x / e)) has zero slope at 0, so the foot slows down over the last ~e/3 of a
    step's phase before contact, about 40 ms at 160 steps/min: an impact of ~10 g at the ankle
    rather than an infinite one. Scaled to reach 1 at x = 1.
    """
    if x <= 0.0:
        return 0.0
    e = _LANDING_SOFTNESS
    return (x - e * (1 - math.exp(-x / e))) / (1 - e * (1 - math.exp(-1 / e)))


@dataclass(frozen=True, slots=True)
class TruthEvent:
    """What the virtual player really did (host-clock times, ns).

    step: ``t_ns`` = foot contact (the lifted foot is back on the floor), magnitude 1.0,
    ``t_end_ns`` = ``t_ns``.
    jump: ``t_ns`` = take-off, magnitude = rise of the pelvis in flight in metres, equal to
    g * t_f^2 / 8 for the flight time t_f (Bosco 1983), ``t_end_ns`` = touch-down.
    squat: ``t_ns`` = the bottom (middle of the short pause at the lowest point), magnitude =
    depth, the hip drop as a share of standing hip height above the floor (0..1),
    ``t_end_ns`` = standing again.
    jumping_jack: ``t_ns`` = landing in the open position (feet apart, hands over the head),
    magnitude 1.0, ``t_end_ns`` = standing closed again.
    punch: ``t_ns`` = full extension of the punching arm, magnitude 1.0, ``t_end_ns`` = back in guard.
    arm_swing: ``t_ns`` = the hands pass the hips in a double-pole drive, magnitude 1.0.
    arms_up: ``t_ns`` = both wrists rise above their shoulders by :data:`ARMS_UP_TRUNK` trunk
    lengths (found on a 10 ms grid from the noise-free body), magnitude 1.0, ``t_end_ns`` = the
    first of them comes down again; listed once the arms have come down.
    """

    kind: str
    t_ns: int
    magnitude: float
    t_end_ns: int


@dataclass(frozen=True, slots=True)
class _Placed:
    """A segment on the timeline. ``phase0``: stride phase (rad) at ``start_s`` when jogging;
    ``ramp_in`` / ``ramp_out``: the jog eases in at the start / out at the end (not between two
    pieces of one steered jog, which carry on in phase)."""

    start_s: float
    end_s: float
    segment: Segment
    phase0: float = 0.0
    ramp_in: bool = True
    ramp_out: bool = True

    def window(self, t: float) -> tuple[float, float]:
        """Seconds since the eased start and until the eased end (infinite where none)."""
        return (t - self.start_s if self.ramp_in else math.inf, self.end_s - t if self.ramp_out else math.inf)

    def phase_at(self, t: float) -> float:
        return self.phase0 + 2 * math.pi * self.segment.cadence / 120.0 * (t - self.start_s)


@dataclass(frozen=True, slots=True)
class _Offsets:
    """Steered posture on top of the activity: frontal lean -1..1 (right positive), sideways
    position (m, the player's right positive), held crouch 0..1."""

    lean: float = 0.0
    side_m: float = 0.0
    crouch: float = 0.0

    def towards(self, other: _Offsets, f: float) -> _Offsets:
        return _Offsets(
            self.lean + f * (other.lean - self.lean),
            self.side_m + f * (other.side_m - self.side_m),
            self.crouch + f * (other.crouch - self.crouch),
        )


@dataclass(frozen=True, slots=True)
class _OffsetChange:
    start_s: float
    before: _Offsets
    after: _Offsets


@dataclass(frozen=True, slots=True)
class _Move:
    start_s: float
    move: Move
    injected: bool

    @property
    def end_s(self) -> float:
        return self.start_s + self.move.duration_s


class SimulatedPlayer:
    """A seeded virtual person following ``script``; its streams start at ``t0_ns``.

    ``script``: segments, or the compact text form (:func:`~sensors.sim.script.parse_script`);
    ``loop``: start again at the end (else stand idle). ``imu_placement``: one of
    :data:`PLACEMENTS` (frames: :meth:`_imu_positions`). Streams: IMU batches of ``imu_batch``
    samples at ``imu_rate_hz`` (``t_first_ns`` on the grid ``t0_ns + i / rate``, ``t_host_ns`` =
    the last sample's time), pose frames at ``pose_fps`` from ``t0_ns``, heart-rate
    notifications every ``hr_interval_s`` from ``t0_ns + hr_interval_s``. ``record_truth``:
    keep :meth:`ground_truth` (tests, benchmarks); a live game's player leaves it out, which
    spares about a third of the model's time (the arms-up truth walks a 10 ms grid).
    Not thread-safe: one thread drives it (:class:`~sensors.sim.source.SimulatedSource` locks).
    """

    def __init__(
        self,
        seed: int = 0,
        script: tuple[Segment, ...] | str = DEFAULT_SCRIPT,
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
        record_truth: bool = True,
    ) -> None:
        if imu_placement not in PLACEMENTS:
            raise ValueError(f"unknown IMU placement {imu_placement!r}; expected one of {', '.join(PLACEMENTS)}")
        if isinstance(script, str):
            script = parse_script(script)
        if not script:
            raise ValueError("the script is empty")
        if not (imu_rate_hz > 0 and pose_fps > 0 and hr_interval_s > 0 and imu_batch >= 1):
            raise ValueError("rates, intervals and the IMU batch size must be positive")
        self.seed, self.script, self.t0_ns, self.body = seed, tuple(script), t0_ns, body
        self.imu_placement, self.imu_rate_hz, self.pose_fps = imu_placement, imu_rate_hz, pose_fps
        self.hr_interval_s, self.loop, self.source, self.camera, self.imu_batch = hr_interval_s, loop, source, camera, imu_batch
        self.record_truth = record_truth
        self._timeline: list[_Placed] = []
        self._starts: list[float] = []
        self._moves: list[_Move] = []
        self._n_injected = 0
        self._steered: Segment | None = None  # the steered activity, once steer() was called
        self._rep_next_s = 0.0  # when a steered repeated movement may next start
        self._offset_changes: list[_OffsetChange] = []
        self._heart = HeartModel(
            body.hr_rest_bpm,
            body.hr_max,
            seed,
            start_reserve=reserve_fraction(
                script[0].activity.value,
                body.vo2max_ml_kg_min,
                script[0].cadence,
                script[0].rate if script[0].activity in _MOVE_ACTIVITIES else None,
            ),
        )
        self._beats: list[tuple[float, float]] = []
        self._hr_hist_t: list[float] = []  # beat times (s) and the model's heart rate after each
        self._hr_hist_bpm: list[float] = []
        self._advanced_s = -1.0
        self._next_imu_batch = 0
        self._next_pose = 0
        self._imu_cache: tuple[int, list[ImuBatch]] = (-1, [])
        self._pose_cache: tuple[int, list[PoseFrame]] = (-1, [])
        self._next_hr = 1
        self._truth: list[TruthEvent] = []
        self._truth_until_s = 0.0
        self._arms_grid = 1  # next grid index of the arms-up truth
        self._arms_up_since: float | None = None

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
        if self.record_truth:
            self._truth_until(t)
        self._advanced_s = t
        out.sort(key=lambda s: s.t_host_ns)
        return out

    def inject(self, kind: str, t_ns: int) -> None:
        """Perform one extra movement (``"jump"``, ``"squat"``, ``"jack"``, ``"punch"``, ``"wave"``,
        ``"pole"`` or ``"wide"``) as soon as possible at or after ``t_ns``."""
        if kind not in _MOVE_ACTIVITIES.values():
            raise ValueError(f"can only inject one of {', '.join(_MOVE_ACTIVITIES.values())}, got {kind!r}")
        t = max((t_ns - self.t0_ns) / 1e9, self._advanced_s + 1e-6, 0.0)
        self._extend(t + 30.0)
        self._n_injected += 1
        move = self._make(kind, (12, self._n_injected))
        for m in self._moves:  # one movement at a time: wait for the one under way
            if m.start_s < t + move.duration_s and t < m.end_s:
                t = m.end_s
        bisect.insort(self._moves, _Move(t, move, True), key=lambda m: m.start_s)
        self._imu_cache = (-1, [])
        self._pose_cache = (-1, [])

    def steer(
        self,
        t_ns: int,
        activity: str,
        *,
        cadence_spm: float | None = None,
        rate_per_min: float | None = None,
        lean: float = 0.0,
        side_m: float = 0.0,
        crouch: float = 0.0,
    ) -> None:
        """From ``t_ns`` on, do ``activity`` (a :class:`~sensors.sim.script.Activity` value) until
        the next call, instead of the script: jog at ``cadence_spm`` (steps/min), repeat a movement
        at ``rate_per_min``, or stand, idle or rest. ``lean``: frontal lean of the trunk, -1 (left)
        .. 1 (right, a 30 deg tilt); ``side_m``: sideways position of the whole body (m, the
        player's right positive; the feet glide, steps are not modelled); ``crouch``: a held
        crouch, 0 .. 1 (:data:`CROUCH_DEPTH`), such as a skier's tuck.

        The posture offsets blend in over :data:`STEER_BLEND_S`; a jog whose cadence changes
        carries on in step, other changes of activity ease out the old one first (a jog in
        ~1 s, like the script's own segment ends). Movements from :meth:`inject` still overlay
        it. Calling it again with the same values changes nothing, so it may be called every
        frame; meaningful changes recompute the samples not yet handed out.
        """
        act = Activity(activity)
        if not -1.0 <= lean <= 1.0 or not 0.0 <= crouch <= 1.0 or not abs(side_m) <= MAX_SIDE_M:
            raise ValueError(
                f"steer wants lean -1..1, crouch 0..1 and |side_m| <= {MAX_SIDE_M} m; got {lean}, {crouch}, {side_m}"
            )
        seg = Segment(
            act,
            _STEER_PIECE_S,
            cadence_spm=cadence_spm if act is Activity.JOG else None,
            rate_per_min=rate_per_min if act in _MOVE_ACTIVITIES else None,
        )
        t = max((t_ns - self.t0_ns) / 1e9, self._advanced_s + 1e-6, 0.0)
        self._extend(t + 1.0)
        changed = False
        target = _Offsets(lean, side_m, crouch)
        last = self._offset_changes[-1].after if self._offset_changes else _Offsets()
        if target != last:
            bisect.insort(self._offset_changes, _OffsetChange(t, self._offsets_at(t), target), key=lambda c: c.start_s)
            changed = True
        if seg != self._steered:
            self._cut(t, seg)
            changed = True
        if changed:
            self._imu_cache = (-1, [])
            self._pose_cache = (-1, [])

    def ground_truth(self) -> list[TruthEvent]:
        """What was performed up to the last ``advance_to``, in time order."""
        return list(self._truth)

    def activity_at(self, t_ns: int) -> Activity:
        t = (t_ns - self.t0_ns) / 1e9
        self._extend(t + 1.0)
        mv = self._move_at(t)
        if mv is not None:
            return Activity(mv.move.activity)
        return self._segment_at(t).segment.activity

    @property
    def hr_bpm(self) -> float:
        """The model's heart rate at the latest beat (beats/min)."""
        return self._heart.hr_bpm

    def hr_bpm_at(self, t_ns: int) -> float:
        """The model's noise-free heart rate (beats/min) at ``t_ns``: its value after the last beat
        at or before ``t_ns``. Past the last ``advance_to`` it is a forecast from the script and
        the injections so far (a later ``inject`` can change it)."""
        t = (t_ns - self.t0_ns) / 1e9
        if t <= self._heart.t_s:
            i = bisect.bisect_right(self._hr_hist_t, t) - 1
            return self._hr_hist_bpm[i] if i >= 0 else self._heart.target_bpm(self._heart.start_reserve)
        heart = copy.copy(self._heart)
        self._extend(t + 1.0)
        while True:
            t_prev, hr_prev = heart.t_s, heart.hr_bpm
            heart.next_beat(self._reserve_at(heart.t_s))
            if heart.t_s > t:
                return hr_prev if t_prev <= t else heart.hr_bpm

    # -- timeline --------------------------------------------------------------------------------
    def _extend(self, t: float) -> None:
        while not self._timeline or self._timeline[-1].end_s <= t:
            k = len(self._timeline)
            start = self._timeline[-1].end_s if self._timeline else 0.0
            if self._steered is not None:
                # A steered activity goes on piece after piece, in step, until steered again.
                seg = self._steered
                prev = self._timeline[-1]
                placed = _Placed(start, start + seg.duration_s, seg, prev.phase_at(start), ramp_in=False, ramp_out=False)
            else:
                if k < len(self.script) or self.loop:
                    seg = self.script[k % len(self.script)]
                else:
                    seg = Segment(Activity.IDLE, 3600.0)
                placed = _Placed(start, start + seg.duration_s, seg)
            self._place(placed, k)

    def _place(self, placed: _Placed, k: int) -> None:
        """Append ``placed`` (timeline index ``k``) and lay out its repetitions."""
        self._timeline.append(placed)
        self._starts.append(placed.start_s)
        seg = placed.segment
        if seg.activity not in _MOVE_ACTIVITIES:
            return
        period = 60.0 / seg.rate
        # A steered piece carries on where the previous one's repetitions left off.
        t_rep = placed.start_s + 0.3 if placed.ramp_in else max(self._rep_next_s, placed.start_s)
        rep = 0
        # Jumping jacks follow each other without a pause; other movements with a short one.
        gap = 0.0 if seg.activity is Activity.JACK else 0.2
        while True:
            move = self._make(_MOVE_ACTIVITIES[seg.activity], (11, k, rep), period)
            rep += 1
            # Script segments fit their repetitions inside; steered pieces run on into the next.
            if (t_rep + move.duration_s if placed.ramp_out else t_rep) > placed.end_s:
                break
            bisect.insort(self._moves, _Move(t_rep, move, False), key=lambda m: m.start_s)
            t_rep += max(period, move.duration_s + gap)
        self._rep_next_s = t_rep

    def _cut(self, t: float, seg: Segment) -> None:
        """Replace the timeline from ``t`` on with the steered segment ``seg``."""
        i = max(0, bisect.bisect_right(self._starts, t) - 1)
        now = self._timeline[i]
        old = now.segment
        in_step = old.activity is Activity.JOG and seg.activity is Activity.JOG
        if in_step:
            t_cut = t
        elif old.activity is Activity.JOG:
            # Ease the jog out (stride amplitude, then the soft-knee crouch) as a segment ends.
            t_cut = min(t + _CROUCH_RAMP_S, now.end_s)
        else:
            t_cut = t
        del self._timeline[i + 1 :], self._starts[i + 1 :]
        # Repetitions not yet begun belong to the plan being replaced.
        self._moves = [m for m in self._moves if m.injected or m.start_s < t]
        head = replace(now, end_s=t_cut, ramp_out=now.ramp_out and not in_step) if t_cut > now.start_s else None
        if head is None:
            del self._timeline[i], self._starts[i]
        else:
            self._timeline[i] = head
        # The new piece starts in step with a jog it continues, else eased in from standing.
        phase0 = now.phase_at(t_cut) if in_step else 0.0
        self._steered = seg
        self._rep_next_s = t_cut
        self._place(
            _Placed(t_cut, t_cut + seg.duration_s, seg, phase0, ramp_in=not in_step, ramp_out=False),
            len(self._timeline),
        )

    def _offsets_at(self, t: float) -> _Offsets:
        changes = self._offset_changes
        i = bisect.bisect_right(changes, t, key=lambda c: c.start_s) - 1
        if i < 0:
            return _Offsets()
        c = changes[i]
        return c.before.towards(c.after, ease(t - c.start_s, STEER_BLEND_S))

    def _make(self, kind: str, key: tuple[int, ...], period_s: float | None = None) -> Move:
        """A movement whose size is drawn from a generator keyed by the seed and ``key``
        (segment and repetition, or injection number), so it does not depend on when it is made.
        ``period_s``: the repetition period (jumping jacks last one period)."""
        u = float(np.random.default_rng((self.seed, *key)).random())
        H = self.body.height_m
        reach = 2 * 0.995 * 0.5 * (self.body.thigh_m + self.body.shank_m)  # hip to ankle, straight leg
        if kind == "jump":
            return Jump(height_m=0.2 + 0.1 * u, dip_m=0.12 * H)
        if kind == "squat":
            return Squat(depth=0.32 + 0.12 * u, hip_height_m=self.body.hip_height_m)
        if kind == "jack":
            period = period_s if period_s is not None else 1.2
            return JumpingJack(period_s=min(max(period, 1.0), 3.0), spread_m=(0.11 + 0.04 * u) * H, reach_m=reach)
        if kind == "punch":
            return Punch(arm=key[-1] % 2)
        if kind == "wave":
            return ArmWave(waves=2 + int(2 * u))
        if kind == "wide":
            return WideStep(spread_m=(0.11 + 0.04 * u) * H, reach_m=reach)
        return DoublePole()

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
        """(stride phase in rad, amplitude 0..1) of jogging at time t (two steps per stride)."""
        # A short ramp: the first foot contact (after half a stride) is already at full height.
        amp = ease(min(placed.window(t)), _RAMP_S)
        return placed.phase_at(t), amp

    def state(self, t: float) -> BodyState:
        placed = self._segment_at(t)
        act = placed.segment.activity
        rise, lift, arms, elbow = 0.0, (0.0, 0.0), (0.05, 0.05), 0.15
        sway = 0.01 * math.sin(2 * math.pi * 0.3 * t)
        breath = 0.003 * math.sin(2 * math.pi * 0.25 * t)
        if act is Activity.JOG:
            phi, amp = self._jog(placed, t)
            s = math.sin(phi)
            lift = (amp * _soft_landing(s), amp * _soft_landing(-s))
            # Lowest pelvis just after each foot contact (phi = k*pi), highest in the short flight
            # between steps: a bounce at step frequency around standing height.
            # The soft-knee crouch comes and goes slowly, so it reads as no step to an accelerometer.
            since, until = placed.window(t)
            crouch = _JOG_CROUCH_M * ease(min(since, until), _CROUCH_RAMP_S)
            # The first stance (before any foot has landed) loads the trunk gently: no phantom step.
            step_s = 60.0 / placed.segment.cadence
            bounce = amp * ease(since - 0.5 * step_s, step_s) * _JOG_BOUNCE_M * 0.5
            rise = -crouch - bounce * math.cos(2 * phi - math.pi / 2) + (1 - amp) * breath
            # Arms swing in antiphase with their own leg, reaching their extremes at foot
            # contact: the left arm is furthest forward as the right foot lands (phi = 0) and
            # furthest back as the left foot lands (phi = pi). Meyns, Bruijn & Duysens 2013,
            # "The how and why of arm swing during human walking", Gait & Posture 38:555-562;
            # the same coupling holds in running (Hinrichs 1990, in Cavanagh (ed.),
            # Biomechanics of Distance Running, ch. 5).
            c = math.cos(phi)
            arms = (0.05 + 0.6 * amp * c, 0.05 - 0.6 * amp * c)
            elbow = 0.15 + 1.4 * amp
            sway *= 1 - amp
        else:
            rise = breath
        back, lean, planted = 0.0, 0.0, True
        elbow_extra, abduct, stance_x = (0.0, 0.0), (0.0, 0.0), 0.0
        mv = self._move_at(t)
        if mv is not None:
            p = mv.move.posture(t - mv.start_s)
            w = p.weight
            # The movement's own trajectory starts and ends at standing with zero velocity, so it
            # is added in full; only the base activity is faded out underneath it.
            rise = (1 - w) * rise + p.rise_m
            lift = ((1 - w) * lift[0] + p.tuck, (1 - w) * lift[1] + p.tuck)
            move_arms = p.arms if p.arms is not None else (None if p.arm_rad is None else (p.arm_rad, p.arm_rad))
            if move_arms is not None:
                arms = ((1 - w) * arms[0] + w * move_arms[0], (1 - w) * arms[1] + w * move_arms[1])
            elbow = (1 - w) * elbow + w * (0.3 if p.elbow_rad is None else p.elbow_rad)
            # Per-arm angles fade in with the movement, so arms never jump at its start or end.
            elbow_extra = (w * p.elbow_extra[0], w * p.elbow_extra[1])
            abduct = (w * p.abduct[0], w * p.abduct[1])
            stance_x = p.stance_x_m
            back, lean, planted = p.back_m, p.lean_rad, p.planted
        off = self._offsets_at(t)
        if off.crouch > 0.0:
            # A held crouch as a squat holds it: hips back, trunk forward, arms forward for balance.
            drop = off.crouch * CROUCH_DEPTH * self.body.hip_height_m
            rise -= drop
            back += 0.45 * drop
            lean += 0.75 * off.crouch
            if mv is None:
                arms = (arms[0] + 0.8 * off.crouch, arms[1] + 0.8 * off.crouch)
        # The absolute frame's x points to the player's left.
        pelvis = (sway - off.side_m, self.body.hip_height_m + rise, back)
        return BodyState(
            pelvis=pelvis,
            lift=lift,
            side_lean_rad=math.asin(_LEAN_FULL_SIN * off.lean),
            lean_rad=lean,
            arm_rad=arms,
            elbow_rad=elbow,
            planted=planted,
            elbow_extra=elbow_extra,
            abduct_rad=abduct,
            stance_x=stance_x,
        )

    # -- streams ---------------------------------------------------------------------------------
    def _ns(self, t: float) -> int:
        return self.t0_ns + round(t * 1e9)

    def _imu_positions(self, states: list[BodyState]) -> tuple[np.ndarray, np.ndarray]:
        """Sensor position (N, 3) and sensor axes (N, 3, 3; rows x, y, z) in the absolute frame.

        Sensor frame, for every placement: x to the player's left, y up the body segment,
        z forward (out of the player's front): right-handed, and standing still reads +1 g on y.
        chest: on the sternum, tilting with the trunk; waist: belt buckle, tilting half as much;
        wrist / thigh / ankle: the left forearm (y from wrist to elbow), the middle of the left
        thigh (y from knee to hip), the left shank just above the ankle (y from ankle to knee).
        """
        H = self.body.height_m
        n = len(states)
        pelvis = np.array([st.pelvis for st in states], dtype=float)
        lean = np.array([st.lean_rad for st in states], dtype=float)
        side = np.array([st.side_lean_rad for st in states], dtype=float)
        x_axis = np.broadcast_to(np.array([1.0, 0.0, 0.0]), (n, 3))
        if self.imu_placement in ("chest", "waist"):
            k = 1.0 if self.imu_placement == "chest" else 0.5
            y_axis = trunk_up(k * lean, k * side)
            if self.imu_placement == "chest":  # sternum, ~0.2 H above the hips along the trunk
                pos = pelvis + 0.2 * H * trunk_up(lean, side)
                pos[:, 2] -= 0.06 * H
            else:
                pos = pelvis + np.array([0.0, 0.03 * H, 0.06 * H])
        else:
            pts = landmarks_abs_many(self.body, states)
            if self.imu_placement == "wrist":
                pos, prox = pts[:, 15], pts[:, 13]
            elif self.imu_placement == "thigh":
                pos, prox = (pts[:, 23] + pts[:, 25]) / 2, pts[:, 23]
            else:
                pos, prox = pts[:, 27] + 0.15 * (pts[:, 25] - pts[:, 27]), pts[:, 25]
            y_axis = prox - pos
            y_axis /= np.linalg.norm(y_axis, axis=1, keepdims=True)
        # The absolute frame is mirrored (x right in the image, y up, z away from the camera), so
        # the sensor's z = x cross y is y x x in its coordinates. Then x is made exactly orthogonal.
        z_axis = np.cross(y_axis, x_axis)
        z_axis /= np.linalg.norm(z_axis, axis=1, keepdims=True)
        x_axis = np.cross(z_axis, y_axis)
        return pos, np.stack([x_axis, y_axis, z_axis], axis=1)

    def _imu_block(self, block: int) -> list[ImuBatch]:
        """The IMU batches of one block of ``_BLOCK_BATCHES`` batches, computed together.

        Acceleration is the second difference of the sensor's position on a grid of half sample
        periods (step h = 1 / (2 rate)), so each sample costs two posture evaluations.
        """
        B, r = self.imu_batch, self.imu_rate_hz
        i0 = block * _BLOCK_BATCHES * B
        n = _BLOCK_BATCHES * B
        h = 0.5 / r
        grid = (i0 + np.arange(-1, 2 * n + 1) * 0.5) / r  # t_i - h, t_i, t_i + h = t_(i+1) - h ...
        pos, axes = self._imu_positions([self.state(float(ti)) for ti in grid])
        acc = (pos[0:-2:2] - 2 * pos[1:-1:2] + pos[2::2]) / (h * h)
        # Specific force (what an accelerometer measures): acceleration minus gravity, with y up.
        force = acc + np.array([0.0, G_MPS2, 0.0])
        acc_g = np.einsum("nij,nj->ni", axes[1:-1:2], force) / G_MPS2
        acc_g += np.random.default_rng((self.seed, 3, block)).normal(0.0, 0.015, (n, 3))
        times = (i0 + np.arange(n)) / r
        out = []
        for j in range(_BLOCK_BATCHES):
            sl = slice(j * B, (j + 1) * B)
            out.append(
                ImuBatch(
                    t_host_ns=self._ns(times[sl][-1]),
                    source=self.source,
                    rate_hz=r,
                    t_first_ns=self._ns(times[sl][0]),
                    acc_g=acc_g[sl],
                    placement=self.imu_placement,
                )
            )
        return out

    def _imu_until(self, t: float) -> list[ImuBatch]:
        B, r = self.imu_batch, self.imu_rate_hz
        out = []
        while (self._next_imu_batch * B + B - 1) / r <= t:
            k = self._next_imu_batch
            block = k // _BLOCK_BATCHES
            if self._imu_cache[0] != block:
                self._imu_cache = (block, self._imu_block(block))
            out.append(self._imu_cache[1][k % _BLOCK_BATCHES])
            self._next_imu_batch += 1
        return out

    def _pose_block(self, block: int) -> list[PoseFrame]:
        """The pose frames of one block of ``_BLOCK_FRAMES`` frames, computed together."""
        j0 = block * _BLOCK_FRAMES
        times = (j0 + np.arange(_BLOCK_FRAMES)) / self.pose_fps
        pts = landmarks_abs_many(self.body, [self.state(float(tj)) for tj in times])
        rng = np.random.default_rng((self.seed, 5, block))
        img = self.camera.project(self.body, pts) + rng.normal(0.0, 0.002, pts.shape)
        vis = np.clip(0.95 + rng.normal(0.0, 0.02, pts.shape[:2]), 0.9, 1.0)
        mid = (pts[:, 23] + pts[:, 24]) / 2
        world = (pts - mid[:, None, :]) * np.array([1.0, -1.0, 1.0])  # MediaPipe world: y down, hips origin
        world += rng.normal(0.0, 0.005, world.shape)
        return [
            PoseFrame(
                t_host_ns=self._ns(times[i]),
                source=self.source,
                landmarks=np.concatenate([img[i], vis[i][:, None]], axis=1),
                world=world[i],
            )
            for i in range(_BLOCK_FRAMES)
        ]

    def _pose_until(self, t: float) -> list[PoseFrame]:
        out = []
        while self._next_pose / self.pose_fps <= t:
            j = self._next_pose
            block = j // _BLOCK_FRAMES
            if self._pose_cache[0] != block:
                self._pose_cache = (block, self._pose_block(block))
            out.append(self._pose_cache[1][j % _BLOCK_FRAMES])
            self._next_pose += 1
        return out

    def _reserve_at(self, t: float) -> float:
        """Effort as a share of heart-rate reserve (see :mod:`sensors.sim.heart`)."""
        mv = self._move_at(t)
        seg = self._segment_at(t).segment
        vo2 = self.body.vo2max_ml_kg_min
        if mv is not None and (mv.injected or mv.move.activity != seg.activity.value):
            return reserve_fraction(mv.move.activity, vo2)
        # A segment of repeated movements costs by its rate, between repetitions as during them.
        rate = seg.rate if seg.activity in _MOVE_ACTIVITIES else None
        return reserve_fraction(seg.activity.value, vo2, seg.cadence, rate)

    def _hr_until(self, t: float) -> list[HeartRateSample]:
        heart = self._heart
        while heart.t_s <= t:
            self._beats.append(heart.next_beat(self._reserve_at(heart.t_s)))
            self._hr_hist_t.append(heart.t_s)
            self._hr_hist_bpm.append(heart.hr_bpm)
        out = []
        while self._next_hr * self.hr_interval_s <= t:
            tn = self._next_hr * self.hr_interval_s
            rr = [r for (tb, r) in self._beats if tb <= tn]
            self._beats = [(tb, r) for (tb, r) in self._beats if tb > tn]
            # Like a strap: the rate of the beats carried (the model's rate if none fell in).
            bpm = 60.0 / float(np.mean(rr)) if rr else heart.hr_bpm
            bpm = round(min(max(bpm, self.body.hr_rest_bpm), self.body.hr_max))
            out.append(
                HeartRateSample(
                    t_host_ns=self._ns(tn),
                    source=self.source,
                    bpm=bpm,
                    rr_s=tuple(round(r * 1024) / 1024 for r in rr),
                    contact=True,
                )
            )
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
            # Contacts fall where the stride phase is a multiple of pi; a piece that carries on a
            # jog starts part-way through a step.
            off = placed.phase0 / math.pi
            first = 1 if placed.ramp_in else math.ceil(off - 1e-9)
            m = max(first, math.floor((max(lo, placed.start_s) - placed.start_s) / half + off))
            while True:
                ts = placed.start_s + (m - off) * half
                if ts > t or ts >= placed.end_s:
                    break
                mv = self._move_at(ts)
                # A contact counts when the foot was really lifted: at least half the full knee lift
                # at mid-swing (the jog fades in and out over _RAMP_S).
                swing_amp = self._jog(placed, ts - half / 2)[1]
                if ts > lo and swing_amp >= 0.5 and (mv is None or mv.move.posture(ts - mv.start_s).weight < 0.5):
                    found.append(TruthEvent("step", self._ns(ts), 1.0, self._ns(ts)))
                m += 1
        # A movement's event lies within it, and no movement lasts _MAX_MOVE_S: skip the older ones.
        first = bisect.bisect_left(self._moves, lo - _MAX_MOVE_S, key=lambda m: m.start_s)
        for mv in self._moves[first:]:
            if mv.start_s > t:
                break
            for kind, t_rel, mag, t_end_rel in mv.move.truth():
                ts = mv.start_s + t_rel
                if lo < ts <= t:
                    found.append(TruthEvent(kind, self._ns(ts), mag, self._ns(mv.start_s + t_end_rel)))
        found += self._arms_up_truth(t)
        self._truth.extend(found)
        # Arms-up episodes are listed when they end, after later events may have been listed.
        self._truth.sort(key=lambda e: e.t_ns)
        self._truth_until_s = t

    def _arms_up_truth(self, t: float) -> list[TruthEvent]:
        """Arms-up episodes that ended by ``t``, from the noise-free body on a 10 ms grid."""
        k0 = self._arms_grid
        k1 = math.floor(t / _ARMS_GRID_S + 1e-9)
        if k1 < k0:
            return []
        times = (np.arange(k0, k1 + 1) * _ARMS_GRID_S).tolist()
        self._arms_grid = k1 + 1
        # Only a movement raises the arms that high (jogging and standing keep them low), so
        # the body is evaluated only while one is under way.
        moving = [x for x in times if self._move_at(x) is not None]
        up_at: dict[float, bool] = {}
        if moving:
            pts = landmarks_abs_many(self.body, [self.state(x) for x in moving])
            lift = np.minimum(pts[:, 15, 1] - pts[:, 11, 1], pts[:, 16, 1] - pts[:, 12, 1])
            up_at = dict(zip(moving, (lift >= ARMS_UP_TRUNK * (0.818 - 0.530) * self.body.height_m).tolist(), strict=True))
        out = []
        for x in times:
            u = up_at.get(x, False)
            if u and self._arms_up_since is None:
                self._arms_up_since = x
            elif not u and self._arms_up_since is not None:
                out.append(TruthEvent("arms_up", self._ns(self._arms_up_since), 1.0, self._ns(x)))
                self._arms_up_since = None
        return out
