"""Daily and season lists, the daily reset at a local time across both DST switches, and a
leaderboard file that is damaged, locked or read-only."""

from __future__ import annotations

import datetime as dt
import sqlite3
import zoneinfo
from pathlib import Path

from game.kiosk.boardday import board_day, next_reset, reset_instant
from game.kiosk.leaderboard import Leaderboard, leaderboard_path, rank_of

HEL = zoneinfo.ZoneInfo("Europe/Helsinki")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> float:
    return dt.datetime(year, month, day, hour, minute, second, tzinfo=dt.UTC).timestamp()


class Wall:
    def __init__(self, t: float) -> None:
        self.t = t

    def __call__(self) -> float:
        return self.t


def test_the_board_day_turns_at_the_reset_time() -> None:
    five = dt.time(5, 0)
    # Helsinki is UTC+2 in winter: 05:00 local is 03:00 UTC.
    assert board_day(utc(2026, 12, 1, 2, 59, 59), five, HEL) == dt.date(2026, 11, 30)
    assert board_day(utc(2026, 12, 1, 3, 0, 0), five, HEL) == dt.date(2026, 12, 1)
    assert next_reset(utc(2026, 12, 1, 12), five, HEL) == dt.datetime(2026, 12, 2, 3, tzinfo=dt.UTC)


def test_spring_forward_a_reset_time_in_the_gap_turns_when_the_clocks_jump() -> None:
    # 2026-03-29: Helsinki jumps from 03:00 EET to 04:00 EEST (01:00 UTC); 03:30 never happens.
    reset = dt.time(3, 30)
    day = dt.date(2026, 3, 29)
    assert reset_instant(day, reset, HEL) == dt.datetime(2026, 3, 29, 1, 0, tzinfo=dt.UTC)
    assert board_day(utc(2026, 3, 29, 0, 59, 59), reset, HEL) == day - dt.timedelta(days=1)
    assert board_day(utc(2026, 3, 29, 1, 0, 0), reset, HEL) == day
    # A reset time outside the gap that day is at its own wall time, an hour less in UTC.
    assert reset_instant(day, dt.time(5, 0), HEL) == dt.datetime(2026, 3, 29, 2, 0, tzinfo=dt.UTC)
    assert reset_instant(day - dt.timedelta(days=1), dt.time(5, 0), HEL) == dt.datetime(2026, 3, 28, 3, tzinfo=dt.UTC)


def test_fall_back_a_reset_time_in_the_repeated_hour_turns_once() -> None:
    # 2026-10-25: Helsinki goes from 04:00 EEST back to 03:00 EET (01:00 UTC); 03:30 happens twice.
    reset = dt.time(3, 30)
    day = dt.date(2026, 10, 25)
    first = dt.datetime(2026, 10, 25, 0, 30, tzinfo=dt.UTC)  # 03:30 EEST
    assert reset_instant(day, reset, HEL) == first
    before = day - dt.timedelta(days=1)
    assert board_day(first.timestamp() - 1, reset, HEL) == before
    # From the first 03:30 on, through the repeated hour (wall time steps back to 03:00) and the
    # second 03:30 (01:30 UTC), the day stays turned: no second reset, no turning back.
    for minutes in range(0, 24 * 60, 7):
        t = first.timestamp() + minutes * 60
        assert board_day(t, reset, HEL) == day, minutes
    assert board_day(utc(2026, 10, 26, 1, 29), reset, HEL) == day  # 03:29 EET on the 26th
    assert board_day(utc(2026, 10, 26, 1, 30), reset, HEL) == day + dt.timedelta(days=1)


def test_lists_per_game_daily_and_season(tmp_path: Path) -> None:
    wall = Wall(utc(2026, 12, 1, 10))
    board = Leaderboard(tmp_path / "b.sqlite", dt.time(5), HEL, dt.date(2026, 11, 1), wall=wall)
    board.add("runner", "Brave Otter", 120, session_id=7)
    wall.t += 60
    board.add("runner", "Calm Fox", 300)
    wall.t += 60
    board.add("ski", "Quick Hare", 50)
    wall.t += 60
    tie = board.add("runner", "Wild Lynx", 120)
    names = [e.nickname for e in board.daily("runner")]
    assert names == ["Calm Fox", "Brave Otter", "Wild Lynx"]  # equal scores: the earlier first
    assert rank_of(tie, board.daily("runner")) == 3
    assert board.counts_today() == {"runner": 3, "ski": 1}
    # The next morning after 05:00 the daily list is empty, the season keeps them.
    wall.t = utc(2026, 12, 2, 3, 0, 1)
    assert board.daily("runner") == [] and board.counts_today() == {}
    assert [e.score for e in board.season("runner")] == [300, 120, 120]
    # An entry from before the season start does not count for the season.
    wall.t = utc(2026, 10, 20, 12)
    board.add("runner", "Old Bear", 999)
    wall.t = utc(2026, 12, 2, 12)
    assert [e.nickname for e in board.season("runner")][0] == "Calm Fox"
    # Another process sees the same (a restart).
    again = Leaderboard(tmp_path / "b.sqlite", dt.time(5), HEL, dt.date(2026, 11, 1), wall=wall)
    assert [e.score for e in again.season("runner", limit=2)] == [300, 120]
    assert again.season("runner")[1].session_id == 7


def test_the_file_sits_next_to_the_store() -> None:
    assert leaderboard_path(Path("/data/liike.sqlite")) == Path("/data/liike.sqlite.leaderboard.sqlite")


def test_a_damaged_file_is_moved_aside_and_a_new_one_started(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    path.write_bytes(b"this is not a database " * 200)
    board = Leaderboard(path, dt.time(5), HEL)
    assert board.daily("runner") == []
    board.add("runner", "Brave Otter", 10)
    assert [e.nickname for e in board.daily("runner")] == ["Brave Otter"]
    aside = [p for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")


def test_a_locked_file_keeps_entries_in_memory_until_it_can_be_written(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    board = Leaderboard(path, dt.time(5), HEL)
    board.add("runner", "First Fox", 1)
    blocker = sqlite3.connect(path)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        entry = board.add("runner", "Brave Otter", 50)
        assert board.unsaved == 1 and board.problem is not None
        assert entry in board.daily("runner")  # shown from memory meanwhile
    finally:
        blocker.rollback()
        blocker.close()
    board.add("runner", "Calm Fox", 20)
    assert board.unsaved == 0 and board.problem is None
    fresh = Leaderboard(path, dt.time(5), HEL)
    assert [e.nickname for e in fresh.daily("runner")] == ["Brave Otter", "Calm Fox", "First Fox"]


def test_a_read_only_file_never_raises(tmp_path: Path) -> None:
    path = tmp_path / "b.sqlite"
    board = Leaderboard(path, dt.time(5), HEL)
    board.add("runner", "First Fox", 1)
    # SQLite's own read-only switch stands in for a read-only file (root ignores permissions).

    def read_only(con: sqlite3.Connection) -> None:
        con.execute("PRAGMA query_only=1")

    board.on_connect = read_only
    entry = board.add("runner", "Brave Otter", 5)
    assert board.unsaved == 1 and board.problem is not None and "readonly" in board.problem
    assert [e.nickname for e in board.daily("runner")] == ["Brave Otter", "First Fox"]
    assert board.counts_today() == {"runner": 2} and entry.score == 5
    board.on_connect = None
    assert board.flush() and board.unsaved == 0
