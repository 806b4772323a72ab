"""``liike play``: start the game with whatever input is available."""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from game.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_UNAVAILABLE,
    emulation_missing,
    fail,
    positive_seconds,
    raise_keyboard_interrupt,
    window_size,
)
from game.cli.sensors import add_emulate_flag, add_sensors_flag
from game.engine.config import DEFAULT_VOLUME, INPUTS, SEXES, AppConfig, PlayerBody
from game.engine.modes import GameMode, LevelInfo, UnknownModeError, get_mode, mode_names, registered_modes
from game.engine.sources import EmulatedBle
from game.i18n import LANGUAGE_NAMES, LANGUAGES, language_from_env
from sensors.sim.body import FITNESS_VO2MAX

#: The mode ``liike play`` starts without ``--mode`` or a level file.
DEFAULT_MODE = "runner"


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    play = sub.add_parser("play", help="start the game", description="Start the game with whatever input is available.")
    modes = mode_names()
    play.add_argument(
        "--mode",
        choices=modes,
        help=f"game mode: {', '.join(modes)} (default: the mode a --level file names, else {DEFAULT_MODE})",
    )
    play.add_argument(
        "--level", metavar="NAME|PATH", help="level name from levels/<mode>/ or a YAML file; default: choose in the menu"
    )
    play.add_argument(
        "--input",
        choices=INPUTS,
        default="auto",
        help="auto: the camera and allow-listed Bluetooth sensors that are present, else keyboard; keyboard; "
        "sim: simulated player (demo); camera: webcam pose; ble: allow-listed Bluetooth sensors",
    )
    play.add_argument("--headless", action="store_true", help="no window (SDL dummy video driver), for unattended runs")
    play.add_argument("--fullscreen", action="store_true", help="fill the screen (F11 toggles)")
    play.add_argument("--seconds", type=positive_seconds, metavar="N", help="stop after N seconds")
    play.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    play.add_argument(
        "--player", default="player", metavar="PSEUDONYM", help="pseudonym the session is stored under (never a real name)"
    )
    play.add_argument("--size", type=window_size, default=(1280, 720), metavar="WxH", help="window size (default 1280x720)")
    play.add_argument("--seed", type=int, default=0, help="seed of the simulated player")
    play.add_argument(
        "--sim-fitness",
        choices=sorted(FITNESS_VO2MAX),
        default="typical",
        help="fitness of the simulated player, VO2max in ml/kg/min: "
        + ", ".join(f"{k} {v:g}" for k, v in sorted(FITNESS_VO2MAX.items())),
    )
    play.add_argument(
        "--lang",
        choices=LANGUAGES,
        help="language of the game's text: "
        + ", ".join(f"{k} ({v})" for k, v in LANGUAGE_NAMES.items())
        + "; default: from the locale (LC_ALL, LC_MESSAGES, LANG), else en",
    )
    play.add_argument(
        "--volume", type=volume_percent, default=DEFAULT_VOLUME, metavar="0..100", help="sound volume (default 70; M mutes)"
    )
    body = play.add_argument_group(
        "the player's body",
        "used on screen only, never stored: age sets the heart-rate maximum (Tanaka 2001) and rest the "
        "resting heart rate, the two ends of heart-rate reserve (Karvonen; these two ends are kept with the "
        "session, so `liike replay` measures intensity alike); "
        "age, weight and sex together give the energy estimate on the results (Keytel 2005)",
    )
    body.add_argument("--age", type=bounded(5, 100, "years"), metavar="YEARS", help="the player's age in years")
    body.add_argument("--weight", type=bounded(15, 250, "kg"), metavar="KG", help="the player's weight in kg")
    body.add_argument("--sex", choices=SEXES, help="for the energy equation, which differs by sex")
    body.add_argument(
        "--rest",
        type=bounded(25, 120, "beats per minute"),
        metavar="BPM",
        help="the player's resting heart rate, the base of heart-rate reserve bands (default 60)",
    )
    # For looking at screens of an unattended run: PNGs every few seconds and at scene changes.
    play.add_argument("--screenshots", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    play.add_argument("--camera", metavar="INDEX|FILE", help="webcam index, or a video file played as a webcam")
    play.add_argument(
        "--players",
        type=int,
        choices=(1, 2),
        help="people side by side in front of one camera, each in their own half of the picture "
        "(levels for that many; with --input sim, two simulated players); default: what the --level is for, else 1",
    )
    play.add_argument("--model", default="lite", metavar="lite|full|PATH", help="pose model (default lite)")
    add_sensors_flag(play)
    add_emulate_flag(play)
    play.set_defaults(run=cmd_play)


def volume_percent(text: str) -> int:
    """``--volume``: a whole number 0..100."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number 0..100, got {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be 0..100, got {value}")
    return value


def bounded(lo: float, hi: float, unit: str) -> Callable[[str], float]:
    """An argument type: a number from ``lo`` to ``hi`` (in ``unit``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number of {unit}, got {text!r}") from None
        if not lo <= value <= hi:
            raise argparse.ArgumentTypeError(f"must be {lo:g} to {hi:g} {unit}, got {value:g}")
        return value

    return parse


def player_body(args: argparse.Namespace) -> PlayerBody | None:
    """``--age``, ``--weight``, ``--sex`` and ``--rest`` as given (None when none is)."""
    if args.age is None and args.weight is None and args.sex is None and args.rest is None:
        return None
    return PlayerBody(age_y=args.age, mass_kg=args.weight, sex=args.sex, hr_rest_bpm=args.rest)


def game_language(args: argparse.Namespace) -> str:
    """``--lang``, else the locale's language (English when the game does not speak it)."""
    return str(args.lang) if args.lang is not None else language_from_env(os.environ)


def _other_levels(chosen: GameMode, levels: list[LevelInfo]) -> dict[str, list[LevelInfo]]:
    """The levels of every registered mode, for the menu's list of games: ``chosen``'s as read,
    each other mode's from its folder. A mode whose folder is missing or holds no playable
    level is left out of the menu; its broken files are named on stderr."""
    from game.levels import list_levels

    out: dict[str, list[LevelInfo]] = {chosen.name: levels}
    for mode in registered_modes():
        if mode.name == chosen.name:
            continue
        found, problems = list_levels(mode.name)
        for problem in problems:
            if found:
                print(f"liike: skipping level: {problem}", file=sys.stderr)
        if found:
            out[mode.name] = found
    return out


def _for_players(levels: list[LevelInfo], players: int) -> list[LevelInfo]:
    """The levels made for ``players`` people side by side (a level that does not say is for one)."""
    return [level for level in levels if getattr(level, "players", 1) == players]


def _players(asked: int | None, levels: list[LevelInfo], chosen: bool) -> tuple[int, list[LevelInfo]]:
    """How many play (``--players``, else what the chosen level is for, else 1) and the levels
    for that many; ValueError naming the mismatch when there are none."""
    if chosen:
        made_for = getattr(levels[0], "players", 1)
        if asked is not None and asked != made_for:
            raise ValueError(f"level {levels[0].name!r} is for {made_for} player(s), not --players {asked}")
        return made_for, levels
    players = asked or 1
    found = _for_players(levels, players)
    if not found:
        raise ValueError(f"no level is made for {players} players (see levels/README.md)")
    return players, found


def _choose_mode(args: argparse.Namespace) -> GameMode:
    """``--mode``; else the mode a ``--level`` file names; else the default mode."""
    from game.levels import peek_mode

    if args.mode is not None:
        return get_mode(args.mode)
    if args.level is not None and Path(args.level).is_file():
        return get_mode(peek_mode(Path(args.level)))
    return get_mode(DEFAULT_MODE)


def cmd_play(args: argparse.Namespace) -> int:
    from game.i18n import StringsError, check_strings
    from game.levels import LevelError, list_levels, load_level, resolve_level

    try:
        check_strings()
    except StringsError as exc:
        return fail(f"{exc} (fix the strings file)")

    try:
        mode = _choose_mode(args)
    except LevelError as exc:
        return fail(str(exc))
    except UnknownModeError as exc:
        return fail(str(exc))
    config = AppConfig(
        mode=mode.name,
        level=args.level,
        input=args.input,
        headless=args.headless,
        fullscreen=args.fullscreen,
        seconds=args.seconds,
        db=args.db,
        player=args.player,
        size=args.size,
        seed=args.seed,
        sim_fitness=args.sim_fitness,
        lang=game_language(args),
        volume=args.volume,
        pick_mode=args.mode is None and args.level is None,
        screenshots=args.screenshots,
        body=player_body(args),
        camera=(int(args.camera) if args.camera is not None and args.camera.isdigit() else args.camera),
        model=args.model,
        sensors_file=args.sensors,
    )
    try:
        if config.level is not None:
            levels = [load_level(resolve_level(config.level, mode.name), mode.name)]
        else:
            levels, problems = list_levels(mode.name)
            for problem in problems:
                print(f"liike: skipping level: {problem}", file=sys.stderr)
            if not levels:
                return fail(f"no playable {mode.name} levels found in the levels folder; add one (see levels/README.md)")
    except LevelError as exc:
        return fail(str(exc))
    try:
        players, levels = _players(args.players, levels, config.level is not None)
    except ValueError as exc:
        return fail(f"{mode.name}: {exc}")
    config = dataclasses.replace(config, players=players)
    emulated = None
    if config.input in ("ble", "auto"):
        code = _check_allow_list(config)
        if code is not None:
            return code
    if args.emulate:
        try:
            emulated = _emulated_room()
        except ImportError:
            return fail(emulation_missing("--emulate"))

    from game.engine.app import NoDisplayError
    from game.engine.run import run_game
    from game.sessions import StoreError, default_db_path
    from game.sessions.store import probe_writable

    # Check the store before anyone plays: a run that cannot be saved should not start unnoticed.
    if not config.player.strip():
        return fail("--player needs a pseudonym (any short name that is not the player's real name)")
    db = config.db if config.db is not None else default_db_path()
    try:
        probe_writable(db)  # opening is not enough: a read-only or full store would play unsaved
    except StoreError as exc:
        return fail(str(exc))

    from game.sessions.sync.background import start_if_configured

    forwarding = start_if_configured(db)  # finished sessions to the shared server, in the background

    # A kiosk supervisor or `timeout` stops the game with SIGTERM: end it like Ctrl-C, so the
    # session is closed with its score and summary.
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        by_mode = _other_levels(mode, levels) if config.level is None else {mode.name: levels}
        by_mode = {m: found for m, found in ((m, _for_players(ls, players)) for m, ls in by_mode.items()) if found}
        result = run_game(config, mode, levels, emulated, by_mode)
    except NoDisplayError as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    finally:
        if forwarding is not None:
            forwarding.stop()  # waits a bounded time: a slow or dead server never holds the game
    print(json.dumps(result))
    if result.get("interrupted"):
        return EXIT_INTERRUPTED
    if result.get("store_error"):
        return fail(f"the session was not stored in full: {result['store_error']}", EXIT_PARTIAL)
    return 0


def _check_allow_list(config: AppConfig) -> int | None:
    """A broken allow-list ends the command (exit 2) as in every other command; a list with
    more connections than an adapter holds is warned about."""
    from sensors.ble import allowlist

    try:
        sensors = allowlist.load(config.sensors_file)
    except allowlist.AllowListError as exc:
        if config.input == "ble":
            return fail(f"{exc} (fix it, or play with --input keyboard)")
        print(f"liike: Bluetooth sensors are off: {exc}", file=sys.stderr)
        return None
    warning = allowlist.connect_overflow(sensors)
    if warning is not None:
        print(f"liike: warning: {warning}", file=sys.stderr)
    return None


def _emulated_room() -> EmulatedBle:
    """The demo room: a Polar H10 and a Movesense, unless the allow-list names others."""
    from liike_emulation.room import DEMO_ADDRESSES, EmulatedBackends
    from sensors.ble.allowlist import AllowedSensor

    return EmulatedBle(
        EmulatedBackends(),
        (
            AllowedSensor(DEMO_ADDRESSES["h10"], "Polar H10"),
            AllowedSensor(DEMO_ADDRESSES["movesense"], "Movesense", placement="waist"),
        ),
    )
