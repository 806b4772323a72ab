"""Scenarios over the real Linux stack, run inside the VM as root (see tests/bluez/README.md).

This process owns the radio side: bumble heart-rate straps on one link, attached to the VM's
kernel through ``/dev/vhci`` (the kernel's hci0 is a bumble controller), and the life of
``bluetoothd``. The program under test is the unmodified command ``liike sensors monitor
ADDRESS --json`` in a process of its own: bleak over BlueZ and D-Bus, no custom backend.

Every wait is for an event (a line from the monitor, a subscription at the strap), bounded by a
generous limit, since the VM runs without KVM, about ten times slower than hardware. Each
scenario prints one ``BLUEZ-RESULT {json}`` line for the host's table.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bumble import hci
from bumble.transport import open_transport

from liike_emulation.peripherals import HeartRateStrap
from liike_emulation.radio import EmulatedWorld, LegacyController, RadioLink

REPO = Path(__file__).resolve().parents[2]
LIIKE = [str(REPO / ".venv" / "bin" / "liike"), "sensors", "monitor"]
BLUETOOTHD = "/usr/libexec/bluetooth/bluetoothd"
#: Limits for waits on events in the emulator (TCG): generous, never the expected duration.
LIMIT_S = 90.0
#: Advertising interval of the straps here: a slow VM drowns in 20 ms advertising from 20 straps.
ADV_INTERVAL_MS = 100.0


def say(actor: str, text: str) -> None:
    print(f"[{time.monotonic():9.2f} {actor}] {text}", flush=True)


class Strap(HeartRateStrap):
    """A heart-rate strap that counts what it sent while a central was subscribed."""

    def __init__(self, name: str, address: str, **kwargs: Any) -> None:
        super().__init__(name, address=address, **kwargs)
        self.subscribed = asyncio.Event()
        self.subscriptions = 0
        self.sent_t: list[float] = []
        self.hrm.on("subscription", self._on_subscription)

    def _on_subscription(self, _connection: Any, notify: bool, *_rest: Any) -> None:
        if notify:
            self.subscriptions += 1
            self.subscribed.set()
            say(self.name, f"subscribed (#{self.subscriptions})")
        else:
            self.subscribed.clear()

    def _on_connection(self, connection: Any) -> None:
        super()._on_connection(connection)
        say(self.name, "connected")

        def gone(reason: int) -> None:
            self.subscribed.clear()
            say(self.name, f"disconnected (reason 0x{reason:02x})")

        connection.on("disconnection", gone)

    async def _advertise(self) -> None:
        assert self.device is not None
        await self.device.start_advertising(
            auto_restart=True,
            advertising_data=self.advertising_data(),
            advertising_interval_min=ADV_INTERVAL_MS,
            advertising_interval_max=ADV_INTERVAL_MS,
        )

    async def tick(self, t_s: float) -> None:
        if not self.subscribed.is_set():
            return
        await super().tick(t_s)
        self.sent_t.append(time.monotonic())

    async def off(self) -> None:
        """Leave the scenario: no more advertising, no connection."""
        await self.leave()
        await self.detach()


class ConnectionAddressLink(RadioLink):
    """bumble's link sends LE data from the sender's *current* random address; a real controller
    keeps the address a connection was made with. The Linux kernel sets a new non-resolvable
    address for active scans, so without this the strap drops every ATT packet of a connection
    made before the change ("no connection for ..."), and GATT never resolves."""

    def send_acl_data(self, sender_controller: Any, destination_address: Any, transport: Any, data: bytes) -> None:
        for connection in sender_controller.le_connections.values():
            if connection.peer_address == destination_address and connection.self_address != sender_controller.random_address:
                target = self.find_le_controller(destination_address)
                if target is not None:
                    asyncio.get_running_loop().call_soon(target.on_link_acl_data, connection.self_address, transport, data)
                return
        super().send_acl_data(sender_controller, destination_address, transport, data)


class Radio:
    """The emulated world and the kernel-side controller on /dev/vhci (hci0)."""

    def __init__(self) -> None:
        self.world = EmulatedWorld()
        self.world.link = ConnectionAddressLink()
        self.transport: Any = None
        self.controller: LegacyController | None = None
        self._next = 1

    async def attach(self) -> None:
        self.transport = await open_transport("vhci")
        self.controller = LegacyController(
            "hci0",
            host_source=self.transport.source,
            host_sink=self.transport.sink,
            link=self.world.link,
            public_address="C0:11:22:00:00:01",
        )
        say("radio", "controller attached to /dev/vhci")

    async def detach(self) -> None:
        if self.controller is not None:
            # The radio is gone: each strap connected to it sees its link's supervision timeout
            # (HCI 0x08), as a real strap does when the computer's adapter is pulled out, and
            # advertises again.
            for connection in list(self.controller.le_connections.values()):
                strap = self.world.link.find_le_controller(connection.peer_address)
                theirs = strap.le_connections.get(connection.self_address) if strap is not None else None
                if strap is not None and theirs is not None:
                    strap.on_le_disconnected(theirs, hci.HCI_ErrorCode.CONNECTION_TIMEOUT_ERROR)
            self.world.link.remove_controller(self.controller)
            self.controller = None
        if self.transport is not None:
            await self.transport.close()
            self.transport = None
        say("radio", "/dev/vhci closed (adapter removed)")

    async def strap(self, **kwargs: Any) -> Strap:
        address = f"F0:F0:F0:F0:{self._next >> 8:02X}:{self._next & 0xFF:02X}"
        self._next += 1
        return await self.world.add(Strap(f"HRM {address[-5:]}", address, **kwargs))


class Bluez:
    """bluetoothd as a child process, its debug log kept in ``log_dir``."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self.proc: subprocess.Popen[bytes] | None = None
        self.starts = 0

    async def start(self, *, power: bool = True) -> None:
        self.starts += 1
        log = open(self.log_dir / f"bluetoothd-{self.starts}.log", "wb")  # noqa: SIM115 - the daemon writes it
        self.proc = subprocess.Popen([BLUETOOTHD, "-n", "-d"], stdout=log, stderr=subprocess.STDOUT)
        say("bluez", f"bluetoothd started (pid {self.proc.pid})")
        if power:
            await self.power_on()

    def kill(self) -> None:
        if self.proc is not None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            say("bluez", "bluetoothd killed")
            self.proc = None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    async def power_on(self, limit_s: float = LIMIT_S) -> None:
        """Until bluetoothctl says the adapter is powered (it exists only with a controller)."""
        deadline = time.monotonic() + limit_s
        while time.monotonic() < deadline:
            proc = await asyncio.create_subprocess_exec(
                "bluetoothctl", "power", "on", stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT
            )
            out, _ = await proc.communicate()
            if b"succeeded" in out:
                say("bluez", "adapter powered")
                return
            await asyncio.sleep(1.0)
        raise TimeoutError("the adapter did not power on")


def kernel_log(lines: int = 25) -> str:
    """The end of the VM kernel's log (why a controller on /dev/vhci was dropped, if it was)."""
    try:
        out = subprocess.run(["dmesg"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError) as exc:
        return f"(no dmesg: {exc})"
    return "\n".join(out.splitlines()[-lines:])


async def adapter_up(radio: Radio, bluez: Bluez, tries: int = 3) -> None:
    """Power the adapter on; when the kernel gave up on the controller (its HCI set-up answered
    too slowly on a busy emulator, and hci0 was removed again), attach a new one."""
    for attempt in range(1, tries + 1):
        try:
            await bluez.power_on(limit_s=LIMIT_S / 2)
            return
        except TimeoutError:
            say("harness", f"no powered adapter (try {attempt}); kernel log:\n{kernel_log()}")
            await radio.detach()
            await radio.attach()
    raise TimeoutError(f"the adapter did not power on after {tries} controllers")


@dataclass
class Line:
    """One JSON row of ``liike sensors monitor --json`` (rows name the sensor by ``address``;
    a heart rate read from advertisements has ``mode`` "broadcast")."""

    t: float  # time.monotonic() at arrival
    item: dict[str, Any]

    @property
    def address(self) -> str:
        return str(self.item.get("address") or self.item.get("source") or "")

    @property
    def broadcast(self) -> bool:
        return self.item.get("mode") == "broadcast" or self.item.get("broadcast") is True


@dataclass
class Monitor:
    """``liike sensors monitor`` in its own process; every JSON line kept with its arrival time."""

    addresses: list[str]
    log_dir: Path
    broadcast: bool = False
    lines: list[Line] = field(default_factory=list)
    proc: asyncio.subprocess.Process | None = None
    _changed: asyncio.Event = field(default_factory=asyncio.Event)
    _reader: asyncio.Task[None] | None = None

    async def start(self) -> None:
        args = [*LIIKE, *self.addresses, "--json"] + (["--broadcast"] if self.broadcast else [])
        err = open(self.log_dir / f"monitor-{int(time.monotonic() * 1000)}.err", "wb")  # noqa: SIM115
        env = {**os.environ, "PYTHONUNBUFFERED": "1", "LIIKE_SENSORS_FILE": str(self.log_dir / "none.yaml")}
        self.proc = await asyncio.create_subprocess_exec(*args, stdout=asyncio.subprocess.PIPE, stderr=err, cwd=REPO, env=env)
        self.t0 = time.monotonic()
        self._reader = asyncio.create_task(self._read())

    async def _read(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        while True:
            raw = await self.proc.stdout.readline()
            if not raw:
                break
            try:
                item = json.loads(raw)
            except ValueError:
                continue
            line = Line(time.monotonic(), item)
            self.lines.append(line)
            if item.get("type") == "status":
                say("liike", f"{line.address} [{item.get('state')}] {item.get('message')}")
            self._changed.set()
        self._changed.set()

    def hr(self, since: float = 0.0, source: str | None = None) -> list[Line]:
        return [x for x in self.lines if x.item.get("type") == "hr" and x.t >= since and (source is None or x.address == source)]

    def statuses(self, since: float = 0.0) -> list[Line]:
        return [x for x in self.lines if x.item.get("type") == "status" and x.t >= since]

    async def until(self, check: Callable[[], Any], limit_s: float = LIMIT_S, what: str = "") -> Any:
        """Wait for ``check()`` to return something true; TimeoutError naming ``what``."""
        deadline = time.monotonic() + limit_s
        while True:
            got = check()
            if got:
                return got
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {what} within {limit_s:.0f} s")
            self._changed.clear()
            try:
                await asyncio.wait_for(self._changed.wait(), min(left, 1.0))
            except TimeoutError:
                pass

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                await asyncio.wait_for(self.proc.wait(), 30)
            except TimeoutError:
                self.proc.kill()
                await self.proc.wait()
        if self._reader is not None:
            await self._reader


async def wait_event(event: asyncio.Event, limit_s: float, what: str) -> None:
    try:
        await asyncio.wait_for(event.wait(), limit_s)
    except TimeoutError:
        raise TimeoutError(f"no {what} within {limit_s:.0f} s") from None


@dataclass
class Result:
    scenario: str
    ok: bool = False
    first_hr_s: float | None = None  # monitor start to first heart rate
    recover_s: list[float] = field(default_factory=list)  # drop (or fault) to first new heart rate
    sent: int = 0
    received: int = 0
    note: str = ""

    @property
    def lost(self) -> int:
        return max(0, self.sent - self.received)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scenario": self.scenario,
            "ok": self.ok,
            "first_hr_s": None if self.first_hr_s is None else round(self.first_hr_s, 2),
            "recover_s": [round(x, 2) for x in self.recover_s],
            "sent": self.sent,
            "received": self.received,
            "lost": self.lost,
            "note": self.note,
        }


class Session:
    def __init__(self, radio: Radio, bluez: Bluez, log_dir: Path) -> None:
        self.radio, self.bluez, self.log_dir = radio, bluez, log_dir

    async def connected(self, result: Result, **strap_kwargs: Any) -> tuple[Strap, Monitor]:
        strap = await self.radio.strap(**strap_kwargs)
        mon = Monitor([strap.address or ""], self.log_dir)
        await mon.start()
        # The monitor's own start-up (Python imports under emulation) takes 50-130 s before it
        # even connects, more on a busy host: the first wait allows for it.
        first = await mon.until(lambda: mon.hr(), limit_s=LIMIT_S * 3, what="first heart rate")
        result.first_hr_s = first[0].t - mon.t0
        return strap, mon

    async def finish(self, result: Result, strap: Strap, mon: Monitor, *, count_from: float = 0.0) -> None:
        """Quiet the strap, let its last notifications arrive, then count and close."""
        strap.silence()
        await asyncio.sleep(3.0)
        result.sent = len([t for t in strap.sent_t if t >= count_from])
        result.received = len(mon.hr(since=count_from))
        await mon.stop()
        await strap.off()

    # --- the scenarios ---------------------------------------------------------------------------
    async def stream(self, result: Result) -> None:
        strap, mon = await self.connected(result)
        try:
            lines = await mon.until(lambda: len(mon.hr()) >= 15 and mon.hr(), what="15 heart rates")
            with_rr = [x for x in lines if x.item["rr_ms"]]
            result.ok = len(with_rr) >= 10
            result.note = f"{len(with_rr)} with RR, RR {lines[-1].item['rr_ms']} ms"
        finally:
            await self.finish(result, strap, mon)

    async def drop(self, result: Result, drops: int = 3) -> None:
        strap, mon = await self.connected(result)
        try:
            for _ in range(drops):
                await mon.until(lambda: len(mon.hr(since=time.monotonic() - 10)) >= 3, what="3 heart rates")
                t_drop = time.monotonic()
                subs = strap.subscriptions
                await strap.drop()

                def heard_after(after: float = t_drop + 0.2) -> list[Line]:
                    return mon.hr(since=after)

                got = await mon.until(heard_after, what="a heart rate after the drop")
                result.recover_s.append(got[0].t - t_drop)
                if strap.subscriptions <= subs:
                    raise AssertionError("heart rates after the drop without a new subscription")
            result.ok = True
            result.note = f"{drops} drops, {strap.subscriptions} subscriptions"
        finally:
            await self.finish(result, strap, mon)

    async def hold(self, result: Result, minutes: float = 5.0, drops: int = 10) -> None:
        """Hold the link for ``minutes`` with ``drops`` peripheral-side drops spread evenly over
        it: every heart rate the strap sent while subscribed must arrive."""
        strap, mon = await self.connected(result)
        count_from = time.monotonic()
        try:
            step = minutes * 60.0 / drops
            end = count_from + minutes * 60.0
            for i in range(drops):
                # The next drop at its slot, or as soon as the link streams again if it came back late.
                await asyncio.sleep(max(0.0, count_from + (i + 0.5) * step - time.monotonic()))
                await mon.until(lambda: len(mon.hr(since=time.monotonic() - 10)) >= 3, what="3 heart rates")
                t_drop = time.monotonic()
                await strap.drop()

                def heard_after(after: float = t_drop + 0.2) -> list[Line]:
                    return mon.hr(since=after)

                got = await mon.until(heard_after, what="a heart rate after the drop")
                result.recover_s.append(got[0].t - t_drop)
            await asyncio.sleep(max(0.0, end - time.monotonic()))
            held_min = (time.monotonic() - count_from) / 60
            result.note = f"{drops} drops over {held_min:.1f} min, {strap.subscriptions} subscriptions"
        finally:
            await self.finish(result, strap, mon, count_from=count_from)
        result.ok = len(result.recover_s) == drops and result.lost == 0

    async def no_contact(self, result: Result) -> None:
        strap, mon = await self.connected(result)
        try:
            t = time.monotonic()
            strap.contact = False
            got = await mon.until(
                lambda: [s for s in mon.statuses(t) if s.item["state"] == "stale" and "skin contact" in s.item["message"]],
                what="'no skin contact' status",
            )
            shown = got[0].t - t
            t = time.monotonic()
            strap.contact = True
            await mon.until(lambda: [s for s in mon.statuses(t) if s.item["state"] == "streaming"], what="streaming again")
            result.ok = True
            result.note = f"'no skin contact' shown {shown:.1f} s after contact was lost; streaming again after"
        finally:
            await self.finish(result, strap, mon)

    async def silent(self, result: Result) -> None:
        strap, mon = await self.connected(result)
        try:
            await mon.until(lambda: len(mon.hr()) >= 3, what="3 heart rates")
            t = time.monotonic()
            strap.silence()
            got = await mon.until(
                lambda: [s for s in mon.statuses(t) if s.item["state"] == "stale" and "quiet" in s.item["message"]],
                what="'quiet' status",
            )
            quiet_at = got[0].t
            await asyncio.sleep(5.0)
            repeated = mon.hr(since=t + 1.5)  # nothing may arrive for a silent strap
            t_back = time.monotonic()
            strap.silence(False)
            await mon.until(lambda: mon.hr(since=t_back), what="heart rate after the silence")
            await mon.until(lambda: [s for s in mon.statuses(t_back) if s.item["state"] == "streaming"], what="streaming")
            result.recover_s.append(mon.hr(since=t_back)[0].t - t_back)
            result.ok = not repeated
            result.note = f"quiet shown {quiet_at - t:.1f} s after the last notification; {len(repeated)} values during silence"
        finally:
            await self.finish(result, strap, mon)

    async def bluetoothd_restart(self, result: Result) -> None:
        strap, mon = await self.connected(result)
        try:
            await mon.until(lambda: len(mon.hr()) >= 3, what="3 heart rates")
            t_kill = time.monotonic()
            self.bluez.kill()
            await mon.until(
                lambda: [s for s in mon.statuses(t_kill) if s.item["state"] in ("disconnected", "error", "searching")],
                what="a status after bluetoothd died",
            )
            # The strap still holds the LE link in the kernel; the daemon's death drops it there too.
            await asyncio.sleep(3.0)
            t_back = time.monotonic()
            await self.bluez.start()
            got = await mon.until(lambda: mon.hr(since=t_back), what="heart rate after bluetoothd came back")
            result.recover_s.append(got[0].t - t_kill)
            said = [s.item["message"] for s in mon.statuses(t_kill)]
            result.ok = True
            result.note = f"back {got[0].t - t_back:.1f} s after bluetoothd restarted; statuses: " + " | ".join(said[:4])
        finally:
            await self.finish(result, strap, mon, count_from=float("inf"))

    async def adapter_removed(self, result: Result) -> None:
        strap, mon = await self.connected(result)
        try:
            await mon.until(lambda: len(mon.hr()) >= 3, what="3 heart rates")
            t_gone = time.monotonic()
            await self.radio.detach()
            missing = await mon.until(
                lambda: [s for s in mon.statuses(t_gone) if s.item["state"] in ("disconnected", "error", "searching")],
                what="a status after the adapter was removed",
            )
            await asyncio.sleep(5.0)
            said = [s.item["message"] for s in mon.statuses(t_gone)]
            t_back = time.monotonic()
            await self.radio.attach()
            await self.bluez.power_on()
            got = await mon.until(lambda: mon.hr(since=t_back), what="heart rate after the adapter came back")
            result.recover_s.append(got[0].t - t_back)
            result.ok = bool(missing)
            result.note = "recovery timed from re-attach; statuses: " + " | ".join(said[:4])
        finally:
            await self.finish(result, strap, mon, count_from=float("inf"))

    async def broadcast(self, result: Result, n: int = 1) -> None:
        straps = [await self.radio.strap(broadcast=True) for _ in range(n)]
        addresses = [s.address or "" for s in straps]
        mon = Monitor(addresses, self.log_dir, broadcast=True)
        await mon.start()
        try:
            # As for a connection, the first wait allows for the monitor's start-up (50-130 s here).
            got = await mon.until(lambda: mon.hr(), limit_s=LIMIT_S * 3, what="a broadcast heart rate")
            result.first_hr_s = got[0].t - mon.t0
            need = 3

            def all_read() -> bool:
                return all(len(mon.hr(source=a)) >= need for a in addresses)

            await mon.until(all_read, limit_s=LIMIT_S * 2, what=f"{need} broadcast heart rates from each of {n} straps")
            read = sum(1 for a in addresses if mon.hr(source=a))
            result.received = len(mon.hr())
            result.ok = read == n and all(x.broadcast for x in mon.hr())
            result.note = f"{read}/{n} straps read, all of them within {time.monotonic() - mon.t0:.1f} s"
        finally:
            await mon.stop()
            for s in straps:
                await s.off()


SCENARIOS: dict[str, Callable[[Session, Result], Any]] = {
    "stream": Session.stream,
    "drop": Session.drop,
    "no-contact": Session.no_contact,
    "silent": Session.silent,
    "bluetoothd-restart": Session.bluetoothd_restart,
    "adapter-removed": Session.adapter_removed,
    "broadcast": Session.broadcast,
    "broadcast-20": lambda s, r: s.broadcast(r, n=20),
    "hold": Session.hold,
}
#: Scenarios run when none are named: ``hold`` takes five minutes of its own, so it runs only
#: when asked for (``make test-bluez BLUEZ_ARGS=hold``).
DEFAULT = [name for name in SCENARIOS if name != "hold"]


async def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("scenarios", nargs="*", default=DEFAULT)
    parser.add_argument("--log-dir", type=Path, default=Path("/tmp/liike-bluez"))
    args = parser.parse_args()
    args.log_dir.mkdir(parents=True, exist_ok=True)
    radio = Radio()
    await radio.attach()
    bluez = Bluez(args.log_dir)
    await bluez.start(power=False)
    await adapter_up(radio, bluez)
    session = Session(radio, bluez, args.log_dir)
    failures = 0
    for name in args.scenarios:
        result = Result(name)
        started = time.monotonic()
        say("harness", f"--- scenario {name}")
        try:
            if not bluez.alive():
                await bluez.start()
            if radio.controller is None:
                await radio.attach()
                await adapter_up(radio, bluez)
            await asyncio.wait_for(SCENARIOS[name](session, result), LIMIT_S * (12 if name == "hold" else 5))
        except Exception as exc:  # noqa: BLE001 - one scenario's failure is its result, the rest still run
            result.ok = False
            result.note = f"{type(exc).__name__}: {exc}"
            traceback.print_exc()
        failures += not result.ok
        print("BLUEZ-RESULT " + json.dumps({**result.as_dict(), "wall_s": round(time.monotonic() - started, 1)}), flush=True)
    bluez.kill()
    await radio.detach()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
