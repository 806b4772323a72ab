"""The shipped pose models: where they are, and checking them before use.

A damaged model file (a partial copy, a bad checkout, a disk error) would otherwise fail deep
inside MediaPipe with an unhelpful message, or worse, load and estimate nonsense. Every load
checks the SHA-256 of the bundle against the sums recorded here (and in
``assets/models/README.md``) and names the fix when they differ.
"""

from __future__ import annotations

import hashlib
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

MODELS_DIR_ENV = "LIIKE_MODELS_DIR"

#: Bundles built by ``tools/build_pose_models.py`` (see assets/models/README.md).
MODEL_FILES: dict[str, str] = {"lite": "pose_landmarker_lite.task", "full": "pose_landmarker_full.task"}
MODEL_SHA256: dict[str, str] = {
    "lite": "a3df9f7249c2a85212ebe8008a99cf2967f9fda919ff0fc5812116e8df70dcf0",
    "full": "4778e5d85dd8f00f32104f15ae671a730cc107280a60451a5d2aebd50913001e",
}
BUNDLE_ENTRIES = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
_FIX = "restore it with `git checkout -- assets/models` or rebuild it with `python tools/build_pose_models.py`"


class ModelError(Exception):
    """A pose model that cannot be used; the message names the file and the fix."""


@dataclass(frozen=True, slots=True)
class ModelInfo:
    name: str
    path: Path
    size_bytes: int
    sha256: str
    ok: bool
    problem: str = ""


def models_dir() -> Path:
    env = os.environ.get(MODELS_DIR_ENV)
    return Path(env) if env else Path(__file__).resolve().parents[2] / "assets" / "models"


def resolve_model(choice: str) -> tuple[str, Path, str | None]:
    """``lite`` / ``full`` / a path -> (name, path, expected SHA-256 or None for own files)."""
    if choice in MODEL_FILES:
        return choice, models_dir() / MODEL_FILES[choice], MODEL_SHA256[choice]
    path = Path(choice)
    return path.name, path, None


def verify_model(name: str, path: Path, expected_sha256: str | None) -> ModelInfo:
    """Check a bundle without raising; ``problem`` says what is wrong and how to fix it."""
    if not path.is_file():
        fix = _FIX if expected_sha256 else "check the path"
        return ModelInfo(name, path, 0, "", False, f"pose model {path} is missing: {fix}")
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    info = ModelInfo(name, path, len(data), digest, True)
    if expected_sha256 is not None and digest != expected_sha256:
        return ModelInfo(name, path, len(data), digest, False,
                         f"pose model {path} is damaged (SHA-256 {digest[:12]}..., expected {expected_sha256[:12]}...): {_FIX}")
    try:
        with zipfile.ZipFile(path) as z:
            missing = [e for e in BUNDLE_ENTRIES if e not in z.namelist()]
    except zipfile.BadZipFile:
        return ModelInfo(name, path, len(data), digest, False,
                         f"{path} is not a MediaPipe .task bundle (not a zip archive); use lite, full or a PoseLandmarker .task file")
    if missing:
        return ModelInfo(name, path, len(data), digest, False, f"{path} is not a pose landmarker bundle: it lacks {', '.join(missing)}")
    return info


def load_model_bytes(choice: str) -> bytes:
    """The verified bundle for ``lite``, ``full`` or a path; raises :class:`ModelError`."""
    name, path, expected = resolve_model(choice)
    info = verify_model(name, path, expected)
    if not info.ok:
        raise ModelError(info.problem)
    return path.read_bytes()


def list_models() -> list[ModelInfo]:
    return [verify_model(name, *resolve_model(name)[1:]) for name in MODEL_FILES]


def format_models_table(models: list[ModelInfo]) -> str:
    lines = [f"{'model':<6} {'size':>10}  {'sha256':<14} status   file"]
    for m in models:
        status = "ok" if m.ok else "BROKEN"
        lines.append(f"{m.name:<6} {m.size_bytes:>10,}  {m.sha256[:12] + '..' if m.sha256 else '-':<14} {status:<8} {m.path}")
        if not m.ok:
            lines.append(f"       {m.problem}")
    return "\n".join(lines)
