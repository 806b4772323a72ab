"""The one-second track that TCX and FIT carry: heart rate, RR intervals, speed, cadence,
distance and power, merged from the stored heart-rate and fitness readings.

Sport watches record at most one point a second ("smart recording" records less often); a TCX
trackpoint or a FIT record is such a point. Each point is one whole second of absolute time
(UTC) in which at least one reading arrived; it carries the last heart rate of that second, every
RR interval of it (for FIT's HRV messages), and the last value of each fitness quantity. Nothing
is carried over from a second without readings: a gap in the data stays a gap in the file.

Distance is the metres covered since the session's first distance reading, from the first
device that reported distance (a device's own total runs from when it was switched on).
"""

from __future__ import annotations

import dataclasses
import heapq
from collections.abc import Iterator
from typing import Any

from game.sessions.exports.common import SessionInfo
from game.sessions.store import SessionStore

NS = 1_000_000_000


@dataclasses.dataclass
class Point:
    """One second: ``wall_s`` (Unix seconds, UTC), ``bpm`` (1/min, or None), ``rr_s`` (RR
    intervals in s), ``speed_mps`` (m/s), ``cadence_spm`` (steps/min), ``cadence_rpm``
    (crank rev/min), ``power_w`` (W), ``distance_m`` (m since the session's first distance reading)."""

    wall_s: int
    bpm: int | None = None
    rr_s: list[float] = dataclasses.field(default_factory=list)
    speed_mps: float | None = None
    cadence_spm: float | None = None
    cadence_rpm: float | None = None
    power_w: float | None = None
    distance_m: float | None = None


def _tagged(rows: Iterator[dict[str, Any]], tag: str) -> Iterator[tuple[int, str, dict[str, Any]]]:
    for r in rows:
        yield r["t_host_ns"], tag, r


def points(store: SessionStore, info: SessionInfo) -> Iterator[Point]:
    """The session's points in time order, read from the store as they are needed."""
    sid = info.session_id
    merged = heapq.merge(
        _tagged(store.iter_samples(sid, "hr"), "hr"),
        _tagged(store.iter_samples(sid, "fitness"), "fitness"),
        key=lambda item: item[0],
    )
    current: Point | None = None
    distance_source: str | None = None
    distance_zero = 0.0
    for t_ns, tag, r in merged:
        second = info.wall_ns(t_ns) // NS
        if current is None or second != current.wall_s:
            if current is not None:
                yield current
            current = Point(second)
        if tag == "hr":
            current.bpm = int(r["bpm"])
            current.rr_s.extend(float(x) for x in r["rr_s"])
            continue
        for name in ("speed_mps", "cadence_spm", "cadence_rpm", "power_w"):
            if r[name] is not None:
                setattr(current, name, float(r[name]))
        if r["distance_m"] is not None:
            if distance_source is None:
                distance_source, distance_zero = r["source"], float(r["distance_m"])
            if r["source"] == distance_source:
                current.distance_m = max(0.0, float(r["distance_m"]) - distance_zero)
    if current is not None:
        yield current


@dataclasses.dataclass
class Summary:
    """Totals over a session's points, for TCX laps and FIT laps and sessions (units as in :class:`Point`)."""

    points: int = 0
    bpm_sum: int = 0
    bpm_n: int = 0
    bpm_max: int | None = None
    speed_max: float | None = None
    speed_sum: float = 0.0
    speed_n: int = 0
    distance_m: float = 0.0
    cadence_sum: float = 0.0
    cadence_n: int = 0
    power_sum: float = 0.0
    power_n: int = 0
    power_max: float | None = None

    def add(self, p: Point) -> None:
        self.points += 1
        if p.bpm is not None:
            self.bpm_sum += p.bpm
            self.bpm_n += 1
            self.bpm_max = p.bpm if self.bpm_max is None else max(self.bpm_max, p.bpm)
        if p.speed_mps is not None:
            self.speed_sum += p.speed_mps
            self.speed_n += 1
            self.speed_max = p.speed_mps if self.speed_max is None else max(self.speed_max, p.speed_mps)
        if p.distance_m is not None:
            self.distance_m = max(self.distance_m, p.distance_m)
        cadence = fit_cadence(p)
        if cadence is not None:
            self.cadence_sum += cadence
            self.cadence_n += 1
        if p.power_w is not None:
            self.power_sum += p.power_w
            self.power_n += 1
            self.power_max = p.power_w if self.power_max is None else max(self.power_max, p.power_w)

    @property
    def bpm_avg(self) -> int | None:
        return round(self.bpm_sum / self.bpm_n) if self.bpm_n else None

    @property
    def speed_avg(self) -> float | None:
        return self.speed_sum / self.speed_n if self.speed_n else None

    @property
    def cadence_avg(self) -> int | None:
        return round(self.cadence_sum / self.cadence_n) if self.cadence_n else None

    @property
    def power_avg(self) -> int | None:
        return round(self.power_sum / self.power_n) if self.power_n else None


def fit_cadence(p: Point) -> float | None:
    """Cadence as FIT and TCX count it, per minute: crank revolutions for cycling, strides (one
    foot's steps: steps/min / 2) for running (FIT profile, record.cadence; Garmin shows running
    cadence as twice this)."""
    if p.cadence_rpm is not None:
        return p.cadence_rpm
    if p.cadence_spm is not None:
        return p.cadence_spm / 2
    return None


def summarise(store: SessionStore, info: SessionInfo) -> Summary:
    """One pass over the points for the totals that formats need before the points themselves."""
    total = Summary()
    for p in points(store, info):
        total.add(p)
    return total


#: Sport per game mode: (TCX Sport_t, FIT sport number, FIT sub-sport number). FIT profile:
#: sport 1 running, 12 cross-country skiing, 0 generic; sub-sport 0 generic, 1 treadmill.
SPORTS: dict[str, tuple[str, int, int]] = {"runner": ("Running", 1, 0), "ski": ("Other", 12, 0)}


def sport(mode: str) -> tuple[str, int, int]:
    return SPORTS.get(mode, ("Other", 0, 0))
