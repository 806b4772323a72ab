"""Daily and season high scores per game, in their own small SQLite file next to the session store.

Kept apart from the session store on purpose: the store's schema belongs to the sessions, and
a damaged or locked leaderboard must never cost a session (nor the reverse). What is kept per
entry: the game, a nickname made from the word lists (:mod:`game.kiosk.nicknames`), the score,
the instant (UTC seconds) and the board day it counts for (:mod:`game.kiosk.boardday`), and the
session's id in the store. Nothing else about the player exists to keep.

It never stops the game:

- every operation opens the file, works and closes it, with a short busy timeout, so a file
  locked by a copy or a backup costs at most :data:`BUSY_TIMEOUT_S` once;
- an entry that cannot be written (disk full, read-only, locked) stays in memory, shows in the
  lists, and is written with the next entry that can be;
- a file that is not a database (or is damaged) is moved aside (``NAME.damaged-YYYYmmddTHHMMSS``)
  and a new one is started; what was in it is left there for staff.

Each entry is committed on its own (the rollback journal, ``synchronous=FULL``), so a process
killed at any moment leaves every entry that was reported written.
"""

from __future__ import annotations

import datetime as dt
import logging
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from game.kiosk.boardday import board_day

log = logging.getLogger("liike.kiosk.board")

BUSY_TIMEOUT_S = 0.2
SCHEMA_VERSION = 1
_SCHEMA = """
CREATE TABLE IF NOT EXISTS scores (
    id INTEGER PRIMARY KEY,
    game TEXT NOT NULL,
    nickname TEXT NOT NULL,
    score INTEGER NOT NULL,
    t_utc_s REAL NOT NULL,
    board_day TEXT NOT NULL,
    session_id INTEGER
);
CREATE INDEX IF NOT EXISTS scores_by_day ON scores (game, board_day, score);
"""


def leaderboard_path(store: Path) -> Path:
    """The leaderboard file for the session store ``store``: ``<store>.leaderboard.sqlite``."""
    return store.with_name(store.name + ".leaderboard.sqlite")


@dataclass(frozen=True, slots=True)
class Entry:
    game: str
    nickname: str
    score: int
    t_utc_s: float
    board_day: dt.date
    session_id: int | None = None


class Leaderboard:
    """The lists of one kiosk. ``wall``: seconds since the epoch (tests pass a fake clock)."""

    def __init__(
        self,
        path: Path,
        reset_at: dt.time,
        zone: dt.tzinfo,
        season_starts: dt.date | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.reset_at, self.zone, self.season_starts = reset_at, zone, season_starts
        self.wall = wall
        #: Called with each new connection (a test seam: ``PRAGMA query_only`` makes it read-only).
        self.on_connect: Callable[[sqlite3.Connection], None] | None = None
        self._unsaved: list[Entry] = []
        self.problem: str | None = None  # the last failure, for the admin screen
        self._ready = False

    # -- the file ----------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        con = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_S)
        try:
            con.execute("PRAGMA synchronous=FULL")
            if not self._ready:
                version = con.execute("PRAGMA user_version").fetchone()[0]
                if version > SCHEMA_VERSION:
                    raise sqlite3.DatabaseError(f"made by a newer liike (schema {version})")
                con.executescript(_SCHEMA)
                con.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
                con.commit()
                self._ready = True
            if self.on_connect is not None:
                self.on_connect(con)
        except BaseException:
            con.close()
            raise
        return con

    def _with_file(self, work: Callable[[sqlite3.Connection], object]) -> object:
        """Run ``work`` on the file; a damaged file is moved aside once and a new one started."""
        for attempt in (1, 2):
            try:
                con = self._connect()
                try:
                    result = work(con)
                    con.commit()
                    return result
                finally:
                    con.close()
            except sqlite3.DatabaseError as exc:
                damaged = not isinstance(exc, sqlite3.OperationalError) or "malformed" in str(exc)
                if attempt == 1 and damaged and self.path.exists():
                    self._move_aside(str(exc))
                    continue
                raise
        raise AssertionError("unreachable")

    def _move_aside(self, why: str) -> None:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        try:
            self.path.replace(aside)
        except OSError as exc:
            log.error("leaderboard %s is damaged (%s) and cannot be moved aside: %s", self.path, why, exc)
            raise sqlite3.DatabaseError(why) from None
        log.error("leaderboard %s was damaged (%s): kept as %s, a new one started", self.path, why, aside.name)
        self._ready = False

    # -- entries -----------------------------------------------------------------------------
    def day_of(self, t_utc_s: float) -> dt.date:
        return board_day(t_utc_s, self.reset_at, self.zone)

    def today(self) -> dt.date:
        return self.day_of(self.wall())

    def add(self, game: str, nickname: str, score: int, session_id: int | None = None) -> Entry:
        """File a score under today's board day. Never raises: a failed write is kept in memory."""
        now = self.wall()
        entry = Entry(game, nickname, int(score), now, self.day_of(now), session_id)
        self._unsaved.append(entry)
        self.flush()
        return entry

    def flush(self) -> bool:
        """Write the entries kept in memory; True when none is left unwritten."""
        if not self._unsaved:
            return True
        pending = list(self._unsaved)

        def write(con: sqlite3.Connection) -> None:
            con.executemany(
                "INSERT INTO scores (game, nickname, score, t_utc_s, board_day, session_id) VALUES (?, ?, ?, ?, ?, ?)",
                [(e.game, e.nickname, e.score, e.t_utc_s, e.board_day.isoformat(), e.session_id) for e in pending],
            )

        try:
            self._with_file(write)
        except (sqlite3.Error, OSError) as exc:
            self.problem = f"leaderboard not saved: {exc}"
            log.warning("leaderboard: %d entries kept in memory: %s", len(pending), exc)
            return False
        del self._unsaved[: len(pending)]
        self.problem = None
        return True

    def _query(self, sql: str, args: tuple[object, ...]) -> list[Entry]:
        def read(con: sqlite3.Connection) -> list[Entry]:
            rows = con.execute(sql, args).fetchall()
            return [Entry(g, n, s, t, dt.date.fromisoformat(d), sid) for g, n, s, t, d, sid in rows]

        try:
            found = self._with_file(read)
        except (sqlite3.Error, OSError) as exc:
            self.problem = f"leaderboard unreadable: {exc}"
            log.warning("leaderboard unreadable, showing this run's entries only: %s", exc)
            return []
        assert isinstance(found, list)
        return found

    _COLUMNS = "game, nickname, score, t_utc_s, board_day, session_id"

    def daily(self, game: str, limit: int = 10) -> list[Entry]:
        """Today's best of ``game``, highest first (earlier first among equal scores)."""
        day = self.today()
        stored = self._query(
            f"SELECT {self._COLUMNS} FROM scores WHERE game = ? AND board_day = ? ORDER BY score DESC, t_utc_s LIMIT ?",
            (game, day.isoformat(), limit),
        )
        return _best(stored + [e for e in self._unsaved if e.game == game and e.board_day == day], limit)

    def season(self, game: str, limit: int = 10) -> list[Entry]:
        """The season's best of ``game`` (from ``season_starts``, else every day kept)."""
        start = (self.season_starts or dt.date.min).isoformat()
        stored = self._query(
            f"SELECT {self._COLUMNS} FROM scores WHERE game = ? AND board_day >= ? ORDER BY score DESC, t_utc_s LIMIT ?",
            (game, start, limit),
        )
        since = self.season_starts or dt.date.min
        return _best(stored + [e for e in self._unsaved if e.game == game and e.board_day >= since], limit)

    def counts_today(self) -> dict[str, int]:
        """Rounds filed today, by game."""
        day = self.today()

        def read(con: sqlite3.Connection) -> dict[str, int]:
            rows = con.execute("SELECT game, COUNT(*) FROM scores WHERE board_day = ? GROUP BY game", (day.isoformat(),))
            return {g: int(n) for g, n in rows}

        try:
            found = self._with_file(read)
        except (sqlite3.Error, OSError):
            found = {}
        assert isinstance(found, dict)
        counts: dict[str, int] = dict(found)
        for e in self._unsaved:
            if e.board_day == day:
                counts[e.game] = counts.get(e.game, 0) + 1
        return counts

    @property
    def unsaved(self) -> int:
        return len(self._unsaved)


def _best(entries: list[Entry], limit: int) -> list[Entry]:
    return sorted(entries, key=lambda e: (-e.score, e.t_utc_s))[:limit]


def rank_of(entry: Entry, entries: list[Entry]) -> int | None:
    """1-based place of ``entry`` in ``entries`` (as listed), or None when it is not among them."""
    for i, e in enumerate(entries):
        if e.t_utc_s == entry.t_utc_s and e.nickname == entry.nickname and e.score == entry.score:
            return i + 1
    return None
