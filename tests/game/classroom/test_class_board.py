"""The class heart-rate board: bands, time in band only while current, notes, and the command."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path

import pytest

from game.classroom.board import ClassBoard
from game.classroom.screen import grid
from game.cli import main
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import s_to_ns
from sensors.motion.heart_zones import HeartProfile, Intensity
from sensors.samples import BusItem, DeviceState, DeviceStatus, HeartRateSample

A, B, C = "A0:00:00:00:00:01", "A0:00:00:00:00:02", "A0:00:00:00:00:03"


def board() -> ClassBoard:
    # rest 60, max 200: 40 % HRR = 116 bpm, 60 % = 144 bpm
    return ClassBoard(
        [AllowedSensor(A, "Strap 1"), AllowedSensor(B, "Strap 2"), AllowedSensor(C)], HeartProfile(hr_rest_bpm=60, hr_max_bpm=200)
    )


def test_bands_time_in_band_and_notes() -> None:
    b = board()
    b.ingest(
        [
            HeartRateSample(s_to_ns(1), A, 150, contact=True, broadcast=True),
            HeartRateSample(s_to_ns(1), B, 120, contact=False),
            HeartRateSample(s_to_ns(1), "A0:00:00:00:00:99", 180),  # not on the list: ignored
            DeviceStatus(s_to_ns(1), C, "ble", DeviceState.DISCONNECTED, "C: The sensor did not answer: wear it"),
        ]
    )
    for t in range(2, 62):
        b.tick(s_to_ns(1 + (t - 1) * 0.1), 0.1)  # 6 s while A is current
    tiles = {t.label: t for t in b.tiles(s_to_ns(2))}
    a = tiles["Strap 1"]
    assert (a.bpm, a.band, a.pct_max, a.note, a.problem) == (150, Intensity.VIGOROUS, 75, "broadcast", False)
    two = tiles["Strap 2"]
    assert two.bpm is None and two.band is None and two.note.startswith("no contact") and two.problem
    three = tiles[C]
    assert three.bpm is None and "did not answer" in three.note and three.problem
    summary = b.summary()
    strap1 = summary["straps"][0]
    # current only until 5 s after the reading at 1 s: 5 s of the 6 s ticked, all vigorous
    assert strap1["minutes_in"]["vigorous"] == pytest.approx(5 / 60, abs=0.2 / 60)
    assert strap1["mvpa_min"] == strap1["minutes_in"]["vigorous"]
    assert summary["straps"][1]["readings"] == 0 and summary["straps"][1]["mvpa_min"] == 0
    assert "quiet" in b.tiles(s_to_ns(20))[0].note


def test_grid_fits_a_class_on_one_screen() -> None:
    assert grid(1, 1280, 720) == (1, 1)
    cols, rows = grid(30, 1280, 720)
    assert cols * rows >= 30 and cols >= rows
    assert grid(0, 100, 100) == (1, 1)


def test_class_command_reads_a_room_of_broadcasting_straps(
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    pytest.importorskip("bumble")
    import pygame

    # The board is closed (as by the window's close button) once it has heard 20 straps, however
    # long a busy machine takes to get there; --seconds is only the backstop.
    ingest = ClassBoard.ingest

    def ingest_then_close_when_heard(self: ClassBoard, items: Iterable[BusItem]) -> None:
        ingest(self, items)
        if sum(1 for s in self.summary()["straps"] if s["readings"] >= 1) >= 20:
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    monkeypatch.setattr(ClassBoard, "ingest", ingest_then_close_when_heard)
    shot = tmp_path / "board.png"
    code = main(
        [
            "class",
            "--emulate-ble",
            "--headless",
            "--seconds",
            "60",
            "--sensors",
            str(tmp_path / "none.yaml"),
            "--screenshot",
            str(shot),
            "--db",
            str(tmp_path / "s.sqlite"),
            "--group",
            "7B",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    straps = summary["straps"]
    assert len(straps) == 30  # the emulated class (liike_emulation.room.CLASS_SIZE)
    assert sum(1 for s in straps if s["readings"] >= 1) >= 20  # broadcasts of nearly all
    assert straps[-1]["readings"] == 0  # the unworn strap sends no contact: never counted
    assert summary["hr_max_bpm"] == pytest.approx(208 - 0.7 * 12, abs=0.05)
    assert shot.stat().st_size > 10_000
    # The lesson is stored: one session per strap heard, under its label, naming the lesson.
    from game.sessions.store import SessionStore

    heard = [p for p in summary["pupils"] if p["readings"] >= 1]
    assert summary["lesson_id"] and summary["group"] == "7B" and summary["started_at"] <= summary["ended_at"]
    assert summary["sessions"] == [p["session_id"] for p in heard] and len(heard) >= 20
    assert summary["pupils"][-1]["session_id"] is None  # the unworn strap stores nothing
    assert all("address" not in p for p in summary["pupils"])
    with SessionStore(tmp_path / "s.sqlite", read_only=True) as store:
        rows = {r["id"]: r for r in store.list_sessions()}
        assert set(rows) == set(summary["sessions"])
        first = heard[0]
        row = store.get_session(first["session_id"])
        assert row is not None and row["mode"] == "class" and row["level"] == f"lesson {summary['lesson_id']}"
        assert row["player"] == first["strap"] == first["label"]
        assert row["summary"]["lesson"]["group"] == "7B" and row["summary"]["mvpa_min"] == first["mvpa_min"]
        assert len(list(store.iter_samples(first["session_id"], "hr"))) >= 1


def test_class_command_rejects_a_broken_allow_list(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "sensors.yaml"
    path.write_text("sensors: 3\n")
    assert main(["class", "--headless", "--seconds", "1", "--sensors", str(path)]) == 2
    assert f"{path}:1: sensors: must be a list, got 3" in capsys.readouterr().err


def test_identify_marks_a_strap_just_put_on() -> None:
    b = board()
    b.ingest([HeartRateSample(s_to_ns(1), A, 90, contact=False)])
    assert not any(t.touched for t in b.tiles(s_to_ns(1)))  # lying on the bench
    b.ingest([HeartRateSample(s_to_ns(10), A, 95, contact=True)])  # put on
    tiles = {t.label: t for t in b.tiles(s_to_ns(12))}
    assert tiles["Strap 1"].touched and not tiles["Strap 2"].touched
    b.ingest([HeartRateSample(s_to_ns(13), A, 96, contact=True)])  # still on: no new touch
    assert not b.tiles(s_to_ns(10 + 6.5))[0].touched
