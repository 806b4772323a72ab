"""Level files of every mode: where they live, how a name becomes a file, which mode reads it.

Each mode's levels are YAML files in ``levels/<mode>/`` (shipped with the package; the
environment variable ``LIIKE_LEVELS_DIR`` points at another folder laid out the same way). A
level file names its mode in its ``mode`` field; :func:`load_level` reads that field first and
hands the file to the mode's own model (:meth:`game.engine.modes.GameMode.load_level`). Every
problem is a :class:`LevelError` whose message is one line: ``FILE:LINE: FIELD: REASON``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import yaml
from yaml.nodes import MappingNode, ScalarNode

from game.engine.modes import LevelInfo, UnknownModeError, get_mode, mode_names
from sensors.settings import levels_dir_override
from game.levels.errors import DOCUMENT_FIELD, FILE_FIELD, LEVEL_FIELD, YAML_FIELD, LevelError
from game.levels.packaged import packaged_levels_dir

__all__ = [
    "LevelError",
    "LevelListing",
    "level_files",
    "levels_root",
    "list_levels",
    "load_level",
    "mode_levels_dir",
    "resolve_level",
]

LEVEL_SUFFIX = ".yaml"
#: Bytes read to find a file's ``mode`` before its mode validates it in full.
_PEEK_BYTES = 1_000_000


def levels_root() -> Path:
    """The folder holding one sub-folder of levels per mode: ``$LIIKE_LEVELS_DIR`` if set,
    else the levels shipped with the package."""
    override = levels_dir_override()
    if override is not None:
        return override
    return packaged_levels_dir()


def mode_levels_dir(mode: str, root: Path | None = None) -> Path:
    return (root if root is not None else levels_root()) / mode


def level_files(directory: Path) -> list[Path]:
    """The ``*.yaml`` files of a folder (not recursive, hidden files skipped), by name."""
    return sorted(p for p in directory.glob("*" + LEVEL_SUFFIX) if not p.name.startswith(".") and p.is_file())


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def resolve_level(name_or_path: str, mode: str, root: Path | None = None) -> Path:
    """Turn a level name (``meadow``) of ``mode`` or a file path into the path of a level file.

    An existing file wins; otherwise ``levels/<mode>/NAME.yaml`` (``NAME`` may carry the
    ``.yaml`` suffix). Raises :class:`LevelError` listing the mode's level names when neither
    exists. Does not validate the file.
    """
    try:
        if Path(name_or_path).is_file():
            return Path(name_or_path)
    except (OSError, ValueError):
        pass
    directory = mode_levels_dir(mode, root)
    stem = name_or_path[: -len(LEVEL_SUFFIX)] if name_or_path.endswith(LEVEL_SUFFIX) else name_or_path
    separators = {"/", os.sep} | ({os.altsep} if os.altsep else set())
    is_plain_name = bool(stem) and stem not in (".", "..") and not any(s in stem for s in separators)
    if is_plain_name:
        candidate = directory / (stem + LEVEL_SUFFIX)
        try:
            if candidate.is_file():
                return candidate
        except (OSError, ValueError):
            pass
    try:
        if not directory.is_dir():
            raise LevelError(name_or_path, None, LEVEL_FIELD, f"no such file, and the levels folder {directory} does not exist")
        names = [p.stem for p in level_files(directory)]
    except (OSError, ValueError):
        names = []
    available = f"available: {', '.join(names)}" if names else "no levels there"
    if not is_plain_name:
        raise LevelError(name_or_path, None, FILE_FIELD, f"no such file (level names in {directory}: {available})")
    raise LevelError(
        name_or_path, None, LEVEL_FIELD,
        f"no {mode} level named {_clip(stem)!r} in {directory}{_suggest(stem, names)}; {available}",
    )


def peek_mode(path: Path) -> str:
    """The ``mode`` a level file names, read without validating the rest (its mode does that).

    Raises :class:`LevelError` when the file cannot be read, is not YAML, or names no
    registered mode.
    """
    shown = os.fspath(path)
    try:
        if path.is_dir():
            raise LevelError(shown, None, FILE_FIELD, "is a folder, not a level file")
        with path.open("rb") as stream:
            data = stream.read(_PEEK_BYTES + 1)
    except FileNotFoundError:
        raise LevelError(shown, None, FILE_FIELD, "no such file") from None
    except PermissionError:
        raise LevelError(shown, None, FILE_FIELD, "cannot read the file: permission denied") from None
    except (OSError, ValueError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LevelError(shown, None, FILE_FIELD, f"cannot read the file: {detail}") from None
    if len(data) > _PEEK_BYTES:
        raise LevelError(shown, None, FILE_FIELD, f"file too large (a level is at most {_PEEK_BYTES} bytes)")
    try:
        root = yaml.compose(data.decode("utf-8-sig"), Loader=yaml.SafeLoader)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise LevelError(shown, line, FILE_FIELD, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = int(mark.line) + 1 if mark is not None else None
        raise LevelError(shown, line, YAML_FIELD, f"YAML syntax error: {getattr(exc, 'problem', None) or exc}") from None
    except RecursionError:
        raise LevelError(shown, None, YAML_FIELD, "YAML nesting is too deep") from None
    if root is None:
        raise LevelError(shown, None, FILE_FIELD, "the file is empty")
    if not isinstance(root, MappingNode):
        raise LevelError(shown, int(root.start_mark.line) + 1, DOCUMENT_FIELD, "expected a mapping of fields (schema, name, mode, ...)")
    for key, value in root.value:
        if isinstance(key, ScalarNode) and key.value == "mode":
            line = int(value.start_mark.line) + 1
            if not isinstance(value, ScalarNode) or value.tag != "tag:yaml.org,2002:str" or not value.value:
                raise LevelError(shown, line, "mode", f"must name a game mode: {', '.join(mode_names())}")
            if value.value not in mode_names():
                raise LevelError(shown, line, "mode",
                                 f"no game mode named {_clip(value.value)!r}{_suggest(value.value, mode_names())}; "
                                 f"modes: {', '.join(mode_names())}")
            return str(value.value)
    raise LevelError(shown, int(root.start_mark.line) + 1, "mode",
                     f"missing required field 'mode' (one of: {', '.join(mode_names())})")


def load_level(path: Path | str, mode: str | None = None) -> LevelInfo:
    """Read and validate one level file with its mode's model. With ``mode``, a file of another
    mode is refused. Raises :class:`LevelError` (and nothing else) on any problem."""
    file = Path(path)
    named = peek_mode(file)
    if mode is not None and named != mode:
        raise LevelError(os.fspath(path), None, "mode", f"is a {named} level, not a {mode} level")
    try:
        return get_mode(named).load_level(file)
    except UnknownModeError as exc:  # pragma: no cover - peek_mode checked the name
        raise LevelError(os.fspath(path), None, "mode", str(exc)) from None


class LevelListing(NamedTuple):
    """What :func:`list_levels` found: good levels (sorted) and the errors of broken files (in file-name order)."""

    levels: list[LevelInfo]
    errors: list[LevelError]


def list_levels(mode: str, root: Path | None = None) -> LevelListing:
    """Load every level file of ``mode`` (``levels/<mode>/*.yaml``).

    ``levels`` is sorted by difficulty, then name (case-insensitive), then file name; a file
    that fails to load is skipped and its :class:`LevelError` is collected in ``errors``. A
    missing or unreadable folder gives no levels and one error; this never raises LevelError.
    """
    directory = mode_levels_dir(mode, root)
    try:
        if not directory.is_dir():
            return LevelListing([], [LevelError(directory, None, FILE_FIELD, "levels folder does not exist")])
        files = level_files(directory)
    except OSError as exc:
        return LevelListing([], [LevelError(directory, None, FILE_FIELD, f"cannot list the levels folder: {exc.strerror or exc}")])
    levels: list[LevelInfo] = []
    errors: list[LevelError] = []
    for file in files:
        try:
            levels.append(load_level(file, mode))
        except LevelError as exc:
            errors.append(exc)
    levels.sort(key=lambda lv: (lv.difficulty, lv.name.casefold(), lv.path.name))
    return LevelListing(levels, errors)
