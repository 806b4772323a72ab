"""``liike sessions list|show|delete|export``: the recorded sessions, removing a player with all
their sessions or one session, and writing sessions out as CSV, JSON Lines, TCX or FIT files.

Schools must be able to erase a child's data on request. The rows are deleted with
``secure_delete`` on and the write-ahead log is emptied afterwards, so the data leaves the
database file rather than lingering in free pages (see :meth:`SessionStore.delete_player`).
Sessions a shared server holds are erased there at the next sync (:mod:`game.sessions.sync.erasure`),
and the command says so.

``list`` and ``show`` open the store read-only: they never create, upgrade or write it, and a
copy on read-only media or in a write-protected folder reads like any other. Deleting needs to
write; a read-only store is refused with a line saying so (exit 2), never called damaged.

Exit codes (the table in :mod:`game.cli.common`): 0 done; 1 a deletion declined at the prompt;
2 bad input (unknown player or session, no database, a read-only store to delete from, no
terminal to confirm on and no ``--yes``), with one ``liike: ...`` line on stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TextIO

from game.cli.common import EXIT_PARTIAL
from game.cli.common import fail as _fail
from game.sessions import SessionStore, StoreError, default_db_path
from game.sessions.exports import FORMATS, ExportError, export_session
from game.sessions.store import read_only_message, writable

EXIT_DECLINED = EXIT_PARTIAL


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sessions = sub.add_parser("sessions", help="list, show and delete recorded sessions")
    sessions.set_defaults(run=lambda args: _help(sessions))
    ssub = sessions.add_subparsers(dest="sessions_command", metavar="ACTION")
    sesslist = ssub.add_parser("list", help="list sessions")
    sesslist.add_argument("--db", type=Path, metavar="FILE")
    sesslist.add_argument("--json", action="store_true", help="print a JSON list")
    sesslist.set_defaults(run=cmd_sessions_list)
    sshow = ssub.add_parser("show", help="show one session")
    sshow.add_argument("id", type=int)
    sshow.add_argument("--db", type=Path, metavar="FILE")
    sshow.add_argument("--json", action="store_true", help="print a JSON object")
    sshow.set_defaults(run=cmd_sessions_show)
    sdelete = ssub.add_parser(
        "delete",
        help="delete one session, or a player with all their sessions",
        description="Delete session ID, or with --player a player and all their sessions, "
        "so the data leaves the database file. Asks first unless --yes.",
    )
    sdelete.add_argument("id", type=int, nargs="?", metavar="ID", help="session to delete (see `liike sessions list`)")
    sdelete.add_argument("--player", metavar="PSEUDONYM", help="delete this player and every session of theirs")
    sdelete.add_argument("--db", type=Path, metavar="FILE")
    sdelete.add_argument("--yes", action="store_true", help="do not ask for confirmation (needed when not on a terminal)")
    sdelete.set_defaults(run=cmd_sessions_delete)
    sexport = ssub.add_parser(
        "export",
        help="write sessions as CSV, JSON Lines, TCX or FIT files",
        description="Write session ID, every session of --player, or --all sessions into DIR: "
        "csv (one file per stream, units in the headers), jsonl (everything, lossless), "
        "tcx or fit (for Strava, Garmin Connect and training logs). The store is only read. "
        "The last line printed is JSON with the files written.",
    )
    sexport.add_argument("id", type=int, nargs="?", metavar="ID", help="session to export (see `liike sessions list`)")
    sexport.add_argument("--player", metavar="PSEUDONYM", help="export every session of this player")
    sexport.add_argument("--all", action="store_true", help="export every session in the store")
    sexport.add_argument("--format", required=True, choices=FORMATS, help="file format")
    sexport.add_argument("--out", required=True, type=Path, metavar="DIR", help="folder to write into (created if missing)")
    sexport.add_argument("--db", type=Path, metavar="FILE")
    sexport.set_defaults(run=cmd_sessions_export)
    from game.cli import sync as sync_cli  # sync and the leaderboard: the shared PostgreSQL server

    sync_cli.register_sync(ssub)
    sync_cli.register_leaderboard(sub)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def _read_store(db: Path | None) -> SessionStore:
    """The store opened for reading only (see :func:`game.sessions.store.connect_read_only`): list
    and show never create, upgrade or write it, so a backup on read-only media reads like any other."""
    path = db if db is not None else default_db_path(create=False)
    if not path.exists():
        raise StoreError(f"no session database at {path}: play a session first, or pass --db FILE")
    store = SessionStore(path, read_only=True)
    if store.opened is not None and store.opened.note:
        print(f"liike: note: {store.opened.note}", file=sys.stderr)
    return store


def _where(store: SessionStore) -> str:
    """``sessions in PATH``, with ``(read-only)`` when the file or its folder cannot be written."""
    return f"sessions in {store.path}" + ("" if writable(store.path) else " (read-only)")


def cmd_sessions_list(args: argparse.Namespace) -> int:
    """``liike sessions list``: where the database is (a header line; on stderr with ``--json``,
    so stdout stays one JSON list), then one line per session, times local with their offset."""
    from game.sessions.report import format_sessions_table

    try:
        store = _read_store(args.db)
        with store:
            rows = store.list_sessions()
    except StoreError as exc:
        return _fail(str(exc))
    if args.json:
        print(f"liike: {_where(store)}", file=sys.stderr)
        print(json.dumps(rows))
    else:
        print(_where(store))
        print(format_sessions_table(rows))
    return 0


def cmd_sessions_show(args: argparse.Namespace) -> int:
    """``liike sessions show ID``: one session for people (local times, lengths in seconds or
    minutes, yes/no), or with ``--json`` the store's object (times ISO-8601 UTC)."""
    from game.sessions.report import format_session_detail

    try:
        store = _read_store(args.db)
        with store:
            detail = store.get_session(args.id)
            if detail is not None:  # who recorded it and what is missing from it (schema 4)
                identity = store.identity(args.id) or {}
                detail["uuid"], detail["installation_id"] = identity.get("uuid"), identity.get("installation_id")
                detail["devices"], detail["gaps"] = store.devices(args.id), store.gaps(args.id)
    except StoreError as exc:
        return _fail(str(exc))
    if detail is None:
        return _fail(f"no session {args.id} in {store.path}; `liike sessions list` shows the ids")
    print(json.dumps(detail) if args.json else format_session_detail(detail))
    return 0


def _readings(samples: dict[str, int]) -> int:
    return sum(samples.values())


def confirm(question: str, stdin: TextIO | None = None, stderr: TextIO | None = None) -> bool:
    """Ask ``question`` on ``stderr`` and read one answer line from ``stdin``; True only for
    ``y`` / ``yes`` (any case). End of input or Ctrl-C count as no: deleting is not undoable."""
    stdin = sys.stdin if stdin is None else stdin
    stderr = sys.stderr if stderr is None else stderr
    print(f"{question} [y/N] ", end="", file=stderr, flush=True)
    try:
        answer = stdin.readline()
    except KeyboardInterrupt:
        answer = ""
    if not answer.endswith("\n"):
        print(file=stderr)  # keep the shell prompt off the question line
    return answer.strip().lower() in ("y", "yes")


def cmd_sessions_delete(args: argparse.Namespace) -> int:
    """Run ``liike sessions delete (ID | --player PSEUDONYM) [--db FILE] [--yes]``; return the exit code."""
    if (args.id is None) == (args.player is None):
        return _fail("say what to delete: a session ID, or --player PSEUDONYM for a player and all their sessions")
    path: Path = args.db if args.db is not None else default_db_path(create=False)
    if not path.exists():
        # Never create a store just to find nothing in it.
        return _fail(f"no session database at {path}: nothing to delete; pass --db FILE if it is elsewhere")
    if not writable(path):
        return _fail(read_only_message(str(path), "nothing can be deleted from it"))
    try:
        store = SessionStore(path)
    except StoreError as exc:
        return _fail(str(exc))
    try:
        with store:
            if args.player is not None:
                return _delete_player(store, args.player, args.yes)
            return _delete_session(store, args.id, args.yes)
    except StoreError as exc:
        return _fail(str(exc))


def _may_delete(what: str, yes: bool) -> int | None:
    """None to go ahead; else the exit code (declined, or no terminal to ask on)."""
    if yes:
        return None
    if not sys.stdin.isatty():
        # A script or a pipe cannot answer reliably: refuse rather than guess.
        return _fail(f"not deleting {what} without confirmation: input is not a terminal; add --yes to delete it")
    if confirm(f"Delete {what}? This cannot be undone."):
        return None
    print("liike: nothing was deleted", file=sys.stderr)
    return EXIT_DECLINED


def _delete_player(store: SessionStore, pseudonym: str, yes: bool) -> int:
    player = store.get_player(pseudonym)
    if player is None:
        return _fail(f"no player {pseudonym!r} in {store.path}; `liike sessions list` shows the players")
    n = len(player["sessions"])
    what = (
        f"player {pseudonym!r} with {n} session{'s' if n != 1 else ''} "
        f"({_readings(player['samples'])} sensor readings) from {store.path}"
    )
    refused = _may_delete(what, yes)
    if refused is not None:
        return refused
    armed = arm_erasure(store.path)
    removed = store.delete_player(pseudonym)
    print(f"deleted player {pseudonym!r} and {removed} session{'s' if removed != 1 else ''} from {store.path}")
    report_erasure(store.path, armed)
    _report_wal(store)
    return 0


def _delete_session(store: SessionStore, session_id: int, yes: bool) -> int:
    detail = store.get_session(session_id)
    if detail is None:
        return _fail(f"no session {session_id} in {store.path}; `liike sessions list` shows the ids")
    what = (
        f"session {session_id} of player {detail['player']!r} ({detail['mode']}, started {detail['started_at']}, "
        f"{_readings(detail['samples'])} sensor readings) from {store.path}"
    )
    refused = _may_delete(what, yes)
    if refused is not None:
        return refused
    armed = arm_erasure(store.path)
    if not store.delete_session(session_id):  # deleted by someone else since we looked
        return _fail(f"no session {session_id} in {store.path}; `liike sessions list` shows the ids")
    print(f"deleted session {session_id} from {store.path}")
    report_erasure(store.path, armed)
    _report_wal(store)
    return 0


def arm_erasure(path: Path) -> int | None:
    """Before deleting from ``path``: make sure the deletion is queued for the shared server when
    the store has forwarded sessions (see :mod:`game.sessions.sync.erasure`); pass the result to
    :func:`report_erasure`. Raises :class:`StoreError`."""
    from game.sessions.sync import erasure

    return erasure.arm(path)


def report_erasure(path: Path, armed: int | None, out: TextIO | None = None) -> None:
    """After deleting: say that the sessions a server holds are erased there at the next sync
    (nothing when none of them was forwarded)."""
    from game.sessions.sync import erasure

    line = erasure.notice(erasure.queued_since(path, armed))
    if line is not None:
        out = sys.stdout if out is None else out
        print(f"liike: {line}" if out is sys.stderr else line, file=out)


def _report_wal(store: SessionStore) -> None:
    if store.wal_purged is False:
        # SQLite empties the log when the last connection to the file closes.
        print(
            f"liike: deleted, but another program (a running game?) has {store.path} open: old copies of the "
            f"rows stay in {store.path}-wal until it closes the file",
            file=sys.stderr,
        )


def _out_dir(out: Path) -> Path | str:
    """``out`` made ready to write into, or the one-line reason it cannot be."""
    if out.exists() and not out.is_dir():
        return f"{out} is a file, not a folder; pass --out with a folder to write the exports into"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create the folder {out}: {exc.strerror or exc}; choose another --out"
    if not os.access(out, os.W_OK | os.X_OK):
        return f"cannot write into {out} (permission denied or read-only); choose another --out"
    return out


def cmd_sessions_export(args: argparse.Namespace) -> int:
    """``liike sessions export (ID | --player P | --all) --format F --out DIR [--db FILE]``: exit 0 with
    the last stdout line ``{"files": [...], "sessions": [...], "format": F}``; 2 for a bad id,
    player, store or folder (one line); 1 when a file could not be written after others were."""
    chosen = sum((args.id is not None, args.player is not None, bool(args.all)))
    if chosen != 1:
        return _fail("say what to export: a session ID, --player PSEUDONYM for all their sessions, or --all")
    try:
        store = _read_store(args.db)
    except StoreError as exc:
        return _fail(str(exc))
    written: list[str] = []
    with store:
        try:
            if args.id is not None:
                if store.get_session(args.id) is None:
                    return _fail(f"no session {args.id} in {store.path}; `liike sessions list` shows the ids")
                ids = [args.id]
            elif args.player is not None:
                ids = store.session_ids(args.player)
                if not ids and store.get_player(args.player) is None:
                    return _fail(f"no player {args.player!r} in {store.path}; `liike sessions list` shows the players")
            else:
                ids = store.session_ids()
            out = _out_dir(args.out)
            if isinstance(out, str):
                return _fail(out)
            for sid in ids:
                written += [str(p) for p in export_session(store, sid, args.format, out)]
        except (StoreError, ExportError) as exc:
            return _fail(str(exc))
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            done = f"; {len(written)} files written before it are complete" if written else ""
            return _fail(f"cannot write the export{where}: {exc.strerror or exc}{done}", EXIT_PARTIAL if written else 2)
    print(json.dumps({"files": written, "sessions": ids, "format": args.format}))
    return 0
