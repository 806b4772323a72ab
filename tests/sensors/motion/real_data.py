"""Validation tests load real recordings through tools/validate.py; offline, they skip."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import pytest

from tools.test_data import DataUnavailable

T = TypeVar("T")


def load_or_skip(load: Callable[[], T], what: str) -> T:
    """``load()``, or a skip naming ``what`` and why it could not be fetched."""
    try:
        return load()
    except DataUnavailable as exc:
        pytest.skip(f"{what} not available offline: {exc}")
