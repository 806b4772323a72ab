"""``liike kiosk``: the resort kiosk, ``liike kiosk hash-pin`` and ``liike kiosk install-service``."""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from game.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_UNAVAILABLE,
    fail,
    positive_seconds,
    raise_keyboard_interrupt,
    window_size,
)

if TYPE_CHECKING:
    from game.engine.config import AppConfig
    from game.engine.modes import GameMode
    from game.kiosk.config import KioskConfig

#: Exit status when staff ask for a restart under a supervisor (EX_TEMPFAIL, sysexits.h): the
#: unit's Restart=always starts the kiosk again; without a supervisor it starts itself again.
EXIT_RESTART = 75
INPUTS = ("auto", "keyboard", "sim", "camera")
log = logging.getLogger("liike.kiosk")


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    kiosk = sub.add_parser(
        "kiosk",
        help="run the unattended resort kiosk",
        description="Run the resort kiosk: attract, walk-up, choose, play, score, leaderboard, and again. "
        "Fullscreen; players cannot leave it; staff open the admin screen with Ctrl+Shift+A and the PIN.",
    )
    kiosk.add_argument("--config", type=Path, metavar="FILE", help="kiosk.yaml (default: every game, the defaults)")
    kiosk.add_argument("--headless", action="store_true", help="no window (SDL dummy video driver), for tests and soak runs")
    kiosk.add_argument(
        "--input",
        choices=INPUTS,
        default="auto",
        help="auto: the webcam if present, else keyboard; camera: the webcam; sim: simulated visitors who come and go; "
        "keyboard: keys only (testing)",
    )
    kiosk.add_argument("--seconds", type=positive_seconds, metavar="N", help="stop after N seconds")
    kiosk.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    kiosk.add_argument("--seed", type=int, default=0, help="seed of the simulated visitors and the nicknames offered")
    # For benchmarks, tests and looking at screens: not for a hall.
    kiosk.add_argument("--fast", action="store_true", help=argparse.SUPPRESS)
    kiosk.add_argument("--size", type=window_size, default=(1280, 720), help=argparse.SUPPRESS)
    kiosk.add_argument("--fps", type=int, choices=range(10, 121), default=60, metavar="N", help=argparse.SUPPRESS)
    kiosk.add_argument("--log-dir", type=Path, help=argparse.SUPPRESS)
    kiosk.add_argument("--screenshots", type=Path, help=argparse.SUPPRESS)
    kiosk.set_defaults(run=cmd_kiosk)
    more = kiosk.add_subparsers(dest="kiosk_command", metavar="hash-pin|install-service")
    pin = more.add_parser("hash-pin", help="print the admin_pin_hash line for kiosk.yaml", description="Ask for a PIN and print "
                          "the line to paste into kiosk.yaml; the PIN itself is stored nowhere.")  # fmt: skip
    pin.add_argument("--stdin", action="store_true", help="read the PIN from the first line of standard input")
    pin.set_defaults(run=cmd_hash_pin)
    svc = more.add_parser(
        "install-service",
        help="write the systemd user unit that starts the kiosk and keeps it running",
        description="Write a systemd user unit (Type=notify, WatchdogSec, Restart=always) and print the remaining steps.",
    )
    svc.add_argument("--config", type=Path, metavar="FILE", help="kiosk.yaml the service runs with")
    svc.add_argument("--db", type=Path, metavar="FILE", help="session database the service uses")
    svc.add_argument("--unit-dir", type=Path, metavar="DIR", help="where to write the unit (default ~/.config/systemd/user)")
    svc.set_defaults(run=cmd_install_service)


def cmd_hash_pin(args: argparse.Namespace) -> int:
    from game.kiosk.pin import PinFormatError, check_pin_text, hash_pin

    if args.stdin:
        pin = sys.stdin.readline().strip()
    else:
        pin = getpass.getpass("new admin PIN (4-12 digits): ")
        if getpass.getpass("the same PIN again: ") != pin:
            return fail("the two PINs differ; nothing was printed")
    try:
        check_pin_text(pin)
    except PinFormatError as exc:
        return fail(str(exc))
    print(f'admin_pin_hash: "{hash_pin(pin)}"')
    return 0


def _liike_command() -> list[str]:
    exe = shutil.which("liike")
    return [str(Path(exe).resolve())] if exe else [sys.executable, "-m", "game.cli"]


def cmd_install_service(args: argparse.Namespace) -> int:
    from game.kiosk.service import UNIT_NAME, default_unit_folder, install_steps, unit_text

    command = [*_liike_command(), "kiosk"]
    if args.config is not None:
        if not args.config.is_file():
            return fail(f"{args.config}: no such kiosk file (write one first; see README, 'A resort kiosk')")
        command += ["--config", str(args.config.resolve())]
    if args.db is not None:
        command += ["--db", str(args.db.resolve())]
    folder = args.unit_dir if args.unit_dir is not None else default_unit_folder()
    path = folder / UNIT_NAME
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path.write_text(unit_text(command), encoding="utf-8")
    except OSError as exc:
        return fail(f"{path}: cannot write the unit: {exc.strerror or exc}")
    for line in install_steps(path):
        print(line)
    return 0


def _load(args: argparse.Namespace) -> tuple[KioskConfig, list[GameMode]] | int:
    from game.engine.modes import get_mode, registered_modes
    from game.kiosk.config import KioskConfig, KioskConfigError, load_kiosk_config

    names = [m.name for m in registered_modes()]
    if args.config is None:
        kcfg = KioskConfig()
    else:
        try:
            kcfg = load_kiosk_config(args.config, names)
        except KioskConfigError as exc:
            return fail(str(exc))
    modes = [get_mode(n) for n in kcfg.games] if kcfg.games else walk_up_games(registered_modes())
    return kcfg, list(modes)


def walk_up_games(modes: list[GameMode]) -> list[GameMode]:
    """The games a kiosk offers when ``kiosk.yaml`` names none: those a visitor can play in front
    of the camera. A game led by the heart rate (its first sensor) needs a strap, which walk-up
    visitors do not wear; ``games:`` may still name it for a hall that lends straps."""
    found = [m for m in modes if "camera" in m.sensors and m.sensors[:1] != ("heart_rate",)]
    return found or modes


def cmd_kiosk(args: argparse.Namespace) -> int:
    from game.engine.config import AppConfig
    from game.kiosk.logfile import close_log, open_log

    loaded = _load(args)
    if isinstance(loaded, int):
        return loaded
    kcfg, modes = loaded
    config = AppConfig(
        mode=modes[0].name,
        input=args.input,
        headless=args.headless,
        fullscreen=not args.headless,
        seconds=args.seconds,
        db=args.db,
        player="kiosk",
        size=args.size,
        seed=args.seed,
        camera=kcfg.camera,
        lang=kcfg.languages[0] if kcfg.languages[0] in ("en", "fi", "sv") else "en",
        volume=kcfg.volume,
        screenshots=args.screenshots,
        fps_cap=args.fps,
    )
    handler, log_path = open_log(args.log_dir)
    # The supervisor stops the kiosk with SIGTERM: end like Ctrl-C, closing the round's session.
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        code = _run(config, kcfg, modes, args.fast)
    finally:
        close_log(handler)
    if code == EXIT_RESTART and not os.environ.get("NOTIFY_SOCKET"):
        # No supervisor to start it again: start again in place, with the same command line.
        os.execv(sys.executable, [sys.executable, "-m", "game.cli", *sys.argv[1:]])
    if code not in (0, EXIT_RESTART) and log_path is not None:
        print(f"liike: the kiosk's log: {log_path}", file=sys.stderr)
    return code


def _run(config: AppConfig, kcfg: KioskConfig, modes: list[GameMode], fast: bool) -> int:
    from game.engine.app import NoDisplayError
    from game.kiosk.notify import SystemdNotifier
    from game.kiosk.run import KioskSetupError, run_kiosk
    from game.sessions import StoreError, default_db_path
    from game.sessions.store import probe_writable

    db = config.db if config.db is not None else default_db_path()
    try:
        probe_writable(db)
    except StoreError as exc:
        # A kiosk plays on without its store (the leaderboard and the games need none of it).
        log.error("sessions will not be saved: %s", exc)
        print(f"liike: warning: sessions will not be saved: {exc}", file=sys.stderr)
    notifier = SystemdNotifier()
    try:
        result, kiosk = run_kiosk(config, kcfg, modes, fast=fast, notifier=notifier)
    except NoDisplayError as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    except KioskSetupError as exc:
        return fail(str(exc))
    except Exception as exc:  # never a traceback on screen: it goes to the log file
        log.exception("the kiosk stopped")
        print(f"liike: the kiosk stopped: {type(exc).__name__}: {exc}", file=sys.stderr)
        return EXIT_PARTIAL
    finally:
        notifier.close()
    print(json.dumps(result))
    if kiosk.exit_action == "restart":
        return EXIT_RESTART
    if result.get("interrupted"):
        return EXIT_INTERRUPTED
    return 0
