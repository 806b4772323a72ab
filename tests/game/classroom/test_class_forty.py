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


@pytest.mark.parametrize("n", [4, 24, 40])
def test_short_aliases_are_drawn_larger_and_every_top_row_fits_its_tile(n: int) -> None:
    import pygame

    from game.classroom.screen import MINUTES_WIDEST, row_sizes
    from game.render.text import TextCache

    pygame.font.init()
    text = TextCache()
    cols, rows = grid(n, 1920, 1080)
    w, h = 1920 // cols, 1080 // rows
    f = tile_fonts(w, h)
    numbers = tuple(str(i + 1) for i in range(n))
    labels = tuple(f"Strap {i + 1}" for i in range(n))
    for aliases in (numbers, labels, ("Strap 1", "a nickname too long for any tile")):
        alias, minutes = row_sizes(aliases, w, h, text)
        assert f.label <= alias <= f.label_max and f.small <= minutes <= alias
        # the heart rate keeps its size: the alias grows only into the height the bpm leaves
        assert alias + f.bpm + round(f.small * 1.3) <= h - 2 * f.pad - 8
        fitting = [a for a in aliases if len(a) < 20]
        widest = max(text.font(alias, bold=True).size(a)[0] for a in fitting)
        if alias > f.label:
            assert widest + f.small + text.font(minutes, bold=True).size(MINUTES_WIDEST)[0] <= w - 2 * f.pad - 8
    assert row_sizes(numbers, w, h, text)[0] >= row_sizes(labels, w, h, text)[0]
    if n == 40:  # 1920x1080: numbers a half larger than the guaranteed size
        assert row_sizes(numbers, w, h, text)[0] >= 1.4 * f.label


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
