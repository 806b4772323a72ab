"""A throwaway PostgreSQL cluster (``initdb`` + ``pg_ctl``) in a temporary folder, on a Unix
socket and a loopback port, and a test database on it. Used by the sync tests' fixtures and by
``benchmarks/sync.py``.

PostgreSQL refuses to run as root, and CI runs as root: the server then runs as ``nobody`` via
``runuser``. The superuser ``liike_admin`` logs in over the socket without a password; other
roles over TCP with a password (scram-sha-256).
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

#: What to do when the server binaries are missing.
INSTALL_HINT = "install the PostgreSQL server: `apt-get install postgresql` (Debian/Ubuntu), then run again"


class NoPostgres(Exception):
    """The PostgreSQL server binaries are not installed; the message says what to install."""


def bindir() -> Path:
    """The newest ``/usr/lib/postgresql/N/bin`` (Debian's layout), else the folder of ``initdb`` on PATH."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise NoPostgres(f"no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql or on PATH: {INSTALL_HINT}")


@dataclasses.dataclass
class Cluster:
    """A running server: ``socket_dir`` and ``port``."""

    socket_dir: Path
    port: int

    def admin_url(self, dbname: str = "postgres") -> str:
        return f"postgresql://liike_admin@/{dbname}?host={self.socket_dir}&port={self.port}"

    def tcp_url(self, role: str, password: str, dbname: str, port: int | None = None) -> str:
        return f"postgresql://{role}:{password}@127.0.0.1:{port or self.port}/{dbname}?sslmode=disable"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def running_cluster(*, durable: bool = False) -> Iterator[Cluster]:
    """Make, start, and at the end stop and delete a cluster. ``durable``: keep ``fsync`` on
    (benchmarks); off, a test run does not wait on the disk. Raises :class:`NoPostgres`."""
    binaries = bindir()
    base = Path(tempfile.mkdtemp(prefix="liike-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    runner = ["runuser", "-u", "nobody", "--"] if os.geteuid() == 0 else []
    if runner:
        nobody = pwd.getpwnam("nobody")
        os.chmod(base, 0o755)
        for path in (base, sock):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
    initdb = [str(binaries / "initdb"), "-D", str(data), "-U", "liike_admin", "-E", "UTF8"]
    initdb += ["--auth-local=trust", "--auth-host=scram-sha-256", *([] if durable else ["--no-sync"])]
    pg_ctl = [*runner, str(binaries / "pg_ctl"), "-D", str(data)]
    try:
        done = subprocess.run([*runner, *initdb], capture_output=True, text=True, env=env, cwd=base)
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed: {done.stdout}{done.stderr}")
        options = f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock}"
        if not durable:
            options += " -c fsync=off -c full_page_writes=off -c synchronous_commit=off"
        done = subprocess.run(
            [*pg_ctl, "-l", str(base / "log"), "-o", options, "-w", "-t", "60", "start"],
            capture_output=True,
            text=True,
            env=env,
            cwd=base,
        )
        if done.returncode != 0:
            log = (base / "log").read_text(errors="replace") if (base / "log").exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {done.stdout}{done.stderr}\n{log}")
        yield Cluster(sock, port)
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "-w", "stop"], capture_output=True, env=env, cwd=base)
        shutil.rmtree(base, ignore_errors=True)


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

    def drop(self) -> None:
        with psycopg.connect(self.cluster.admin_url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {self.name} WITH (FORCE)".encode())
            for role in self.roles:
                with contextlib.suppress(psycopg.Error):
                    conn.execute(f"DROP ROLE IF EXISTS {role}".encode())


def new_database(cluster: Cluster, name: str) -> ServerDb:
    """A new database ``name`` with the Liike schema migrated in."""
    from game.sessions.sync.server_schema import migrate

    with psycopg.connect(cluster.admin_url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
    with psycopg.connect(cluster.admin_url(name), autocommit=True) as conn:
        migrate(conn)
    return ServerDb(cluster, name, [])
