"""What motion recognition emits: discrete events and a continuous state."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MotionEvent:
    """A recognised movement.

    ``t_ns``: host-clock time of the movement itself (the sample time at which it was
    recognised, e.g. take-off for a jump), not the time the detector ran.
    ``kind``: ``"step"``, ``"jump"``, ``"squat"`` (more kinds arrive with later detectors).
    ``confidence``: 0..1. ``magnitude``: kind-specific, stated per kind:
    step -> 1.0; jump -> estimated jump height in metres; squat -> depth 0..1 of the
    player's standing hip height.
    ``source``: the stream the event was recognised from (``"pose"``, ``"imu:chest"`` ...).
    """

    t_ns: int
    kind: str
    confidence: float
    magnitude: float
    source: str


@dataclass(frozen=True, slots=True)
class MotionState:
    """Continuous motion quantities, valid at ``t_ns``.

    ``cadence_spm``: steps per minute over the recent window (0 when not stepping).
    ``crouch``: 0 standing .. 1 deepest squat, as a share of standing hip height.
    ``airborne``: the player is in the flight phase of a jump.
    ``lean``: lateral lean -1 (left) .. 1 (right).
    """

    t_ns: int = 0
    cadence_spm: float = 0.0
    crouch: float = 0.0
    airborne: bool = False
    lean: float = 0.0
