"""Store side of deletion requests: what a player has, and one session leaving the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

import game.sessions.store as store_module
from game.sessions import SessionStore, SessionWriter
from sensors.samples import FitnessSample, HeartRateSample


def session(db: Path, player: str, source: str = "treadmill") -> int:
    w = SessionWriter(db, player=player, mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    w.record(
        [
            HeartRateSample(t_host_ns=1, source="strap", bpm=110),
            HeartRateSample(t_host_ns=2, source="strap", bpm=111),
            FitnessSample(t_host_ns=3, source=source, speed_mps=3.0),
        ]
    )
    w.record_event(4, "jump")
    w.finish(5, {})
    assert w.intact, w.error
    return sid


def test_get_player_lists_sessions_and_readings(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    ids = [session(db, "fox"), session(db, "fox")]
    session(db, "owl")
    with SessionStore(db) as store:
        fox = store.get_player("fox")
        assert store.get_player("nobody") is None
    assert fox is not None
    assert fox["player"] == "fox" and fox["sessions"] == ids and fox["created_at"]
    assert fox["samples"] == {"hr": 4, "imu": 0, "pose": 0, "fitness": 2}


def test_delete_session_removes_its_rows_from_the_file(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    marker = "zz-pod-0815"
    gone = session(db, "fox", source=marker)
    kept = session(db, "fox")
    with SessionStore(db) as store:
        assert store.wal_purged is None
        assert store.delete_session(gone) and store.wal_purged is True
        assert not store.delete_session(gone)
        assert store.get_player("fox")["sessions"] == [kept]
    conn = sqlite3.connect(db)
    try:
        for table in ("hr", "fitness", "events", "session_counts"):
            assert {sid for (sid,) in conn.execute(f"SELECT DISTINCT session_id FROM {table}")} == {kept}, table
    finally:
        conn.close()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("s.sqlite")]
    assert all(marker.encode() not in p.read_bytes() for p in files), files


def test_wal_purge_is_reported_when_another_reader_holds_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "s.sqlite"
    session(db, "fox")
    keep = session(db, "owl")
    monkeypatch.setattr(store_module, "BUSY_TIMEOUT_S", 0.05)
    reader = sqlite3.connect(db, isolation_level=None)
    try:
        reader.execute("BEGIN")
        reader.execute("SELECT count(*) FROM fitness").fetchone()
        with SessionStore(db) as store:
            assert store.delete_player("fox") == 1
            assert store.wal_purged is False
            assert [r["id"] for r in store.list_sessions()] == [keep]  # gone for every new reader already
        reader.execute("COMMIT")
    finally:
        reader.close()
    with SessionStore(db) as store:
        assert store.delete_session(keep) and store.wal_purged is True
