"""Freshness of a stream on the monotonic clock: a dead strap must not look alive.

A pure state machine (no clock of its own: the caller passes ``now_ns``), after habluetooth's
advertisement-timeout watchdogs. A stream is *fresh* while data arrived within ``timeout_s`` and
the device does not say the data is invalid (heart-rate strap: "sensor contact: no").
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sensors.clock import NS_PER_S


@dataclass
class Freshness:
    """``timeout_s``: longest gap between notifications that still counts as live. Heart-rate
    straps notify about once a second, so 3 s tolerates two lost packets."""

    timeout_s: float = 3.0
    last_ns: int | None = None
    invalid: bool = False
    _fresh: bool = field(default=False, init=False)

    def seen(self, now_ns: int, *, valid: bool = True) -> bool:
        """Record a notification. Returns True when the stream turned fresh with it."""
        self.last_ns = now_ns
        self.invalid = not valid
        was = self._fresh
        self._fresh = valid
        return self._fresh and not was

    def fresh(self, now_ns: int) -> bool:
        return self.last_ns is not None and not self.invalid and now_ns - self.last_ns <= self.timeout_s * NS_PER_S

    def check(self, now_ns: int) -> bool:
        """Returns True when the stream has just gone stale (once per staleness)."""
        if self._fresh and not self.fresh(now_ns):
            self._fresh = False
            return True
        return False

    def reset(self) -> None:
        self.last_ns = None
        self.invalid = False
        self._fresh = False
