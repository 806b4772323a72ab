"""kiosk.yaml: defaults, every field read, and errors naming the file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from game.kiosk.config import KioskConfigError, QuietHours, load_kiosk_config
from game.kiosk.pin import hash_pin

GAMES = ["runner", "ski"]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "kiosk.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_an_empty_file_is_the_defaults(tmp_path: Path) -> None:
    cfg = load_kiosk_config(write(tmp_path, "# nothing set\n"), GAMES)
    assert cfg.games == () and cfg.round_s == 90 and cfg.languages == ("fi", "en", "sv")
    assert cfg.reset_at == dt.time(5, 0) and cfg.nobody_s == 10 and cfg.admin_pin_hash is None


def test_every_field_is_read(tmp_path: Path) -> None:
    pin = hash_pin("2468")
    path = write(
        tmp_path,
        f"""games: [ski, runner]
round_s: 75
languages: [sv, de, ru]
leaderboard:
  reset_at: 04:30
  timezone: Europe/Helsinki
  season_starts: 2026-11-01
admin_pin_hash: "{pin}"
camera: 2
volume: 35
quiet_hours: {{start: "22:00", end: "07:30"}}
nobody_s: 15
""",
    )
    cfg = load_kiosk_config(path, GAMES)
    assert cfg.games == ("ski", "runner") and cfg.round_s == 75 and cfg.languages == ("sv", "de", "ru")
    # 04:30 unquoted stays a time of day (YAML 1.1 alone would read it as the number 270).
    assert cfg.reset_at == dt.time(4, 30) and cfg.timezone == "Europe/Helsinki"
    assert cfg.season_starts == dt.date(2026, 11, 1) and cfg.admin_pin_hash == pin
    assert cfg.camera == 2 and cfg.volume == 35 and cfg.nobody_s == 15
    assert cfg.quiet_hours == QuietHours(dt.time(22, 0), dt.time(7, 30))


@pytest.mark.parametrize(
    ("text", "line", "field", "words"),
    [
        ("games: [runner, skii]\n", 1, "games[1]", "no game named 'skii'"),
        ("round_s: 5\n", 1, "round_s", "between 10 and 600"),
        ("round_s: '90'\n", 1, "round_s", "number"),
        ("languages: [fi, xx]\n", 1, "languages[1]", "must be one of"),
        ("languages: [fi, fi]\n", 1, "languages", "twice"),
        ("volume: 101\n", 1, "volume", "100"),
        ("\nleaderboard:\n  reset_at: '25:00'\n", 3, "leaderboard.reset_at", "00:00 .. 23:59"),
        ("leaderboard:\n  reset_at: 'five'\n", 2, "leaderboard.reset_at", "HH:MM"),
        ("leaderboard:\n  timezone: Mars/Base\n", 2, "leaderboard.timezone", "unknown time zone"),
        ("admin_pin_hash: '1234'\n", 1, "admin_pin_hash", "hash-pin"),
        ("quiet_hours: {start: '22:00'}\n", 1, "quiet_hours.end", "required"),
        ("round_s: 60\nrund_s: 60\n", 2, "rund_s", "unknown field"),
        ("round_s: 60\nround_s: 70\n", 2, "round_s", "duplicate"),
    ],
)
def test_errors_name_file_line_and_field(tmp_path: Path, text: str, line: int, field: str, words: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(KioskConfigError) as info:
        load_kiosk_config(path, GAMES)
    err = info.value
    assert (err.path, err.line, err.field) == (str(path), line, field)
    assert words.lower() in err.reason.lower()
    assert str(err).startswith(f"{path}:{line}: {field}: ")


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(KioskConfigError, match="kiosk.yaml"):
        load_kiosk_config(tmp_path / "kiosk.yaml", GAMES)


def test_quiet_hours_may_pass_midnight() -> None:
    night = QuietHours(dt.time(22, 0), dt.time(7, 0))
    assert night.contains(dt.time(23, 30)) and night.contains(dt.time(3, 0)) and night.contains(dt.time(22, 0))
    assert not night.contains(dt.time(7, 0)) and not night.contains(dt.time(12, 0))
    lunch = QuietHours(dt.time(12, 0), dt.time(13, 0))
    assert lunch.contains(dt.time(12, 30)) and not lunch.contains(dt.time(13, 30))
