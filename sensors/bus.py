"""SensorBus: the one hand-over point between background sources and the game loop.

Sources (BLE thread, camera and pose threads, simulated player) call :meth:`SensorBus.push`
from any thread. The game loop calls :meth:`SensorBus.drain` once per frame; it never blocks
beyond a few list operations under a lock that pushers hold just as briefly.

The bus is bounded: if the consumer stalls (a window drag, a debugger), the oldest items are
dropped and counted rather than growing memory without limit. Status events are never dropped
in favour of samples, because a stale or lost device must always reach the screen.
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
        self._status: deque[DeviceStatus] = deque(maxlen=1024)
        self._lock = threading.Lock()
        self._pushed = 0
        self._drained = 0
        self._dropped = 0

    def push(self, item: BusItem) -> None:
        """Publish one item. Never blocks for long; drops the oldest sample when full."""
        with self._lock:
            self._pushed += 1
            if isinstance(item, DeviceStatus):
                self._status.append(item)
                return
            if len(self._items) >= self._capacity:
                self._items.popleft()
                self._dropped += 1
            self._items.append(item)

    def push_many(self, items: list[BusItem]) -> None:
        for item in items:
            self.push(item)

    def drain(self) -> list[BusItem]:
        """Everything published since the last drain, status events first, each in push order."""
        with self._lock:
            if not self._items and not self._status:
                return []
            out: list[BusItem] = list(self._status)
            out.extend(self._items)
            self._status.clear()
            self._items.clear()
            self._drained += len(out)
        return out

    def stats(self) -> BusStats:
        with self._lock:
            return BusStats(self._pushed, self._drained, self._dropped, len(self._items) + len(self._status))
