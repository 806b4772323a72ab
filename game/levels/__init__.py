"""Level files of every mode: where they live, how a name becomes a file, which mode reads it.

Each mode's levels are YAML files in ``levels/<mode>/`` (shipped with the package; the
environment variable ``LIIKE_LEVELS_DIR`` points at another folder laid out the same way). A
level file names its mode in its ``mode`` field; :func:`load_level` reads the file once
(:mod:`sensors.config_yaml`), checks its schema version and mode, and validates it against that
mode's level model (:attr:`game.engine.modes.GameMode.level_model`). Every
problem is a :class:`LevelError` whose message is one line: ``FILE:LINE: FIELD: REASON``.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any, NamedTuple

from game.engine.modes import GameMode, LevelInfo, get_mode, mode_names
from game.levels.errors import FILE_FIELD, LEVEL_FIELD, LevelError
from game.levels.model import SCHEMA_VERSION, SchemaVersion
from game.levels.packaged import packaged_levels_dir
from sensors.config_yaml import ConfigDocument, ConfigError, json_schema, parse_document, read_document
from sensors.settings import levels_dir_override

__all__ = [
    "LevelError",
    "LevelListing",
    "level_files",
    "level_schema",
    "levels_root",
    "list_levels",
    "load_level",
    "mode_levels_dir",
    "parse_level",
    "peek_mode",
    "resolve_level",
]

LEVEL_SUFFIX = ".yaml"


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
        exists = directory.is_dir()
        names = [p.stem for p in level_files(directory)] if exists else []
    except (OSError, ValueError):
        exists, names = True, []
    if not exists:
        raise LevelError(name_or_path, None, LEVEL_FIELD, f"no such file, and the levels folder {directory} does not exist")
    available = f"available: {', '.join(names)}" if names else "no levels there"
    if not is_plain_name:
        raise LevelError(name_or_path, None, FILE_FIELD, f"no such file (level names in {directory}: {available})")
    raise LevelError(
        name_or_path,
        None,
        LEVEL_FIELD,
        f"no {mode} level named {_clip(stem)!r} in {directory}{_suggest(stem, names)}; {available}",
    )


def _read(path: Path | None, source: str | bytes | None = None, label: str = "<string>") -> ConfigDocument:
    """The file's (or the text's) document, its schema version checked first (when it is not
    this code's, nothing else is worth reporting)."""
    try:
        document = read_document(path) if path is not None else parse_document(source or "", label)
    except ConfigError as exc:
        raise LevelError.of(exc) from None
    try:
        document.validate(SchemaVersion)
    except ConfigError as exc:
        if exc.field == "schema" and document.node_at("schema") is not None:
            exc = document.error("schema", f"unsupported schema version {{got}}; this Liike reads schema {SCHEMA_VERSION}")
        raise LevelError.of(exc) from None
    return document


def _mode_of(document: ConfigDocument) -> GameMode:
    """The registered mode a level document names in its ``mode`` field."""
    data = document.data
    named = data.get("mode") if isinstance(data, dict) else None
    modes = mode_names()
    if named is None:
        raise LevelError.of(document.error("mode", f"required field missing (one of: {', '.join(modes)})"))
    if not isinstance(named, str) or named not in modes:
        shown = _clip(named) if isinstance(named, str) else "{got}"
        hint = _suggest(named, modes) if isinstance(named, str) else ""
        raise LevelError.of(
            document.error(
                "mode",
                f"no game mode named {shown!r}{hint}; modes: {', '.join(modes)}"
                if isinstance(named, str)
                else f"must name a game mode ({', '.join(modes)}), got {shown}",
            )
        )
    return get_mode(named)


def peek_mode(path: Path) -> str:
    """The registered mode a level file names, read without validating the rest.

    Raises :class:`LevelError` when the file cannot be read, is not YAML, or names no
    registered mode.
    """
    return _mode_of(_read(path)).name


def load_level(path: Path | str, mode: str | None = None) -> LevelInfo:
    """Read and validate one level file against its mode's level model. With ``mode``, a file of
    another mode is refused. Raises :class:`LevelError` (and nothing else) on any problem."""
    return _level(_read(Path(path)), Path(path), mode)


def parse_level(source: str | bytes, path: Path | str = "<string>", mode: str | None = None) -> LevelInfo:
    """:func:`load_level` for level text (or a file's raw bytes); ``path`` labels errors."""
    return _level(_read(None, source, os.fspath(path)), Path(path), mode)


def _level(document: ConfigDocument, file: Path, mode: str | None) -> LevelInfo:
    game_mode = _mode_of(document)
    if mode is not None and game_mode.name != mode:
        raise LevelError.of(document.error("mode", f"is a {game_mode.name} level, not a {mode} level"))
    try:
        spec = document.validate(game_mode.level_model)
    except ConfigError as exc:
        raise LevelError.of(exc) from None
    return game_mode.make_level(spec, file)


def level_schema(mode: GameMode) -> dict[str, Any]:
    """The JSON Schema of a mode's level files, for editors (the YAML language server)."""
    schema = json_schema(mode.level_model)
    schema.setdefault("title", f"Liike {mode.title} level")
    return schema


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
        return LevelListing(
            [], [LevelError(directory, None, FILE_FIELD, f"cannot list the levels folder: {exc.strerror or exc}")]
        )
    levels: list[LevelInfo] = []
    errors: list[LevelError] = []
    for file in files:
        try:
            levels.append(load_level(file, mode))
        except LevelError as exc:
            errors.append(exc)
    levels.sort(key=lambda lv: (lv.difficulty, lv.name.casefold(), lv.path.name))
    return LevelListing(levels, errors)
