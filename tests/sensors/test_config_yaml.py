"""The YAML configuration helper: reading, composing, strict validation, and errors at file, line and field."""

from __future__ import annotations

import json
import os
import pickle
import threading
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Literal

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import Field, field_validator, model_validator

from sensors.config_yaml import (
    DOCUMENT_FIELD,
    FILE_FIELD,
    MAX_DEPTH,
    VERBATIM,
    YAML_FIELD,
    ConfigError,
    ConfigFileMissing,
    ConfigModel,
    FieldError,
    format_field,
    json_schema,
    load_model,
    parse_document,
    parse_field,
    parse_model,
    read_document,
)

# A schema shaped like a runner level: nested models in a list, bounds, choices, cross-field rules.


class Obstacle(ConfigModel):
    at_m: Annotated[float, Field(gt=0)]
    kind: Annotated[Literal["hurdle", "bar", "coin"], Field(alias="type")]


class Track(ConfigModel):
    schema_version: Annotated[int, Field(alias="schema")]
    name: Annotated[str, Field(min_length=1, max_length=20)]
    mode: Literal["runner"] = "runner"
    difficulty: Annotated[int, Field(ge=1, le=5)]
    length_m: Annotated[float, Field(ge=50, le=20000)]
    time_limit_s: Annotated[float, Field(gt=0, le=3600)] | None = None
    tags: tuple[str, ...] = ()
    obstacles: tuple[Obstacle, ...]

    @field_validator("name")
    @classmethod
    def _one_line(cls, value: str) -> str:
        if len(value.splitlines()) > 1:
            raise ValueError("must be a single line, got {got}")
        return value

    @model_validator(mode="after")
    def _rules(self) -> Track:
        for i, obstacle in enumerate(self.obstacles):
            if obstacle.at_m >= self.length_m:
                raise FieldError(f"obstacles[{i}].at_m", f"must be less than length_m ({self.length_m:g}), got {{got}}")
        for i, (a, b) in enumerate(pairwise(self.obstacles), start=1):
            if b.at_m - a.at_m < 4:
                raise FieldError(
                    ("obstacles", i, "at_m"), f"must be at least 4 m after obstacles[{i - 1}].at_m ({a.at_m:g}), got {{got}}"
                )
        if self.time_limit_s is not None and self.length_m / self.time_limit_s > 10:
            raise FieldError("time_limit_s", "too short for the length, got {got}")
        return self


GOOD = """\
schema: 1
name: "Test track"
difficulty: 2
length_m: 400
obstacles:
  - at_m: 40
    type: hurdle
  - at_m: 80
    type: bar
"""
# 1 schema, 2 name, 3 difficulty, 4 length_m, 5 obstacles, 6-7 obstacles[0], 8-9 obstacles[1]


def replace_line(number: int, new: str) -> str:
    lines = GOOD.splitlines()
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


def error_of(text: str | bytes, model: type[ConfigModel] = Track) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        parse_model(text, model, "conf.yaml")
    message = str(info.value)
    assert message.splitlines() == [message] and message.strip() == message, message
    return info.value


def test_good_document_values() -> None:
    track = parse_model(GOOD, Track, "conf.yaml")
    assert track.name == "Test track" and track.length_m == 400.0 and isinstance(track.length_m, float)
    assert [(o.at_m, o.kind) for o in track.obstacles] == [(40.0, "hurdle"), (80.0, "bar")]
    assert track.tags == () and track.time_limit_s is None
    with pytest.raises(ValueError):
        track.name = "x"  # frozen


def test_yaml_1_1_scalars_mean_what_safe_load_says() -> None:
    text = GOOD.replace("length_m: 400", "length_m: 0x190").replace("at_m: 80", "at_m: 1:20") + "time_limit_s: 1_000\n"
    track = parse_model(text, Track)
    assert (track.length_m, track.obstacles[1].at_m, track.time_limit_s) == (400.0, 80.0, 1000.0)
    assert parse_document("a: yes\nb: 010\nc: ~\nd: 2.5\n").data == yaml.safe_load("a: yes\nb: 010\nc: ~\nd: 2.5\n")


def test_keys_are_the_text_written() -> None:
    assert parse_document("no: 1\non: 2\n1: 3\n~: 4\n").data == {"no": 1, "on": 2, "1": 3, "~": 4}


ERROR_CASES = [
    # id, text, line, field, reason (exact)
    ("duplicate-top", GOOD + "name: Again\n", 10, "name", "duplicate key (first given on line 2)"),
    (
        "duplicate-deep",
        replace_line(9, "    type: bar\n    at_m: 90"),
        10,
        "obstacles[1].at_m",
        "duplicate key (first given on line 8)",
    ),
    ("duplicate-in-flow", "a: {b: {c: 1, c: 2}}\n", 1, "a.b.c", "duplicate key (first given on line 1)"),
    (
        "missing-top",
        "\n".join(line for line in GOOD.splitlines() if not line.startswith("difficulty")) + "\n",
        1,
        "difficulty",
        "required field missing",
    ),
    ("missing-nested", GOOD + "  - type: coin\n", 10, "obstacles[2].at_m", "required field missing"),
    ("missing-nested-alias", "\n".join(GOOD.splitlines()[:8]) + "\n", 8, "obstacles[1].type", "required field missing"),
    ("bool-as-number", replace_line(4, "length_m: true"), 4, "length_m", "must be a number, got boolean true"),
    ("yes-as-number", replace_line(6, "  - at_m: yes"), 6, "obstacles[0].at_m", "must be a number, got boolean yes"),
    ("bool-as-int", replace_line(3, "difficulty: no"), 3, "difficulty", "must be a whole number, got boolean no"),
    (
        "quoted-number",
        replace_line(4, 'length_m: "400"'),
        4,
        "length_m",
        "must be a number, got string '400' (remove the quotes)",
    ),
    (
        "exponent-without-dot",
        replace_line(4, "length_m: 4e2"),
        4,
        "length_m",
        "must be a number, got string '4e2' (YAML reads this as text; write a plain decimal like 1000 or 1.5)",
    ),
    ("word-as-number", replace_line(8, "  - at_m: forty"), 8, "obstacles[1].at_m", "must be a number, got string 'forty'"),
    ("list-as-number", replace_line(4, "length_m: [400]"), 4, "length_m", "must be a number, got a list"),
    ("nan", replace_line(4, "length_m: .nan"), 4, "length_m", "must be a finite number, got .nan"),
    ("inf", replace_line(6, "  - at_m: .inf"), 6, "obstacles[0].at_m", "must be a finite number, got .inf"),
    ("huge-float", replace_line(6, "  - at_m: 1.0e+999"), 6, "obstacles[0].at_m", "must be a finite number, got 1.0e+999"),
    (
        "huge-int",
        replace_line(3, "difficulty: " + "1" + ":59" * 3000),
        3,
        "difficulty",
        "number too large: 1:59:59:59:59:59:59:59:59:59:59:59:59...",
    ),
    ("float-as-int", replace_line(3, "difficulty: 2.0"), 3, "difficulty", "must be a whole number, got 2.0"),
    (
        "number-as-string",
        replace_line(2, "name: 2048"),
        2,
        "name",
        "must be a string, got 2048 (put it in quotes to make it text)",
    ),
    ("empty-value-points-at-key", replace_line(2, "name:"), 2, "name", "must be a string, got nothing (null)"),
    ("empty-string", replace_line(2, 'name: ""'), 2, "name", "must not be empty"),
    ("too-long", replace_line(2, "name: " + "x" * 21), 2, "name", "must be at most 20 characters, got 21"),
    ("validator-message", replace_line(2, 'name: "a\\nb"'), 2, "name", "must be a single line, got string 'a\\nb'"),
    ("above-range", replace_line(3, "difficulty: 7"), 3, "difficulty", "must be between 1 and 5, got 7"),
    ("below-range", replace_line(4, "length_m: 49.5"), 4, "length_m", "must be between 50 and 20000, got 49.5"),
    ("not-positive", replace_line(6, "  - at_m: 0"), 6, "obstacles[0].at_m", "must be greater than 0, got 0"),
    (
        "unknown-field",
        GOOD + "lenght_m: 400\n",
        10,
        "lenght_m",
        "unknown field 'lenght_m' (did you mean 'length_m'?); "
        "allowed fields: schema, name, mode, difficulty, length_m, time_limit_s, tags, obstacles",
    ),
    (
        "unknown-field-with-block-value",
        GOOD + "extra:\n  - 1\n",
        10,
        "extra",
        "unknown field 'extra'; allowed fields: schema, name, mode, difficulty, length_m, time_limit_s, tags, obstacles",
    ),
    (
        "unknown-nested-field",
        replace_line(9, "    typ: bar"),
        9,
        "obstacles[1].typ",
        "unknown field 'typ' (did you mean 'type'?); allowed fields: at_m, type",
    ),
    ("choice", replace_line(9, "    type: wall"), 9, "obstacles[1].type", "must be one of: hurdle, bar, coin, got 'wall'"),
    ("choice-suggestion", GOOD + "mode: runer\n", 10, "mode", "must be one of: runner, got 'runer' (did you mean 'runner'?)"),
    ("list-expected", GOOD + "tags: fast\n", 10, "tags", "must be a list, got string 'fast'"),
    (
        "list-item-type",
        GOOD + "tags:\n  - a\n  - 3\n",
        12,
        "tags[1]",
        "must be a string, got 3 (put it in quotes to make it text)",
    ),
    ("null-list", "\n".join(GOOD.splitlines()[:4]) + "\nobstacles:\n", 5, "obstacles", "must be a list, got nothing (null)"),
    (
        "item-not-mapping",
        "\n".join(GOOD.splitlines()[:5]) + "\n  - hurdle\n",
        6,
        "obstacles[0]",
        "must be a mapping with at_m and type, got string 'hurdle'",
    ),
    (
        "top-level-list",
        "- schema: 1\n- name: x\n",
        1,
        DOCUMENT_FIELD,
        "must be a mapping with schema, name, difficulty, length_m and obstacles, got a list",
    ),
    (
        "top-level-scalar",
        "\n\njust some words\n",
        3,
        DOCUMENT_FIELD,
        "must be a mapping with schema, name, difficulty, length_m and obstacles, got string 'just some words'",
    ),
    ("cross-field-beyond", replace_line(8, "  - at_m: 420"), 8, "obstacles[1].at_m", "must be less than length_m (400), got 420"),
    (
        "cross-field-too-close",
        replace_line(8, "  - at_m: 43.5"),
        8,
        "obstacles[1].at_m",
        "must be at least 4 m after obstacles[0].at_m (40), got 43.5",
    ),
    ("cross-field-optional", GOOD + "time_limit_s: 30\n", 10, "time_limit_s", "too short for the length, got 30"),
    ("optional-bounded", GOOD + "time_limit_s: -1\n", 10, "time_limit_s", "must be greater than 0 and at most 3600, got -1"),
    (
        "python-tag",
        replace_line(2, "name: !!python/object/apply:os.system [echo]"),
        2,
        "name",
        "unsupported YAML tag !!python/object/apply:os.system; only plain values, lists and mappings are read",
    ),
    (
        "custom-tag",
        replace_line(2, "name: !shout hello"),
        2,
        "name",
        "unsupported YAML tag !shout; only plain values, lists and mappings are read",
    ),
    (
        "binary-tag",
        replace_line(2, "name: !!binary aGk="),
        2,
        "name",
        "unsupported YAML tag !!binary; only plain values, lists and mappings are read",
    ),
    (
        "set-tag",
        GOOD + "tags: !!set {a, b}\n",
        10,
        "tags",
        "unsupported YAML tag !!set; only plain values, lists and mappings are read",
    ),
    ("bad-explicit-int", replace_line(3, "difficulty: !!int two"), 3, "difficulty", "cannot read 'two' as !!int"),
    (
        "merge-key",
        "base: &b {at_m: 1}\n" + GOOD.replace("  - at_m: 40\n", "  - <<: *b\n    at_m: 40\n"),
        7,
        "obstacles[0].<<",
        "merge keys (<<) are not supported; write the fields out",
    ),
    ("alias", GOOD + "tags: &t [a]\nmore: *t\n", 11, "more", "aliases (*t) are not supported; write the value out in full"),
    ("alias-in-list", GOOD + "tags: [&x a, *x]\n", 10, "tags[1]", "aliases (*x) are not supported; write the value out in full"),
    ("non-scalar-key", GOOD + "? [a, b]\n: 1\n", 10, DOCUMENT_FIELD, "keys must be plain names, got a list as a key"),
]


@pytest.mark.parametrize(("text", "line", "field", "reason"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_error_names_file_line_field_and_reason(text: str, line: int, field: str, reason: str) -> None:
    err = error_of(text)
    assert (err.path, err.line, err.field, err.reason) == ("conf.yaml", line, field, reason), str(err)
    assert str(err) == f"conf.yaml:{line}: {field}: {reason}"
    assert "Input should" not in str(err) and "http" not in str(err)


def test_first_error_in_document_order() -> None:
    text = replace_line(9, "    type: wall").replace("difficulty: 2", "difficulty: 9").replace("length_m: 400", "length_m: x")
    assert (error_of(text).line, error_of(text).field) == (3, "difficulty")
    text = GOOD + "zzz: 1\n" + "tags: [1]\n"
    assert (error_of(text).line, error_of(text).field) == (10, "zzz")


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    # Expanded, the document would hold 10**10 items: a reader that expanded it would still be busy
    # after a minute, which is far longer than refusing it takes even on a busy machine.
    result: list[ConfigError] = []
    reader = threading.Thread(target=lambda: result.append(error_of("\n".join(lines) + "\n")), daemon=True)
    reader.start()
    reader.join(timeout=60.0)
    assert not reader.is_alive() and result, "no error within a minute: were the aliases expanded?"
    [err] = result
    assert (err.line, err.field) == (2, "a1[0]") and "aliases (*a0) are not supported" in err.reason


def test_anchor_without_alias_is_harmless() -> None:
    assert parse_model(GOOD.replace('name: "Test track"', 'name: &n "Test track"'), Track).name == "Test track"


def test_nesting_is_bounded() -> None:
    err = error_of("tags: " + "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5) + "\n")
    assert err.line == 1 and "nested more than" in err.reason
    err = error_of("a: " + "[" * 5000 + "]" * 5000)
    assert err.field == YAML_FIELD


def test_yaml_syntax_error_is_one_line_with_context() -> None:
    err = error_of("schema: 1\nname: x\nthis line has no colon\nmode: runner\n")
    assert (err.line, err.field) == (4, YAML_FIELD)
    assert (
        err.reason.startswith("not valid YAML: ") and "could not find expected ':'" in err.reason and "from line 3" in err.reason
    )
    two = error_of(GOOD + "---\nschema: 1\n")
    assert (two.line, two.field) == (10, YAML_FIELD) and "expected a single document" in two.reason
    nul = error_of(replace_line(2, 'name: "a\x00b"'))
    assert (nul.line, nul.field) == (2, YAML_FIELD) and "#x0000" in nul.reason


def test_escaped_surrogate_is_refused() -> None:
    err = error_of(replace_line(2, 'name: "\\ud800"'))
    assert (err.line, err.field) == (2, "name") and "surrogate" in err.reason


@pytest.mark.parametrize(
    ("content", "field", "reason"),
    [
        (b"", FILE_FIELD, "the file is empty"),
        (b" \n\n\t\n", FILE_FIELD, "the file is empty"),
        (b"# only\n# comments\n", DOCUMENT_FIELD, "the file has no content, only comments or blank lines"),
        (b"---\n", DOCUMENT_FIELD, "the file has no content, only comments or blank lines"),
    ],
)
def test_empty_document(content: bytes, field: str, reason: str) -> None:
    err = error_of(content)
    assert (err.line, err.field, err.reason) == (None, field, reason)
    assert str(err) == f"conf.yaml: {field}: {reason}"


def test_empty_document_may_mean_defaults() -> None:
    class Settings(ConfigModel):
        volume: Annotated[float, Field(ge=0, le=1)] = 0.5

    assert parse_model("# nothing set\n", Settings, allow_empty=True) == Settings()
    assert parse_document("").is_empty and parse_document("").data is None


def test_not_utf8_names_the_line() -> None:
    err = error_of(b"schema: 1\nname: caf\xe9\n")
    assert (err.line, err.field) == (2, FILE_FIELD)
    assert err.reason == "not UTF-8 text: byte 0xe9 at offset 19 cannot be decoded"


def test_utf8_bom_is_skipped() -> None:
    assert parse_model(b"\xef\xbb\xbf" + GOOD.encode(), Track).name == "Test track"
    assert parse_model("\ufeff" + GOOD, Track).name == "Test track"


def test_too_large() -> None:
    err = error_of(GOOD + "#" * 1_000_001)
    assert (err.line, err.field) == (None, FILE_FIELD) and "too large" in err.reason


# --------------------------------------------------------------------------------------------
# Files


def test_load_model_from_file_and_file_errors(tmp_path: Path) -> None:
    path = tmp_path / "track.yaml"
    path.write_text(GOOD, encoding="utf-8")
    assert load_model(path, Track).difficulty == 2
    missing = tmp_path / "absent.yaml"
    with pytest.raises(ConfigFileMissing) as absent:
        load_model(missing, Track)
    assert str(absent.value) == f"{missing}: <file>: no such file"
    with pytest.raises(ConfigError) as info:
        load_model(tmp_path, Track)
    assert info.value.reason == "is a folder, not a file"
    path.write_bytes(b"schema: 1\nname: \xff\n")
    with pytest.raises(ConfigError) as info:
        read_document(str(path))
    assert (info.value.path, info.value.line, info.value.field) == (str(path), 2, FILE_FIELD)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "track.yaml"
    path.write_text(GOOD, encoding="utf-8")

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    with pytest.raises(ConfigError) as info:
        load_model(path, Track)
    assert str(info.value) == f"{path}: <file>: cannot read the file: permission denied"


def test_error_is_one_line_and_pickles() -> None:
    err = ConfigError("odd\nname.yaml", 3, "name", "first\nsecond\r\nthird\u2028fourth")
    assert str(err) == "odd\\nname.yaml:3: name: first second third fourth"
    copy = pickle.loads(pickle.dumps(ConfigError(Path("x.yaml"), 4, "mode", "bad")))
    assert (copy.path, copy.line, copy.field, copy.reason, str(copy)) == ("x.yaml", 4, "mode", "bad", "x.yaml:4: mode: bad")
    assert isinstance(copy, ValueError)


# --------------------------------------------------------------------------------------------
# Lines for checks done after validation


def test_line_of_and_error_for_checks_after_validation() -> None:
    doc = parse_document(GOOD, "conf.yaml")
    track = doc.validate(Track)
    assert doc.line_of("obstacles[1].type") == 9
    assert doc.line_of(("obstacles", 1)) == 8
    assert doc.line_of("obstacles[1].missing") == 8  # the mapping that lacks it
    assert doc.line_of("nothing.here") == 1  # the document
    assert parse_document("a:\n  - x\n  -\nb:\n").line_of("a[1]") == 3  # an empty list item
    assert parse_document("a:\n  - x\n  -\nb:\n").line_of("b") == 4  # an empty value: its key
    assert doc.node_at("obstacles[0].at_m") is not None and doc.node_at("obstacles[5]") is None
    positions = [o.at_m for o in track.obstacles]
    assert positions == sorted(positions)
    err = doc.error(("obstacles", 1, "at_m"), "must not be a multiple of 40, got {got}")
    assert str(err) == "conf.yaml:8: obstacles[1].at_m: must not be a multiple of 40, got 80"
    assert str(doc.error((), "no good")) == "conf.yaml:1: <document>: no good"
    assert (
        str(doc.error("time_limit_s", "needed here, got {got}"))
        == "conf.yaml:1: time_limit_s: needed here, got nothing (not given)"
    )
    assert parse_document("").line_of("a") is None


def test_field_paths_round_trip() -> None:
    for path in [("obstacles", 3, "at_m"), ("a",), ("a", "b c", 0), ("it's", "x.y"), ("actions", "jump", "keys", 2)]:
        assert parse_field(format_field(path)) == path
    assert format_field(("a", "b c", 0)) == "a['b c'][0]"
    with pytest.raises(ValueError):
        parse_field("a..b")


def test_model_level_value_error_points_at_the_mapping() -> None:
    class Pair(ConfigModel):
        low: float
        high: float

        @model_validator(mode="after")
        def _ordered(self) -> Pair:
            if self.low >= self.high:
                raise ValueError("low must be below high")
            return self

    class Holder(ConfigModel):
        pairs: dict[str, Pair]

    with pytest.raises(ConfigError) as info:
        parse_model("pairs:\n  a: {low: 1, high: 2}\n  b:\n    low: 3\n    high: 2\n", Holder, "p.yaml")
    assert str(info.value) == "p.yaml:4: pairs.b: low must be below high"


def test_dict_keys_are_checked_at_their_line() -> None:
    class Counts(ConfigModel):
        counts: dict[int, int]

    with pytest.raises(ConfigError) as info:
        parse_model("counts:\n  1: 2\n  x: 3\n", Counts, "c.yaml")
    assert (info.value.line, info.value.field) == (3, "counts.x")
    assert info.value.reason.startswith("must be a whole number")
    assert parse_model("counts: {1: 2, 16: 3}\n", Counts).counts == {1: 2, 16: 3}
    with pytest.raises(ConfigError):  # keys are the text written, and '0x10' is not a decimal
        parse_model("counts: {0x10: 3}\n", Counts)


def test_verbatim_text_keeps_what_was_written() -> None:
    class Entry(ConfigModel):
        label: Annotated[str, VERBATIM] | None = None
        code: Annotated[str, VERBATIM]
        count: int = 0

    class Entries(ConfigModel):
        entries: tuple[Entry, ...]

    text = (
        "entries:\n"
        "  - {label: 007, code: 12:34:56:12:34:56}\n"
        "  - {label: yes, code: 1.50, count: 0x10}\n"
        "  - {label: ~, code: 2024-01-05}\n"
    )
    got = parse_model(text, Entries).entries
    assert [(e.label, e.code, e.count) for e in got] == [
        ("007", "12:34:56:12:34:56", 0),
        ("yes", "1.50", 16),
        (None, "2024-01-05", 0),
    ]
    with pytest.raises(ConfigError) as info:
        parse_model("entries:\n  - {code: [1]}\n", Entries, "e.yaml")
    assert str(info.value) == "e.yaml:2: entries[0].code: must be a string, got a list"


def test_json_schema_for_editors() -> None:
    schema = json_schema(Track)
    assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
    assert schema["additionalProperties"] is False
    assert set(schema["required"]) == {"schema", "name", "difficulty", "length_m", "obstacles"}
    assert schema["properties"]["difficulty"]["minimum"] == 1 and schema["properties"]["difficulty"]["maximum"] == 5
    assert "$defs" not in schema and "Obstacle" in schema["definitions"]
    assert "#/definitions/Obstacle" in json.dumps(schema)
    obstacle = schema["definitions"]["Obstacle"]
    assert obstacle["properties"]["type"]["enum"] == ["hurdle", "bar", "coin"]
    json.dumps(schema)  # plain JSON


# --------------------------------------------------------------------------------------------
# Properties: nothing but ConfigError escapes, whatever the input


def check_outcome(source: str | bytes) -> None:
    try:
        track = parse_model(source, Track, "fuzz.yaml")
    except ConfigError as err:
        message = str(err)
        assert message.splitlines() == [message]
        assert message.startswith("fuzz.yaml")
        text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
        assert "Input should" not in message or "Input" in text  # pydantic's prose never shows
        if err.line is not None:
            assert 1 <= err.line <= len(text.splitlines()) + 1
    else:
        assert isinstance(track, Track)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
YAML_BITS = st.sampled_from(
    [
        "schema",
        "name",
        "difficulty",
        "length_m",
        "time_limit_s",
        "obstacles",
        "at_m",
        "type",
        "tags",
        ":",
        ": ",
        "\n",
        "\n  ",
        "\n  - ",
        "- ",
        "[",
        "]",
        "{",
        "}",
        ",",
        "1",
        "0",
        "-3",
        "400",
        "2.5",
        ".inf",
        ".nan",
        "0x1F",
        "1_000",
        "1:30",
        "true",
        "yes",
        "~",
        "null",
        "'",
        '"',
        "&a",
        "*a",
        "!!int",
        "!!str",
        "!!python/object:os.system",
        "!x",
        "<<",
        "#",
        "|",
        ">",
        "---",
        "...",
        "hurdle",
        "bar",
        "?",
        "\t",
        "%YAML 1.1",
        "2001-12-14",
        "!!binary",
        "\\ud800",
    ]
)


@FUZZ
@given(st.text())
def test_arbitrary_text_only_raises_config_error(text: str) -> None:
    check_outcome(text)


@FUZZ
@given(st.binary())
def test_arbitrary_bytes_only_raise_config_error(data: bytes) -> None:
    check_outcome(data)


@FUZZ
@given(st.lists(YAML_BITS, max_size=60).map("".join))
def test_yaml_ish_text_only_raises_config_error(text: str) -> None:
    check_outcome(text)


@FUZZ
@given(st.data())
def test_mutated_document_only_raises_config_error(data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(GOOD)))
    end = data.draw(st.integers(start, min(len(GOOD), start + 20)))
    insert = data.draw(st.text(max_size=10) | YAML_BITS)
    check_outcome(GOOD[:start] + insert + GOOD[end:])


SCALARS = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8), st.sampled_from(["hurdle", "bar", "40"])
)


@FUZZ
@given(
    st.dictionaries(
        st.sampled_from(["schema", "name", "difficulty", "length_m", "obstacles", "tags", "x"]),
        st.one_of(SCALARS, st.lists(st.one_of(SCALARS, st.dictionaries(st.sampled_from(["at_m", "type"]), SCALARS)), max_size=4)),
    )
)
def test_schema_shaped_documents_only_raise_config_error(document: dict[str, object]) -> None:
    check_outcome(yaml.safe_dump(document))


def test_environment_does_not_matter(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONIOENCODING", "latin-1")
    assert parse_model(GOOD.replace("Test track", "Pyhä"), Track).name == "Pyhä"
    assert os.fspath(parse_document(GOOD, Path("x.yaml")).path) == "x.yaml"
