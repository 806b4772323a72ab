"""``liike analyze session``: a stored session's streams give what ``analyze imu``, ``rr`` and
``video`` give for the same data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from game.cli import main
from game.cli.common import EXIT_BAD_INPUT, EXIT_OK
from game.sessions import SessionStore
from tests.game.cli.replay_runs import record

#: Every test records a session and replays or analyses it: seconds each.
pytestmark = pytest.mark.slow


@pytest.fixture(autouse=True)
def own_installation(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("LIIKE_INSTALLATION_FILE", str(tmp_path / "installation-id"))  # not the user's


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    assert main(argv) == EXIT_OK
    out: dict[str, Any] = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    return out


def test_session_analysis_matches_the_file_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    sid = record(db, "runner", seconds=5.0)
    got = _json(["analyze", "session", str(sid), "--db", str(db), "--json"], capsys)
    assert got["session_id"] == sid and got["mode"] == "runner"

    with SessionStore(db, read_only=True) as store:
        rr_ms = [1000.0 * r for s in store.iter_samples(sid, "hr") for r in s["rr_s"]]
        batches = list(store.iter_samples(sid, "imu"))
    rr_file = tmp_path / "rr.txt"
    rr_file.write_text("".join(f"{v!r}\n" for v in rr_ms))
    assert got["rr"] == _json(["analyze", "rr", str(rr_file), "--json"], capsys)

    # The simulated strap's batches do not overlap: joined, they are the recording.
    acc = np.concatenate([b["acc_g"] for b in batches])
    imu_file = tmp_path / "imu.csv"
    imu_file.write_text("acc_x,acc_y,acc_z\n" + "".join(",".join(repr(float(v)) for v in row) + "\n" for row in acc))
    rate, placement = batches[0]["rate_hz"], batches[0]["placement"]
    from_file = _json(["analyze", "imu", str(imu_file), "--rate", f"{rate:g}", "--placement", placement, "--json"], capsys)
    (imu,) = got["imu"]
    assert imu["source"] == batches[0]["source"] and imu["gaps"] == 0
    assert {k: v for k, v in imu.items() if k not in ("source", "gaps")} == from_file

    (pose,) = got["pose"]
    video_fields = {"file", "frames", "pose_frames", "fps", "fps_from_file", "duration_s", "width", "height", "model"}
    video_fields |= {"jumping_jacks", "squats", "jumps", "steps", "punches", "arm_swings", "arms_up"}
    assert video_fields <= set(pose)
    assert pose["frames"] == got_samples(db, sid, "pose") and pose["steps"] > 0
    assert pose["fps"] == pytest.approx(30.0, rel=0.02)

    assert main(["analyze", "session", str(sid), "--db", str(db)]) == EXIT_OK
    text = capsys.readouterr().out
    assert "RMSSD" in text and "walking detector" in text and "steps:" in text


def got_samples(db: Path, sid: int, kind: str) -> int:
    with SessionStore(db, read_only=True) as store:
        row = store.get_session(sid)
    assert row is not None
    return int(row["samples"][kind])


def test_session_analysis_refuses_a_missing_session(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "s.sqlite"
    assert main(["analyze", "session", "1", "--db", str(db), "--json"]) == EXIT_BAD_INPUT
    assert "no session store" in capsys.readouterr().err
    record(db, "ski", seconds=3.0)
    assert main(["analyze", "session", "5", "--db", str(db), "--json"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("liike: no session 5") and len(err.splitlines()) == 1
