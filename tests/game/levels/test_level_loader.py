"""Runner level files: the shipped levels, every class of error (file, line, field), and fuzzing."""

from __future__ import annotations

import os
import pickle
import re
from itertools import pairwise
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.engine.modes import LevelInfo, mode_names
from game.levels import LevelError, levels_root, list_levels, load_level, parse_level, resolve_level
from game.levels import load_level as load_any_level
from game.modes import register_builtin_modes
from game.modes.runner.level import Level, Obstacle, Spot
from sensors.settings import LEVELS_DIR_ENV

register_builtin_modes()
LEVELS_ROOT = Path(__file__).resolve().parents[3] / "levels"
REPO_LEVELS = LEVELS_ROOT / "runner"

GOOD = """\
schema: 1
name: "Test track"
mode: runner
difficulty: 2
length_m: 400
obstacles:
  - at_m: 40
    type: hurdle
  - at_m: 80
    type: bar
"""


def runner(level: LevelInfo) -> Level:
    """A loaded level as the runner's own :class:`Level` (the loader returns any mode's)."""
    assert isinstance(level, Level)
    return level


def write(tmp_path: Path, text: str | bytes, name: str = "bad.yaml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path | str) -> LevelError:
    with pytest.raises(LevelError) as info:
        load_level(path)
    return info.value


def assert_one_line(err: LevelError) -> str:
    message = str(err)
    assert message.splitlines() == [message], f"not one line: {message!r}"
    assert message.strip() == message
    return message


# --------------------------------------------------------------------------------------------
# Shipped levels


def test_every_shipped_level_loads_and_validates() -> None:
    files = sorted(REPO_LEVELS.glob("*.yaml"))
    assert {f.stem for f in files} >= {"meadow", "forest", "fells"}
    for file in files:
        level = runner(load_level(file))
        assert level.path == file
        assert level.schema == 1
        assert level.mode == "runner"
        assert level.name and len(level.name) <= 60
        assert 1 <= level.difficulty <= 5
        assert 50 <= level.length_m <= 20000
        assert 0.3 <= level.stride_m <= 3.0
        positions = [s.at_m for s in level.spots]
        assert positions == sorted(positions)
        assert all(0 < p < level.length_m for p in positions)
        assert all(b - a >= 4 for a, b in pairwise(positions))
        assert all(o.kind in ("hurdle", "bar", "coin") for o in level.obstacles)
        assert all(s.kind in ("hurdle", "bar", "coin", "arc") for s in level.spots)
        assert file.read_text(encoding="utf-8").startswith("#"), f"{file.name} needs a header comment"


def test_shipped_levels_listed_in_order_without_errors() -> None:
    levels, errors = list_levels("runner", LEVELS_ROOT)
    assert errors == []
    assert [lv.path.stem for lv in levels] == ["meadow", "forest", "lakeside", "fells", "summit"]
    assert [lv.difficulty for lv in levels] == sorted(lv.difficulty for lv in levels)


@pytest.mark.parametrize(
    ("stem", "difficulties", "length_range"),
    [("meadow", {1}, (350, 450)), ("forest", {2, 3}, (550, 650)), ("fells", {4, 5}, (750, 850))],
)
def test_shipped_level_difficulty_and_length(stem: str, difficulties: set[int], length_range: tuple[int, int]) -> None:
    level = runner(load_level(REPO_LEVELS / f"{stem}.yaml"))
    assert level.difficulty in difficulties
    assert length_range[0] <= level.length_m <= length_range[1]
    kinds = {o.kind for o in level.obstacles}
    assert kinds == {"hurdle", "bar", "coin"}


@pytest.mark.parametrize("stem", ["meadow", "forest", "fells"])
def test_shipped_levels_are_humanly_possible(stem: str) -> None:
    """At 160 steps/min: >= 2.5 s between hurdles/bars on difficulty 1, >= 1.5 s on the others."""
    level = runner(load_level(REPO_LEVELS / f"{stem}.yaml"))
    speed_mps = 160 / 60 * level.stride_m
    actions = [o.at_m for o in level.obstacles if o.needs_action]
    assert len(actions) >= 3
    min_gap_s = min(b - a for a, b in pairwise(actions)) / speed_mps
    assert min_gap_s >= (2.5 if level.difficulty == 1 else 1.5), (stem, min_gap_s)
    assert actions[0] / speed_mps >= 5, "first hurdle/bar needs a run-up"
    if level.time_limit_s is not None:
        # A steady 160 steps/min finishes with at least 10 % to spare.
        assert level.length_m / speed_mps <= 0.9 * level.time_limit_s


def test_readme_example_is_a_valid_level() -> None:
    readme = (REPO_LEVELS / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    assert blocks, "levels/README.md has no yaml example"
    level = runner(parse_level(blocks[0], "README.md"))
    assert level.time_limit_s == 90
    assert level.obstacles == (
        Obstacle(30, "hurdle"),
        Obstacle(55, "coin"),
        Obstacle(70, "bar"),
        Obstacle(100, "hurdle"),
    )


# --------------------------------------------------------------------------------------------
# A good file and defaults


def test_good_level_values_and_defaults(tmp_path: Path) -> None:
    level = load_level(write(tmp_path, GOOD, "good.yaml"))
    assert level == Level(
        path=tmp_path / "good.yaml",
        schema=1,
        name="Test track",
        mode="runner",
        description="",
        difficulty=2,
        length_m=400.0,
        stride_m=1.0,
        time_limit_s=None,
        obstacles=(Obstacle(40.0, "hurdle"), Obstacle(80.0, "bar")),
        spots=(Spot(40.0, "hurdle"), Spot(80.0, "bar")),
    )
    assert isinstance(level.length_m, float) and isinstance(level.obstacles[0].at_m, float)


def test_optional_fields_and_null_means_default(tmp_path: Path) -> None:
    text = GOOD + "description: |\n  Two lines\n  of text.\nstride_m: 1.5\ntime_limit_s: 200\n"
    level = runner(load_level(write(tmp_path, text)))
    assert (level.description, level.stride_m, level.time_limit_s) == ("Two lines\nof text.\n", 1.5, 200.0)
    nulls = GOOD + "description:\nstride_m: ~\ntime_limit_s: null\n"
    level = runner(load_level(write(tmp_path, nulls)))
    assert (level.description, level.stride_m, level.time_limit_s) == ("", 1.0, None)


def test_empty_obstacle_list_and_flow_style(tmp_path: Path) -> None:
    text = "{schema: 1, name: Flat, mode: runner, difficulty: 1, length_m: 50, obstacles: []}\n"
    assert runner(load_level(write(tmp_path, text))).obstacles == ()


def test_level_is_frozen(tmp_path: Path) -> None:
    level = load_level(write(tmp_path, GOOD))
    with pytest.raises(AttributeError):
        level.name = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------------------------
# Each error class: exact file, line and field


BASE_LINES = GOOD.splitlines()  # 1 schema, 2 name, 3 mode, 4 difficulty, 5 length_m, 6 obstacles, 7-10 two obstacles


def replace_line(number: int, new: str) -> str:
    lines = list(BASE_LINES)
    lines[number - 1] = new
    return "\n".join(lines) + "\n"


ERROR_CASES = [
    # id, text, line, field, a fragment of the reason
    ("yaml-syntax-unclosed-flow", replace_line(2, 'name: ["Test track"'), 3, "<yaml>", "expected ',' or ']'"),
    ("yaml-syntax-bad-indent", replace_line(8, "   type: hurdle"), 8, "<yaml>", "not valid YAML"),
    ("yaml-tab-indent", replace_line(8, "\ttype: hurdle"), 8, "<yaml>", "not valid YAML"),
    ("yaml-two-documents", GOOD + "---\nschema: 1\n", 11, "<yaml>", "expected a single document"),
    ("unknown-top-field", GOOD + "lenght_m: 400\n", 11, "lenght_m", "did you mean 'length_m'"),
    (
        "unknown-obstacle-field",
        replace_line(10, "    type: bar\n    height_m: 1"),
        11,
        "obstacles[1].height_m",
        "unknown field 'height_m'",
    ),
    ("duplicate-field", GOOD + "name: Again\n", 11, "name", "duplicate key (first given on line 2)"),
    ("bool-as-number", replace_line(5, "length_m: true"), 5, "length_m", "must be a number, got boolean true"),
    ("yes-as-number", replace_line(7, "  - at_m: yes"), 7, "obstacles[0].at_m", "must be a number, got boolean yes"),
    (
        "string-as-number",
        replace_line(5, 'length_m: "400"'),
        5,
        "length_m",
        "must be a number, got string '400' (remove the quotes)",
    ),
    ("word-as-number", replace_line(7, "  - at_m: forty"), 7, "obstacles[0].at_m", "must be a number, got string 'forty'"),
    ("list-as-number", replace_line(5, "length_m: [400]"), 5, "length_m", "must be a number, got a list"),
    ("nan", replace_line(5, "length_m: .nan"), 5, "length_m", "must be a finite number"),
    ("float-as-int", replace_line(4, "difficulty: 2.0"), 4, "difficulty", "must be a whole number, got 2.0"),
    ("bool-as-int", replace_line(4, "difficulty: false"), 4, "difficulty", "must be a whole number, got boolean false"),
    ("number-as-string", replace_line(2, "name: 2048"), 2, "name", "must be a string, got 2048 (put it in quotes"),
    ("null-required", replace_line(2, "name:"), 2, "name", "must be a string, got nothing (null)"),
    (
        "missing-top-field",
        "\n".join(line for line in BASE_LINES if not line.startswith("mode")) + "\n",
        1,
        "mode",
        f"required field missing (one of: {', '.join(mode_names())})",
    ),
    ("missing-schema", "# comment\n\n" + "\n".join(BASE_LINES[1:]) + "\n", 3, "schema", "required field missing"),
    (
        "misspelt-obstacle-field",
        replace_line(10, "    typ: bar"),
        10,
        "obstacles[1].typ",
        "unknown field 'typ' (did you mean 'type'?)",
    ),
    ("missing-obstacle-type", "\n".join(BASE_LINES[:9]) + "\n", 9, "obstacles[1].type", "required field missing"),
    ("schema-2", replace_line(1, "schema: 2"), 1, "schema", "unsupported schema version 2"),
    ("empty-name", replace_line(2, 'name: "  "'), 2, "name", "must not be empty"),
    ("long-name", replace_line(2, "name: " + "x" * 61), 2, "name", "at most 60 characters, got 61"),
    ("unknown-mode", replace_line(3, "mode: runer"), 3, "mode", "no game mode named 'runer' (did you mean 'runner'?)"),
    ("difficulty-0", replace_line(4, "difficulty: 0"), 4, "difficulty", "must be between 1 and 5, got 0"),
    ("difficulty-6", replace_line(4, "difficulty: 6"), 4, "difficulty", "must be between 1 and 5, got 6"),
    ("length-too-short", replace_line(5, "length_m: 49.9"), 5, "length_m", "must be between 50 and 20000, got 49.9"),
    ("stride-too-long", GOOD + "stride_m: 3.5\n", 11, "stride_m", "must be between 0.3 and 3, got 3.5"),
    ("time-limit-zero", GOOD + "time_limit_s: 0\n", 11, "time_limit_s", "must be greater than 0"),
    ("time-limit-impossible", GOOD + "time_limit_s: 60\n", 11, "time_limit_s", "needs 400 steps/min"),
    (
        "obstacle-beyond-length",
        replace_line(9, "  - at_m: 420"),
        9,
        "obstacles[1].at_m",
        "must be less than length_m (400), got 420",
    ),
    (
        "obstacle-at-finish",
        replace_line(9, "  - at_m: 400.0"),
        9,
        "obstacles[1].at_m",
        "must be less than length_m (400), got 400.0",
    ),
    ("obstacle-at-start", replace_line(7, "  - at_m: 0"), 7, "obstacles[0].at_m", "must be greater than 0"),
    (
        "obstacles-not-increasing",
        replace_line(9, "  - at_m: 40"),
        9,
        "obstacles[1].at_m",
        "must be greater than obstacles[0].at_m (40)",
    ),
    (
        "obstacles-decreasing",
        replace_line(9, "  - at_m: 30"),
        9,
        "obstacles[1].at_m",
        "obstacles go in order along the track, got 30",
    ),
    (
        "obstacles-too-close",
        replace_line(9, "  - at_m: 43.5"),
        9,
        "obstacles[1].at_m",
        "at least 4 m after obstacles[0].at_m (40), got 43.5 (3.5 m apart)",
    ),
    (
        "unknown-obstacle-type",
        replace_line(10, "    type: wall"),
        10,
        "obstacles[1].type",
        "must be one of: hurdle, bar, coin, arc, got 'wall'",
    ),
    ("obstacles-not-list", "\n".join(BASE_LINES[:5]) + "\nobstacles: none\n", 6, "obstacles", "must be a list"),
    ("obstacles-null", "\n".join(BASE_LINES[:5]) + "\nobstacles:\n", 6, "obstacles", "got nothing (null)"),
    (
        "obstacle-not-mapping",
        "\n".join(BASE_LINES[:6]) + "\n  - hurdle\n",
        7,
        "obstacles[0]",
        "must be a mapping with at_m and type, got string 'hurdle'",
    ),
    ("top-level-list", "- schema: 1\n- name: x\n", 1, "<document>", "must be a mapping"),
    ("top-level-scalar", "\n\njust some words\n", 3, "<document>", "must be a mapping"),
    (
        "python-tag",
        replace_line(2, "name: !!python/object/apply:os.system [echo]"),
        2,
        "name",
        "unsupported YAML tag !!python/object/apply:os.system",
    ),
    ("custom-tag", replace_line(2, "name: !shout hello"), 2, "name", "unsupported YAML tag !shout"),
    ("merge-key", "base: &b {at_m: 1}\n" + GOOD, 1, "base", "unknown field 'base'"),
    ("non-scalar-key", GOOD + "? [a, b]\n: 1\n", 11, "<document>", "keys must be plain names"),
    ("nul-character", replace_line(2, 'name: "a\x00b"'), 2, "<yaml>", "#x0000"),
]


@pytest.mark.parametrize(("text", "line", "field", "fragment"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES])
def test_error_names_file_line_and_field(tmp_path: Path, text: str, line: int, field: str, fragment: str) -> None:
    path = write(tmp_path, text)
    err = error_of(path)
    message = assert_one_line(err)
    assert (err.path, err.line, err.field) == (str(path), line, field), message
    assert fragment in err.reason, message
    assert message == f"{path}:{line}: {field}: {err.reason}"


def test_message_format_is_file_line_field_reason(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "levels").mkdir()
    obstacles = "".join(f"  - at_m: {at}\n    type: coin\n" for at in (40, 80, 120, 420))
    text = "schema: 1\nname: x\nmode: runner\ndifficulty: 1\nlength_m: 400\nobstacles:\n" + obstacles
    write(tmp_path / "levels", text)
    err = error_of("levels/bad.yaml")
    assert str(err) == "levels/bad.yaml:13: obstacles[3].at_m: must be less than length_m (400), got 420"


def test_missing_field_in_nested_mapping_points_at_that_mapping(tmp_path: Path) -> None:
    text = GOOD + "  - type: coin\n"  # line 11, no at_m
    err = error_of(write(tmp_path, text))
    assert (err.line, err.field, err.reason) == (11, "obstacles[2].at_m", "required field missing")


def test_yaml_syntax_error_is_condensed_to_one_line(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "schema: 1\nname: x\nthis line has no colon\nmode: runner\n"))
    message = assert_one_line(err)
    assert (err.line, err.field) == (4, "<yaml>")
    assert "could not find expected ':'" in message and "from line 3" in message


@pytest.mark.parametrize("content", [b"", b"   \n\n  \t\n"], ids=["zero-bytes", "whitespace"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path, content)
    err = error_of(path)
    assert (err.line, err.field, err.reason) == (None, "<file>", "the file is empty")
    assert assert_one_line(err) == f"{path}: <file>: the file is empty"


def test_comments_only_file(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, "# nothing yet\n# still nothing\n"))
    assert (err.line, err.field) == (None, "<document>")
    assert "only comments" in err.reason


def test_not_utf8_names_the_line(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, b"schema: 1\nname: caf\xe9\n"))
    assert (err.line, err.field) == (2, "<file>")
    assert "not UTF-8" in assert_one_line(err)


def test_utf8_bom_is_fine(tmp_path: Path) -> None:
    assert load_level(write(tmp_path, b"\xef\xbb\xbf" + GOOD.encode())).name == "Test track"


def test_missing_file(tmp_path: Path) -> None:
    err = error_of(str(tmp_path / "nope.yaml"))
    assert (err.path, err.line, err.field, err.reason) == (str(tmp_path / "nope.yaml"), None, "<file>", "no such file")
    assert assert_one_line(err) == f"{tmp_path / 'nope.yaml'}: <file>: no such file"


def test_directory_instead_of_file(tmp_path: Path) -> None:
    err = error_of(tmp_path)
    assert (err.field, err.reason) == ("<file>", "is a folder, not a file")


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file")
def test_unreadable_file(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD)
    path.chmod(0)
    try:
        err = error_of(path)
    finally:
        path.chmod(0o644)
    assert (err.field, err.reason) == ("<file>", "cannot read the file: permission denied")


def test_permission_denied_without_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, GOOD)

    def refuse(self: Path, *args: object, **kwargs: object) -> None:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)
    err = error_of(path)
    assert assert_one_line(err) == f"{path}: <file>: cannot read the file: permission denied"


def test_too_large_file(tmp_path: Path) -> None:
    err = error_of(write(tmp_path, GOOD + "#" * 1_000_001))
    assert err.field == "<file>" and "too large" in err.reason


def test_newlines_in_path_and_reason_stay_on_one_line() -> None:
    err = LevelError("odd\nname.yaml", 3, "name", "first\nsecond\r\nthird\u2028fourth")
    assert str(err) == "odd\\nname.yaml:3: name: first second third fourth"


def test_level_error_pickles() -> None:
    err = LevelError(Path("levels/x.yaml"), 4, "mode", "bad")
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.path, copy.line, copy.field, copy.reason, str(copy)) == (
        "levels/x.yaml",
        4,
        "mode",
        "bad",
        "levels/x.yaml:4: mode: bad",
    )


def test_parse_level_from_string_labels_errors() -> None:
    with pytest.raises(LevelError) as info:
        parse_level("schema: 1\nmode: runner\n", "inline.yaml")
    assert str(info.value) == "inline.yaml:1: name: required field missing"


# --------------------------------------------------------------------------------------------
# Finding levels


def test_levels_root_is_the_repository_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LEVELS_DIR_ENV, raising=False)
    assert levels_root().resolve() == LEVELS_ROOT


def test_levels_root_honours_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(LEVELS_DIR_ENV, str(tmp_path))
    assert levels_root() == tmp_path
    (tmp_path / "runner").mkdir()
    write(tmp_path / "runner", GOOD, "mine.yaml")
    assert resolve_level("mine", "runner") == tmp_path / "runner" / "mine.yaml"
    assert [lv.name for lv in list_levels("runner").levels] == ["Test track"]


def test_resolve_level_by_name_path_and_suffix(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(LEVELS_DIR_ENV, raising=False)
    assert resolve_level("meadow", "runner").resolve() == REPO_LEVELS / "meadow.yaml"
    assert resolve_level("fells.yaml", "runner", LEVELS_ROOT) == REPO_LEVELS / "fells.yaml"
    own = write(tmp_path, GOOD, "own.yaml")
    assert resolve_level(str(own), "runner") == own
    assert load_any_level(resolve_level("forest", "runner")).name == "Forest trail"


def test_a_level_names_its_mode(tmp_path: Path) -> None:
    assert load_any_level(write(tmp_path, GOOD, "good.yaml"), "runner").name == "Test track"
    with pytest.raises(LevelError) as info:
        load_any_level(write(tmp_path, GOOD.replace("mode: runner", "mode: runer")))
    assert "bad.yaml:3: mode: no game mode named 'runer' (did you mean 'runner'?)" in assert_one_line(info.value)
    with pytest.raises(LevelError) as info:
        load_any_level(write(tmp_path, GOOD.replace("mode: runner\n", "")))
    assert info.value.field == "mode" and "missing" in info.value.reason


def test_resolve_unknown_level_lists_available_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # so "meadw" is not a file here either
    with pytest.raises(LevelError) as info:
        resolve_level("meadw", "runner", LEVELS_ROOT)
    err = info.value
    message = assert_one_line(err)
    assert (err.path, err.line, err.field) == ("meadw", None, "<level>")
    assert "did you mean 'meadow'?" in message
    assert "available: fells, forest, lakeside, meadow, summit" in message


def test_resolve_missing_path_and_missing_folder(tmp_path: Path) -> None:
    (tmp_path / "runner").mkdir()
    with pytest.raises(LevelError) as info:
        resolve_level(str(tmp_path / "sub" / "x.yaml"), "runner", tmp_path)
    assert info.value.field == "<file>" and "no such file" in info.value.reason
    with pytest.raises(LevelError) as info:
        resolve_level("meadow", "runner", tmp_path / "absent")
    assert "does not exist" in assert_one_line(info.value)


def test_list_levels_skips_and_collects_broken_files(tmp_path: Path) -> None:
    root, tmp_path = tmp_path, tmp_path / "runner"
    tmp_path.mkdir()
    write(tmp_path, GOOD.replace("difficulty: 2", "difficulty: 3").replace("Test track", "b hard"), "z.yaml")
    write(tmp_path, GOOD.replace("Test track", "A easy"), "y.yaml")
    write(tmp_path, GOOD.replace("Test track", "a also easy"), "x.yaml")
    write(tmp_path, "schema: 1\nname: [\n", "broken.yaml")
    write(tmp_path, GOOD, ".hidden.yaml")
    write(tmp_path, "not a level", "notes.txt")
    levels, errors = list_levels("runner", root)
    assert [lv.name for lv in levels] == ["a also easy", "A easy", "b hard"]
    assert [(Path(e.path).name, e.field) for e in errors] == [("broken.yaml", "<yaml>")]


def test_list_levels_missing_folder_is_an_error_not_an_exception(tmp_path: Path) -> None:
    levels, errors = list_levels("runner", tmp_path / "absent")
    assert levels == [] and len(errors) == 1 and "does not exist" in errors[0].reason


# --------------------------------------------------------------------------------------------
# Properties: nothing but LevelError escapes, whatever the input


def check_outcome(source: str | bytes) -> None:
    try:
        level = parse_level(source, "fuzz.yaml")
    except LevelError as err:
        message = assert_one_line(err)
        assert message.startswith("fuzz.yaml")
        if err.line is not None:
            text = source.decode("utf-8", "replace") if isinstance(source, bytes) else source
            assert 1 <= err.line <= len(text.splitlines()) + 1
    else:
        assert isinstance(level, Level)


FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(st.text())
def test_arbitrary_text_only_raises_level_error(text: str) -> None:
    check_outcome(text)


@FUZZ
@given(st.binary())
def test_arbitrary_bytes_only_raise_level_error(data: bytes) -> None:
    check_outcome(data)


YAML_BITS = st.sampled_from(
    [
        "schema",
        "name",
        "mode",
        "difficulty",
        "length_m",
        "stride_m",
        "time_limit_s",
        "obstacles",
        "at_m",
        "type",
        "description",
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
        "runner",
        "hurdle",
        "bar",
        "coin",
        "?",
        "\t",
        "%YAML 1.1",
        "2001-12-14",
        "!!binary",
        "=",
    ]
)


@FUZZ
@given(st.lists(YAML_BITS, max_size=60).map("".join))
def test_yaml_ish_text_only_raises_level_error(text: str) -> None:
    check_outcome(text)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(),
    st.text(max_size=8),
    st.sampled_from(["runner", "hurdle", "bar", "coin", "40", "1e3"]),
)
OBSTACLE = st.dictionaries(st.sampled_from(["at_m", "type", "kind"]), SCALARS, max_size=3)
DOCUMENT = st.dictionaries(
    st.sampled_from(
        ["schema", "name", "mode", "description", "difficulty", "length_m", "stride_m", "time_limit_s", "obstacles", "extra"]
    ),
    st.one_of(SCALARS, st.lists(st.one_of(OBSTACLE, SCALARS), max_size=5)),
)


@FUZZ
@given(DOCUMENT)
def test_schema_shaped_documents_only_raise_level_error(document: dict[str, object]) -> None:
    check_outcome(yaml.safe_dump(document))


@FUZZ
@given(st.data())
def test_mutated_shipped_level_only_raises_level_error(data: st.DataObject) -> None:
    text = (REPO_LEVELS / "forest.yaml").read_text(encoding="utf-8")
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, min(len(text), start + 20)))
    insert = data.draw(st.text(max_size=10) | YAML_BITS)
    check_outcome(text[:start] + insert + text[end:])


@st.composite
def valid_levels(draw: st.DrawFn) -> tuple[str, list[tuple[float, str]], float]:
    length = draw(st.integers(50, 20000))
    positions: list[int] = []
    at = 0
    while True:
        at += draw(st.integers(4, 400))
        if at >= length or len(positions) >= 30:
            break
        positions.append(at)
    kinds = [draw(st.sampled_from(["hurdle", "bar", "coin"])) for _ in positions]
    stride = draw(st.sampled_from([0.3, 1, 1.25, 3.0]))
    obstacles = [{"at_m": p, "type": k} for p, k in zip(positions, kinds, strict=True)]
    doc = {
        "schema": 1,
        "name": "Gen",
        "mode": "runner",
        "difficulty": draw(st.integers(1, 5)),
        "length_m": length,
        "stride_m": stride,
        "obstacles": obstacles,
    }
    return yaml.safe_dump(doc, sort_keys=draw(st.booleans())), list(zip(map(float, positions), kinds, strict=True)), float(length)


@FUZZ
@given(valid_levels())
def test_generated_valid_levels_load_exactly(case: tuple[str, list[tuple[float, str]], float]) -> None:
    text, expected, length = case
    level = runner(parse_level(text, "gen.yaml"))
    assert level.length_m == length
    assert [(o.at_m, o.kind) for o in level.obstacles] == expected


@pytest.fixture(scope="module")
def fuzz_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


@settings(max_examples=100, deadline=None)
@given(data=st.binary(max_size=300))
def test_arbitrary_files_only_raise_level_error(fuzz_dir: Path, data: bytes) -> None:
    path = fuzz_dir / "fuzz.yaml"
    path.write_bytes(data)
    try:
        assert isinstance(load_level(path), Level)
    except LevelError as err:
        assert_one_line(err)
        assert err.path == str(path)
