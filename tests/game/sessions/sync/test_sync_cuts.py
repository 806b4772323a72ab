"""The connection lost in the middle of a sync: nothing lost, nothing doubled, the next sync completes."""

from __future__ import annotations

import sqlite3
import uuid
from pathlib import Path

import psycopg
import pytest

from game.sessions.sync.forward import ServerUnavailable, sync_store
from game.sessions.sync.url import ServerUrl
from tests.game.sessions.sync.pg_cluster import ServerDb
from tests.game.sessions.sync.sync_helpers import TABLES, local_counts, record_sessions
from tests.game.sessions.sync.tcp_proxy import CuttingProxy


def _marked(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT count(*) FROM sync_sent").fetchone()[0])
    finally:
        conn.close()


def _server_sessions(server_db: ServerDb, inst: str) -> int:
    with psycopg.connect(server_db.admin_url) as conn:
        row = conn.execute("SELECT count(*) FROM liike.sessions WHERE installation_id = %s", (inst,)).fetchone()
    assert row is not None
    return int(row[0])


def test_a_connection_cut_by_the_network_mid_sync_loses_and_doubles_nothing(tmp_path: Path, server_db: ServerDb) -> None:
    url = server_db.site("hall_a")
    proxy = CuttingProxy(server_db.cluster.port)
    try:
        via_proxy = ServerUrl(url.replace(f":{server_db.cluster.port}/", f":{proxy.port}/"), "--url")
        # A store of the same shape, forwarded whole, tells how many bytes a sync sends.
        ruler, db = tmp_path / "ruler.sqlite", tmp_path / "a.sqlite"
        record_sessions(ruler, str(uuid.uuid4()), 4)
        inst = str(uuid.uuid4())
        record_sessions(db, inst, 4)
        before = proxy.sent
        sync_store(ruler, via_proxy)
        whole = proxy.sent - before

        proxy.cut_after = proxy.sent + whole * 6 // 10  # in the third session
        with pytest.raises(ServerUnavailable, match="lost after 2 sessions"):
            sync_store(db, via_proxy)
        assert proxy.cuts == 1
        committed = _server_sessions(server_db, inst)
        assert committed == _marked(db) == 2

        again = sync_store(db, via_proxy)
        assert (again.sessions, again.already_there, again.pending) == (2, 0, 0)
        assert _server_sessions(server_db, inst) == 4
        local = local_counts(db)
        ruler_counts = local_counts(ruler)
        for table in TABLES:
            assert server_db.count(table) == local[table] + ruler_counts[table], table
    finally:
        proxy.close()


def test_a_backend_terminated_mid_session_rolls_it_back_and_the_next_sync_sends_it(tmp_path: Path, server_db: ServerDb) -> None:
    url = server_db.site("hall_a")
    role = url.split("//", 1)[1].split(":", 1)[0]
    db = tmp_path / "a.sqlite"
    inst = str(uuid.uuid4())
    ids = record_sessions(db, inst, 3)

    def terminate(session_id: int, table: str) -> None:
        if session_id == ids[1] and table == "imu":
            with psycopg.connect(server_db.admin_url, autocommit=True) as admin:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (role,))

    with pytest.raises(ServerUnavailable, match="lost after 1 sessions"):
        sync_store(db, ServerUrl(url, "--url"), progress=terminate)
    assert _server_sessions(server_db, inst) == 1 and _marked(db) == 1
    assert server_db.count("hr") == local_counts(db)["hr"] // 3  # the second session's rows rolled back with it

    again = sync_store(db, ServerUrl(url, "--url"))
    assert (again.sessions, again.already_there, again.pending) == (2, 0, 0)
    local = local_counts(db)
    for table in TABLES:
        assert server_db.count(table) == local[table], table
