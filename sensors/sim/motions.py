"""Single movements of the simulated player: counter-movement jumps and squats.

Each movement is a pelvis trajectory relative to standing (metres, up positive) plus trunk
lean and arm angles, as smooth functions of time since the movement started. Jump flight is
ballistic, so a trunk accelerometer reads free fall (0 g) while airborne, and flight time and
height obey h = g t^2 / 8 (Bosco C, Luhtanen P, Komi PV. A simple method for measurement of
mechanical power in jumping. Eur J Appl Physiol 1983;50:273-282).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

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
    """Offsets from standing: pelvis up (m) and back (m), trunk lean, shoulder flexion."""

    rise_m: float = 0.0
    back_m: float = 0.0
    lean_rad: float = 0.0
    arm_rad: float | None = None
    planted: bool = True
    tuck: float = 0.0  # knee lift of both legs in flight, 0..1
    weight: float = 1.0  # how much the base activity (jogging, swaying) is faded out


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
            return Posture(z + self.v0 * tau - 0.5 * G_MPS2 * tau * tau, 0.0, 0.0, 2.5, planted=False, tuck=tuck,
                           weight=w)
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
