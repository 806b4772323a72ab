"""Leaderboards across every hall, fetched from the shared server on a thread of their own.

With a server configured (``database_url`` in kiosk.yaml, or ``LIIKE_DATABASE_URL``), the
kiosk's leaderboard screen shows the day's and the season's best of every hall on the server
(:func:`game.sessions.sync.fetch_leaderboard`). The game never waits on the network: the screen
asks :meth:`HallBoards.get`, which only reads a cache; :meth:`HallBoards.want` asks the thread to
fetch a game's lists (when a round starts, so they are there by its end), at most once per
:data:`REFRESH_S` per game and level. No server, a server that cannot be reached, or lists not
fetched yet: the screen shows the hall's own lists and says so (:attr:`HallLists` absent,
:meth:`HallBoards.note_key`).

Windows: the server's "day" runs from local midnight and its season from a month and day
(:mod:`game.sessions.sync.leaderboard`); the hall's own lists start at the kiosk's
``reset_at`` and ``season_starts``. The kiosk passes its time zone and its season's month and
day, so the two differ only in the hours between midnight and ``reset_at``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger("liike.kiosk")

#: Seconds a game's fetched lists are kept before the next round of it fetches them again.
REFRESH_S = 60.0
#: Seconds to wait for the server's connection (on the fetching thread, never the game's).
FETCH_TIMEOUT_S = 5.0
#: Seconds after a failed fetch before the server is asked again (a hall without network
#: would otherwise try at every round).
RETRY_S = 120.0


class BoardLike(Protocol):
    """What the kiosk reads of :class:`game.sessions.sync.leaderboard.Leaderboard`."""

    @property
    def day(self) -> list[Any]: ...
    @property
    def season(self) -> list[Any]: ...


@dataclasses.dataclass(frozen=True)
class HallRow:
    """One line of a list across halls: the player's pseudonym, their hall, the score."""

    player: str
    site: str
    score: int


@dataclasses.dataclass(frozen=True)
class HallLists:
    """The day's and the season's best across halls for one game and level; ``fetched_s``:
    when (the boards' monotonic clock)."""

    day: list[HallRow]
    season: list[HallRow]
    fetched_s: float


#: fetch(mode, level) -> the server's board; may block and raise (on the fetching thread).
Fetch = Callable[[str, str], BoardLike]


def server_fetch(server: Any, zone: dt.tzinfo, season_from: tuple[int, int] | None, limit: int) -> Fetch:
    """The real fetch: :func:`game.sessions.sync.fetch_leaderboard` on ``server`` (a
    :class:`~game.sessions.sync.url.ServerUrl`), in the kiosk's ``zone``."""
    from game.sessions.sync.leaderboard import SEASON_START, fetch_leaderboard  # psycopg: only when used

    def fetch(mode: str, level: str) -> BoardLike:
        return fetch_leaderboard(
            server, mode, level, timeout_s=FETCH_TIMEOUT_S, limit=limit, tz=zone, season_from=season_from or SEASON_START
        )

    return fetch


class HallBoards:
    """A cache of lists across halls, filled by a daemon thread. ``fetch``: None when no server
    is configured (then nothing is ever fetched and the hall's own lists show)."""

    def __init__(
        self,
        fetch: Fetch | None,
        *,
        refresh_s: float = REFRESH_S,
        retry_s: float = RETRY_S,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.fetch = fetch
        self.refresh_s, self.retry_s, self.clock = refresh_s, retry_s, clock
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._cache: dict[tuple[str, str], HallLists] = {}
        self._wanted: list[tuple[str, str]] = []
        self._failed_s: float | None = None
        self.error: str | None = None  # the newest failure's message, None after a good fetch
        self.fetches = 0
        self._thread: threading.Thread | None = None

    @property
    def configured(self) -> bool:
        return self.fetch is not None

    def start(self) -> HallBoards:
        if self.fetch is not None and self._thread is None:
            self._thread = threading.Thread(target=self._run, name="liike-hall-boards", daemon=True)
            self._thread.start()
        return self

    def stop(self, timeout: float = 1.0) -> None:
        """Let the thread end (a fetch under way ends on its own timeout; the thread is a daemon)."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(max(0.0, timeout))

    def want(self, mode: str, level: str) -> None:
        """Ask for ``mode``/``level``'s lists soon, unless fresh ones are cached; returns at once."""
        if self.fetch is None:
            return
        now = self.clock()
        with self._lock:
            cached = self._cache.get((mode, level))
            if cached is not None and now - cached.fetched_s < self.refresh_s:
                return
            if self._failed_s is not None and now - self._failed_s < self.retry_s:
                return  # the server failed a moment ago: the hall's own lists meanwhile
            if (mode, level) not in self._wanted:
                self._wanted.append((mode, level))
        self._wake.set()

    def get(self, mode: str, level: str) -> HallLists | None:
        """The cached lists, if fetched and the server has not failed since; never blocks."""
        with self._lock:
            if self.error is not None:
                return None
            return self._cache.get((mode, level))

    def note_key(self, shown: HallLists | None) -> str:
        """The kiosk string that says whose lists show: every hall's, or this hall's (and why)."""
        if shown is not None:
            return "board.all_halls"
        if self.fetch is None:
            return "board.this_hall"
        return "board.halls_unreachable" if self.error is not None else "board.this_hall"

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            while not self._stop.is_set():
                with self._lock:
                    if not self._wanted:
                        break
                    key = self._wanted.pop(0)
                self._fetch_one(*key)

    def _fetch_one(self, mode: str, level: str) -> None:
        assert self.fetch is not None
        try:
            board = self.fetch(mode, level)
        except Exception as exc:  # whatever the server or the driver does, the game goes on
            message = str(exc) or type(exc).__name__
            with self._lock:
                if self.error != message:
                    log.warning("lists of every hall: %s; showing this hall's", message)
                self.error = message
                self._failed_s = self.clock()
                self._wanted.clear()
            return
        finally:
            self.fetches += 1
        lists = HallLists(_rows(board.day), _rows(board.season), self.clock())
        with self._lock:
            if self.error is not None:
                log.info("lists of every hall: the server answers again")
            self.error = None
            self._failed_s = None
            self._cache[(mode, level)] = lists


def _rows(entries: list[Any]) -> list[HallRow]:
    return [HallRow(str(e.player), str(e.site), round(float(e.score))) for e in entries]
