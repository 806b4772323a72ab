"""Retention and erasure of lessons: class.yaml sets the days kept (read strictly, the command
line overriding it), deleted lessons leave neither an alias nor a strap label in the database or
its write-ahead log, the board says what was deleted, and erasing one pupil's strap pseudonym
removes them from every lesson and from a report written afterwards."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from game.classroom import config
from game.classroom.board import ClassBoard
from game.classroom.lesson import Lesson, expire_lessons, stored_lessons
from game.classroom.roster import Pupil
from game.cli import main
from game.sessions.store import SessionStore
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import s_to_ns
from sensors.motion.heart_zones import HeartProfile
from sensors.samples import HeartRateSample

A, B = "A0:00:00:00:00:01", "A0:00:00:00:00:02"
# strings found nowhere else in a store: a byte search for them finds only these pupils' rows
SENSORS = [AllowedSensor(A, "Zebrastrap 1"), AllowedSensor(B, "Zebrastrap 2")]
PUPILS = {A: Pupil("Quokkafox", A), B: Pupil("Lynxowl", B)}


def run_lesson(db: Path, group: str = "7B") -> dict[str, Any]:
    """30 s in which both pupils wear their straps (150 and 110 bpm)."""
    clock = [s_to_ns(0)]
    board = ClassBoard(SENSORS, HeartProfile(60, 200), pupils=PUPILS)
    lesson = Lesson(db, SENSORS, group, clock=lambda: clock[0], writer_options={"installation": None})
    for t in range(1, 31):
        clock[0] = s_to_ns(t)
        items = [
            HeartRateSample(s_to_ns(t), A, 150, rr_s=(0.4,), contact=True),
            HeartRateSample(s_to_ns(t), B, 110, rr_s=(0.55,), contact=True),
        ]
        board.ingest(items)
        lesson.record(items)
        board.tick(s_to_ns(t), 1.0)
    return lesson.finish(board.summary())


def found_in(db: Path, *words: bytes) -> dict[str, list[bytes]]:
    """Which of ``words`` each of the store's files (main, -wal) still holds, byte for byte."""
    out = {}
    for suffix in ("", "-wal"):
        f = Path(f"{db}{suffix}")
        data = f.read_bytes() if f.exists() else b""
        out[suffix or "db"] = [w for w in words if w in data]
    return out


WORDS = (b"Quokkafox", b"Lynxowl", b"Zebrastrap")


def age_lessons(db: Path, days: float) -> None:
    """Move every stored lesson's start ``days`` back, as if it had been held then."""
    with SessionStore(db) as store:
        conn = store._conn  # the store has no API to rewrite history, rightly
        for sid, summary in conn.execute("SELECT id, summary_json FROM sessions").fetchall():
            about = json.loads(summary)
            began = datetime.fromisoformat(about["lesson"]["started_at"]) - timedelta(days=days)
            about["lesson"]["started_at"] = began.isoformat()
            conn.execute("UPDATE sessions SET summary_json=? WHERE id=?", (json.dumps(about), sid))


def test_expired_lessons_leave_no_alias_or_label_in_the_file_or_its_log(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    run_lesson(db)
    run_lesson(db)
    with SessionStore(db) as store:
        before = found_in(db, *WORDS)
        assert before["db"] + before["-wal"]  # the words are there to be found while kept
        gone = expire_lessons(store, 30, now=datetime.now(UTC) + timedelta(days=31))
        assert len(gone) == 2 and stored_lessons(store) == [] and store.list_players() == []
        # still open, as the board keeps it: the deletion was checkpointed and the pages zeroed
        assert store.wal_purged
        assert found_in(db, *WORDS) == {"db": [], "-wal": []}
    assert found_in(db, *WORDS) == {"db": [], "-wal": []}


def test_a_label_that_still_has_sessions_is_kept(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    run_lesson(db)
    age_lessons(db, 40)
    today = run_lesson(db)
    with SessionStore(db) as store:
        assert len(expire_lessons(store, 30)) == 1
        assert [lesson["lesson_id"] for lesson in stored_lessons(store)] == [today["lesson_id"]]
        assert [p["player"] for p in store.list_players()] == ["Zebrastrap 1", "Zebrastrap 2"]


def class_args(tmp_path: Path, db: Path) -> list[str]:
    return ["class", "--headless", "--seconds", "0.5", "--sensors", str(tmp_path / "sensors.yaml"), "--db", str(db)]


def catch_notice(monkeypatch: pytest.MonkeyPatch) -> list[str | None]:
    """Record what the board is given to say over itself at start."""
    from game.classroom import screen

    seen: list[str | None] = []
    real: Callable[..., dict[str, Any]] = screen.run_class

    def spy(*args: Any, **kwargs: Any) -> dict[str, Any]:
        seen.append(kwargs.get("notice"))
        return real(*args, **kwargs)

    monkeypatch.setattr(screen, "run_class", spy)
    return seen


def test_class_yaml_sets_the_days_kept_and_the_board_says_what_went(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "s.sqlite"
    run_lesson(db)
    age_lessons(db, 40)
    run_lesson(db)  # today's
    (tmp_path / "class.yaml").write_text("# the school's rule\nkeep_days: 30\n", encoding="utf-8")
    notices = catch_notice(monkeypatch)
    assert main([*class_args(tmp_path, db), "--lang", "en"]) == 0
    assert notices == ["1 lesson older than 30 days was deleted"]
    assert "1 lesson older than 30 days deleted" in capsys.readouterr().err
    with SessionStore(db, read_only=True) as store:
        assert len(stored_lessons(store)) == 1  # today's stays (the board's own stored nothing: no straps)
    # the command line overrides the file: nothing is 50 days old
    age_lessons(db, 40)
    assert main([*class_args(tmp_path, db), "--keep-days", "50"]) == 0
    assert notices[-1] is None
    with SessionStore(db, read_only=True) as store:
        assert len(stored_lessons(store)) == 1


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("keep_days: 0\n", "class.yaml:1: keep_days: must be greater than 0"),
        ("\nkeep_days: '30'\n", "class.yaml:2: keep_days: must be a number"),
        ("keep_day: 30\n", "class.yaml:1: keep_day: unknown field 'keep_day' (did you mean 'keep_days'?)"),
        ("keep_days: 30\nkeep_days: 7\n", "class.yaml:2: keep_days: duplicate key"),
        ("keep_days: 99999\n", "class.yaml:1: keep_days: must be greater than 0 and at most 3650"),
    ],
)
def test_a_bad_class_yaml_is_named_by_file_line_and_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, where: str
) -> None:
    (tmp_path / "class.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(config.ClassConfigError):
        config.load(tmp_path / "class.yaml")
    assert main(class_args(tmp_path, tmp_path / "s.sqlite")) == 2
    err = capsys.readouterr().err
    assert where in err and "fix the class settings file" in err
    assert not (tmp_path / "s.sqlite").exists()  # nothing ran


def test_no_class_yaml_keeps_every_lesson(tmp_path: Path) -> None:
    assert config.load(tmp_path / "class.yaml") == config.ClassConfig()
    (tmp_path / "class.yaml").write_text("", encoding="utf-8")
    assert config.load(tmp_path / "class.yaml").keep_days is None


def report_aliases(db: Path, lesson_id: str, out: Path, capsys: pytest.CaptureFixture[str]) -> list[str]:
    assert main(["class", "report", lesson_id, "--db", str(db), "--out", str(out), "--format", "csv"]) == 0
    capsys.readouterr()
    with (out / f"lesson-{lesson_id[:8]}.csv").open(encoding="utf-8") as f:
        return [row["alias"] for row in csv.DictReader(f)]


def test_erasing_one_pupil_removes_them_from_every_lesson_and_a_report_written_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.sqlite"
    lessons = [str(run_lesson(db, group)["lesson_id"]) for group in ("7A", "7B")]
    for lesson_id in lessons:
        assert report_aliases(db, lesson_id, tmp_path / "before", capsys) == ["Lynxowl", "Quokkafox"]
    assert main(["sessions", "delete", "--player", "Zebrastrap 1", "--yes", "--db", str(db)]) == 0
    capsys.readouterr()
    with SessionStore(db, read_only=True) as store:
        kept = stored_lessons(store)
    assert [lesson["lesson_id"] for lesson in kept] == lessons  # the lessons stay, with the other pupil
    assert all(lesson["straps"] == ["Zebrastrap 2"] for lesson in kept)
    for lesson_id in lessons:
        assert report_aliases(db, lesson_id, tmp_path / "after", capsys) == ["Lynxowl"]
    assert found_in(db, b"Quokkafox", b"Zebrastrap 1") == {"db": [], "-wal": []}


def test_a_lessons_strap_sessions_wait_in_the_sync_outbox_with_the_lesson_named(tmp_path: Path) -> None:
    """Each strap's session of a finished lesson is in the outbox of a server it was not sent to,
    and what the sync forwards of it (``level`` and the summary) names the lesson."""
    from game.sessions.store import connect
    from game.sessions.sync import outbox

    db = tmp_path / "s.sqlite"
    out = run_lesson(db)
    conn = connect(db)
    try:
        outbox.ensure_table(conn)
        assert outbox.pending(conn, "school.example:5432/liike") == out["sessions"]
        for sid in out["sessions"]:
            level, summary = conn.execute("SELECT level, summary_json FROM sessions WHERE id=?", (sid,)).fetchone()
            assert level == f"lesson {out['lesson_id']}"
            assert json.loads(summary)["lesson"]["group"] == "7B"
    finally:
        conn.close()


def test_erase_takes_one_pupil_from_every_lesson_and_leaves_the_next_wearer_of_their_strap(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "s.sqlite"
    first = str(run_lesson(db, "7A")["lesson_id"])
    second = str(run_lesson(db, "7B")["lesson_id"])
    # a new term: Quokkafox's strap now goes to Ibisbee
    PUPILS[A] = Pupil("Ibisbee", A)
    try:
        third = str(run_lesson(db, "8A")["lesson_id"])
    finally:
        PUPILS[A] = Pupil("Quokkafox", A)
    from game.classroom import roster

    sensors = tmp_path / "sensors.yaml"
    roster.save(roster.Roster((PUPILS[A], PUPILS[B])), roster.default_path(sensors))
    assert main(["class", "erase", "quokkafox", "--yes", "--db", str(db), "--sensors", str(sensors)]) == 0
    out = capsys.readouterr().out
    assert "deleted 'quokkafox' from 2 lessons (2 sessions)" in out  # aliases match as the roster's do
    assert "`liike class roster remove Quokkafox`" in out
    assert main(["class", "roster", "remove", "Quokkafox", "--sensors", str(sensors)]) == 0
    assert [p.alias for p in roster.load(roster.default_path(sensors)).pupils] == ["Lynxowl"]
    assert main(["class", "roster", "remove", "Quokkafox", "--sensors", str(sensors)]) == 2
    assert "no pupil 'Quokkafox'" in capsys.readouterr().err
    assert report_aliases(db, first, tmp_path / "r", capsys) == ["Lynxowl"]
    assert report_aliases(db, second, tmp_path / "r", capsys) == ["Lynxowl"]
    assert report_aliases(db, third, tmp_path / "r", capsys) == ["Ibisbee", "Lynxowl"]
    with SessionStore(db) as store:
        assert [p["player"] for p in store.list_players()] == ["Zebrastrap 1", "Zebrastrap 2"]  # still worn
    assert found_in(db, b"Quokkafox") == {"db": [], "-wal": []}
    # nothing to erase, or no confirmation off a terminal: said, exit 2, nothing deleted
    assert main(["class", "erase", "Quokkafox", "--yes", "--db", str(db)]) == 2
    assert "no lesson" in capsys.readouterr().err
    assert main(["class", "erase", "Lynxowl", "--db", str(db)]) == 2
    assert "add --yes" in capsys.readouterr().err
    assert report_aliases(db, third, tmp_path / "r", capsys) == ["Ibisbee", "Lynxowl"]
    # the last pupil to wear a strap erased: the strap's label goes too
    assert main(["class", "erase", "Ibisbee", "--yes", "--db", str(db)]) == 0
    with SessionStore(db) as store:
        assert [p["player"] for p in store.list_players()] == ["Zebrastrap 2"]
    assert found_in(db, b"Ibisbee", b"Zebrastrap 1") == {"db": [], "-wal": []}
