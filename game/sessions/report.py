"""Text and JSON for the ``liike sessions`` commands, from the store's dicts.

:meth:`SessionStore.list_sessions` and :meth:`SessionStore.get_session` already return plain
JSON types; :func:`to_jsonable` is for sample rows from :meth:`SessionStore.iter_samples`, whose
arrays must become lists for a JSON export.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from game.sessions.store import ALWAYS_COUNTED, STREAM_KINDS


def to_jsonable(obj: Any) -> Any:
    """``obj`` with numpy arrays and scalars (at any depth) turned into lists and Python numbers."""
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj


def _samples(s: dict[str, int]) -> str:
    """``hr=2 imu=10 pose=1``, plus ``fitness=N`` only for sessions with fitness readings (most
    classes have no treadmill: a column of zeros would only widen every line)."""
    return " ".join(f"{k}={s.get(k, 0)}" for k in STREAM_KINDS if k in ALWAYS_COUNTED or s.get(k, 0))


def _fitness_line(f: dict[str, Any]) -> str:
    """What the fitness machines measured, e.g. ``fitness 12 readings from treadmill: distance
    1.25 km, speed avg 2.8 / max 3.1 m/s, ...`` (units spelled out; absent quantities left out)."""
    parts = []
    if f.get("distance_m") is not None:
        parts.append(f"distance {f['distance_m'] / 1000:.2f} km")
    for key, label, unit, fmt in (
        ("speed_mps", "speed", "m/s", ".1f"),
        ("cadence_spm", "cadence", "steps/min", ".0f"),
        ("cadence_rpm", "cadence", "rpm", ".0f"),
        ("power_w", "power", "W", ".0f"),
        ("incline_pct", "incline", "%", ".1f"),
    ):
        stat = f.get(key)
        if stat:
            parts.append(f"{label} avg {stat['avg']:{fmt}} / max {stat['max']:{fmt}} {unit}")
    sources = ", ".join(f.get("sources", [])) or "-"
    text = f"fitness {f.get('readings', 0)} readings from {sources}"
    return f"{text}: {', '.join(parts)}" if parts else text


def _when(iso: str | None) -> str:
    """``2026-11-28T16:15:50.125+00:00`` -> ``2026-11-28 16:15:50`` (the table says UTC)."""
    return (iso or "")[:19].replace("T", " ")


def _score(score: float | None) -> str:
    return "-" if score is None else f"{score:.0f}"


def format_sessions_table(rows: list[dict[str, Any]]) -> str:
    """One line per session (as from ``list_sessions``): id, player, mode, level, start time,
    score, sample counts and events; unfinished sessions (e.g. the game was killed) are marked."""
    if not rows:
        return "no sessions yet: `liike play` records one"
    head = f"{'id':>5}  {'player':<14} {'mode':<8} {'level':<12} {'started (UTC)':<20} {'score':>7}  samples"
    lines = [head]
    for r in rows:
        status = "" if r["ended_at"] else "  (not finished)"
        lines.append(
            f"{r['id']:>5}  {r['player'][:14]:<14} {r['mode'][:8]:<8} {(r['level'] or '-')[:12]:<12} "
            f"{_when(r['started_at']):<20} {_score(r['score']):>7}  {_samples(r['samples'])} events={r['events']}{status}"
        )
    return "\n".join(lines)


def format_session_detail(d: dict[str, Any]) -> str:
    """Several lines about one session (as from ``get_session``): who, what, when, how long,
    score, sample and event counts, what fitness machines measured (when there were any), and
    the game's summary."""
    duration = "-" if d.get("duration_s") is None else f"{d['duration_s']:.1f}"
    lines = [
        f"session {d['id']}  player {d['player']}  mode {d['mode']}  level {d['level'] or '-'}",
        f"started {d['started_at']}  ended {d['ended_at'] or '(not finished)'}  duration {duration} s",
        f"score {_score(d['score'])}",
        f"samples {_samples(d['samples'])}  events {d['events']}",
    ]
    if d.get("fitness"):
        lines.append(_fitness_line(d["fitness"]))
    if d.get("events_by_kind"):
        lines.append("events by kind: " + ", ".join(f"{k} {v}" for k, v in d["events_by_kind"].items()))
    summary = d.get("summary") or {}
    if summary:
        lines.append("summary:")
        lines.extend(f"  {key}: {value}" for key, value in summary.items())
    return "\n".join(lines)
