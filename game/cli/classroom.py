"""``liike class``: the heart-rate board for a PE class, one tile per allow-listed strap."""

from __future__ import annotations

import argparse
import json
import signal
import sys
from pathlib import Path

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
        "no connection. Each lesson is stored (--db). Without a command the board runs; "
        "`roster` keeps which pupil wears which strap, `lessons` lists the stored lessons and "
        "`report` writes a lesson's report.",
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
    klass.add_argument(
        "--db", type=Path, metavar="FILE", help="session database the lesson is stored in (default: the user data folder)"
    )
    klass.add_argument(
        "--keep-days",
        type=positive("days"),
        metavar="DAYS",
        help="delete stored lessons that began more than DAYS days ago, at start (the board says so); "
        "overrides keep_days in class.yaml beside the allow-list",
    )
    klass.add_argument(
        "--group", default="class", metavar="NAME", help="the group the lesson is stored under, such as 7B (default: class)"
    )
    klass.add_argument("--lang", choices=LANGUAGES, help="language of the board's text; default: from the locale, else en")
    add_emulate_flag(klass)
    # An emulated class of N straps: connected ones over several adapters, Mi Bands and Polar
    # straps broadcasting (liike_emulation.room.mixed_class_room); implies --emulate.
    klass.add_argument("--emulate-class", type=int, metavar="N", help=argparse.SUPPRESS)
    klass.set_defaults(run=cmd_class)
    _register_roster(klass)


def _register_roster(klass: argparse.ArgumentParser) -> None:
    commands = klass.add_subparsers(dest="class_command", metavar="roster|lessons|report|erase")
    erase = commands.add_parser(
        "erase",
        help="delete one pupil (by alias) from every stored lesson, as when a family asks",
        description="Delete every lesson session of the pupil with this alias, zeroed in the file. "
        "Other pupils who wore the same strap keep their lessons (`liike sessions delete --player "
        "LABEL` would delete the strap's whole history). The roster is left as it is: "
        "`liike class roster remove ALIAS` takes the pupil off it.",
    )
    erase.add_argument("alias", metavar="ALIAS")
    add_sensors_flag(erase)
    erase.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    erase.add_argument("--yes", action="store_true", help="do not ask for confirmation (needed when not on a terminal)")
    erase.set_defaults(run=cmd_erase)
    report = commands.add_parser(
        "report",
        help="a stored lesson per pupil: minutes per band, MVPA minutes, peak, share with a reading",
        description="Write one CSV row per pupil of a stored lesson: alias, strap, minutes in each "
        "intensity band, MVPA minutes, peak heart rate, the maximum the bands used, and coverage "
        "(the share of the lesson with a current reading).",
    )
    report.add_argument(
        "lesson", metavar="LESSON", help="a lesson id (or its first characters) from `liike class lessons`, or last"
    )
    report.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    report.add_argument("--out", type=Path, default=Path("."), metavar="DIR", help="folder for the report (default: here)")
    report.add_argument(
        "--format",
        choices=("csv", "png", "pdf"),
        default="pdf",
        help="pdf (all pages) or png (one file a page): the class's MVPA and each pupil's curve; csv: one row per pupil",
    )
    report.add_argument("--lang", choices=LANGUAGES, help="language of the pictures; default: from the locale, else en")
    report.add_argument(
        "--target",
        type=float,
        default=0.5,
        metavar="SHARE",
        help="the share of the lesson in MVPA a pupil should reach, 0..1 (default 0.5)",
    )
    report.set_defaults(run=cmd_report)
    lessons = commands.add_parser("lessons", help="the stored lessons: group, start and end, straps")
    lessons.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    lessons.add_argument("--json", action="store_true", help="as a JSON list")
    lessons.set_defaults(run=cmd_lessons)
    roster = commands.add_parser(
        "roster",
        help="which pupil (by alias, never a name) wears which strap, kept in the user config folder",
        description="The class roster: aliases (a number or a nickname) and the strap each pupil wears, "
        "optionally with age and resting heart rate for the pupil's own bands. Stored beside the "
        "allow-list, readable by its owner only.",
    )
    what = roster.add_subparsers(dest="roster_command", required=True, metavar="import|list|remove|clear|set-max")
    imp = what.add_parser("import", help="replace the roster with a CSV file (columns alias,strap[,age,rest_bpm])")
    imp.add_argument("file", type=Path, metavar="FILE.csv")
    imp.add_argument("--yes", action="store_true", help="aliases that read like names are not names: import them")
    add_sensors_flag(imp)
    imp.set_defaults(run=cmd_roster_import)
    lst = what.add_parser("list", help="the pupils, their straps and the maximum and resting heart rate their bands use")
    add_sensors_flag(lst)
    _profile_flags(lst)
    lst.set_defaults(run=cmd_roster_list)
    remove = what.add_parser("remove", help="take one pupil off the roster (their lessons stay: `liike class erase`)")
    remove.add_argument("alias")
    add_sensors_flag(remove)
    remove.set_defaults(run=cmd_roster_remove)
    clear = what.add_parser("clear", help="delete the roster")
    add_sensors_flag(clear)
    clear.set_defaults(run=cmd_roster_clear)
    top = what.add_parser("set-max", help="keep an observed peak as a pupil's maximal heart rate")
    top.add_argument("alias")
    top.add_argument("bpm", type=positive("beats per minute"), metavar="BPM")
    add_sensors_flag(top)
    top.set_defaults(run=cmd_roster_set_max)


def cmd_lessons(args: argparse.Namespace) -> int:
    from game.classroom.lesson import stored_lessons
    from game.sessions.store import SessionStore, StoreError, default_db_path

    path = args.db or default_db_path(create=False)
    if not path.exists():
        return fail(f"no session database at {path}: run `liike class` first, or pass --db FILE")
    try:
        with SessionStore(path, read_only=True) as store:
            found = stored_lessons(store)
    except StoreError as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps(found))
        return 0
    if not found:
        print(f"no lessons in {path}")
    for lesson in found:
        n = len(lesson["straps"])
        print(
            f"{lesson['lesson_id']}  {lesson['group'] or '-'}  {lesson['started_at']} .. {lesson['ended_at'] or '(not ended)'}"
            f"  {n} strap{'' if n == 1 else 's'}"
        )
    return 0


def cmd_erase(args: argparse.Namespace) -> int:
    from game.classroom.lesson import erase_pupil
    from game.cli.sessions import EXIT_DECLINED, arm_erasure, confirm, report_erasure
    from game.sessions.store import SessionStore, StoreError, default_db_path

    path = args.db or default_db_path(create=False)
    if not path.exists():
        return fail(f"no session database at {path}: nothing to erase; pass --db FILE if it is elsewhere")
    if not args.alias.strip():
        return fail("ALIAS: give the pupil's alias as the roster and the report show it")
    if not args.yes:
        if not sys.stdin.isatty():
            return fail(f"not erasing {args.alias!r} without confirmation: input is not a terminal; add --yes")
        if not confirm(f"Delete every lesson of {args.alias!r} from {path}? This cannot be undone."):
            print("liike: nothing was deleted", file=sys.stderr)
            return EXIT_DECLINED
    try:
        with SessionStore(path) as store:
            armed = arm_erasure(path)
            lessons = erase_pupil(store, args.alias)
            purged = store.wal_purged
    except StoreError as exc:
        return fail(str(exc))
    if not lessons:
        return fail(f"no lesson in {path} has a pupil {args.alias!r} (`liike class report LESSON` shows the aliases)")
    n = sum(len(lesson["sessions"]) for lesson in lessons)
    where = f"{len(lessons)} lesson{'' if len(lessons) == 1 else 's'} ({n} session{'' if n == 1 else 's'})"
    print(f"deleted {args.alias!r} from {where} in {path}")
    report_erasure(path, armed)
    if purged is False:
        print(
            f"liike: deleted, but another program has {path} open: old copies stay in {path}-wal until it closes the file",
            file=sys.stderr,
        )
    from game.classroom import roster

    try:
        listed = roster.load(roster.default_path(args.sensors)).find(args.alias)
    except roster.RosterError:
        listed = None  # a damaged roster is named when it is used, not here
    if listed is not None:
        print(f"{listed.alias!r} is still on the roster: `liike class roster remove {listed.alias}` takes them off it")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    import csv

    from game.classroom.lesson import REPORT_COLUMNS, find_lesson, report_curves, report_rows
    from game.cli.play import game_language
    from game.i18n import tr
    from game.sessions.store import SessionStore, StoreError, default_db_path

    path = args.db or default_db_path(create=False)
    if not path.exists():
        return fail(f"no session database at {path}: run `liike class` first, or pass --db FILE")
    if not 0 < args.target <= 1:
        return fail(f"--target: {args.target:g} is not a share of the lesson; give 0..1, such as 0.5")
    if args.out.exists() and not args.out.is_dir():
        return fail(f"--out: {args.out} is a file, not a folder")
    try:
        with SessionStore(path, read_only=True) as store:
            lesson = find_lesson(store, args.lesson)
            rows = report_rows(store, lesson)
            curves, lesson_min = report_curves(store, lesson) if args.format != "csv" else ([], 0.0)
    except StoreError as exc:
        return fail(str(exc))
    except KeyError as exc:
        return fail(str(exc.args[0]))
    args.out.mkdir(parents=True, exist_ok=True)
    stem = f"lesson-{lesson['lesson_id'][:8]}"
    if args.format != "csv":
        from game import i18n
        from game.classroom.report_pictures import render

        i18n.set_language(game_language(args))
        title = tr(
            "class.report.title",
            group=lesson["group"] or "",
            date=_local_time(lesson["started_at"]),
            # a 90 s lesson is "1.5 min", not "2 min"
            minutes=f"{lesson_min:.0f}" if lesson_min >= 10 else f"{lesson_min:.1f}",
        )
        for written in render(curves, title, lesson_min, args.target, args.out, stem, args.format):
            print(written)
        return 0
    target = args.out / f"{stem}.csv"
    with target.open("w", newline="", encoding="utf-8") as out:
        writer = csv.DictWriter(out, fieldnames=REPORT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    print(f"{target}: {len(rows)} pupils, lesson {lesson['group'] or ''} {lesson['started_at']}")
    return 0


def _local_time(iso_utc: str) -> str:
    """A stored UTC time as the teacher's clock showed it, ``YYYY-MM-DD HH:MM``."""
    from datetime import UTC, datetime

    try:
        when = datetime.fromisoformat(iso_utc)
    except ValueError:
        return iso_utc[:16].replace("T", " ")
    return (when if when.tzinfo else when.replace(tzinfo=UTC)).astimezone().strftime("%Y-%m-%d %H:%M")


def _profile_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--age", type=positive("years"), default=12.0, metavar="YEARS", help=argparse.SUPPRESS)
    parser.add_argument("--rest", type=positive("beats per minute"), default=60.0, metavar="BPM", help=argparse.SUPPRESS)


def cmd_roster_import(args: argparse.Namespace) -> int:
    from game.classroom import roster
    from sensors.ble import allowlist

    try:
        sensors = allowlist.load(args.sensors)
    except allowlist.AllowListError as exc:
        return fail(str(exc))
    if not sensors:
        return fail("the allow-list is empty: allow the straps first (`liike sensors allow ADDRESS --label 'Strap 7'`)")
    try:
        text = args.file.read_text(encoding="utf-8-sig")
    except OSError as exc:
        return fail(f"{args.file}: {exc.strerror or exc}")
    except UnicodeDecodeError as exc:
        return fail(f"{args.file}: not UTF-8 text ({exc.reason} at byte {exc.start}): save the CSV as UTF-8")
    try:
        pupils = roster.parse_csv(text, args.file, sensors, names_ok=args.yes)
    except roster.RosterError as exc:
        return fail(str(exc))
    path = roster.save(pupils, roster.default_path(args.sensors))
    print(f"{len(pupils.pupils)} pupils in the roster ({path}, readable by you only)")
    return 0


def cmd_roster_list(args: argparse.Namespace) -> int:
    from game.classroom import roster
    from sensors.ble import allowlist
    from sensors.motion.heart_zones import HeartProfile, hr_max_tanaka

    try:
        pupils = roster.load(roster.default_path(args.sensors))
        sensors = allowlist.load(args.sensors)
    except (roster.RosterError, allowlist.AllowListError) as exc:
        return fail(str(exc))
    _warn_private(roster.default_path(args.sensors))
    if not pupils.pupils:
        print("no roster: `liike class roster import FILE.csv` (columns alias,strap)")
        return 0
    for line in roster.lines(pupils, sensors, HeartProfile(hr_rest_bpm=args.rest, hr_max_bpm=hr_max_tanaka(args.age))):
        print(line)
    return 0


def cmd_roster_clear(args: argparse.Namespace) -> int:
    from game.classroom import roster

    print("roster deleted" if roster.clear(roster.default_path(args.sensors)) else "there was no roster")
    return 0


def cmd_roster_remove(args: argparse.Namespace) -> int:
    from game.classroom import roster

    try:
        path = roster.default_path(args.sensors)
        roster.save(roster.load(path).remove(args.alias), path)
    except roster.RosterError as exc:
        return fail(str(exc))
    except KeyError:
        return fail(f"no pupil {args.alias!r} in the roster (`liike class roster list` shows the aliases)")
    print(f"{args.alias} taken off the roster")
    return 0


def cmd_roster_set_max(args: argparse.Namespace) -> int:
    from game.classroom import roster

    try:
        path = roster.default_path(args.sensors)
        roster.save(roster.load(path).set_max(args.alias, args.bpm), path)
    except roster.RosterError as exc:
        return fail(str(exc))
    except KeyError:
        return fail(f"no pupil {args.alias!r} in the roster (`liike class roster list` shows the aliases)")
    except ValueError as exc:
        return fail(f"BPM: {exc}")
    print(f"{args.alias}: maximal heart rate {args.bpm:g} bpm kept")
    return 0


def _warn_private(path: Path) -> None:
    from game.classroom import roster

    warning = roster.check_private(path)
    if warning is not None:
        print(f"liike: warning: {warning}", file=sys.stderr)


def cmd_class(args: argparse.Namespace) -> int:
    from game import i18n
    from game.classroom.screen import run_class
    from game.cli.play import game_language
    from game.engine.app import NoDisplayError
    from game.i18n import tr
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
    if args.emulate_class is not None:
        try:
            from liike_emulation.room import EmulatedBackends, mixed_class_adapters, mixed_class_room, mixed_class_sensors
        except ImportError:
            return fail(emulation_missing("--emulate-class"))
        if not 1 <= args.emulate_class <= 60:
            return fail(f"--emulate-class: {args.emulate_class} straps; give 1..60")
        sensors = sensors or mixed_class_sensors(args.emulate_class)
        backends = EmulatedBackends(mixed_class_room(args.emulate_class), adapters=mixed_class_adapters(args.emulate_class))
    elif args.emulate:
        try:
            from liike_emulation.room import CLASS_SIZE, EmulatedBackends, class_addresses, emulated_room
        except ImportError:
            return fail(emulation_missing("--emulate"))
        if not sensors:
            sensors = [
                allowlist.AllowedSensor(a, f"Strap {i + 1}", mode="broadcast") for i, a in enumerate(class_addresses(CLASS_SIZE))
            ]
        backends = EmulatedBackends(emulated_room)
    from game.classroom import config as class_config

    try:
        settings = class_config.load(class_config.default_path(args.sensors))
    except class_config.ClassConfigError as exc:
        return fail(f"{exc} (fix the class settings file)")
    keep_days = args.keep_days if args.keep_days is not None else settings.keep_days
    from game.classroom import roster

    roster_path = roster.default_path(args.sensors)
    try:
        pupils = roster.load(roster_path)
    except roster.RosterError as exc:
        return fail(str(exc))
    _warn_private(roster_path)
    on_list = {s.address for s in sensors}
    missing = [p.alias for p in pupils.pupils if p.address not in on_list]
    if missing:
        print(f"liike: warning: the roster's straps of {', '.join(missing)} are not on the allow-list", file=sys.stderr)

    def keep_max(pupil: roster.Pupil, bpm: int) -> None:
        roster.save(roster.load(roster_path).set_max(pupil.alias, bpm), roster_path)

    warning = allowlist.connect_overflow(sensors)
    if warning is not None:
        print(f"liike: warning: {warning}", file=sys.stderr)
    from game.classroom.lesson import Lesson
    from game.sessions import store

    db = args.db or store.default_db_path()
    try:
        store.probe_writable(db)
    except store.StoreError as exc:
        return fail(f"--db: {exc}")
    notice = None
    if keep_days is not None:
        from game.classroom.lesson import expire_lessons
        from game.cli.sessions import arm_erasure, report_erasure

        try:
            with store.SessionStore(db) as kept:
                armed = arm_erasure(db)
                gone = expire_lessons(kept, keep_days)
        except store.StoreError as exc:
            return fail(f"{'--keep-days' if args.keep_days is not None else settings.path}: {exc}")
        if gone:
            days = f"{keep_days:g}"
            notice = tr("class.retention_one" if len(gone) == 1 else "class.retention", n=len(gone), days=days)
            lessons = f"{len(gone)} lesson{'' if len(gone) == 1 else 's'}"
            print(f"liike: {lessons} older than {days} days deleted from {db}", file=sys.stderr)
            report_erasure(db, armed, sys.stderr)
    lesson = Lesson(db, sensors, args.group.strip() or "class")
    config = AppConfig(headless=args.headless, fullscreen=args.fullscreen, seconds=args.seconds, size=args.size)
    from game.sessions.sync.background import start_if_configured

    forwarding = start_if_configured(db)  # finished sessions to the shared server, in the background
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    try:
        summary = run_class(
            config,
            sensors,
            profile,
            backends,
            screenshot=args.screenshot,
            identify=args.identify,
            challenge=challenge,
            pupils=pupils.by_address(),
            on_keep_max=keep_max,
            lesson=lesson,
            notice=notice,
        )
    except NoDisplayError as exc:
        return fail(str(exc), EXIT_UNAVAILABLE)
    finally:
        if forwarding is not None:
            forwarding.stop()  # waits a bounded time: a slow or dead server never holds the game
    print(json.dumps(summary))
    return EXIT_INTERRUPTED if summary.pop("interrupted", False) else 0
