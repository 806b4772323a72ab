"""Recorded samples played back as an input source, and the one order a frame's items are read in.

A :class:`RecordedSource` stands where a live source would: it pushes stored samples and device
status changes into the same :class:`~sensors.bus.SensorBus`, stamped with their original host
times (``t_host_ns``), so everything downstream sees what it saw when they were recorded. It
has no thread: its owner says what falls due, either

- by count per stream (:meth:`RecordedSource.deliver`): the next ``n`` items of each stream,
  as a recorded frame drained them (an exact replay of a game loop's frames), or
- by time (:meth:`RecordedSource.deliver_until`): every item stamped at or before a host time,
  for recordings that kept no frames.

Each stream's items are given in the order they were stored (for one stream that is the order
they were pushed). Items of several streams that fall into one frame are put in
:func:`canonical_order`, which the live game loop applies to what it drains as well, so a frame
read live and the same frame replayed hand their items on in the same order whatever the
threads' timing was.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping

from sensors.bus import SensorBus
from sensors.samples import BusItem, DeviceStatus

#: Stream names, in the order items with the same host time are read: samples before a status
#: change stamped at the same moment (a device's last samples come before its "disconnected").
STREAMS = ("hr", "imu", "pose", "fitness", "status")
_RANK = {name: i for i, name in enumerate(STREAMS)}


def stream_of(item: BusItem) -> str:
    """The stream an item belongs to: ``hr``, ``imu``, ``pose``, ``fitness`` or ``status``."""
    if isinstance(item, DeviceStatus):
        return "status"
    return str(item.kind.value)


def _order_key(item: BusItem) -> tuple[int, int, str]:
    return item.t_host_ns, _RANK[stream_of(item)], item.source


def canonical_order(items: Iterable[BusItem]) -> list[BusItem]:
    """``items`` by host time, then stream (:data:`STREAMS`), then source; items equal in all
    three keep their order (the sort is stable), which for one stream of one source is the
    order they were pushed and stored."""
    return sorted(items, key=_order_key)


def count_streams(items: Iterable[BusItem]) -> dict[str, int]:
    """How many of ``items`` belong to each stream (streams without any left out)."""
    counts: dict[str, int] = {}
    for item in items:
        name = stream_of(item)
        counts[name] = counts.get(name, 0) + 1
    return counts


class RecordingExhausted(Exception):
    """A frame asked for more items of a stream than the recording holds (a damaged or
    truncated recording); the message names the stream and the shortfall."""


class RecordedSource:
    """A Source (see :mod:`sensors.source`) that plays back recorded streams.

    ``streams``: for each stream name of :data:`STREAMS` an iterable of its items in stored
    order; they are read lazily, so a long recording need not fit in memory. ``name`` labels
    the source; the items keep the ``source`` they were recorded with.
    """

    def __init__(self, streams: Mapping[str, Iterable[BusItem]], name: str = "replay") -> None:
        unknown = set(streams) - set(STREAMS)
        if unknown:
            raise ValueError(f"unknown streams {sorted(unknown)}; expected some of {', '.join(STREAMS)}")
        self.name = name
        self._iters: dict[str, Iterator[BusItem]] = {k: iter(v) for k, v in streams.items()}
        self._heads: dict[str, BusItem | None] = {}
        self._bus: SensorBus | None = None
        self.delivered: dict[str, int] = dict.fromkeys(STREAMS, 0)

    def start(self, bus: SensorBus) -> None:
        self._bus = bus

    def stop(self) -> None:
        self._bus = None

    def _peek(self, stream: str) -> BusItem | None:
        if stream not in self._heads:
            it = self._iters.get(stream)
            self._heads[stream] = next(it, None) if it is not None else None
        return self._heads[stream]

    def _pop(self, stream: str) -> BusItem | None:
        item = self._peek(stream)
        if item is not None:
            del self._heads[stream]
            self.delivered[stream] += 1
        return item

    def take(self, counts: Mapping[str, int]) -> list[BusItem]:
        """The next ``counts[stream]`` items of each stream, in :func:`canonical_order`.
        Raises :class:`RecordingExhausted` when a stream has fewer left."""
        out: list[BusItem] = []
        for stream, n in counts.items():
            if stream not in _RANK:
                raise ValueError(f"unknown stream {stream!r}; expected one of {', '.join(STREAMS)}")
            for got in range(n):
                item = self._pop(stream)
                if item is None:
                    raise RecordingExhausted(
                        f"the recording's {stream} stream ends after {self.delivered[stream]} items, "
                        f"but a frame asks for {n - got} more"
                    )
                out.append(item)
        return canonical_order(out)

    def take_until(self, t_ns: int) -> list[BusItem]:
        """Every item not yet delivered stamped at or before ``t_ns`` (host ns), in
        :func:`canonical_order`. A stream is read in stored order and stops at its first later
        item, so an item stored out of time order waits for the ones before it."""
        out: list[BusItem] = []
        for stream in STREAMS:
            while (head := self._peek(stream)) is not None and head.t_host_ns <= t_ns:
                out.append(head)
                self._pop(stream)
        return canonical_order(out)

    def next_t_ns(self) -> int | None:
        """Host time of the earliest item not yet delivered (None when all are)."""
        times = [h.t_host_ns for s in STREAMS if (h := self._peek(s)) is not None]
        return min(times) if times else None

    def deliver(self, counts: Mapping[str, int]) -> int:
        """Push :meth:`take` onto the bus given to :meth:`start`; return how many were pushed."""
        bus = self._started_bus()
        items = self.take(counts)
        bus.push_many(items)
        return len(items)

    def deliver_until(self, t_ns: int) -> int:
        """Push :meth:`take_until` onto the bus; return how many were pushed."""
        bus = self._started_bus()
        items = self.take_until(t_ns)
        bus.push_many(items)
        return len(items)

    def _started_bus(self) -> SensorBus:
        if self._bus is None:
            raise RuntimeError("start(bus) the recorded source before delivering from it")
        return self._bus


__all__ = [
    "STREAMS",
    "RecordedSource",
    "RecordingExhausted",
    "canonical_order",
    "count_streams",
    "stream_of",
]
