"""Read runner levels from YAML files into :class:`~game.modes.runner.level.Level` objects, strictly.

The schema is documented field by field in ``levels/README.md``. Every problem (an unreadable file,
a YAML syntax error, an unknown field, a wrong type, an impossible value) raises one
:class:`LevelError` whose ``str()`` is a single line naming the file, the line and the field::

    levels/bad.yaml:12: obstacles[3].at_m: must be less than length_m (400), got 420

How: the text is composed into a YAML node tree with ``yaml.compose(..., Loader=yaml.SafeLoader)``
(nothing is ever constructed from arbitrary tags) and the nodes are walked by hand, so each error
can point at the line of the offending key or value. Scalars are converted by PyYAML's own
``SafeConstructor`` so ``0x10``, ``1_000`` and ``1:30`` mean what YAML 1.1 says they mean.
The first problem found is reported (top-level fields in schema order, then obstacles in order).
"""

from __future__ import annotations

import difflib
import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, NoReturn

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.levels.errors import DOCUMENT_FIELD, FILE_FIELD, YAML_FIELD, LevelError
from game.modes.runner.level import OBSTACLE_KINDS, SCHEMA_VERSION, Level, Obstacle

__all__ = ["LevelError", "load_level", "parse_level"]

MODES: tuple[str, ...] = ("runner",)
"""The ``mode`` a runner level names."""

# Schema limits (levels/README.md documents each one).
NAME_MAX_CHARS = 60
DIFFICULTY_MIN, DIFFICULTY_MAX = 1, 5
LENGTH_MIN_M, LENGTH_MAX_M = 50.0, 20000.0
STRIDE_MIN_M, STRIDE_MAX_M, STRIDE_DEFAULT_M = 0.3, 3.0, 1.0
TIME_LIMIT_MAX_S = 86400.0
MIN_OBSTACLE_GAP_M = 4.0
MAX_CADENCE_SPM = 240.0
"""A time limit that needs a faster cadence than this (at the level's stride) cannot be met."""
MAX_FILE_BYTES = 1_000_000

TOP_FIELDS = ("schema", "name", "mode", "description", "difficulty", "length_m", "stride_m", "time_limit_s", "obstacles")
TOP_REQUIRED = ("schema", "name", "mode", "difficulty", "length_m", "obstacles")
OBSTACLE_FIELDS = ("at_m", "type")

_TAG = "tag:yaml.org,2002:"
_NULL, _BOOL, _INT, _FLOAT, _STR = (_TAG + t for t in ("null", "bool", "int", "float", "str"))
_MAP, _SEQ = _TAG + "map", _TAG + "seq"



# --------------------------------------------------------------------------------------------
# Formatting helpers for messages


def _fmt(value: float) -> str:
    """400.0 -> '400', 0.3 -> '0.3'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _tag(tag: str) -> str:
    """tag:yaml.org,2002:int -> !!int"""
    return "!!" + tag[len(_TAG):] if tag.startswith(_TAG) else tag


def _describe(node: Node) -> str:
    """What the user wrote, for 'got ...' in messages."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    assert isinstance(node, ScalarNode)
    text = str(node.value)
    if node.tag == _NULL:
        return "nothing (null)"
    if node.tag == _BOOL:
        return f"boolean {_clip(text)}"
    if node.tag in (_INT, _FLOAT):
        return _clip(text)
    if node.tag == _STR:
        return f"string {_clip(text)!r}"
    return f"{_tag(str(node.tag))} value {_clip(text)!r}"


def _suggest(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# The node walker


class _Fields(NamedTuple):
    node: MappingNode
    items: dict[str, tuple[ScalarNode, Node]]


class _Checker:
    """Validates one composed document; raises LevelError at the first problem."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.constructor = SafeConstructor()

    # -- error helpers ----------------------------------------------------------------------

    def fail(self, line: int | None, field: str, reason: str) -> NoReturn:
        raise LevelError(self.path, line, field, reason)

    @staticmethod
    def line(node: Node) -> int:
        return int(node.start_mark.line) + 1

    def value_line(self, key: Node, value: Node) -> int:
        """The value's line, except for an empty value (``name:``), which points at its key."""
        if isinstance(value, ScalarNode) and value.value == "" and value.style is None:
            return self.line(key)
        return self.line(value)

    # -- structure ----------------------------------------------------------------------------

    def mapping(self, node: Node, field: str, what: str) -> MappingNode:
        if not isinstance(node, MappingNode):
            self.fail(self.line(node), field, f"must be {what}, got {_describe(node)}")
        if node.tag != _MAP:
            self.fail(self.line(node), field, f"unsupported YAML tag {_tag(str(node.tag))}")
        return node

    def fields(self, node: MappingNode, prefix: str) -> _Fields:
        items: dict[str, tuple[ScalarNode, Node]] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                where = prefix.rstrip(".") or DOCUMENT_FIELD
                self.fail(self.line(key), where, f"field names must be plain words, got {_describe(key)} as a key")
            name = str(key.value)
            if name in items:
                first = self.line(items[name][0])
                self.fail(self.line(key), prefix + name, f"duplicate field (first given on line {first})")
            items[name] = (key, value)
        return _Fields(node, items)

    def reject_unknown(self, fields: _Fields, prefix: str, allowed: tuple[str, ...]) -> None:
        for name, (key, _value) in fields.items.items():
            if name in allowed:
                continue
            if name == "<<":
                self.fail(self.line(key), prefix + name, "merge keys (<<) are not supported; write the fields out")
            self.fail(
                self.line(key),
                prefix + name,
                f"unknown field {_clip(name)!r}{_suggest(name, allowed)}; allowed fields: {', '.join(allowed)}",
            )

    def require(self, fields: _Fields, prefix: str, required: tuple[str, ...]) -> None:
        for name in required:
            if name not in fields.items:
                self.fail(self.line(fields.node), prefix + name, f"missing required field {name!r}")

    # -- scalars ------------------------------------------------------------------------------

    def construct(self, key: Node, node: ScalarNode, field: str) -> object:
        try:
            return self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, KeyError, TypeError, ArithmeticError):
            self.fail(self.value_line(key, node), field, f"cannot read {_clip(str(node.value))!r} as {_tag(str(node.tag))}")

    def number(self, key: Node, node: Node, field: str) -> int | float:
        if isinstance(node, ScalarNode) and node.tag in (_INT, _FLOAT):
            value = self.construct(key, node, field)
            assert isinstance(value, (int, float)) and not isinstance(value, bool)
            if isinstance(value, float) and not math.isfinite(value):
                self.fail(self.value_line(key, node), field, f"must be a finite number, got {_describe(node)}")
            return value
        reason = f"must be a number, got {_describe(node)}"
        if isinstance(node, ScalarNode) and node.tag == _STR and _looks_numeric(str(node.value)):
            if node.style in ("'", '"'):
                reason += " (remove the quotes)"
            else:
                reason += " (YAML reads this as text; write a plain decimal like 1000 or 1.5)"
        self.fail(self.value_line(key, node), field, reason)

    def integer(self, key: Node, node: Node, field: str) -> int:
        if isinstance(node, ScalarNode) and node.tag == _INT:
            value = self.construct(key, node, field)
            assert isinstance(value, int) and not isinstance(value, bool)
            return value
        self.fail(self.value_line(key, node), field, f"must be a whole number, got {_describe(node)}")

    def string(self, key: Node, node: Node, field: str) -> str:
        if isinstance(node, ScalarNode) and node.tag == _STR:
            return str(node.value)
        hint = ""
        if isinstance(node, ScalarNode) and node.tag in (_BOOL, _INT, _FLOAT, _NULL):
            hint = " (put it in quotes to make it text)"
        self.fail(self.value_line(key, node), field, f"must be a string, got {_describe(node)}{hint}")

    def choice(self, key: Node, node: Node, field: str, choices: tuple[str, ...]) -> str:
        value = self.string(key, node, field)
        if value not in choices:
            self.fail(
                self.value_line(key, node),
                field,
                f"must be one of: {', '.join(choices)}, got {_clip(value)!r}{_suggest(value, choices)}",
            )
        return value

    def in_range(
        self, key: Node, node: Node, field: str, value: float, lo: float, hi: float, unit: str = ""
    ) -> None:
        if not lo <= value <= hi:
            self.fail(
                self.value_line(key, node),
                field,
                f"must be between {_fmt(lo)} and {_fmt(hi)}{unit}, got {_describe(node)}",
            )

    @staticmethod
    def is_null(node: Node) -> bool:
        return isinstance(node, ScalarNode) and node.tag == _NULL

    # -- the document -------------------------------------------------------------------------

    def level(self, root: Node | None, path: Path) -> Level:
        if root is None:
            self.fail(None, DOCUMENT_FIELD, "the file has no content, only comments or blank lines")
        top = self.mapping(root, DOCUMENT_FIELD, "a mapping of fields (schema, name, mode, ...)")
        fields = self.fields(top, "")
        items = fields.items

        # schema first: if the version is wrong, nothing else is worth reporting.
        if "schema" not in items:
            self.fail(self.line(top), "schema", f"missing required field 'schema' (write 'schema: {SCHEMA_VERSION}')")
        key, node = items["schema"]
        schema = self.integer(key, node, "schema")
        if schema != SCHEMA_VERSION:
            self.fail(
                self.value_line(key, node),
                "schema",
                f"unsupported schema version {_describe(node)}; this Liike reads schema {SCHEMA_VERSION}",
            )
        self.reject_unknown(fields, "", TOP_FIELDS)
        self.require(fields, "", TOP_REQUIRED)

        key, node = items["name"]
        name = self.string(key, node, "name").strip()
        if not name:
            self.fail(self.value_line(key, node), "name", "must not be empty")
        if len(name.splitlines()) > 1:
            self.fail(self.value_line(key, node), "name", "must be a single line")
        if len(name) > NAME_MAX_CHARS:
            self.fail(self.value_line(key, node), "name", f"must be at most {NAME_MAX_CHARS} characters, got {len(name)}")

        key, node = items["mode"]
        mode = self.choice(key, node, "mode", MODES)

        description = ""
        if "description" in items and not self.is_null(items["description"][1]):
            key, node = items["description"]
            description = self.string(key, node, "description")

        key, node = items["difficulty"]
        difficulty = self.integer(key, node, "difficulty")
        self.in_range(key, node, "difficulty", difficulty, DIFFICULTY_MIN, DIFFICULTY_MAX)

        key, node = items["length_m"]
        length_m = self.number(key, node, "length_m")
        self.in_range(key, node, "length_m", length_m, LENGTH_MIN_M, LENGTH_MAX_M, " metres")
        length_m = float(length_m)

        stride_m = STRIDE_DEFAULT_M
        if "stride_m" in items and not self.is_null(items["stride_m"][1]):
            key, node = items["stride_m"]
            stride = self.number(key, node, "stride_m")
            self.in_range(key, node, "stride_m", stride, STRIDE_MIN_M, STRIDE_MAX_M, " metres")
            stride_m = float(stride)

        time_limit_s: float | None = None
        if "time_limit_s" in items and not self.is_null(items["time_limit_s"][1]):
            key, node = items["time_limit_s"]
            limit = self.number(key, node, "time_limit_s")
            if not 0 < limit <= TIME_LIMIT_MAX_S:
                self.fail(
                    self.value_line(key, node),
                    "time_limit_s",
                    f"must be greater than 0 and at most {_fmt(TIME_LIMIT_MAX_S)} seconds, got {_describe(node)}",
                )
            time_limit_s = float(limit)
            needed_spm = length_m / time_limit_s / stride_m * 60.0
            if needed_spm > MAX_CADENCE_SPM:
                self.fail(
                    self.value_line(key, node),
                    "time_limit_s",
                    f"too short: {_fmt(length_m)} m in {_fmt(time_limit_s)} s at stride {_fmt(stride_m)} m needs "
                    f"{needed_spm:.0f} steps/min, more than the {_fmt(MAX_CADENCE_SPM)} a player can keep up",
                )

        key, node = items["obstacles"]
        obstacles = self.obstacles(key, node, length_m)

        return Level(
            path=path,
            schema=schema,
            name=name,
            mode=mode,
            description=description,
            difficulty=difficulty,
            length_m=length_m,
            stride_m=stride_m,
            time_limit_s=time_limit_s,
            obstacles=obstacles,
        )

    def obstacles(self, key: Node, node: Node, length_m: float) -> tuple[Obstacle, ...]:
        if not isinstance(node, SequenceNode):
            self.fail(
                self.value_line(key, node),
                "obstacles",
                f"must be a list (write 'obstacles: []' for none), got {_describe(node)}",
            )
        if node.tag != _SEQ:
            self.fail(self.line(node), "obstacles", f"unsupported YAML tag {_tag(str(node.tag))}")
        result: list[Obstacle] = []
        prev: tuple[str, float] | None = None
        for index, item in enumerate(node.value):
            prefix = f"obstacles[{index}]"
            item_map = self.mapping(item, prefix, "a mapping with at_m and type")
            fields = self.fields(item_map, prefix + ".")
            self.reject_unknown(fields, prefix + ".", OBSTACLE_FIELDS)
            self.require(fields, prefix + ".", OBSTACLE_FIELDS)

            at_key, at_node = fields.items["at_m"]
            field = prefix + ".at_m"
            at_m = self.number(at_key, at_node, field)
            at_line = self.value_line(at_key, at_node)
            if not at_m > 0:
                self.fail(at_line, field, f"must be greater than 0 (the start line), got {_describe(at_node)}")
            if not at_m < length_m:
                self.fail(at_line, field, f"must be less than length_m ({_fmt(length_m)}), got {_describe(at_node)}")
            at_m = float(at_m)
            if prev is not None:
                prev_field, prev_at = prev
                if not at_m > prev_at:
                    self.fail(
                        at_line,
                        field,
                        f"must be greater than {prev_field} ({_fmt(prev_at)}): obstacles go in order along "
                        f"the track, got {_describe(at_node)}",
                    )
                if at_m - prev_at < MIN_OBSTACLE_GAP_M:
                    self.fail(
                        at_line,
                        field,
                        f"must be at least {_fmt(MIN_OBSTACLE_GAP_M)} m after {prev_field} ({_fmt(prev_at)}), "
                        f"got {_describe(at_node)} ({_fmt(round(at_m - prev_at, 6))} m apart)",
                    )

            type_key, type_node = fields.items["type"]
            kind = self.choice(type_key, type_node, prefix + ".type", OBSTACLE_KINDS)

            result.append(Obstacle(at_m=at_m, kind=kind))
            prev = (field, at_m)
        return tuple(result)


# --------------------------------------------------------------------------------------------
# Public API


def _yaml_error(path: str, text: str, exc: yaml.YAMLError) -> LevelError:
    if isinstance(exc, yaml.MarkedYAMLError):
        mark = exc.problem_mark or exc.context_mark
        line = int(mark.line) + 1 if mark is not None else None
        parts: list[str] = []
        if exc.context:
            context = str(exc.context)
            ctx_mark = exc.context_mark
            if ctx_mark is not None and mark is not None and ctx_mark.line != mark.line:
                context += f" (from line {int(ctx_mark.line) + 1})"
            parts.append(context)
        if exc.problem:
            parts.append(str(exc.problem))
        if exc.note:
            parts.append(str(exc.note))
        reason = "YAML syntax error: " + ("; ".join(parts) or "unreadable YAML")
        return LevelError(path, line, YAML_FIELD, reason)
    if isinstance(exc, yaml.reader.ReaderError):
        position = int(exc.position)
        line = text.count("\n", 0, position) + 1
        char = exc.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        return LevelError(path, line, YAML_FIELD, f"YAML cannot read character {shown}: {exc.reason}")
    first = (str(exc).splitlines() or ["unreadable YAML"])[0]
    return LevelError(path, None, YAML_FIELD, f"YAML error: {first}")


def parse_level(source: str | bytes, path: Path | str = "<string>") -> Level:
    """Validate level text (or the raw bytes of a file) and return the Level.

    ``path`` is only used to label errors and is stored in ``Level.path``. Raises :class:`LevelError`,
    and nothing else, for any input.
    """
    shown = os.fspath(path)
    if isinstance(source, bytes):
        if len(source) > MAX_FILE_BYTES:
            raise LevelError(shown, None, FILE_FIELD, f"file too large ({len(source)} bytes; a level is at most {MAX_FILE_BYTES})")
        data = source[3:] if source.startswith(b"\xef\xbb\xbf") else source
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise LevelError(
                shown,
                line,
                FILE_FIELD,
                f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded",
            ) from None
    else:
        text = source
        if len(text) > MAX_FILE_BYTES:
            raise LevelError(shown, None, FILE_FIELD, f"file too large ({len(text)} characters; a level is at most {MAX_FILE_BYTES})")
    if not text.strip():
        raise LevelError(shown, None, FILE_FIELD, "the file is empty")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        raise _yaml_error(shown, text, exc) from None
    except RecursionError:
        raise LevelError(shown, None, YAML_FIELD, "YAML nesting is too deep") from None
    return _Checker(shown).level(root, Path(path))


def load_level(path: Path | str) -> Level:
    """Read and validate one level file. Raises :class:`LevelError` (and nothing else) on any problem.

    Errors name the path exactly as given here; ``Level.path`` is ``Path(path)`` (not resolved).
    """
    shown = os.fspath(path)
    try:
        file = Path(path)
        if file.is_dir():
            raise LevelError(shown, None, FILE_FIELD, "is a folder, not a level file")
        with file.open("rb") as stream:
            data = stream.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise LevelError(shown, None, FILE_FIELD, "no such file") from None
    except IsADirectoryError:
        raise LevelError(shown, None, FILE_FIELD, "is a folder, not a level file") from None
    except PermissionError:
        raise LevelError(shown, None, FILE_FIELD, "cannot read the file: permission denied") from None
    except (OSError, ValueError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise LevelError(shown, None, FILE_FIELD, f"cannot read the file: {detail}") from None
    return parse_level(data, path)
