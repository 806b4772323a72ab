"""``liike sensors scan|monitor``: find and watch Bluetooth sensors (the allow-list commands are
in :mod:`game.cli.sensors_allow`).

Every command names a sensor by ``address`` and, where the allow-list gives one, ``label``, and
reads the allow-list given with ``--sensors FILE``. ``--emulate`` (hidden; needs the test
extras) runs the commands against the emulated room of :mod:`liike_emulation.room`, the same
room for every command, for demonstrations and tests without a radio.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from game.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_PARTIAL,
    EXIT_UNAVAILABLE,
    Stop,
    emulation_missing,
    positive_seconds,
    raise_keyboard_interrupt,
)
from game.cli.common import fail as _fail
from sensors.ble import allowlist
from sensors.ble.discovery import ScanResult
from sensors.ble.link_errors import AdapterMissing, BluetoothDenied, BluetoothOff, BluetoothUnavailable, classify
from sensors.clock import NS_PER_S, now_ns
from sensors.samples import BusItem, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch

EXIT_NO_BLUETOOTH = EXIT_UNAVAILABLE


def _emulated_backends() -> Any:
    """The emulated room's backend factory; ImportError without the test extras."""
    from liike_emulation.room import EmulatedBackends, emulated_room

    return EmulatedBackends(emulated_room)


def emulated_backends_or_fail(emulate: bool) -> tuple[Any, int | None]:
    """(the emulated room's backends or None, None), or (None, exit code) after saying that the
    test extras are missing."""
    if not emulate:
        return None, None
    try:
        return _emulated_backends(), None
    except ImportError:
        return None, _fail(emulation_missing("--emulate"))


def _allowed(path: Path | None) -> dict[str, allowlist.AllowedSensor]:
    """The allow-list by address; a broken one is named on stderr and read as empty (these
    commands work without it)."""
    try:
        return {s.address: s for s in allowlist.load(path)}
    except allowlist.AllowListError as exc:
        print(f"liike: ignoring the allow-list: {exc}", file=sys.stderr)
        return {}


# --- scan ------------------------------------------------------------------------------------


def run_scan(seconds: float, emulate: bool, note: str | None) -> list[ScanResult] | int:
    """Scan the radio (or with ``emulate`` the emulated room) for ``seconds``: the results, or
    the exit code after one line on stderr (no test extras, Bluetooth unavailable, Ctrl-C).
    ``note``: what to tell the user while scanning, on stderr."""
    from sensors.ble import discovery

    factory, code = emulated_backends_or_fail(emulate)
    if code is not None:
        return code

    async def run() -> list[ScanResult]:
        backend = None
        if factory is not None:
            backend, _ = await factory()
        try:
            return await discovery.scan(seconds, backend=backend)
        finally:
            if factory is not None:
                await factory.close()

    if note:
        print(note, file=sys.stderr)
    try:
        return asyncio.run(run())
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - every Bluetooth failure gets its one clear line
        return _fail(str(classify(exc)), EXIT_NO_BLUETOOTH)


def cmd_scan(args: argparse.Namespace) -> int:
    allowed = _allowed(args.sensors)
    results = run_scan(args.seconds, args.emulate, None if args.json else f"Scanning for {args.seconds:g} s ...")
    if isinstance(results, int):
        return results
    for r in results:
        if args.json:
            known = allowed.get(r.address.upper())
            row = {**r.as_dict(), "address": r.address.upper(), "label": known.label if known else None}
            print(json.dumps({**row, "allowed": known is not None}), flush=True)
    if not args.json:
        if not results:
            print(
                "No Bluetooth devices found. Wear the strap (it wakes on skin contact), wet its electrodes, "
                "and make sure no phone or watch is connected to it."
            )
        for r in results:
            hr = f"  broadcasting {r.broadcast_bpm} bpm" if r.broadcast_bpm is not None else ""
            known = allowed.get(r.address.upper())
            mark = f"  [allowed{': ' + known.label if known and known.label else ''}]" if known else ""
            print(f"{r.address}  {r.rssi_dbm:4d} dBm  {r.kind.value:<15} {r.name or '(no name)'}{hr}{mark}")
        if results:
            print(
                "Add a sensor with `liike sensors allow ADDRESS [--label NAME]`; watch it with `liike sensors monitor ADDRESS`."
            )
    return 0


# --- monitor ---------------------------------------------------------------------------------


def item_json(item: BusItem, t0_ns: int, labels: dict[str, str | None] | None = None) -> dict[str, Any]:
    """One monitor line: ``t_s``, ``type``, the sensor's ``address`` and ``label`` (from the
    allow-list, or None), then the reading's own fields."""
    t_s = round((item.t_host_ns - t0_ns) / NS_PER_S, 4)
    address = getattr(item, "source", "?")
    who = {"address": address, "label": (labels or {}).get(address)}
    if isinstance(item, DeviceStatus):
        return {"t_s": t_s, "type": "status", **who, "state": item.state.value, "message": item.message}
    if isinstance(item, HeartRateSample):
        return {
            "t_s": t_s,
            "type": "hr",
            **who,
            "mode": "broadcast" if item.broadcast else "connect",
            "bpm": item.bpm,
            "rr_ms": [round(v * 1000, 1) for v in item.rr_s],
            "contact": item.contact,
            "energy_kj": item.energy_kj,
        }
    if isinstance(item, ImuBatch):
        first_s = round((item.t_first_ns - t0_ns) / NS_PER_S, 4)
        return {
            "t_s": t_s,
            "type": "imu",
            **who,
            "rate_hz": item.rate_hz,
            "t_first_s": first_s,
            "placement": item.placement,
            "n": item.n_values,
            "acc_g": np.round(item.acc_g.astype(np.float64), 4).tolist(),
            "gyr_dps": None if item.gyr_dps is None else np.round(item.gyr_dps.astype(np.float64), 3).tolist(),
        }
    if isinstance(item, FitnessSample):
        return {
            "t_s": t_s,
            "type": "fitness",
            **who,
            "speed_mps": item.speed_mps,
            "cadence_spm": item.cadence_spm,
            "cadence_rpm": item.cadence_rpm,
            "power_w": item.power_w,
            "distance_m": item.distance_m,
            "incline_pct": item.incline_pct,
        }
    return {"t_s": t_s, "type": type(item).__name__, **who}


def item_line(item: BusItem, t0_ns: int, names: dict[str, str]) -> str | None:
    t_s = (item.t_host_ns - t0_ns) / NS_PER_S
    who = names.get(getattr(item, "source", ""), getattr(item, "source", "?"))
    if isinstance(item, DeviceStatus):
        message = item.message.removeprefix(f"{who}: ")
        return f"{t_s:8.2f}  {who:<18} [{item.state.value}] {message}"
    if isinstance(item, HeartRateSample):
        rr = f"  RR {', '.join(f'{v * 1000:.0f}' for v in item.rr_s)} ms" if item.rr_s else ""
        contact = {True: "", False: "  NO CONTACT", None: ""}[item.contact]
        return f"{t_s:8.2f}  {who:<18} {item.bpm:3d} bpm{rr}{contact}{'  (broadcast)' if item.broadcast else ''}"
    if isinstance(item, ImuBatch):
        mag = np.linalg.norm(item.acc_g.astype(np.float64), axis=1)
        return (
            f"{t_s:8.2f}  {who:<18} {item.n_values:3d} acc samples at {item.rate_hz:g} Hz, |a| {mag.min():.2f}-{mag.max():.2f} g"
        )
    if isinstance(item, FitnessSample):
        parts = []
        if item.speed_mps is not None:
            parts.append(f"{item.speed_mps * 3.6:.1f} km/h")
        if item.cadence_rpm is not None:
            parts.append(f"{item.cadence_rpm:.0f} rpm")
        if item.cadence_spm is not None:
            parts.append(f"{item.cadence_spm:.0f} steps/min")
        if item.power_w is not None:
            parts.append(f"{item.power_w:.0f} W")
        if item.distance_m is not None:
            parts.append(f"{item.distance_m:.0f} m")
        return f"{t_s:8.2f}  {who:<18} {', '.join(parts) or 'no data fields'}"
    return None


#: Status messages that mean Bluetooth itself is unavailable here (exit code 3, not 1).
_UNAVAILABLE = (AdapterMissing.advice, BluetoothUnavailable.advice, BluetoothOff.advice, BluetoothDenied.advice)


def cmd_monitor(args: argparse.Namespace) -> int:
    """Print every reading and status of the given sensors. Exit 0 when each sent data, 1 when
    one or more sent nothing (named on stderr), 3 when Bluetooth is unavailable, 130 on Ctrl-C."""
    from sensors.ble.service import BleSource
    from sensors.bus import SensorBus

    try:
        addresses = list(dict.fromkeys(allowlist.normalise_address(a) for a in args.addresses))
    except ValueError as exc:
        return _fail(str(exc))
    known = _allowed(args.sensors)
    mode = "broadcast" if args.broadcast else "connect"
    sensors = [
        allowlist.AllowedSensor(
            a,
            known[a].label if a in known else None,
            known[a].placement if a in known else "chest",
            mode,
            known[a].adapter if a in known else None,
        )
        for a in addresses
    ]
    names = {s.address: s.display for s in sensors}
    labels = {s.address: s.label for s in sensors}
    backends, code = emulated_backends_or_fail(args.emulate)
    if code is not None:
        return code
    bus = SensorBus()
    source = BleSource(sensors, backends=backends)
    t0 = now_ns()
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    source.start(bus)
    readings: dict[str, int] = dict.fromkeys(addresses, 0)
    unavailable = False
    interrupted = False
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.05)
            for item in bus.drain():
                if isinstance(item, DeviceStatus):
                    unavailable = unavailable or any(advice in item.message for advice in _UNAVAILABLE)
                elif item.source in readings:
                    readings[item.source] += 1
                if args.json:
                    print(json.dumps(item_json(item, t0, labels)), flush=True)
                else:
                    line = item_line(item, t0, names)
                    if line is not None:
                        print(line, flush=True)
    except Stop:
        pass
    except KeyboardInterrupt:
        interrupted = True
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed pipe for the rest of the run
    finally:
        source.stop()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for link in source.links:
        st = link.stats
        print(
            f"liike: {names.get(link.address, link.address)}: {st.notifications} notifications, {st.malformed} malformed, "
            f"{st.connects} connection(s), {st.drops} drop(s), MTU {st.mtu}",
            file=sys.stderr,
        )
    if source.broadcast is not None:
        print(f"liike: {source.broadcast.published} broadcast heart rates read", file=sys.stderr)
    if interrupted:
        return EXIT_INTERRUPTED
    silent = [names[a] for a, n in readings.items() if n == 0]
    if silent and unavailable and len(silent) == len(readings):
        return EXIT_NO_BLUETOOTH
    if silent:
        how = "no broadcast heard from" if args.broadcast else "no data from"
        hint = " (does it broadcast? Polar straps do; others need a connection: leave out --broadcast)" if args.broadcast else ""
        return _fail(f"{how} {', '.join(silent)}{hint}", EXIT_PARTIAL)
    return 0


def add_sensors_flag(parser: argparse.ArgumentParser) -> None:
    """``--sensors FILE``: the allow-list, in every command that reads or writes it."""
    parser.add_argument(
        "--sensors", type=Path, metavar="FILE", help="allow-list file (default: sensors.yaml in the user config folder)"
    )
    parser.add_argument("--file", type=Path, dest="sensors", help=argparse.SUPPRESS)  # the name used before --sensors


def add_emulate_flag(parser: argparse.ArgumentParser) -> None:
    """The one hidden ``--emulate``: the emulated Bluetooth room instead of the radio (test extras)."""
    parser.add_argument("--emulate", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--emulate-ble", action="store_true", dest="emulate", help=argparse.SUPPRESS)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from game.cli.sensors_allow import cmd_allow, cmd_forget, cmd_list

    sensors = sub.add_parser(
        "sensors",
        help="find, watch and allow-list Bluetooth sensors",
        description="Scan for Bluetooth LE sensors, watch what they send, and keep the allow-list of the sensors Liike may use.",
    )
    sensors.set_defaults(run=lambda args: _help(sensors))
    bsub = sensors.add_subparsers(dest="sensors_command", metavar="ACTION")
    scan = bsub.add_parser("scan", help="list sensors in range, with their kind, signal strength and label")
    scan.add_argument("--seconds", type=positive_seconds, default=5.0, metavar="N", help="scan for N seconds (default 5)")
    scan.add_argument("--json", action="store_true", help="one JSON object per device on its own line")
    add_sensors_flag(scan)
    add_emulate_flag(scan)
    scan.set_defaults(run=cmd_scan)
    monitor = bsub.add_parser(
        "monitor",
        help="connect to sensors and print every sample and status",
        description="Print every reading and status of the sensors. Exit 0 when each sensor sent data, 1 when one sent "
        "nothing, 3 when Bluetooth is unavailable, 130 on Ctrl-C.",
    )
    monitor.add_argument("addresses", nargs="+", metavar="ADDRESS")
    monitor.add_argument("--seconds", type=positive_seconds, metavar="N", help="stop after N seconds (default: until Ctrl-C)")
    monitor.add_argument("--json", action="store_true", help="one JSON object per sample or status on its own line")
    monitor.add_argument(
        "--broadcast", action="store_true", help="read heart rate from the straps' advertisements instead of connecting (Polar)"
    )
    add_sensors_flag(monitor)
    add_emulate_flag(monitor)
    monitor.set_defaults(run=cmd_monitor)
    allow = bsub.add_parser(
        "allow",
        help="add a sensor to the allow-list, change one, or allow every strap in range (--from-scan)",
        description="Add a sensor to the allow-list used by `liike play` and `liike class`, or change only the given "
        "fields of one already listed. --from-scan allows every heart-rate sensor in range, numbered by signal strength.",
    )
    allow.add_argument("address", nargs="?", metavar="ADDRESS")
    allow.add_argument("--label", help="name shown on screen, e.g. 'Strap 7' (a pseudonym, never a child's real name)")
    allow.add_argument(
        "--placement",
        choices=allowlist.PLACEMENTS,
        help="where it is worn (default chest)",
        metavar="|".join(allowlist.PLACEMENTS),
    )
    mode = allow.add_mutually_exclusive_group()
    mode.add_argument(
        "--broadcast", action="store_const", const="broadcast", dest="mode", help="read its heart rate from advertisements"
    )
    mode.add_argument("--connect", action="store_const", const="connect", dest="mode", help="connect to it (the default)")
    allow.add_argument("--adapter", metavar="hciN", help="Bluetooth adapter that connects it (Linux; default: the system's)")
    allow.add_argument("--from-scan", action="store_true", help="allow every heart-rate sensor in range")
    allow.add_argument(
        "--seconds", type=positive_seconds, default=10.0, metavar="N", help="--from-scan: scan for N s (default 10)"
    )
    allow.add_argument(
        "--label-prefix", default="Strap ", metavar="TEXT", help="--from-scan: labels TEXT1, TEXT2 ... (default 'Strap ')"
    )
    allow.add_argument("--yes", action="store_true", help="accept a label that looks like a person's name without asking")
    add_sensors_flag(allow)
    add_emulate_flag(allow)
    allow.set_defaults(run=cmd_allow)
    forget = bsub.add_parser("forget", help="remove a sensor from the allow-list")
    forget.add_argument("address", metavar="ADDRESS")
    add_sensors_flag(forget)
    forget.set_defaults(run=cmd_forget)
    slist = bsub.add_parser("list", help="show the allow-list")
    slist.add_argument("--json", action="store_true", help="print a JSON list")
    add_sensors_flag(slist)
    slist.set_defaults(run=cmd_list)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0
