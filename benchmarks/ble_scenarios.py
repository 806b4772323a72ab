"""The tests/bluez scenarios that the emulated stack can play, for BENCHMARKS.md's comparison:
the same straps (tests/bluez/scenarios.py ``Strap``), the same measures (time from start to the
first heart rate, from a drop to the first new heart rate, heart rates sent while subscribed and
never received), but bleak over bumble's host stack in this process instead of BlueZ in a VM.

Usage: python benchmarks/ble_scenarios.py [--json FILE] [SCENARIO ...]  (default: all; hold takes 5 min)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "bluez"))

from scenarios import Result, Strap  # noqa: E402

from liike_emulation.radio import EmulatedWorld  # noqa: E402
from liike_emulation.room import EmulatedBackends  # noqa: E402
from sensors.ble.allowlist import AllowedSensor  # noqa: E402
from sensors.ble.service import BleSource  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.samples import DeviceStatus, HeartRateSample  # noqa: E402

LIMIT_S = 60.0


class Run:
    """A BleSource on the emulated world; bus items kept with their arrival times."""

    def __init__(self, n: int = 1, broadcast: bool = False) -> None:
        self.straps: list[Strap] = []
        self.broadcast = broadcast
        addresses = [f"F0:F0:F0:F0:00:{i + 1:02X}" for i in range(n)]

        async def setup(world: EmulatedWorld) -> None:
            for a in addresses:
                self.straps.append(await world.add(Strap(f"HRM {a[-5:]}", a, broadcast=broadcast)))

        mode = "broadcast" if broadcast else "connect"
        self.source = BleSource([AllowedSensor(a, None, "chest", mode) for a in addresses], backends=EmulatedBackends(setup))
        self.bus = SensorBus()
        self.items: list[tuple[float, Any]] = []
        self.addresses = addresses

    def start(self) -> None:
        self.t0 = time.monotonic()
        self.source.start(self.bus)

    def pump(self) -> None:
        now = time.monotonic()
        self.items += [(now, i) for i in self.bus.drain()]

    def hr(self, since: float = 0.0, source: str | None = None) -> list[tuple[float, Any]]:
        return [
            (t, i)
            for t, i in self.items
            if isinstance(i, HeartRateSample) and t >= since and (source is None or i.source == source)
        ]

    def statuses(self, since: float = 0.0) -> list[tuple[float, DeviceStatus]]:
        return [(t, i) for t, i in self.items if isinstance(i, DeviceStatus) and t >= since]

    def until(self, check: Any, limit_s: float = LIMIT_S) -> Any:
        deadline = time.monotonic() + limit_s
        while not (got := check()):
            if time.monotonic() > deadline:
                raise TimeoutError("not within the limit")
            time.sleep(0.01)
            self.pump()
        return got

    def on_loop(self, work: Any) -> Any:
        assert self.source._loop is not None
        return asyncio.run_coroutine_threadsafe(work, self.source._loop).result(10)

    def call(self, fn: Any) -> None:
        assert self.source._loop is not None
        self.source._loop.call_soon_threadsafe(fn)

    def finish(self, result: Result, count_from: float = 0.0) -> None:
        def silence_all() -> None:
            for s in self.straps:
                s.silence()

        self.call(silence_all)
        end = time.monotonic() + 2.0
        while time.monotonic() < end:
            self.pump()
            time.sleep(0.02)
        result.sent = sum(len([t for t in s.sent_t if t >= count_from]) for s in self.straps)
        result.received = len(self.hr(since=count_from))
        self.source.stop()


def connected(result: Result) -> Run:
    run = Run()
    run.start()
    first = run.until(lambda: run.hr())
    result.first_hr_s = first[0][0] - run.t0
    return run


def stream(result: Result) -> None:
    run = connected(result)
    lines = run.until(lambda: len(run.hr()) >= 15 and run.hr())
    result.ok = len([1 for _, i in lines if i.rr_s]) >= 10
    run.finish(result)


def drop(result: Result, drops: int = 3) -> None:
    run = connected(result)
    strap = run.straps[0]
    for _ in range(drops):
        run.until(lambda: len(run.hr(since=time.monotonic() - 10)) >= 3)
        t_drop = time.monotonic()
        run.on_loop(strap.drop())
        got = run.until(lambda t_drop=t_drop: run.hr(since=t_drop + 0.05))
        result.recover_s.append(got[0][0] - t_drop)
    result.ok = True
    run.finish(result)


def no_contact(result: Result) -> None:
    run = connected(result)
    t = time.monotonic()
    run.call(lambda: setattr(run.straps[0], "contact", False))
    got = run.until(lambda: [s for s in run.statuses(t) if "skin contact" in s[1].message])
    result.ok = True
    result.note = f"'no skin contact' shown {got[0][0] - t:.1f} s after contact was lost"
    run.call(lambda: setattr(run.straps[0], "contact", True))
    run.finish(result)


def silent(result: Result) -> None:
    run = connected(result)
    t = time.monotonic()
    run.call(lambda: run.straps[0].silence())
    got = run.until(lambda: [s for s in run.statuses(t) if "quiet" in s[1].message])
    repeated = run.hr(since=t + 1.5)
    t_back = time.monotonic()
    run.call(lambda: run.straps[0].silence(False))
    back = run.until(lambda: run.hr(since=t_back))
    result.recover_s.append(back[0][0] - t_back)
    result.ok = not repeated
    result.note = f"quiet shown {got[0][0] - t:.1f} s after the last notification"
    run.finish(result)


def service_restart(result: Result) -> None:
    """The emulated world's Bluetooth service stops (as bluetoothd SIGKILLed: no client is told)
    for 3 s, then runs again; timed from the stop, as in the VM."""
    run = connected(result)
    world = run.source.backends.world  # type: ignore[union-attr]
    run.until(lambda: len(run.hr()) >= 3)
    t_kill = time.monotonic()
    run.on_loop(world.stop_service())
    run.until(lambda: [s for s in run.statuses(t_kill) if "Bluetooth service stopped" in s[1].message])
    time.sleep(3.0)
    t_back = time.monotonic()
    run.on_loop(world.start_service())
    got = run.until(lambda: run.hr(since=t_back))
    result.recover_s.append(got[0][0] - t_kill)
    result.ok = True
    result.note = f"back {got[0][0] - t_back:.1f} s after the service restarted"
    run.finish(result, count_from=float("inf"))


def hold(result: Result, minutes: float = 5.0, drops: int = 10) -> None:
    """Five minutes with ten peripheral-side drops spread over them; nothing sent may be lost."""
    run = connected(result)
    strap = run.straps[0]
    count_from = time.monotonic()
    drop_at: list[float] = []
    step = minutes * 60.0 / drops
    for i in range(drops):
        while time.monotonic() < count_from + (i + 0.5) * step:
            run.pump()
            time.sleep(0.05)
        run.until(lambda: len(run.hr(since=time.monotonic() - 10)) >= 3)
        t_drop = time.monotonic()
        drop_at.append(t_drop)
        run.on_loop(strap.drop())
        got = run.until(lambda t_drop=t_drop: run.hr(since=t_drop + 0.05))
        result.recover_s.append(got[0][0] - t_drop)
    while time.monotonic() < count_from + minutes * 60.0:
        run.pump()
        time.sleep(0.05)
    run.finish(result, count_from=count_from)
    result.ok = result.lost == 0
    # Which notifications never arrived, timed from the drop before them, to tell one sent in the
    # instant of a peripheral-side drop (lost with the link) from one the reader missed.
    arrived = sorted(t for t, _ in run.hr(since=count_from))
    missing = []
    for t in (t for t in strap.sent_t if t >= count_from):
        if not any(t - 0.01 <= a <= t + 0.5 for a in arrived):
            before = [d for d in drop_at if d <= t + 0.01]
            missing.append(f"{t - before[-1]:+.2f} s from drop {len(before)}" if before else f"{t - count_from:.1f} s in")
    result.note = f"{drops} drops over {minutes:.0f} min" + (f"; not arrived: {', '.join(missing)}" if missing else "")


def broadcast(result: Result, n: int = 1) -> None:
    run = Run(n, broadcast=True)
    run.start()
    first = run.until(lambda: run.hr())
    result.first_hr_s = first[0][0] - run.t0
    run.until(lambda: all(len(run.hr(source=a)) >= 3 for a in run.addresses))
    result.ok = True
    result.received = len(run.hr())
    result.note = f"{n}/{n} straps read, all of them within {time.monotonic() - run.t0:.1f} s"
    run.source.stop()


SCENARIOS = {
    "stream": stream,
    "drop": drop,
    "no-contact": no_contact,
    "silent": silent,
    "bluetoothd-restart": service_restart,
    "broadcast": broadcast,
    "broadcast-20": lambda r: broadcast(r, 20),
    "hold": hold,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", type=Path)
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all; 'hold' takes 5 minutes)")
    args = parser.parse_args()
    results = []
    for name in args.scenarios or list(SCENARIOS):
        fn = SCENARIOS[name]
        result = Result(name)
        started = time.monotonic()
        try:
            fn(result)
        except Exception as exc:  # noqa: BLE001 - reported in the table
            result.note = f"{type(exc).__name__}: {exc}"
        results.append({**result.as_dict(), "wall_s": round(time.monotonic() - started, 1)})
        print(json.dumps(results[-1]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    return 0 if all(r["ok"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
