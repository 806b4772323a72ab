"""SensorBus: the one hand-over point between background sources and the game loop.

Sources (BLE thread, camera and pose threads, simulated player) call :meth:`SensorBus.push`
from any thread. The game loop calls :meth:`SensorBus.drain` once per frame; it never blocks
beyond a few list operations under a lock that pushers hold just as briefly.

The bus is bounded: if the consumer stalls (a window drag, a debugger), the oldest samples are
dropped and counted rather than growing memory without limit. Status events are never dropped,
because a stale or lost device must always reach the screen, and everything is drained in the
order it was pushed, so a device's last samples come before its "disconnected".
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass

from sensors.samples import BusItem, DeviceStatus


@dataclass(frozen=True, slots=True)
class BusStats:
    pushed: int
    drained: int
    dropped: int
    pending: int


class SensorBus:
    """Thread-safe, bounded, non-blocking multi-producer / single-consumer queue of bus items."""

    def __init__(self, capacity: int = 20_000) -> None:
        if capacity < 1:
            raise ValueError("capacity must be at least 1")
        self._capacity = capacity
        self._items: deque[BusItem] = deque()
        self._n_status = 0  # status events in _items: they do not count against the capacity
        self._lock = threading.Lock()
        self._pushed = 0
        self._drained = 0
        self._dropped = 0

    def push(self, item: BusItem) -> None:
        """Publish one item. Never blocks for long; when full, drops the oldest sample."""
        with self._lock:
            self._pushed += 1
            if len(self._items) - self._n_status >= self._capacity:
                self._drop_oldest_sample()
            if isinstance(item, DeviceStatus):
                self._n_status += 1
            self._items.append(item)

    def _drop_oldest_sample(self) -> None:
        for i, old in enumerate(self._items):
            if not isinstance(old, DeviceStatus):
                del self._items[i]
                self._dropped += 1
                return

    def push_many(self, items: list[BusItem]) -> None:
        for item in items:
            self.push(item)

    def drain(self) -> list[BusItem]:
        """Everything published since the last drain, in push order."""
        with self._lock:
            if not self._items:
                return []
            out = list(self._items)
            self._items.clear()
            self._n_status = 0
            self._drained += len(out)
        return out

    def stats(self) -> BusStats:
        with self._lock:
            return BusStats(self._pushed, self._drained, self._dropped, len(self._items))
