"""``liike sessions sync`` and ``liike leaderboard``: finished sessions to the shared server, and
the best scores across every site on it.

Exit codes (the table in :mod:`game.cli.common`): 0 done; 2 no URL configured, a config file
others can read, no store, a server schema this Liike cannot use or a role without the rights;
3 the server cannot be reached or the connection was lost (one line saying so; with the server
unreachable at the start nothing in the store is changed).

Neither command ever prints the URL itself: servers are named ``user@host:port/database``.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

from game.cli.common import EXIT_UNAVAILABLE, fail
from game.sessions.store import default_db_path
from game.sessions.sync.url import url_file

_URL_HELP = (
    "the server, as postgresql://USER@HOST:PORT/DATABASE?sslmode=verify-full (default: the LIIKE_DATABASE_URL "
    "variable, then the file database_url in the user configuration folder, readable by its owner only); "
    "keep a password in ~/.pgpass or that file rather than on the command line"
)


def register_sync(ssub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sync`` to ``liike sessions``."""
    sync = ssub.add_parser(
        "sync",
        help="forward finished sessions to the shared PostgreSQL server",
        description="Forward every finished session the server does not have yet, with all its readings, events, "
        "gaps and devices. Safe to repeat and to interrupt: rows already on the server are kept as they are. "
        "The last line printed is JSON with sessions (forwarded now), rows (written now), already_there "
        "and erased (sessions deleted here, erased on the server now).",
    )
    sync.add_argument("--url", metavar="URL", help=_URL_HELP)
    sync.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    sync.set_defaults(run=cmd_sessions_sync)


def register_leaderboard(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``liike leaderboard``."""
    board = sub.add_parser(
        "leaderboard",
        help="best scores of the day and the season across every site on the shared server",
        description="Each player's best score today and this season for one mode and level, across every site that "
        "forwards to the server, by pseudonym. Days are local calendar days; the season starts on --season-start "
        "(1 July unless said).",
    )
    board.add_argument("--mode", required=True, metavar="MODE", help="game mode, e.g. runner (see `liike modes`)")
    board.add_argument("--level", required=True, metavar="LEVEL", help="level name as stored, e.g. Meadow")
    board.add_argument("--url", metavar="URL", help=_URL_HELP)
    board.add_argument("--limit", type=int, default=10, metavar="N", help="players per board (default 10)")
    board.add_argument("--season-start", default="07-01", metavar="MM-DD", help="first day of the season (default 07-01)")
    board.add_argument("--json", action="store_true", help="print a JSON object")
    board.set_defaults(run=cmd_leaderboard)


def _no_url() -> int:
    return fail(f"no server configured: pass --url, set LIIKE_DATABASE_URL, or write the URL in {url_file()} (chmod 600)")


def cmd_sessions_sync(args: argparse.Namespace) -> int:
    from game.sessions.sync import ServerUnavailable, SyncConfigError, SyncError, resolve_url, sync_store

    try:
        server = resolve_url(args.url)
    except SyncConfigError as exc:
        return fail(str(exc))
    if server is None:
        return _no_url()
    path: Path = args.db if args.db is not None else default_db_path(create=False)
    if not path.exists():
        return fail(f"no session database at {path}: play a session first, or pass --db FILE")
    try:
        result = sync_store(path, server)
    except ServerUnavailable as exc:
        return fail(f"{exc}; nothing was changed in {path}, the sessions wait in its outbox", EXIT_UNAVAILABLE)
    except SyncError as exc:
        return fail(str(exc))
    extra = "".join(
        f", {n} {what}"
        for n, what in (
            (result.refused, "refused (recorded by an installation another site has claimed)"),
            (result.failed, "rejected by the server (see the log)"),
            (result.erased, "deleted here and erased on the server now"),
            (result.erase_refused, "erasures refused (another site's installation; they stay queued)"),
        )
        if n
    )
    sessions = f"{result.sessions} session{'' if result.sessions == 1 else 's'}"
    print(
        f"{sessions} forwarded to {result.server}: {result.rows} rows written, "
        f"{result.already_there} already there, {result.pending} pending{extra}"
    )
    print(json.dumps(result.as_json()))
    return 0


def _month_day(text: str) -> tuple[int, int] | None:
    found = re.fullmatch(r"(\d{1,2})-(\d{1,2})", text.strip())
    if not found:
        return None
    month, day = int(found[1]), int(found[2])
    return (month, day) if 1 <= month <= 12 and 1 <= day <= 31 else None


def cmd_leaderboard(args: argparse.Namespace) -> int:
    from game.sessions.sync import ServerUnavailable, SyncConfigError, SyncError, fetch_leaderboard, resolve_url

    season = _month_day(args.season_start)
    if season is None:
        return fail(f"--season-start {args.season_start!r}: write the season's first day as MM-DD, e.g. 07-01")
    if args.limit < 1:
        return fail(f"--limit {args.limit}: say how many players to show, 1 or more")
    try:
        server = resolve_url(args.url)
    except SyncConfigError as exc:
        return fail(str(exc))
    if server is None:
        return _no_url()
    try:
        board = fetch_leaderboard(server, args.mode, args.level, limit=args.limit, season_from=season)
    except ServerUnavailable as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    except SyncError as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps(board.as_json()))
        return 0
    print(f"{board.mode} - {board.level}")
    for title, entries in (
        (f"Today ({board.day_from:%Y-%m-%d})", board.day),
        (f"Season (since {board.season_from:%Y-%m-%d})", board.season),
    ):
        print(f"\n{title}")
        if not entries:
            print("  no scores yet")
        width = max((len(e.player) for e in entries), default=0)
        for e in entries:
            print(f"  {e.rank:>2}. {e.player:<{width}}  {e.score:>8g}  {e.site}  {e.at:%Y-%m-%d %H:%M}")
    return 0
