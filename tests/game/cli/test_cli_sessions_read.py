"""``liike sessions list|show``: where the store is, local times, JSON kept pure, and stores that
cannot be written (a backup on read-only media) read like any other; deleting from one is refused
as read-only, never called damaged."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.cli import main
from game.sessions import SessionStore, SessionWriter
from tests.game.sessions.test_session_fitness import make_v1_store

REPO = Path(__file__).resolve().parents[3]


def record(db: Path, player: str = "fox") -> int:
    w = SessionWriter(db, player=player, mode="runner", level="meadow", flush_interval_s=0.05)
    sid = w.start()
    w.record_event(1, "jump")
    w.finish(321, {"completed": True, "played_s": 12.5, "seconds_in_intensity": {"light": 12.5}})
    assert w.intact, w.error
    return sid


def test_list_says_where_the_store_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    record(db)
    assert main(["sessions", "list", "--db", str(db)]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == f"sessions in {db}" and err == ""
    assert main(["sessions", "list", "--db", str(db), "--json"]) == 0
    out, err = capsys.readouterr()
    assert [r["player"] for r in json.loads(out)] == ["fox"]  # stdout: the JSON alone
    assert err.strip() == f"liike: sessions in {db}"


def test_times_are_local_with_the_offset(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    db = tmp_path / "s.sqlite"
    sid = record(db)
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # +05:30 all year
    time.tzset()
    try:
        assert main(["sessions", "list", "--db", str(db)]) == 0
        assert " +05:30 " in capsys.readouterr().out
        assert main(["sessions", "show", str(sid), "--db", str(db)]) == 0
        out = capsys.readouterr().out
        assert " +05:30" in out and "completed" in out and "yes" in out and "True" not in out and "{" not in out
        assert main(["sessions", "show", str(sid), "--db", str(db), "--json"]) == 0
        detail = json.loads(capsys.readouterr().out)
        assert detail["started_at"].endswith("+00:00") and detail["summary"]["played_s"] == 12.5 and "session_s" in detail
    finally:
        monkeypatch.undo()
        time.tzset()


def test_listing_never_upgrades_or_writes_an_older_store(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "v1.sqlite"
    make_v1_store(db)
    before = db.read_bytes()
    assert main(["sessions", "list", "--db", str(db), "--json"]) == 0
    assert [r["player"] for r in json.loads(capsys.readouterr().out)] == ["fox"]
    assert main(["sessions", "show", "1", "--db", str(db)]) == 0
    assert "fox" in capsys.readouterr().out
    assert db.read_bytes() == before
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
    with SessionStore(db, read_only=True) as store:  # the table version 1 lacks reads as empty
        assert store.get_session(1) is not None and list(store.iter_samples(1, "fitness")) == []


def test_a_missing_store_is_not_created_by_reading(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "nothing.sqlite"
    assert main(["sessions", "list", "--db", str(db)]) == 2
    assert "no session database" in capsys.readouterr().err and not db.exists()


# -- stores that cannot be written ------------------------------------------------------------------
def _unprivileged() -> list[str]:
    """A command prefix under which file permissions hold. Root ignores them, so as root the
    command runs without the capabilities that let it (``setpriv``, util-linux); as anyone else
    it runs as it is."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root ignores file permissions, so nothing here is read-only")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable"]


@pytest.fixture
def read_only_copy() -> Iterator[Path]:
    """A store with one finished session in a folder that cannot be written, the file itself
    read-only too (no ``-wal``/``-shm`` beside it, as a copy on a USB stick or a CD)."""
    folder = Path(tempfile.mkdtemp(prefix="liike-ro-"))
    db = folder / "backup.sqlite"
    record(db)
    assert sorted(p.name for p in folder.iterdir()) == ["backup.sqlite"]  # the last close cleaned up
    db.chmod(0o444)
    folder.chmod(0o555)
    probe = subprocess.run([*_unprivileged(), "sh", "-c", f"touch {folder}/probe"], capture_output=True)
    if probe.returncode == 0:
        folder.chmod(0o755)
        shutil.rmtree(folder)
        pytest.skip("file permissions are not enforced here (the folder could still be written)")
    try:
        yield db
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def liike(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": tempfile.gettempdir()}
    return subprocess.run(
        [*_unprivileged(), sys.executable, "-m", "game.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )


SCARY = ("damaged", "not a usable", "cannot", "error", "unable", "traceback", "warning")


def test_a_read_only_store_lists_and_shows_quietly(read_only_copy: Path) -> None:
    db = read_only_copy
    listed = liike("sessions", "list", "--db", str(db), "--json")
    assert listed.returncode == 0, listed.stderr
    assert [r["player"] for r in json.loads(listed.stdout)] == ["fox"]
    assert listed.stderr.strip() == f"liike: sessions in {db} (read-only)"
    shown = liike("sessions", "show", "1", "--db", str(db))
    assert shown.returncode == 0, shown.stderr
    assert "fox" in shown.stdout and "yes" in shown.stdout
    for word in SCARY:
        assert word not in (listed.stderr + shown.stderr).lower(), (word, listed.stderr, shown.stderr)
    assert sorted(p.name for p in db.parent.iterdir()) == ["backup.sqlite"]  # nothing written beside it


def test_deleting_from_a_read_only_store_says_read_only(read_only_copy: Path) -> None:
    before = read_only_copy.read_bytes()
    done = liike("sessions", "delete", "1", "--db", str(read_only_copy), "--yes")
    assert done.returncode == 2
    [line] = done.stderr.splitlines()
    assert "read-only" in line and "damaged" not in line and "not a usable" not in line
    assert read_only_copy.read_bytes() == before


def test_a_read_only_copy_with_its_write_ahead_log_reads_everything() -> None:
    """A backup copied while the game ran keeps the newest commits in ``-wal`` (and ``-shm``):
    read-only, those are read too."""
    folder = Path(tempfile.mkdtemp(prefix="liike-ro-"))
    try:
        live = folder / "live.sqlite"
        record(live, "fox")
        holder = sqlite3.connect(live)  # keeps the log from being folded into the file at close
        holder.execute("PRAGMA wal_autocheckpoint=0")
        holder.execute("SELECT count(*) FROM sessions").fetchone()
        record(live, "owl")
        copy = folder / "copy"
        copy.mkdir()
        for name in ("live.sqlite", "live.sqlite-wal", "live.sqlite-shm"):
            shutil.copy(folder / name, copy / name)
        holder.close()
        assert (copy / "live.sqlite-wal").stat().st_size > 0
        for p in copy.iterdir():
            p.chmod(0o444)
        copy.chmod(0o555)
        folder.chmod(0o755)
        listed = liike("sessions", "list", "--db", str(copy / "live.sqlite"), "--json")
        assert listed.returncode == 0, listed.stderr
        assert [r["player"] for r in json.loads(listed.stdout)] == ["fox", "owl"]
    finally:
        for p in folder.rglob("*"):
            if p.is_dir():
                p.chmod(0o755)
        shutil.rmtree(folder)
