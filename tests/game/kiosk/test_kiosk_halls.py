"""Lists of every hall at the kiosk: fetched off the game thread and cached, the hall's own
lists (and a note) when there is no server or it cannot be reached, and kiosk rounds left in
the sync outbox like any finished session. The fetch is a fake here; the real server's
leaderboard is tested with the sync (tests/game/sessions)."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from game.kiosk.app import KioskApp
from game.kiosk.config import KioskConfig
from game.kiosk.hallboard import HallBoards
from game.kiosk.scenes import BoardScene
from game.kiosk.text import ktr
from game.sessions.sync import outbox
from tests.game.kiosk.kiosk_runs import kiosk_run

WAIT_S = 10.0  # a bound on waiting for the fetching thread, never a speed requirement


@dataclass
class Row:
    player: str
    site: str
    score: float


@dataclass
class Board:
    day: list[Row]
    season: list[Row]


def board_of(mode: str, level: str) -> Board:
    return Board([Row("fox", "hall_b", 812.0), Row("kiosk", "hall_a", 640.4)], [Row("owl", "hall_c", 990.0)])


def wait_for(what: Callable[[], bool]) -> None:
    end = time.monotonic() + WAIT_S
    while not what():
        assert time.monotonic() < end, "the fetching thread did not get there"
        time.sleep(0.005)


class Clock:
    def __init__(self) -> None:
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_lists_are_fetched_on_their_thread_cached_and_refreshed_after_a_while() -> None:
    calls: list[tuple[str, str]] = []

    def fetch(mode: str, level: str) -> Board:
        calls.append((mode, level))
        return board_of(mode, level)

    clock = Clock()
    halls = HallBoards(fetch, refresh_s=60.0, clock=clock).start()
    try:
        assert halls.get("punch", "Duo") is None  # nothing yet: the hall's own lists
        assert halls.note_key(None) == "board.this_hall"
        halls.want("punch", "Duo")
        wait_for(lambda: halls.get("punch", "Duo") is not None)
        lists = halls.get("punch", "Duo")
        assert lists is not None
        assert [(r.player, r.site, r.score) for r in lists.day] == [("fox", "hall_b", 812), ("kiosk", "hall_a", 640)]
        assert [r.site for r in lists.season] == ["hall_c"]
        assert halls.note_key(lists) == "board.all_halls"
        halls.want("punch", "Duo")  # fresh: not fetched again
        clock.t += 30
        halls.want("punch", "Duo")
        time.sleep(0.05)
        assert calls == [("punch", "Duo")]
        clock.t += 31  # older than refresh_s: fetched again
        halls.want("punch", "Duo")
        wait_for(lambda: len(calls) == 2)
    finally:
        halls.stop()


def test_the_game_never_waits_on_a_slow_server() -> None:
    release = threading.Event()

    def slow(mode: str, level: str) -> Board:
        release.wait(WAIT_S)
        return board_of(mode, level)

    halls = HallBoards(slow).start()
    try:
        halls.want("runner", "Meadow")
        assert halls.get("runner", "Meadow") is None  # asked, not there: no waiting
        release.set()
        wait_for(lambda: halls.get("runner", "Meadow") is not None)
    finally:
        release.set()
        halls.stop()


def test_a_server_that_fails_leaves_the_hall_lists_and_a_note_and_is_asked_again_later() -> None:
    up = [False]
    calls: list[str] = []

    def flaky(mode: str, level: str) -> Board:
        calls.append(mode)
        if not up[0]:
            raise ConnectionError("the server db.example.org:5432/liike cannot be reached")
        return board_of(mode, level)

    clock = Clock()
    halls = HallBoards(flaky, retry_s=120.0, clock=clock).start()
    try:
        halls.want("ski", "Slope")
        wait_for(lambda: halls.error is not None)
        assert halls.get("ski", "Slope") is None
        assert halls.note_key(None) == "board.halls_unreachable"
        halls.want("ski", "Slope")  # failed a moment ago: not asked again yet
        time.sleep(0.05)
        assert calls == ["ski"]
        up[0] = True
        clock.t += 121
        halls.want("ski", "Slope")
        wait_for(lambda: halls.get("ski", "Slope") is not None)
        assert halls.error is None and halls.note_key(halls.get("ski", "Slope")) == "board.all_halls"
    finally:
        halls.stop()


def test_without_a_server_nothing_is_fetched_and_no_thread_runs() -> None:
    halls = HallBoards(None).start()
    halls.want("punch", "Duo")
    assert halls.get("punch", "Duo") is None and halls.fetches == 0
    assert halls.note_key(None) == "board.this_hall"
    assert not any(t.name == "liike-hall-boards" for t in threading.enumerate())
    halls.stop()


def boards_seen(into: list[BoardScene]) -> Callable[[KioskApp], None]:
    def watch(app: KioskApp) -> None:
        if isinstance(app.top, BoardScene) and (not into or into[-1] is not app.top):
            into.append(app.top)

    return watch


@pytest.mark.slow
def test_the_leaderboard_screen_shows_every_hall_once_fetched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LIIKE_DATABASE_URL", raising=False)
    asked: list[tuple[str, str]] = []

    def fetch(mode: str, level: str) -> Board:
        asked.append((mode, level))
        return board_of(mode, level)

    seen: list[BoardScene] = []
    kcfg = KioskConfig(round_s=10, nobody_s=10)
    result, kiosk, _ = kiosk_run(tmp_path, 45.0, kcfg=kcfg, on_frame=boards_seen(seen), hall_fetch=fetch)
    assert result["rounds"] >= 1 and seen
    board = seen[0]
    assert asked and asked[0][0] == "runner" and asked[0][1]  # the round's game and level's name
    assert board.halls is not None
    assert board.rows(0)[0] == ("fox \u00b7 hall_b", 812, False)
    assert board.note in {ktr(lang, "board.all_halls") for lang in kiosk.config.languages}


@pytest.mark.slow
def test_a_server_down_shows_this_halls_lists_and_the_round_still_reaches_the_outbox(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing listens on port 1: the connection is refused at once, the sync and the lists fail.
    monkeypatch.setenv("LIIKE_DATABASE_URL", "postgresql://hall_a:secret@127.0.0.1:1/liike?connect_timeout=2")
    seen: list[BoardScene] = []
    result, kiosk, _ = kiosk_run(tmp_path, 45.0, kcfg=KioskConfig(round_s=10, nobody_s=10), on_frame=boards_seen(seen))
    assert result["rounds"] >= 1 and seen
    assert result["server"] is not None and "secret" not in str(result)
    board = seen[0]
    assert board.halls is None
    assert board.note in {ktr(lang, "board.halls_unreachable") for lang in kiosk.config.languages}
    assert board.rows(0) and board.rows(0)[0][2]  # this hall's list, the visitor's entry marked
    # The finished kiosk sessions wait in the outbox for the server, as `liike play`'s do.
    conn = sqlite3.connect(tmp_path / "sessions.sqlite")
    try:
        outbox.ensure_table(conn)
        finished = [sid for (sid,) in conn.execute("SELECT id FROM sessions WHERE ended_at IS NOT NULL")]
        assert finished and outbox.pending(conn, "127.0.0.1:1/liike") == finished
    finally:
        conn.close()
