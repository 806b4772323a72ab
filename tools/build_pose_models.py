"""Build the shipped pose-landmarker bundles from registry packages, reproducibly.

MediaPipe 1.x (the Tasks API the game uses) ships no pose model, and its PoseLandmarker only
takes a ``.task`` bundle: a zip, stored not deflated, holding ``pose_detector.tflite`` and
``pose_landmarks_detector.tflite``, each with TFLite metadata describing the input image
normalisation. This script assembles those bundles from published packages:

- the person detector ``pose_detection.tflite`` from PyPI ``mediapipe==0.10.21``, whose
  metadata writer (absent from 1.x) adds the metadata;
- the landmark models ``pose_landmark_lite.tflite`` / ``pose_landmark_full.tflite`` from npm
  ``@mediapipe/pose@0.5.1675469404`` (Apache-2.0).

Metadata: image input normalisation mean 127.5 / std 127.5 for the detector and mean 0 /
std 255 for the landmarker (the values MediaPipe's own graphs feed these models), one feature
output per model output. Zip entries are written in a fixed order with a fixed timestamp, so
the bundles are byte-for-byte the same on every run; their SHA-256 sums are printed and must
match ``sensors/camera/models.py``.

Usage (needs python3, pip and npm; a few hundred MB in a temporary folder):
    python tools/build_pose_models.py [--out assets/models] [--work DIR]
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

MEDIAPIPE_LEGACY = "mediapipe==0.10.21"
NPM_POSE = "@mediapipe/pose@0.5.1675469404"
BUNDLE_TIME = (1980, 1, 1, 0, 0, 0)
VARIANTS = ("lite", "full")

# Runs inside the legacy virtual environment: adds metadata to one tflite model.
_ADD_METADATA = r'''
import sys
from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer, writer_utils
src, dst, mean, std, name = sys.argv[1], sys.argv[2], float(sys.argv[3]), float(sys.argv[4]), sys.argv[5]
model = bytearray(open(src, "rb").read())
writer = metadata_writer.MetadataWriter.create(model).add_general_info(name, "BlazePose " + name)
writer.add_image_input([mean], [std])
for tensor in writer_utils.get_output_tensor_names(model):
    writer.add_feature_output(name=tensor)
out, _ = writer.populate()
open(dst, "wb").write(out)
'''


def run(cmd: list[str], cwd: Path | None = None) -> None:
    print("+", " ".join(cmd), flush=True)
    subprocess.run(cmd, cwd=cwd, check=True)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write_bundle(path: Path, detector: Path, landmarker: Path) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
        for name, src in (("pose_detector.tflite", detector), ("pose_landmarks_detector.tflite", landmarker)):
            info = zipfile.ZipInfo(name, date_time=BUNDLE_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            info.create_system = 3
            z.writestr(info, src.read_bytes())


def build(out: Path, work: Path) -> dict[str, str]:
    venv = work / "legacy-venv"
    if not (venv / "bin" / "python").exists():
        run([sys.executable, "-m", "venv", str(venv)])
        run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", MEDIAPIPE_LEGACY])
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import mediapipe, os; print(os.path.dirname(mediapipe.__file__))"],
                          check=True, capture_output=True, text=True).stdout.strip()
    legacy = Path(site) / "modules"

    npm_dir = work / "npm"
    npm_dir.mkdir(exist_ok=True)
    run(["npm", "pack", NPM_POSE, "--silent"], cwd=npm_dir)
    tgz = next(npm_dir.glob("mediapipe-pose-*.tgz"))
    with tarfile.open(tgz) as tar:
        tar.extractall(npm_dir, filter="data")
    pkg = npm_dir / "package"
    # The npm full model must be the very file the PyPI package carries: one provenance, two sources.
    if sha256(pkg / "pose_landmark_full.tflite") != sha256(legacy / "pose_landmark" / "pose_landmark_full.tflite"):
        raise SystemExit("npm and PyPI pose_landmark_full.tflite differ: check the package versions")

    script = work / "add_metadata.py"
    script.write_text(_ADD_METADATA)
    detector = work / "pose_detector.tflite"
    run([str(py), str(script), str(legacy / "pose_detection" / "pose_detection.tflite"), str(detector), "127.5", "127.5", "pose_detector"])
    sums = {}
    out.mkdir(parents=True, exist_ok=True)
    for variant in VARIANTS:
        landmarker = work / f"pose_landmarks_detector_{variant}.tflite"
        run([str(py), str(script), str(pkg / f"pose_landmark_{variant}.tflite"), str(landmarker), "0", "255", f"pose_landmarks_{variant}"])
        bundle = out / f"pose_landmarker_{variant}.task"
        write_bundle(bundle, detector, landmarker)
        sums[variant] = sha256(bundle)
        print(f"{bundle}  {bundle.stat().st_size} bytes  sha256 {sums[variant]}")
    return sums


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parents[1] / "assets" / "models")
    parser.add_argument("--work", type=Path, help="working folder (kept); default: a temporary one")
    args = parser.parse_args()
    if args.work:
        args.work.mkdir(parents=True, exist_ok=True)
        build(args.out, args.work)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build(args.out, Path(tmp))
    return 0


if __name__ == "__main__":
    sys.exit(main())
