"""The small interface every background input source implements."""

from __future__ import annotations

from typing import Protocol

from sensors.bus import SensorBus


class Source(Protocol):
    """A producer of samples that runs on its own thread(s) and pushes into a SensorBus.

    Contract for implementers:
    - ``start(bus)`` returns promptly; work happens on the source's own thread(s).
    - Every sample is stamped with the shared monotonic clock (``sensors.clock.now_ns``).
    - A device that appears, goes stale or disappears is reported with a ``DeviceStatus``.
    - ``stop()`` is idempotent, returns within about a second and leaves no thread running.
    """

    name: str

    def start(self, bus: SensorBus) -> None: ...

    def stop(self) -> None: ...
