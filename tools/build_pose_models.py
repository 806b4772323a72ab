"""Build the shipped pose-landmarker bundles from registry packages, reproducibly.

MediaPipe 1.x (the Tasks API the game uses) ships no pose model, and its ``PoseLandmarker``
only takes a ``.task`` bundle: a zip, stored not deflated, holding ``pose_detector.tflite`` and
``pose_landmarks_detector.tflite``, each with TFLite metadata describing the input image
normalisation (plain tflite files are refused: "Input tensor has type float32: it requires
specifying NormalizationOptions metadata"). This script assembles those bundles from
published packages, once, on a maintainer's machine; the results are committed to
``assets/models/`` so that the game never downloads a model.

Inputs (pinned, and their SHA-256 checked against ``INPUT_SHA256`` below):

- the person detector ``mediapipe/modules/pose_detection/pose_detection.tflite`` from PyPI
  ``mediapipe==0.10.21`` (with ``numpy<2``), installed into a virtual environment of the
  script's own (never the project's ``.venv``); that version still has the metadata writer
  ``mediapipe.tasks.python.metadata.metadata_writers.metadata_writer``, which 1.x lacks;
- the landmark models ``pose_landmark_lite.tflite`` / ``pose_landmark_full.tflite`` from npm
  ``@mediapipe/pose@0.5.1675469404`` (Apache-2.0), fetched with ``npm pack`` (nothing is
  installed). The npm full model must be byte-identical to the one in the PyPI package.

Steps: add metadata (image input normalisation mean 127.5 / std 127.5 for the detector, mean 0 /
std 255 for the landmarker, the values MediaPipe's own graphs feed these models; one feature
output per model output); check that the graph and every weight buffer are unchanged by it;
zip each bundle (entries stored, fixed order, fixed 1980-01-01 timestamps and permissions) so
the output is byte-for-byte the same on every run; write ``SHA256SUMS`` beside the bundles
(``sha256sum -c SHA256SUMS`` checks them) and compare the sums with ``MODEL_SHA256`` in
``sensors/camera/models.py``.

Usage (needs python3.9-3.12 with venv and pip, npm, access to PyPI and the npm registry, about
400 MB of temporary disk space; takes under a minute with warm caches):

    python tools/build_pose_models.py                 # rebuild assets/models/*.task + SHA256SUMS
    python tools/build_pose_models.py --check         # rebuild in a temporary folder and compare
                                                      #   with the committed files; writes nothing
    python tools/build_pose_models.py --out DIR       # write the bundles somewhere else
    python tools/build_pose_models.py --work DIR      # keep (and reuse) the venv and downloads
    python tools/build_pose_models.py --python python3.11   # interpreter for the build venv

Exit status: 0 when the bundles match ``MODEL_SHA256``; 1 when they were built but differ (the
inputs changed: check the package versions before updating ``MODEL_SHA256`` and
``assets/models/README.md``); 2 on a build failure.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import io
import json
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MEDIAPIPE_LEGACY = "mediapipe==0.10.21"
NUMPY_LEGACY = "numpy<2"
NPM_POSE = "@mediapipe/pose@0.5.1675469404"
VARIANTS = ("lite", "full")
#: Bundle entries, in the order they are written.
DETECTOR_ENTRY = "pose_detector.tflite"
LANDMARKER_ENTRY = "pose_landmarks_detector.tflite"
BUNDLE_TIME = (1980, 1, 1, 0, 0, 0)
#: (mean, std) of the image input normalisation: model input = (pixel - mean) / std.
DETECTOR_NORM = (127.5, 127.5)
LANDMARKER_NORM = (0.0, 255.0)

#: The inputs as published; a different sum means a different upstream file.
INPUT_SHA256 = {
    "pypi:mediapipe/modules/pose_detection/pose_detection.tflite": (
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c"
    ),
    "pypi:mediapipe/modules/pose_landmark/pose_landmark_full.tflite": (
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f"
    ),
    "npm:package/pose_landmark_lite.tflite": "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    "npm:package/pose_landmark_full.tflite": "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
}

# Runs inside the legacy virtual environment.
#   add SRC DST MEAN STD NAME: write SRC with image-input and feature-output metadata to DST.
#   same A B: exit 1 unless A and B hold the same graph (operators, tensors, weight buffers).
_HELPER = r"""
import hashlib, sys
from mediapipe.tasks.metadata import schema_py_generated as fb


def add(src, dst, mean, std, name):
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, writer_utils
    model = bytearray(open(src, "rb").read())
    writer = metadata_writer.MetadataWriter.create(model).add_general_info(name, "BlazePose " + name)
    writer.add_image_input([float(mean)], [float(std)])
    for tensor in writer_utils.get_output_tensor_names(model):
        writer.add_feature_output(name=tensor)
    out, _ = writer.populate()
    open(dst, "wb").write(out)


def graph_digest(path):
    m = fb.Model.GetRootAsModel(bytearray(open(path, "rb").read()), 0)
    h = hashlib.sha256()
    put = lambda *v: h.update(repr(v).encode())
    def buffer(i):
        b = m.Buffers(i)
        if b.Offset():
            raise SystemExit(f"{path}: buffers outside the flatbuffer are not supported")
        return b.DataAsNumpy().tobytes() if b.DataLength() else b""
    arr = lambda n, get: get().tolist() if n else []
    for i in range(m.OperatorCodesLength()):
        c = m.OperatorCodes(i)
        put(c.BuiltinCode(), c.DeprecatedBuiltinCode(), c.CustomCode(), c.Version())
    for s in range(m.SubgraphsLength()):
        g = m.Subgraphs(s)
        put(arr(g.InputsLength(), g.InputsAsNumpy), arr(g.OutputsLength(), g.OutputsAsNumpy))
        for t in range(g.TensorsLength()):
            x = g.Tensors(t)
            put(x.Name(), arr(x.ShapeLength(), x.ShapeAsNumpy), x.Type())
            q = x.Quantization()
            if q is not None:
                put(arr(q.ScaleLength(), q.ScaleAsNumpy), arr(q.ZeroPointLength(), q.ZeroPointAsNumpy))
            h.update(buffer(x.Buffer()))
        for o in range(g.OperatorsLength()):
            op = fb.OperatorT.InitFromObj(g.Operators(o))
            opts = op.builtinOptions
            put(op.opcodeIndex, list(op.inputs if op.inputs is not None else []),
                list(op.outputs if op.outputs is not None else []), op.builtinOptionsType,
                sorted(vars(opts).items()) if opts is not None else None,
                bytes(op.customOptions) if op.customOptions is not None else b"")
    return h.hexdigest()


if sys.argv[1] == "add":
    add(*sys.argv[2:])
elif sys.argv[1] == "same":
    a, b = graph_digest(sys.argv[2]), graph_digest(sys.argv[3])
    sys.exit(0 if a == b else f"graph or weights differ: {sys.argv[2]} {a[:12]} != {sys.argv[3]} {b[:12]}")
"""


class BuildError(Exception):
    pass


def run(cmd: list[str], cwd: Path | None = None, capture: bool = False) -> str:
    print("+", " ".join(cmd), flush=True)
    try:
        done = subprocess.run(cmd, cwd=cwd, check=True, text=True, capture_output=capture)
    except FileNotFoundError as exc:
        raise BuildError(f"{cmd[0]} not found: install it (python3-venv / npm) and run again") from exc
    except subprocess.CalledProcessError as exc:
        detail = f"\n{exc.stderr.strip()}" if capture and exc.stderr else ""
        raise BuildError(f"{' '.join(cmd)} failed with exit status {exc.returncode}{detail}") from exc
    return done.stdout if capture else ""


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def check_input(key: str, data: bytes) -> None:
    got = sha256_bytes(data)
    if got != INPUT_SHA256[key]:
        raise BuildError(f"{key} has SHA-256 {got}, expected {INPUT_SHA256[key]}: the published package changed")


def bundle_bytes(detector: bytes, landmarker: bytes) -> bytes:
    """The ``.task`` zip for these two models, the same bytes for the same inputs."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as z:
        for name, data in ((DETECTOR_ENTRY, detector), (LANDMARKER_ENTRY, landmarker)):
            info = zipfile.ZipInfo(name, date_time=BUNDLE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3  # Unix, so external_attr is read as permissions
            info.external_attr = 0o644 << 16  # rw-r--r-- (kept as first built: the sums depend on it)
            z.writestr(info, data)
    return buf.getvalue()


def recorded_sums() -> dict[str, str]:
    """``MODEL_SHA256`` from sensors/camera/models.py, loaded without importing the package."""
    spec = importlib.util.spec_from_file_location("_liike_models", ROOT / "sensors" / "camera" / "models.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return dict(module.MODEL_SHA256)


def legacy_venv(work: Path, python: str) -> Path:
    venv = work / "legacy-venv"
    py = venv / "bin" / "python"
    if not py.exists():
        run([python, "-m", "venv", str(venv)])
        run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", MEDIAPIPE_LEGACY, NUMPY_LEGACY])
    version = run([str(py), "-c", "from importlib.metadata import version; print(version('mediapipe'))"], capture=True).strip()
    if f"mediapipe=={version}" != MEDIAPIPE_LEGACY:
        raise BuildError(f"{venv} holds mediapipe {version}, not {MEDIAPIPE_LEGACY}: delete it and run again")
    return py


def npm_models(work: Path) -> dict[str, bytes]:
    npm_dir = work / "npm"
    npm_dir.mkdir(exist_ok=True)
    for old in npm_dir.glob("*.tgz"):
        old.unlink()
    run(["npm", "pack", NPM_POSE, "--silent"], cwd=npm_dir, capture=True)
    tgz = next(npm_dir.glob("mediapipe-pose-*.tgz"))
    with tarfile.open(tgz) as tar:

        def read(member: str) -> bytes:
            f = tar.extractfile(member)
            if f is None:
                raise BuildError(f"{tgz} has no file {member}")
            return f.read()

        meta = json.loads(read("package/package.json"))
        if f"{meta['name']}@{meta['version']}" != NPM_POSE or meta.get("license") != "Apache-2.0":
            raise BuildError(f"{tgz}: unexpected package {meta['name']}@{meta['version']} licence {meta.get('license')}")
        models = {v: read(f"package/pose_landmark_{v}.tflite") for v in VARIANTS}
    print(f"  {tgz.name}  sha256 {sha256_bytes(tgz.read_bytes())}")
    return models


def build(out: Path, work: Path, python: str) -> dict[str, str]:
    """Build both bundles into ``out``; returns their SHA-256 by variant."""
    py = legacy_venv(work, python)
    site = Path(run([str(py), "-c", "import mediapipe, os; print(os.path.dirname(mediapipe.__file__))"], capture=True).strip())
    detector_src = site / "modules" / "pose_detection" / "pose_detection.tflite"
    check_input("pypi:mediapipe/modules/pose_detection/pose_detection.tflite", detector_src.read_bytes())
    pypi_full = (site / "modules" / "pose_landmark" / "pose_landmark_full.tflite").read_bytes()
    check_input("pypi:mediapipe/modules/pose_landmark/pose_landmark_full.tflite", pypi_full)

    npm = npm_models(work)
    for variant, data in npm.items():
        check_input(f"npm:package/pose_landmark_{variant}.tflite", data)
    if npm["full"] != pypi_full:
        raise BuildError("npm and PyPI pose_landmark_full.tflite differ: check the package versions")

    helper = work / "pose_model_helper.py"
    helper.write_text(_HELPER)
    srcs = {"detector": detector_src, **{v: work / f"pose_landmark_{v}.tflite" for v in VARIANTS}}
    for variant in VARIANTS:
        srcs[variant].write_bytes(npm[variant])
    norms = {"detector": DETECTOR_NORM, **{v: LANDMARKER_NORM for v in VARIANTS}}
    # Model names written into the metadata (they are part of the bundles' bytes and sums).
    names = {"detector": "pose_detector", **{v: f"pose_landmarks_{v}" for v in VARIANTS}}
    with_metadata: dict[str, bytes] = {}
    for key, src in srcs.items():
        dst = work / f"{names[key]}.with-metadata.tflite"
        mean, std = norms[key]
        run([str(py), str(helper), "add", str(src), str(dst), repr(mean), repr(std), names[key]])
        run([str(py), str(helper), "same", str(src), str(dst)])
        with_metadata[key] = dst.read_bytes()

    out.mkdir(parents=True, exist_ok=True)
    sums: dict[str, str] = {}
    for variant in VARIANTS:
        data = bundle_bytes(with_metadata["detector"], with_metadata[variant])
        bundle = out / f"pose_landmarker_{variant}.task"
        bundle.write_bytes(data)
        sums[variant] = sha256_bytes(data)
        print(f"  {bundle}  {len(data)} bytes  sha256 {sums[variant]}")
    (out / "SHA256SUMS").write_text("".join(f"{sums[v]}  pose_landmarker_{v}.task\n" for v in VARIANTS))
    return sums


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "assets" / "models", help="where the bundles go (default: assets/models)"
    )
    parser.add_argument("--work", type=Path, help="working folder, kept and reused (default: a temporary one)")
    parser.add_argument("--python", default=sys.executable, help="interpreter that creates the build venv (3.9-3.12)")
    parser.add_argument("--check", action="store_true", help="build in a temporary folder, compare with --out, write nothing")
    args = parser.parse_args(argv)
    work_arg: Path | None = args.work.resolve() if args.work else None
    if work_arg is not None and (ROOT / ".venv") in (work_arg, *work_arg.parents):
        parser.error("--work must not be inside the project's .venv")
    try:
        with tempfile.TemporaryDirectory(prefix="liike-pose-models-") as tmp:
            work = work_arg or Path(tmp)
            work.mkdir(parents=True, exist_ok=True)
            target = Path(tmp) / "out" if args.check else args.out
            sums = build(target, work, args.python)
            if args.check:
                for variant in VARIANTS:
                    name = f"pose_landmarker_{variant}.task"
                    committed = args.out / name
                    same = committed.is_file() and committed.read_bytes() == (target / name).read_bytes()
                    print(f"  {committed}: {'identical to the rebuild' if same else 'DIFFERS from the rebuild'}")
                    if not same:
                        return 1
    except BuildError as exc:
        print(f"build_pose_models: {exc}", file=sys.stderr)
        return 2
    recorded = recorded_sums()
    if sums != recorded:
        print(
            f"build_pose_models: the sums differ from MODEL_SHA256 in sensors/camera/models.py {recorded}; "
            "if the new inputs are intended, update MODEL_SHA256 and assets/models/README.md",
            file=sys.stderr,
        )
        return 1
    print("build_pose_models: bundles match MODEL_SHA256")
    return 0


if __name__ == "__main__":
    sys.exit(main())
