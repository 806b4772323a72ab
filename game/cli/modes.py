"""``liike modes``: the registered game modes with the movements they read and the sensors they use."""

from __future__ import annotations

import argparse
import json
from typing import Any

from game.engine.modes import registered_modes


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    modes = sub.add_parser(
        "modes",
        help="list the game modes with their movements and sensors",
        description="List the registered game modes: name (the --mode value), title, the movements "
        "each reads and the sensors it can use.",
    )
    modes.add_argument("--json", action="store_true", help="print a JSON list of {name, title, movements, sensors}")
    modes.set_defaults(run=cmd_modes)


def mode_rows() -> list[dict[str, Any]]:
    """One row per registered mode, in name order."""
    return [
        {"name": m.name, "title": m.title, "movements": list(m.movements), "sensors": list(m.sensors)} for m in registered_modes()
    ]


def cmd_modes(args: argparse.Namespace) -> int:
    rows = mode_rows()
    if args.json:
        print(json.dumps(rows))
        return 0
    if not rows:
        print("No game modes registered.")
        return 0
    width = max(len(r["name"]) for r in rows)
    for r in rows:
        print(f"{r['name']:<{width}}  {r['title']}")
        print(f"{'':<{width}}  movements: {', '.join(r['movements'])}")
        print(f"{'':<{width}}  sensors:   {', '.join(r['sensors'])}")
    return 0
