"""Finding the stretches of a session without data, as the writer stores them.

Two sources of evidence, both kept (see :mod:`game.sessions.schema`, version 4, table ``gaps``):

- a device's status: it left the live states (connected, streaming) after having been live:
  kind ``stale`` when it is still connected but its data stopped, else ``link``; the gap ends
  when it is live again;
- the data itself: two consecutive readings of one stream from one source further apart than
  :data:`DATA_GAP_NS` allows for that stream (kind ``data``). This catches dropouts that no
  status reports (a simulated or replayed source, a strap that stays "connected" while its
  notifications are lost in the radio).

The tracker is fed rows in stored order and can be rolled back (:meth:`GapTracker.snapshot` /
:meth:`restore`), because the writer retries a batch whole after a failed write.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from sensors.samples import DeviceState, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch, PoseFrame

#: Longest pause between consecutive readings of a stream that is not a gap, ns. Heart rate and
#: fitness machines notify about once a second: 3 s is the link's own staleness limit
#: (``sensors.ble.profiles``, ``stale_after_s``); a camera runs at 15-30 frames/s, so 1 s is 15+
#: lost frames; IMU batches arrive every few tens of ms, so 0.5 s of missing samples is a dropout
#: (measured from the end of one batch's samples to the first of the next).
DATA_GAP_NS = {"hr": 3_000_000_000, "fitness": 3_000_000_000, "pose": 1_000_000_000, "imu": 500_000_000}

_LIVE = (DeviceState.CONNECTED, DeviceState.STREAMING)


@dataclasses.dataclass(frozen=True)
class Gap:
    """One stretch without data: ``kind`` (link, stale, data, store), ``stream`` (or None for a
    whole device), ``source``, host monotonic ``t_from_ns`` / ``t_to_ns`` (None: still open when
    the session ended), ``detail`` (the device's message, or what was lost)."""

    kind: str
    stream: str | None
    source: str
    t_from_ns: int
    t_to_ns: int | None
    detail: str | None = None


def _span(row: Any) -> tuple[str, int, int] | None:
    """(stream, host time of the row's first reading, host time just after its last one)."""
    if isinstance(row, ImuBatch):
        return "imu", row.t_first_ns, row.t_first_ns + round(row.n_values * 1e9 / row.rate_hz)
    if isinstance(row, (HeartRateSample, FitnessSample, PoseFrame)):
        return row.kind.value, row.t_host_ns, row.t_host_ns
    return None


class GapTracker:
    """Turns rows (samples and :class:`DeviceStatus`) into closed :class:`Gap` s as they come."""

    def __init__(self) -> None:
        self._next: dict[tuple[str, str], int] = {}  # (stream, source) -> end of its last reading, ns
        self._open: dict[str, Gap] = {}  # source -> its open link/stale gap
        self._was_live: set[str] = set()

    def snapshot(self) -> tuple[dict[tuple[str, str], int], dict[str, Gap], set[str]]:
        return dict(self._next), dict(self._open), set(self._was_live)

    def restore(self, state: tuple[dict[tuple[str, str], int], dict[str, Gap], set[str]]) -> None:
        self._next, self._open, self._was_live = dict(state[0]), dict(state[1]), set(state[2])

    def seed(self, statuses: Any, t0_ns: int) -> None:
        """Start from the devices' states when the session begins (their newest statuses, sent
        before it): a device that is live counts as seen live, so losing it later is a gap; one
        that was connected and is now stale or lost opens a gap at the session's start ``t0_ns``."""
        for status in statuses:
            if status.state in _LIVE:
                self._was_live.add(status.source)
            elif status.state in (DeviceState.STALE, DeviceState.DISCONNECTED, DeviceState.ERROR):
                self._was_live.add(status.source)
                self._status(dataclasses.replace(status, t_host_ns=max(status.t_host_ns, t0_ns)))

    def feed(self, row: Any) -> list[Gap]:
        """The gaps ``row`` closes (zero or one)."""
        if isinstance(row, DeviceStatus):
            return self._status(row)
        span = _span(row)
        if span is None:
            return []
        stream, first, end = span
        key = (stream, row.source)
        previous = self._next.get(key)
        self._next[key] = max(end, previous or end)
        if previous is not None and first - previous > DATA_GAP_NS[stream]:
            return [Gap("data", stream, row.source, previous, first, f"no {stream} data for {(first - previous) / 1e9:.1f} s")]
        return []

    def _status(self, status: DeviceStatus) -> list[Gap]:
        source = status.source
        if status.state in _LIVE:
            self._was_live.add(source)
            gap = self._open.pop(source, None)
            return [] if gap is None else [dataclasses.replace(gap, t_to_ns=status.t_host_ns)]
        kind = "stale" if status.state == DeviceState.STALE else "link"
        gap = self._open.get(source)
        if gap is not None:
            if gap.kind == "stale" and kind == "link":  # data stopped, then the link went too: one gap, the worse kind
                self._open[source] = dataclasses.replace(gap, kind="link", detail=f"{status.state.value}: {status.message}")
            return []
        if source not in self._was_live:
            return []  # still searching before its first connection: not a gap in the data
        self._open[source] = Gap(kind, None, source, status.t_host_ns, None, f"{status.state.value}: {status.message}")
        return []

    def still_open(self) -> list[Gap]:
        """Gaps not closed by the end of the session (``t_to_ns`` None), oldest first."""
        return sorted(self._open.values(), key=lambda g: g.t_from_ns)
