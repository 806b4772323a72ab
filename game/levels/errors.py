"""The one error type of level files, whatever the mode: one line naming file, line and field."""

from __future__ import annotations

import os

FILE_FIELD = "<file>"
YAML_FIELD = "<yaml>"
DOCUMENT_FIELD = "<document>"
LEVEL_FIELD = "<level>"


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines, tabs, U+2028 ...) into one space."""
    return " ".join(text.split())


def escape_breaks(text: str) -> str:
    """Keep a path readable but on one line: escape the characters ``str.splitlines`` breaks on."""
    return "".join(repr(c)[1:-1] if (c + "x").splitlines() != [c + "x"] else c for c in text)


class LevelError(Exception):
    """A level file (or level name) that cannot be used.

    Attributes:
        path: the file as given by the caller (``os.fspath`` of it), or the level name that was not found.
        line: 1-based line in the file, or None when the problem is not at a line (missing file, empty file).
        field: dotted path of the field, e.g. ``obstacles[3].at_m`` (0-based index); ``<file>`` for
            reading problems, ``<yaml>`` for syntax errors, ``<document>`` for the top level as a whole,
            ``<level>`` for an unknown level name.
        reason: what is wrong and, where possible, what was found.

    ``str(err)`` is always exactly one line: ``PATH:LINE: FIELD: REASON`` (``PATH: FIELD: REASON`` without a line).
    """

    def __init__(self, path: str | os.PathLike[str], line: int | None, field: str, reason: str) -> None:
        super().__init__(path, line, field, reason)
        self.path: str = os.fspath(path)
        self.line = line
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        where = escape_breaks(self.path)
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {one_line(self.field)}: {one_line(self.reason)}"
