"""Session tests keep this station's installation id in a temporary file, never the user's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from sensors.settings import INSTALLATION_FILE_ENV


@pytest.fixture(autouse=True)
def installation_file(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path_factory.mktemp("config") / "installation_id"
    monkeypatch.setenv(INSTALLATION_FILE_ENV, str(path))
    return path
