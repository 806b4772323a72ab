"""The app's shared keys and pictures: M mutes on every screen, --screenshots saves the screen at
each scene change and every few seconds, and play's flags for language, volume and the body."""

from __future__ import annotations

import json
from pathlib import Path

import pygame
import pytest

from game import i18n
from game.audio import Sound
from game.cli import main
from game.cli.play import bounded, volume_percent
from game.engine.app import SCREENSHOT_EVERY_S, App, Screenshots
from game.engine.config import AppConfig
from game.engine.run import build_context
from game.levels import list_levels
from game.modes.runner import MODE as RUNNER
from game.scenes.menu import MenuScene
from sensors.bus import SensorBus


def test_m_toggles_the_sound_on_any_screen(tmp_path: Path) -> None:
    pygame.display.init()
    pygame.display.set_mode((320, 180))
    try:
        levels, _ = list_levels(RUNNER.name)
        ctx = build_context(AppConfig(input="keyboard", db=tmp_path / "s.sqlite"), RUNNER, levels, sound=Sound.silent())
        app = App(ctx, MenuScene(ctx), SensorBus())
        assert not ctx.sound.muted
        for kind in (pygame.KEYDOWN, pygame.KEYUP):
            pygame.event.post(pygame.event.Event(kind, key=pygame.K_m, mod=0, unicode="m", scancode=0))
        app.handle_events()
        assert ctx.sound.muted
        pygame.event.post(pygame.event.Event(pygame.KEYDOWN, key=pygame.K_m, mod=0, unicode="m", scancode=0))
        app.handle_events()
        assert not ctx.sound.muted
    finally:
        pygame.quit()


def test_screenshots_at_each_scene_change_and_every_few_seconds(tmp_path: Path) -> None:
    shots = Screenshots(tmp_path / "shots")
    screen = pygame.Surface((64, 36))
    t = 0.0
    for scene, frames in (("MenuScene", 30), ("PlayScene", 20)):
        for _ in range(frames):
            shots.maybe_save(screen, scene, t)
            t += 0.01
    # One of each scene once it has drawn a few frames.
    assert [p.name.split("-")[-1] for p in shots.saved] == ["MenuScene.png", "PlayScene.png"]
    for _ in range(round(SCREENSHOT_EVERY_S / 0.05) + 2):
        shots.maybe_save(screen, "PlayScene", t)
        t += 0.05
    assert len(shots.saved) == 3 and all(p.is_file() for p in shots.saved)


def test_volume_and_body_arguments_are_checked() -> None:
    import argparse

    assert volume_percent("0") == 0 and volume_percent("100") == 100
    for bad in ("101", "-1", "loud", "7.5"):
        with pytest.raises(argparse.ArgumentTypeError):
            volume_percent(bad)
    age = bounded(5, 100, "years")
    assert age("14") == 14.0
    with pytest.raises(argparse.ArgumentTypeError, match="must be 5 to 100 years, got 140"):
        age("140")
    with pytest.raises(argparse.ArgumentTypeError, match="must be a number of years"):
        age("old")


def test_play_in_finnish_with_a_body_and_a_volume(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    args = ["play", "--headless", "--input", "sim", "--mode", "runner", "--level", "meadow", "--seconds", "3"]
    args += ["--db", str(db), "--lang", "fi", "--volume", "0", "--age", "14", "--weight", "50", "--sex", "female"]
    args += ["--screenshots", str(tmp_path / "shots")]
    try:
        assert main(args) == 0
    finally:
        i18n.set_language("en")
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["mode"] == "runner" and result["level"] == "Meadow"
    assert list((tmp_path / "shots").glob("*MenuScene.png"))


def test_a_bad_language_or_volume_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "--headless", "--lang", "de", "--db", str(tmp_path / "s.sqlite")]) == 2
    assert "invalid choice: 'de'" in capsys.readouterr().err
    assert main(["play", "--headless", "--volume", "120", "--db", str(tmp_path / "s.sqlite")]) == 2
    assert "must be 0..100, got 120" in capsys.readouterr().err


def test_unattended_starts_without_a_key_except_on_the_keyboard() -> None:
    assert AppConfig(input="sim").autoplay
    assert AppConfig(input="ble", headless=True).autoplay  # nobody at a screen: it starts by itself
    assert AppConfig(input="auto", headless=True).autoplay
    assert not AppConfig(input="ble").autoplay  # someone at the screen chooses
    assert not AppConfig(input="keyboard", headless=True).autoplay  # driven by posted keys


@pytest.mark.slow
def test_headless_play_with_a_strap_records_a_session_unattended(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``liike play --headless --input ble`` with nobody at the keys: the level starts by itself
    and the strap's heart rates land in the stored session (before, it waited on its menu)."""
    from game.sessions import SessionStore

    db = tmp_path / "s.sqlite"
    args = ["play", "--headless", "--input", "ble", "--emulate", "--mode", "runner", "--seconds", "25"]
    assert main([*args, "--db", str(db), "--sensors", str(tmp_path / "none.yaml")]) == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["mode"] == "runner" and result["session_id"] is not None, result
    with SessionStore(db, read_only=True) as store:
        hr = list(store.iter_samples(result["session_id"], "hr"))
    assert len(hr) >= 5, f"{len(hr)} heart rates stored"
