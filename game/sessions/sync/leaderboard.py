"""Best scores across every site on the shared server: today's and the season's.

Definitions (the README's "Sync and leaderboards" repeats them):

- A score counts from the time its session started, in the time zone of whoever asks (the
  station's local time by default), so "today" at a hall is its own calendar day.
- **Day**: from local midnight today to local midnight tomorrow.
- **Season**: from the most recent season start (a month and day, 1 July by default: a school
  year and a ski season both run across New Year) at local midnight, up to now.
- Each board lists each player's best score once (a player is a pseudonym at a site: two halls'
  "fox" are two players), highest first; a tie goes to the score set earlier.
- Only finished sessions with a score are counted; players are named by pseudonym, as stored,
  with the site (the server role their station forwards as).

Stations read the boards through the server's ``liike.leaderboard_scores`` view, the only
session data a station role may read (see :mod:`game.sessions.sync.server_schema`).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

import psycopg

from game.sessions.sync.forward import ServerUnavailable, SyncError, connect
from game.sessions.sync.url import ServerUrl, scrub

#: Default season start: 1 July (month, day).
SEASON_START = (7, 1)
#: Default number of players on each board.
BOARD_SIZE = 10


@dataclasses.dataclass(frozen=True)
class Entry:
    """One line of a board: ``rank`` (1 = best; equal scores share nothing, earlier wins),
    ``player`` (pseudonym), ``site``, ``score``, ``at`` (when that session started, in the
    board's time zone)."""

    rank: int
    player: str
    site: str
    score: float
    at: datetime


@dataclasses.dataclass(frozen=True)
class Leaderboard:
    """The day's and the season's boards for one mode and level; ``day_from`` / ``season_from``:
    where each window starts (aware datetimes in the board's time zone); ``until``: now."""

    mode: str
    level: str
    day: list[Entry]
    season: list[Entry]
    day_from: datetime
    season_from: datetime
    until: datetime

    def as_json(self) -> dict[str, Any]:
        def entries(rows: list[Entry]) -> list[dict[str, Any]]:
            return [{**dataclasses.asdict(e), "at": e.at.isoformat(timespec="seconds")} for e in rows]

        return {
            "mode": self.mode,
            "level": self.level,
            "day": entries(self.day),
            "season": entries(self.season),
            "day_from": self.day_from.isoformat(timespec="seconds"),
            "season_from": self.season_from.isoformat(timespec="seconds"),
            "until": self.until.isoformat(timespec="seconds"),
        }


def season_start(today: date, month_day: tuple[int, int] = SEASON_START) -> date:
    """The most recent ``month_day`` on or before ``today`` (29 February falls back to 28 in other years)."""
    month, day = month_day

    def on(year: int) -> date:
        try:
            return date(year, month, day)
        except ValueError:
            return date(year, month, 28)

    this_year = on(today.year)
    return this_year if this_year <= today else on(today.year - 1)


def windows(now: datetime, month_day: tuple[int, int] = SEASON_START) -> tuple[datetime, datetime, datetime]:
    """(day start, day end, season start) for the aware datetime ``now`` (see the module docstring)."""
    zone = now.tzinfo
    day_from = datetime.combine(now.date(), time(0), zone)
    day_to = datetime.combine(now.date() + timedelta(days=1), time(0), zone)
    return day_from, day_to, datetime.combine(season_start(now.date(), month_day), time(0), zone)


_BEST = """
SELECT player, site, score, started_at FROM (
    SELECT player, site, score, started_at,
           row_number() OVER (PARTITION BY site, player ORDER BY score DESC, started_at) AS nth
    FROM liike.leaderboard_scores
    WHERE mode = %s AND level = %s AND started_at >= %s AND started_at < %s
) best WHERE nth = 1 ORDER BY score DESC, started_at LIMIT %s
"""


def fetch_leaderboard(
    url: ServerUrl | str,
    mode: str,
    level: str,
    *,
    timeout_s: float = 5.0,
    limit: int = BOARD_SIZE,
    now: datetime | None = None,
    tz: tzinfo | None = None,
    season_from: tuple[int, int] = SEASON_START,
) -> Leaderboard:
    """Today's and this season's best scores for ``mode`` / ``level`` (the level's name as
    stored with its sessions, e.g. ``Meadow``) across every site on the server at ``url``.

    Blocks for up to about ``timeout_s`` seconds to connect (more if a query is slow), so call it
    from a background thread in a game loop. ``now`` (aware) and ``tz`` set the clock and zone of
    the day and season windows (default: now, in this machine's local zone); ``season_from``:
    (month, day) the season starts on. ``limit``: players per board.

    Raises :class:`ServerUnavailable` when the server cannot be reached or the connection drops,
    :class:`SyncError` when it has no Liike schema or this role may not read the board. No
    message holds the URL's password.
    """
    server = url if isinstance(url, ServerUrl) else ServerUrl(url, "the caller")
    if now is None:
        now = datetime.now(tz).astimezone(tz)
    elif now.tzinfo is None:
        raise ValueError("now must be an aware datetime (with its time zone)")
    zone = now.tzinfo
    assert zone is not None
    day_from, day_to, season_start_at = windows(now, season_from)
    conn = connect(server, connect_timeout_s=timeout_s)
    try:
        with conn.cursor() as cur:
            day = cur.execute(_BEST, (mode, level, day_from, day_to, limit)).fetchall()
            season = cur.execute(_BEST, (mode, level, season_start_at, now, limit)).fetchall()
    except psycopg.errors.UndefinedTable:
        raise SyncError(f"the server {server.label} has no Liike leaderboard yet: nothing has been synced to it") from None
    except psycopg.errors.InsufficientPrivilege as exc:
        raise SyncError(f"the server {server.label} refused to show the leaderboard: {scrub(str(exc), server.url)}") from None
    except psycopg.OperationalError as exc:
        raise ServerUnavailable(
            f"the connection to {server.label} was lost: {scrub(' '.join(str(exc).split()), server.url)}"
        ) from None
    finally:
        conn.close()

    def board(rows: list[tuple[Any, ...]]) -> list[Entry]:
        return [
            Entry(rank=i, player=str(p), site=str(s), score=float(sc), at=at.astimezone(zone))
            for i, (p, s, sc, at) in enumerate(rows, start=1)
        ]

    return Leaderboard(mode, level, board(day), board(season), day_from, season_start_at, now)
