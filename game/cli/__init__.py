"""The ``liike`` command line, the composition root: it registers the game modes, then each
command adds its own subcommand (one module each in this package).

Exit codes: 0 success; 2 bad input (a broken level, an unusable database, bad arguments),
with one line on stderr naming what is wrong and what to do (:mod:`game.cli.common`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

from game.cli import analyze, classroom, kiosk, levels, modes, play, pose, replay, sensors, sessions
from game.cli.common import EXIT_BAD_INPUT
from game.cli.logs import log_repeats_once

#: Command modules in the order ``liike --help`` lists them; each has ``register(subparsers)``.
COMMANDS = (play, replay, modes, levels, pose, classroom, sensors, analyze, sessions, kiosk)


def _version() -> str:
    try:
        return version("liike")
    except PackageNotFoundError:
        return "unknown"


def build_parser() -> argparse.ArgumentParser:
    from game.modes import register_builtin_modes

    register_builtin_modes()
    parser = argparse.ArgumentParser(
        prog="liike", description="Liike: move your body to play. Sessions are logged for players, teachers and researchers."
    )
    parser.add_argument("--version", action="version", version=f"liike {_version()}")
    parser.set_defaults(run=None)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for command in COMMANDS:
        command.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="liike: %(message)s", stream=sys.stderr)
    log_repeats_once()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version, or a usage error argparse has explained
        return exc.code if isinstance(exc.code, int) else EXIT_BAD_INPUT
    if args.run is None:
        parser.print_help()
        return 0
    return int(args.run(args))
