"""``liike class``: the heart-rate board for a PE class, one tile per allow-listed strap."""

from __future__ import annotations

import argparse
import json
import signal
from pathlib import Path

from game.cli.common import emulation_missing, fail, positive, positive_seconds, raise_keyboard_interrupt, window_size
from game.engine.config import AppConfig


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    klass = sub.add_parser(
        "class",
        help="heart-rate board for a PE class: one tile per allow-listed strap",
        description="Show every allow-listed strap's heart rate, intensity band and minutes of "
        "moderate-to-vigorous activity on one screen. Straps allowed with --broadcast need "
        "no connection.",
    )
    klass.add_argument(
        "--sensors", type=Path, metavar="FILE", help="allow-list (default: sensors.yaml in the user config folder)"
    )
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
    klass.add_argument("--emulate-ble", action="store_true", help=argparse.SUPPRESS)
    klass.set_defaults(run=cmd_class)


def cmd_class(args: argparse.Namespace) -> int:
    from game.classroom.screen import run_class
    from game.engine.app import NoDisplayError
    from sensors.ble import allowlist
    from sensors.motion.heart_zones import HeartProfile, hr_max_tanaka

    try:
        profile = HeartProfile(hr_rest_bpm=args.rest, hr_max_bpm=hr_max_tanaka(args.age))
    except ValueError as exc:
        return fail(f"--age/--rest: {exc}")
    try:
        sensors = allowlist.load(args.sensors)
    except allowlist.AllowListError as exc:
        return fail(str(exc))
    backends = None
    if args.emulate_ble:
        try:
            from liike_emulation.room import EmulatedBackends, class_addresses, class_room
        except ImportError:
            return fail(emulation_missing("--emulate-ble"))
        if not sensors:
            sensors = [allowlist.AllowedSensor(a, f"Strap {i + 1}", mode="broadcast") for i, a in enumerate(class_addresses(24))]
        backends = EmulatedBackends(class_room(24))
    config = AppConfig(headless=args.headless, fullscreen=args.fullscreen, seconds=args.seconds, size=args.size)
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        summary = run_class(config, sensors, profile, backends, screenshot=args.screenshot)
    except NoDisplayError as exc:
        return fail(str(exc))
    print(json.dumps(summary))
    return 0
