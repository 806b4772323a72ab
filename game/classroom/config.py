"""``class.yaml``: the class board's settings on the teacher's PC, read strictly.

The file lives beside the allow-list and the roster (the user configuration folder, or the folder
of ``$LIIKE_SENSORS_FILE``). Every field may be left out; a missing or empty file is the defaults.
It is read by :mod:`sensors.config_yaml`, so duplicate keys, unknown fields, wrong types and
out-of-range values are errors naming the file, line and field. Example::

    keep_days: 30   # lessons that began more than 30 days ago are deleted when the board starts

``keep_days`` (days, more than 0 and at most :data:`KEEP_DAYS_MAX`): how long stored lessons are
kept. Without it lessons are kept until they are deleted by hand (``liike sessions delete``).
``liike class --keep-days DAYS`` overrides it for one run.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field

from sensors.config_yaml import ConfigError, ConfigFileMissing, ConfigModel, read_document

CLASS_FILE = "class.yaml"
#: Ten years: a longer retention is a typing slip (days written as hours, say), not a school's policy.
KEEP_DAYS_MAX = 3650.0


class ClassConfigError(ConfigError):
    """A ``class.yaml`` that cannot be used; ``str()`` is one line ``FILE:LINE: FIELD: REASON``."""


class ClassFile(ConfigModel):
    """A ``class.yaml`` file."""

    keep_days: Annotated[float, Field(gt=0, le=KEEP_DAYS_MAX)] | None = None


@dataclass(frozen=True, slots=True)
class ClassConfig:
    #: Days a lesson is kept after it began; None: kept until deleted by hand.
    keep_days: float | None = None
    #: The file the settings came from; None when there was none.
    path: Path | None = None


def default_path(sensors_file: Path | None = None) -> Path:
    """``class.yaml`` beside the allow-list ``sensors_file`` (default: the user configuration
    folder, or the folder of ``$LIIKE_SENSORS_FILE``), where the roster is too."""
    from sensors.ble import allowlist

    return (sensors_file or allowlist.default_path()).parent / CLASS_FILE


def load(path: str | os.PathLike[str]) -> ClassConfig:
    """The settings in ``path``; a missing file gives the defaults. Raises
    :class:`ClassConfigError` (``FILE:LINE: FIELD: REASON``) for a file that cannot be used."""
    try:
        spec = read_document(path).validate(ClassFile, allow_empty=True)
    except ConfigFileMissing:
        return ClassConfig()
    except ConfigError as exc:
        raise ClassConfigError(exc.path, exc.line, exc.field, exc.reason) from None
    return ClassConfig(keep_days=spec.keep_days, path=Path(path))
