"""The shipped pose models: where they are, and checking them before use.

Liike ships two MediaPipe ``PoseLandmarker`` bundles in ``assets/models/`` (built by
``tools/build_pose_models.py``, described in ``assets/models/README.md``) so that nothing is
downloaded at run time. ``pyproject.toml`` installs the ``assets/`` folder as the package
``liike_assets``, so a wheel carries the bundles and :mod:`importlib.resources` finds them
wherever Liike is installed (:func:`shipped_models_dir`). A damaged model file (a partial copy, a bad checkout, a disk error, a
Git LFS pointer) would otherwise fail deep inside MediaPipe with an unhelpful message, or load
and estimate nonsense, so every load checks the bundle first and names the fix when it is bad.

Model choices are ``"lite"``, ``"full"`` or the path of a ``.task`` file of one's own. The
shipped ones are checked against the SHA-256 sums recorded here; any bundle, shipped or own,
must be a zip holding ``pose_detector.tflite`` and ``pose_landmarks_detector.tflite`` whose
stored CRC-32 sums match, each a TFLite flatbuffer.

Standard library only: this module never imports ``game``, ``pygame`` or MediaPipe.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from sensors.settings import MODELS_DIR_ENV, models_dir_override

#: File name of each shipped bundle, in the order they are listed.
MODEL_FILES: dict[str, str] = {"lite": "pose_landmarker_lite.task", "full": "pose_landmarker_full.task"}
#: SHA-256 of each shipped bundle (also in assets/models/README.md and SHA256SUMS).
MODEL_SHA256: dict[str, str] = {
    "lite": "a3df9f7249c2a85212ebe8008a99cf2967f9fda919ff0fc5812116e8df70dcf0",
    "full": "4778e5d85dd8f00f32104f15ae671a730cc107280a60451a5d2aebd50913001e",
}
#: Size in bytes of each shipped bundle, so a short file is reported as truncated.
MODEL_SIZE_BYTES: dict[str, int] = {"lite": 5_777_426, "full": 9_397_910}
#: Entries a PoseLandmarker ``.task`` bundle must hold.
BUNDLE_ENTRIES = ("pose_detector.tflite", "pose_landmarks_detector.tflite")

#: The package the repository's ``assets/`` folder is installed as; the bundles are in its ``models/``.
ASSETS_PACKAGE = "liike_assets"

# The models folder of a source checkout (where `git checkout` can restore a file).
_REPO_MODELS = Path(__file__).resolve().parents[2] / "assets" / "models"
_REINSTALL = "python -m pip install --force-reinstall --no-deps <the Liike wheel or source>"
_REBUILD = "python tools/build_pose_models.py"
_LFS_POINTER = b"version https://git-lfs"


class ModelError(Exception):
    """A pose model that cannot be used. The message names the file, what is wrong and the fix.

    ``path``: the file concerned; ``problem``: the same text as the message.
    """

    def __init__(self, problem: str, path: Path | None = None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.path = path


@dataclass(frozen=True, slots=True)
class ModelInfo:
    """The result of checking one bundle.

    ``name``: ``lite`` / ``full`` for a shipped bundle, else the file name. ``size_bytes`` and
    ``sha256`` describe the file as found (0 and ``""`` when it is missing). ``ok``: usable;
    otherwise ``problem`` says what is wrong and how to fix it (``""`` when ok).
    """

    name: str
    path: Path
    size_bytes: int
    sha256: str
    ok: bool
    problem: str = ""


def shipped_models_dir() -> Path:
    """The folder the bundles were installed in: ``models/`` of the package :data:`ASSETS_PACKAGE`.

    Found with :func:`importlib.resources.files`: in site-packages from a wheel, the checkout's
    ``assets/models`` from an editable install, and that folder too when Liike runs from a
    checkout that is not installed (the package cannot be imported).
    """
    try:
        root = resources.files(ASSETS_PACKAGE)
    except ModuleNotFoundError as exc:
        if exc.name != ASSETS_PACKAGE:
            raise
        return _REPO_MODELS
    if not isinstance(root, Path):
        raise ModelError(
            f"the shipped pose models ({ASSETS_PACKAGE}, at {root}) are not plain files on disk: "
            "install Liike with pip, which unpacks it"
        )
    return root / "models"


def models_dir() -> Path:
    """The folder of the shipped bundles: ``$LIIKE_MODELS_DIR`` if set, else :func:`shipped_models_dir`."""
    return models_dir_override() or shipped_models_dir()


def resolve_model(choice: str) -> Path:
    """``"lite"`` / ``"full"`` -> the shipped bundle in :func:`models_dir`; anything else is a path."""
    if choice in MODEL_FILES:
        return models_dir() / MODEL_FILES[choice]
    if not choice.strip():
        raise ModelError("no pose model given: choose lite, full or the path of a PoseLandmarker .task file")
    return Path(choice).expanduser()


def _shipped_name(expected_sha256: str | None) -> str | None:
    """``lite`` / ``full`` when ``expected_sha256`` is a shipped bundle's sum."""
    if expected_sha256 is None:
        return None
    return next((name for name, digest in MODEL_SHA256.items() if digest == expected_sha256.lower()), None)


def _fix(path: Path, shipped: str | None) -> str:
    """How to get a good copy of ``path`` back."""
    if shipped is None:
        return "replace it with a good copy, or choose the shipped lite or full model"
    rel = f"assets/models/{MODEL_FILES[shipped]}"
    if path.resolve() == (_REPO_MODELS / MODEL_FILES[shipped]).resolve():
        return f"restore it with `git checkout -- {rel}` or rebuild it with `{_REBUILD}`"
    if path.resolve() == (shipped_models_dir() / MODEL_FILES[shipped]).resolve():
        # Installed from a wheel: the file belongs to the installation.
        return f"reinstall Liike (`{_REINSTALL}`)"
    # A copy elsewhere (LIIKE_MODELS_DIR, an installation's share).
    return f"copy a good {rel} from the Liike repository there (or rebuild it with `{_REBUILD} --out {path.parent}`)"


def _check_bundle(data: bytes) -> str:
    """What is structurally wrong with a ``.task`` bundle, or ``""``."""
    if data.startswith(_LFS_POINTER):
        return "is a Git LFS pointer, not the model (fetch the real file, e.g. `git lfs pull`)"
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            names = z.namelist()
            missing = [e for e in BUNDLE_ENTRIES if e not in names]
            if missing:
                return f"is not a pose landmarker bundle: it lacks {', '.join(missing)}"
            bad = z.testzip()  # reads every entry and checks its CRC-32
            if bad is not None:
                return f"is damaged: entry {bad} fails its CRC-32 check"
            for entry in BUNDLE_ENTRIES:
                head = z.read(entry)[:8]
                if head[4:8] != b"TFL3":
                    return f"is damaged: entry {entry} is not a TFLite model"
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError) as exc:
        return f"is not a MediaPipe .task bundle (not a readable zip archive: {exc})"
    return ""


def _verify_bytes(data: bytes, path: Path, expected_sha256: str | None, name: str) -> ModelInfo:
    shipped = _shipped_name(expected_sha256)
    digest = hashlib.sha256(data).hexdigest()

    def bad(what: str) -> ModelInfo:
        return ModelInfo(name, path, len(data), digest, False, f"pose model {path} {what}: {_fix(path, shipped)}")

    if expected_sha256 is not None and digest != expected_sha256.lower():
        expected_size = MODEL_SIZE_BYTES.get(shipped or "")
        if expected_size and len(data) < expected_size:
            return bad(f"is truncated ({len(data):,} of {expected_size:,} bytes; checksum mismatch)")
        return bad(f"is damaged (checksum mismatch: SHA-256 {digest[:16]}..., expected {expected_sha256[:16]}...)")
    problem = _check_bundle(data)
    if problem:
        return bad(problem)
    return ModelInfo(name, path, len(data), digest, True)


def _read(path: Path, expected_sha256: str | None, name: str) -> tuple[ModelInfo, bytes]:
    shipped = _shipped_name(expected_sha256)
    override = models_dir_override()
    where = f" ({MODELS_DIR_ENV}={override})" if shipped and override is not None else ""
    if not path.exists():
        fix = _fix(path, shipped) if shipped else "check the path, or choose lite or full"
        return ModelInfo(name, path, 0, "", False, f"pose model {path} is missing{where}: {fix}"), b""
    if not path.is_file():
        return ModelInfo(name, path, 0, "", False, f"pose model {path} is not a file{where}: give the path of a .task file"), b""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return ModelInfo(
            name, path, 0, "", False, f"pose model {path} cannot be read ({exc.strerror}): check its permissions"
        ), b""
    if not data:
        return ModelInfo(
            name, path, 0, hashlib.sha256(b"").hexdigest(), False, f"pose model {path} is empty (0 bytes): {_fix(path, shipped)}"
        ), b""
    return _verify_bytes(data, path, expected_sha256, name), data


def verify_model(path: str | os.PathLike[str], expected_sha256: str | None = None, *, name: str | None = None) -> ModelInfo:
    """Check one bundle without raising.

    With ``expected_sha256`` the file must have that SHA-256 (a shipped model's sum also lets the
    message name the right fix); without it only the bundle's structure and CRC-32 sums are
    checked. ``name`` defaults to ``lite`` / ``full`` for a shipped sum, else the file name.
    """
    p = Path(path)
    return _read(p, expected_sha256, name or _shipped_name(expected_sha256) or p.name)[0]


def _expected(choice: str) -> str | None:
    return MODEL_SHA256.get(choice)


def check_model(choice: str) -> ModelInfo:
    """:func:`verify_model` for a choice (``lite`` / ``full`` / path), against the recorded sum."""
    return verify_model(resolve_model(choice), _expected(choice), name=choice if choice in MODEL_FILES else None)


def load_model_bytes(choice: str) -> bytes:
    """The verified bundle for ``lite``, ``full`` or a path, ready for ``BaseOptions(model_asset_buffer=...)``.

    The bytes returned are the very bytes checked. Raises :class:`ModelError`.
    """
    path = resolve_model(choice)
    info, data = _read(path, _expected(choice), choice if choice in MODEL_FILES else path.name)
    if not info.ok:
        raise ModelError(info.problem, path)
    return data


def list_models() -> list[ModelInfo]:
    """The shipped bundles (``lite``, ``full``), each checked; for ``liike models``."""
    return [check_model(name) for name in MODEL_FILES]


def format_models_table(models: list[ModelInfo]) -> str:
    """A plain-text table of :func:`list_models`; each broken model is followed by its problem."""
    lines = [f"{'model':<6} {'size (bytes)':>12}  {'sha256':<18} {'status':<7} file"]
    for m in models:
        digest = m.sha256[:16] + ".." if m.sha256 else "-"
        lines.append(f"{m.name:<6} {m.size_bytes:>12,}  {digest:<18} {'ok' if m.ok else 'BROKEN':<7} {m.path}")
        if not m.ok:
            lines.append(f"       {m.problem}")
    return "\n".join(lines)
