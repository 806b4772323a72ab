"""A real PostgreSQL cluster for the sync tests, started once per test run (about 2 s) and
stopped afterwards (see ``pg_cluster.py``), and a fresh migrated database for each test.

Without the server binaries the tests fail, not skip (they are part of ``make test``), saying
what to install.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator

import pytest

from tests.game.sessions.sync.pg_cluster import Cluster, NoPostgres, ServerDb, bindir, new_database, running_cluster


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    try:
        bindir()
    except NoPostgres as exc:
        pytest.fail(str(exc))
    with running_cluster() as cluster:
        yield cluster


_COUNTER = itertools.count(1)


@pytest.fixture
def server_db(pg_cluster: Cluster) -> Iterator[ServerDb]:
    db = new_database(pg_cluster, f"t{os.getpid()}_{next(_COUNTER)}")
    try:
        yield db
    finally:
        db.drop()
