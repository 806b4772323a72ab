"""``liike sessions export``: the files written as the last stdout line's JSON, one clear line
and the table's exit code for a bad id, player, store or folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.cli import main
from game.cli.common import EXIT_BAD_INPUT, EXIT_OK
from game.sessions import SessionWriter
from sensors.samples import HeartRateSample
from sensors.settings import INSTALLATION_FILE_ENV
from tests.game.sessions.garmin_fit import decode

S = 1_000_000_000


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(INSTALLATION_FILE_ENV, str(tmp_path / "installation_id"))
    path = tmp_path / "s.sqlite"
    for player in ("fox", "fox", "owl"):
        w = SessionWriter(path, player=player, mode="runner", level="meadow", flush_interval_s=0.05)
        w.start()
        w.record([HeartRateSample(t_host_ns=i * S, source="strap", bpm=120 + i, rr_s=(0.5,)) for i in range(5)])
        w.finish(10, {"completed": True})
    return path


def last_json(out: str) -> dict[str, object]:
    result = json.loads(out.strip().splitlines()[-1])
    assert isinstance(result, dict)
    return result


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "export", "--help"]) == EXIT_OK
    out = capsys.readouterr().out
    assert out.startswith("usage: liike sessions export") and "--format {csv,jsonl,tcx,fit}" in out


@pytest.mark.parametrize("fmt", ["csv", "jsonl", "tcx", "fit"])
def test_export_one_session_lists_the_files(db: Path, tmp_path: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out" / "new"  # created, with its parents
    assert main(["sessions", "export", "2", "--format", fmt, "--out", str(out), "--db", str(db)]) == EXIT_OK
    result = last_json(capsys.readouterr().out)
    files = [Path(str(p)) for p in result["files"]]  # type: ignore[attr-defined]
    assert result["sessions"] == [2] and result["format"] == fmt and files
    assert all(p.parent == out and p.name.startswith("liike-2-") and p.stat().st_size > 0 for p in files)
    assert sorted(out.iterdir()) == sorted(files)  # no partial files left behind
    if fmt == "fit":  # every FIT file the tests write goes through Garmin's own decoder
        messages, errors = decode(files[0])
        assert errors == [] and [r["heart_rate"] for r in messages["record_mesgs"]] == [120, 121, 122, 123, 124]


def test_export_a_player_or_all(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "export", "--player", "fox", "--format", "jsonl", "--out", str(tmp_path), "--db", str(db)]) == 0
    assert last_json(capsys.readouterr().out)["sessions"] == [1, 2]
    assert main(["sessions", "export", "--all", "--format", "tcx", "--out", str(tmp_path / "all"), "--db", str(db)]) == 0
    result = last_json(capsys.readouterr().out)
    assert result["sessions"] == [1, 2, 3] and len(result["files"]) == 3  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["9"], "no session 9 in"),
        (["--player", "bear"], "no player 'bear' in"),
        ([], "say what to export"),
        (["1", "--all"], "say what to export"),
    ],
)
def test_bad_choices_are_one_line_and_exit_2(
    db: Path, tmp_path: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    assert main(["sessions", "export", *args, "--format", "csv", "--out", str(out), "--db", str(db)]) == EXIT_BAD_INPUT
    captured = capsys.readouterr()
    [line] = captured.err.strip().splitlines()
    assert line.startswith("liike: ") and message in line and captured.out == ""
    assert not out.exists()


def test_an_unwritable_folder_is_one_line_and_exit_2(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a_file = tmp_path / "note.txt"
    a_file.write_text("x")
    for out, message in ((a_file, "is a file, not a folder"), (a_file / "sub", "cannot create the folder")):
        assert main(["sessions", "export", "1", "--format", "fit", "--out", str(out), "--db", str(db)]) == EXIT_BAD_INPUT
        [line] = capsys.readouterr().err.strip().splitlines()
        assert message in line and str(out) in line


def test_a_missing_or_unreadable_store_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(b"this is not a database at all" * 100)
    for store, message in ((tmp_path / "none.sqlite", "no session database at"), (junk, "not a usable Liike session store")):
        assert main(["sessions", "export", "1", "--format", "csv", "--out", str(tmp_path), "--db", str(store)]) == EXIT_BAD_INPUT
        [line] = capsys.readouterr().err.strip().splitlines()
        assert line.startswith("liike: ") and message in line


def test_show_tells_the_uuid_devices_and_gaps(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["sessions", "show", "1", "--db", str(db), "--json"]) == EXIT_OK
    detail = json.loads(capsys.readouterr().out)
    assert len(detail["uuid"]) == 36 and len(detail["installation_id"]) == 36
    assert [(d["source"], d["stream"], d["n"]) for d in detail["devices"]] == [("strap", "hr", 5)]
    assert detail["gaps"] == []
    assert main(["sessions", "show", "1", "--db", str(db)]) == EXIT_OK
    [line] = [x for x in capsys.readouterr().out.splitlines() if x.strip().startswith("uuid")]
    assert line.split() == ["uuid", detail["uuid"]]
