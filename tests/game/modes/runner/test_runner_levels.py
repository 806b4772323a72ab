"""The runner's levels: every shipped level loads and keeps the player busy; generated sections
are deterministic and keep the spacing rule; bad sections are refused naming file, line, field."""

from __future__ import annotations

import json
import re
from itertools import pairwise
from pathlib import Path

import pytest

from game.cli import main
from game.levels import LevelError, list_levels, load_level, parse_level
from game.modes.runner.level import MIN_OBSTACLE_GAP_M, Level

LEVELS = Path(__file__).resolve().parents[4] / "levels"
#: Longest stretch without anything to do, at the level's expected speed (issue 12: 2-4 s).
MAX_GAP_S = 4.0
#: The first thing comes within this many seconds of the start.
FIRST_WITHIN_S = 6.0


def runner_levels() -> list[Level]:
    levels, errors = list_levels("runner", LEVELS)
    assert errors == []
    return [lv for lv in levels if isinstance(lv, Level)]


def test_at_least_five_levels_from_gentle_to_hard() -> None:
    levels = runner_levels()
    assert len(levels) >= 5
    assert levels[0].difficulty == 1 and levels[-1].difficulty == 5
    gentle, hard = levels[0], levels[-1]
    # The hard level is faster and denser than the gentle one, and asks for both moves.
    assert hard.expected_speed_mps > 1.3 * gentle.expected_speed_mps
    assert hard.target_cadence_spm >= 175
    actions = lambda lv: sum(1 for s in lv.spots if s.kind in ("hurdle", "bar", "arc")) / (lv.length_m / lv.expected_speed_mps)  # noqa: E731
    assert actions(hard) > 2 * actions(gentle)
    assert {s.kind for s in hard.spots} == {"hurdle", "bar", "coin", "arc"}


@pytest.mark.parametrize("stem", ["meadow", "forest", "lakeside", "fells", "summit"])
def test_something_to_do_every_few_seconds(stem: str) -> None:
    level = load_level(LEVELS / "runner" / f"{stem}.yaml")
    assert isinstance(level, Level)
    speed = level.expected_speed_mps
    positions = [s.at_m for s in level.spots]
    assert positions[0] / speed <= FIRST_WITHIN_S
    gaps = [(b - a) / speed for a, b in pairwise([*positions, level.length_m])]
    assert max(gaps) <= MAX_GAP_S, (stem, max(gaps))
    assert min(b - a for a, b in pairwise(positions)) >= MIN_OBSTACLE_GAP_M
    assert any(s.kind == "arc" for s in level.spots), "every level has coin arcs to jump for"
    if level.time_limit_s is not None:  # on target with 10 % to spare
        assert level.length_m / speed <= 0.92 * level.time_limit_s


def test_adaptive_levels_carry_a_band() -> None:
    lakeside = load_level(LEVELS / "runner" / "lakeside.yaml")
    assert isinstance(lakeside, Level)
    assert lakeside.adaptive and lakeside.effort_band == (0.5, 0.7)


SECTIONED = """\
schema: 1
name: Sections
mode: runner
difficulty: 2
length_m: 300
obstacles:
  - {at_m: 20, type: hurdle}
  - {at_m: 100, type: bar}
sections:
  - {from_m: 10, to_m: 150, pattern: [coin, arc], spacing_m: [5, 7], seed: 4}
  - {from_m: 150, to_m: 290, pattern: [hurdle, bar, arc], order: shuffle, spacing_m: [6, 8], seed: 9}
"""


def test_sections_fill_the_track_deterministically_around_written_spots() -> None:
    a = parse_level(SECTIONED, "s.yaml")
    b = parse_level(SECTIONED, "s.yaml")
    assert isinstance(a, Level) and isinstance(b, Level)
    assert a.spots == b.spots
    positions = [s.at_m for s in a.spots]
    assert 20.0 in positions and 100.0 in positions  # written spots are kept as written
    assert all(b - a >= MIN_OBSTACLE_GAP_M for a, b in pairwise(positions))
    assert all(10 <= p < 290 for p in positions)
    first = [s.kind for s in a.spots if s.at_m < 150 and s.at_m not in (20.0, 100.0)]
    assert set(first) <= {"coin", "arc"}
    assert {s.kind for s in a.spots if s.at_m >= 150} <= {"hurdle", "bar", "arc"}
    other_seed = parse_level(SECTIONED.replace("seed: 9", "seed: 10"), "s.yaml")
    assert isinstance(other_seed, Level) and other_seed.spots != a.spots


@pytest.mark.parametrize(
    ("section", "field", "fragment"),
    [
        ("{from_m: 50, to_m: 40, pattern: [coin], spacing_m: [5, 6]}", "sections[0].to_m", "greater than from_m (50)"),
        ("{from_m: 10, to_m: 400, pattern: [coin], spacing_m: [5, 6]}", "sections[0].to_m", "at most length_m (300)"),
        (
            "{from_m: 10, to_m: 40, pattern: [coin], spacing_m: [8, 6]}",
            "sections[0].spacing_m[1]",
            "at least the shortest gap (8)",
        ),
        ("{from_m: 10, to_m: 40, pattern: [coin], spacing_m: [3, 6]}", "sections[0].spacing_m[0]", "between 4 and 200"),
        ("{from_m: 10, to_m: 40, pattern: [], spacing_m: [5, 6]}", "sections[0].pattern", "1 to 64 kinds"),
        ("{from_m: 10, to_m: 40, pattern: [wall], spacing_m: [5, 6]}", "sections[0].pattern[0]", "hurdle, bar, coin, arc"),
        ("{from_m: 10, to_m: 40, pattern: [coin], spacing_m: [5, 6], order: random}", "sections[0].order", "cycle"),
        ("{from_m: 10, to_m: 40, pattern: [coin], spacing_m: [5, 6], sed: 3}", "sections[0].sed", "unknown field"),
    ],
)
def test_bad_section_names_file_line_and_field(section: str, field: str, fragment: str) -> None:
    text = f"schema: 1\nname: Bad\nmode: runner\ndifficulty: 1\nlength_m: 300\nsections:\n  - {section}\n"
    with pytest.raises(LevelError) as info:
        parse_level(text, "bad.yaml")
    err = info.value
    assert (err.line, err.field) == (7, field), str(err)
    assert fragment in err.reason
    assert str(err).startswith(f"bad.yaml:7: {field}: ")


def test_overlapping_sections_are_refused() -> None:
    text = SECTIONED.replace("from_m: 150, to_m: 290", "from_m: 140, to_m: 290")
    with pytest.raises(LevelError) as info:
        parse_level(text, "s.yaml")
    assert (info.value.line, info.value.field) == (11, "sections[1].from_m")
    assert "do not overlap" in info.value.reason


def test_target_cadence_out_of_range_is_refused() -> None:
    text = SECTIONED.replace("length_m: 300\n", "length_m: 300\ntarget_cadence_spm: 260\n")
    with pytest.raises(LevelError) as info:
        parse_level(text, "s.yaml")
    assert info.value.field == "target_cadence_spm" and info.value.line == 6


def test_schema_command_describes_sections_and_arcs(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["levels", "schema", "runner"]) == 0
    schema = json.loads(capsys.readouterr().out)
    text = json.dumps(schema)
    for name in ("sections", "spacing_m", "target_cadence_spm", "pattern", "arc"):
        assert name in text


def test_every_readme_example_is_a_valid_level() -> None:
    readme = (LEVELS / "runner" / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    assert len(blocks) >= 2
    for block in blocks:
        assert isinstance(parse_level(block, "README.md"), Level)
