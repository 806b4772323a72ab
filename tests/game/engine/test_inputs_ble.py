"""Choosing Bluetooth inputs: the allow-list decides, an absent list or a broken file never stops play."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from game.engine.config import AppConfig
from game.engine.sources import build_inputs
from sensors.ble import allowlist
from sensors.ble.service import BleSource


@pytest.fixture(autouse=True)
def _no_camera(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("game.engine.sources.camera_present", lambda index=0: False)


def test_ble_without_allowed_sensors_falls_back_to_the_keyboard_and_says_how(tmp_path: Path) -> None:
    setup = build_inputs(AppConfig(input="ble", sensors_file=tmp_path / "none.yaml"))
    assert setup.sources == []
    assert setup.label == "keyboard (no Bluetooth sensors allowed yet)"


def test_allowed_sensors_become_one_bluetooth_source(tmp_path: Path) -> None:
    path = tmp_path / "sensors.yaml"
    allowlist.save(
        [
            allowlist.AllowedSensor("A0:9E:1A:12:34:56", "Strap 7"),
            allowlist.AllowedSensor("A0:9E:1A:12:34:57", "Strap 8", mode="broadcast"),
        ],
        path,
    )
    for mode in ("ble", "auto"):
        setup = build_inputs(AppConfig(input=mode, sensors_file=path))
        assert len(setup.sources) == 1 and isinstance(setup.sources[0], BleSource)
        assert [s.display for s in setup.sources[0].sensors] == ["Strap 7", "Strap 8"]
        assert "Strap 7" in setup.label and setup.label.endswith("keyboard")
    assert build_inputs(AppConfig(input="keyboard", sensors_file=path)).sources == []


def test_a_broken_allow_list_is_reported_and_the_game_goes_on(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "sensors.yaml"
    path.write_text("sensors:\n  - address: nope\n")
    with caplog.at_level(logging.ERROR):
        setup = build_inputs(AppConfig(input="auto", sensors_file=path))
    assert setup.sources == [] and setup.label.startswith("keyboard")
    assert any(f"{path}:2: sensors[0].address" in r.getMessage() for r in caplog.records)
