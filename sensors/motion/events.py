"""What motion recognition emits: discrete events and a continuous state."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MotionEvent:
    """A recognised movement.

    ``t_ns``: host-clock time of the movement itself (the sample time at which it was
    recognised, e.g. take-off for a jump), not the time the detector ran.
    ``kind`` and ``magnitude`` (kind-specific) and the time ``t_ns`` marks:

    - ``"step"``: foot contact; 1.0.
    - ``"takeoff"``: the take-off of a jump, emitted as soon as the flight is recognisable
      (from pose: both feet clear of the floor and the hips rising, not a jumping jack's hop;
      from a trunk IMU: free fall after a push-off fast enough for a jump), while the player
      is still in the air; 1.0. This is what a game answers a jump with.
    - ``"jump"``: take-off, emitted at landing (the flight time gives the height); estimated
      jump height in metres. The same jump's ``takeoff`` came before it, for the session log.
    - ``"squat"``: the bottom; depth 0..1 of the player's standing hip height.
    - ``"jumping_jack"``: reaching the open position (hands over the head, feet apart) from
      the closed one; 1.0. One per full cycle.
    - ``"arms_up"``: both hands rising above about eye level (wrists half a trunk length
      above the shoulders); the lower wrist's height in trunk lengths. The held state is
      :attr:`MotionState.arms_up`.
    - ``"punch"``: an arm reaching full extension from a bent guard; mean extension speed in
      arm lengths per second. ``hand`` says which fist.
    - ``"arm_swing"``: a double-pole arm swing, both hands passing the hips on the way down;
      mean hand speed in trunk lengths per second.
    - ``"sidestep_left"`` / ``"sidestep_right"``: the hips arriving a side step away from the
      player's home position, to the player's own left / right; the offset reached, in
      standing hip heights (positive). The held position is :attr:`MotionState.side`.

    ``confidence``: 0..1.
    ``source``: the stream the event was recognised from (``"pose"``, ``"imu:chest"`` ...).
    ``hand``: ``"left"`` or ``"right"`` (the player's own) for a movement of one hand (a punch);
    None for the others.
    """

    t_ns: int
    kind: str
    confidence: float
    magnitude: float
    source: str
    hand: str | None = None


@dataclass(frozen=True, slots=True)
class MotionState:
    """Continuous motion quantities, valid at ``t_ns``.

    ``cadence_spm``: steps per minute over the recent window (0 when not stepping).
    ``crouch``: 0 standing .. 1 deepest squat, as a share of standing hip height.
    ``airborne``: the player is in the flight phase of a jump (from the take-off's recognition
    to landing).
    ``lean``: lateral lean -1 (left) .. 1 (right).
    ``arms_up``: both hands are above about eye level (pose only; False when pose is not fresh).
    ``side``: where the hips are across the floor relative to the player's home position, in
    standing hip heights, + towards the player's own right (pose only; 0 when pose is not fresh).
    A side step of one shoulder width reads about 0.5.
    """

    t_ns: int = 0
    cadence_spm: float = 0.0
    crouch: float = 0.0
    airborne: bool = False
    lean: float = 0.0
    arms_up: bool = False
    side: float = 0.0
