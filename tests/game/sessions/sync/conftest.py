"""A real PostgreSQL cluster for the sync tests: made with ``initdb`` and started with ``pg_ctl``
once per test run, in a temporary folder, on a Unix socket and a loopback port, and stopped
afterwards.

PostgreSQL refuses to run as root, and CI runs as root: the server then runs as ``nobody`` via
``runuser``. Each test gets a fresh database with the Liike schema migrated in, and the site roles
it asks for. Without the server binaries the tests fail (they are part of ``make test``) with
what to install.
"""

from __future__ import annotations

import contextlib
import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from game.sessions.sync.server_schema import migrate
from tests.game.sessions.sync.pg_cluster import Cluster, ServerDb

_INSTALL = "install the PostgreSQL server: `apt-get install postgresql` (Debian/Ubuntu), then run the tests again"


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    pytest.fail(f"no PostgreSQL server binaries (initdb, pg_ctl) found under /usr/lib/postgresql or on PATH: {_INSTALL}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user() -> list[str]:
    if os.geteuid() != 0:
        return []
    return ["runuser", "-u", "nobody", "--"]


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    bindir = _bindir()
    base = Path(tempfile.mkdtemp(prefix="liike-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    runner = _as_server_user()
    if runner:
        nobody = pwd.getpwnam("nobody")
        os.chmod(base, 0o755)
        for path in (base, sock):
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "TZ": "UTC"}
    subprocess.run(
        [
            *runner,
            str(bindir / "initdb"),
            "-D",
            str(data),
            "-U",
            "liike_admin",
            "--auth-local=trust",
            "--auth-host=scram-sha-256",
            "-E",
            "UTF8",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        env=env,
        cwd=base,
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={sock} -c fsync=off -c full_page_writes=off"
    )
    start = [*runner, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"), "-o", options, "-w", "-t", "60", "start"]
    done = subprocess.run(start, capture_output=True, text=True, env=env, cwd=base)
    if done.returncode != 0:
        log = (base / "log").read_text(errors="replace") if (base / "log").exists() else ""
        pytest.fail(f"pg_ctl start failed: {done.stdout}{done.stderr}\n{log}")
    try:
        yield Cluster(sock, port)
    finally:
        subprocess.run(
            [*runner, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
            capture_output=True,
            env=env,
            cwd=base,
        )
        shutil.rmtree(base, ignore_errors=True)


_COUNTER = itertools.count(1)


@pytest.fixture
def server_db(pg_cluster: Cluster) -> Iterator[ServerDb]:
    name = f"t{os.getpid()}_{next(_COUNTER)}"
    with psycopg.connect(pg_cluster.admin_url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}".encode())
    db = ServerDb(pg_cluster, name, [])
    with psycopg.connect(db.admin_url, autocommit=True) as conn:
        migrate(conn)
    try:
        yield db
    finally:
        with psycopg.connect(pg_cluster.admin_url(), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())
            for role in db.roles:
                with contextlib.suppress(psycopg.Error):
                    conn.execute(f"DROP ROLE IF EXISTS {role}".encode())
