"""Kiosk tests: sessions name their installation in a file of the test's own, never the user's."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _own_installation_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIIKE_INSTALLATION_FILE", str(tmp_path / "installation-id"))
