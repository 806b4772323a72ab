"""Ski level files: the shipped levels, and errors that name the file, the line and the field."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from game.levels import LevelError, level_schema, list_levels, load_level
from game.modes import register_builtin_modes
from game.modes.ski import MODE
from game.modes.ski.level import MAX_SIDEWAYS_PER_M, MIN_GATE_GAP_M, TRACK_HALF_WIDTH_M, Level

register_builtin_modes()
LEVELS = Path(__file__).resolve().parents[4] / "levels" / "ski"

GOOD = """\
schema: 1
name: "Test loop"
mode: ski
difficulty: 2
length_m: 400
time_limit_s: 200
profile:
  - {at_m: 0, elevation_m: 100}
  - {at_m: 200, elevation_m: 110}
  - {at_m: 400, elevation_m: 100}
gates:
  - {at_m: 50, offset_m: -1}
  - {at_m: 100, offset_m: 2, width_m: 5}
"""


def ski_level(path: Path) -> Level:
    level = load_level(path)
    assert isinstance(level, Level)
    return level


def error_of(tmp_path: Path, text: str) -> LevelError:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(LevelError) as info:
        load_level(path)
    return info.value


def test_the_shipped_levels_load_and_cover_a_sprint_a_medium_and_a_long_course() -> None:
    levels = [ski_level(p) for p in sorted(LEVELS.glob("*.yaml"))]
    assert len(levels) >= 3
    lengths = sorted(lv.length_m for lv in levels)
    assert lengths[0] <= 1000 and lengths[-1] >= 5000
    longest = max(levels, key=lambda lv: lv.length_m)
    # A real profile: climbs and descents, steep pitches, and gates all the way.
    assert longest.profile.climb_m >= 80
    assert max(abs(longest.profile.grade(d)) for d in range(0, int(longest.length_m), 10)) >= 0.08
    assert len(longest.gates) >= 30
    for lv in levels:
        assert lv.gates and lv.gates[0].at_m >= 40, f"{lv.path}: the first gate comes too soon"
        assert all(abs(g.offset_m) + g.width_m / 2 <= TRACK_HALF_WIDTH_M for g in lv.gates)
    # The medium and the long course follow effort, the long one toward a harder band.
    assert longest.adaptive and longest.effort_band == (0.5, 0.75)
    assert [lv.adaptive for lv in sorted(levels, key=lambda lv: lv.length_m)] == [False, True, True]
    listing = list_levels("ski", LEVELS.parent)
    assert not listing.errors and len(listing.levels) == len(levels)
    assert listing.levels[0].difficulty == 1


def test_a_good_file_reads_into_the_level_the_rules_use(tmp_path: Path) -> None:
    path = tmp_path / "good.yaml"
    path.write_text(GOOD, encoding="utf-8")
    lv = ski_level(path)
    assert lv.name == "Test loop" and lv.length_m == 400 and lv.time_limit_s == 200 and lv.miss_penalty_s == 5.0
    assert [(g.at_m, g.offset_m, g.width_m) for g in lv.gates] == [(50, -1, 3.5), (100, 2, 5)]
    assert lv.profile.elevation(100) == pytest.approx(105)
    assert lv.profile.grade(300) == pytest.approx(-0.05)
    assert MODE.level_length(lv) == "0.4 km, 2 gates"
    flat = path.with_name("flat.yaml")
    flat.write_text(GOOD.split("profile:")[0] + "gates: []\n", encoding="utf-8")
    assert ski_level(flat).profile.grade(10) == 0.0


@pytest.mark.parametrize(
    ("text", "line", "field", "reason"),
    [
        (GOOD.replace("length_m: 400", "length_m: 40"), 5, "length_m", "must be between 100 and 20000"),
        (GOOD.replace("elevation_m: 110", "elevation_m: 170"), 9, "profile[1].elevation_m", "too steep: +35 %"),
        (GOOD.replace("{at_m: 0, elevation_m: 100}", "{at_m: 10, elevation_m: 100}"), 8, "profile[0].at_m", "must be 0"),
        (GOOD.replace("{at_m: 400, elevation_m: 100}", "{at_m: 390, elevation_m: 100}"), 10, "profile[2].at_m", "length_m (400)"),
        (GOOD.replace("{at_m: 200, elevation_m: 110}", "{at_m: 0, elevation_m: 100}"), 9, "profile[1].at_m", "in order"),
        (GOOD.replace("offset_m: -1}", "offset_m: -5}"), 12, "gates[0].offset_m", "inside the track"),
        (
            GOOD.replace("{at_m: 100, offset_m: 2", "{at_m: 60, offset_m: 2"),
            13,
            "gates[1].at_m",
            f"at least {MIN_GATE_GAP_M:.0f} m",
        ),
        (GOOD.replace("{at_m: 100, offset_m: 2", "{at_m: 40, offset_m: 2"), 13, "gates[1].at_m", "in order"),
        (
            GOOD.replace("offset_m: -1}", "offset_m: -4}").replace(
                "{at_m: 100, offset_m: 2, width_m: 5}", "{at_m: 68, offset_m: 3}"
            ),
            13,
            "gates[1].offset_m",
            "too far sideways from gates[0] (7 m in 18 m)",
        ),
        (GOOD.replace("{at_m: 100, offset_m: 2", "{at_m: 400, offset_m: 2"), 13, "gates[1].at_m", "less than length_m"),
        (GOOD.replace("width_m: 5}", "width_m: 12}"), 13, "gates[1].width_m", "must be between 1.5 and 8"),
        (GOOD.replace("difficulty: 2", "difficulty: 2\ngate_widht_m: 3"), 5, "gate_widht_m", "did you mean 'gate_width_m'"),
        (GOOD.replace("mode: ski", "mode: ski\nmiss_penalty_s: -1"), 4, "miss_penalty_s", "must be between 0 and 60"),
        (GOOD.replace("  - {at_m: 200, elevation_m: 110}\n  - {at_m: 400, elevation_m: 100}\n", ""), 8, "profile", "two points"),
    ],
)
def test_errors_name_the_file_line_and_field(tmp_path: Path, text: str, line: int, field: str, reason: str) -> None:
    err = error_of(tmp_path, text)
    assert err.line == line, str(err)
    assert err.field == field, str(err)
    assert reason in err.reason, str(err)
    assert str(err).startswith(f"{tmp_path / 'bad.yaml'}:{line}: {field}: ")


def test_the_sideways_rule_matches_what_steering_can_do() -> None:
    # A gate the rule allows can be reached by the rules' steering at a crawl: full lean at
    # 3 m/s moves the skier ~2 m/s sideways, more than MAX_SIDEWAYS_PER_M of its forward speed.
    from game.modes.ski.rules import MAX_HEADING_RAD, SIDESTEP_MPS

    speed = 3.0
    assert (speed * math.sin(MAX_HEADING_RAD) + SIDESTEP_MPS) / speed > MAX_SIDEWAYS_PER_M * 1.5


def test_the_schema_command_names_the_fields() -> None:
    schema = level_schema(MODE)
    props = schema["properties"]
    for name in ("length_m", "time_limit_s", "miss_penalty_s", "gate_width_m", "profile", "gates"):
        assert name in props and props[name].get("description") or name in props
    assert "gates" in schema["required"] and "profile" not in schema["required"]
