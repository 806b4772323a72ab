"""``liike sessions delete``: a player and all their data, or one session, leave the database file."""

from __future__ import annotations

import io
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import game.sessions.store as store_module
from game.cli import main
from game.sessions import SessionWriter
from sensors.samples import DeviceState, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch, PoseFrame

SAMPLE_TABLES = ("hr", "imu", "pose", "fitness", "events", "session_counts")
MARKER = "zz-child-4711"  # in the pseudonym, a device name and an event, to find leftovers byte by byte


def record(db: Path, player: str, tag: str = "") -> int:
    """One finished session of ``player`` with a reading of every kind and two events."""
    rng = np.random.default_rng(3)
    w = SessionWriter(db, player=player, mode="runner", level="meadow", flush_interval_s=0.05)
    sid = w.start()
    w.record(
        [
            HeartRateSample(t_host_ns=1_000, source=f"strap{tag}", bpm=120, rr_s=(0.5,)),
            ImuBatch(t_host_ns=2_000, source=f"imu{tag}", rate_hz=100.0, t_first_ns=1_900, acc_g=rng.normal(size=(4, 3))),
            PoseFrame(t_host_ns=3_000, source="camera:0", landmarks=rng.random((33, 4))),
            FitnessSample(t_host_ns=4_000, source=f"treadmill{tag}", speed_mps=2.5, distance_m=10.0),
            DeviceStatus(t_host_ns=5_000, source=f"strap{tag}", device_kind="heart_rate", state=DeviceState.STREAMING),
        ]
    )
    w.record_event(4_500, "jump", {"tag": tag})
    w.finish(100, {"tag": tag})
    assert w.intact, w.error
    return sid


def rows_by_session(db: Path) -> dict[str, set[int]]:
    """Session ids present in each sample table, read straight from the file."""
    conn = sqlite3.connect(db)
    try:
        out = {t: {sid for (sid,) in conn.execute(f"SELECT DISTINCT session_id FROM {t}")} for t in SAMPLE_TABLES}
        out["sessions"] = {sid for (sid,) in conn.execute("SELECT id FROM sessions")}
        return out
    finally:
        conn.close()


def pseudonyms(db: Path) -> set[str]:
    conn = sqlite3.connect(db)
    try:
        return {p for (p,) in conn.execute("SELECT pseudonym FROM players")}
    finally:
        conn.close()


@pytest.fixture
def school(tmp_path: Path) -> tuple[Path, list[int], list[int]]:
    """A store with two sessions of the player to delete and two of another player."""
    db = tmp_path / "school.sqlite"
    gone = [record(db, MARKER, tag=MARKER), record(db, MARKER, tag=MARKER)]
    kept = [record(db, "owl"), record(db, "owl")]
    return db, gone, kept


class Terminal(io.StringIO):
    """Standard input that is a terminal, with what the person types already in it."""

    def isatty(self) -> bool:
        return True


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("liike: "), err
    return lines[0]


def test_delete_player_with_yes_removes_every_row_and_keeps_others(
    school: tuple[Path, list[int], list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, gone, kept = school
    assert main(["sessions", "delete", "--player", MARKER, "--db", str(db), "--yes"]) == 0
    out, err = capsys.readouterr()
    assert MARKER in out and "2 sessions" in out and err == ""
    present = rows_by_session(db)
    for table in (*SAMPLE_TABLES, "sessions"):
        assert present[table] == set(kept), table
    assert pseudonyms(db) == {"owl"}
    # secure_delete zeroed the freed pages and the write-ahead log was emptied into the file.
    files = [p for p in db.parent.iterdir() if p.name.startswith(db.name)]
    assert all(MARKER.encode() not in p.read_bytes() for p in files), files
    assert main(["sessions", "list", "--db", str(db), "--json"]) == 0
    assert MARKER not in capsys.readouterr().out


def test_delete_one_session_keeps_the_player_and_their_other_session(
    school: tuple[Path, list[int], list[int]], capsys: pytest.CaptureFixture[str]
) -> None:
    db, gone, kept = school
    assert main(["sessions", "delete", str(gone[0]), "--db", str(db), "--yes"]) == 0
    assert f"deleted session {gone[0]}" in capsys.readouterr().out
    present = rows_by_session(db)
    for table in (*SAMPLE_TABLES, "sessions"):
        assert present[table] == {gone[1], *kept}, table
    assert pseudonyms(db) == {MARKER, "owl"}


@pytest.mark.parametrize("args", [["--player", "nobody"], ["999"]])
def test_unknown_player_or_session_is_one_line_and_exit_2(
    school: tuple[Path, list[int], list[int]], args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, gone, kept = school
    before = rows_by_session(db)
    assert main(["sessions", "delete", *args, "--db", str(db), "--yes"]) == 2
    out, err = capsys.readouterr()
    line = one_error_line(err)
    assert args[-1] in line and str(db) in line and out == ""
    assert rows_by_session(db) == before


def test_without_yes_and_no_terminal_nothing_is_deleted(
    school: tuple[Path, list[int], list[int]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, gone, kept = school
    before = rows_by_session(db)
    monkeypatch.setattr("sys.stdin", io.StringIO("y\n"))  # piped input is not a confirmation
    assert main(["sessions", "delete", "--player", MARKER, "--db", str(db)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "not a terminal" in line and "--yes" in line
    assert main(["sessions", "delete", str(kept[0]), "--db", str(db)]) == 2
    one_error_line(capsys.readouterr().err)
    assert rows_by_session(db) == before


@pytest.mark.parametrize("answer", ["y\n", "YES\n"])
def test_terminal_confirmation_yes_deletes(
    school: tuple[Path, list[int], list[int]], answer: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, gone, kept = school
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    assert main(["sessions", "delete", "--player", MARKER, "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    # The question names what goes: the player, how many sessions and the file.
    assert MARKER in err and "2 sessions" in err and str(db) in err and "[y/N]" in err
    assert rows_by_session(db)["sessions"] == set(kept)


@pytest.mark.parametrize("answer", ["n\n", "\n", "", "yes please\n"])
def test_terminal_confirmation_anything_else_keeps_the_data(
    school: tuple[Path, list[int], list[int]], answer: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, gone, kept = school
    before = rows_by_session(db)
    monkeypatch.setattr("sys.stdin", Terminal(answer))
    assert main(["sessions", "delete", str(gone[0]), "--db", str(db)]) == 1
    assert "nothing was deleted" in capsys.readouterr().err
    assert rows_by_session(db) == before


@pytest.mark.parametrize("args", [[], ["1", "--player", "owl"]])
def test_exactly_one_target_is_required(
    school: tuple[Path, list[int], list[int]], args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, gone, kept = school
    before = rows_by_session(db)
    assert main(["sessions", "delete", *args, "--db", str(db), "--yes"]) == 2
    assert "--player" in one_error_line(capsys.readouterr().err)
    assert rows_by_session(db) == before


def test_missing_database_is_not_created(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "none.sqlite"
    assert main(["sessions", "delete", "--player", "owl", "--db", str(db), "--yes"]) == 2
    assert str(db) in one_error_line(capsys.readouterr().err)
    assert not db.exists()


def test_damaged_database_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "junk.sqlite"
    db.write_bytes(b"not a database at all" * 400)
    before = db.read_bytes()
    assert main(["sessions", "delete", "--player", "owl", "--db", str(db), "--yes"]) == 2
    assert str(db) in one_error_line(capsys.readouterr().err)
    assert db.read_bytes() == before


def test_open_reader_is_reported_and_rows_are_still_gone(
    school: tuple[Path, list[int], list[int]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db, gone, kept = school
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.05)  # do not wait 5 s for the reader
    reader = sqlite3.connect(db, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM hr").fetchone()  # an open snapshot, like a game reading
        assert main(["sessions", "delete", "--player", MARKER, "--db", str(db), "--yes"]) == 0
        out, err = capsys.readouterr()
        assert "deleted player" in out
        assert "-wal" in one_error_line(err)
        reader.execute("COMMIT")
    finally:
        reader.close()
    assert rows_by_session(db)["sessions"] == set(kept)


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "delete", "--help"]) == 0
    assert "--yes" in capsys.readouterr().out
