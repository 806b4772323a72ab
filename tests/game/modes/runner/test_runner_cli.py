"""The runner through the command line: ``liike play --headless --input sim --mode runner``
keeps the JSON contract and stores the runner's summary; the keyboard alone plays a short
level from the menu to the results."""

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

#: A short level with a bit of everything, about 3 s apart on target (140 steps/min, 2.3 m/s).
QUICK = """\
schema: 1
name: "Quick"
mode: runner
difficulty: 1
length_m: 50
target_cadence_spm: 140
obstacles:
  - {at_m: 8, type: hurdle}
  - {at_m: 15, type: bar}
  - {at_m: 22, type: arc}
  - {at_m: 29, type: coin}
  - {at_m: 36, type: hurdle}
  - {at_m: 43, type: coin}
"""


@pytest.mark.slow
def test_headless_sim_run_keeps_the_json_contract(tmp_path: Path) -> None:
    db = tmp_path / "sim.sqlite"
    args = ["play", "--headless", "--input", "sim", "--mode", "runner", "--seconds", "15", "--db", str(db)]
    out = subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, timeout=120, env=ENV)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    for key in ("session_id", "mode", "frames", "fps", "frame_ms_p99", "score", "samples"):
        assert key in result, key
    assert result["mode"] == "runner" and result["frames"] > 100 and result["session_id"] is not None
    assert result["samples"]["hr"] > 0 and result["samples"]["pose"] > 0
    with SessionStore(db, read_only=True) as store:
        session = store.get_session(result["session_id"])
    assert session is not None and session["mode"] == "runner"
    summary = session["summary"]
    assert summary["completed"] is False and summary["distance_m"] > 0
    for key in ("obstacles_cleared", "obstacles_missed", "coins", "arc_coins", "best_combo", "mean_cadence_spm", "adaptive"):
        assert key in summary, key


@pytest.mark.slow
def test_the_keyboard_alone_plays_a_level_to_the_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    levels = tmp_path / "levels" / "runner"
    levels.mkdir(parents=True)
    (levels / "quick.yaml").write_text(QUICK, encoding="utf-8")
    monkeypatch.setenv("LIIKE_LEVELS_DIR", str(tmp_path / "levels"))
    db = tmp_path / "k.sqlite"
    from game.engine import app as app_module

    original = app_module.App.handle_events
    state: dict[str, object] = {"frames": 0, "played": False, "down": set()}

    def post(kind: int, key: int) -> None:
        pygame.event.post(pygame.event.Event(kind, key=key, mod=0, unicode="", scancode=0))

    def hold(keys: set[int]) -> None:
        down: set[int] = state["down"]  # type: ignore[assignment]
        for key in down - keys:
            post(pygame.KEYUP, key)
        for key in keys - down:
            post(pygame.KEYDOWN, key)
        state["down"] = set(keys)

    def handle_events(self: app_module.App) -> None:
        state["frames"] = int(state["frames"]) + 1  # type: ignore[call-overload]
        top = self.stack[-1]
        name = type(top).__name__
        if name == "RunnerScene":
            state["played"] = True
            world = top.world  # type: ignore[attr-defined]
            keys = {pygame.K_RIGHT}
            ahead = [s for s in world.level.spots if s.at_m > world.distance_m - 0.3][:1]
            if ahead:
                eta = (ahead[0].at_m - world.distance_m) / max(world.speed_mps, 0.3)
                if ahead[0].kind in ("hurdle", "arc") and eta < 0.27:
                    keys.add(pygame.K_SPACE)
                elif ahead[0].kind == "bar" and eta < 0.6:
                    keys.add(pygame.K_DOWN)
            hold(keys)
        elif int(state["frames"]) % 10 == 0:  # type: ignore[call-overload]
            hold(set())
            key = None
            if name in ("MenuScene", "CalibrateScene"):
                key = pygame.K_ESCAPE if state["played"] and name == "MenuScene" else pygame.K_RETURN
            elif name == "ResultsScene" and top.time_s > 1.0:
                key = pygame.K_RETURN
            if key is not None:
                post(pygame.KEYDOWN, key)
                post(pygame.KEYUP, key)
        original(self)

    monkeypatch.setattr(app_module.App, "handle_events", handle_events)
    code = main(["play", "--mode", "runner", "--input", "keyboard", "--headless", "--seconds", "90", "--db", str(db)])
    assert code == 0
    result = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert result["mode"] == "runner" and result["completed"] is True, result
    with SessionStore(db, read_only=True) as store:
        session = store.get_session(result["session_id"])
    assert session is not None
    summary = session["summary"]
    assert summary["distance_m"] == 50.0
    assert summary["hurdles_cleared"] == 2 and summary["bars_cleared"] == 1, summary
    assert summary["arc_coins"] >= 3 and summary["coins"] == 2, summary
    assert summary["mean_cadence_spm"] is None  # the keyboard measures no cadence
    assert result["score"] == summary["score"]
