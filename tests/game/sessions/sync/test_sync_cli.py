"""``liike sessions sync`` and ``liike play`` with a server URL: the contract, a dead server, no
password anywhere in what is printed."""

from __future__ import annotations

import hashlib
import json
import os
import socket
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from game.cli import main
from tests.game.sessions.sync.pg_cluster import ServerDb
from tests.game.sessions.sync.sync_helpers import TABLES, local_counts, record_sessions

PASSWORD = "s3cret-pw"  # what ServerDb.site() gives every role


def _liike(*args: str, env: dict[str, str], timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", **env}
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, env=full, timeout=timeout)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """``liike ARGS`` in this process: (exit code, stdout, stderr)."""
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _dead_url() -> str:
    with socket.socket() as s:  # a port nobody listens on once this socket is closed
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"postgresql://hall_a:{PASSWORD}@127.0.0.1:{port}/liike"


def _digest(db: Path) -> str:
    return hashlib.sha256(b"".join(p.read_bytes() for p in sorted(db.parent.glob(db.name + "*")))).hexdigest()


def test_sync_prints_the_contract_and_a_dead_server_changes_nothing(
    tmp_path: Path, server_db: ServerDb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server_db.site("hall_a")
    db = tmp_path / "a.sqlite"
    record_sessions(db, str(uuid.uuid4()), 2)
    before = _digest(db)

    code, out, err = _run(capsys, "sessions", "sync", "--url", _dead_url(), "--db", str(db))
    assert code == 3
    assert out == "" and len(err.strip().splitlines()) == 1
    assert "cannot reach the server hall_a@127.0.0.1" in err and "nothing was changed" in err
    assert PASSWORD not in err
    assert _digest(db) == before  # not even the outbox table was made

    monkeypatch.setenv("LIIKE_DATABASE_URL", url)
    code, out, err = _run(capsys, "sessions", "sync", "--db", str(db))
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    counts = local_counts(db)
    assert result["sessions"] == 2 and result["already_there"] == 0
    assert result["rows"] == 2 + sum(counts[t] for t in TABLES)
    assert PASSWORD not in out + err

    code, out, _ = _run(capsys, "sessions", "sync", "--url", url, "--db", str(db))
    assert json.loads(out.strip().splitlines()[-1])["sessions"] == 0


def test_help_never_shows_the_configured_url(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIIKE_DATABASE_URL", f"postgresql://hall_a:{PASSWORD}@db.example.org/liike")
    for args in (("sessions", "sync", "--help"), ("leaderboard", "--help"), ("--help",)):
        code, out, err = _run(capsys, *args)
        assert code == 0 and "--url" in out or args == ("--help",)
        assert PASSWORD not in out + err and "db.example.org" not in out + err


def test_tls_asked_for_in_the_url_is_never_dropped(
    tmp_path: Path, server_db: ServerDb, capsys: pytest.CaptureFixture[str]
) -> None:
    url = server_db.site("hall_a").replace("sslmode=disable", "sslmode=require")  # the test server has no TLS
    db = tmp_path / "a.sqlite"
    record_sessions(db, str(uuid.uuid4()), 1)
    code, _, err = _run(capsys, "sessions", "sync", "--url", url, "--db", str(db))
    assert code == 3 and "SSL" in err and PASSWORD not in err
    assert server_db.count("sessions") == 0


@pytest.mark.slow
def test_the_game_plays_on_with_the_server_down_and_a_later_sync_catches_up(
    tmp_path: Path, server_db: ServerDb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "play.sqlite"
    env = {"LIIKE_DATABASE_URL": _dead_url(), "LIIKE_INSTALLATION_FILE": str(tmp_path / "installation_id")}
    game = ("--headless", "--input", "sim", "--mode", "runner", "--level", "meadow", "--seconds", "6")
    played = _liike("play", *game, "--db", str(db), env=env)
    assert played.returncode == 0, played.stderr
    assert json.loads(played.stdout.strip().splitlines()[-1])["session_id"] == 1
    assert "finished sessions wait in the outbox" in played.stderr and PASSWORD not in played.stderr
    conn = sqlite3.connect(db)
    try:
        # The game never reached the server, so not even the outbox's table was made.
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'sync_sent'").fetchone() == (0,)
    finally:
        conn.close()

    monkeypatch.setenv("LIIKE_INSTALLATION_FILE", env["LIIKE_INSTALLATION_FILE"])
    code, out, err = _run(capsys, "sessions", "sync", "--url", server_db.site("hall_a"), "--db", str(db))
    assert code == 0, err
    assert json.loads(out.strip().splitlines()[-1])["sessions"] == 1
    counts = local_counts(db)
    for table in TABLES:
        assert server_db.count(table) == counts[table], table


def test_a_file_that_is_not_a_store_is_named_and_left_alone(
    tmp_path: Path, server_db: ServerDb, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE notes (text TEXT)")
    conn.commit()
    conn.close()
    before = _digest(other)
    code, out, err = _run(capsys, "sessions", "sync", "--url", server_db.site("hall_a"), "--db", str(other))
    assert code == 2 and out == "" and "not a Liike session store" in err
    assert _digest(other) == before
    code, _, err = _run(capsys, "sessions", "sync", "--url", server_db.site("hall_b"), "--db", str(tmp_path / "none.sqlite"))
    assert code == 2 and "no session database" in err and not (tmp_path / "none.sqlite").exists()
