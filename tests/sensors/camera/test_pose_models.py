"""The shipped pose bundles: checksums, damage detection with a fix named, and a real load.

The damaged files are copies in ``tmp_path``; the shipped files are only read.
"""

from __future__ import annotations

import importlib.resources
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from sensors.camera import models
from sensors.camera.models import (
    BUNDLE_ENTRIES,
    MODEL_FILES,
    MODEL_SHA256,
    MODEL_SIZE_BYTES,
    ModelError,
    ModelInfo,
    format_models_table,
    list_models,
    load_model_bytes,
    models_dir,
    resolve_model,
    shipped_models_dir,
    verify_model,
)
from tools.build_pose_models import BUNDLE_TIME, bundle_bytes

ROOT = Path(__file__).resolve().parents[3]
SHIPPED = ROOT / "assets" / "models"
REBUILD = "python tools/build_pose_models.py"


@pytest.fixture(autouse=True)
def _no_models_dir_override(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(models.MODELS_DIR_ENV, raising=False)


# --- the shipped files -------------------------------------------------------------------------


def test_shipped_models_verify() -> None:
    found = list_models()
    assert [m.name for m in found] == ["lite", "full"]
    for m in found:
        assert m == ModelInfo(m.name, SHIPPED / MODEL_FILES[m.name], MODEL_SIZE_BYTES[m.name], MODEL_SHA256[m.name], True, "")
    assert load_model_bytes("full") == (SHIPPED / "pose_landmarker_full.task").read_bytes()


def test_recorded_sums_agree_with_sha256sums_and_readme() -> None:
    lines = (SHIPPED / "SHA256SUMS").read_text().splitlines()
    sums = {file: digest for digest, file in (line.split("  ") for line in lines)}
    assert sums == {MODEL_FILES[n]: MODEL_SHA256[n] for n in MODEL_FILES}
    readme = (SHIPPED / "README.md").read_text()
    for name, file in MODEL_FILES.items():
        row = next(line for line in readme.splitlines() if line.startswith(f"| `{file}`"))
        assert MODEL_SHA256[name] in row and f"{MODEL_SIZE_BYTES[name]:,}" in row
    assert (SHIPPED / "LICENSE").read_text().lstrip().startswith("Apache License\n")


@pytest.mark.parametrize("name", ["lite", "full"])
def test_shipped_bundle_layout_is_what_the_build_writes(name: str) -> None:
    data = (SHIPPED / MODEL_FILES[name]).read_bytes()
    with zipfile.ZipFile(SHIPPED / MODEL_FILES[name]) as z:
        infos = z.infolist()
        assert [i.filename for i in infos] == list(BUNDLE_ENTRIES)
        assert {(i.compress_type, i.date_time) for i in infos} == {(zipfile.ZIP_STORED, BUNDLE_TIME)}
        detector, landmarker = (z.read(e) for e in BUNDLE_ENTRIES)
    # The build's zip step, fed the same entries, gives the same bytes: the bundle is reproducible.
    assert bundle_bytes(detector, landmarker) == data
    # Both bundles share the one person detector.
    with zipfile.ZipFile(SHIPPED / MODEL_FILES["lite"]) as z:
        assert z.read("pose_detector.tflite") == detector


def test_models_dir_and_resolve(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    assert models_dir() == shipped_models_dir() == SHIPPED
    assert resolve_model("lite") == SHIPPED / "pose_landmarker_lite.task"
    assert resolve_model("my/own.task") == Path("my/own.task")
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    assert resolve_model("full") == tmp_path / "pose_landmarker_full.task"
    with pytest.raises(ModelError, match="choose lite, full"):
        resolve_model("")


def test_shipped_models_are_found_as_package_data(monkeypatch: pytest.MonkeyPatch) -> None:
    # The editable install maps the package onto the repository's assets/ folder.
    assert importlib.resources.files(models.ASSETS_PACKAGE) == ROOT / "assets"

    # A checkout that is not installed falls back to its own assets/models.
    def not_installed(package: str) -> Path:
        raise ModuleNotFoundError(f"No module named {package!r}", name=package)

    monkeypatch.setattr(models.resources, "files", not_installed)
    assert shipped_models_dir() == SHIPPED


def test_sensors_models_imports_neither_game_nor_pygame() -> None:
    code = "import sys, sensors.camera.models; print(sorted(m for m in sys.modules if m.split('.')[0] in ('game', 'pygame')))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# --- damaged, missing and foreign files --------------------------------------------------------


def damaged_copy(directory: Path, how: str, file: str = "pose_landmarker_lite.task") -> Path:
    data = bytearray((SHIPPED / "pose_landmarker_lite.task").read_bytes())
    if how == "truncated":
        data = data[: len(data) // 2]
    else:  # one bit pattern flipped inside the landmark model's weights
        data[len(data) * 3 // 4] ^= 0xFF
    path = directory / file
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    ("how", "what"), [("truncated", "is truncated (2,888,713 of 5,777,426 bytes"), ("flipped", "is damaged (checksum mismatch")]
)
def test_damaged_copy_in_models_dir_is_named_with_the_fix(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str, what: str
) -> None:
    path = damaged_copy(tmp_path, how)
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelError) as err:
        load_model_bytes("lite")
    message = str(err.value)
    assert message.startswith(f"pose model {path} {what}")
    assert "copy a good assets/models/pose_landmarker_lite.task" in message and f"{REBUILD} --out {tmp_path}" in message
    assert err.value.path == path
    info = list_models()[0]
    assert (info.name, info.ok, info.problem) == ("lite", False, message)
    assert "BROKEN" in format_models_table([info]) and message in format_models_table([info])


@pytest.mark.parametrize("how", ["truncated", "flipped"])
def test_damaged_shipped_file_names_git_checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str) -> None:
    # Stand in for the repo's assets/models folder, so the real files stay untouched.
    monkeypatch.setattr(models, "_REPO_MODELS", tmp_path)
    monkeypatch.setattr(models, "shipped_models_dir", lambda: tmp_path)
    path = damaged_copy(tmp_path, how)
    with pytest.raises(ModelError) as err:
        load_model_bytes("lite")
    assert str(path) in str(err.value)
    assert (
        "`git checkout -- assets/models/pose_landmarker_lite.task` or rebuild it with `python tools/build_pose_models.py`"
        in str(err.value)
    )


def test_damaged_installed_file_names_reinstall(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Stand in for the models folder of an installation from a wheel (not a checkout).
    monkeypatch.setattr(models, "shipped_models_dir", lambda: tmp_path)
    path = damaged_copy(tmp_path, "truncated")
    with pytest.raises(ModelError) as err:
        load_model_bytes("lite")
    assert str(err.value).startswith(f"pose model {path} is truncated")
    assert str(err.value).endswith(
        "reinstall Liike (`python -m pip install --force-reinstall --no-deps <the Liike wheel or source>`)"
    )


def test_damaged_own_bundle_is_caught_without_a_checksum(tmp_path: Path) -> None:
    flipped = damaged_copy(tmp_path, "flipped", "flipped.task")
    info = verify_model(flipped)
    assert (info.name, info.ok, info.size_bytes) == ("flipped.task", False, MODEL_SIZE_BYTES["lite"])
    assert info.problem.startswith(
        f"pose model {flipped} is damaged: entry pose_landmarks_detector.tflite fails its CRC-32 check"
    )
    truncated = damaged_copy(tmp_path, "truncated", "truncated.task")
    with pytest.raises(ModelError, match=re.escape(f"pose model {truncated} is not a MediaPipe .task bundle")):
        load_model_bytes(str(truncated))
    # A good bundle of one's own (here a copy of lite under another name) passes.
    own = tmp_path / "own.task"
    own.write_bytes((SHIPPED / "pose_landmarker_lite.task").read_bytes())
    assert verify_model(own) == ModelInfo("own.task", own, MODEL_SIZE_BYTES["lite"], MODEL_SHA256["lite"], True)


def test_missing_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(models.MODELS_DIR_ENV, str(tmp_path))
    with pytest.raises(ModelError) as err:
        load_model_bytes("full")
    assert str(err.value).startswith(
        f"pose model {tmp_path / 'pose_landmarker_full.task'} is missing ({models.MODELS_DIR_ENV}={tmp_path})"
    )
    assert REBUILD in str(err.value)
    info = verify_model(tmp_path / "absent.task")
    assert (info.ok, info.size_bytes, info.sha256) == (False, 0, "")
    assert "is missing: check the path, or choose lite or full" in info.problem
    assert [m.ok for m in list_models()] == [False, False]


def test_foreign_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.task"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ModelError, match=re.escape(f"pose model {junk} is not a MediaPipe .task bundle")):
        load_model_bytes(str(junk))
    lfs = tmp_path / "lfs.task"
    lfs.write_bytes(b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 5777426\n")
    assert "Git LFS pointer" in verify_model(lfs).problem
    empty = tmp_path / "empty.task"
    empty.write_bytes(b"")
    assert "is empty (0 bytes)" in verify_model(empty, MODEL_SHA256["full"]).problem
    wrong_zip = tmp_path / "wrong.task"
    with zipfile.ZipFile(wrong_zip, "w") as z:
        z.writestr("pose_detector.tflite", b"\0\0\0\0TFL3")
    assert "lacks pose_landmarks_detector.tflite" in verify_model(wrong_zip).problem
    not_tflite = tmp_path / "not_tflite.task"
    not_tflite.write_bytes(bundle_bytes(b"\0\0\0\0TFL3", b"plain text, no model"))
    assert "entry pose_landmarks_detector.tflite is not a TFLite model" in verify_model(not_tflite).problem
    assert "is not a file" in verify_model(tmp_path).problem


# --- the bundles in MediaPipe 1.x --------------------------------------------------------------


@pytest.mark.parametrize(("name", "source"), [("lite", "buffer"), ("full", "path")])
def test_shipped_bundles_load_in_pose_landmarker_and_find_nobody_in_a_blank_frame(name: str, source: str) -> None:
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    model = load_model_bytes(name)
    base = (
        BaseOptions(model_asset_buffer=model)
        if source == "buffer"
        else BaseOptions(model_asset_path=os.fspath(resolve_model(name)))
    )
    options = vision.PoseLandmarkerOptions(base_options=base, running_mode=vision.RunningMode.VIDEO, num_poses=1)
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        for i, level in enumerate((0, 128, 255)):
            frame = np.full((480, 640, 3), level, np.uint8)
            result = landmarker.detect_for_video(mp.Image(image_format=mp.ImageFormat.SRGB, data=frame), 33 * i)
            assert result.pose_landmarks == [] and result.pose_world_landmarks == []
