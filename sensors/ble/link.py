"""One sensor's link: connect, subscribe, watch freshness, reconnect with backoff after a drop.

Runs as a coroutine on the BLE thread's asyncio loop (:mod:`sensors.ble.service`). Everything
it learns goes out through ``emit``: samples as they arrive and a :class:`DeviceStatus` on every
change of state, each with a message a player can act on. The link never raises to its caller:
errors become statuses, and the link keeps trying (with growing pauses) until stopped, except
where trying again cannot help by itself (no adapter, permission denied), where it waits for
the longest pause between tries.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bleak import BleakClient

from sensors.ble.backoff import reconnect_delay_s
from sensors.ble.device_info import read_device_information
from sensors.ble.errors import ParseError
from sensors.ble.freshness import Freshness
from sensors.ble.link_errors import (
    BluetoothOff,
    BluetoothServiceStopped,
    BluetoothUnavailable,
    LinkError,
    LinkLost,
    OutOfRange,
    classify,
)
from sensors.ble.profiles import Profile, profile_for
from sensors.clock import now_ns
from sensors.samples import BusItem, DeviceState, DeviceStatus, Sample

log = logging.getLogger(__name__)

#: Largest PMD/Movesense notification expected, bytes; with the default MTU (23: 20 bytes of
#: payload) such frames arrive cut short.
LARGE_NOTIFICATION_BYTES = 200
#: What a presence function returns when no scanner runs (connect attempts go ahead blind).
PRESENCE_UNKNOWN = object()


class _NotHeardLately(Exception):
    """The device was not heard lately when the adapter came free for this link's attempt."""


@dataclass
class LinkStats:
    """Counters for the monitor and the benchmarks."""

    connects: int = 0
    drops: int = 0
    notifications: int = 0
    malformed: int = 0
    last_error: str = ""
    mtu: int = 0
    reconnect_s: list[float] = field(default_factory=list)


class SensorLink:
    """Keeps one sensor connected and streaming while :meth:`run` runs.

    ``address``: the device address (allow-listed by the caller). ``device_kind``: label used in
    statuses (``heart_rate``, ``imu`` ...). ``client_backend``: bleak backend class (None: the
    platform's). ``connect_timeout_s``: how long one attempt waits for the device, GATT
    services included (bleak-retry-connector allows 20 s: BlueZ resolves services within the
    connect call, and an attempt cut short mid-resolution leaves BlueZ in a bad state).
    ``scan_pause``: a context manager factory; connection attempts run inside it, so a scanner
    of the same program stops scanning while a link connects (BlueZ connects badly while
    discovering).
    """

    def __init__(
        self,
        address: str,
        emit: Callable[[BusItem], None],
        *,
        name: str | None = None,
        device_kind: str = "ble",
        placement: str = "chest",
        client_backend: type | None = None,
        connect_timeout_s: float = 20.0,
        clock: Callable[[], int] = now_ns,
        backoff: Callable[[int], float] = reconnect_delay_s,
        watchdog_period_s: float = 0.25,
        stale_after_s: float | None = None,
        adapter: str | None = None,
        presence: Callable[[str], Any] | None = None,
        connect_lock: asyncio.Lock | None = None,
        scan_pause: Callable[[], contextlib.AbstractAsyncContextManager[Any]] | None = None,
        presence_poll_s: float = 0.1,
        unseen_advice_after_s: float = 5.0,
    ) -> None:
        self.address = address
        self.adapter = adapter
        #: ``presence(address)``: the BLEDevice when the device was seen advertising lately,
        #: ``None`` when it was not, :data:`PRESENCE_UNKNOWN` when nobody is scanning. With it, a
        #: link waits for its device instead of tying up the adapter with a doomed connect.
        self.presence = presence
        #: An adapter makes one connection attempt at a time (Core 5.4 Vol 4 Part E 7.8.12):
        #: links on one adapter share this lock, so attempts queue instead of failing.
        self.connect_lock = connect_lock
        self.scan_pause = scan_pause
        self.presence_poll_s = presence_poll_s
        self.unseen_advice_after_s = unseen_advice_after_s
        self.name = name or address
        self.emit = emit
        self.device_kind = device_kind
        self.placement = placement
        self.client_backend = client_backend
        self.connect_timeout_s = connect_timeout_s
        self.clock = clock
        self.backoff = backoff
        self.watchdog_period_s = watchdog_period_s
        self.stale_after_s = stale_after_s
        self.stats = LinkStats()
        self.state: DeviceState | None = None
        #: What the device says it is (Device Information service), sent with every status; None until read.
        self.model: str | None = None
        self.firmware: str | None = None
        self._message = ""
        self._stop = asyncio.Event()
        self._lost = asyncio.Event()
        #: Set to end a pause between tries early (the Bluetooth service is back).
        self._wake = asyncio.Event()
        #: The platform's Bluetooth service stopped; cleared when it is back.
        self._service_down = False
        #: The service came back since this link last connected (said in the next "connected").
        self._service_returned = False
        self._fresh: dict[str, Freshness] = {}
        self._profile: Profile | None = None
        self._dropped_at: float | None = None

    # --- status --------------------------------------------------------------------------------
    def _status(self, state: DeviceState, message: str) -> None:
        if state == self.state and message == self._message:
            return
        self.state, self._message = state, message
        self.emit(DeviceStatus(self.clock(), self.address, self.device_kind, state, message, self.model, self.firmware))

    # --- the Sink the profile talks to ------------------------------------------------------------
    def sample(self, stream: str, item: Sample, valid: bool = True) -> None:
        self.stats.notifications += 1
        fresh = self._fresh.get(stream)
        if fresh is not None:
            fresh.seen(self.clock(), valid=valid)
        self.emit(item)
        self._update_freshness()

    def malformed(self, stream: str, error: ParseError) -> None:
        self.stats.malformed += 1
        # Logged at debug per packet; the count is in the stats and the monitor's summary.
        log.debug("%s: malformed %s notification: %s", self.name, stream, error)
        if self.stats.malformed in (1, 10, 100, 1000):
            log.warning(
                "%s: %d malformed %s notification(s) so far (latest: %s); the link stays up",
                self.name,
                self.stats.malformed,
                stream,
                error,
            )

    def _update_freshness(self) -> None:
        if self.state not in (DeviceState.CONNECTED, DeviceState.STREAMING, DeviceState.STALE):
            return
        now = self.clock()
        for fresh in self._fresh.values():
            fresh.check(now)
        since_connect_s = (now - (self._connected_ns or now)) / 1e9
        # A stream that has not sent anything yet is "starting" until its timeout has passed.
        quiet = [
            s for s, f in self._fresh.items() if not f.fresh(now) and (f.last_ns is not None or since_connect_s > f.timeout_s)
        ]
        starting = [s for s, f in self._fresh.items() if f.last_ns is None and s not in quiet]
        if quiet:
            if any(self._fresh[s].invalid for s in quiet) and "hr" in quiet:
                why = "no skin contact: moisten the strap's electrodes and tighten it"
            else:
                why = f"no data for {max(self._fresh[s].timeout_s for s in quiet):.0f} s"
            self._status(DeviceState.STALE, f"{self.name}: {', '.join(quiet)} quiet ({why})")
        elif not starting:
            self._status(DeviceState.STREAMING, f"{self.name}: streaming")

    # --- life cycle ------------------------------------------------------------------------------
    def stop(self) -> None:
        self._stop.set()

    def _on_disconnect(self, _client: Any = None) -> None:
        self._lost.set()

    def service_gone(self) -> None:
        """The platform's Bluetooth service stopped: whatever connection this link holds is dead
        (the stack will not say so: its daemon is gone), so it ends now and says why."""
        self._service_down = True
        self._lost.set()

    def service_back(self) -> None:
        """The Bluetooth service runs again: try at once instead of finishing a pause."""
        self._service_down = False
        self._service_returned = True
        self._wake.set()

    async def _sleep(self, seconds: float) -> bool:
        """Sleep unless stopped (or woken by :meth:`service_back`, also during the attempt before
        this pause) first; True when stopped."""
        stop = asyncio.ensure_future(self._stop.wait())
        wake = asyncio.ensure_future(self._wake.wait())
        try:
            await asyncio.wait({stop, wake}, timeout=seconds, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
            wake.cancel()
        self._wake.clear()
        return self._stop.is_set()

    async def run(self) -> None:
        attempt = 0
        loop = asyncio.get_running_loop()
        while not self._stop.is_set():
            self._status(
                DeviceState.CONNECTING if attempt == 0 else DeviceState.SEARCHING,
                f"{self.name}: connecting" if attempt == 0 else f"{self.name}: reconnecting (try {attempt + 1})",
            )
            client: BleakClient | None = None
            error: LinkError | None = None
            try:
                client = await self._connect_when_seen()
                if client is None:
                    break  # stopped while waiting or connecting
                attempt = 0
                self._after = None
                if self._dropped_at is not None:
                    self.stats.reconnect_s.append(loop.time() - self._dropped_at)
                    self._dropped_at = None
                await self._watch(client)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - every failure becomes a typed status
                error = classify(exc, self.address)
            finally:
                self._profile_streams_off()
                if client is not None:
                    await self._close(client)
            if self._stop.is_set():
                break
            if self._dropped_at is None:
                self._dropped_at = loop.time()
            attempt += 1
            if error is None:
                error = LinkLost(f"{self.name} disconnected", address=self.address)
                self.stats.drops += 1
            # While the service is down, and for an attempt it failed before it was back, the cause
            # is the service that stopped (not a computer without Bluetooth).
            late = self._service_returned and isinstance(error, BluetoothUnavailable)
            if (self._service_down or late) and not isinstance(error, BluetoothServiceStopped):
                what = "disconnected" if isinstance(error, LinkLost) else "waiting"
                error = BluetoothServiceStopped(f"{self.name} {what}", address=self.address)
            self.stats.last_error = str(error)
            if not error.detail_on_screen:
                log.info("%s: %s", self.name, error.args[0])  # the platform's words, kept off the screen
            self._after = error
            state = DeviceState.ERROR if not error.retry else DeviceState.DISCONNECTED
            self._status(state, f"{self.name}: {error}")
            delay = self.backoff(attempt) if error.retry else self.backoff(99)
            if error.wait_s is not None:
                delay = min(delay, error.wait_s)
            if await self._sleep(delay):
                break
        self._status(DeviceState.DISCONNECTED, f"{self.name}: closed")

    async def _wait_until_seen(self) -> Any:
        """The device to connect to (a BLEDevice, or the address when nobody scans), or None
        when the link was stopped first."""
        if self.presence is None:
            return self.address
        waited = 0.0
        while not self._stop.is_set():
            seen = self.presence(self.address)
            if seen is PRESENCE_UNKNOWN:
                return self.address
            if seen is not None:
                return seen
            if waited >= self.unseen_advice_after_s:
                self._status(DeviceState.SEARCHING, f"{self.name}: not in range: {OutOfRange.advice}")
            if await self._sleep(self.presence_poll_s):
                return None
            waited += self.presence_poll_s
        return None

    async def _connect_when_seen(self) -> BleakClient | None:
        """Wait for the device, then connect; None when stopped first. A device no longer heard
        lately once the adapter is free for this link (other links' attempts went first) is
        waited for again instead of connected to: the strap may have been carried away."""
        while True:
            device = await self._wait_until_seen()
            if device is None:
                return None
            try:
                return await self._connect(device)
            except _NotHeardLately:
                continue

    async def _connect(self, device: Any) -> BleakClient | None:
        """Connect and start streaming; None when stopped meanwhile. The client is closed on
        every failure, so a refused or unknown device never keeps an adapter slot."""
        self._lost.clear()
        kwargs: dict[str, Any] = {"disconnected_callback": self._on_disconnect, "timeout": self.connect_timeout_s}
        if self.client_backend is not None:
            kwargs["backend"] = self.client_backend
        if self.adapter is not None:
            kwargs["bluez"] = {"adapter": self.adapter}
        client = BleakClient(device, **kwargs)
        try:
            if not await self._until_stopped(self._locked_connect(client)):
                return None
            self.stats.connects += 1
            self.stats.mtu = client.mtu_size
            self._profile = profile_for(client, self.address, self.placement, self.clock)
            self.model, self.firmware = await read_device_information(client)
            self._fresh = {s: Freshness(self.stale_after_s or self._profile.stale_after_s) for s in self._profile.streams}
            self._connected_ns = self.clock()
            back = ""
            if self._service_returned or isinstance(self._after, BluetoothUnavailable):
                back = " again: the Bluetooth service is back"
                self._service_returned = False
            elif isinstance(self._after, BluetoothOff):
                back = " again: Bluetooth is back on"
            self._status(DeviceState.CONNECTED, f"{self.name}: connected{back}, starting {', '.join(self._profile.streams)}")
            if not await self._until_stopped(self._profile.start(client, self)):
                await self._close(client)
                return None
        except BaseException:
            await self._close(client)
            raise
        # A profile may drop a stream it could not start (a PMD refusal leaves heart rate only).
        self._fresh = {
            s: self._fresh.get(s) or Freshness(self.stale_after_s or self._profile.stale_after_s) for s in self._profile.streams
        }
        if client.mtu_size - 3 < LARGE_NOTIFICATION_BYTES and len(self._profile.streams) > 1:
            log.warning("%s: ATT MTU is %d bytes; accelerometer frames may be cut short", self.name, client.mtu_size)
        return client

    async def _locked_connect(self, client: BleakClient) -> None:
        async with contextlib.AsyncExitStack() as stack:
            if self.connect_lock is not None:
                await stack.enter_async_context(self.connect_lock)
                if self.presence is not None and self.presence(self.address) is None:
                    raise _NotHeardLately
            if self.scan_pause is not None:
                await stack.enter_async_context(self.scan_pause())
            await client.connect()

    async def _until_stopped(self, work: Any) -> bool:
        """Run ``work``; False (and ``work`` cancelled) when the link is stopped first."""
        task = asyncio.ensure_future(work)
        stop = asyncio.ensure_future(self._stop.wait())
        try:
            await asyncio.wait({task, stop}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stop.cancel()
        if task.done():
            task.result()  # re-raises what the work raised
            return True
        task.cancel()
        try:
            await task
        except BaseException:  # noqa: BLE001 - cancelled on purpose; the link is closing
            pass
        return False

    async def _watch(self, client: BleakClient) -> None:
        while not self._stop.is_set():
            if self._lost.is_set() or not client.is_connected:
                return
            self._update_freshness()
            try:
                # Woken at once by a disconnect; otherwise the freshness check runs each period.
                await asyncio.wait_for(self._lost.wait(), self.watchdog_period_s)
            except TimeoutError:
                pass
        if self._profile is not None and client.is_connected:
            try:
                await asyncio.wait_for(self._profile.stop(client), 2.0)
            except Exception:  # noqa: BLE001 - a polite stop; the disconnect follows regardless
                pass

    def _profile_streams_off(self) -> None:
        for fresh in self._fresh.values():
            fresh.reset()
        self._connected_ns = None

    async def _close(self, client: BleakClient) -> None:
        try:
            await asyncio.wait_for(client.disconnect(), 3.0)
        except Exception:  # noqa: BLE001 - the device may be gone already
            pass

    _connected_ns: int | None = None
    #: The error that ended the previous connection or attempt (None once connected).
    _after: LinkError | None = None
