"""YAML files the user edits, read strictly into typed pydantic models with errors at file, line and field.

One helper for every such file (the Bluetooth allow-list, key and motion bindings, levels). A
schema is a pydantic model (subclass :class:`ConfigModel`); the file is read like this:

1. **Read** (:func:`read_document`): at most :data:`MAX_FILE_BYTES`, UTF-8 (a byte-order mark is
   skipped); a missing, unreadable or undecodable file is a :class:`ConfigError` naming the file.
2. **Compose** with PyYAML's ``SafeLoader`` node API (``yaml.compose``): nothing is ever
   constructed from a tag, and every value keeps its node, hence its line. On the node tree:

   - a duplicate key, at any depth, is an error at the second occurrence's line;
   - tags other than the standard ones (``!!python/...``, ``!!binary``, ``!custom``) are refused,
     so are merge keys (``<<``) and aliases (``*name``): an alias is turned into a marker while the
     tree is composed, so an alias bomb ("billion laughs") never expands;
   - nesting deeper than :data:`MAX_DEPTH` is refused;
   - scalars are converted by PyYAML's own ``SafeConstructor``, so values mean what YAML 1.1 says
     (``0x10`` is 16, ``1_000`` is 1000, ``yes`` is true, ``1:30`` is 90). Two deliberate
     exceptions: mapping **keys** are the text as written (``no:`` is the key ``"no"``, as in
     YAML 1.2 and in editors, not ``False``), and a date (``2024-05-31``) is passed on as the text
     written, which a ``date`` field parses and a ``str`` field keeps verbatim.

3. **Validate** (:meth:`ConfigDocument.validate`) against the model in pydantic's strict mode,
   through pydantic's JSON input path: strict JSON validation accepts a list for a tuple field
   and an int for a float field, and refuses a bool or a string where a number is expected
   (https://docs.pydantic.dev/latest/concepts/json/ and the conversion table at
   https://docs.pydantic.dev/latest/concepts/conversion_table/). :class:`ConfigModel` also sets
   ``allow_inf_nan=False``, so ``.nan`` and ``.inf`` are refused wherever a float is read.
4. **Report** the first problem in document order as one :class:`ConfigError` whose ``str()`` is a
   single line ``FILE:LINE: FIELD: REASON``, e.g.
   ``levels/bad.yaml:13: obstacles[3].at_m: must be at most 400, got 420``. Each pydantic error's
   location is mapped back to the YAML node: the value's line; an empty value (``name:``) points
   at its key; a missing field at the line of the mapping that lacks it. Reasons are plain
   language and say what was found (``must be a number, got string '400' (remove the quotes)``,
   ``unknown field 'lenght_m' (did you mean 'length_m'?)``, ``required field missing``).

Cross-field rules. Inside a model, a validator raises :class:`FieldError` with the path of the
offending field relative to that model (``FieldError(("obstacles", 3, "at_m"), "must be ...")``),
or a plain ``ValueError`` to blame the field (or model) it validates; in either message ``{got}``
is replaced by what the file says at that place (``got 43.5``). After validation, a caller can
check more and blame a field with ``document.error("obstacles[3].at_m", "...")``, whose line comes
from :meth:`ConfigDocument.line_of`.

Text as written. A field annotated ``Annotated[str, VERBATIM]`` takes any plain scalar as the
text written: ``label: 007`` is ``"007"`` (not the YAML 1.1 octal 7), ``address:
12:34:56:12:34:56`` stays an address (not a base-60 number), ``label: yes`` is ``"yes"``.

:func:`json_schema` gives the JSON Schema (draft-07, the draft the YAML language server
supports: https://github.com/redhat-developer/vscode-yaml#associating-schemas) for editors.
"""

from __future__ import annotations

import ast
import collections.abc
import difflib
import enum
import json
import math
import os
import re
import types
import typing
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeGuard, TypeVar, Union, get_args, get_origin

import annotated_types
import yaml
from pydantic import BaseModel, ConfigDict, GetJsonSchemaHandler, ValidationError
from pydantic.fields import FieldInfo
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from yaml.constructor import SafeConstructor
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

__all__ = [
    "DOCUMENT_FIELD",
    "FILE_FIELD",
    "MAX_DEPTH",
    "MAX_FILE_BYTES",
    "VERBATIM",
    "YAML_FIELD",
    "ConfigDocument",
    "ConfigError",
    "ConfigFileMissing",
    "ConfigModel",
    "FieldError",
    "printable_line",
    "FieldPath",
    "describe_node",
    "format_field",
    "json_schema",
    "load_model",
    "parse_document",
    "parse_field",
    "parse_model",
    "read_document",
]

MAX_FILE_BYTES = 1_000_000
"""Largest file read (bytes; characters for text given directly)."""
MAX_DEPTH = 50
"""Deepest nesting of lists and mappings read."""

FILE_FIELD = "<file>"
"""Field of errors about the file itself: missing, unreadable, too large, not UTF-8, empty."""
YAML_FIELD = "<yaml>"
"""Field of YAML syntax errors."""
DOCUMENT_FIELD = "<document>"
"""Field of errors about the document as a whole: only comments, not a mapping, a model-wide rule."""

FieldPath = str | Sequence[str | int]
"""A field as ``"obstacles[3].at_m"`` or as ``("obstacles", 3, "at_m")``."""
Loc = tuple[str | int, ...]

M = TypeVar("M", bound=BaseModel)

_TAG = "tag:yaml.org,2002:"
_NULL, _BOOL, _INT, _FLOAT, _STR, _TIMESTAMP = (_TAG + t for t in ("null", "bool", "int", "float", "str", "timestamp"))
_MAP, _SEQ, _MERGE = _TAG + "map", _TAG + "seq", _TAG + "merge"
_SCALAR_TAGS = frozenset({_NULL, _BOOL, _INT, _FLOAT, _STR, _TIMESTAMP})
_MAX_INT_BITS = 1024  # beyond any float; also keeps clear of Python's limit on digits in int-to-text conversion
_ALIAS_TAG = "!<liike-alias>"  # the marker an alias becomes; no YAML document can write this tag


# --------------------------------------------------------------------------------------------
# Errors


def _one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines, tabs, U+2028 ...) into one space."""
    return " ".join(text.split())


def _escape_breaks(text: str) -> str:
    """Keep a path readable but on one line: escape the characters ``str.splitlines`` breaks on."""
    return "".join(repr(c)[1:-1] if (c + "x").splitlines() != [c + "x"] else c for c in text)


class ConfigError(ValueError):
    """A configuration file (or text) that cannot be used.

    Attributes:
        path: the file as given (``os.fspath`` of it), or the label given for text.
        line: 1-based line, or None when the problem is not at a line (missing or empty file).
        field: dotted path of the field (``obstacles[3].at_m``); :data:`FILE_FIELD` for reading
            problems, :data:`YAML_FIELD` for syntax errors, :data:`DOCUMENT_FIELD` for the whole document.
        reason: what is wrong, in plain language, and what was found.

    ``str(err)`` is always exactly one line: ``PATH:LINE: FIELD: REASON`` (``PATH: FIELD: REASON``
    without a line). Subclasses (one per kind of file) keep this constructor.
    """

    def __init__(self, path: str | os.PathLike[str], line: int | None, field: str, reason: str) -> None:
        super().__init__(path, line, field, reason)
        self.path: str = os.fspath(path)
        self.line = line
        self.field = field
        self.reason = reason

    def __str__(self) -> str:
        where = _escape_breaks(self.path)
        if self.line is not None:
            where += f":{self.line}"
        return f"{where}: {_one_line(self.field)}: {_one_line(self.reason)}"


class ConfigFileMissing(ConfigError):
    """The file does not exist (a caller may treat that as an empty configuration)."""


class FieldError(ValueError):
    """Raise in a validator to blame a field by its path relative to what the validator checks
    (the model for a model validator, the field for a field validator).

    ``FieldError(("obstacles", 3, "at_m"), "must be greater than obstacles[2].at_m (40), got {got}")``
    (or ``"obstacles[3].at_m"``); ``{got}`` becomes what the file says there (``nothing (not
    given)`` for a field the file leaves out).
    """

    def __init__(self, field: FieldPath, reason: str) -> None:
        super().__init__(reason)
        self.at: Loc = parse_field(field) if isinstance(field, str) else tuple(field)
        self.reason = reason


# --------------------------------------------------------------------------------------------
# Field paths


_PLAIN_KEY = re.compile(r"[^\s.\[\]'\"]+")
_INDEX_OR_KEY = re.compile(r"\[(?:(\d+)|('(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"))\]")


def format_field(path: Sequence[str | int]) -> str:
    """``("obstacles", 3, "at_m")`` -> ``obstacles[3].at_m``; keys that are not plain words are quoted: ``a['b c']``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif _PLAIN_KEY.fullmatch(part):
            out += f".{part}" if out else part
        else:
            out += f"[{part!r}]"
    return out


def parse_field(text: str) -> Loc:
    """The inverse of :func:`format_field`: ``obstacles[3].at_m`` -> ``("obstacles", 3, "at_m")``."""
    parts: list[str | int] = []
    pos = 0
    while pos < len(text):
        bracket = _INDEX_OR_KEY.match(text, pos)
        if bracket is not None:
            index, quoted = bracket.groups()
            parts.append(int(index) if index is not None else str(ast.literal_eval(quoted)))
            pos = bracket.end()
            continue
        if parts:
            if text[pos] != ".":
                raise ValueError(f"not a field path: {text!r}")
            pos += 1
        word = _PLAIN_KEY.match(text, pos)
        if word is None:
            raise ValueError(f"not a field path: {text!r}")
        parts.append(word.group())
        pos = word.end()
    return tuple(parts)


def _as_loc(field: FieldPath) -> Loc:
    return parse_field(field) if isinstance(field, str) else tuple(field)


# --------------------------------------------------------------------------------------------
# Describing what the file says, for "got ..." in messages


def _clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _tag(tag: str) -> str:
    """tag:yaml.org,2002:int -> !!int"""
    return "!!" + tag[len(_TAG) :] if tag.startswith(_TAG) else tag


def printable_line(text: str, max_chars: int) -> str:
    """``text`` if it can be shown as one line of a title or label, else ValueError saying why.

    Refused: blank text, more than one line (any character ``str.splitlines`` breaks on), more
    than ``max_chars`` characters, and characters no font draws: control characters (an escaped
    NUL, U+0085), lone surrogates, private-use and unassigned code points (Unicode general
    categories Cc, Cs, Co, Cn).
    """
    if not text.strip():
        raise ValueError("must not be empty")
    if len((text + "x").splitlines()) > 1:
        raise ValueError("must be a single line")
    if len(text) > max_chars:
        raise ValueError(f"must be at most {max_chars} characters, got {len(text)}")
    bad = next((c for c in text if unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn")), None)
    if bad is not None:
        raise ValueError(f"must be printable text, got the character U+{ord(bad):04X}")
    return text


def describe_node(node: Node) -> str:
    """What the user wrote, for ``got ...``: ``string '400'``, ``boolean yes``, ``420``, ``a list``."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    text = str(node.value)
    if node.tag == _NULL:
        return "nothing (null)"
    if node.tag == _BOOL:
        return f"boolean {_clip(text)}"
    if node.tag in (_INT, _FLOAT):
        return _clip(text)
    if node.tag == _STR:
        return f"string {_clip(text)!r}"
    if node.tag == _TIMESTAMP:
        return f"date {_clip(text)}"
    return f"{_tag(str(node.tag))} value {_clip(text)!r}"


_NOT_GIVEN = "nothing (not given)"


def _describe_value(value: object) -> str:
    """Like :func:`describe_node`, for a value that has no node (produced by a validator)."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return _clip(repr(value))
    if isinstance(value, str):
        return f"string {_clip(value)!r}"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return _clip(repr(value))


def _fmt(value: object) -> str:
    """400.0 -> '400', 0.3 -> '0.3'."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _suggest(word: str, choices: Sequence[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace("_", ""))
    except ValueError:
        return False
    return True


def _join_or(words: Sequence[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


# --------------------------------------------------------------------------------------------
# Composing: the node tree, with aliases turned into markers


class _Loader(yaml.SafeLoader):
    """SafeLoader whose composer never resolves an alias: it leaves a marker node at the alias.

    The stock composer returns the anchored node itself, so ``*a`` repeated shares nodes and a
    walk over the tree expands them (the "billion laughs" attack); a marker cannot expand, and it
    carries the alias's own line, so the error points there.
    """

    def compose_node(self, parent: Node | None, index: int) -> Node | None:
        if self.check_event(AliasEvent):
            event: Any = self.get_event()  # type: ignore[no-untyped-call]
            return ScalarNode(_ALIAS_TAG, str(event.anchor), event.start_mark, event.end_mark)
        return super().compose_node(parent, index)


def _yaml_error(path: str, text: str, exc: yaml.YAMLError) -> ConfigError:
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
        return ConfigError(path, line, YAML_FIELD, "not valid YAML: " + ("; ".join(parts) or "unreadable"))
    if isinstance(exc, yaml.reader.ReaderError):
        line = text.count("\n", 0, int(exc.position)) + 1
        char = exc.character
        shown = f"#x{char:04x}" if isinstance(char, int) else repr(char)
        return ConfigError(path, line, YAML_FIELD, f"not valid YAML: cannot read character {shown}: {exc.reason}")
    first = (str(exc).splitlines() or ["unreadable"])[0]
    return ConfigError(path, None, YAML_FIELD, f"not valid YAML: {first}")


def _line(node: Node) -> int:
    return int(node.start_mark.line) + 1


def _is_empty(node: Node) -> bool:
    """``name:`` with nothing after it."""
    return isinstance(node, ScalarNode) and node.tag == _NULL and node.value == "" and node.style is None


def _value_line(key: Node | None, value: Node) -> int:
    """The value's line, except for an empty value (``name:``), which points at its key."""
    return _line(key) if key is not None and _is_empty(value) else _line(value)


class _Entry(typing.NamedTuple):
    key: ScalarNode | None  # None for list items and the root
    value: Node


class _Builder:
    """Walks the composed tree once: checks it, converts scalars, indexes every node by its path."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.constructor = SafeConstructor()
        self.index: dict[Loc, _Entry] = {}

    def fail(self, line: int, loc: Loc, reason: str) -> NoReturn:
        raise ConfigError(self.path, line, format_field(loc) or DOCUMENT_FIELD, reason)

    def unsupported(self, line: int, loc: Loc, node: Node) -> NoReturn:
        self.fail(line, loc, f"unsupported YAML tag {_clip(_tag(str(node.tag)))}; only plain values, lists and mappings are read")

    def text(self, value: str, line: int, loc: Loc) -> str:
        if any("\ud800" <= c <= "\udfff" for c in value):
            self.fail(line, loc, "contains an escaped surrogate (\\ud800-\\udfff), which is not a character")
        return value

    def build(self, key: ScalarNode | None, node: Node, loc: Loc, depth: int) -> object:
        self.index[loc] = _Entry(key, node)
        line = _value_line(key, node)
        if depth > MAX_DEPTH:
            self.fail(line, loc, f"nested more than {MAX_DEPTH} levels deep")
        if node.tag == _ALIAS_TAG:
            self.fail(line, loc, f"aliases (*{_clip(str(node.value))}) are not supported; write the value out in full")
        if isinstance(node, MappingNode):
            if node.tag != _MAP:
                self.unsupported(line, loc, node)
            return self.mapping(node, loc, depth)
        if isinstance(node, SequenceNode):
            if node.tag != _SEQ:
                self.unsupported(line, loc, node)
            return [self.build(None, item, loc + (i,), depth + 1) for i, item in enumerate(node.value)]
        assert isinstance(node, ScalarNode)
        if node.tag not in _SCALAR_TAGS:
            self.unsupported(line, loc, node)
        try:
            value = self.constructor.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, LookupError, TypeError, ArithmeticError):
            self.fail(line, loc, f"cannot read {_clip(str(node.value))!r} as {_tag(str(node.tag))}")
        if node.tag == _TIMESTAMP:
            return self.text(str(node.value), line, loc)
        if isinstance(value, str):
            return self.text(value, line, loc)
        if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
            self.fail(line, loc, f"number too large: {_clip(str(node.value))}")
        return value

    def mapping(self, node: MappingNode, loc: Loc, depth: int) -> dict[str, object]:
        out: dict[str, object] = {}
        first_line: dict[str, int] = {}
        for key, value in node.value:
            if not isinstance(key, ScalarNode):
                self.fail(_line(key), loc, f"keys must be plain names, got {describe_node(key)} as a key")
            if key.tag == _ALIAS_TAG:
                self.fail(_line(key), loc, f"aliases (*{_clip(str(key.value))}) are not supported; write the key out")
            if key.tag == _MERGE:
                self.fail(_line(key), loc + ("<<",), "merge keys (<<) are not supported; write the fields out")
            if key.tag not in _SCALAR_TAGS:
                self.unsupported(_line(key), loc, key)
            name = self.text(str(key.value), _line(key), loc)
            if name in out:
                self.fail(_line(key), loc + (name,), f"duplicate key (first given on line {first_line[name]})")
            first_line[name] = _line(key)
            out[name] = self.build(key, value, loc + (name,), depth + 1)
        return out


# --------------------------------------------------------------------------------------------
# Walking a model's types alongside the data


class _Verbatim:
    """Marker: take a scalar as the text written (see the module docstring)."""

    def __repr__(self) -> str:
        return "VERBATIM"

    def __get_pydantic_json_schema__(self, core_schema: CoreSchema, handler: GetJsonSchemaHandler) -> JsonSchemaValue:
        schema = handler(core_schema)
        if schema.get("type") == "string":  # numbers and booleans are read as their text too
            schema = {**schema, "type": ["string", "number", "boolean"]}
        return schema


VERBATIM = _Verbatim()
"""``Annotated[str, VERBATIM]``: a plain scalar is taken as the text written, whatever YAML 1.1 reads it as."""


class _Type(typing.NamedTuple):
    """A type with the metadata found while unwrapping it (constraints, VERBATIM)."""

    tp: Any
    meta: tuple[Any, ...]


_SEQUENCES = (list, tuple, set, frozenset, collections.abc.Sequence, collections.abc.Set, collections.abc.Iterable)
_MAPPINGS = (dict, collections.abc.Mapping)


def _unwrap(tp: Any, meta: tuple[Any, ...] = ()) -> _Type:
    """Strip Annotated (keeping its metadata) and Optional; a union of several types stays as it is."""
    while True:
        origin = get_origin(tp)
        if origin is Annotated:
            args = get_args(tp)
            tp = args[0]
            for extra in args[1:]:  # Field(ge=...) inside Annotated keeps its constraints in its own metadata
                meta += (extra, *extra.metadata) if isinstance(extra, FieldInfo) else (extra,)
        elif origin is Union or origin is types.UnionType:
            arms = [a for a in get_args(tp) if a is not type(None)]
            if len(arms) != 1:
                return _Type(tp, meta)
            tp = arms[0]
        else:
            return _Type(tp, meta)


def _is_model(tp: Any) -> TypeGuard[type[BaseModel]]:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _fields(model: type[BaseModel]) -> dict[str, FieldInfo]:
    """The model's fields by the key a file uses (the alias, if any)."""
    out: dict[str, FieldInfo] = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        out[alias or name] = info
    return out


def _field_type(info: FieldInfo) -> _Type:
    return _unwrap(info.annotation, tuple(info.metadata))


def _child(parent: _Type | None, part: str | int) -> _Type | None:
    """The type at ``part`` below ``parent``, or None when it cannot be told (unions, Any)."""
    if parent is None:
        return None
    tp = _unwrap(parent.tp).tp
    if _is_model(tp):
        info = _fields(tp).get(str(part))
        return _field_type(info) if info is not None else None
    origin = get_origin(tp)
    args = get_args(tp)
    if origin in _MAPPINGS and len(args) == 2:
        return _unwrap(args[1])
    if origin in _SEQUENCES and isinstance(part, int) and args:
        if origin is tuple and not (len(args) == 2 and args[1] is Ellipsis):
            return _unwrap(args[part]) if part < len(args) else None
        return _unwrap(args[0])
    return None


def _type_at(model: type[BaseModel], loc: Loc) -> _Type | None:
    current: _Type | None = _Type(model, ())
    for part in loc:
        current = _child(current, part)
    return current


def _apply_verbatim(node: Node, data: object, at: _Type | None) -> object:
    """Replace, at VERBATIM fields, each converted scalar by the text written."""
    if at is None:
        return data
    if isinstance(node, ScalarNode):
        if any(isinstance(m, _Verbatim) for m in at.meta) and node.tag in (_BOOL, _INT, _FLOAT, _TIMESTAMP):
            return str(node.value)
        return data
    if isinstance(node, MappingNode) and isinstance(data, dict):
        for key, value in node.value:
            name = str(key.value)
            data[name] = _apply_verbatim(value, data[name], _child(at, name))
        return data
    if isinstance(node, SequenceNode) and isinstance(data, list):
        return [_apply_verbatim(item, value, _child(at, i)) for i, (item, value) in enumerate(zip(node.value, data, strict=True))]
    return data


# --------------------------------------------------------------------------------------------
# The document


class ConfigModel(BaseModel):
    """Base class of every schema: strict types, no unknown fields, immutable, finite floats."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True, allow_inf_nan=False)


class _Place(typing.NamedTuple):
    """Where an error is: the path in the file, the nodes there, and whether the field is missing."""

    loc: Loc
    entry: _Entry | None
    missing: str | int | None  # the missing field's key (then ``entry`` is its container)
    at_key: bool  # the error is about the key itself (dict keys, unknown fields, duplicates)


class ConfigDocument:
    """A composed and checked YAML document: its node tree, its plain data, and lines by field.

    ``path``: the file (or label) errors name. ``root``: the composed node tree, None for an empty
    document. ``data``: the plain data (dicts, lists, str, int, float, bool, None) that
    :meth:`validate` hands to the model.
    """

    def __init__(self, path: str, root: Node | None, data: object, index: dict[Loc, _Entry], blank: bool) -> None:
        self.path = path
        self.root = root
        self.data = data
        self._index = index
        self._blank = blank

    @property
    def is_empty(self) -> bool:
        """True when the document holds nothing (no content, or only comments and blank lines)."""
        return self.root is None

    # -- lines --------------------------------------------------------------------------------

    def node_at(self, field: FieldPath) -> Node | None:
        """The value node of a field (``"sensors[2].address"``), or None when the file does not have it."""
        entry = self._index.get(_as_loc(field))
        return entry.value if entry is not None else None

    def line_of(self, field: FieldPath) -> int | None:
        """The line to blame for a field: its value's line (an empty value: its key's line); a field
        the file lacks: the line of the nearest mapping or list that holds it; None for an empty document."""
        loc = _as_loc(field)
        for end in range(len(loc), -1, -1):
            entry = self._index.get(loc[:end])
            if entry is not None:
                return _value_line(entry.key, entry.value) if end == len(loc) else _line(entry.value)
        return None

    def error(self, field: FieldPath, reason: str) -> ConfigError:
        """A :class:`ConfigError` blaming ``field`` at its line; ``{got}`` in ``reason`` becomes what the file says there."""
        loc = _as_loc(field)
        node = self.node_at(loc)
        reason = reason.replace("{got}", describe_node(node) if node is not None else _NOT_GIVEN)
        return ConfigError(self.path, self.line_of(loc), format_field(loc) or DOCUMENT_FIELD, reason)

    # -- validation ---------------------------------------------------------------------------

    def validate(self, model: type[M], *, allow_empty: bool = False) -> M:
        """The document as ``model`` (strict; see the module docstring), or the first problem as a ConfigError.

        An empty document is an error, or, with ``allow_empty``, an empty mapping (all defaults).
        """
        if self.root is None:
            if not allow_empty:
                if self._blank:
                    raise ConfigError(self.path, None, FILE_FIELD, "the file is empty")
                raise ConfigError(self.path, None, DOCUMENT_FIELD, "the file has no content, only comments or blank lines")
            data: object = {}
        else:
            data = _apply_verbatim(self.root, _copy(self.data), _Type(model, ()))
        try:
            return model.model_validate_json(json.dumps(data, allow_nan=True), strict=True)
        except ValidationError as exc:
            errors = [self._translate(model, e) for e in exc.errors(include_url=False)]
        first = min(enumerate(errors), key=lambda pair: (pair[1][0], pair[0]))[1]
        raise first[1] from None

    def _place(self, loc: Loc) -> _Place:
        """Follow a pydantic error location through the document.

        Parts that name nothing in the file (pydantic's names for the arms of a union) are
        skipped; a last part that names nothing is a missing field; ``[key]`` means the key.
        """
        path: Loc = ()
        parts = [p for p in loc if p != "[key]"]
        at_key = "[key]" in loc
        for i, part in enumerate(parts):
            child = path + (part,)
            if child in self._index:
                path = child
            elif i == len(parts) - 1:
                return _Place(path, self._index.get(path), part, at_key)
        return _Place(path, self._index.get(path), None, at_key)

    def _translate(self, model: type[BaseModel], error: Any) -> tuple[tuple[float, float], ConfigError]:
        """One pydantic error as (document position, ConfigError)."""
        loc: Loc = tuple(error["loc"])
        kind: str = error["type"]
        ctx: dict[str, Any] = error.get("ctx") or {}
        exc = ctx.get("error")
        if isinstance(exc, FieldError):
            loc = loc + exc.at
        place = self._place(loc)
        if kind in ("union_tag_invalid", "union_tag_not_found") and place.missing is None:
            discriminator = str(ctx.get("discriminator", "")).strip("'")
            if discriminator:
                place = self._place(place.loc + (discriminator,))
                kind = "missing" if place.missing is not None else kind
        field_loc = place.loc + ((place.missing,) if place.missing is not None else ())
        entry = place.entry
        if kind == "extra_forbidden":  # an unknown field is blamed on its name, not its value
            place = place._replace(at_key=True)
        node: Node | None = None
        line: int | None = None
        position = (math.inf, 0.0)
        if entry is not None and place.missing is not None:
            # Blamed on the mapping's first line, but ranked at its end: a misspelt field inside
            # it ("unknown field 'typ' (did you mean 'type'?)") says more than "required field missing".
            line = _line(entry.value)
            position = (float(entry.value.end_mark.line) + 1, float(entry.value.end_mark.column) - 0.5)
        elif entry is not None and place.at_key and entry.key is not None:
            line = _line(entry.key)
            position = (float(line), float(entry.key.start_mark.column))
        elif entry is not None:
            node = entry.value
            line = _value_line(entry.key, node)
            shown = entry.key if entry.key is not None and _is_empty(node) else node
            position = (float(line), float(shown.start_mark.column))
        if node is not None:
            got = describe_node(node)
        elif place.missing is not None:
            got = _NOT_GIVEN
        else:
            got = _describe_value(error.get("input"))
        reason = _reason(kind, ctx, error, got, node, _type_at(model, field_loc), field_loc, model)
        return position, ConfigError(self.path, line, format_field(field_loc) or DOCUMENT_FIELD, reason)


def _copy(data: object) -> object:
    if isinstance(data, dict):
        return {k: _copy(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_copy(v) for v in data]
    return data


# --------------------------------------------------------------------------------------------
# Pydantic errors in plain language


def _choices(at: _Type | None) -> list[str] | None:
    if at is None:
        return None
    tp = at.tp
    if get_origin(tp) is typing.Literal:
        return [str(a) for a in get_args(tp)]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return [str(m.value) for m in tp]
    return None


def _bounds(at: _Type | None) -> dict[str, object]:
    found: dict[str, object] = {}
    for meta in at.meta if at is not None else ():
        for name in ("gt", "ge", "lt", "le"):
            if isinstance(meta, (getattr(annotated_types, name.capitalize()), annotated_types.Interval)):
                value = getattr(meta, name, None)
                if value is not None:
                    found[name] = value
    return found


def _range_phrase(bounds: dict[str, object]) -> str:
    if "ge" in bounds and "le" in bounds:
        return f"between {_fmt(bounds['ge'])} and {_fmt(bounds['le'])}"
    words = {"gt": "greater than", "ge": "at least", "lt": "less than", "le": "at most"}
    return " and ".join(f"{words[k]} {_fmt(v)}" for k, v in bounds.items())


def _number_hint(node: Node | None) -> str:
    if isinstance(node, ScalarNode) and node.tag == _STR and _looks_numeric(str(node.value)):
        if node.style in ("'", '"'):
            return " (remove the quotes)"
        return " (YAML reads this as text; write a plain decimal like 1000 or 1.5)"
    return ""


def _text_hint(node: Node | None) -> str:
    if isinstance(node, ScalarNode) and node.tag in (_BOOL, _INT, _FLOAT, _TIMESTAMP):
        return " (put it in quotes to make it text)"
    return ""


def _mapping_phrase(at: _Type | None) -> str:
    tp = at.tp if at is not None else None
    if _is_model(tp):
        fields = _fields(tp)
        required = [k for k, f in fields.items() if f.is_required()]
        if required:
            return f"a mapping with {_join_or(required)}"
        return f"a mapping of fields ({', '.join(fields)})"
    return "a mapping"


def _items(n: object) -> str:
    return f"{n} item" if n == 1 else f"{n} items"


_FALLBACK_PREFIXES = ("Value error, ", "Assertion failed, ")


def _reason(
    kind: str,
    ctx: dict[str, Any],
    error: Any,
    got: str,
    node: Node | None,
    at: _Type | None,
    field_loc: Loc,
    model: type[BaseModel],
) -> str:
    value = error.get("input")
    if kind == "missing":
        return "required field missing"
    if kind == "extra_forbidden":
        name = str(field_loc[-1]) if field_loc else "?"
        parent = _type_at(model, field_loc[:-1])
        allowed = list(_fields(parent.tp)) if parent is not None and _is_model(parent.tp) else []
        listing = f"; allowed fields: {', '.join(allowed)}" if allowed else ""
        return f"unknown field {_clip(name)!r}{_suggest(name, allowed)}{listing}"
    if kind in ("value_error", "assertion_error"):
        exc = ctx.get("error")
        if isinstance(exc, FieldError):
            text = exc.reason
        elif exc is not None and str(exc):
            text = str(exc)
        else:
            text = str(error.get("msg", "is not valid"))
            for prefix in _FALLBACK_PREFIXES:
                text = text.removeprefix(prefix)
        return text.replace("{got}", got)
    if kind in ("int_type", "int_from_float", "int_parsing"):
        return f"must be a whole number, got {got}{_number_hint(node)}"
    if kind in ("float_type", "float_parsing"):
        return f"must be a number, got {got}{_number_hint(node)}"
    if kind == "finite_number":
        return f"must be a finite number, got {got}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        bounds = _bounds(at) or {k: v for k, v in ctx.items() if k in ("gt", "ge", "lt", "le")}
        return f"must be {_range_phrase(bounds)}, got {got}"
    if kind == "multiple_of":
        return f"must be a multiple of {_fmt(ctx.get('multiple_of'))}, got {got}"
    if kind == "string_type":
        return f"must be a string, got {got}{_text_hint(node)}"
    if kind == "string_too_short":
        minimum = ctx.get("min_length", 1)
        if minimum == 1:
            return "must not be empty"
        return f"must be at least {minimum} characters, got {len(value) if isinstance(value, str) else got}"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters, got {len(value) if isinstance(value, str) else got}"
    if kind == "string_pattern_mismatch":
        return f"must match the pattern {ctx.get('pattern')}, got {got}"
    if kind == "bool_type":
        return f"must be true or false, got {got}"
    if kind in ("literal_error", "enum"):
        choices = _choices(at) or re.findall(r"'((?:[^'\\]|\\.)*)'", str(ctx.get("expected", "")))
        shown = f"{_clip(value)!r}" if isinstance(value, str) else got
        suggestion = _suggest(value, choices) if isinstance(value, str) else ""
        return f"must be one of: {', '.join(choices)}, got {shown}{suggestion}"
    if kind == "union_tag_invalid":
        tags = re.findall(r"'((?:[^'\\]|\\.)*)'", str(ctx.get("expected_tags", "")))
        tag = str(ctx.get("tag", ""))
        return f"must be one of: {', '.join(tags)}, got {_clip(tag)!r}{_suggest(tag, tags)}"
    if kind in ("dict_type", "mapping_type"):
        return f"must be a mapping, got {got}"
    if kind in ("model_type", "model_attributes_type", "dataclass_type", "dataclass_args_type"):
        return f"must be {_mapping_phrase(at)}, got {got}"
    if kind in ("list_type", "tuple_type", "set_type", "frozen_set_type", "iterable_type"):
        return f"must be a list, got {got}"
    if kind == "too_short":
        return f"must have at least {_items(ctx.get('min_length'))}, got {ctx.get('actual_length')}"
    if kind == "too_long":
        return f"must have at most {_items(ctx.get('max_length'))}, got {ctx.get('actual_length')}"
    if kind == "none_required":
        return f"must be empty (null), got {got}"
    if kind.startswith(("date", "time")):
        return f"must be a date or time like 2024-05-31 or 2024-05-31T12:00:00, got {got}"
    message = str(error.get("msg", "is not valid"))
    message = message.replace("Input should be", "must be").replace("Input should", "must")
    for prefix in _FALLBACK_PREFIXES:
        message = message.removeprefix(prefix)
    return f"{message}, got {got}"


# --------------------------------------------------------------------------------------------
# Public entry points


def parse_document(
    source: str | bytes, path: str | os.PathLike[str] = "<string>", *, max_bytes: int = MAX_FILE_BYTES
) -> ConfigDocument:
    """Decode, compose and check YAML text (or a file's raw bytes); ``path`` only labels errors.

    Raises :class:`ConfigError` (and nothing else) for any input. An empty document is not an
    error here (see :meth:`ConfigDocument.validate`).
    """
    shown = os.fspath(path)
    if isinstance(source, bytes):
        if len(source) > max_bytes:
            raise ConfigError(shown, None, FILE_FIELD, f"file too large ({len(source)} bytes; at most {max_bytes} are read)")
        data = source[3:] if source.startswith(b"\xef\xbb\xbf") else source
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            raise ConfigError(
                shown, line, FILE_FIELD, f"not UTF-8 text: byte 0x{data[exc.start]:02x} at offset {exc.start} cannot be decoded"
            ) from None
    else:
        text = source.removeprefix("\ufeff")
        if len(text) > max_bytes:
            raise ConfigError(shown, None, FILE_FIELD, f"file too large ({len(text)} characters; at most {max_bytes} are read)")
    if not text.strip():
        return ConfigDocument(shown, None, None, {}, blank=True)
    try:
        root = yaml.compose(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        raise _yaml_error(shown, text, exc) from None
    except RecursionError:
        raise ConfigError(shown, None, YAML_FIELD, "not valid YAML: nested too deeply") from None
    if root is not None and _is_empty(root):  # "---" and nothing else
        root = None
    builder = _Builder(shown)
    data_out = builder.build(None, root, (), 0) if root is not None else None
    return ConfigDocument(shown, root, data_out, builder.index, blank=False)


def read_document(path: str | os.PathLike[str], *, max_bytes: int = MAX_FILE_BYTES) -> ConfigDocument:
    """Read and check a YAML file (see :func:`parse_document`); errors name ``path`` as given.

    A missing file raises :class:`ConfigFileMissing`; other reading problems :class:`ConfigError`.
    """
    shown = os.fspath(path)
    file = Path(path)
    if file.is_dir():
        raise ConfigError(shown, None, FILE_FIELD, "is a folder, not a file")
    try:
        with file.open("rb") as stream:
            data = stream.read(max_bytes + 1)
    except FileNotFoundError:
        raise ConfigFileMissing(shown, None, FILE_FIELD, "no such file") from None
    except IsADirectoryError:
        raise ConfigError(shown, None, FILE_FIELD, "is a folder, not a file") from None
    except PermissionError:
        raise ConfigError(shown, None, FILE_FIELD, "cannot read the file: permission denied") from None
    except (OSError, ValueError) as exc:
        detail = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigError(shown, None, FILE_FIELD, f"cannot read the file: {detail}") from None
    return parse_document(data, shown, max_bytes=max_bytes)


def parse_model(
    source: str | bytes, model: type[M], path: str | os.PathLike[str] = "<string>", *, allow_empty: bool = False
) -> M:
    """YAML text (or raw bytes) validated as ``model``; raises :class:`ConfigError`."""
    return parse_document(source, path).validate(model, allow_empty=allow_empty)


def load_model(path: str | os.PathLike[str], model: type[M], *, allow_empty: bool = False) -> M:
    """A YAML file validated as ``model``; raises :class:`ConfigError` (:class:`ConfigFileMissing` if absent)."""
    return read_document(path).validate(model, allow_empty=allow_empty)


def _draft07(schema: object) -> object:
    """Pydantic writes draft 2020-12; the YAML language server reads draft-07: fixed-length tuples
    (``prefixItems``) become the draft-07 array form of ``items``."""
    if isinstance(schema, dict):
        out = {k: _draft07(v) for k, v in schema.items()}
        if "prefixItems" in out:
            out["items"] = out.pop("prefixItems")
            out.setdefault("additionalItems", False)
        return out
    if isinstance(schema, list):
        return [_draft07(v) for v in schema]
    return schema


def json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The JSON Schema (draft-07) of the files ``model`` reads, for editors (YAML language server)."""
    schema = model.model_json_schema(mode="validation", ref_template="#/definitions/{model}")
    if "$defs" in schema:
        schema["definitions"] = schema.pop("$defs")
    out = _draft07(schema)
    assert isinstance(out, dict)
    return {"$schema": "http://json-schema.org/draft-07/schema#", **out}
