"""The test cluster and a test database as the sync tests see them (made by ``conftest.py``)."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import psycopg


@dataclasses.dataclass
class Cluster:
    """A running server: ``socket_dir`` and ``port``; the superuser ``liike_admin`` logs in over the
    socket without a password, site roles over TCP with theirs (scram-sha-256)."""

    socket_dir: Path
    port: int

    def admin_url(self, dbname: str = "postgres") -> str:
        return f"postgresql://liike_admin@/{dbname}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, role: str, password: str, dbname: str, port: int | None = None) -> str:
        return f"postgresql://{role}:{password}@127.0.0.1:{port or self.port}/{dbname}?sslmode=disable"


@dataclasses.dataclass
class ServerDb:
    """One fresh database on the cluster, migrated; ``site(name)`` makes a station role for a site
    and returns its TCP URL (password inside, as a station's configuration would hold it)."""

    cluster: Cluster
    name: str
    roles: list[str]

    @property
    def admin_url(self) -> str:
        return self.cluster.admin_url(self.name)

    def site(self, name: str, password: str = "s3cret-pw") -> str:
        role = f"{name}_{self.name}"
        with psycopg.connect(self.cluster.admin_url(), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {role} LOGIN PASSWORD '{password}' IN ROLE liike_station".encode())
        self.roles.append(role)
        return self.cluster.tcp_url(role, password, self.name)

    def count(self, table: str) -> int:
        with psycopg.connect(self.admin_url) as conn:
            row = conn.execute(f"SELECT count(*) FROM liike.{table}".encode()).fetchone()
        assert row is not None
        return int(row[0])
