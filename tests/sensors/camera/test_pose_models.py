from pathlib import Path

import numpy as np
import pytest

from sensors.camera.models import MODEL_SHA256, ModelError, list_models, load_model_bytes, verify_model
from sensors.camera.pose import PoseEstimator


def test_shipped_models_verify() -> None:
    models = list_models()
    assert [m.name for m in models] == ["lite", "full"]
    for m in models:
        assert m.ok, m.problem
        assert m.sha256 == MODEL_SHA256[m.name]


@pytest.mark.parametrize("name", ["lite", "full"])
def test_shipped_models_load_and_see_nobody_in_an_empty_room(name: str) -> None:
    est = PoseEstimator(load_model_bytes(name))
    try:
        assert est.estimate(np.full((480, 640, 3), 128, np.uint8), 0) is None
    finally:
        est.close()


def damaged_copy(tmp_path: Path, how: str) -> Path:
    data = bytearray(load_model_bytes("lite"))
    if how == "truncated":
        data = data[: len(data) // 2]
    else:
        data[len(data) // 2] ^= 0xFF
    path = tmp_path / "pose_landmarker_lite.task"
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize("how", ["truncated", "flipped"])
def test_damaged_model_is_named_with_the_fix(tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    path = damaged_copy(tmp_path, how)
    monkeypatch.setenv("LIIKE_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelError) as err:
        load_model_bytes("lite")
    message = str(err.value)
    assert str(path) in message and "damaged" in message and "build_pose_models.py" in message


def test_missing_and_foreign_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIIKE_MODELS_DIR", str(tmp_path))
    with pytest.raises(ModelError, match="missing"):
        load_model_bytes("full")
    junk = tmp_path / "junk.task"
    junk.write_bytes(b"not a zip at all")
    with pytest.raises(ModelError, match="not a MediaPipe .task bundle"):
        load_model_bytes(str(junk))
    info = verify_model("x", tmp_path / "absent.task", None)
    assert not info.ok and "check the path" in info.problem
