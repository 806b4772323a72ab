"""Who is in front of the kiosk, read from the motion state: pure step functions on seconds.

- :class:`Presence`: whether someone is in view (a fresh pose), for how long nobody has been,
  and how long both arms have been held up (the walk-up gesture, :data:`WALKUP_HOLD_S`).
- :class:`LeanSteps`: a held lean read as single steps left or right, the way a menu reads
  arrow keys: one step when the lean passes :data:`LEAN_ON`, the next only after it came back
  under :data:`LEAN_OFF`, or every :data:`LEAN_REPEAT_S` while it is held.

Times are seconds of the game's fixed update (monotonic), never the wall clock.
"""

from __future__ import annotations

from dataclasses import dataclass

#: Both arms up for this long (s) is a walk-up: long enough that a stretch or a wave to a friend
#: passing by rarely counts, short enough that nobody wonders whether the kiosk noticed.
WALKUP_HOLD_S = 1.0
#: A dip of the arms shorter than this (s) does not restart the hold (pose jitter, a wave).
ARMS_DIP_S = 0.25
#: Lean thresholds on the -1..1 lean axis (1 = a 30 deg trunk tilt): about 13 deg to step, and
#: back within about 6 deg to arm the next step (hysteresis against a wobbling trunk).
LEAN_ON = 0.45
LEAN_OFF = 0.2
LEAN_REPEAT_S = 1.2


@dataclass
class Presence:
    """Someone in view, nobody for how long, arms up for how long."""

    in_view: bool = False
    nobody_s: float = 0.0
    arms_up_s: float = 0.0
    _dip_s: float = 0.0

    def update(self, dt_s: float, in_view: bool, arms_up: bool) -> None:
        self.in_view = in_view
        self.nobody_s = 0.0 if in_view else self.nobody_s + dt_s
        if in_view and arms_up:
            self.arms_up_s += dt_s
            self._dip_s = 0.0
        elif self.arms_up_s > 0.0:
            self._dip_s += dt_s
            if not in_view or self._dip_s >= ARMS_DIP_S:
                self.arms_up_s = 0.0
                self._dip_s = 0.0

    def seen(self) -> None:
        """Someone is there for certain (a key was pressed): restart the nobody timer."""
        self.nobody_s = 0.0

    @property
    def walked_up(self) -> bool:
        return self.arms_up_s >= WALKUP_HOLD_S

    def reset_gesture(self) -> None:
        self.arms_up_s = 0.0
        self._dip_s = 0.0


@dataclass
class LeanSteps:
    """Turns the lean axis into steps: -1 (left), +1 (right) or 0 per update."""

    _side: int = 0
    _held_s: float = 0.0

    def update(self, dt_s: float, lean: float) -> int:
        side = 1 if lean >= LEAN_ON else -1 if lean <= -LEAN_ON else 0
        if side == 0:
            if abs(lean) < LEAN_OFF:
                self._side, self._held_s = 0, 0.0
            return 0
        if side != self._side:
            self._side, self._held_s = side, 0.0
            return side
        self._held_s += dt_s
        if self._held_s >= LEAN_REPEAT_S:
            self._held_s = 0.0
            return side
        return 0
