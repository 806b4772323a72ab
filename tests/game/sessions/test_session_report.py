"""What ``liike sessions list|show`` print for people: local times with their offset, one name per
length of time (``session_s`` the session, ``played_s`` its play), no Python spellings."""

from __future__ import annotations

import re
from datetime import UTC, timedelta, timezone
from pathlib import Path

from game.sessions import SessionStore, SessionWriter
from game.sessions.report import format_session_detail, format_sessions_table, local_time, span

HELSINKI_WINTER = timezone(timedelta(hours=2))
NEWFOUNDLAND = timezone(-timedelta(hours=3, minutes=30))


def test_local_time_has_the_offset_and_the_store_keeps_utc() -> None:
    assert local_time("2026-11-29T12:05:07.125+00:00", HELSINKI_WINTER) == "2026-11-29 14:05:07 +02:00"
    assert local_time("2026-11-29T12:05:07.125+00:00", NEWFOUNDLAND) == "2026-11-29 08:35:07 -03:30"
    assert local_time("2026-11-29T12:05:07", UTC) == "2026-11-29 12:05:07 +00:00"  # naive means UTC
    assert local_time(None) == "-"


def test_span_reads_as_seconds_or_minutes() -> None:
    assert span(36.27) == "36.3 s" and span(90) == "1 min 30 s" and span(3725.4) == "62 min 05 s" and span(None) == "-"


def record(db: Path, summary: dict, t0_s: float = 0.0, t_end_s: float = 90.0) -> int:
    ticks = iter([round(t0_s * 1e9), round(t_end_s * 1e9)])
    w = SessionWriter(db, player="fox", mode="runner", level="meadow", flush_interval_s=0.05, clock=lambda: next(ticks))
    sid = w.start()
    w.record_event(round(t0_s * 1e9) + 1, "jump", {"height_m": 0.3})
    w.finish(321, summary)
    assert w.intact, w.error
    return sid


SUMMARY = {
    "completed": False,
    "mode": "runner",
    "level": "meadow",
    "score": 321,
    "played_s": 80.04,
    "distance_m": 91.2,
    "top_speed_mps": 2.76,
    "hr_mean_bpm": 96.0,
    "hr_max_bpm": None,
    "seconds_in_intensity": {"very light": 18.5, "light": 65.0},
    "motion_events": {"step": 89, "jump": 1},
}


def test_show_is_a_human_layout_without_python_reprs(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sid = record(db, SUMMARY)
    with SessionStore(db) as store:
        detail = store.get_session(sid)
    assert detail is not None
    text = format_session_detail(detail, HELSINKI_WINTER)
    for python in ("True", "False", "None", "{", "}", "'", "_s ", "_bpm"):
        assert python not in text, (python, text)
    labels = dict(re.split(r"\s{2,}", line.strip(), maxsplit=1) for line in text.splitlines()[1:])
    assert labels["completed"] == "no"
    assert labels["session"].startswith("1 min 30 s") and labels["played"] == "1 min 20 s"
    assert labels["time in intensity"] == "very light 18.5 s, light 1 min 05 s"
    assert labels["motion events"] == "step 89, jump 1"
    assert labels["hr max"] == "-" and labels["hr mean"] == "96 bpm" and labels["top speed"] == "2.76 m/s"
    assert labels["distance"] == "91.2 m" and labels["events by kind"] == "jump 1"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+02:00", labels["started"])


def test_one_definition_of_the_session_length(tmp_path: Path) -> None:
    """``session_s`` is the stored start to end; the summary's ``played_s`` is the play within
    it; no field of either is called a duration any more."""
    db = tmp_path / "s.sqlite"
    sid = record(db, SUMMARY, t0_s=10.0, t_end_s=100.0)
    with SessionStore(db) as store:
        detail = store.get_session(sid)
    assert detail is not None
    assert detail["session_s"] == 90.0 and detail["summary"]["played_s"] == 80.04
    assert "duration_s" not in detail and "duration_s" not in detail["summary"]
    assert detail["summary"]["played_s"] <= detail["session_s"]


def test_summaries_stored_before_the_rename_still_show_their_play(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sid = record(db, {"completed": True, "duration_s": 36.27})
    with SessionStore(db) as store:
        detail = store.get_session(sid)
    assert detail is not None
    text = format_session_detail(detail, HELSINKI_WINTER)
    assert re.search(r"played\s+36\.3 s", text)
    assert "duration" not in text and "completed" in text and "yes" in text


def test_table_times_are_local_with_the_offset(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    record(db, SUMMARY)
    with SessionStore(db) as store:
        rows = store.list_sessions()
    head, line = format_sessions_table(rows, NEWFOUNDLAND).splitlines()
    assert "started" in head and "UTC" not in head
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d -03:30", line)
    assert rows[0]["started_at"].endswith("+00:00")  # stored and in JSON: UTC


def test_show_names_the_uuid_and_sums_up_the_gaps() -> None:
    detail = {
        "id": 3,
        "player": "fox",
        "mode": "runner",
        "level": None,
        "started_at": "2026-11-29T10:00:00.000+00:00",
        "ended_at": None,
        "session_s": 100.0,
        "score": None,
        "samples": {"hr": 1, "imu": 0, "pose": 0},
        "events": 0,
        "uuid": "1b4e28ba-2fa1-41d2-883f-0016d3cca427",
        "gaps": [
            {"kind": "data", "t_from_ns": 0, "t_to_ns": 20_000_000_000},
            {"kind": "link", "t_from_ns": 1, "t_to_ns": 19_000_000_001},
            {"kind": "data", "t_from_ns": 50, "t_to_ns": None},
        ],
    }
    text = format_session_detail(detail)
    assert "  uuid     1b4e28ba-2fa1-41d2-883f-0016d3cca427" in text
    assert "  gaps     3: data 2, link 1; longest 20.0 s; 1 open at the end" in text
