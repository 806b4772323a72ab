"""The class heart-zone challenge: a shared meter filled by pupil-seconds in the level's band."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from game.classroom.board import ClassBoard
from game.classroom.challenge import GOAL_SHARE, ClassChallenge
from game.classroom.screen import ClassScene
from game.cli import main
from game.engine.config import AppConfig
from game.engine.difficulty import IntensityBand
from game.input.mapper import InputFrame
from game.modes.heartzone.level import Phase
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import s_to_ns
from sensors.motion.heart_zones import HeartProfile
from sensors.samples import HeartRateSample

A, B, C = "A0:00:00:00:00:01", "A0:00:00:00:00:02", "A0:00:00:00:00:03"
# rest 60, max 200: 40 % HRR = 116 bpm, 60 % = 144 bpm
PROFILE = HeartProfile(hr_rest_bpm=60, hr_max_bpm=200)


def challenge(*phases: tuple[str, float, tuple[float, float]], started: bool = True) -> ClassChallenge:
    out, t = [], 0.0
    for kind, seconds, band in phases:
        out.append(Phase(kind, t, t + seconds, IntensityBand(*band)))
        t += seconds
    ch = ClassChallenge(name="Test", phases=tuple(out), profile=PROFILE)
    if started:
        ch.start()
    return ch


def class_board(ch: ClassChallenge) -> ClassBoard:
    return ClassBoard([AllowedSensor(A, "Strap 1"), AllowedSensor(B, "Strap 2"), AllowedSensor(C, "Strap 3")], PROFILE, ch)


def run(board: ClassBoard, start_s: float, seconds: float, bpm: dict[str, int], dt: float = 0.1) -> None:
    """``seconds`` of the board, each strap in ``bpm`` notifying once a second."""
    t = start_s
    while t < start_s + seconds - 1e-9:
        if abs(t - round(t)) < 1e-6:
            board.ingest([HeartRateSample(s_to_ns(t), a, v, contact=True) for a, v in bpm.items()])
        t = round(t + dt, 6)
        board.tick(s_to_ns(t), dt)


def test_meter_fills_with_pupil_seconds_in_the_band() -> None:
    ch = challenge(("main", 100, (0.4, 0.6)))
    board = class_board(ch)
    run(board, 0.0, 10.0, {A: 130, B: 100})  # A in the band, B below it, C never worn
    assert ch.pupils == {A, B}  # the strap left in the box is not a pupil
    assert ch.pupil_s_in_band == pytest.approx(10.0, abs=0.11)
    assert ch.goal_s == pytest.approx(2 * 100 * GOAL_SHARE)
    assert ch.fill == pytest.approx(10.0 / (2 * 100 * GOAL_SHARE), abs=0.002)
    tiles = {t.label: t for t in board.tiles(s_to_ns(10))}
    assert tiles["Strap 1"].in_band and not tiles["Strap 2"].in_band and not tiles["Strap 3"].in_band
    summary = board.summary()["challenge"]
    assert summary["pupils"] == 2 and summary["level"] == "Test" and summary["goal_share"] == GOAL_SHARE


def test_nothing_counts_before_the_teacher_starts() -> None:
    ch = challenge(("main", 100, (0.4, 0.6)), started=False)
    board = class_board(ch)
    run(board, 0.0, 10.0, {A: 130, B: 100})
    # The tiles already show who is in the band, but the clock and the meter wait.
    assert {t.label for t in board.tiles(s_to_ns(10)) if t.in_band} == {"Strap 1"}
    assert ch.elapsed_s == 0 and ch.pupil_s_in_band == 0 and not ch.pupils
    ch.start()
    run(board, 10.0, 10.0, {A: 130, B: 100})
    assert ch.elapsed_s == pytest.approx(10.0) and ch.pupil_s_in_band == pytest.approx(10.0, abs=0.11)
    assert board.summary()["challenge"]["started"] is True


def test_enter_starts_the_challenge_on_the_board() -> None:
    ch = challenge(("main", 100, (0.4, 0.6)), started=False)
    ctx = cast(Any, SimpleNamespace(clock=lambda: s_to_ns(1), config=AppConfig(headless=False)))
    scene = ClassScene(ctx, class_board(ch))
    scene.update(InputFrame(), 0.1)
    assert not ch.started
    scene.update(InputFrame(pressed=frozenset({"start"})), 0.1)
    assert ch.started
    unattended = challenge(("main", 100, (0.4, 0.6)), started=False)
    ctx.config = AppConfig(headless=True)
    ClassScene(ctx, class_board(unattended)).update(InputFrame(), 0.1)
    assert unattended.started  # no one to press Enter: it starts at once


def test_quiet_straps_add_nothing_and_the_band_follows_the_phase() -> None:
    ch = challenge(("warm_up", 20, (0.2, 0.3)), ("main", 20, (0.5, 0.7)))
    board = class_board(ch)
    run(board, 0.0, 10.0, {A: 95})  # 25 % HRR: in the warm-up band
    assert ch.pupil_s_in_band == pytest.approx(10.0, abs=0.11)
    # The strap falls quiet: HR_FRESH_S (5 s) after its last reading (at 9 s) it no longer counts.
    for i in range(100):
        board.tick(s_to_ns(10 + (i + 1) * 0.1), 0.1)
    assert ch.pupil_s_in_band == pytest.approx(14.0, abs=0.3)
    assert ch.phase.kind == "main"
    run(board, 20.0, 10.0, {A: 95})  # the same heart rate is below the main band
    assert ch.pupil_s_in_band == pytest.approx(14.0, abs=0.3)
    run(board, 30.0, 10.0, {A: 140})  # 57 % HRR: in the main band
    assert ch.pupil_s_in_band == pytest.approx(24.0, abs=0.3)
    assert ch.finished
    run(board, 40.0, 10.0, {A: 140})  # nothing after the end
    assert ch.pupil_s_in_band == pytest.approx(24.0, abs=0.3)
    assert ch.elapsed_s == pytest.approx(40.0)


def test_meter_stops_at_full() -> None:
    ch = challenge(("main", 20, (0.4, 0.6)))
    board = class_board(ch)
    run(board, 0.0, 20.0, {A: 130, B: 130, C: 130})
    assert ch.fill == 1.0
    assert ch.pupil_s_in_band <= ch.goal_s + 3 * 0.1 + 1e-9


def test_class_command_with_a_challenge(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("bumble")
    import pygame

    # Closed (as by the window's close button) once ten pupils have been read and the meter has
    # begun to fill, however long a busy machine takes; --seconds is only the backstop.
    tick = ClassBoard.tick

    def tick_then_close(self: ClassBoard, now_ns: int, dt_s: float) -> None:
        tick(self, now_ns, dt_s)
        ch = self.challenge
        if ch is not None and len(ch.pupils) >= 10 and ch.pupil_s_in_band > 6:
            pygame.event.post(pygame.event.Event(pygame.QUIT))

    monkeypatch.setattr(ClassBoard, "tick", tick_then_close)
    shot = tmp_path / "meter.png"
    args = ["class", "--emulate-ble", "--headless", "--seconds", "60", "--sensors", str(tmp_path / "none.yaml")]
    args += ["--db", str(tmp_path / "s.sqlite")]
    code = main([*args, "--challenge", "short", "--screenshot", str(shot)])
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out.splitlines()[-1])
    meter = summary["challenge"]
    assert meter["level"] == "Short zone" and meter["level_s"] == 180.0
    assert meter["pupils"] >= 10 and meter["pupil_s_in_band"] > 5, meter
    assert 0 < meter["fill"] < 1, meter
    assert shot.stat().st_size > 10_000


def test_class_command_names_a_bad_challenge(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "heartzone" / "bad.yaml"
    bad.parent.mkdir()
    bad.write_text("schema: 1\nname: x\nmode: heartzone\ndifficulty: 1\nphases: []\n")
    assert main(["class", "--headless", "--seconds", "1", "--challenge", str(bad)]) == 2
    assert f"--challenge: {bad}:5: phases: needs at least one phase" in capsys.readouterr().err
    assert main(["class", "--headless", "--seconds", "1", "--challenge", "no-such-level"]) == 2
    assert "no-such-level" in capsys.readouterr().err


def test_each_pupil_is_in_the_band_by_their_own_heart_rate_reserve() -> None:
    from game.classroom.roster import Pupil

    ch = challenge(("main", 100, (0.4, 0.6)))
    # 130 bpm: 50 % HRR by the class profile (rest 60, max 200); 25 % for a pupil resting at 110
    pupils = {A: Pupil("fox", A, rest_bpm=110.0)}
    board = ClassBoard([AllowedSensor(A, "Strap 1"), AllowedSensor(B, "Strap 2")], PROFILE, ch, pupils)
    run(board, 0.0, 5.0, {A: 130, B: 130})
    assert ch.in_band_now == {B}
