"""Text and JSON for the ``liike sessions`` commands, from the store's dicts.

Times are shown as local time with the UTC offset (``2026-11-29 14:05:07 +02:00``); the store
and the JSON keep ISO-8601 UTC. Two lengths of time belong to a session, and each has one name:

- ``session_s`` (``liike sessions show``): the session itself, from its start (the level chosen
  in the menu) to its end (the round's results, or the game left), as stored on the host's
  monotonic clock; calibration, pauses and the moment the finished round stays on screen count.
- ``played_s`` (in the game's summary): the seconds of play in the round, on the game's clock,
  pauses and calibration left out; it is part of ``session_s``.

``liike play``'s JSON ``seconds`` is neither: it is how long the program ran, menus included.

:meth:`SessionStore.list_sessions` and :meth:`SessionStore.get_session` already return plain
JSON types; :func:`to_jsonable` is for sample rows from :meth:`SessionStore.iter_samples`, whose
arrays must become lists for a JSON export.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
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


def local_time(iso: str | None, tz: tzinfo | None = None) -> str:
    """A stored time (ISO-8601 UTC, e.g. ``2026-11-29T12:05:07.125+00:00``) as local time with
    its offset, ``2026-11-29 14:05:07 +02:00`` (``tz``: another zone, for tests); ``-`` for None.
    The store keeps UTC: only what is shown is local."""
    if not iso:
        return "-"
    try:
        when = datetime.fromisoformat(iso)
    except ValueError:
        return iso
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    local = when.astimezone(tz)
    offset = local.utcoffset() or timedelta(0)
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{local:%Y-%m-%d %H:%M:%S} {sign}{minutes // 60:02d}:{minutes % 60:02d}"


def span(seconds: float | None) -> str:
    """Seconds as people read them: ``36.3 s`` below a minute, ``2 min 05 s`` from one up, ``-`` for None."""
    if seconds is None:
        return "-"
    if seconds < 59.95:
        return f"{seconds:.1f} s"
    whole = round(seconds)
    return f"{whole // 60} min {whole % 60:02d} s"


def _score(score: float | None) -> str:
    return "-" if score is None else f"{score:.0f}"


def format_sessions_table(rows: list[dict[str, Any]], tz: tzinfo | None = None) -> str:
    """One line per session (as from ``list_sessions``): id, player, mode, level, start time
    (local, with its offset), session length, score, sample counts and events; unfinished sessions
    (e.g. the game was killed) are marked."""
    if not rows:
        return "no sessions yet: `liike play` records one"
    head = f"{'id':>5}  {'player':<14} {'mode':<8} {'level':<12} {'started':<26} {'score':>7}  samples"
    lines = [head]
    for r in rows:
        status = ("" if r["ended_at"] else "  (not finished)") + ("  (INCOMPLETE: rows lost)" if r.get("incomplete") else "")
        lines.append(
            f"{r['id']:>5}  {r['player'][:14]:<14} {r['mode'][:8]:<8} {(r['level'] or '-')[:12]:<12} "
            f"{local_time(r['started_at'], tz):<26} {_score(r['score']):>7}  {_samples(r['samples'])} "
            f"events={r['events']}{status}"
        )
    return "\n".join(lines)


#: Summary fields the header lines already show, or shows under their own label.
_SHOWN_ABOVE = {"mode", "level", "score", "completed", "played_s", "duration_s", "reason"}

#: Unit suffixes of summary keys and how a value with that suffix is shown.
_UNITS = (("_bpm", " bpm"), ("_mps", " m/s"), ("_pct", " %"), ("_m", " m"), ("_min", " min"), ("_w", " W"))


def _plain(value: Any) -> str:
    """One summary value without Python's spelling: yes/no, ``-`` for nothing, numbers trimmed,
    a dict as ``key value`` pairs, a list comma-separated."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    if isinstance(value, dict):
        return ", ".join(f"{k} {_plain(v)}" for k, v in value.items()) or "-"
    if isinstance(value, (list, tuple)):
        return ", ".join(_plain(v) for v in value) or "-"
    return str(value)


def _summary_line(key: str, value: Any) -> tuple[str, str]:
    """A summary field as (label, text): the unit suffix of the key becomes the unit after the
    value (``hr_max_bpm`` -> ``hr max``, ``160 bpm``); seconds are shown as time
    (``seconds_in_intensity`` -> ``time in intensity``, ``very light 18.5 s, light 2 min 10 s``)."""
    if key.startswith("seconds_in_") and isinstance(value, dict):
        return "time in " + key.removeprefix("seconds_in_").replace("_", " "), (
            ", ".join(f"{k} {span(v) if isinstance(v, (int, float)) else _plain(v)}" for k, v in value.items()) or "-"
        )
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if key.endswith("_s") and (number or value is None):
        return key.removesuffix("_s").replace("_", " "), span(value)
    for suffix, unit in _UNITS:
        if key.endswith(suffix) and (number or value is None):
            return key.removesuffix(suffix).replace("_", " "), "-" if value is None else _plain(value) + unit
    return key.replace("_", " "), _plain(value)


def session_length_s(d: dict[str, Any]) -> float | None:
    """``session_s`` of a ``get_session`` dict (``duration_s`` in dicts written before the name changed)."""
    value = d.get("session_s", d.get("duration_s"))
    return None if value is None else float(value)


def played_s(summary: dict[str, Any]) -> float | None:
    """Seconds of play of a game summary (``played_s``; ``duration_s`` in summaries stored before
    the name changed), or None (a session left before play, or a board without rounds)."""
    value = summary.get("played_s", summary.get("duration_s"))
    return None if value is None else float(value)


def _incomplete_line(inc: dict[str, Any]) -> str:
    """``INCOMPLETE: disk full; lost hr 12, imu 1200 over 41.5 s`` for a session that lost rows."""
    lost = ", ".join(f"{k} {v}" for k, v in (inc.get("lost") or {}).items() if v)
    first, last = inc.get("missing_from_ns"), inc.get("missing_to_ns")
    over = f" over {(last - first) / 1e9:.1f} s" if isinstance(first, int) and isinstance(last, int) else ""
    return f"INCOMPLETE: {inc.get('reason') or 'rows were lost'}; lost {lost or 'rows'}{over}"


def _gaps_line(gaps: list[dict[str, Any]]) -> str:
    """``3: data 2, link 1; longest 20.0 s; 1 open at the end`` for a session's gaps (see
    :mod:`game.sessions.gaps`; they may overlap, a link gap and the data gap it causes, so they
    are not added up)."""
    kinds: dict[str, int] = {}
    for g in gaps:
        kinds[g["kind"]] = kinds.get(g["kind"], 0) + 1
    closed = [g["t_to_ns"] - g["t_from_ns"] for g in gaps if g["t_to_ns"] is not None]
    text = f"{len(gaps)}: " + ", ".join(f"{k} {n}" for k, n in sorted(kinds.items()))
    if closed:
        text += f"; longest {span(max(closed) / 1e9)}"
    still_open = len(gaps) - len(closed)
    return text + (f"; {still_open} open at the end" if still_open else "")


def format_session_detail(d: dict[str, Any], tz: tzinfo | None = None) -> str:
    """Lines about one session (as from ``get_session``), for people: who, what, when (local
    time), how long (``session_s`` and the ``played_s`` of its summary), whether the round was
    completed, score, sample and event counts, what fitness machines measured (when there were
    any), and the rest of the game's summary as ``label  value`` lines."""
    summary = d.get("summary") or {}
    rows: list[tuple[str, str]] = [
        ("player", d["player"]),
        ("mode", d["mode"]),
        ("level", d["level"] or "-"),
        ("started", local_time(d["started_at"], tz)),
        ("ended", local_time(d["ended_at"], tz) if d["ended_at"] else "not finished (the game was stopped)"),
        ("session", span(session_length_s(d)) + " (start to end, with calibration and pauses)"),
    ]
    if played_s(summary) is not None:
        rows.append(("played", span(played_s(summary))))
    if "completed" in summary:
        rows.append(("completed", _plain(summary["completed"])))
    if summary.get("reason"):
        rows.append(("ended by", str(summary["reason"])))
    if d.get("incomplete"):
        rows.append(("stored", _incomplete_line(d["incomplete"])))
    if d.get("uuid"):
        rows.append(("uuid", str(d["uuid"])))
    if d.get("gaps"):
        rows.append(("gaps", _gaps_line(d["gaps"])))
    rows.append(("score", _score(d["score"])))
    rows.append(("samples", f"{_samples(d['samples'])}, events {d['events']}"))
    if d.get("events_by_kind"):
        rows.append(("events by kind", _plain(d["events_by_kind"])))
    if d.get("fitness"):
        rows.append(("fitness", _fitness_line(d["fitness"]).removeprefix("fitness ")))
    rows.extend(_summary_line(k, v) for k, v in summary.items() if k not in _SHOWN_ABOVE)
    width = max(len(label) for label, _ in rows)
    return "\n".join([f"session {d['id']}"] + [f"  {label:<{width}}  {text}" for label, text in rows])
