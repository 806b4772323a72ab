"""Forwarding from a background thread: it catches up when started, and a dead server never holds the caller."""

from __future__ import annotations

import logging
import socket
import time
import uuid
from pathlib import Path

import pytest

from game.sessions.sync.background import BackgroundSync, start_if_configured
from game.sessions.sync.url import ServerUrl
from tests.game.sessions.sync.pg_cluster import ServerDb
from tests.game.sessions.sync.sync_helpers import local_counts, record_sessions


def test_started_it_forwards_what_is_waiting_and_stop_sends_what_just_ended(tmp_path: Path, server_db: ServerDb) -> None:
    db = tmp_path / "a.sqlite"
    inst = str(uuid.uuid4())
    record_sessions(db, inst, 2)
    sync = BackgroundSync(db, server_db.site("hall_a"), period_s=3600).start()  # a URL as text will do
    record_sessions(db, inst, 1, player="owl")  # ends while the thread runs; no kick, no period
    assert sync.stop(timeout=30)
    assert sync.error is None and sync.passes >= 2
    assert server_db.count("sessions") == 3
    assert server_db.count("imu") == local_counts(db)["imu"]


def test_a_dead_server_is_reported_once_and_stop_returns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    db = tmp_path / "a.sqlite"
    record_sessions(db, str(uuid.uuid4()), 1)
    sync = BackgroundSync(db, ServerUrl(f"postgresql://hall_a:pw@127.0.0.1:{port}/liike", "test"), period_s=0.05)
    with caplog.at_level(logging.INFO, logger="liike.sync"):
        sync.start()
        deadline = time.monotonic() + 10
        while sync.passes < 3 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sync.stop(timeout=10)
    assert sync.passes >= 3 and sync.error is not None and "cannot reach the server" in sync.error
    assert len([r for r in caplog.records if "cannot reach" in r.getMessage()]) == 1  # once per outage, not per pass
    assert "pw@" not in caplog.text


def test_nothing_configured_starts_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIIKE_DATABASE_URL", raising=False)
    monkeypatch.setattr("game.sessions.sync.url.url_file", lambda: tmp_path / "database_url")
    assert start_if_configured(tmp_path / "a.sqlite") is None
    (tmp_path / "database_url").write_text("postgresql://hall_a@h/liike\n")
    (tmp_path / "database_url").chmod(0o644)  # readable by others: refused, and the game plays on
    assert start_if_configured(tmp_path / "a.sqlite") is None
