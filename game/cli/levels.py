"""``liike levels list|schema``: each mode's levels, and the JSON Schema editors validate them with."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from game.engine.modes import get_mode, mode_names, registered_modes


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    levels = sub.add_parser("levels", help="list the levels of each game mode, or print a mode's level schema")
    levels.set_defaults(run=lambda args: _help(levels))
    lsub = levels.add_subparsers(dest="levels_command", metavar="ACTION")
    llist = lsub.add_parser("list", help="each mode's levels with their titles and lengths; broken files are named on stderr")
    llist.add_argument("--json", action="store_true", help="print a JSON list")
    llist.set_defaults(run=cmd_levels_list)
    schema = lsub.add_parser(
        "schema",
        help="print the JSON Schema of a mode's level files (for editors)",
        description="Print the JSON Schema of MODE's level files. Editors with a YAML language "
        "server check levels against it: put '# yaml-language-server: "
        "$schema=FILE' at the top of a level.",
    )
    schema.add_argument("mode", choices=mode_names(), metavar="MODE", help=f"one of: {', '.join(mode_names())}")
    schema.set_defaults(run=cmd_levels_schema)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


def cmd_levels_list(args: argparse.Namespace) -> int:
    from game.levels import list_levels

    rows: list[dict[str, Any]] = []
    broken = 0
    for mode in registered_modes():
        levels, errors = list_levels(mode.name)
        for problem in errors:
            broken += 1
            print(f"liike: {problem}", file=sys.stderr)
        for level in levels:
            rows.append(
                {
                    "mode": mode.name,
                    "name": level.path.stem,
                    "title": level.name,
                    "difficulty": level.difficulty,
                    "length": mode.level_length(level),
                    "path": str(level.path),
                }
            )
    if args.json:
        print(json.dumps(rows))
    elif not rows:
        print("No levels found.")
    else:
        width = max(len(r["name"]) for r in rows)
        for r in rows:
            print(f"{r['mode']:<10} {r['name']:<{width}}  {r['title']:<28} {'*' * r['difficulty']:<5} {r['length']}")
    return 0 if rows or not broken else 2


def cmd_levels_schema(args: argparse.Namespace) -> int:
    from game.levels import level_schema

    print(json.dumps(level_schema(get_mode(args.mode)), indent=2))
    return 0
