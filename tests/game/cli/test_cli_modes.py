"""``liike modes``: every registered mode with its movements and sensors."""

from __future__ import annotations

import json

import pytest

from game.cli import main
from game.engine.modes import registered_modes


def test_modes_json_lists_every_registered_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["modes", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows] == [m.name for m in registered_modes()]
    assert "runner" in [r["name"] for r in rows]
    for row in rows:
        assert set(row) == {"name", "title", "movements", "sensors"}
        assert row["title"] and row["movements"] and row["sensors"]
        assert all(isinstance(x, str) for x in row["movements"] + row["sensors"])


def test_modes_text_names_each_mode_with_its_movements(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["modes"]) == 0
    out = capsys.readouterr().out
    for mode in registered_modes():
        assert mode.name in out and mode.title in out
        assert ", ".join(mode.movements) in out
