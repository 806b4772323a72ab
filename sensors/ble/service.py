"""All Bluetooth work on one background thread running one asyncio loop.

:class:`BleSource` implements the :class:`sensors.source.Source` contract: ``start(bus)``
returns at once; a thread runs the loop, with one :class:`~sensors.ble.link.SensorLink` per
allow-listed sensor in ``connect`` mode and one scanner reading heart rates that allow-listed
straps broadcast (``broadcast`` mode). Samples and statuses go to the SensorBus; the game loop
only drains the bus and never awaits.

``backends``: an async factory, run inside the BLE loop, returning the bleak backend classes
``(scanner, client)`` to use (None: the platform's). Tests and the ``--emulate`` demonstrations
pass one that builds an emulated world (:mod:`liike_emulation`). A factory with a
``service_watch`` attribute (a :class:`~sensors.ble.service_watch.ServiceWatch`) says when its
Bluetooth service stops and comes back; with the platform's backends, the platform's watch
(bluetoothd on the D-Bus system bus) is used.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from bleak import BleakScanner
from bleak.args.bluez import OrPattern
from bleak.assigned_numbers import AdvertisementDataType

from sensors.ble import polar_broadcast, xiaomi_broadcast
from sensors.ble.allowlist import AllowedSensor
from sensors.ble.discovery import polar_broadcast_of
from sensors.ble.freshness import Freshness
from sensors.ble.link import PRESENCE_UNKNOWN, SensorLink
from sensors.ble.link_errors import AdapterMissing, BluetoothOff, BluetoothUnavailable, LinkError, classify
from sensors.ble.service_watch import ServiceWatch, platform_watch
from sensors.bus import SensorBus
from sensors.clock import now_ns
from sensors.samples import BusItem, DeviceState, DeviceStatus, HeartRateSample

log = logging.getLogger(__name__)

Backends = tuple[type | None, type | None]
BackendFactory = Callable[[], Awaitable[Backends]]
#: A broadcast strap refreshes its advertisement about once a second (Polar frame counter).
BROADCAST_STALE_S = 5.0
#: A device counts as present for connecting while its last advertisement was heard within this
#: many seconds. Short on purpose: a strap does not advertise while connected, so after a drop
#: its last advertisement is as old as the connection was, and a strap that was carried away
#: must not be connected to on an old sighting (in the VM of tests/bluez, with 10 s, every link
#: of a strap that had just left tried once; bluetoothd 5.66 then removed the failed device and
#: crashed, as in bluez/bluez#59 and #145). A strap in range advertises several times a second,
#: and a link that starts waiting starts the scan over, which reports it again within a second.
PRESENT_S = 3.0
#: The RSSI of a scanner callback with no signal strength: no advertisement was heard. bleak's
#: BlueZ backend calls the detection callback on *every* change of a device's properties while it
#: scans ("Connected" false after a drop included) and reports -127 when BlueZ holds no RSSI for
#: the device, as after a discovery session stops (127: RSSI not available, Core 5.4 Vol 4 Part E
#: 7.7.65.2). In the VM of tests/bluez such a callback, right after a strap left, started a
#: connection to it.
NO_RSSI = -127
#: With broadcasts expected and none read for this long, the scanner is restarted (an adapter
#: that was power-cycled, or a Bluetooth service restarted, leaves a dead scan behind).
SCANNER_RESTART_S = 30.0
#: With a link waiting for its device and no allow-listed device heard for this long, the scanner
#: is restarted for the same reason.
PRESENCE_RESTART_S = 15.0
#: A link counts as waiting for its device while it asked :meth:`BleSource.present` this recently.
WAITING_S = 2.0
#: A scan runs at least this long before a link that starts waiting restarts it (see
#: :meth:`BleSource.present`), so a class dropped at once restarts it once, not once a strap.
FRESH_SCAN_MIN_S = 2.0
#: Longest wait for a running scan to stop before a connection attempt goes ahead anyway.
SCAN_STOP_LIMIT_S = 5.0


def advertisement_heard(adv: Any) -> bool:
    """Whether a scanner callback reports an advertisement heard now, not only a change of a
    known device's properties (see :data:`NO_RSSI`)."""
    return getattr(adv, "rssi", None) != NO_RSSI


def broadcast_or_patterns() -> list[OrPattern]:
    """BlueZ advertisement-monitor patterns for every broadcast format read here: manufacturer
    specific data (AD type 0xFF) that starts with the company identifier, little-endian (Core
    Supplement 11 Part A 1.4; Polar 0x006B, Huami/Xiaomi 0x0157). BlueZ scans passively only for
    a monitor with patterns (org.bluez.AdvertisementMonitor1, "Patterns")."""
    return [
        OrPattern(0, AdvertisementDataType.MANUFACTURER_SPECIFIC_DATA, company.to_bytes(2, "little"))
        for company in (polar_broadcast.COMPANY_ID, xiaomi_broadcast.COMPANY_ID)
    ]


class BroadcastReader:
    """Heart rates from advertisements of allow-listed straps (no connection, marked broadcast).

    A value is published only when the strap's frame counter moves (a new reading; repeated
    advertisements of the same frame are the same value). Staleness is checked by :meth:`check`.
    """

    def __init__(self, sensors: list[AllowedSensor], emit: Callable[[BusItem], None], clock: Callable[[], int] = now_ns) -> None:
        self.sensors = {s.address: s for s in sensors}
        self.emit = emit
        self.clock = clock
        self.fresh = {a: Freshness(BROADCAST_STALE_S) for a in self.sensors}
        self._counter: dict[str, int] = {}
        self._state: dict[str, DeviceState] = {}
        self.published = 0
        #: Mi Band heart rates (no frame counter: passed on by time); counts malformed ones.
        self.xiaomi = xiaomi_broadcast.TimedBroadcast()

    def on_advertisement(self, address: str, manufacturer_data: dict[int, bytes]) -> None:
        address = address.upper()
        if address not in self.sensors:
            return
        if xiaomi_broadcast.COMPANY_ID in manufacturer_data:
            self._on_xiaomi(address, manufacturer_data[xiaomi_broadcast.COMPANY_ID])
            return
        hr = polar_broadcast_of(manufacturer_data)
        if hr is None or self._counter.get(address) == hr.counter:
            return
        self._counter[address] = hr.counter
        t = self.clock()
        self.fresh[address].seen(t, valid=hr.usable)
        self.emit(HeartRateSample(t, address, hr.bpm, contact=hr.contact, broadcast=True))
        self.published += 1
        self._set(
            address,
            DeviceState.STREAMING if hr.usable else DeviceState.STALE,
            "broadcast heart rate" if hr.usable else "no skin contact: moisten the strap's electrodes",
        )

    def _on_xiaomi(self, address: str, payload: bytes) -> None:
        t = self.clock()
        band = self.xiaomi.read(address, payload, t)
        if band is None:
            return
        self.fresh[address].seen(t, valid=band.usable)
        if band.bpm is not None:  # a band has no contact bit: a heart rate means it is worn
            self.emit(HeartRateSample(t, address, band.bpm, contact=None, broadcast=True))
            self.published += 1
        self._set(
            address,
            DeviceState.STREAMING if band.usable else DeviceState.STALE,
            "broadcast heart rate" if band.usable else "no heart rate: is the band worn with heart rate on?",
        )

    def check(self) -> None:
        now = self.clock()
        for address, fresh in self.fresh.items():
            if fresh.check(now) or (fresh.last_ns is None and address not in self._state):
                self._set(
                    address,
                    DeviceState.STALE if fresh.last_ns is not None else DeviceState.SEARCHING,
                    "broadcast quiet: is the strap worn and within a few metres?"
                    if fresh.last_ns is not None
                    else "listening for its broadcast",
                )

    def scanning_again(self) -> None:
        """The scanner (re)started: errors shown before no longer hold."""
        for address, state in list(self._state.items()):
            if state == DeviceState.ERROR:
                self._set(address, DeviceState.SEARCHING, "listening for its broadcast")

    def all_quiet_s(self, now_ns: int) -> float:
        """Seconds since any allow-listed strap's broadcast was last read (inf: never)."""
        seen = [f.last_ns for f in self.fresh.values() if f.last_ns is not None]
        return (now_ns - max(seen)) / 1e9 if seen else float("inf")

    def scan_failed(self, message: str) -> None:
        """Scanning could not start: every strap shows why."""
        for address in self.sensors:
            self._set(address, DeviceState.ERROR, message)

    def _set(self, address: str, state: DeviceState, message: str) -> None:
        if self._state.get(address) == state:
            return
        self._state[address] = state
        self.emit(DeviceStatus(self.clock(), address, "heart_rate", state, f"{self.sensors[address].display}: {message}"))


class BleSource:
    """The Bluetooth input source (see the module docstring).

    One scanner reads broadcast heart rates and notes which allow-listed devices are
    advertising, so links connect only to devices in range (a strap left in a bag never ties up
    the adapter with connection attempts). It runs while there are broadcasts to read or a link
    waits for its device, and it is stopped while a link connects: on BlueZ a discovery left
    running during a connection makes the connection slow and its GATT services unresolved
    (bleak's and bleak-retry-connector's advice; measured in the VM of tests/bluez, where
    it ended with bluetoothd failing the link). Links on the same adapter queue their
    connection attempts, as the controller allows one at a time.
    """

    name = "ble"

    def __init__(
        self,
        sensors: list[AllowedSensor],
        *,
        backends: BackendFactory | None = None,
        connect_timeout_s: float = 20.0,
        link_options: dict[str, Any] | None = None,
    ) -> None:
        self.sensors = list(sensors)
        self.backends = backends
        self.connect_timeout_s = connect_timeout_s
        self.link_options = link_options or {}
        self.links: list[SensorLink] = []
        self.broadcast: BroadcastReader | None = None
        self.scanner_restarts = 0
        #: "passive" (listen only: reading broadcasts needs nothing more) until a platform
        #: refuses it (macOS has no passive scan; BlueZ without advertisement monitors), then
        #: "active". The scan is passive only while no link needs it: a link's presence check
        #: must hear devices that advertise their services, not only broadcast formats.
        self.scan_mode = "passive"
        self._seen: dict[str, tuple[int, Any]] = {}
        #: When the running scan started (ns); sightings before it were not heard by it.
        self._scan_started_ns = 0
        self._scan_state = "starting"  # "starting", "on", "idle" (not needed or paused) or "failed"
        #: Why the scan last failed to start (None once it runs).
        self._scan_error: LinkError | None = None
        #: A link started waiting for its device: a scan running since before must start over.
        self._fresh_scan = False
        #: Links connecting now; the scanner stays stopped while there are any.
        self._pauses = 0
        #: When each address's link last asked whether its device is in range (ns).
        self._asked: dict[str, int] = {}
        self._scan_wake: asyncio.Event | None = None
        #: Set when the scan must start over (the Bluetooth service stopped or came back).
        self._scan_restart = False
        #: False while the platform's Bluetooth service is known to be stopped.
        self.service_running = True
        self.service_changes = 0
        self._scanner_stopped: asyncio.Event | None = None
        self._thread: threading.Thread | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._ready = threading.Event()
        self._bus: SensorBus | None = None
        self.error: BaseException | None = None

    def start(self, bus: SensorBus) -> None:
        if self._thread is not None:
            return
        self._bus = bus
        self._thread = threading.Thread(target=self._thread_main, name="liike-ble", daemon=True)
        self._thread.start()
        self._ready.wait(5.0)

    def _emit(self, item: BusItem) -> None:
        assert self._bus is not None
        self._bus.push(item)

    def _thread_main(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # noqa: BLE001 - the thread must report, never die silently
            self.error = exc
            log.error("Bluetooth thread ended: %s", exc)
            self._emit(DeviceStatus(now_ns(), "ble", "ble", DeviceState.ERROR, f"Bluetooth stopped: {exc}"))
        finally:
            self._ready.set()

    def _service_changed(self, running: bool) -> None:
        """From the service watch: tell every link, and start the scan over (a scan of a dead
        daemon never delivers anything again)."""
        if running == self.service_running:
            return
        self.service_running = running
        self.service_changes += 1
        self._seen.clear()  # devices known to the old daemon must be discovered anew
        for link in self.links:
            if running:
                link.service_back()
            else:
                link.service_gone()
        self._scan_restart = True
        if self._scan_wake is not None:
            self._scan_wake.set()
        if self.broadcast is not None and not running:
            self.broadcast.scan_failed("the Bluetooth service stopped; listening again as soon as it runs")

    def present(self, address: str) -> Any:
        """For links: the device if it advertised lately, None if not, PRESENCE_UNKNOWN if no
        scanner runs (then links try to connect directly)."""
        if address not in self._asked or now_ns() - self._asked[address] > WAITING_S * 1e9:
            self._asked[address] = now_ns()
            # A link starts waiting: scan if the scanner is idle, and start a running scan over.
            # BlueZ tells a discovery session about a device it already knows only when its RSSI
            # moves by several dB (or its advertised data changes); a strap that dropped and
            # advertises again from the same place goes unreported to a scan that was already
            # running (90 s in the VM, behind a scan kept on for an absent strap). A new
            # discovery session reports every device in range again.
            self._fresh_scan = True
            if self._scan_wake is not None:
                self._scan_wake.set()
        self._asked[address] = now_ns()
        if self._scan_state == "failed":
            err = self._scan_error
            if isinstance(err, (BluetoothOff, AdapterMissing, BluetoothUnavailable)):
                # A connect cannot work either, and a link trying one anyway (by address, when
                # nobody scans) holds the adapter's one connection attempt for its whole timeout:
                # with absent straps in the list, the present one waited 90 s in the VM after
                # Bluetooth came back on, 60 s after bluetoothd did. Say the scanner's reason,
                # and wait for its next try.
                raise type(err)(str(err.args[0]), address=address)
            return PRESENCE_UNKNOWN
        seen = self._seen.get(address)
        if seen is None:
            return None
        if now_ns() - seen[0] > PRESENT_S * 1e9:
            if self._scan_state == "on" and seen[0] >= self._scan_started_ns:
                # Heard by the running scan, and not since: BlueZ does not report a device it
                # already reported to this discovery unless its RSSI or data moved, so a strap
                # still there may go unheard. Start the scan over (at most every
                # FRESH_SCAN_MIN_S): a new session reports it again if it is in range. A
                # sighting older than the scan is not renewed this way: that scan did not hear it.
                self._fresh_scan = True
                if self._scan_wake is not None:
                    self._scan_wake.set()
            return None
        return seen[1]

    @contextlib.asynccontextmanager
    async def scan_paused(self) -> AsyncIterator[None]:
        """No scanning inside this block (links connect inside it); waits until a running scan
        has stopped (at most :data:`SCAN_STOP_LIMIT_S`)."""
        self._pauses += 1
        if self._scan_wake is not None:
            self._scan_wake.set()
        try:
            if self._scanner_stopped is not None:
                try:
                    await asyncio.wait_for(self._scanner_stopped.wait(), SCAN_STOP_LIMIT_S)
                except TimeoutError:
                    log.warning("the Bluetooth scan did not stop within %.0f s; connecting anyway", SCAN_STOP_LIMIT_S)
            yield
        finally:
            self._pauses -= 1
            if self._scan_wake is not None:
                self._scan_wake.set()

    def _scan_needed(self) -> bool:
        if self._pauses:
            return False
        if self.broadcast is not None:
            return True
        now = now_ns()
        return any(now - t <= WAITING_S * 1e9 for t in self._asked.values())

    def _waiting_for_presence(self) -> bool:
        now = now_ns()
        return any(now - t <= WAITING_S * 1e9 for t in self._asked.values())

    async def _nap(self, seconds: float) -> None:
        """Sleep until ``seconds`` pass, the source stops, or something asks for a scan change."""
        assert self._scan_wake is not None and self._stop is not None
        self._scan_wake.clear()
        stop = asyncio.ensure_future(self._stop.wait())
        wake = asyncio.ensure_future(self._scan_wake.wait())
        try:
            await asyncio.wait({stop, wake}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            wake.cancel()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        self._scan_wake = asyncio.Event()
        self._scanner_stopped = asyncio.Event()
        self._scanner_stopped.set()
        self._ready.set()
        scanner_backend, client_backend = (await self.backends()) if self.backends is not None else (None, None)
        tasks: list[asyncio.Task[None]] = []
        locks: dict[str | None, asyncio.Lock] = {}
        for s in self.sensors:
            if s.mode != "connect":
                continue
            link = SensorLink(
                s.address,
                self._emit,
                name=s.display,
                device_kind="ble",
                placement=s.placement,
                client_backend=client_backend,
                connect_timeout_s=self.connect_timeout_s,
                adapter=s.adapter,
                presence=self.present,
                connect_lock=locks.setdefault(s.adapter, asyncio.Lock()),
                scan_pause=self.scan_paused,
                **self.link_options,
            )
            self.links.append(link)
            tasks.append(asyncio.create_task(link.run(), name=f"link {s.address}"))
        broadcast = [s for s in self.sensors if s.mode == "broadcast"]
        if broadcast:
            self.broadcast = BroadcastReader(broadcast, self._emit)
        if self.sensors:
            tasks.append(asyncio.create_task(self._listen(scanner_backend), name="scan"))
        else:
            self._scan_state = "failed"
        watch: ServiceWatch | None = (
            getattr(self.backends, "service_watch", None) if self.backends is not None else platform_watch()
        )
        watcher = asyncio.create_task(watch.run(self._service_changed), name="service watch") if watch is not None else None
        await self._stop.wait()
        if watcher is not None:
            watcher.cancel()
            with contextlib.suppress(BaseException):
                await watcher
        for link in self.links:
            link.stop()
        done, pending = await asyncio.wait(tasks, timeout=3.0) if tasks else (set(), set())
        for t in pending:
            t.cancel()
        if pending:
            await asyncio.wait(pending, timeout=1.0)
        close = getattr(self.backends, "close", None)
        if close is not None:
            await close()

    async def _listen(self, scanner_backend: type | None) -> None:
        """One scanner for presence and broadcasts, run while needed (:meth:`_scan_needed`) and
        stopped while links connect; restarted after errors, when expected broadcasts have all
        been silent for :data:`SCANNER_RESTART_S`, and when a link has waited
        :data:`PRESENCE_RESTART_S` without any allow-listed device heard."""
        reader = self.broadcast
        assert self._stop is not None and self._scanner_stopped is not None
        wanted = {s.address for s in self.sensors}
        heard = [0]  # when an allow-listed device was last heard (ns)

        def on_adv(device: Any, adv: Any) -> None:
            address = device.address.upper()
            if address not in wanted:
                return  # strangers are neither recorded nor published
            if advertisement_heard(adv):
                heard[0] = now_ns()
                self._seen[address] = (heard[0], device)
            if reader is not None:
                reader.on_advertisement(address, dict(adv.manufacturer_data))

        attempt = 0
        while not self._stop.is_set():
            if not self._scan_needed():
                if self._scan_state != "failed":
                    self._scan_state = "idle"
                await self._nap(1.0)
                continue
            # Passive (no scan requests: less radio traffic with a class of straps) when only
            # broadcasts are read; BlueZ needs patterns for it, other platforms may refuse it.
            kwargs: dict[str, Any] = {"detection_callback": on_adv}
            passive = self.scan_mode == "passive" and reader is not None and not self.links
            if passive:
                kwargs["scanning_mode"] = "passive"
                kwargs["bluez"] = {"or_patterns": broadcast_or_patterns()}
            if scanner_backend is not None:
                kwargs["backend"] = scanner_backend
            self._scanner_stopped.clear()
            # Taken before the start: BlueZ reports the devices in range while StartDiscovery is
            # still being answered, and a strap reported then was heard by this scan. Timed after
            # it, that sighting looked older than the scan, a later silence never started the
            # scan over, and the link waited out PRESENCE_RESTART_S and more (39-57 s back from
            # a bluetoothd restart in the VM of tests/bluez).
            starting = now_ns()
            try:
                scanner = BleakScanner(**kwargs)
                await scanner.start()
            except Exception as exc:  # noqa: BLE001 - reported as a status, then retried
                if passive and not isinstance(classify(exc), (BluetoothUnavailable, BluetoothOff, AdapterMissing)):
                    # Refused here (no passive mode, or BlueZ without advertisement monitors):
                    # active scanning works everywhere, so use it from now on.
                    log.info("passive Bluetooth scan refused (%s): scanning actively", exc)
                    self.scan_mode = "active"
                    self._scanner_stopped.set()
                    continue
                self._scanner_stopped.set()
                err = self._scan_error = classify(exc)
                log.info("Bluetooth scan could not start: %s", exc)
                self._scan_state = "failed"
                if reader is not None and self.service_running:
                    reader.scan_failed(str(err))
                if self._scan_restart:  # the service came back meanwhile: at once, from the start
                    self._scan_restart, attempt = False, 0
                    continue
                attempt += 1
                # Bluetooth switched back on or an adapter plugged in is used within seconds.
                longest = err.wait_s if isinstance(err, (BluetoothOff, AdapterMissing)) and err.wait_s else 10.0
                await self._nap(min(longest, 0.5 * 2**attempt))
                continue
            attempt = 0
            self._scan_error = None
            self._scan_state = "on"
            self._scan_restart = self._fresh_scan = False
            if reader is not None:
                reader.scanning_again()
            started = self._scan_started_ns = starting
            try:
                while not self._stop.is_set():
                    if not self._scan_needed():
                        break
                    if self._scan_restart:
                        log.info("the Bluetooth service changed: starting the scan over")
                        self.scanner_restarts += 1
                        break
                    if self._fresh_scan and (now_ns() - started) / 1e9 >= FRESH_SCAN_MIN_S:
                        log.info("a sensor is searched for again: starting the scan over")
                        self.scanner_restarts += 1
                        break
                    if reader is not None:
                        reader.check()
                        quiet = min(reader.all_quiet_s(now_ns()), (now_ns() - started) / 1e9)
                        if quiet > SCANNER_RESTART_S:
                            log.warning("no broadcast heart rate for %.0f s: restarting the Bluetooth scan", quiet)
                            self.scanner_restarts += 1
                            break
                    unheard_s = (now_ns() - max(heard[0], started)) / 1e9
                    if self._waiting_for_presence() and unheard_s > PRESENCE_RESTART_S:
                        log.warning("no allow-listed sensor heard for %.0f s: restarting the Bluetooth scan", unheard_s)
                        self.scanner_restarts += 1
                        break
                    await self._nap(0.25)
            finally:
                try:
                    await asyncio.wait_for(scanner.stop(), SCAN_STOP_LIMIT_S)
                except Exception:  # noqa: BLE001 - a dead adapter cannot stop scanning; start again
                    pass
                self._scanner_stopped.set()

    def stop(self) -> None:
        """Idempotent; returns within about 4 s, leaving no thread running."""
        thread = self._thread
        if thread is None:
            return
        if self._loop is not None and self._stop is not None and not self._loop.is_closed():
            try:
                self._loop.call_soon_threadsafe(self._stop.set)
            except RuntimeError:
                pass
        thread.join(5.0)
        self._thread = None
