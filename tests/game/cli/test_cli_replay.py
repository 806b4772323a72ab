"""``liike replay``: a simulated session of every installed mode, replayed headless at real-time
speed and much faster, gives the stored game events and the score of the original exactly."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from game.cli.common import EXIT_BAD_INPUT, EXIT_OK
from game.engine.modes import mode_names
from game.scenes.play import PlayScene
from game.sessions import SessionStore
from tests.game.cli.replay_runs import record

#: Every test records a session and replays it: seconds each.
pytestmark = pytest.mark.slow

#: Seconds of virtual time the original runs: the menu starts the level after 2.5 s, the
#: simulated player stands still through the calibration (about 1.2 s), then about 3 s of play,
#: whose figures (distance, speeds, seconds per zone ...) the summaries compare to the last bit.
RECORD_S = 6.5


@pytest.fixture(autouse=True)
def no_countdown(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Play from the first update: more play in a short session (original and replay alike).
    monkeypatch.setattr(PlayScene, "countdown_s", 0.0)
    monkeypatch.setenv("LIIKE_INSTALLATION_FILE", str(tmp_path / "installation-id"))  # not the user's


def replay(db: Path, session: int, capsys: pytest.CaptureFixture[str], *extra: str) -> dict[str, Any]:
    code = main(["replay", str(session), "--db", str(db), "--headless", "--size", "320x240", *extra])
    out = capsys.readouterr()
    assert code == EXIT_OK, out.err
    result: dict[str, Any] = json.loads(out.out.strip().splitlines()[-1])
    return result


def stored(db: Path, session: int) -> dict[str, Any]:
    """What a session stored that a replay must repeat: its events (the frame tape among them,
    but not the replay's own mark), score, summary and readings."""
    with SessionStore(db, read_only=True) as store:
        row = store.get_session(session)
        assert row is not None
        events = [(e["t_ns"], e["kind"], e["data"]) for e in store.iter_events(session, stored_order=True)]
    summary = {k: v for k, v in row["summary"].items() if k not in ("replay_of", "replay_of_id")}
    return {
        "events": [e for e in events if e[1] != "replay.of"],
        "score": row["score"],
        "summary": summary,
        "samples": row["samples"],
    }


@pytest.mark.parametrize("mode_name", mode_names())
def test_replay_repeats_every_mode_exactly(mode_name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    original = record(db, mode_name, RECORD_S)
    want = stored(db, original)
    game_events = [e for e in want["events"] if not e[1].startswith("replay.") and e[1] != "device_status"]
    assert game_events, "the session recorded no game or motion events to compare"
    assert any(e[1] == "replay.frames" for e in want["events"])

    for speed in ("1", "40"):
        result = replay(db, original, capsys, "--speed", speed)
        assert result["replay_of_id"] == original and result["exact"] is True
        with SessionStore(db, read_only=True) as store:
            assert result["replay_of"] == (store.identity(original) or {})["uuid"]
            marks = [e["data"] for e in store.iter_events(result["session_id"]) if e["kind"] == "replay.of"]
        assert marks == [{"replay_of": result["replay_of"], "replay_of_id": original}]
        got = stored(db, result["session_id"])
        assert got["events"] == want["events"]
        assert got["score"] == want["score"] and result["score"] == want["score"]
        assert got["summary"] == want["summary"]
        assert got["samples"] == want["samples"]
    # A replay's own session can be replayed in turn, to the same result.
    again = replay(db, result["session_id"], capsys)
    assert stored(db, again["session_id"])["events"] == want["events"]


def test_replay_of_two_players_side_by_side(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two simulated players in front of one camera: the second player's tracker is replayed too."""
    db = tmp_path / "s.sqlite"
    original = record(db, "punch", RECORD_S, players=2)
    want = stored(db, original)
    assert {e[2]["player"] for e in want["events"] if e[1] == "game.hit"} == {0, 1}
    result = replay(db, original, capsys)
    assert stored(db, result["session_id"]) == want


def test_replay_without_tape_is_the_same_at_every_speed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A session recorded before sessions kept a tape replays from its sample times alone."""
    db = tmp_path / "s.sqlite"
    original = record(db, "runner", seconds=6.0)
    with sqlite3.connect(db) as conn:
        conn.execute("DELETE FROM events WHERE session_id=? AND kind LIKE 'replay.%'", (original,))
    first = replay(db, original, capsys, "--speed", "20")
    second = replay(db, original, capsys)
    assert first["exact"] is False and first["replay_of_id"] == original
    a, b = stored(db, first["session_id"]), stored(db, second["session_id"])
    assert a["events"] == b["events"] and a["score"] == b["score"]
    assert a["samples"] == stored(db, original)["samples"]


def test_replay_seconds_stops_early(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    original = record(db, "ski", seconds=6.0)
    result = replay(db, original, capsys, "--seconds", "1")
    with SessionStore(db, read_only=True) as store:
        row = store.get_session(result["session_id"])
    assert row is not None and row["session_s"] is not None and row["session_s"] <= 1.05
    assert result["samples"]["pose"] < stored(db, original)["samples"]["pose"]


def _fails(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == EXIT_BAD_INPUT, err
    assert err.startswith("liike: ") and len(err.strip().splitlines()) == 1
    return err


def test_replay_refuses_what_cannot_be_replayed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    assert "no session store" in _fails(["replay", "1", "--db", str(db), "--headless"], capsys)
    original = record(db, "runner", seconds=4.0)
    assert "no session 99" in _fails(["replay", "99", "--db", str(db), "--headless"], capsys)

    bare = tmp_path / "bare.sqlite"  # as a session played with the keyboard alone
    shutil.copy(db, bare)
    with sqlite3.connect(bare) as conn:
        for table in ("hr", "imu", "pose", "fitness"):
            conn.execute(f"DELETE FROM {table} WHERE session_id=?", (original,))
        conn.execute("DELETE FROM session_counts WHERE session_id=? AND kind != 'events'", (original,))
    assert "holds no raw samples" in _fails(["replay", str(original), "--db", str(bare), "--headless"], capsys)

    gone = tmp_path / "gone.sqlite"
    shutil.copy(db, gone)
    with sqlite3.connect(gone) as conn:
        conn.execute("UPDATE sessions SET mode='curling' WHERE id=?", (original,))
    err = _fails(["replay", str(original), "--db", str(gone), "--headless"], capsys)
    assert "'curling' mode, which is not installed" in err and "runner" in err

    newer = tmp_path / "newer.sqlite"
    shutil.copy(db, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute(
            "UPDATE events SET data_json=json_set(data_json, '$.format', 99) WHERE session_id=? AND kind='replay.setup'",
            (original,),
        )
    assert "newer Liike" in _fails(["replay", str(original), "--db", str(newer), "--headless"], capsys)

    torn = tmp_path / "torn.sqlite"
    shutil.copy(db, torn)
    with sqlite3.connect(torn) as conn:
        conn.execute("DELETE FROM pose WHERE session_id=? AND seq > 10", (original,))
    assert "pose stream ends after" in _fails(["replay", str(original), "--db", str(torn), "--headless"], capsys)
    with SessionStore(torn, read_only=True) as store:
        assert store.session_ids() == [original]  # the replay cut short is not kept
