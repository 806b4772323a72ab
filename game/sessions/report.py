"""Text for the ``liike sessions`` commands."""

from __future__ import annotations

from typing import Any


def _samples(s: dict[str, int]) -> str:
    return " ".join(f"{k}={s.get(k, 0)}" for k in ("hr", "imu", "pose"))


def format_sessions_table(rows: list[dict[str, Any]]) -> str:
    if not rows:
        return "no sessions yet: `liike play` records one"
    head = f"{'id':>5}  {'player':<14} {'mode':<8} {'level':<12} {'started (UTC)':<20} {'score':>7}  samples"
    lines = [head]
    for r in rows:
        started = (r["started_at"] or "")[:19].replace("T", " ")
        score = "-" if r["score"] is None else f"{r['score']:.0f}"
        status = "" if r["ended_at"] else "  (not finished)"
        lines.append(f"{r['id']:>5}  {r['player'][:14]:<14} {r['mode']:<8} {(r['level'] or '-')[:12]:<12} {started:<20} {score:>7}  {_samples(r['samples'])}{status}")
    return "\n".join(lines)


def format_session_detail(d: dict[str, Any]) -> str:
    lines = [
        f"session {d['id']}  player {d['player']}  mode {d['mode']}  level {d['level'] or '-'}",
        f"started {d['started_at']}  ended {d['ended_at'] or '(not finished)'}  duration {d['duration_s'] if d['duration_s'] is not None else '-'} s",
        f"score {d['score'] if d['score'] is not None else '-'}",
        f"samples {_samples(d['samples'])}  events {d['events']}",
    ]
    if d.get("events_by_kind"):
        lines.append("events by kind: " + ", ".join(f"{k} {v}" for k, v in d["events_by_kind"].items()))
    for key, value in (d.get("summary") or {}).items():
        lines.append(f"  {key}: {value}")
    return "\n".join(lines)
