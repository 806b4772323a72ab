"""``liike pose`` and ``liike models`` through real subprocesses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import cv2
import numpy as np
import pytest

from tools.test_data import DataUnavailable, fetch


def liike(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, timeout=120)


def test_models_lists_and_verifies() -> None:
    out = liike("models", "--json")
    assert out.returncode == 0, out.stderr
    models = json.loads(out.stdout)
    assert [m["name"] for m in models] == ["lite", "full"] and all(m["ok"] for m in models)


@pytest.mark.data
def test_pose_json_on_a_picture_of_a_person() -> None:
    try:
        path = fetch("basketball1.png")
    except DataUnavailable as exc:
        pytest.skip(f"test picture basketball1.png not available offline: {exc}")
    out = liike("pose", str(path), "--json")
    assert out.returncode == 0, out.stderr
    [line] = out.stdout.strip().splitlines()
    frame = json.loads(line)
    assert frame["frame"] == 0 and frame["inference_ms"] > 0
    lm = np.array(frame["landmarks"])
    assert lm.shape == (33, 4)


def test_pose_json_on_a_video_with_empty_frames(tmp_path: Path) -> None:
    clip = tmp_path / "empty.avi"
    writer = cv2.VideoWriter(str(clip), cv2.VideoWriter.fourcc(*"MJPG"), 30.0, (320, 240))
    for _ in range(6):
        writer.write(np.full((240, 320, 3), 90, np.uint8))
    writer.release()
    out = liike("pose", str(clip), "--json", "--model", "full")
    assert out.returncode == 0, out.stderr
    frames = [json.loads(line) for line in out.stdout.strip().splitlines()]
    assert [f["frame"] for f in frames] == list(range(6))
    assert all(f["landmarks"] is None for f in frames)
    assert [f["t_ms"] for f in frames] == sorted(f["t_ms"] for f in frames)


def test_pose_bad_inputs_are_clear(tmp_path: Path) -> None:
    out = liike("pose", str(tmp_path / "missing.png"))
    assert out.returncode == 2 and "missing.png" in out.stderr and "Traceback" not in out.stderr
    out = liike("pose", str(tmp_path / "missing.avi"))
    assert out.returncode == 2 and "missing.avi" in out.stderr and "Traceback" not in out.stderr
    out = liike("pose", str(tmp_path / "x.png"), "--model", str(tmp_path / "nope.task"))
    assert out.returncode == 2 and "nope.task" in out.stderr and "Traceback" not in out.stderr
