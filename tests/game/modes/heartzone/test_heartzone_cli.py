"""The command-line contract for the heart-zone challenge, through a real subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from game.sessions import SessionStore

ENV = {**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}


def test_play_headless_sim_heartzone(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    args = ["play", "--headless", "--input", "sim", "--mode", "heartzone", "--seconds", "8", "--db", str(db)]
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
