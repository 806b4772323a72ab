"""The Bluetooth allow-list file: round trip through save and load, and every error at file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from sensors.ble import allowlist
from sensors.ble.allowlist import AllowedSensor, AllowListError, AllowListFile
from sensors.config_yaml import ConfigError, json_schema


def error_of(path: Path, text: str | bytes) -> AllowListError:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(AllowListError) as info:
        allowlist.load(path)
    message = str(info.value)
    assert message.splitlines() == [message] and message.startswith(str(path))
    return info.value


def test_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "sensors.yaml"
    entries = [
        AllowedSensor("A0:9E:1A:12:34:56", "Strap: 7", "chest", "broadcast"),
        AllowedSensor("E0:11:22:00:00:02", None, "waist", "connect"),
    ]
    allowlist.save(entries, path)
    assert allowlist.load(path) == entries
    long_label = "Strap of the tallest pupil in class 7B who stands at the far end of the gym"
    entries.append(AllowedSensor("A0:9E:1A:12:34:57", long_label, adapter="hci1"))
    entries.append(AllowedSensor("12:34:56:12:34:56", "007", placement="lower_back"))
    entries.append(AllowedSensor("12345678-1234-1234-1234-123456789ABC", "yes", mode="broadcast"))
    allowlist.save(entries, path)
    assert allowlist.load(path) == entries  # long labels are never folded over lines; odd labels stay text
    assert path.read_text(encoding="utf-8").startswith("# Bluetooth sensors Liike may use")


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.text(max_size=30) | st.none(), st.sampled_from(allowlist.PLACEMENTS), st.sampled_from(allowlist.MODES)),
        max_size=5,
    )
)
def test_any_labels_round_trip(rows: list[tuple[str | None, str, str]]) -> None:
    entries = [
        AllowedSensor(f"A0:9E:1A:12:34:{i:02X}", label, placement, mode) for i, (label, placement, mode) in enumerate(rows)
    ]
    try:
        got = allowlist.parse(allowlist.dump(entries), Path("s.yaml"))
    except AllowListError as err:
        # Only text YAML cannot hold (a lone surrogate) or that is not printable is refused.
        assert err.field.endswith(".label") or err.field == "<yaml>", str(err)
        return
    assert got == [
        AllowedSensor(e.address, e.label or None, e.placement, e.mode) for e in entries
    ]  # an empty label is not written


def test_missing_empty_and_commented_files_are_empty_lists(tmp_path: Path) -> None:
    path = tmp_path / "sensors.yaml"
    assert allowlist.load(tmp_path / "missing.yaml") == []
    for text in ("", "\n", "# nothing yet\n", "sensors:\n", "sensors: []\n", "sensors: ~\n", "---\n"):
        path.write_text(text, encoding="utf-8")
        assert allowlist.load(path) == [], text


def test_hand_written_values(tmp_path: Path) -> None:
    path = tmp_path / "sensors.yaml"
    path.write_text(
        "sensors:\n  - address: a0:9e:1a:12:34:56\n    label: 7\n  - {address: 12:34:56:12:34:56, label:, adapter: hci0}\n",
        encoding="utf-8",
    )
    assert allowlist.load(path) == [
        AllowedSensor("A0:9E:1A:12:34:56", "7"),
        AllowedSensor("12:34:56:12:34:56", None, adapter="hci0"),
    ]


CASES = [
    # text, line, field, reason (start)
    (
        "sensors:\n  - address: A0:9E:1A:12:34:56\n    placement: nose\n",
        3,
        "sensors[0].placement",
        "must be one of: chest, waist, lower_back, wrist, thigh, ankle, foot, arm, got 'nose'",
    ),
    (
        "sensors:\n  - address: A0:9E:1A:12:34:56\n    mode: brodcast\n",
        3,
        "sensors[0].mode",
        "must be one of: connect, broadcast, got 'brodcast' (did you mean 'broadcast'?)",
    ),
    ("sensors:\n  - label: x\n", 2, "sensors[0].address", "required field missing"),
    ("sensors:\n  - address: 12345\n", 2, "sensors[0].address", "'12345' is not a Bluetooth address like A0:9E:1A:12:34:56"),
    ("sensors:\n  - address:\n", 2, "sensors[0].address", "must be a string, got nothing (null)"),
    (
        "sensors:\n  - address: a0:9e:1a:12:34:56\n  - address: A0:9E:1A:12:34:56\n",
        3,
        "sensors[1].address",
        "A0:9E:1A:12:34:56 is listed twice (first as sensors[0])",
    ),
    (
        "sensors:\n  - address: A0:9E:1A:12:34:56\n    adapter: usb\n",
        3,
        "sensors[0].adapter",
        "'usb' is not an adapter name like hci0 or hci1",
    ),
    ("sensors:\n  - address: A0:9E:1A:12:34:56\n    label: [a, b]\n", 3, "sensors[0].label", "must be a string, got a list"),
    ("sensor:\n  - address: x\n", 1, "sensor", "unknown field 'sensor' (did you mean 'sensors'?)"),
    ("sensors: [\n", 2, "<yaml>", "not valid YAML"),
    ("sensors:\n  - address: A0:9E:1A:12:34:56\n    colour: red\n", 3, "sensors[0].colour", "unknown field 'colour'"),
    (
        "sensors:\n  - address: A0:9E:1A:12:34:56\n    label: a\n    label: b\n",
        4,
        "sensors[0].label",
        "duplicate key (first given on line 3)",
    ),
    ("sensors:\n  - address: A0:9E:1A:12:34:56\nsensors: []\n", 3, "sensors", "duplicate key (first given on line 1)"),
    ("sensors: A0:9E:1A:12:34:56\n", 1, "sensors", "must be a list, got string 'A0:9E:1A:12:34:56'"),
    ("sensors:\n  - A0:9E:1A:12:34:56\n", 2, "sensors[0]", "must be a mapping with address, got string"),
    ("- address: A0:9E:1A:12:34:56\n", 1, "<document>", "must be a mapping of fields (sensors), got a list"),
    ("sensors:\n  - address: !!python/object/apply:os.system [id]\n", 2, "sensors[0].address", "unsupported YAML tag"),
    ("x: &a A0:9E:1A:12:34:56\nsensors:\n  - address: *a\n", 3, "sensors[0].address", "aliases (*a) are not supported"),
]


@pytest.mark.parametrize(("text", "line", "field", "reason"), CASES, ids=[f"{i}-{c[2]}" for i, c in enumerate(CASES)])
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int, field: str, reason: str) -> None:
    err = error_of(tmp_path / "sensors.yaml", text)
    assert (err.line, err.field) == (line, field), str(err)
    assert err.reason.startswith(reason), str(err)


def test_unreadable_files(tmp_path: Path) -> None:
    err = error_of(tmp_path / "sensors.yaml", b"sensors:\n  - label: \xff\xfe\n")
    assert (err.line, err.field) == (2, "<file>") and "not UTF-8" in err.reason
    folder = tmp_path / "folder.yaml"
    folder.mkdir()
    with pytest.raises(AllowListError) as info:
        allowlist.load(folder)
    assert info.value.field == "<file>"


def test_error_types() -> None:
    with pytest.raises(AllowListError) as info:
        allowlist.parse("sensors: 1\n", Path("inline.yaml"))
    assert str(info.value) == "inline.yaml:1: sensors: must be a list, got 1"
    assert isinstance(info.value, ConfigError) and isinstance(info.value, ValueError)


def test_schema_for_editors() -> None:
    schema = json_schema(AllowListFile)
    entry = schema["definitions"]["SensorEntry"]
    assert entry["required"] == ["address"] and entry["additionalProperties"] is False
    assert entry["properties"]["placement"]["enum"] == list(allowlist.PLACEMENTS)
    assert yaml.safe_load(allowlist.dump([AllowedSensor("A0:9E:1A:12:34:56")]))["sensors"][0].keys() <= set(entry["properties"])


@pytest.mark.parametrize(
    ("label", "reason"),
    [
        ("Strap\u00857", "must be a single line"),
        ("Strap\x007", "must be printable text, got the character U+0000"),
        ("   ", "must not be empty"),
        ("x" * 81, "must be at most 80 characters, got 81"),
    ],
)
def test_labels_must_be_one_printable_line(tmp_path: Path, label: str, reason: str) -> None:
    # Neither written ...
    with pytest.raises(AllowListError) as info:
        allowlist.dump([AllowedSensor("A0:9E:1A:12:34:56", label)])
    assert info.value.field == "sensors[0].label" and reason in info.value.reason
    # ... nor read from a file written by hand (double quotes keep every character).
    text = 'sensors:\n  - address: "A0:9E:1A:12:34:56"\n    label: ' + json.dumps(label) + "\n"
    with pytest.raises(AllowListError) as info:
        allowlist.parse(text, tmp_path / "s.yaml")
    assert (info.value.line, info.value.field) == (3, "sensors[0].label") and reason in info.value.reason
