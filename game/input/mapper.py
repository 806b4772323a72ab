"""Turns key presses and recognised movements into named actions and axes.

Game modes read only :class:`InputFrame` snapshots: actions with pressed / held / released
edges and axes as floats. Edges are defined once, here:

- ``pressed``: the action became held since the previous step (a tap shorter than one step
  still counts: it is held for exactly one step);
- ``held``: at least one device holds it now;
- ``released``: held on the previous step, not now.

Two players at one keyboard: :meth:`InputMapper.route_keys` sends the keys of the second
player's bindings (:meth:`game.input.bindings.Bindings.second_player`) to their own mapper, so
one key press moves one player.

Every hold belongs to a device (``"keyboard"``, ``"motion"`` ...). When a device disappears,
:meth:`InputMapper.device_lost` drops its holds and axis contributions, so the game sees a
release instead of an action stuck down (the idea of Tuxemon's ``virtual_stop_events``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from game.input.bindings import Bindings
from sensors.motion.events import MotionEvent, MotionState

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class InputFrame:
    """One fixed-update step's view of the input."""

    pressed: frozenset[str] = _EMPTY
    held: frozenset[str] = _EMPTY
    released: frozenset[str] = _EMPTY
    axes: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))

    def axis(self, name: str) -> float:
        return self.axes.get(name, 0.0)


class InputMapper:
    """Collects raw input between steps; :meth:`step` produces the next :class:`InputFrame`."""

    def __init__(self, bindings: Bindings) -> None:
        self.bindings = bindings
        self._key_actions: dict[str, list[str]] = {}
        self._event_actions: dict[str, list[str]] = {}
        self._crouch_actions: list[str] = []
        for action in bindings.actions.values():
            for key in action.keys:
                self._key_actions.setdefault(key, []).append(action.name)
            for kind in action.motion_events:
                self._event_actions.setdefault(kind, []).append(action.name)
            if action.motion_state == "crouch":
                self._crouch_actions.append(action.name)
        self._holders: dict[str, set[tuple[str, str]]] = {}
        self._keys_down: dict[str, set[str]] = {}
        self._axis_parts: dict[str, dict[str, float]] = {name: {} for name in bindings.axes}
        self._pending_pulses: set[str] = set()
        self._prev_held: frozenset[str] = _EMPTY
        self._route: InputMapper | None = None
        self._routed: frozenset[str] = _EMPTY

    def route_keys(self, other: InputMapper | None) -> None:
        """From now on, the keys ``other``'s bindings use go to ``other`` (a second player at
        the same keyboard) and no longer press anything here; None takes them back. Keys held
        at the switch are let go on both sides, so no action stays stuck down."""
        if other is self._route:
            return
        taken = other.bindings.keys if other is not None else _EMPTY
        before, self._route, self._routed = self._route, None, _EMPTY
        for device, down in list(self._keys_down.items()):
            for key in sorted(down & taken):
                self.key_up(key, device)
        if before is not None:
            before.release_all()
        self._route, self._routed = other, taken

    # -- raw input -------------------------------------------------------------------------
    def key_down(self, key: str, device: str = "keyboard") -> None:
        key = key.lower()
        if self._route is not None and key in self._routed:
            self._route.key_down(key, device)
            return
        down = self._keys_down.setdefault(device, set())
        if key in down:
            return  # key repeat
        down.add(key)
        for action in self._key_actions.get(key, ()):
            self._hold(action, device, f"key:{key}")
        self._update_key_axes(device)

    def key_up(self, key: str, device: str = "keyboard") -> None:
        key = key.lower()
        if self._route is not None and key in self._routed:
            self._route.key_up(key, device)
            return
        self._keys_down.get(device, set()).discard(key)
        for action in self._key_actions.get(key, ()):
            self._unhold(action, device, f"key:{key}")
        self._update_key_axes(device)

    def motion_event(self, event: MotionEvent, device: str = "motion") -> None:
        """A discrete movement (jump, punch ...) presses its actions for one step; one of a
        named hand also those bound to ``KIND_HAND`` (``punch_left``)."""
        for action in self._event_actions.get(event.kind, ()):
            self._pending_pulses.add(action)
        if event.hand is not None:
            for action in self._event_actions.get(f"{event.kind}_{event.hand}", ()):
                self._pending_pulses.add(action)

    def motion_state(self, state: MotionState, device: str = "motion") -> None:
        """Continuous movement: crouch holds, cadence and lean axes."""
        b = self.bindings
        for action in self._crouch_actions:
            if state.crouch >= b.crouch_hold:
                self._hold(action, device, "crouch")
            elif state.crouch < b.crouch_release:
                self._unhold(action, device, "crouch")
        for axis in b.axes.values():
            if axis.motion_state == "cadence":
                self._axis_parts[axis.name][device] = max(0.0, state.cadence_spm / b.cadence_full_spm)
            elif axis.motion_state == "lean":
                self._axis_parts[axis.name][device] = max(-1.0, min(1.0, state.lean))

    def device_lost(self, device: str) -> None:
        """Release everything ``device`` holds and drop its axis contributions."""
        for holders in self._holders.values():
            for holder in [h for h in holders if h[0] == device]:
                holders.discard(holder)
        self._keys_down.pop(device, None)
        for parts in self._axis_parts.values():
            parts.pop(device, None)

    def release_all(self) -> None:
        """Release every device's holds (e.g. the window lost focus and will miss key-ups)."""
        if self._route is not None:
            self._route.release_all()
        for device in {h[0] for holders in self._holders.values() for h in holders} | set(self._keys_down):
            self.device_lost(device)

    # -- stepping --------------------------------------------------------------------------
    def step(self) -> InputFrame:
        held = frozenset(a for a, h in self._holders.items() if h) | self._pending_pulses
        pressed = (held - self._prev_held) | frozenset(self._pending_pulses - self._prev_held)
        released = self._prev_held - held
        self._pending_pulses.clear()
        self._prev_held = held
        axes = {name: self._combine(parts) for name, parts in self._axis_parts.items()}
        return InputFrame(pressed, held, released, MappingProxyType(axes))

    # -- internals -------------------------------------------------------------------------
    def _hold(self, action: str, device: str, reason: str) -> None:
        holders = self._holders.setdefault(action, set())
        if not holders:
            # Held for at least one step even if let go before the next step (a quick tap).
            self._pending_pulses.add(action)
        holders.add((device, reason))

    def _unhold(self, action: str, device: str, reason: str) -> None:
        self._holders.get(action, set()).discard((device, reason))

    def _update_key_axes(self, device: str) -> None:
        down = self._keys_down.get(device, set())
        for axis in self.bindings.axes.values():
            value = float(any(k in down for k in axis.keys_positive)) - float(any(k in down for k in axis.keys_negative))
            if axis.keys_positive or axis.keys_negative:
                if value:
                    self._axis_parts[axis.name][device] = value
                else:
                    self._axis_parts[axis.name].pop(device, None)

    @staticmethod
    def _combine(parts: dict[str, float]) -> float:
        # The strongest device wins: a player may run on the spot while the keyboard idles.
        return max(parts.values(), key=abs, default=0.0)
