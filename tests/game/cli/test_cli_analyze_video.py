"""``liike analyze video``: every frame through the pose model and the game's detectors.

End to end on clips rendered from the simulated player (MediaPipe finds the drawn figure in
every frame), where the truth is known: jumping jacks among arm waves, a wide step with an arm
raise, a jump and a squat must be counted exactly. Also clips built from a real picture of a
person, and every way the input can be wrong.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from game.cli.analyze_video import file_fps
from sensors.samples import PoseFrame
from sensors.sim import Camera, SimulatedPlayer
from sensors.sim.render import render_pose, write_video
from tools.test_data import DataUnavailable, fetch

SIZE = (480, 360)
CLIP_SCRIPT = "idle:2,jack:6@50,wave:3,wide:5,jump:3,squat:4,jack:4@56,idle:1"


def liike(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "game.cli", *args], capture_output=True, text=True, timeout=180)


@pytest.fixture(scope="module")
def rendered_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Counter[str], int]:
    """A 15 fps clip of the simulated player, its true movement counts and its frame count."""
    fps = 15.0
    player = SimulatedPlayer(seed=0, script=CLIP_SCRIPT, loop=False, camera=Camera(aspect=SIZE[0] / SIZE[1]), pose_fps=fps)
    end_ns = round(sum(seg.duration_s for seg in player.script) * 1e9)
    frames = [s for s in player.advance_to(end_ns) if isinstance(s, PoseFrame)]
    path = tmp_path_factory.mktemp("clips") / "exercise.avi"
    n = write_video(path, (render_pose(f.landmarks, SIZE) for f in frames), fps, SIZE)
    return path, Counter(e.kind for e in player.ground_truth()), n


def test_counts_jumping_jacks_exactly_on_a_rendered_clip(rendered_clip: tuple[Path, Counter[str], int]) -> None:
    path, truth, n = rendered_clip
    out = liike("analyze", "video", str(path), "--json")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["frames"] == n and s["pose_frames"] == n  # every frame read, the figure found in each
    assert truth["jumping_jack"] == 7
    assert s["jumping_jacks"] == truth["jumping_jack"]
    assert (s["squats"], s["jumps"], s["steps"]) == (truth["squat"], truth["jump"], 0) == (1, 1, 0)
    assert s["arms_up"] == truth["arms_up"]
    assert s["fps"] == 15.0 and s["fps_from_file"] and s["duration_s"] == pytest.approx(n / 15.0, abs=1e-3)
    assert (s["width"], s["height"], s["model"]) == (*SIZE, "lite")


def test_readable_output(rendered_clip: tuple[Path, Counter[str], int]) -> None:
    path, truth, n = rendered_clip
    out = liike("analyze", "video", str(path))
    assert out.returncode == 0, out.stderr
    assert f"person found in {n} of {n} frames" in out.stdout
    assert f"jumping jacks: {truth['jumping_jack']}" in out.stdout.splitlines()


def _clip_from_picture(path: Path, picture: np.ndarray, pattern: str) -> int:
    """A 10 fps clip: 'P' frames show the picture (shifted a little each time), '.' an empty room."""
    h, w = picture.shape[:2]
    size = (w - w % 2, h - h % 2)
    empty = np.full((size[1], size[0], 3), 128, np.uint8)
    pics = []
    for i, c in enumerate(pattern):
        if c == "P":
            m = np.array([[1, 0, 2 * (i % 5)], [0, 1, i % 3]], np.float32)
            pics.append(cv2.warpAffine(picture[: size[1], : size[0]], m, size, borderMode=cv2.BORDER_REPLICATE))
        else:
            pics.append(empty)
    return write_video(path, pics, 10.0, size)


@pytest.mark.data
def test_frames_and_pose_frames_on_a_clip_of_a_real_person(tmp_path: Path) -> None:
    try:
        picture = cv2.imread(str(fetch("basketball1.png")))
    except DataUnavailable as exc:
        pytest.skip(f"test picture basketball1.png not available offline: {exc}")
    assert picture is not None
    # (A lone picture between empty frames is not always found by the model's video mode.)
    pattern = "PPPPP...PPPP"
    clip = tmp_path / "person.avi"
    assert _clip_from_picture(clip, picture, pattern) == len(pattern)
    out = liike("analyze", "video", str(clip), "--json", "--model", "full")
    assert out.returncode == 0, out.stderr
    s = json.loads(out.stdout)
    assert s["frames"] == len(pattern)
    assert s["pose_frames"] == pattern.count("P")
    assert s["jumping_jacks"] == 0 and s["jumps"] == 0  # a man standing still
    assert s["fps"] == 10.0 and s["duration_s"] == pytest.approx(1.2)


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda d: d / "missing.mp4", "no such file"),
        (lambda d: d, "not a file"),
        (lambda d: (d / "notes.txt").write_text("not a video\n") and d / "notes.txt", "notes.txt"),
        (lambda d: (d / "broken.mp4").write_bytes(b"\x00\x00\x00\x18ftypmp42" + bytes(200)) and d / "broken.mp4", "broken.mp4"),
    ],
)
def test_unusable_files_are_one_clear_line_and_exit_2(tmp_path: Path, make: Callable[[Path], object], says: str) -> None:
    path = make(tmp_path)
    out = liike("analyze", "video", str(path), "--json")
    assert out.returncode == 2
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("liike: ") and says in lines[0]
    assert "Traceback" not in out.stderr and out.stdout == ""


def test_an_unusable_model_is_one_clear_line(rendered_clip: tuple[Path, Counter[str], int], tmp_path: Path) -> None:
    path, _, _ = rendered_clip
    out = liike("analyze", "video", str(path), "--model", str(tmp_path / "nope.task"))
    assert out.returncode == 2 and "nope.task" in out.stderr and "Traceback" not in out.stderr


def test_frame_rate_from_the_file_only_when_believable() -> None:
    assert file_fps(25.0) == 25.0
    assert file_fps(0.0) is None and file_fps(float("nan")) is None and file_fps(90000.0) is None


def test_command_function_is_callable_with_the_parsed_arguments(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from game.cli.analyze_video import cmd_analyze_video

    code = cmd_analyze_video(argparse.Namespace(file=tmp_path / "x.avi", model="lite", json=True))
    assert code == 2 and "x.avi" in capsys.readouterr().err
