"""Leaderboards across sites: the day and the season in the asker's time zone, a player's best once."""

from __future__ import annotations

import json
import uuid
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg
import pytest

from game.cli import main
from game.sessions import SessionWriter
from game.sessions.sync.forward import SyncError, sync_store
from game.sessions.sync.leaderboard import fetch_leaderboard, season_start
from game.sessions.sync.server_schema import SERVER_SCHEMA_VERSION, migrate
from game.sessions.sync.url import ServerUrl
from tests.game.sessions.sync.pg_cluster import Cluster, ServerDb
from tests.game.sessions.sync.sync_helpers import record_sessions

HELSINKI = ZoneInfo("Europe/Helsinki")  # UTC+2 in March


def test_the_season_starts_on_the_last_start_day_passed() -> None:
    assert season_start(date(2026, 3, 10)) == date(2025, 7, 1)
    assert season_start(date(2026, 7, 1)) == date(2026, 7, 1)
    assert season_start(date(2026, 6, 30)) == date(2025, 7, 1)
    assert season_start(date(2026, 3, 10), (1, 1)) == date(2026, 1, 1)
    assert season_start(date(2027, 3, 1), (2, 29)) == date(2027, 2, 28)  # no 29 February that year


def _insert(server_db: ServerDb, rows: list[tuple[str, str, str, float, str, bool]]) -> None:
    """(site, player, mode, score, local start time, finished) as sessions on the server."""
    with psycopg.connect(server_db.admin_url, autocommit=True) as conn:
        for site, player, mode, score, at, finished in rows:
            inst = str(uuid.uuid4())
            conn.execute("INSERT INTO liike.stations (installation_id, site) VALUES (%s, %s)", (inst, site))
            started = datetime.fromisoformat(at).replace(tzinfo=HELSINKI)
            conn.execute(
                "INSERT INTO liike.sessions (installation_id, session_uuid, site, player, mode, level, started_at, ended_at, "
                "t0_ns, score) VALUES (%s, %s, %s, %s, %s, 'Meadow', %s, %s, 0, %s)",
                (inst, str(uuid.uuid4()), site, player, mode, started, started if finished else None, score),
            )


def test_boards_across_sites_by_day_and_season(server_db: ServerDb) -> None:
    url = server_db.site("hall_a")
    _insert(
        server_db,
        [
            ("hall_a", "fox", "runner", 500, "2026-03-10 09:00", True),
            ("hall_a", "fox", "runner", 700, "2026-02-01 12:00", True),
            ("hall_b", "fox", "runner", 600, "2026-03-10 10:00", True),  # another site's fox: another player
            ("hall_a", "owl", "runner", 650, "2026-03-10 11:00", True),
            ("hall_a", "owl", "runner", 900, "2025-06-30 12:00", True),  # last season
            ("hall_a", "hen", "runner", 300, "2026-03-10 00:30", True),  # still 9 March in UTC
            ("hall_a", "pig", "runner", 999, "2026-03-09 23:30", True),  # yesterday here, 10 March nowhere
            ("hall_a", "cat", "ski", 800, "2026-03-10 09:00", True),  # another mode
            ("hall_b", "elk", "runner", 5000, "2026-03-10 09:30", False),  # never finished
        ],
    )
    now = datetime(2026, 3, 10, 15, 0, tzinfo=HELSINKI)
    board = fetch_leaderboard(url, "runner", "Meadow", now=now)
    assert [(e.rank, e.player, e.site, e.score) for e in board.day] == [
        (1, "owl", "hall_a", 650),
        (2, "fox", "hall_b", 600),
        (3, "fox", "hall_a", 500),
        (4, "hen", "hall_a", 300),
    ]
    assert [(e.player, e.site, e.score) for e in board.season] == [
        ("pig", "hall_a", 999),
        ("fox", "hall_a", 700),
        ("owl", "hall_a", 650),
        ("fox", "hall_b", 600),
        ("hen", "hall_a", 300),
    ]
    assert board.day[3].at == datetime(2026, 3, 10, 0, 30, tzinfo=HELSINKI)
    assert board.season_from == datetime(2025, 7, 1, tzinfo=HELSINKI)
    top = fetch_leaderboard(
        url, "runner", "Meadow", now=datetime(2026, 3, 10, 15, 0, tzinfo=HELSINKI), limit=2, season_from=(3, 1)
    )
    assert [(e.player, e.score) for e in top.season] == [("pig", 999), ("owl", 650)]  # fox's 700 of 1 February is before it
    assert top.season_from == datetime(2026, 3, 1, tzinfo=HELSINKI)


def test_leaderboard_command_after_a_sync(tmp_path: Path, server_db: ServerDb, capsys: pytest.CaptureFixture[str]) -> None:
    url = server_db.site("hall_a")
    db = tmp_path / "a.sqlite"
    record_sessions(db, str(uuid.uuid4()), 2, player="fox")  # scores 100 and 110, now
    sync_store(db, ServerUrl(url, "--url"))
    capsys.readouterr()
    assert main(["leaderboard", "--mode", "runner", "--level", "Meadow", "--url", url, "--json"]) == 0
    board = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert [(e["player"], e["score"]) for e in board["day"]] == [("fox", 110.0)]
    assert main(["leaderboard", "--mode", "runner", "--level", "Meadow", "--url", url]) == 0
    text = capsys.readouterr().out
    assert "fox" in text and "110" in text and "s3cret" not in text
    assert main(["leaderboard", "--mode", "runner", "--level", "Meadow", "--url", url, "--season-start", "13-01"]) == 2


def test_a_server_without_the_schema_says_so(server_db: ServerDb) -> None:
    with psycopg.connect(server_db.admin_url, autocommit=True) as conn:
        conn.execute("DROP VIEW liike.leaderboard_scores")
    with pytest.raises(SyncError, match="no Liike leaderboard"):
        fetch_leaderboard(server_db.admin_url, "runner", "Meadow")


def test_a_version_1_server_is_upgraded_in_place_and_replays_leave_the_board(tmp_path: Path, pg_cluster: Cluster) -> None:
    db = ServerDb(pg_cluster, f"v1_{uuid.uuid4().hex[:8]}", [])
    with psycopg.connect(pg_cluster.admin_url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {db.name}".encode())
    try:
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            assert migrate(conn, up_to=1) == [1]
        url = db.site("hall_a")
        store = tmp_path / "a.sqlite"
        inst = str(uuid.uuid4())
        record_sessions(store, inst, 1, player="fox")  # scores 100
        w = SessionWriter(store, player="fox", mode="runner", level="Meadow", flush_interval_s=0.05, installation=lambda: inst)
        w.start()
        w.record_event(0, "replay.of", {"uuid": "the original's"})
        w.finish(100, {"replay_of": "the original's"})  # a replay scores what the original did
        w = SessionWriter(store, player="owl", mode="runner", level="Meadow", flush_interval_s=0.05, installation=lambda: inst)
        w.start()
        w.record_event(0, "replay.of", {"uuid": "another"})
        w.finish(900, {})
        with pytest.raises(SyncError, match="schema is version 1, this Liike needs"):  # a station may not upgrade it
            sync_store(store, ServerUrl(url, "--url"))
        with psycopg.connect(db.admin_url, autocommit=True) as conn:
            assert migrate(conn) == list(range(2, SERVER_SCHEMA_VERSION + 1))
        assert sync_store(store, ServerUrl(url, "--url")).sessions == 3
        board = fetch_leaderboard(url, "runner", "Meadow")
        assert [(e.player, e.score) for e in board.day] == [("fox", 100.0)]
    finally:
        db.drop()
