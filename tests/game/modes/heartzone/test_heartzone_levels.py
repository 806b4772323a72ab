"""Heart-zone level files: the shipped ones load; every class of error names file, line and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from game.levels import LevelError, list_levels, parse_level
from game.modes.heartzone import MODE
from game.modes.heartzone.level import Level

GOOD = """\
schema: 1
name: "Test zone"
mode: heartzone
difficulty: 2
phases:
  - kind: warm_up
    seconds: 60
    band: [0.3, 0.4]
  - kind: main
    seconds: 300
    band: [0.4, 0.6]
"""


def test_shipped_levels_load() -> None:
    levels, problems = list_levels("heartzone")
    assert not problems
    names = {lv.name for lv in levels}
    assert {"Short zone", "Moderate 20", "Intervals"} <= names
    for lv in levels:
        assert isinstance(lv, Level)
        assert lv.phases[0].start_s == 0
        assert all(a.end_s == b.start_s for a, b in zip(lv.phases, lv.phases[1:], strict=False))
        assert MODE.level_length(lv).endswith("min")


def test_good_level_reads_into_phases() -> None:
    lv = parse_level(GOOD, "t.yaml")
    assert isinstance(lv, Level)
    assert [p.kind for p in lv.phases] == ["warm_up", "main"]
    assert lv.total_s == 360
    assert lv.phase_at(59.9).kind == "warm_up" and lv.phase_at(60).kind == "main"
    assert lv.phase_at(1000).kind == "main"
    assert (lv.phases[1].band.lo, lv.phases[1].band.hi) == (0.4, 0.6)


@pytest.mark.parametrize(
    "old,new,where,reason",
    [
        ("band: [0.4, 0.6]", "band: [0.6, 0.4]", "11: phases[1].band[1]", "at least 0.05 above the low end (0.6), got 0.4"),
        ("band: [0.4, 0.6]", "band: [0.4, 0.42]", "11: phases[1].band[1]", "at least 0.05 above"),
        ("band: [0.4, 0.6]", "band: [0.4, 0.95]", "11: phases[1].band[1]", "between 0.2 and 0.9"),
        ("band: [0.3, 0.4]", "band: [0.1, 0.4]", "8: phases[0].band[0]", "between 0.2 and 0.9"),
        ("band: [0.4, 0.6]", "band: [40, 60]", "11: phases[1].band[0]", "between 0.2 and 0.9"),
        ("band: [0.4, 0.6]", "band: 0.5", "11: phases[1].band", ""),
        ("seconds: 300", "seconds: 5", "10: phases[1].seconds", "between 10 and 3600, got 5"),
        ("seconds: 300", "seconds: 3700", "10: phases[1].seconds", "between 10 and 3600, got 3700"),
        ("kind: main", "kind: sprint", "9: phases[1].kind", "warm_up"),
        ("kind: main", "kind: main\n    bpm: 140", "10: phases[1].bpm", "unknown field"),
        ("difficulty: 2", "difficulty: 2\nadaptive: true", "5: adaptive", "no pace to adapt"),
    ],
)
def test_errors_name_file_line_field(old: str, new: str, where: str, reason: str) -> None:
    assert old in GOOD
    with pytest.raises(LevelError) as info:
        parse_level(GOOD.replace(old, new, 1), "levels/heartzone/bad.yaml")
    message = str(info.value)
    assert message.startswith(f"levels/heartzone/bad.yaml:{where}:"), message
    assert reason in message, message


def test_no_phases_and_too_long() -> None:
    empty = GOOD[: GOOD.index("phases:")] + "phases: []\n"
    with pytest.raises(LevelError, match=r"bad.yaml:5: phases: needs at least one phase"):
        parse_level(empty, "bad.yaml")
    long = (
        GOOD[: GOOD.index("phases:")]
        + "phases:\n"
        + "".join("  - kind: main\n    seconds: 3000\n    band: [0.4, 0.6]\n" for _ in range(3))
    )
    with pytest.raises(LevelError) as info:
        parse_level(long, "bad.yaml")
    assert str(info.value).startswith("bad.yaml:13: phases[2].seconds: the phases add up to 9000 s"), str(info.value)


def test_level_file_from_disk_names_its_path(tmp_path: Path) -> None:
    path = tmp_path / "heartzone" / "x.yaml"
    path.parent.mkdir()
    path.write_text(GOOD.replace("seconds: 60", "seconds: sixty"), encoding="utf-8")
    from game.levels import load_level

    with pytest.raises(LevelError) as info:
        load_level(path)
    assert f"{path}:7: phases[0].seconds: must be a number" in str(info.value)
