"""``liike sensors scan|monitor|allow|forget|list``: find, watch and allow-list Bluetooth sensors.

``--emulate`` (hidden; needs the test extras) runs the same commands against the emulated room of
:mod:`liike_emulation.room`, for demonstrations and tests without a radio.
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

from game.cli.common import EXIT_UNAVAILABLE, emulation_missing, positive_seconds, raise_keyboard_interrupt
from game.cli.common import fail as _fail
from sensors.ble import allowlist
from sensors.ble.link_errors import classify
from sensors.clock import NS_PER_S, now_ns
from sensors.samples import BusItem, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch

EXIT_NO_BLUETOOTH = EXIT_UNAVAILABLE


def _emulated_backends() -> Any:
    """The emulated room's backend factory; ImportError without the test extras."""
    from liike_emulation.room import EmulatedBackends

    return EmulatedBackends()


# --- scan ------------------------------------------------------------------------------------


def cmd_scan(args: argparse.Namespace) -> int:
    from sensors.ble.discovery import ScanResult, scan

    try:
        factory = _emulated_backends() if args.emulate else None
    except ImportError:
        return _fail(emulation_missing("--emulate"))
    allowed = set()
    try:
        allowed = {s.address for s in allowlist.load()}
    except allowlist.AllowListError as exc:
        print(f"liike: ignoring the allow-list: {exc}", file=sys.stderr)

    async def run() -> list[ScanResult]:
        backend = None
        if factory is not None:
            backend, _ = await factory()
        try:
            return await scan(args.seconds, backend=backend)
        finally:
            if factory is not None:
                await factory.close()

    if not args.json:
        print(f"Scanning for {args.seconds:g} s ...", file=sys.stderr)
    try:
        results = asyncio.run(run())
    except KeyboardInterrupt:
        return 0
    except Exception as exc:  # noqa: BLE001 - every Bluetooth failure gets its one clear line
        return _fail(str(classify(exc)), EXIT_NO_BLUETOOTH)
    for r in results:
        if args.json:
            print(json.dumps({**r.as_dict(), "allowed": r.address.upper() in allowed}), flush=True)
    if not args.json:
        if not results:
            print(
                "No Bluetooth devices found. Wear the strap (it wakes on skin contact), wet its electrodes, "
                "and make sure no phone or watch is connected to it."
            )
        for r in results:
            hr = f"  broadcasting {r.broadcast_bpm} bpm" if r.broadcast_bpm is not None else ""
            mark = "  [allowed]" if r.address.upper() in allowed else ""
            print(f"{r.address}  {r.rssi_dbm:4d} dBm  {r.kind.value:<15} {r.name or '(no name)'}{hr}{mark}")
        if results:
            print(
                "Add a sensor with `liike sensors allow ADDRESS [--label NAME]`; watch it with `liike sensors monitor ADDRESS`."
            )
    return 0


# --- monitor ---------------------------------------------------------------------------------


def item_json(item: BusItem, t0_ns: int) -> dict[str, Any]:
    t_s = round((item.t_host_ns - t0_ns) / NS_PER_S, 4)
    if isinstance(item, DeviceStatus):
        return {"t_s": t_s, "type": "status", "source": item.source, "state": item.state.value, "message": item.message}
    if isinstance(item, HeartRateSample):
        return {
            "t_s": t_s,
            "type": "hr",
            "source": item.source,
            "bpm": item.bpm,
            "rr_ms": [round(v * 1000, 1) for v in item.rr_s],
            "contact": item.contact,
            "energy_kj": item.energy_kj,
            "broadcast": item.broadcast,
        }
    if isinstance(item, ImuBatch):
        first_s = round((item.t_first_ns - t0_ns) / NS_PER_S, 4)
        return {
            "t_s": t_s,
            "type": "imu",
            "source": item.source,
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
            "source": item.source,
            "speed_mps": item.speed_mps,
            "cadence_spm": item.cadence_spm,
            "cadence_rpm": item.cadence_rpm,
            "power_w": item.power_w,
            "distance_m": item.distance_m,
            "incline_pct": item.incline_pct,
        }
    return {"t_s": t_s, "type": type(item).__name__, "source": getattr(item, "source", "?")}


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


def cmd_monitor(args: argparse.Namespace) -> int:
    from sensors.ble.service import BleSource
    from sensors.bus import SensorBus

    try:
        addresses = [allowlist.normalise_address(a) for a in args.addresses]
    except ValueError as exc:
        return _fail(str(exc))
    known = {}
    try:
        known = {s.address: s for s in allowlist.load()}
    except allowlist.AllowListError as exc:
        print(f"liike: ignoring the allow-list: {exc}", file=sys.stderr)
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
    try:
        backends = _emulated_backends() if args.emulate else None
    except ImportError:
        return _fail(emulation_missing("--emulate"))
    bus = SensorBus()
    source = BleSource(sensors, backends=backends)
    t0 = now_ns()
    deadline = None if args.seconds is None else time.monotonic() + args.seconds
    signal.signal(signal.SIGTERM, raise_keyboard_interrupt)
    source.start(bus)
    counts: dict[str, int] = {}
    try:
        while deadline is None or time.monotonic() < deadline:
            time.sleep(0.05)
            for item in bus.drain():
                kind = "status" if isinstance(item, DeviceStatus) else item.kind.value
                counts[kind] = counts.get(kind, 0) + 1
                if args.json:
                    print(json.dumps(item_json(item, t0)), flush=True)
                else:
                    line = item_line(item, t0, names)
                    if line is not None:
                        print(line, flush=True)
    except KeyboardInterrupt:
        pass
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, as Unix tools do.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - replaces the closed pipe for the rest of the run
    finally:
        source.stop()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for link in source.links:
        s = link.stats
        print(
            f"liike: {names.get(link.address, link.address)}: {s.notifications} notifications, {s.malformed} malformed, "
            f"{s.connects} connection(s), {s.drops} drop(s), MTU {s.mtu}",
            file=sys.stderr,
        )
    if source.broadcast is not None:
        print(f"liike: {source.broadcast.published} broadcast heart rates read", file=sys.stderr)
    return 0


# --- allow-list ------------------------------------------------------------------------------


def cmd_allow(args: argparse.Namespace) -> int:
    try:
        address = allowlist.normalise_address(args.address)
    except ValueError as exc:
        return _fail(str(exc))
    if args.placement not in allowlist.PLACEMENTS:
        return _fail(f"--placement {args.placement!r} is not one of {', '.join(allowlist.PLACEMENTS)}")
    try:
        current = allowlist.load(args.file)
    except allowlist.AllowListError as exc:
        return _fail(f"{exc} (fix or delete the file first)")
    if args.adapter is not None and not allowlist.valid_adapter(args.adapter):
        return _fail(f"--adapter {args.adapter!r} is not an adapter name like hci0 or hci1")
    entry = allowlist.AllowedSensor(
        address, args.label, args.placement, "broadcast" if args.broadcast else "connect", args.adapter
    )
    updated = [s for s in current if s.address != address] + [entry]
    try:
        path = allowlist.save(updated, args.file)
    except allowlist.AllowListError as exc:
        return _fail(f"--label: {exc.reason}")
    print(f"{address} allowed ({entry.mode}, {entry.placement}) in {path}")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    try:
        address = allowlist.normalise_address(args.address)
        current = allowlist.load(args.file)
    except (ValueError, allowlist.AllowListError) as exc:
        return _fail(str(exc))
    if all(s.address != address for s in current):
        return _fail(f"{address} is not on the allow-list; `liike sensors list` shows it")
    path = allowlist.save([s for s in current if s.address != address], args.file)
    print(f"{address} removed from {path}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    try:
        current = allowlist.load(args.file)
    except allowlist.AllowListError as exc:
        return _fail(str(exc))
    if args.json:
        print(
            json.dumps(
                [
                    {"address": s.address, "label": s.label, "placement": s.placement, "mode": s.mode, "adapter": s.adapter}
                    for s in current
                ]
            )
        )
        return 0
    if not current:
        print("No sensors allowed yet: find them with `liike sensors scan`, then `liike sensors allow ADDRESS`.")
    for s in current:
        print(f"{s.address}  {s.mode:<9} {s.placement:<10} {s.adapter or '':<5} {s.label or ''}")
    return 0


def cmd_sensors(args: argparse.Namespace) -> int:
    handlers = {"scan": cmd_scan, "monitor": cmd_monitor, "allow": cmd_allow, "forget": cmd_forget, "list": cmd_list}
    return handlers[args.sensors_command](args)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sensors = sub.add_parser(
        "sensors",
        help="find and watch Bluetooth sensors",
        description="Scan for Bluetooth LE sensors, or connect to some and print what they send.",
    )
    sensors.set_defaults(run=lambda args: _help(sensors))
    bsub = sensors.add_subparsers(dest="sensors_command", metavar="ACTION")
    scan = bsub.add_parser("scan", help="list sensors in range, with their kind and signal strength")
    scan.add_argument("--seconds", type=positive_seconds, default=5.0, metavar="N", help="scan for N seconds (default 5)")
    scan.add_argument("--json", action="store_true", help="one JSON object per device on its own line")
    scan.add_argument("--emulate", action="store_true", help=argparse.SUPPRESS)
    scan.set_defaults(run=cmd_scan)
    monitor = bsub.add_parser("monitor", help="connect to sensors and print every sample and status")
    monitor.add_argument("addresses", nargs="+", metavar="ADDRESS")
    monitor.add_argument("--seconds", type=positive_seconds, metavar="N", help="stop after N seconds (default: until Ctrl-C)")
    monitor.add_argument("--json", action="store_true", help="one JSON object per sample or status on its own line")
    monitor.add_argument(
        "--broadcast", action="store_true", help="read heart rate from the straps' advertisements instead of connecting (Polar)"
    )
    monitor.add_argument("--emulate", action="store_true", help=argparse.SUPPRESS)
    monitor.set_defaults(run=cmd_monitor)
    allow = bsub.add_parser("allow", help="add a sensor to the allow-list used by `liike play`")
    allow.add_argument("address", metavar="ADDRESS")
    allow.add_argument("--label", help="name shown on screen, e.g. 'Strap 7' (never a child's real name)")
    allow.add_argument("--placement", default="chest", help="chest (default), waist, lower_back, wrist, thigh, ankle, foot, arm")
    allow.add_argument("--broadcast", action="store_true", help="read its heart rate from advertisements, no connection")
    allow.add_argument("--adapter", metavar="hciN", help="Bluetooth adapter that connects it (Linux; default: the system's)")
    allow.add_argument(
        "--file", type=Path, metavar="FILE", help="allow-list file (default: sensors.yaml in the user config folder)"
    )
    allow.set_defaults(run=cmd_allow)
    forget = bsub.add_parser("forget", help="remove a sensor from the allow-list")
    forget.add_argument("address", metavar="ADDRESS")
    forget.add_argument("--file", type=Path, metavar="FILE")
    forget.set_defaults(run=cmd_forget)
    slist = bsub.add_parser("list", help="show the allow-list")
    slist.add_argument("--file", type=Path, metavar="FILE")
    slist.add_argument("--json", action="store_true")
    slist.set_defaults(run=cmd_list)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0
