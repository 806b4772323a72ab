"""TCX: Garmin's Training Center Database v2 (``TrainingCenterDatabasev2.xsd``), which Strava,
Garmin Connect and most training logs import.

One Activity with one Lap spanning the session and a Track of one-second points
(:mod:`game.sessions.exports.track`). Speed, running cadence and power go in Garmin's Activity
Extension v2 (``TPX``: ``Speed`` m/s, ``RunCadence`` strides/min, ``Watts``), where the
importers look for them; the schema takes any element of another namespace there. The lap's
totals come before its track in the schema's order, so the points are read twice: once for the
totals, once to write them, never all held at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape, quoteattr

from game.sessions.exports.common import SessionInfo, atomic_file, iso_utc
from game.sessions.exports.track import Point, fit_cadence, points, sport, summarise
from game.sessions.store import SessionStore

TCX_NS = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
TPX_NS = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"


def _num(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _bpm_ok(bpm: int | None) -> bool:
    return bpm is not None and 1 <= bpm <= 255  # HeartRateInBeatsPerMinute_t: positiveByte


def _trackpoint(f: IO[str], p: Point) -> None:
    parts = [f"<Trackpoint><Time>{iso_utc(p.wall_s * 1_000_000_000, 0)}</Time>"]
    if p.distance_m is not None:
        parts.append(f"<DistanceMeters>{_num(p.distance_m)}</DistanceMeters>")
    if _bpm_ok(p.bpm):
        parts.append(f"<HeartRateBpm><Value>{p.bpm}</Value></HeartRateBpm>")
    if p.cadence_rpm is not None and 0 <= p.cadence_rpm <= 254:
        parts.append(f"<Cadence>{round(p.cadence_rpm)}</Cadence>")
    tpx = []
    if p.speed_mps is not None and p.speed_mps >= 0:
        tpx.append(f"<ns3:Speed>{_num(p.speed_mps)}</ns3:Speed>")
    if p.cadence_rpm is None and p.cadence_spm is not None:
        strides = fit_cadence(p)
        if strides is not None and 0 <= strides <= 254:
            tpx.append(f"<ns3:RunCadence>{round(strides)}</ns3:RunCadence>")
    if p.power_w is not None and 0 <= p.power_w <= 65535:
        tpx.append(f"<ns3:Watts>{round(p.power_w)}</ns3:Watts>")
    if tpx:
        parts.append(f"<Extensions><ns3:TPX>{''.join(tpx)}</ns3:TPX></Extensions>")
    parts.append("</Trackpoint>\n")
    f.write("".join(parts))


def write(store: SessionStore, info: SessionInfo, out_dir: Path) -> list[Path]:
    """Write ``<stem>.tcx``; return its path."""
    total = summarise(store, info)
    d = info.detail
    start = iso_utc(info.start_wall_ns)
    length_s = max(0.0, (info.end_wall_ns - info.start_wall_ns) / 1e9)
    notes = (
        f"Liike {d['mode']}" + (f", level {d['level']}" if d.get("level") else "") + f", player {d['player']}, "
        f"session {info.session_id}" + (f" ({info.identity['uuid']})" if info.identity.get("uuid") else "")
    )
    path = out_dir / f"{info.stem}.tcx"
    with atomic_file(path) as f:
        f.write('<?xml version="1.0" encoding="UTF-8"?>\n')
        f.write(f'<TrainingCenterDatabase xmlns="{TCX_NS}" xmlns:ns3="{TPX_NS}">\n<Activities>\n')
        f.write(f"<Activity Sport={quoteattr(sport(d['mode'])[0])}>\n<Id>{start}</Id>\n")
        f.write(f"<Lap StartTime={quoteattr(start)}>\n")
        f.write(f"<TotalTimeSeconds>{_num(length_s)}</TotalTimeSeconds>\n")
        f.write(f"<DistanceMeters>{_num(total.distance_m)}</DistanceMeters>\n")
        if total.speed_max is not None and total.speed_max >= 0:
            f.write(f"<MaximumSpeed>{_num(total.speed_max)}</MaximumSpeed>\n")
        f.write("<Calories>0</Calories>\n")  # not measured; the schema requires the element
        if _bpm_ok(total.bpm_avg) and _bpm_ok(total.bpm_max):
            f.write(f"<AverageHeartRateBpm><Value>{total.bpm_avg}</Value></AverageHeartRateBpm>\n")
            f.write(f"<MaximumHeartRateBpm><Value>{total.bpm_max}</Value></MaximumHeartRateBpm>\n")
        f.write("<Intensity>Active</Intensity>\n<TriggerMethod>Manual</TriggerMethod>\n")
        if total.points:  # Track_t needs at least one point
            f.write("<Track>\n")
            for p in points(store, info):
                _trackpoint(f, p)
            f.write("</Track>\n")
        f.write("</Lap>\n")
        f.write(f"<Notes>{escape(notes)}</Notes>\n")
        f.write("</Activity>\n</Activities>\n</TrainingCenterDatabase>\n")
    return [path]
