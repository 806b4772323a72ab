"""Garmin's official FIT decoder (``garmin_fit_sdk``) for the export tests, fetched, never installed.

Its wheel also installs a top-level ``tests`` package, which would shadow this repository's own
``tests`` namespace (``from tests.game...`` imports then fail), so it is not a dependency: the
wheel is downloaded with pip into the test data cache (``tools/test_data.py``) and only its
``garmin_fit_sdk`` folder is unpacked and put on ``sys.path``. Offline, the tests that need it skip
with the reason.
"""

from __future__ import annotations

import importlib
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from tools.test_data import cache_dir

#: The SDK release the tests decode with (Garmin FIT SDK profile 21.218).
VERSION = "21.218.0"


def garmin_fit_sdk() -> ModuleType:
    """The ``garmin_fit_sdk`` module, fetched on first use; skips the test when it cannot be fetched."""
    target = cache_dir() / f"garmin_fit_sdk-{VERSION}"
    if not (target / "garmin_fit_sdk" / "__init__.py").exists():
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:", "-q", "-d", tmp]
            try:
                subprocess.run([*cmd, f"garmin-fit-sdk=={VERSION}"], check=True, capture_output=True, timeout=300)
            except (OSError, subprocess.SubprocessError) as exc:
                pytest.skip(f"Garmin's FIT decoder (garmin-fit-sdk {VERSION}) could not be fetched: {exc}")
            [wheel] = Path(tmp).glob("*.whl")
            partial = target.with_name(target.name + ".part")
            with zipfile.ZipFile(wheel) as z:
                z.extractall(partial, [m for m in z.namelist() if m.startswith("garmin_fit_sdk/")])
            partial.rename(target)
    if str(target) not in sys.path:
        sys.path.append(str(target))
    return importlib.import_module("garmin_fit_sdk")


def decode(path: Path) -> tuple[dict[str, list[dict[str, Any]]], list[Exception]]:
    """Decode a FIT file with Garmin's decoder after checking its integrity (header, sizes and CRC):
    (messages by name, errors). Fails the test when the integrity check fails."""
    sdk = garmin_fit_sdk()
    stream = sdk.Stream.from_file(str(path))
    decoder = sdk.Decoder(stream)
    assert decoder.is_fit(), f"{path} is not a FIT file"
    assert decoder.check_integrity(), f"{path} fails Garmin's integrity check (header, size or CRC)"
    # The integrity check reads the stream to its end: decode from a fresh one.
    messages, errors = sdk.Decoder(sdk.Stream.from_file(str(path))).read(convert_datetimes_to_dates=False)
    return messages, errors
