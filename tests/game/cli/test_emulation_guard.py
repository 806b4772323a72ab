"""Without the test extras, the hidden emulation flags say what to install instead of a traceback."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from game.cli import main


@pytest.fixture
def no_emulation(monkeypatch: pytest.MonkeyPatch) -> None:
    # As on an installation without bumble: importing the emulated room fails.
    for name in [m for m in sys.modules if m == "liike_emulation" or m.startswith("liike_emulation.")]:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setitem(sys.modules, "liike_emulation.room", None)


@pytest.mark.parametrize(
    "argv",
    [
        ["play", "--emulate-ble", "--input", "ble", "--headless", "--seconds", "1"],
        ["class", "--emulate-ble", "--headless", "--seconds", "1"],
        ["sensors", "scan", "--emulate", "--seconds", "1"],
    ],
)
def test_emulation_flags_need_the_test_extras(
    argv: list[str], no_emulation: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    extra = ["--db", str(tmp_path / "s.sqlite")] if argv[0] in ("play", "class") else []
    assert main(argv + extra) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("liike: ") and "test extras" in err[0] and "pip install" in err[0]
