"""Single movements of the simulated player: counter-movement jumps, squats, jumping jacks,
punches, arm waves, double-pole arm swings and a wide step with an arm raise.

Each movement is a pelvis trajectory relative to standing (metres, up positive) plus trunk
lean and arm angles, as smooth functions of time since the movement started. Jump flight is
ballistic, so a trunk accelerometer reads free fall (0 g) while airborne, and flight time and
height obey h = g t^2 / 8 (Bosco C, Luhtanen P, Komi PV. A simple method for measurement of
mechanical power in jumping. Eur J Appl Physiol 1983;50:273-282).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

G_MPS2 = 9.80665


def _hermite(p0: float, v0: float, p1: float, v1: float, T: float, t: float) -> float:
    """Cubic Hermite position between (p0, v0) at 0 and (p1, v1) at T."""
    s = min(max(t / T, 0.0), 1.0)
    h00, h10, h01, h11 = 2 * s**3 - 3 * s**2 + 1, s**3 - 2 * s**2 + s, -2 * s**3 + 3 * s**2, s**3 - s**2
    return h00 * p0 + h10 * T * v0 + h01 * p1 + h11 * T * v1


def ease(t: float, T: float) -> float:
    """0 -> 1 with zero velocity at both ends (sin^2 ramp)."""
    s = min(max(t / T, 0.0), 1.0)
    return math.sin(math.pi * s / 2) ** 2


@dataclass(frozen=True, slots=True)
class Posture:
    """Offsets from standing: pelvis up (m) and back (m), trunk lean, shoulder flexion.

    ``arm_rad``: flexion of both arms; ``arms``: per arm (left, right), overrides it.
    ``elbow_rad``: elbow flexion of both arms (None: the player's default for a movement, 0.3);
    ``elbow_extra``: added per arm. ``abduct``: per-arm sideways raise (0 down, pi up).
    ``stance_x_m``: each foot's extra sideways distance from under its hip (m).
    """

    rise_m: float = 0.0
    back_m: float = 0.0
    lean_rad: float = 0.0
    arm_rad: float | None = None
    planted: bool = True
    tuck: float = 0.0  # knee lift of both legs in flight, 0..1
    weight: float = 1.0  # how much the base activity (jogging, swaying) is faded out
    arms: tuple[float, float] | None = None
    elbow_rad: float | None = None
    elbow_extra: tuple[float, float] = (0.0, 0.0)
    abduct: tuple[float, float] = (0.0, 0.0)
    stance_x_m: float = 0.0


#: What a movement reports as ground truth: (kind, time of the event since the movement
#: started in s, magnitude, end time since start in s).
TruthSpec = tuple[str, float, float, float]


def _spline(knots: tuple[tuple[float, float, float], ...], t: float) -> float:
    """Piecewise cubic Hermite through (time, position, velocity) knots; constant outside."""
    if t <= knots[0][0]:
        return knots[0][1]
    for (t0, p0, v0), (t1, p1, v1) in pairwise(knots):
        if t < t1:
            return _hermite(p0, v0, p1, v1, t1 - t0, t - t0)
    return knots[-1][1]


def _ramp(t: float, t0: float, t1: float) -> float:
    """0 before t0, 1 after t1, eased in between."""
    return ease(t - t0, t1 - t0)


def _fade(t: float, duration: float) -> float:
    """Smooth 0 -> 1 -> 0 over a movement, so the base activity fades out and back in without a
    kink (a kink in position over time would read as an impossible spike in acceleration)."""
    return ease(min(t, duration - t), 0.25)


@dataclass(frozen=True, slots=True)
class Jump:
    """Counter-movement jump. ``height_m``: rise of the centre of mass in flight."""

    height_m: float
    dip_m: float
    DIP_S = 0.35
    PUSH_S = 0.25
    LAND_S = 0.25
    RECOVER_S = 0.45
    TOE_M = 0.06  # the pelvis is this much above standing at take-off and touch-down

    @property
    def v0(self) -> float:
        return math.sqrt(2 * G_MPS2 * self.height_m)

    @property
    def flight_s(self) -> float:
        return 2 * self.v0 / G_MPS2

    @property
    def takeoff_s(self) -> float:
        return self.DIP_S + self.PUSH_S

    @property
    def landing_s(self) -> float:
        return self.takeoff_s + self.flight_s

    @property
    def duration_s(self) -> float:
        return self.landing_s + self.LAND_S + self.RECOVER_S

    activity = "jump"

    def truth(self) -> tuple[TruthSpec, ...]:
        return (("jump", self.takeoff_s, self.height_m, self.landing_s),)

    def posture(self, t: float) -> Posture:
        D, z = self.dip_m, self.TOE_M
        w = _fade(t, self.duration_s)
        if t < self.DIP_S:
            f = ease(t, self.DIP_S)
            return Posture(-D * f, 0.3 * D * f, 0.5 * f, -0.6 * f, weight=w)
        if t < self.takeoff_s:
            tau = t - self.DIP_S
            rise = _hermite(-D, 0.0, z, self.v0, self.PUSH_S, tau)
            f = ease(tau, self.PUSH_S)
            return Posture(rise, 0.3 * D * (1 - f), 0.5 * (1 - f), -0.6 + 3.1 * f, weight=w)
        if t < self.landing_s:
            tau = t - self.takeoff_s
            tuck = 0.3 * math.sin(math.pi * tau / self.flight_s) ** 2  # zero at take-off and touch-down
            return Posture(z + self.v0 * tau - 0.5 * G_MPS2 * tau * tau, 0.0, 0.0, 2.5, planted=False, tuck=tuck, weight=w)
        if t < self.landing_s + self.LAND_S:
            tau = t - self.landing_s
            rise = _hermite(z, -self.v0, -0.6 * D, 0.0, self.LAND_S, tau)
            f = ease(tau, self.LAND_S)
            return Posture(rise, 0.2 * D * f, 0.4 * f, 2.5 - 2.2 * f, weight=w)
        tau = t - self.landing_s - self.LAND_S
        f = 1 - ease(tau, self.RECOVER_S)
        return Posture(-0.6 * D * f, 0.2 * D * f, 0.4 * f, 0.05 + 0.25 * f, weight=w)


@dataclass(frozen=True, slots=True)
class Squat:
    """Body-weight squat. ``depth``: pelvis drop as a share of standing hip height."""

    depth: float
    hip_height_m: float
    DOWN_S = 1.1
    HOLD_S = 0.25
    UP_S = 1.0

    @property
    def bottom_s(self) -> float:
        return self.DOWN_S + self.HOLD_S / 2

    @property
    def duration_s(self) -> float:
        return self.DOWN_S + self.HOLD_S + self.UP_S

    activity = "squat"

    def truth(self) -> tuple[TruthSpec, ...]:
        return (("squat", self.bottom_s, self.depth, self.duration_s),)

    def posture(self, t: float) -> Posture:
        if t < self.DOWN_S:
            f = ease(t, self.DOWN_S)
        elif t < self.DOWN_S + self.HOLD_S:
            f = 1.0
        else:
            f = 1 - ease(t - self.DOWN_S - self.HOLD_S, self.UP_S)
        drop = self.depth * self.hip_height_m * f
        # Hips go back and the trunk leans forward to keep balance; arms reach forward.
        return Posture(-drop, 0.45 * drop, 0.75 * f, 0.05 + 1.35 * f, weight=_fade(t, self.duration_s))


#: Arms hanging by the sides, slightly away from the body (rad of abduction).
_ARMS_DOWN = 0.12
#: Arms straight up, hands just apart over the head.
_ARMS_OVERHEAD = math.pi - 0.22


@dataclass(frozen=True, slots=True)
class JumpingJack:
    """One jumping jack of ``period_s``: hop out to a wide stance while the arms sweep sideways
    up over the head, hop back in while they come down.

    Each hop is ballistic with flight ``FLIGHT_S`` (so the feet really leave the floor, as in
    the exercise); ``spread_m``: each foot's sideways travel. The legs stay straight when apart,
    so the pelvis sits lower by what the abduction costs a straight leg (``reach_m``: hip to
    ankle). Truth: ``jumping_jack`` at the landing in the open position (feet apart on the
    floor, hands over the head), ending when the player stands closed again.
    """

    period_s: float
    spread_m: float
    reach_m: float
    FLIGHT_S = 0.18
    DIP_M = 0.025
    ABSORB_S = 0.1

    activity = "jack"

    @property
    def duration_s(self) -> float:
        return self.period_s

    @property
    def _times(self) -> tuple[float, float, float, float]:
        out_off = 0.17 * self.period_s
        in_off = 0.55 * self.period_s
        return out_off, out_off + self.FLIGHT_S, in_off, in_off + self.FLIGHT_S

    @property
    def _open_base(self) -> float:
        r, x = self.reach_m, self.spread_m
        return -(r - math.sqrt(r * r - x * x))

    def posture(self, t: float) -> Posture:
        t_oo, t_ol, t_io, t_il = self._times
        b0, b1, d, Tf, A = 0.0, self._open_base, self.DIP_M, self.FLIGHT_S, self.ABSORB_S
        if t_oo <= t < t_ol or t_io <= t < t_il:  # ballistic flight from one base level to the other
            start, p0, p1 = (t_oo, b0, b1) if t < t_ol else (t_io, b1, b0)
            tau = t - start
            v0 = (p1 - p0) / Tf + G_MPS2 * Tf / 2
            rise, planted = p0 + v0 * tau - 0.5 * G_MPS2 * tau * tau, False
        else:
            v_out = (b1 - b0) / Tf + G_MPS2 * Tf / 2
            v_in = (b0 - b1) / Tf + G_MPS2 * Tf / 2
            knots = (
                ((0.0, 0.0, 0.0), (max(t_oo - A, 0.5 * t_oo), -d, 0.0), (t_oo, b0, v_out))
                if t < t_oo
                else (
                    ((t_ol, b1, v_out - G_MPS2 * Tf), (t_ol + A, b1 - d, 0.0), (t_io, b1, v_in))
                    if t < t_io
                    else ((t_il, b0, v_in - G_MPS2 * Tf), (t_il + A, -d, 0.0), (self.period_s, 0.0, 0.0))
                )
            )
            rise, planted = _spline(knots, t), True
        spread = self.spread_m * (_ramp(t, t_oo, t_ol) - _ramp(t, t_io, t_il))
        arms = _ARMS_DOWN + (_ARMS_OVERHEAD - _ARMS_DOWN) * (
            _ramp(t, t_oo - 0.05, t_ol + 0.04) - _ramp(t, t_io - 0.04, t_il + 0.06)
        )
        return Posture(
            rise,
            arm_rad=0.0,
            elbow_rad=0.1,
            abduct=(arms, arms),
            stance_x_m=spread,
            planted=planted,
            weight=_fade(t, self.duration_s),
        )

    def truth(self) -> tuple[TruthSpec, ...]:
        t_oo, t_ol, t_io, t_il = self._times
        return (("jumping_jack", t_ol, 1.0, t_il + self.ABSORB_S),)


@dataclass(frozen=True, slots=True)
class Punch:
    """One straight punch from a boxing guard: both hands up by the chin, then one arm
    (``arm``: 0 left, 1 right) shoots forward to full extension in ``EXTEND_S`` and comes back.

    Truth: ``punch`` at full extension.
    """

    arm: int
    GUARD_S = 0.3
    EXTEND_S = 0.14
    HOLD_S = 0.05
    RETRACT_S = 0.3
    LOWER_S = 0.3
    GUARD_FLEX = 0.5  # shoulder flexion in guard (rad)
    GUARD_ELBOW = 2.2  # elbow flexion in guard (rad): the fist by the chin

    activity = "punch"

    @property
    def duration_s(self) -> float:
        return self.GUARD_S + self.EXTEND_S + self.HOLD_S + self.RETRACT_S + self.LOWER_S

    def posture(self, t: float) -> Posture:
        g = _ramp(t, 0.0, self.GUARD_S) - _ramp(t, self.duration_s - self.LOWER_S, self.duration_s)
        t_ext = self.GUARD_S
        out = _ramp(t, t_ext, t_ext + self.EXTEND_S) - _ramp(
            t, t_ext + self.EXTEND_S + self.HOLD_S, t_ext + self.EXTEND_S + self.HOLD_S + self.RETRACT_S
        )
        flex_g, elbow_g = 0.05 + (self.GUARD_FLEX - 0.05) * g, 0.15 + (self.GUARD_ELBOW - 0.15) * g
        flex = [flex_g, flex_g]
        elbow = [elbow_g, elbow_g]
        flex[self.arm] = flex_g + (math.pi / 2 - flex_g) * out
        elbow[self.arm] = elbow_g * (1 - out) + 0.05 * out
        # The whole-arm elbow value is 0: each arm's flexion rides on elbow_extra.
        return Posture(arms=(flex[0], flex[1]), elbow_rad=0.0, elbow_extra=(elbow[0], elbow[1]), weight=_fade(t, self.duration_s))

    def truth(self) -> tuple[TruthSpec, ...]:
        t_full = self.GUARD_S + self.EXTEND_S
        return (("punch", t_full, 1.0, t_full + self.HOLD_S + self.RETRACT_S),)


@dataclass(frozen=True, slots=True)
class ArmWave:
    """Both arms raised sideways over the head, waved ``waves`` times, lowered; feet still.

    The arm path up and down is a jumping jack's: the negative case for the jack detector
    ("arm raises alone"). No truth event of its own (arms-up truth comes from the geometry).
    """

    waves: int = 2
    RAISE_S = 0.5
    WAVE_S = 0.6
    LOWER_S = 0.5

    activity = "wave"

    @property
    def duration_s(self) -> float:
        return self.RAISE_S + self.waves * self.WAVE_S + self.LOWER_S

    def posture(self, t: float) -> Posture:
        up = _ramp(t, 0.0, self.RAISE_S) - _ramp(t, self.duration_s - self.LOWER_S, self.duration_s)
        t_w = t - self.RAISE_S
        wave = 0.0
        if 0.0 <= t_w < self.waves * self.WAVE_S:
            wave = 0.35 * math.sin(2 * math.pi * t_w / self.WAVE_S)
        left = _ARMS_DOWN + (_ARMS_OVERHEAD - 0.2 - _ARMS_DOWN) * up + wave
        right = _ARMS_DOWN + (_ARMS_OVERHEAD - 0.2 - _ARMS_DOWN) * up - wave
        return Posture(arm_rad=0.0, elbow_rad=0.25, abduct=(left, right), weight=_fade(t, self.duration_s))

    def truth(self) -> tuple[TruthSpec, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class WideStep:
    """Step out to a wide stance, then raise both arms over the head and lower them, then step
    back in: feet apart and arms up, but one after the other (not a jumping jack)."""

    spread_m: float
    reach_m: float
    STEP_S = 0.5
    PAUSE_S = 0.6
    RAISE_S = 0.6
    HOLD_S = 0.4

    activity = "wide"

    @property
    def duration_s(self) -> float:
        return 2 * self.STEP_S + 2 * self.PAUSE_S + 2 * self.RAISE_S + self.HOLD_S

    def posture(self, t: float) -> Posture:
        S, P, R, Hd = self.STEP_S, self.PAUSE_S, self.RAISE_S, self.HOLD_S
        out = _ramp(t, 0.0, S) - _ramp(t, self.duration_s - S, self.duration_s)
        t_up = S + P
        up = _ramp(t, t_up, t_up + R) - _ramp(t, t_up + R + Hd, t_up + 2 * R + Hd)
        x = self.spread_m * out
        rise = -(self.reach_m - math.sqrt(self.reach_m**2 - x * x)) - 0.01 * out
        arms = _ARMS_DOWN + (_ARMS_OVERHEAD - _ARMS_DOWN) * up
        return Posture(rise, arm_rad=0.0, elbow_rad=0.1, abduct=(arms, arms), stance_x_m=x, weight=_fade(t, self.duration_s))

    def truth(self) -> tuple[TruthSpec, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class DoublePole:
    """One double-pole arm swing, as in cross-country skiing without poles: both arms reach
    forward and up, then drive down and back past the hips together while the trunk bends
    forward and the knees give a little.

    Truth: ``arm_swing`` when the hands pass the hips on the way down (the propulsive phase).
    """

    REACH_S = 0.55
    DRIVE_S = 0.35
    RECOVER_S = 0.6
    TOP_FLEX = 2.0  # rad, arms forward and up
    BACK_FLEX = -0.5  # rad, arms behind the body at the end of the drive

    activity = "pole"

    @property
    def duration_s(self) -> float:
        return self.REACH_S + self.DRIVE_S + self.RECOVER_S

    def _flex(self, t: float) -> float:
        r, d = self.REACH_S, self.DRIVE_S
        if t < r:
            return 0.05 + (self.TOP_FLEX - 0.05) * ease(t, r)
        if t < r + d:
            return self.TOP_FLEX + (self.BACK_FLEX - self.TOP_FLEX) * ease(t - r, d)
        return self.BACK_FLEX + (0.05 - self.BACK_FLEX) * ease(t - r - d, self.RECOVER_S)

    def posture(self, t: float) -> Posture:
        r, d = self.REACH_S, self.DRIVE_S
        bend = _ramp(t, r, r + d) - _ramp(t, r + d, self.duration_s)
        return Posture(
            -0.05 * bend, 0.02 * bend, 0.45 * bend, arm_rad=self._flex(t), elbow_rad=0.35, weight=_fade(t, self.duration_s)
        )

    def truth(self) -> tuple[TruthSpec, ...]:
        # Hands at the hips: flexion (plus half the trunk lean, as the body model adds) near 0.
        r, d = self.REACH_S, self.DRIVE_S
        lo, hi = r, r + d
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            lean = 0.45 * ease(mid - r, d)
            if self._flex(mid) + 0.5 * lean > 0.0:
                lo = mid
            else:
                hi = mid
        return (("arm_swing", 0.5 * (lo + hi), 1.0, self.duration_s),)


Move = Jump | Squat | JumpingJack | Punch | ArmWave | WideStep | DoublePole
