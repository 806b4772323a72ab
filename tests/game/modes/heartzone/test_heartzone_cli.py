"""The command-line contract for the heart-zone challenge, through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pygame
import pytest

from game.cli import main
from game.sessions import SessionStore

ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}


def test_play_headless_sim_heartzone(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    args = ["play", "--headless", "--input", "sim", "--mode", "heartzone", "--seconds", "12", "--db", str(db)]
    out = subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, timeout=180, env=ENV)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for key in ("session_id", "mode", "frames", "fps", "frame_ms_p99", "score", "samples"):
        assert key in result, key
    assert result["mode"] == "heartzone"
    assert isinstance(result["score"], int) and result["frames"] > 0
    assert result["samples"]["hr"] > 0  # the simulated player wears a strap
    with SessionStore(db, read_only=True) as store:
        session = store.get_session(result["session_id"])
    assert session is not None and session["mode"] == "heartzone"


def test_keyboard_alone_reaches_the_strap_screen_and_quits_from_the_menu(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Pressed as a player would: Enter on the menu and the calibration; the game says a strap is
    needed; Enter goes back to the menu, and Esc there quits, long before --seconds."""
    from game.engine import app as app_module

    db = tmp_path / "s.sqlite"
    original = app_module.App.handle_events
    seen: list[str] = []

    def press(key: int) -> None:
        for kind in (pygame.KEYDOWN, pygame.KEYUP):
            pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))

    def handle_events(self: app_module.App) -> None:
        top = self.stack[-1]
        name = type(top).__name__
        if not seen or seen[-1] != name:
            seen.append(name)
        if top.time_s > 1.0 and int(top.time_s * 60) % 10 == 0:
            if name == "HeartZoneScene" and getattr(top, "state", None) == "no_strap":
                seen.append("no_strap")
                press(pygame.K_RETURN)
            elif name == "MenuScene":
                press(pygame.K_ESCAPE if "no_strap" in seen else pygame.K_RETURN)
            elif name == "CalibrateScene":
                press(pygame.K_RETURN)
        original(self)

    monkeypatch.setattr(app_module.App, "handle_events", handle_events)
    code = main(["play", "--mode", "heartzone", "--input", "keyboard", "--headless", "--seconds", "120", "--db", str(db)])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["mode"] == "heartzone" and result["completed"] is False and result["score"] == 0
    assert result["seconds"] < 100, "quit from the menu, not stopped by --seconds"
    assert "no_strap" in seen and seen[-1] == "MenuScene", seen
    with SessionStore(db, read_only=True) as store:
        session = store.get_session(result["session_id"])
    assert session is not None and session["summary"]["reason"] == "no heart rate"
    assert session["summary"]["seconds_in_zone"] == 0
