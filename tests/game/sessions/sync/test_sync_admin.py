"""The administrator's commands: migrate a new database (versioned, repeatable), make a site role, status."""

from __future__ import annotations

import io
import uuid
from pathlib import Path

import psycopg
import pytest

from game.sessions.sync.admin import main
from game.sessions.sync.forward import SyncError, sync_store
from game.sessions.sync.server_schema import SERVER_SCHEMA_VERSION
from game.sessions.sync.url import ServerUrl
from tests.game.sessions.sync.pg_cluster import Cluster
from tests.game.sessions.sync.sync_helpers import record_sessions


def test_migrate_a_new_database_add_a_site_and_forward_as_it(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    name = f"admin_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_cluster.admin_url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
    owner = pg_cluster.admin_url(name)
    site = f"hall_{uuid.uuid4().hex[:8]}"
    station = ServerUrl(pg_cluster.tcp_url(site, "pw-from-stdin", name), "--url")
    db = tmp_path / "a.sqlite"
    record_sessions(db, str(uuid.uuid4()), 1)
    try:
        # A site role needs the schema first: the administrator is told to migrate.
        assert main(["--url", owner, "site", site, "--password-stdin"]) == 2
        assert "run `migrate` first" in capsys.readouterr().err

        assert main(["--url", owner, "migrate"]) == 0
        versions = list(range(1, SERVER_SCHEMA_VERSION + 1))
        assert f"applied versions {', '.join(map(str, versions))}" in capsys.readouterr().out
        assert main(["--url", owner, "migrate"]) == 0
        assert "already up to date" in capsys.readouterr().out
        with psycopg.connect(owner) as conn:
            assert conn.execute("SELECT version FROM liike.schema_migrations ORDER BY version").fetchall() == [
                (v,) for v in versions
            ]

        monkeypatch.setattr("sys.stdin", io.StringIO("pw-from-stdin\n"))
        assert main(["--url", owner, "site", site, "--password-stdin"]) == 0
        out = capsys.readouterr().out
        assert f"site role {site} created" in out and "pw-from-stdin" not in out
        assert main(["--url", owner, "site", "Bad-Name"]) == 2

        assert sync_store(db, station).sessions == 1
        assert main(["--url", owner, "status"]) == 0
        assert f"{site}: 1 installations, 1 sessions" in capsys.readouterr().out
    finally:
        with psycopg.connect(pg_cluster.admin_url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())
            conn.execute(f"DROP ROLE IF EXISTS {site}".encode())


def test_a_station_cannot_migrate_an_older_server(tmp_path: Path, pg_cluster: Cluster) -> None:
    name = f"bare_{uuid.uuid4().hex[:8]}"
    role = f"hall_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(pg_cluster.admin_url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
        conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD 'pw'".encode())
        conn.execute(f"REVOKE CREATE ON DATABASE {name} FROM PUBLIC".encode())
    db = tmp_path / "a.sqlite"
    record_sessions(db, str(uuid.uuid4()), 1)
    try:
        with pytest.raises(SyncError, match="administrator runs `python -m game.sessions.sync.admin migrate`"):
            sync_store(db, ServerUrl(pg_cluster.tcp_url(role, "pw", name), "--url"))
    finally:
        with psycopg.connect(pg_cluster.admin_url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())
            conn.execute(f"DROP ROLE IF EXISTS {role}".encode())
