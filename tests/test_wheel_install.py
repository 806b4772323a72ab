"""Liike installed from a wheel, as a school or resort PC gets it, has its levels and pose models.

The slow test builds the wheel from a copy of the working tree (so no ``build/`` folder is left
in the repository and none from an earlier build leaks into the wheel), installs it, not
editable, into a fresh virtual environment, and runs ``liike models`` and a headless ``liike
play`` there from a folder outside the repository. The dependencies come from the package index
(pip's cache makes this quick after the first run).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from game.levels import packaged
from game.levels.packaged import packaged_levels_dir
from sensors.camera.models import MODEL_FILES, MODEL_SHA256

ROOT = Path(__file__).resolve().parents[1]
# What a wheel is built from is the working tree less these (caches, builds, local data).
NOT_SOURCE = shutil.ignore_patterns(
    ".git",
    ".venv*",  # this checkout's environments (.venv, the Bluetooth VM's .venv-vng)
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".pytest_cache",
    ".hypothesis",
    ".mypy_cache",
    ".ruff_cache",
    "*.sqlite",
    "*.sqlite-*",
    "screenshots",
)
MODEL_DATA = {"LICENSE", "README.md", "SHA256SUMS", *MODEL_FILES.values()}


def test_packaged_levels_dir_is_the_repository_levels_folder() -> None:
    # The editable install maps the package liike_levels onto levels/; each mode has a subfolder.
    assert packaged_levels_dir() == ROOT / "levels"
    assert {p.name for p in (packaged_levels_dir() / "runner").glob("*.yaml")} >= {"meadow.yaml"}


def test_packaged_levels_dir_in_a_checkout_that_is_not_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    def not_installed(package: str) -> Path:
        raise ModuleNotFoundError(f"No module named {package!r}", name=package)

    monkeypatch.setattr(packaged.resources, "files", not_installed)
    assert packaged_levels_dir() == ROOT / "levels"


def _run(args: list[str | Path], cwd: Path, env: dict[str, str], timeout_s: float) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([os.fspath(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout_s)
    assert done.returncode == 0, (
        f"{' '.join(map(str, args))} exited {done.returncode}\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    )
    return done


@pytest.mark.slow
def test_wheel_installed_in_a_fresh_venv_lists_its_models_and_plays(tmp_path: Path) -> None:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("LIIKE_") and k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")
    }
    home = tmp_path / "home"  # user folders (sessions, allow-list) away from the real ones
    env |= {
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
        "SDL_VIDEODRIVER": "dummy",
        "SDL_AUDIODRIVER": "dummy",
    }
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    # Build from a copy of the working tree (setuptools builds in-tree and keeps build/ around).
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    built = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--verbose", "--wheel-dir", tmp_path / "dist", source],
        tmp_path,
        env,
        600,
    )
    # No warning from the build backend (the `project.license` table was deprecated, for one).
    warnings = [line for line in (built.stdout + built.stderr).splitlines() if "Warning:" in line or "deprecat" in line.lower()]
    assert not warnings, warnings
    (wheel,) = (tmp_path / "dist").glob("liike-*.whl")

    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
    assert {n.removeprefix("liike_assets/models/") for n in names if n.startswith("liike_assets/models/")} == MODEL_DATA
    assert "game/input/bindings.yaml" in names and "liike_levels/README.md" in names
    # The texts in every language, the shared ones and each mode's.
    assert {f"game/strings/{lang}.yaml" for lang in ("en", "fi", "sv")} <= names
    assert "game/modes/runner/strings/fi.yaml" in names
    runner_levels = {n for n in names if n.startswith("liike_levels/runner/") and n.endswith(".yaml")}
    assert "liike_levels/runner/meadow.yaml" in runner_levels
    assert not [n for n in names if n.startswith("liike_levels/") and n.count("/") == 1 and n.endswith(".yaml")], (
        "levels belong in levels/<mode>/, not levels/ itself"
    )

    # A fresh environment and a plain (not editable) install; this pip installs into it. Without
    # byte-compiling the dependencies' sources, which halves the install (Python compiles what
    # the commands below import, as it would for any missing .pyc).
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", venv], tmp_path, env, 120)
    bindir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bindir / ("python.exe" if os.name == "nt" else "python")
    _run([sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-compile", wheel], tmp_path, env, 900)
    liike = bindir / ("liike.exe" if os.name == "nt" else "liike")

    # Everything is imported from the environment, nothing from the repository.
    where = _run(
        [
            python,
            "-c",
            "import game, sensors, liike_levels, liike_assets as a; "
            "print('\\n'.join(m.__file__ for m in (game, sensors, liike_levels, a)))",
        ],
        elsewhere,
        env,
        60,
    )
    for file in where.stdout.split():
        assert Path(file).is_relative_to(venv) and not Path(file).is_relative_to(ROOT), file

    table = _run([liike, "models"], elsewhere, env, 120).stdout
    for name in MODEL_FILES:
        assert next(line for line in table.splitlines() if line.startswith(f"{name} ")).split()[3] == "ok", table
    listed = json.loads(_run([liike, "models", "--json"], elsewhere, env, 120).stdout)
    assert [(m["name"], m["ok"], m["sha256"]) for m in listed] == [(n, True, MODEL_SHA256[n]) for n in MODEL_FILES]
    assert all(Path(m["path"]).is_relative_to(venv) for m in listed), listed

    db = tmp_path / "s.sqlite"
    played = _run([liike, "play", "--headless", "--input", "sim", "--seconds", "5", "--db", db], elsewhere, env, 180)
    summary = json.loads(played.stdout.strip().splitlines()[-1])
    assert summary["mode"] == "runner" and summary["frames"] > 0, summary
    assert db.is_file()
