"""``liike class``: the heart-rate board for a PE class, one tile per allow-listed strap."""

from __future__ import annotations

import argparse
import json
import signal
import sys

from game.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_UNAVAILABLE,
    emulation_missing,
    fail,
    positive,
    positive_seconds,
    raise_keyboard_interrupt,
    window_size,
)
from game.cli.sensors import add_emulate_flag, add_sensors_flag
from game.engine.config import AppConfig
from game.i18n import LANGUAGES


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    klass = sub.add_parser(
        "class",
        help="heart-rate board for a PE class: one tile per allow-listed strap",
        description="Show every allow-listed strap's heart rate, intensity band and minutes of "
        "moderate-to-vigorous activity on one screen. Straps allowed with --broadcast need "
        "no connection.",
    )
    add_sensors_flag(klass)
    klass.add_argument(
        "--age",
        type=positive("years"),
        default=12.0,
        metavar="YEARS",
        help="age for the age-predicted maximal heart rate (Tanaka), default 12",
    )
    klass.add_argument(
        "--rest",
        type=positive("beats per minute"),
        default=60.0,
        metavar="BPM",
        help="resting heart rate for the bands, default 60",
    )
    klass.add_argument("--seconds", type=positive_seconds, metavar="N", help="stop after N seconds")
    klass.add_argument("--headless", action="store_true", help="no window (SDL dummy video driver)")
    klass.add_argument("--fullscreen", action="store_true", help="fill the screen (F11 toggles)")
    klass.add_argument("--size", type=window_size, default=(1280, 720), metavar="WxH", help="window size (default 1280x720)")
    klass.add_argument("--screenshot", metavar="PNG", help=argparse.SUPPRESS)
    klass.add_argument(
        "--identify", action="store_true", help="light up each strap's tile as it is put on or wetted, to learn which is which"
    )
    klass.add_argument(
        "--challenge",
        metavar="LEVEL",
        help="a heart-zone level (name in levels/heartzone or a path) the whole class plays: one shared "
        "meter fills with the seconds pupils spend in its band",
    )
    klass.add_argument("--lang", choices=LANGUAGES, help="language of the board's text; default: from the locale, else en")
    add_emulate_flag(klass)
    klass.set_defaults(run=cmd_class)


def cmd_class(args: argparse.Namespace) -> int:
    from game import i18n
    from game.classroom.screen import run_class
    from game.cli.play import game_language
    from game.engine.app import NoDisplayError
    from sensors.ble import allowlist
    from sensors.motion.heart_zones import HeartProfile, hr_max_tanaka

    i18n.set_language(game_language(args))
    try:
        i18n.check_strings()
    except i18n.StringsError as exc:
        return fail(f"{exc} (fix the strings file)")

    try:
        profile = HeartProfile(hr_rest_bpm=args.rest, hr_max_bpm=hr_max_tanaka(args.age))
    except ValueError as exc:
        return fail(f"--age/--rest: {exc}")
    challenge = None
    if args.challenge is not None:
        from game.classroom.challenge import ClassChallenge
        from game.levels import LevelError, load_level, resolve_level
        from game.modes.heartzone.level import Level as ZoneLevel

        try:
            level = load_level(resolve_level(args.challenge, "heartzone"), "heartzone")
        except LevelError as exc:
            return fail(f"--challenge: {exc}")
        assert isinstance(level, ZoneLevel)  # load_level read it with the heart-zone schema
        challenge = ClassChallenge(name=level.name, phases=level.phases, profile=profile)
    try:
        sensors = allowlist.load(args.sensors)
    except allowlist.AllowListError as exc:
        return fail(str(exc))
    backends = None
    if args.emulate:
        try:
            from liike_emulation.room import CLASS_SIZE, EmulatedBackends, class_addresses, emulated_room
        except ImportError:
            return fail(emulation_missing("--emulate"))
        if not sensors:
            sensors = [
                allowlist.AllowedSensor(a, f"Strap {i + 1}", mode="broadcast") for i, a in enumerate(class_addresses(CLASS_SIZE))
            ]
        backends = EmulatedBackends(emulated_room)
    warning = allowlist.connect_overflow(sensors)
    if warning is not None:
        print(f"liike: warning: {warning}", file=sys.stderr)
    config = AppConfig(headless=args.headless, fullscreen=args.fullscreen, seconds=args.seconds, size=args.size)
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        summary = run_class(
            config, sensors, profile, backends, screenshot=args.screenshot, identify=args.identify, challenge=challenge
        )
    except NoDisplayError as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    print(json.dumps(summary))
    return EXIT_INTERRUPTED if summary.pop("interrupted", False) else 0
