"""Forwarding to a real PostgreSQL server: idempotent, per site, nothing lost or doubled."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import psycopg
import psycopg.errors
import pytest

from game.sessions.sync.forward import SyncResult, sync_store
from game.sessions.sync.url import ServerUrl
from tests.game.sessions.sync.pg_cluster import ServerDb
from tests.game.sessions.sync.sync_helpers import TABLES, local_counts, record_sessions


def _server(url: str) -> ServerUrl:
    return ServerUrl(url, "--url")


def test_two_stations_syncing_twice_store_each_row_once(tmp_path: Path, server_db: ServerDb) -> None:
    a_url, b_url = server_db.site("hall_a"), server_db.site("hall_b")
    a_db, b_db = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    record_sessions(a_db, str(uuid.uuid4()), 2, player="fox")
    record_sessions(b_db, str(uuid.uuid4()), 3, player="owl")
    a, b = local_counts(a_db), local_counts(b_db)

    first_a = sync_store(a_db, _server(a_url))
    first_b = sync_store(b_db, _server(b_url))
    assert (first_a.sessions, first_a.already_there, first_a.pending) == (2, 0, 0)
    assert first_a.rows == 2 + sum(a[t] for t in TABLES)
    assert (first_b.sessions, first_b.already_there) == (3, 0)

    again_a, again_b = sync_store(a_db, _server(a_url)), sync_store(b_db, _server(b_url))
    assert (again_a.sessions, again_a.rows, again_b.sessions, again_b.rows) == (0, 0, 0, 0)  # the outbox is empty

    for table in TABLES:
        assert server_db.count(table) == a[table] + b[table], table
    assert server_db.count("sessions") == 5


def test_a_copy_of_a_store_forwards_nothing_twice(tmp_path: Path, server_db: ServerDb) -> None:
    url = server_db.site("hall_a")
    db = tmp_path / "a.sqlite"
    record_sessions(db, str(uuid.uuid4()), 2)
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes(db.read_bytes())  # a backup restored, or the same file synced by two programs
    first = sync_store(db, _server(url))
    second = sync_store(copy, _server(url))
    assert second.sessions == 2 and second.rows == 0 and second.already_there == first.rows
    assert server_db.count("sessions") == 2 and server_db.count("hr") == local_counts(db)["hr"]


def test_a_station_cannot_read_rows_nor_write_another_sites(tmp_path: Path, server_db: ServerDb) -> None:
    a_url, b_url = server_db.site("hall_a"), server_db.site("hall_b")
    a_db, b_db = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    a_inst = str(uuid.uuid4())
    record_sessions(a_db, a_inst, 1)
    record_sessions(b_db, str(uuid.uuid4()), 1)
    stolen = tmp_path / "stolen.sqlite"
    stolen.write_bytes(a_db.read_bytes())  # hall A's store before its sync, copied to hall B
    sync_store(a_db, _server(a_url))
    sync_store(b_db, _server(b_url))
    with psycopg.connect(b_url, autocommit=True) as conn:
        for table in ("sessions", "hr", "imu", "events", "stations"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                conn.execute(f"SELECT * FROM liike.{table}".encode())
        # Rows in hall A's name are refused by the row-level policy.
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="row-level security"):
            conn.execute(
                "INSERT INTO liike.sessions (installation_id, session_uuid, player, mode, started_at, t0_ns) "
                "VALUES (%s, %s, 'x', 'runner', now(), 0)",
                (a_inst, str(uuid.uuid4())),
            )
        # What every station may read: scores by pseudonym, from every site.
        rows = conn.execute("SELECT player, site FROM liike.leaderboard_scores ORDER BY player").fetchall()
    assert [r[0] for r in rows] == ["fox", "fox"] and len({r[1] for r in rows}) == 2

    # The copy of hall A's store synced by hall B: refused, and left in its outbox.
    result = sync_store(stolen, _server(b_url))
    assert (result.sessions, result.refused, result.pending) == (0, 1, 1)
    assert server_db.count("sessions") == 2


def test_two_syncs_of_one_store_at_once_write_each_row_once(tmp_path: Path, server_db: ServerDb) -> None:
    # The game's background forwarding and `liike sessions sync` run at the same time.
    url = server_db.site("hall_a")
    db = tmp_path / "a.sqlite"
    record_sessions(db, str(uuid.uuid4()), 4)
    results: list[SyncResult] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            results.append(sync_store(db, _server(url)))
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(results) == 2
    local = local_counts(db)
    total = 4 + sum(local[t] for t in TABLES)
    assert sum(r.rows for r in results) == total  # every row written by exactly one of them
    assert all(r.pending == 0 for r in results)
    for table in TABLES:
        assert server_db.count(table) == local[table], table
