"""``liike replay ID``: play a stored session again from its recorded samples (see
:mod:`game.engine.replay`), and store the replay as a new session marked ``replay_of``."""

from __future__ import annotations

import argparse
import json
import signal
from pathlib import Path

from game.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_UNAVAILABLE,
    fail,
    positive,
    raise_keyboard_interrupt,
    window_size,
)
from game.engine.config import AppConfig
from game.engine.modes import GameMode, LevelInfo, UnknownModeError, get_mode, mode_names


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "replay",
        help="play a stored session again from its recorded samples",
        description="Feed a stored session's recorded samples (heart rate, IMU, pose, fitness machines), with their "
        "original timing, into the same mode and level with the same settings, on a clock driven by the recorded "
        "times: the same game events and score at any speed. The replay is stored as a new session marked replay_of.",
    )
    p.add_argument("session", type=int, metavar="ID", help="the session to replay (`liike sessions list` shows the ids)")
    p.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    p.add_argument(
        "--speed",
        type=positive("times real time"),
        metavar="X",
        help="times real time (2: twice as fast); default 1 in a window, as fast as possible with --headless",
    )
    p.add_argument("--headless", action="store_true", help="no window (SDL dummy video driver)")
    p.add_argument("--seconds", type=positive("seconds"), metavar="N", help="stop after N seconds of the session")
    p.add_argument("--size", type=window_size, default=(1280, 720), metavar="WxH", help="window size (default 1280x720)")
    p.set_defaults(run=cmd_replay)


def _level(recording_level: str | None, setup: dict[str, object], mode: GameMode, session_id: int) -> LevelInfo:
    """The level as it was played: the text kept with the session, else the file of its name."""
    from game.levels import LevelError, load_level, parse_level, resolve_level

    text = setup.get("level_text")
    if isinstance(text, str):
        try:
            return parse_level(text, f"<level of session {session_id}>", mode.name)
        except LevelError as exc:
            raise ValueError(f"the level kept with session {session_id} no longer reads: {exc}") from None
    if recording_level is None:
        raise ValueError(f"session {session_id} names no level")
    from game.levels import list_levels

    # The row keeps the level's title; its file is found by title among the mode's levels, else as a name.
    found, _ = list_levels(mode.name)
    for level in found:
        if level.name == recording_level:
            return level
    try:
        return load_level(resolve_level(recording_level, mode.name), mode.name)
    except LevelError as exc:
        raise ValueError(f"the level {recording_level!r} of session {session_id} cannot be read: {exc}") from None


def cmd_replay(args: argparse.Namespace) -> int:
    from game.engine.app import NoDisplayError
    from game.engine.replay import replay_config, run_replay
    from game.sessions import StoreError, default_db_path
    from game.sessions.replay import ReplayError, open_recording
    from game.sessions.replay_tape import TapeError
    from game.sessions.store import probe_writable
    from sensors.recorded import RecordingExhausted

    db = args.db if args.db is not None else default_db_path()
    try:
        recording = open_recording(db, args.session)
    except ReplayError as exc:
        return fail(str(exc))
    except StoreError as exc:
        return fail(str(exc))
    try:
        mode = get_mode(recording.mode)
    except UnknownModeError:
        return fail(
            f"session {args.session} was played in the {recording.mode!r} mode, which is not installed here "
            f"(installed: {', '.join(mode_names())}); install it to replay the session"
        )
    try:
        level = _level(recording.level, recording.setup or {}, mode, args.session)
    except ValueError as exc:
        return fail(str(exc))
    try:
        probe_writable(db)  # the replay is stored beside the session it replays
    except StoreError as exc:
        return fail(str(exc))
    base = AppConfig(headless=args.headless, db=db, player=recording.player, size=args.size, volume=0, muted=True)
    config = replay_config(base, recording)
    speed = args.speed if args.speed is not None else (None if args.headless else 1.0)
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        result = run_replay(recording, config, mode, level, speed=speed, seconds=args.seconds)
    except NoDisplayError as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    except (ReplayError, RecordingExhausted, TapeError) as exc:
        return fail(f"session {args.session} cannot be replayed: {exc}")
    print(json.dumps(result))
    if result.get("interrupted"):
        return EXIT_INTERRUPTED
    if result.get("store_error"):
        return fail(f"the replay was not stored in full: {result['store_error']}", EXIT_PARTIAL)
    return 0
