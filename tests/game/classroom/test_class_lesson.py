"""A lesson as stored sessions: one per strap worn, contact losses kept, nothing for a strap
never worn, a store that cannot be written named instead of a crash, and the lessons listed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from game.classroom.board import ClassBoard
from game.classroom.lesson import Lesson
from game.cli import main
from game.sessions.store import SessionStore
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import s_to_ns
from sensors.motion.heart_zones import HeartProfile
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample

A, B, C = "A0:00:00:00:00:01", "A0:00:00:00:00:02", "A0:00:00:00:00:03"
SENSORS = [AllowedSensor(A, "Strap 1"), AllowedSensor(B, "Strap 2"), AllowedSensor(C, "Strap 3")]


def run_lesson(db: Path) -> dict[str, object]:
    clock = [s_to_ns(0)]
    board = ClassBoard(SENSORS, HeartProfile(60, 200))
    lesson = Lesson(db, SENSORS, "7B", clock=lambda: clock[0], writer_options={"installation": None})
    for t in range(1, 31):
        clock[0] = s_to_ns(t)
        items: list[object] = [HeartRateSample(s_to_ns(t), A, 150, rr_s=(0.4, 0.4), contact=t < 20)]
        items.append(HeartRateSample(s_to_ns(t), B, 120, contact=False))  # never worn
        if t == 20:
            items.append(DeviceStatus(s_to_ns(t), A, "heart_rate", DeviceState.STALE, "Strap 1: no skin contact"))
        board.ingest(items)  # type: ignore[arg-type]
        lesson.record(items)  # type: ignore[arg-type]
        board.tick(s_to_ns(t), 1.0)
    return lesson.finish(board.summary())


def test_one_session_per_worn_strap_with_its_contact_losses(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    out = run_lesson(db)
    pupils = out["pupils"]
    assert isinstance(pupils, list) and [p["strap"] for p in pupils] == ["Strap 1", "Strap 2", "Strap 3"]
    assert [p["session_id"] is not None for p in pupils] == [True, False, False]
    assert out["sessions"] == [pupils[0]["session_id"]] and out["group"] == "7B"
    with SessionStore(db, read_only=True) as store:
        row = store.get_session(pupils[0]["session_id"])
        assert row is not None and row["player"] == "Strap 1" and row["ended_at"] is not None
        assert row["summary"]["lesson"] == {
            "id": out["lesson_id"],
            "group": "7B",
            "started_at": out["started_at"],
            "ended_at": out["ended_at"],
            "duration_s": 30.0,
        }
        hr = list(store.iter_samples(pupils[0]["session_id"], "hr"))
        assert len(hr) == 30 and sum(1 for s in hr if s["contact"] is False) == 11  # the losses are kept
        assert [p["player"] for p in store.list_players()] == ["Strap 1"]


def test_a_store_that_cannot_be_written_is_named_and_the_board_goes_on(tmp_path: Path) -> None:
    (tmp_path / "dir.sqlite").mkdir()  # a folder where the file should be
    out = run_lesson(tmp_path / "dir.sqlite")
    assert out["sessions"] == [] and out["store_errors"]
    errors = out["store_errors"]
    assert isinstance(errors, list) and errors[0].startswith("Strap 1: ")


def test_lessons_are_listed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    first = run_lesson(db)
    run_lesson(db)
    assert main(["class", "lessons", "--db", str(db), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 2 and listed[0]["lesson_id"] == first["lesson_id"]
    assert listed[0] == {
        "lesson_id": first["lesson_id"],
        "group": "7B",
        "started_at": first["started_at"],
        "ended_at": first["ended_at"],
        "sessions": first["sessions"],
        "straps": ["Strap 1"],
    }
    assert main(["class", "lessons", "--db", str(db)]) == 0
    text = capsys.readouterr().out
    assert text.count("7B") == 2 and "1 strap" in text
    assert main(["class", "lessons", "--db", str(tmp_path / "none.sqlite")]) == 2


def test_erasing_a_strap_pseudonym_removes_it_from_every_lesson(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    run_lesson(db)
    run_lesson(db)
    assert main(["sessions", "delete", "--player", "Strap 1", "--yes", "--db", str(db)]) == 0
    assert main(["class", "lessons", "--db", str(db), "--json"]) == 0
    assert json.loads(capsys.readouterr().out.splitlines()[-1]) == []


def test_report_writes_one_csv_row_per_pupil(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import csv

    db = tmp_path / "s.sqlite"
    out = run_lesson(db)
    assert out["duration_s"] == 30.0
    lesson_id = str(out["lesson_id"])
    assert main(["class", "report", lesson_id[:6], "--db", str(db), "--out", str(tmp_path / "r"), "--format", "csv"]) == 0
    capsys.readouterr()
    (written,) = (tmp_path / "r").iterdir()
    with written.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 1  # the one strap worn
    row = rows[0]
    assert row["alias"] == "Strap 1" and row["strap"] == "Strap 1"
    assert {k for k in row if k.startswith("minutes_")} == {
        "minutes_very_light",
        "minutes_light",
        "minutes_moderate",
        "minutes_vigorous",
        "minutes_near_maximal",
    }
    # 150 bpm with rest 60, max 200 is 64 % HRR (vigorous): read with contact in the ticks of
    # 1 s to 19 s; from 20 s the strap says "no contact", which ends the reading at once
    assert float(row["minutes_vigorous"]) == pytest.approx(19 / 60, abs=0.01)
    assert float(row["mvpa_min"]) == pytest.approx(float(row["minutes_vigorous"]))
    assert float(row["coverage"]) == pytest.approx(19 / 30, abs=0.01)
    assert main(["class", "report", "last", "--db", str(db), "--out", str(tmp_path / "r")]) == 0
    assert main(["class", "report", "nope", "--db", str(db)]) == 2
    assert "liike class lessons" in capsys.readouterr().err


def test_lessons_older_than_the_days_kept_are_deleted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import time
    from datetime import UTC, datetime, timedelta

    from game.classroom.lesson import expire_lessons, stored_lessons

    db = tmp_path / "s.sqlite"
    run_lesson(db)
    run_lesson(db)
    with SessionStore(db) as store:
        assert expire_lessons(store, 30) == []  # both began moments ago
        gone = expire_lessons(store, 30, now=datetime.now(UTC) + timedelta(days=31))
        assert len(gone) == 2 and stored_lessons(store) == [] and store.list_sessions() == []
        assert store.list_players() == []  # the labels left with no session go too
        with pytest.raises(ValueError):
            expire_lessons(store, 0)
    # at start, the command deletes them and says so
    run_lesson(db)
    time.sleep(1.0)
    args = ["class", "--headless", "--seconds", "1", "--sensors", str(tmp_path / "none.yaml"), "--db", str(db)]
    assert main([*args, "--keep-days", "0.00001"]) == 0  # 0.86 s
    out, err = capsys.readouterr()
    assert "1 lesson older than 1e-05 days deleted" in err
    with SessionStore(db, read_only=True) as store:
        assert stored_lessons(store) == []


def test_picture_report_pages_and_curves(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from game.classroom.lesson import find_lesson, report_curves

    db = tmp_path / "s.sqlite"
    out = run_lesson(db)
    with SessionStore(db, read_only=True) as store:
        curves, lesson_min = report_curves(store, find_lesson(store, "last"))
    assert lesson_min == pytest.approx(0.5)
    (fox,) = curves
    # readings with skin contact only (1 s .. 19 s), in minutes since the first one
    assert fox.bpm == [150] * 19 and fox.t_min[0] == 0 and fox.t_min[-1] == pytest.approx(18 / 60)
    assert fox.mvpa_min == pytest.approx(19 / 60, abs=0.01) and fox.coverage == pytest.approx(19 / 30, abs=0.01)
    base = ["class", "report", str(out["lesson_id"]), "--db", str(db), "--out", str(tmp_path / "r")]
    assert main([*base, "--format", "png", "--target", "0.5"]) == 0
    pngs = sorted((tmp_path / "r").glob("*.png"))
    assert len(pngs) == 2  # the class page, then one page of pupils
    assert all(p.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and p.stat().st_size > 20_000 for p in pngs)
    assert main([*base, "--format", "pdf"]) == 0
    (pdf,) = (tmp_path / "r").glob("*.pdf")
    data = pdf.read_bytes()
    assert data[:5] == b"%PDF-" and re.findall(rb"/Count (\d+)", data) == [b"2"]  # the same two pages
    assert main([*base, "--target", "2"]) == 2
    assert "--target" in capsys.readouterr().err


def test_the_target_is_met_by_the_minutes_as_the_report_shows_them() -> None:
    from game.classroom.report_pictures import PupilCurve, met_target, target_min

    def pupil(mvpa: float) -> PupilCurve:
        return PupilCurve("7", mvpa, 150, 1.0, 60, 200)

    # half of a 1.514 min lesson is 0.757 min: shown, and required, as 0.8
    assert target_min(1.514, 0.5) == 0.8 and target_min(45.0, 0.5) == 22.5
    assert met_target(pupil(0.75), 1.514, 0.5)  # shown as 0.8 against 0.8: met, as it reads
    assert not met_target(pupil(0.74), 1.514, 0.5)  # 0.7
    assert not met_target(pupil(5.0), 0.0, 0.5)  # no lesson, no target
