"""Storage faults are named and never hidden: a full disk (SQLite's ``max_page_count`` on the
writer's connection stands in for it, no root needed), a read-only store, an immutable ``-shm``."""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from game.cli import main
from game.sessions import SessionStore, SessionWriter, StoreError
from game.sessions.report import format_session_detail, format_sessions_table
from game.sessions.store import fault_kind, probe_writable
from sensors.samples import ImuBatch
from tests.game.sessions.test_session_writer import wait_for

REPO = Path(__file__).resolve().parents[3]


def fill_disk_after(extra_pages: int) -> Any:
    """A writer ``on_connect`` hook: the store may grow by ``extra_pages`` pages, then is "full"."""

    def limit(conn: sqlite3.Connection) -> None:
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        conn.execute(f"PRAGMA max_page_count = {pages + extra_pages:d}")

    return limit


def imu(i: int) -> ImuBatch:
    rng = np.random.default_rng(i)  # incompressible, so each batch takes its own space
    return ImuBatch(t_host_ns=i * 10_000_000, source="imu", rate_hz=100.0, t_first_ns=i * 10_000_000, acc_g=rng.random((100, 3)))


def test_a_full_disk_is_named_counted_and_marked_in_the_store(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level="l", flush_interval_s=0.05, on_connect=fill_disk_after(4))
    sid = w.start()
    # Record until the store is full: the writer says so in a short line for the screen.
    i = 0
    while w.notice is None and i < 100_000:
        i += 1
        w.record([imu(i)])
        wait_for(lambda: w.notice is not None, 0.01)
    assert wait_for(lambda: w.notice is not None, 120)
    assert w.notice == "not saving: disk full"
    for j in range(i + 1, i + 20):
        w.record([imu(j)])
    w.finish(5, {"completed": True})
    assert not w.intact and w.error is not None and "disk full" in w.error
    stored, lost, queued = w.stored_counts(), w.lost_counts(), w.counts()
    assert lost["imu"] > 0 and stored["imu"] + lost["imu"] == queued["imu"]
    with SessionStore(db) as store:
        row = store.get_session(sid)
    assert row is not None and row["samples"]["imu"] == stored["imu"]
    mark = row["incomplete"]
    assert mark is not None and mark["reason"] == "disk full"
    assert mark["stored"]["imu"] == stored["imu"] and mark["lost"]["imu"] == lost["imu"]
    assert 0 < mark["missing_from_ns"] <= mark["missing_to_ns"] == (i + 19) * 10_000_000
    # The mark shows wherever the session is listed or shown.
    with SessionStore(db) as store:
        (listed,) = store.list_sessions()
        detail = store.get_session(sid)
    assert listed["incomplete"] is True
    assert "(INCOMPLETE: rows lost)" in format_sessions_table([listed])
    assert detail is not None and "INCOMPLETE: disk full; lost imu " in format_session_detail(detail)


def test_retrying_keeps_memory_bounded_and_counts_what_it_dropped(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(
        db, player="fox", mode="runner", level=None, flush_interval_s=0.05, max_pending_rows=10, on_connect=fill_disk_after(0)
    )
    w.start()
    for j in range(1, 51):
        w.record([imu(j)])
    assert wait_for(lambda: w.unwritten >= 40, 120)  # the oldest beyond the bound are given up on
    w.finish(0, {})
    assert w.unwritten == 50 and w.lost_counts()["imu"] == 50 * 100 and w.stored_counts()["imu"] == 0


def test_a_complete_session_is_not_marked(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None)
    sid = w.start()
    w.record([imu(1)])
    w.finish(1, {})
    assert w.intact and w.notice is None and w.stored_counts()["imu"] == 100
    with SessionStore(db) as store:
        row = store.get_session(sid)
    assert row is not None and row["incomplete"] is None


def test_play_reports_stored_and_lost_counts_shows_the_notice_and_exits_1(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import game.engine.app as app
    import game.engine.context as context

    notices: list[str] = []
    draw = app.draw_store_notice

    def spy(screen: Any, text: Any, notice: str | None) -> None:
        if notice:
            notices.append(notice)
        draw(screen, text, notice)

    monkeypatch.setattr(app, "draw_store_notice", spy)
    monkeypatch.setattr(context, "SessionWriter", functools.partial(SessionWriter, on_connect=fill_disk_after(2)))
    db = tmp_path / "s.sqlite"
    # The simulated player starts a session by itself after the menu's 2.5 s.
    code = main(["play", "--headless", "--input", "sim", "--seconds", "6", "--db", str(db)])
    out, err = capsys.readouterr()
    result = json.loads(out)
    assert code == 1, err
    assert "disk full" in result["store_error"] and "not stored in full" in err
    with SessionStore(db) as store:
        row = store.get_session(result["session_id"])
    assert row is not None and row["incomplete"] is not None
    assert result["samples"] == row["samples"]  # what is in the store, not what was recorded
    lost = sum(result["lost"].values())
    assert lost > 0
    for kind in ("hr", "imu", "pose"):
        assert result["samples"][kind] + result["lost"][kind] == result["queued"][kind]
    assert "not saving: disk full" in notices


def test_a_full_disk_is_not_called_damage(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    with SessionStore(db) as store:
        pages = store._conn.execute("PRAGMA page_count").fetchone()[0]
        store._conn.execute(f"PRAGMA max_page_count = {pages:d}")
        with pytest.raises(StoreError) as caught, store._reading(), store._transaction():
            store._conn.execute("INSERT INTO players(pseudonym, created_at) VALUES (?, 'x')", (os.urandom(8000).hex(),))
    text = str(caught.value)
    assert "disk holding" in text and "full" in text
    assert "not a usable" not in text and "damaged" not in text and "move the file aside" not in text


def test_fault_kinds() -> None:
    assert fault_kind(sqlite3.OperationalError("database or disk is full")) == "disk full"
    assert fault_kind(sqlite3.OperationalError("attempt to write a readonly database")) == "read-only"
    assert fault_kind(sqlite3.OperationalError("database is locked")) == "locked"
    assert fault_kind(sqlite3.DatabaseError("file is not a database")) is None


def test_the_pre_start_check_names_a_locked_store(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    SessionStore(db).close()
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        import game.sessions.store as store_module

        old = store_module.BUSY_TIMEOUT_S
        store_module.BUSY_TIMEOUT_S = 0.1
        try:
            with pytest.raises(StoreError) as caught:
                probe_writable(db)
        finally:
            store_module.BUSY_TIMEOUT_S = old
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert "locked" in str(caught.value) and "not a usable" not in str(caught.value)


# -- stores that cannot be written, checked before anyone plays ---------------------------------------
def _unprivileged() -> list[str]:
    """Root ignores file permissions: as root, run without the capabilities that let it."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: root ignores file permissions, so nothing here is read-only")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable"]


def liike(*args: str, unprivileged: bool = False) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO), "HOME": tempfile.gettempdir(), "SDL_VIDEODRIVER": "dummy"}
    env["SDL_AUDIODRIVER"] = "dummy"
    return subprocess.run(
        [*(_unprivileged() if unprivileged else []), sys.executable, "-m", "game.cli", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=180,
    )


def record(db: Path) -> None:
    w = SessionWriter(db, player="fox", mode="runner", level=None)
    w.start()
    w.finish(1, {})


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="liike-fault-"))  # readable by an unprivileged child
    path.chmod(0o755)
    try:
        yield path
    finally:
        for p in [path, *path.iterdir()]:
            subprocess.run(["chattr", "-i", str(p)], capture_output=True)
            p.chmod(0o755)
        shutil.rmtree(path)


def test_play_refuses_a_read_only_store_before_anyone_plays(folder: Path) -> None:
    db = folder / "s.sqlite"
    record(db)
    db.chmod(0o444)
    folder.chmod(0o555)
    probe = subprocess.run([*_unprivileged(), "sh", "-c", f"touch {folder}/probe"], capture_output=True)
    if probe.returncode == 0:
        pytest.skip("file permissions are not enforced here (the folder could still be written)")
    done = liike("play", "--headless", "--input", "keyboard", "--seconds", "1", "--db", str(db), unprivileged=True)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""  # no game was played
    [line] = done.stderr.splitlines()
    assert "read-only" in line and "not a usable" not in line and "damaged" not in line


def _immutable(path: Path) -> None:
    chattr = shutil.which("chattr")
    if chattr is None:
        pytest.skip("chattr is not available, so no file can be made immutable here")
    if subprocess.run([chattr, "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip(f"chattr +i is not effective here (no CAP_LINUX_IMMUTABLE or the file system lacks it): {path}")
    try:
        with open(path, "r+b"):
            pass
    except OSError:
        return
    subprocess.run([chattr, "-i", str(path)], capture_output=True)
    pytest.skip("chattr +i did not make the file immutable here")


def test_play_refuses_an_immutable_store_before_anyone_plays(folder: Path) -> None:
    db = folder / "s.sqlite"
    record(db)
    _immutable(db)
    done = liike("play", "--headless", "--input", "keyboard", "--seconds", "1", "--db", str(db))
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    [line] = done.stderr.splitlines()
    assert "read-only" in line and "not a usable" not in line


def test_an_immutable_shm_saves_with_exclusive_locking_and_says_so(folder: Path) -> None:
    db = folder / "s.sqlite"
    record(db)
    shm = db.with_name(db.name + "-shm")
    shm.write_bytes(b"")
    _immutable(shm)
    done = liike("play", "--headless", "--input", "sim", "--seconds", "5", "--db", str(db))
    assert done.returncode == 0, done.stderr
    notes = [line for line in done.stderr.splitlines() if "-shm" in line]
    assert len(notes) == 1 and "exclusive locking" in notes[0], done.stderr
    result = json.loads(done.stdout)
    assert "store_error" not in result and sum(result["lost"].values()) == 0
    subprocess.run(["chattr", "-i", str(shm)], capture_output=True)
    with SessionStore(db) as store:
        row = store.get_session(result["session_id"])
    assert row is not None and row["ended_at"] is not None and row["incomplete"] is None
    assert row["samples"] == result["samples"]
