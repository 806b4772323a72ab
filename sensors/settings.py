"""Every ``LIIKE_*`` environment setting, read here and nowhere else.

An installation is configured by files (the allow-list, levels) and, for operators and tests,
by these variables; each accessor returns None when its variable is unset or blank, so the
caller falls back to its default.

``LIIKE_SENSORS_FILE``
    the Bluetooth allow-list file (default: ``sensors.yaml`` in the user configuration folder).
``LIIKE_MODELS_DIR``
    a folder of pose model bundles used instead of the shipped ones.
``LIIKE_LEVELS_DIR``
    a folder of levels, one sub-folder per game mode, used instead of the shipped ones.
``LIIKE_TEST_DATA``
    where the tests keep the real recordings they fetch (``tools/test_data.py``).
``LIIKE_FUZZ_EXAMPLES``
    how many examples each fuzz test runs (``make fuzz``; unset: the few ``make test`` runs).
``LIIKE_INSTALLATION_FILE``
    the file holding this station's installation id (default: ``installation_id`` in the user
    configuration folder).
``LIIKE_DATABASE_URL``
    the shared PostgreSQL server finished sessions are forwarded to (a libpq URL; see
    ``game.sessions.sync``); it may hold a password, so it is never printed.
"""

from __future__ import annotations

import os
from pathlib import Path

SENSORS_FILE_ENV = "LIIKE_SENSORS_FILE"
MODELS_DIR_ENV = "LIIKE_MODELS_DIR"
LEVELS_DIR_ENV = "LIIKE_LEVELS_DIR"
FETCHED_DATA_ENV = "LIIKE_TEST_DATA"
FUZZ_EXAMPLES_ENV = "LIIKE_FUZZ_EXAMPLES"
INSTALLATION_FILE_ENV = "LIIKE_INSTALLATION_FILE"
DATABASE_URL_ENV = "LIIKE_DATABASE_URL"


def _path(name: str) -> Path | None:
    value = os.environ.get(name, "")
    return Path(value).expanduser() if value.strip() else None


def sensors_file_override() -> Path | None:
    return _path(SENSORS_FILE_ENV)


def models_dir_override() -> Path | None:
    return _path(MODELS_DIR_ENV)


def levels_dir_override() -> Path | None:
    return _path(LEVELS_DIR_ENV)


def fetched_data_dir_override() -> Path | None:
    return _path(FETCHED_DATA_ENV)


def installation_file_override() -> Path | None:
    return _path(INSTALLATION_FILE_ENV)


def database_url_override() -> str | None:
    """The server URL from ``LIIKE_DATABASE_URL``, stripped, or None when unset or blank."""
    value = os.environ.get(DATABASE_URL_ENV, "").strip()
    return value or None


def fuzz_examples() -> int | None:
    """The number of examples per fuzz test, or None when unset, blank or not a positive integer."""
    value = os.environ.get(FUZZ_EXAMPLES_ENV, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else None
