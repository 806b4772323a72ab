"""The bindings file: the shipped one, defaults, and every error naming file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from game.input import Bindings, BindingsError, load_bindings
from game.input.bindings import DEFAULT_BINDINGS, ActionBinding, AxisBinding, BindingsFile
from sensors.config_yaml import ConfigError, json_schema


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bindings.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str) -> BindingsError:
    path = write(tmp_path, text)
    with pytest.raises(BindingsError) as info:
        load_bindings(path)
    message = str(info.value)
    assert message.splitlines() == [message] and message.startswith(f"{path}:")
    return info.value


def test_shipped_bindings_load_and_match_the_file() -> None:
    bindings = load_bindings()
    raw = yaml.safe_load(DEFAULT_BINDINGS.read_text(encoding="utf-8"))
    assert set(bindings.actions) == set(raw["actions"]) and set(bindings.axes) == set(raw["axes"])
    assert bindings.cadence_full_spm == raw["motion"]["cadence_full_spm"]
    assert bindings.crouch_release < bindings.crouch_hold
    assert bindings.actions["duck"].motion_state == "crouch"
    assert bindings.axes["speed"].motion_state == "cadence" and "right" in bindings.axes["speed"].keys_positive
    for name, action in bindings.actions.items():
        assert action.name == name and all(k == k.lower() and k for k in action.keys + action.motion_events)


def test_sections_may_be_left_out_or_empty(tmp_path: Path) -> None:
    assert load_bindings(write(tmp_path, "actions:\naxes:\nmotion:\n")) == Bindings()
    assert load_bindings(write(tmp_path, "actions: {}\n")) == Bindings()


def test_values_are_typed_and_lower_cased(tmp_path: Path) -> None:
    text = (
        "motion: {cadence_full_spm: 180, crouch_hold: 0.3}\n"
        "actions:\n  fire: {keys: [Space, 1, F1], motion_events: [Punch]}\n"
        "axes:\n  lean: {keys_negative: [a], motion_state: lean}\n"
    )
    b = load_bindings(write(tmp_path, text))
    assert (b.cadence_full_spm, b.crouch_hold, b.crouch_release) == (180.0, 0.3, 0.10)
    assert isinstance(b.cadence_full_spm, float)
    assert b.actions == {"fire": ActionBinding("fire", ("space", "1", "f1"), ("punch",))}
    assert b.axes == {"lean": AxisBinding("lean", (), ("a",), "lean")}


CASES = [
    # text, line, field, reason (exact)
    (
        "actions:\n  jump: {keyz: [space]}\n",
        2,
        "actions.jump.keyz",
        "unknown field 'keyz' (did you mean 'keys'?); allowed fields: keys, motion_events, motion_state",
    ),
    ("actions:\n  jump:\n    keys: space\n", 3, "actions.jump.keys", "must be a list, got string 'space'"),
    ("actions:\n  jump:\n    keys: [space, '']\n", 3, "actions.jump.keys[1]", "must not be empty"),
    ("actions:\n  jump:\n    keys: [space, [a]]\n", 3, "actions.jump.keys[1]", "must be a string, got a list"),
    ("motion:\n  cadence_full_spm: yes\n", 2, "motion.cadence_full_spm", "must be a number, got boolean yes"),
    (
        "motion:\n  cadence_full_spm: '160'\n",
        2,
        "motion.cadence_full_spm",
        "must be a number, got string '160' (remove the quotes)",
    ),
    ("motion:\n  cadence_full_spm: 500\n", 2, "motion.cadence_full_spm", "must be between 30 and 400, got 500"),
    ("motion:\n  crouch_hold: .nan\n", 2, "motion.crouch_hold", "must be a finite number, got .nan"),
    (
        "motion:\n  crouch_hold: 0.2\n  crouch_release: 0.25\n",
        3,
        "motion.crouch_release",
        "must be below crouch_hold (0.2), got 0.25",
    ),
    ("motion:\n  crouch_hold: 0.05\n", 2, "motion.crouch_hold", "must be above crouch_release (0.1), got 0.05"),
    (
        "motion:\n  speed: 1\n",
        2,
        "motion.speed",
        "unknown field 'speed'; allowed fields: cadence_full_spm, crouch_hold, crouch_release",
    ),
    ("actions: [\n", 2, "<yaml>", "not valid YAML"),
    ("axes:\n  speed: {motion_state: crouch}\n", 2, "axes.speed.motion_state", "must be one of: cadence, lean, got 'crouch'"),
    (
        "actions:\n  duck: {motion_state: crouh}\n",
        2,
        "actions.duck.motion_state",
        "must be one of: crouch, got 'crouh' (did you mean 'crouch'?)",
    ),
    ("actions:\n  jump: {keys: [space]}\n  jump: {keys: [w]}\n", 3, "actions.jump", "duplicate key (first given on line 2)"),
    ("actions:\n  jump: {keys: [space], keys: [w]}\n", 2, "actions.jump.keys", "duplicate key (first given on line 2)"),
    (
        "actions:\n  pause:\n",
        2,
        "actions.pause",
        "must be a mapping of fields (keys, motion_events, motion_state), got nothing (null)",
    ),
    ("actions:\n  '': {keys: [x]}\n", 2, "actions['']", "must not be empty"),
    (
        "actoins: {}\n",
        1,
        "actoins",
        "unknown field 'actoins' (did you mean 'actions'?); allowed fields: motion, actions, axes, player2",
    ),
    (
        "actions:\n  jump: {keys: [space]}\nplayer2:\n  actions:\n    jupm: {keys: [w]}\n",
        5,
        "player2.actions.jupm",
        "is not one of the actions above (jump); define it under actions: first",
    ),
    (
        "axes:\n  lean: {keys_negative: [a]}\nplayer2:\n  axes:\n    lean: {keys: [q]}\n",
        5,
        "player2.axes.lean.keys",
        "unknown field 'keys'",
    ),
    ("- jump\n", 1, "<document>", "must be a mapping of fields (motion, actions, axes, player2), got a list"),
    (
        "base: &k [space]\nactions:\n  jump: {keys: *k}\n",
        3,
        "actions.jump.keys",
        "aliases (*k) are not supported; write the value out in full",
    ),
    (
        "actions:\n  jump: {keys: !!python/name:os.system x}\n",
        2,
        "actions.jump.keys",
        "unsupported YAML tag !!python/name:os.system; only plain values, lists and mappings are read",
    ),
]


@pytest.mark.parametrize(("text", "line", "field", "reason"), CASES, ids=[c[2] + "-" + str(i) for i, c in enumerate(CASES)])
def test_bad_bindings_name_file_line_and_field(tmp_path: Path, text: str, line: int, field: str, reason: str) -> None:
    err = error_of(tmp_path, text)
    assert (err.line, err.field) == (line, field), str(err)
    assert err.reason.startswith(reason), str(err)
    assert isinstance(err, ConfigError) and isinstance(err, ValueError)


def test_empty_and_missing_files(tmp_path: Path) -> None:
    err = error_of(tmp_path, "# nothing\n")
    assert err.field == "<document>" and "no content" in err.reason
    with pytest.raises(BindingsError) as info:
        load_bindings(tmp_path / "absent.yaml")
    assert str(info.value) == f"{tmp_path / 'absent.yaml'}: <file>: no such file"


def test_schema_for_editors() -> None:
    schema = json_schema(BindingsFile)
    assert set(schema["properties"]) == {"motion", "actions", "axes", "player2"} and schema["additionalProperties"] is False
    motion = schema["definitions"]["MotionSpec"]["properties"]["cadence_full_spm"]
    assert (motion["minimum"], motion["maximum"], motion["default"]) == (30, 400, 160.0)


def test_the_second_player_has_keys_of_their_own_and_the_same_movements() -> None:
    b = load_bindings()
    p2 = b.player2
    assert p2 is not None and b.second_player() is p2
    assert set(p2.actions) == set(b.actions) and set(p2.axes) == set(b.axes)
    # The target punch moves, each on a key; the movements that press them are the first player's.
    for action in ("punch", "punch_left", "punch_right", "reach", "duck", "sidestep_left", "sidestep_right"):
        assert p2.actions[action].keys, action
        assert p2.actions[action].motion_events == b.actions[action].motion_events
        assert p2.actions[action].motion_state == b.actions[action].motion_state
    assert p2.axes["lean"].keys_negative and p2.axes["lean"].keys_positive
    # Player 1 keeps their own keys for every target punch move.
    for action in ("punch_left", "punch_right", "reach", "duck", "sidestep_left", "sidestep_right"):
        assert set(b.actions[action].keys) - p2.keys, action
    assert b.actions["pause"].keys and not set(b.actions["pause"].keys) & p2.keys


def test_without_a_player2_section_the_second_player_has_movements_only(tmp_path: Path) -> None:
    b = load_bindings(write(tmp_path, "actions:\n  punch: {keys: [j], motion_events: [punch]}\n"))
    assert b.player2 is None
    assert b.second_player().actions == {"punch": ActionBinding("punch", (), ("punch",))}
    assert b.second_player().keys == frozenset()
