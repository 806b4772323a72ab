"""``liike sensors allow|forget|list``: the allow-list, one sensor at a time or a whole class.

``allow ADDRESS`` adds a sensor or changes only the fields given for one already listed (its
place in the list stays, so the class board's tiles keep their order). ``allow --from-scan``
allows every heart-rate sensor in range at once, numbered in order of signal strength. Labels
are unique, one printable line, and a label that reads like a person's name is stored only
after the operator confirms it (``--yes``): Liike keeps pseudonyms, never names.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from game.cli.common import EXIT_BAD_INPUT, EXIT_PARTIAL, fail
from sensors.ble import allowlist
from sensors.ble.allowlist import AllowedSensor
from sensors.config_yaml import printable_line

#: Sensor kinds ``--from-scan`` allows: those that measure heart rate.
HEART_RATE_KINDS = ("heart_rate", "polar_pmd")


def sensor_json(s: AllowedSensor) -> dict[str, Any]:
    """The fields every command uses for a listed sensor."""
    return {"address": s.address, "label": s.label, "mode": s.mode, "placement": s.placement, "adapter": s.adapter}


def _confirm(question: str) -> bool:
    print(f"{question} [y/N] ", end="", file=sys.stderr, flush=True)
    return sys.stdin.readline().strip().lower() in ("y", "yes")


def check_label(label: str, current: list[AllowedSensor], address: str, yes: bool) -> str | None:
    """Why ``label`` cannot be given to ``address``, or None. Asks on a terminal about a label
    that reads like a person's name."""
    try:
        printable_line(label, allowlist.LABEL_MAX_CHARS)
    except ValueError as exc:
        return f"--label {label!r}: {exc}"
    other = allowlist.duplicate_label(current, label, address)
    if other is not None:
        return f"--label {label!r} is already the label of {other.address}; labels must tell the sensors apart"
    if allowlist.looks_like_a_name(label) and not yes:
        question = f"{label!r} looks like a person's name; Liike stores pseudonyms only. Use it anyway?"
        if not sys.stdin.isatty():
            return f"--label {label!r} looks like a person's name: use a pseudonym such as 'Strap 7', or add --yes"
        if not _confirm(question):
            return "nothing was changed"
    return None


def cmd_allow(args: argparse.Namespace) -> int:
    if args.from_scan:
        return _allow_from_scan(args)
    if args.address is None:
        return fail("give a sensor's ADDRESS (see `liike sensors scan`), or --from-scan to allow every strap in range")
    try:
        address = allowlist.normalise_address(args.address)
    except ValueError as exc:
        return fail(str(exc))
    if args.placement is not None and args.placement not in allowlist.PLACEMENTS:
        return fail(f"--placement {args.placement!r} is not one of {', '.join(allowlist.PLACEMENTS)}")
    if args.adapter is not None and not allowlist.valid_adapter(args.adapter):
        return fail(f"--adapter {args.adapter!r} is not an adapter name like hci0 or hci1")
    try:
        current = allowlist.load(args.sensors)
    except allowlist.AllowListError as exc:
        return fail(f"{exc} (fix or delete the file first)")
    if args.label is not None:
        problem = check_label(args.label, current, address, args.yes)
        if problem is not None:
            return fail(problem, EXIT_PARTIAL if problem == "nothing was changed" else EXIT_BAD_INPUT)
    old = next((s for s in current if s.address == address), None)
    base = old or AllowedSensor(address)
    entry = AllowedSensor(
        address,
        args.label if args.label is not None else base.label,
        args.placement if args.placement is not None else base.placement,
        args.mode if args.mode is not None else base.mode,
        args.adapter if args.adapter is not None else base.adapter,
    )
    updated = [entry if s.address == address else s for s in current] if old else [*current, entry]
    try:
        path = allowlist.save(updated, args.sensors)
    except allowlist.AllowListError as exc:
        return fail(f"--label: {exc.reason}")
    except OSError as exc:
        return fail(f"cannot write the allow-list: {exc.strerror or exc}")
    what = "updated" if old else "allowed"
    print(f"{address} {what} ({entry.mode}, {entry.placement}{', ' + entry.label if entry.label else ''}) in {path}")
    _warn_capacity(updated)
    return 0


def _warn_capacity(sensors: list[AllowedSensor]) -> None:
    warning = allowlist.connect_overflow(sensors)
    if warning is not None:
        print(f"liike: warning: {warning}", file=sys.stderr)


def _allow_from_scan(args: argparse.Namespace) -> int:
    """Allow every heart-rate sensor in range that is not listed yet, strongest signal first,
    labelled ``PREFIX N`` with numbers after the highest already used."""
    from game.cli.sensors import run_scan

    if args.address is not None:
        return fail("give either an ADDRESS or --from-scan, not both")
    if args.label is not None:
        return fail("--from-scan numbers the labels itself: use --label-prefix instead of --label")
    try:
        current = allowlist.load(args.sensors)
    except allowlist.AllowListError as exc:
        return fail(f"{exc} (fix or delete the file first)")
    note = f"Scanning for {args.seconds:g} s: wear the straps and wet their electrodes ..."
    results = run_scan(args.seconds, args.emulate, note)
    if isinstance(results, int):
        return results
    listed = {s.address for s in current}
    found = sorted(
        (r for r in results if r.kind.value in HEART_RATE_KINDS and r.address.upper() not in listed),
        key=lambda r: (-r.rssi_dbm, r.address),
    )
    if not found:
        print("liike: no new heart-rate sensors in range (listed ones are skipped)", file=sys.stderr)
        return EXIT_PARTIAL
    prefix = args.label_prefix
    used = [
        int(s.label[len(prefix) :])
        for s in current
        if s.label and s.label.startswith(prefix) and s.label[len(prefix) :].isdigit()
    ]
    number = max(used, default=0)
    added: list[AllowedSensor] = []
    for r in found:
        number += 1
        label = f"{prefix}{number}"
        while allowlist.duplicate_label(current + added, label, r.address) is not None:
            number += 1
            label = f"{prefix}{number}"
        mode = args.mode or ("broadcast" if r.broadcast_bpm is not None else "connect")
        added.append(AllowedSensor(r.address.upper(), label, args.placement or "chest", mode, args.adapter))
    try:
        path = allowlist.save(current + added, args.sensors)
    except (allowlist.AllowListError, OSError) as exc:
        return fail(f"cannot write the allow-list: {exc}")
    for s in added:
        print(f"{s.address}  {s.mode:<9} {s.label}")
    print(f"{len(added)} sensor(s) allowed in {path}; `liike class --identify` shows which strap is which")
    _warn_capacity(current + added)
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    try:
        address = allowlist.normalise_address(args.address)
        current = allowlist.load(args.sensors)
    except (ValueError, allowlist.AllowListError) as exc:
        return fail(str(exc))
    if all(s.address != address for s in current):
        return fail(f"{address} is not on the allow-list; `liike sensors list` shows it")
    try:
        path = allowlist.save([s for s in current if s.address != address], args.sensors)
    except OSError as exc:
        return fail(f"cannot write the allow-list: {exc.strerror or exc}")
    print(f"{address} removed from {path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    try:
        current = allowlist.load(args.sensors)
    except allowlist.AllowListError as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps([sensor_json(s) for s in current]))
        return 0
    print(f"allow-list: {args.sensors or allowlist.default_path()}", file=sys.stderr)
    if not current:
        print("No sensors allowed yet: find them with `liike sensors scan`, then `liike sensors allow ADDRESS`.")
    for s in current:
        print(f"{s.address}  {s.mode:<9} {s.placement:<10} {s.adapter or '':<5} {s.label or ''}")
    _warn_capacity(current)
    return 0
