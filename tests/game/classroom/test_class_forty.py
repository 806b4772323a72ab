"""Forty straps on one screen: broadcasts (Polar, Mi Band) and connections over two adapters,
read headless with the roster's aliases; the layout's sizes from 4 to 40 tiles at 1080p."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from game.classroom.board import ClassBoard
from game.classroom.screen import grid, tile_fonts
from game.cli import main
from sensors.samples import BusItem


@pytest.mark.parametrize("n", [4, 8, 12, 16, 20, 24, 30, 36, 40])
def test_every_class_size_fits_1080p_with_a_heart_rate_readable_across_a_hall(n: int) -> None:
    cols, rows = grid(n, 1920, 1080)
    assert cols * rows >= n and cols * rows - n < cols  # no empty row
    f = tile_fonts(1920 // cols, 1080 // rows)
    assert f.bpm >= 100  # px; 40 tiles: about 75 mm on a 2 m wide picture
    assert f.label >= 28 and f.small >= 16
    assert f.bpm * 1.9 <= 1920 // cols  # three digits fit the tile's width


def test_forty_straps_broadcast_and_connected_are_read_and_shown_by_alias(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("bumble")
    import pygame

    from liike_emulation.room import mixed_class_sensors
    from sensors.ble import allowlist

    sensors = mixed_class_sensors(40)
    assert {s.adapter for s in sensors if s.mode == "connect"} == {"hci0", "hci1"}
    sensors_file = tmp_path / "sensors.yaml"
    allowlist.save(sensors, sensors_file)
    roster_csv = tmp_path / "class.csv"
    roster_csv.write_text("alias,strap\n" + "".join(f"p{i + 1},{s.label}\n" for i, s in enumerate(sensors)), encoding="utf-8")
    assert main(["class", "roster", "import", str(roster_csv), "--sensors", str(sensors_file)]) == 0
    capsys.readouterr()

    # Closed (as by the window's close button) once every strap was heard, however long a busy
    # machine takes; --seconds is only the backstop.
    ingest = ClassBoard.ingest

    def ingest_then_close_when_all_heard(self: ClassBoard, items: Iterable[BusItem]) -> None:
        ingest(self, items)
        if all(s.heart.n >= 1 for s in self.straps.values()):
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    monkeypatch.setattr(ClassBoard, "ingest", ingest_then_close_when_all_heard)
    db = str(tmp_path / "s.sqlite")
    code = main(["class", "--emulate-class", "40", "--headless", "--seconds", "120", "--sensors", str(sensors_file), "--db", db])
    assert code == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    straps = summary["straps"]
    assert [s["label"] for s in straps] == [f"p{i + 1}" for i in range(40)]
    assert all(s["readings"] >= 1 for s in straps)  # 10 connected, 5 Mi Bands, 25 Polar broadcasts
    assert len(summary["sessions"]) == 40  # one stored session per strap
