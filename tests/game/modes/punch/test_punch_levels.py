"""Target punch level files: the shipped ones load; bad ones are refused naming file, line and field."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from game.levels import LevelError, list_levels, parse_level
from game.modes.punch.level import LOWER_BODY, SEATED_MAX_S, Level

GOOD = """\
schema: 1
name: Test
mode: punch
difficulty: 2
tempo_bpm: 60
window_beats: 1.5
pattern:
  - {beat: 0, kind: punch, side: left}
  - {beat: 1, kind: reach}
  - {beat: 2, kind: squat}
  - {beat: 4, kind: step, side: right, window_beats: 2}
"""


def level(text: str = GOOD) -> Level:
    lv = parse_level(text, "test.yaml", "punch")
    assert isinstance(lv, Level)
    return lv


def refused(text: str) -> LevelError:
    with pytest.raises(LevelError) as info:
        parse_level(text, "bad.yaml", "punch")
    return info.value


def test_a_level_becomes_targets_in_seconds_on_its_tempo() -> None:
    lv = level(GOOD.replace("pattern:", "repeat: 2\nlead_beats: 1\npattern:"))
    assert [t.kind for t in lv.targets] == ["punch", "reach", "squat", "step"] * 2
    first, step = lv.targets[0], lv.targets[3]
    assert first.open_s == pytest.approx(1.0) and first.window_s == pytest.approx(1.5) and first.show_s == 0.0
    assert step.open_s == pytest.approx(5.0) and step.window_s == pytest.approx(2.0) and step.side == "right"
    # The second pass starts a beat after the first one's last target.
    assert lv.targets[4].open_s == pytest.approx(1.0 + 5.0)
    assert lv.length_s == pytest.approx(lv.targets[-1].close_s)
    assert lv.targets[1].side == "centre" and lv.players == 1 and not lv.seated


def test_every_shipped_level_loads_with_an_easy_fast_two_player_and_seated_one() -> None:
    levels, problems = list_levels("punch")
    assert problems == []
    loaded = [lv for lv in levels if isinstance(lv, Level)]
    assert len(loaded) == len(levels) >= 4
    assert min(lv.difficulty for lv in loaded) == 1
    assert any(lv.tempo_bpm >= 90 for lv in loaded)
    assert any(lv.players == 2 for lv in loaded)
    seated = [lv for lv in loaded if lv.seated]
    assert seated and all(t.kind not in LOWER_BODY for lv in seated for t in lv.targets)
    assert all(lv.length_s <= SEATED_MAX_S for lv in seated)


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        # A seated level refuses lower-body targets, naming the target's kind.
        (("tempo_bpm: 60", "tempo_bpm: 60\nseated: true"), 11, "pattern[2].kind", "seated level"),
        (("kind: punch, side: left", "kind: punch"), 8, "pattern[0].side", "needs side: left or right"),
        (("kind: squat}", "kind: squat, side: left}"), 10, "pattern[2].side", "centre"),
        (("{beat: 2, kind: squat}", "{beat: 1, kind: squat}"), 10, "pattern[2].beat", "greater than pattern[1].beat"),
        (("{beat: 1, kind: reach}", "{beat: 0.5, kind: reach}"), 9, "pattern[1].beat", "at least 0.6 s apart"),
        (("window_beats: 1.5", "window_beats: 20"), 6, "window_beats", "0.5-8 s"),
        (("window_beats: 2}", "window_beats: 0.2}"), 11, "pattern[3].window_beats", "0.5-8 s"),
        (("tempo_bpm: 60", "tempo_bpm: 600"), 5, "tempo_bpm", "180"),
        (("kind: reach}", "kind: jump}"), 9, "pattern[1].kind", "punch"),
        (("tempo_bpm: 60", "tempo_bpm: 60\nplayers: 3"), 6, "players", "2"),
        (("tempo_bpm: 60", "tempo_bpm: 60\nrepeat: 500"), 6, "repeat", "50"),
    ],
)
def test_bad_levels_are_refused_naming_file_line_and_field(change: tuple[str, str], line: int, field: str, words: str) -> None:
    old, new = change
    assert old in GOOD
    err = refused(GOOD.replace(old, new))
    assert (err.path, err.line, err.field) == ("bad.yaml", line, field), str(err)
    assert words in err.reason
    assert str(err).startswith(f"bad.yaml:{line}: {field}: ")


def test_a_seated_round_is_kept_short() -> None:
    seated = GOOD.replace("tempo_bpm: 60", "tempo_bpm: 20\nseated: true\nrepeat: 20").replace(
        "  - {beat: 2, kind: squat}\n  - {beat: 4, kind: step, side: right, window_beats: 2}\n", "  - {beat: 8, kind: reach}\n"
    )
    assert parse_level(seated.replace("repeat: 20", "repeat: 4"), "ok.yaml", "punch").seated  # type: ignore[attr-defined]
    err = refused(seated)
    assert err.field == "repeat" and "seated round is kept short" in err.reason


def test_the_schema_command_prints_the_punch_schema() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "game.cli", "levels", "schema", "punch"], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    schema = json.loads(out.stdout)
    text = json.dumps(schema)
    for name in ("tempo_bpm", "window_beats", "seated", "players", "pattern"):
        assert name in text
