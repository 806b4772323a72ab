"""The command-line contract for target punch: ``liike play --headless --input sim --mode punch
--seconds N --db FILE`` exits 0 and ends its output with the run's JSON line; two simulated
players with ``--players 2``; a level and a player count that do not match are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
CONTRACT = ("session_id", "mode", "frames", "fps", "frame_ms_p99", "score", "samples")


def liike(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, timeout=180, env=ENV)


@pytest.mark.parametrize("players", [[], ["--players", "2"]])
def test_play_headless_with_the_simulated_player_keeps_the_json_contract(tmp_path: Path, players: list[str]) -> None:
    db = tmp_path / "s.sqlite"
    out = liike("play", "--headless", "--input", "sim", "--mode", "punch", "--seconds", "12", "--db", str(db), *players)
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert all(key in result for key in CONTRACT)
    assert result["mode"] == "punch" and result["frames"] > 0 and isinstance(result["score"], int)
    assert isinstance(result["session_id"], int) and result["samples"]["pose"] > 0
    assert db.exists()


def test_a_level_for_two_is_not_played_by_one(tmp_path: Path) -> None:
    out = liike("play", "--headless", "--mode", "punch", "--level", "duo", "--players", "1", "--db", str(tmp_path / "s.sqlite"))
    assert out.returncode == 2 and "is for 2 player(s), not --players 1" in out.stderr
    out = liike("play", "--headless", "--mode", "runner", "--players", "2", "--db", str(tmp_path / "s.sqlite"))
    assert out.returncode == 2 and "no level is made for 2 players" in out.stderr
