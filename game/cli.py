"""The ``liike`` command line: play, sessions, pose, models, sensors, analyze, version.

Exit codes: 0 success; 2 bad input (a broken level, an unusable database, bad arguments),
with one line on stderr naming what is wrong and what to do.
"""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any, Sequence

from game.config import INPUTS, MODES, AppConfig

EXIT_BAD_INPUT = 2


def _version() -> str:
    try:
        return version("liike")
    except PackageNotFoundError:
        return "unknown"


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"window size out of range: {text}")
    return w, h


def _rate_hz(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a sampling rate in Hz, got {text!r}") from None
    if not 0 < value <= 100_000:
        raise argparse.ArgumentTypeError(f"expected a sampling rate above 0 Hz (e.g. 100), got {text}")
    return value


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected a positive number of seconds, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="liike", description="Liike: move your body to play. Sessions are logged for players, teachers and researchers.")
    parser.add_argument("--version", action="version", version=f"liike {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    play = sub.add_parser("play", help="start the game", description="Start the game with whatever input is available.")
    play.add_argument("--mode", choices=MODES, default="runner", help="game mode (default: runner)")
    play.add_argument("--level", metavar="NAME|PATH", help="level name from levels/ or a YAML file; default: choose in the menu")
    play.add_argument("--input", choices=INPUTS, default="auto", help="auto: the camera and allow-listed Bluetooth sensors that are present, else keyboard; keyboard; sim: simulated player (demo); camera: webcam pose; ble: allow-listed Bluetooth sensors")
    play.add_argument("--headless", action="store_true", help="no window (SDL dummy video driver), for unattended runs")
    play.add_argument("--fullscreen", action="store_true", help="fill the screen (F11 toggles)")
    play.add_argument("--seconds", type=_positive, metavar="N", help="stop after N seconds")
    play.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    play.add_argument("--player", default="player", metavar="PSEUDONYM", help="pseudonym the session is stored under (never a real name)")
    play.add_argument("--size", type=_size, default=(1280, 720), metavar="WxH", help="window size (default 1280x720)")
    play.add_argument("--seed", type=int, default=0, help="seed of the simulated player")
    play.add_argument("--camera", metavar="INDEX|FILE", help="webcam index, or a video file played as a webcam")
    play.add_argument("--model", default="lite", metavar="lite|full|PATH", help="pose model (default lite)")
    play.add_argument("--sensors", type=Path, metavar="FILE", help="Bluetooth allow-list (default: sensors.yaml in the user config folder)")
    play.add_argument("--emulate-ble", action="store_true", help=argparse.SUPPRESS)

    pose = sub.add_parser("pose", help="estimate body pose in a picture, a video or a camera",
                          description="Run the pose model on SOURCE: an image file, a video file or a camera index.")
    pose.add_argument("source", metavar="SOURCE")
    pose.add_argument("--model", default="lite", metavar="lite|full|PATH", help="pose model (default lite)")
    pose.add_argument("--json", action="store_true", help="one JSON object per frame on its own line")
    pose.add_argument("--frames", type=int, metavar="N", help="stop after N frames")

    models = sub.add_parser("models", help="list and verify the shipped pose models")
    models.add_argument("--json", action="store_true", help="print a JSON list")

    klass = sub.add_parser("class", help="heart-rate board for a PE class: one tile per allow-listed strap",
                           description="Show every allow-listed strap's heart rate, intensity band and minutes of "
                                       "moderate-to-vigorous activity on one screen. Straps allowed with --broadcast need "
                                       "no connection.")
    klass.add_argument("--sensors", type=Path, metavar="FILE", help="allow-list (default: sensors.yaml in the user config folder)")
    klass.add_argument("--age", type=_positive, default=12.0, metavar="YEARS",
                       help="age for the age-predicted maximal heart rate (Tanaka), default 12")
    klass.add_argument("--rest", type=_positive, default=60.0, metavar="BPM", help="resting heart rate for the bands, default 60")
    klass.add_argument("--seconds", type=_positive, metavar="N", help="stop after N seconds")
    klass.add_argument("--headless", action="store_true", help="no window (SDL dummy video driver)")
    klass.add_argument("--fullscreen", action="store_true", help="fill the screen (F11 toggles)")
    klass.add_argument("--size", type=_size, default=(1280, 720), metavar="WxH", help="window size (default 1280x720)")
    klass.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    klass.add_argument("--emulate-ble", action="store_true", help=argparse.SUPPRESS)

    sensors = sub.add_parser("sensors", help="find and watch Bluetooth sensors",
                             description="Scan for Bluetooth LE sensors, or connect to some and print what they send.")
    bsub = sensors.add_subparsers(dest="sensors_command", metavar="ACTION")
    scan = bsub.add_parser("scan", help="list sensors in range, with their kind and signal strength")
    scan.add_argument("--seconds", type=_positive, default=5.0, metavar="N", help="scan for N seconds (default 5)")
    scan.add_argument("--json", action="store_true", help="one JSON object per device on its own line")
    scan.add_argument("--emulate", action="store_true", help=argparse.SUPPRESS)
    monitor = bsub.add_parser("monitor", help="connect to sensors and print every sample and status")
    monitor.add_argument("addresses", nargs="+", metavar="ADDRESS")
    monitor.add_argument("--seconds", type=_positive, metavar="N", help="stop after N seconds (default: until Ctrl-C)")
    monitor.add_argument("--json", action="store_true", help="one JSON object per sample or status on its own line")
    monitor.add_argument("--broadcast", action="store_true",
                         help="read heart rate from the straps' advertisements instead of connecting (Polar)")
    monitor.add_argument("--emulate", action="store_true", help=argparse.SUPPRESS)
    allow = bsub.add_parser("allow", help="add a sensor to the allow-list used by `liike play`")
    allow.add_argument("address", metavar="ADDRESS")
    allow.add_argument("--label", help="name shown on screen, e.g. 'Strap 7' (never a child's real name)")
    allow.add_argument("--placement", default="chest", help="chest (default), waist, lower_back, wrist, thigh, ankle, foot, arm")
    allow.add_argument("--broadcast", action="store_true", help="read its heart rate from advertisements, no connection")
    allow.add_argument("--adapter", metavar="hciN", help="Bluetooth adapter that connects it (Linux; default: the system's)")
    allow.add_argument("--file", type=Path, metavar="FILE", help="allow-list file (default: sensors.yaml in the user config folder)")
    forget = bsub.add_parser("forget", help="remove a sensor from the allow-list")
    forget.add_argument("address", metavar="ADDRESS")
    forget.add_argument("--file", type=Path, metavar="FILE")
    slist = bsub.add_parser("list", help="show the allow-list")
    slist.add_argument("--file", type=Path, metavar="FILE")
    slist.add_argument("--json", action="store_true")

    analyze = sub.add_parser("analyze", help="analyse a recording offline with the game's own detectors")
    asub = analyze.add_subparsers(dest="analyze_command", metavar="KIND")
    aimu = asub.add_parser("imu", help="accelerometer/gyroscope CSV: steps, cadence, jumps, reps, intensity")
    aimu.add_argument("file", type=Path, metavar="FILE.csv")
    aimu.add_argument("--rate", type=_rate_hz, required=True, metavar="HZ", help="sampling rate in Hz")
    aimu.add_argument("--acc-unit", choices=("g", "mps2"), default="g", help="accelerometer unit (default g)")
    aimu.add_argument("--gyr-unit", choices=("dps", "rads"), default="dps", help="gyroscope unit (default deg/s)")
    aimu.add_argument("--placement", choices=("lower-back", "waist", "chest", "wrist", "thigh", "foot"), default="waist",
                      help="where the sensor was worn (default waist)")
    aimu.add_argument("--json", action="store_true", help="print one JSON object")
    avideo = asub.add_parser("video", help="video of a player: jumping jacks, squats, jumps, steps")
    avideo.add_argument("file", type=Path, metavar="FILE")
    avideo.add_argument("--model", default="lite", metavar="lite|full|PATH", help="pose model (default lite)")
    avideo.add_argument("--json", action="store_true", help="print one JSON object")
    arr = asub.add_parser("rr", help="RR/NN intervals (ms, one per line): heart rate and HRV")
    arr.add_argument("file", type=Path, metavar="FILE")
    arr.add_argument("--json", action="store_true", help="print one JSON object")

    sessions = sub.add_parser("sessions", help="list, show and delete recorded sessions")
    ssub = sessions.add_subparsers(dest="sessions_command", metavar="ACTION")
    sesslist = ssub.add_parser("list", help="list sessions")
    sesslist.add_argument("--db", type=Path, metavar="FILE")
    sesslist.add_argument("--json", action="store_true", help="print a JSON list")
    sshow = ssub.add_parser("show", help="show one session")
    sshow.add_argument("id", type=int)
    sshow.add_argument("--db", type=Path, metavar="FILE")
    sshow.add_argument("--json", action="store_true", help="print a JSON object")
    sdelete = ssub.add_parser("delete", help="delete one session, or a player with all their sessions",
                              description="Delete session ID, or with --player a player and all their sessions, "
                                          "so the data leaves the database file. Asks first unless --yes.")
    sdelete.add_argument("id", type=int, nargs="?", metavar="ID", help="session to delete (see `liike sessions list`)")
    sdelete.add_argument("--player", metavar="PSEUDONYM", help="delete this player and every session of theirs")
    sdelete.add_argument("--db", type=Path, metavar="FILE")
    sdelete.add_argument("--yes", action="store_true", help="do not ask for confirmation (needed when not on a terminal)")
    return parser


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _fail(message: str) -> int:
    print(f"liike: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT


def cmd_play(args: argparse.Namespace) -> int:
    from game.levels import LevelError, list_levels, load_level, resolve_level

    config = AppConfig(
        mode=args.mode, level=args.level, input=args.input, headless=args.headless, fullscreen=args.fullscreen,
        seconds=args.seconds, db=args.db, player=args.player, size=args.size, seed=args.seed,
        camera=(int(args.camera) if args.camera is not None and args.camera.isdigit() else args.camera), model=args.model,
        sensors_file=args.sensors, emulate_ble=args.emulate_ble,
    )
    try:
        if config.level is not None:
            levels = [load_level(resolve_level(config.level))]
        else:
            levels, problems = list_levels()
            for problem in problems:
                print(f"liike: skipping level: {problem}", file=sys.stderr)
            levels = [lv for lv in levels if lv.mode == config.mode]
            if not levels:
                return _fail("no playable levels found in the levels folder; add one (see levels/README.md)")
    except LevelError as exc:
        return _fail(str(exc))

    from game.app import NoDisplayError
    from game.session_run import run_game
    from game.sessions import StoreError, default_db_path
    from game.sessions.store import connect

    # Check the store before anyone plays: a run that cannot be saved should not start unnoticed.
    if not config.player.strip():
        return _fail("--player needs a pseudonym (any short name that is not the player's real name)")
    try:
        connect(config.db if config.db is not None else default_db_path()).close()
    except StoreError as exc:
        return _fail(str(exc))

    # A kiosk supervisor or `timeout` stops the game with SIGTERM: end it like Ctrl-C, so the
    # session is closed with its score and summary.
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        result = run_game(config, levels)
    except NoDisplayError as exc:
        return _fail(str(exc))
    print(json.dumps(result))
    return 0


def cmd_class(args: argparse.Namespace) -> int:
    from game.app import NoDisplayError
    from game.class_screen import run_class
    from sensors.ble import allowlist
    from sensors.motion.heart_zones import HeartProfile, hr_max_tanaka

    try:
        profile = HeartProfile(hr_rest_bpm=args.rest, hr_max_bpm=hr_max_tanaka(args.age))
    except ValueError as exc:
        return _fail(f"--age/--rest: {exc}")
    try:
        sensors = allowlist.load(args.sensors)
    except allowlist.AllowListError as exc:
        return _fail(str(exc))
    backends = None
    if args.emulate_ble:
        try:
            from sensors.ble.emulation.demo import EmulatedBackends, class_addresses, class_room
        except ImportError:
            return _fail("--emulate-ble needs the test extras: pip install -e '.[test]'")
        if not sensors:
            sensors = [allowlist.AllowedSensor(a, f"Strap {i + 1}", mode="broadcast") for i, a in enumerate(class_addresses(24))]
        backends = EmulatedBackends(class_room(24))
    config = AppConfig(headless=args.headless, fullscreen=args.fullscreen, seconds=args.seconds, size=args.size)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)
    try:
        summary = run_class(config, sensors, profile, backends, screenshot=args.screenshot)
    except NoDisplayError as exc:
        return _fail(str(exc))
    print(json.dumps(summary))
    return 0


def _open_store(db: Path | None) -> Any:
    from game.sessions import SessionStore, default_db_path

    path = db if db is not None else default_db_path()
    if not path.exists():
        raise FileNotFoundError(f"no session database at {path}: play a session first, or pass --db FILE")
    return SessionStore(path)


def cmd_sessions(args: argparse.Namespace, parser: argparse.ArgumentParser) -> int:
    from game.sessions import StoreError
    from game.sessions.report import format_session_detail, format_sessions_table

    if args.sessions_command is None:
        parser.parse_args(["sessions", "--help"])
        return 0
    if args.sessions_command == "delete":
        from game.cli_sessions import cmd_sessions_delete

        return cmd_sessions_delete(args)
    try:
        store = _open_store(args.db)
    except (StoreError, FileNotFoundError) as exc:
        return _fail(str(exc))
    with store:
        if args.sessions_command == "list":
            rows = store.list_sessions()
            print(json.dumps(rows) if args.json else format_sessions_table(rows))
            return 0
        detail = store.get_session(args.id)
        if detail is None:
            return _fail(f"no session {args.id} in {store.path}; `liike sessions list` shows the ids")
        print(json.dumps(detail) if args.json else format_session_detail(detail))
        return 0


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="liike: %(message)s", stream=sys.stderr)
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "play":
        return cmd_play(args)
    if args.command == "sessions":
        return cmd_sessions(args, parser)
    if args.command == "pose":
        from game.cli_pose import cmd_pose

        return cmd_pose(args.source, args.model, args.json, args.frames)
    if args.command == "models":
        from game.cli_pose import cmd_models

        return cmd_models(args.json)
    if args.command == "class":
        return cmd_class(args)
    if args.command == "sensors":
        if args.sensors_command is None:
            parser.parse_args(["sensors", "--help"])
            return 0
        from game.cli_sensors import cmd_sensors

        return cmd_sensors(args)
    if args.command == "analyze":
        if args.analyze_command is None:
            parser.parse_args(["analyze", "--help"])
            return 0
        if args.analyze_command == "video":
            from game.cli_analyze_video import cmd_analyze_video

            return cmd_analyze_video(args)
        from game.cli_analyze import cmd_analyze

        return cmd_analyze(args)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
