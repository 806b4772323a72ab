"""Virtual controllers on one in-memory link: the radio environment of the emulated world.

Two behaviours of bumble's stock virtual controller differ from real adapters in ways that
matter to a sensor link, so :class:`AdapterController` changes them:

- it has no connection limit, while a typical USB or laptop adapter holds 5-7 LE connections;
  here a connection request beyond ``max_connections`` is refused with HCI status 0x09
  (Connection Limit Exceeded, Bluetooth Core 5.4 Vol 1 Part F 1.3), as a real controller does;
- it ignores LE Create Connection Cancel, so a connect that timed out would block every later
  one; here the pending attempt is dropped and reported as ended with status 0x02 (Unknown
  Connection Identifier), which is what Core 5.4 Vol 4 Part E 7.8.13 specifies.

The stock ``LocalLink`` also hands every advertisement to every controller, a cost that grows
with the square of the number of devices; :class:`RadioLink` hands advertisements only to the
controllers that listen (scanning or waiting to connect), which keeps a class of 30 straps cheap.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from bumble import hci, ll
from bumble.controller import Controller
from bumble.device import Device
from bumble.host import Host
from bumble.link import LocalLink
from bumble.transport.common import AsyncPipeSink


class Peripheral(Protocol):
    """What the world needs of a peripheral (:class:`liike_emulation.peripherals.EmulatedPeripheral`)."""

    device: Any

    async def attach(self, world: EmulatedWorld) -> None: ...

    async def detach(self) -> None: ...


P = TypeVar("P", bound=Peripheral)

log = logging.getLogger(__name__)

#: bumble's default advertising interval is 1 s; emulated peripherals advertise faster so
#: tests do not wait on the radio.
FAST_ADVERTISING_INTERVAL_MS = 20.0


class RadioLink(LocalLink):
    """A link layer that delivers advertisements only to controllers that listen for them."""

    def send_advertising_pdu(self, sender_controller: Controller, packet: ll.AdvertisingPdu) -> None:
        loop = asyncio.get_running_loop()
        connect_request = isinstance(packet, ll.ConnectInd)
        for c in self.controllers:
            if c is sender_controller:
                continue
            if connect_request or c.le_scan_enable or c.pending_le_connection is not None:
                loop.call_soon(c.on_ll_advertising_pdu, packet)


class LegacyController(Controller):
    """A virtual controller without LE extended advertising and LL privacy.

    Most adapters in use, and the sensors themselves, advertise with legacy PDUs; bleak's own
    bumble-based CI turns the same two features off.
    """

    le_features = Controller.le_features & ~(hci.LeFeatureMask.LE_EXTENDED_ADVERTISING | hci.LeFeatureMask.LL_PRIVACY)


class AdapterController(LegacyController):
    """A virtual controller with a real adapter's connection limit and a working connect cancel."""

    def __init__(self, *args: object, max_connections: int = 7, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.max_connections = max_connections

    def on_hci_le_create_connection_command(self, command: hci.HCI_LE_Create_Connection_Command) -> None:
        if len(self.le_connections) >= self.max_connections:
            self._send_hci_command_status(hci.HCI_ErrorCode.CONNECTION_LIMIT_EXCEEDED_ERROR, command.op_code)
            return None
        return super().on_hci_le_create_connection_command(command)

    def on_hci_le_create_connection_cancel_command(
        self, command: hci.HCI_LE_Create_Connection_Cancel_Command
    ) -> hci.HCI_StatusReturnParameters:
        pending = self.pending_le_connection
        self.pending_le_connection = None
        if pending is not None:
            loop = asyncio.get_running_loop()
            loop.call_soon(self._report_cancelled, pending.peer_address)
        return hci.HCI_StatusReturnParameters(hci.HCI_ErrorCode.SUCCESS)

    def _report_cancelled(self, peer_address: hci.Address) -> None:
        self.send_hci_packet(
            hci.HCI_LE_Connection_Complete_Event(
                status=hci.HCI_ErrorCode.UNKNOWN_CONNECTION_IDENTIFIER_ERROR,
                connection_handle=0,
                role=hci.Role.CENTRAL,
                peer_address_type=peer_address.address_type,
                peer_address=peer_address,
                connection_interval=0,
                peripheral_latency=0,
                supervision_timeout=0,
                central_clock_accuracy=0,
            )
        )


def _address(index: int, prefix: int) -> str:
    return ":".join(f"{b:02X}" for b in (prefix, 0x11, 0x22, (index >> 16) & 0xFF, (index >> 8) & 0xFF, index & 0xFF))


@dataclass
class Adapter:
    """One emulated central: what a USB dongle or a laptop's radio is to the real program."""

    name: str
    controller: AdapterController
    device: Device
    #: A controller makes one connection attempt at a time (Core 5.4 Vol 4 Part E 7.8.12).
    connect_lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    #: "on", "off" (radio powered down) or "missing" (no adapter in the machine).
    state: str = "on"
    scanners: int = 0


class EmulatedWorld:
    """Virtual adapters and peripherals on one :class:`RadioLink`.

    Create it inside the asyncio loop that will run it (bumble binds to the running loop), add
    peripherals with :meth:`add`, and pass the classes of :mod:`liike_emulation.bleak_backend`
    (``scanner_backend_for(world)`` / ``client_backend_for(world)``) to bleak's
    ``BleakScanner(backend=...)`` / ``BleakClient(backend=...)``.
    """

    def __init__(self, *, max_connections: int = 7, exchange_mtu: bool = True) -> None:
        self.link = RadioLink()
        self.max_connections = max_connections
        #: Real stacks (BlueZ, CoreBluetooth, WinRT) negotiate the ATT MTU on connection; turn
        #: this off to emulate one that stays at the 23-byte default.
        self.exchange_mtu = exchange_mtu
        self.adapters: list[Adapter] = []
        self.peripherals: list[Peripheral] = []
        self._next = 1
        #: The platform's Bluetooth service (BlueZ's bluetoothd) as clients see it: see
        #: :meth:`stop_service`. ``service_generation`` counts its starts; a scan started under
        #: an earlier one is a dead scan.
        self.service_running = True
        self.service_generation = 0
        #: Clients holding a connection, each with ``orphan()`` (see :meth:`stop_service`).
        self.clients: set[Any] = set()
        self._service_listeners: list[Callable[[bool], None]] = []

    def on_service_change(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        """``listener(running)`` on every :meth:`stop_service` / :meth:`start_service`, as the
        system bus tells who owns ``org.bluez``; returns the function that removes it."""
        self._service_listeners.append(listener)
        return lambda: self._service_listeners.remove(listener)

    async def stop_service(self) -> None:
        """The Bluetooth daemon dies (bluetoothd SIGKILLed): the kernel closes its LE links, so
        peripherals see a disconnect, but no client is told (the daemon that would say so is
        gone: a real client's cache still says "connected"), running scans deliver nothing ever
        again, and every new request fails as D-Bus fails it (ServiceUnknown)."""
        self.service_running = False
        for client in list(self.clients):
            client.orphan()
        self.clients.clear()
        for a in self.adapters:
            for connection in list(a.device.connections.values()):
                try:
                    await connection.disconnect()
                except Exception:  # noqa: BLE001 - the link may be gone already
                    pass
        for listener in list(self._service_listeners):
            listener(False)

    async def start_service(self) -> None:
        """The Bluetooth daemon runs again (systemd restarted it): new requests work."""
        self.service_running = True
        self.service_generation += 1
        for listener in list(self._service_listeners):
            listener(True)

    async def add_adapter(self, name: str | None = None) -> Adapter:
        drop_replies_to_cancelled_commands(asyncio.get_running_loop())
        index = len(self.adapters)
        address = _address(index + 1, 0xC0)
        controller = AdapterController(
            name or f"adapter{index}", link=self.link, public_address=address, max_connections=self.max_connections
        )
        controller.random_address = hci.Address(address)
        device = Device(
            name=name or f"hci{index}", address=hci.Address(address), host=Host(controller, AsyncPipeSink(controller))
        )
        await device.power_on()
        adapter = Adapter(name or f"hci{index}", controller, device)
        self.adapters.append(adapter)
        return adapter

    async def adapter(self, index: int = 0) -> Adapter:
        while len(self.adapters) <= index:
            await self.add_adapter()
        return self.adapters[index]

    def new_address(self) -> str:
        address = _address(self._next, 0xE0)
        self._next += 1
        return address

    async def add(self, peripheral: P) -> P:
        """Power the peripheral on in this world and start its advertising."""
        await peripheral.attach(self)
        self.peripherals.append(peripheral)
        return peripheral

    async def close(self) -> None:
        # Each step is bounded: an HCI exchange with a virtual controller that is already
        # winding down may never be answered, and closing must not wait for it.
        for p in self.peripherals:
            await p.detach()
            if p.device is not None:
                await _bounded(p.device.stop_advertising())
        for a in self.adapters:
            for connection in list(a.device.connections.values()):
                await _bounded(connection.disconnect())
        await asyncio.sleep(0.05)  # let the last HCI exchanges finish before the loop closes


def drop_replies_to_cancelled_commands(loop: asyncio.AbstractEventLoop) -> None:
    """Keep a controller's late reply to a cancelled HCI command out of the log.

    bumble's ``Host`` sets the result of the command it waits for when the controller's reply
    arrives (``Host.on_command_processed``). When the waiting task was cancelled first (a closing
    step cut short, a peripheral detached at Ctrl-C), that future is already done, and setting it
    raises ``InvalidStateError`` inside the loop's packet callback, which asyncio logs with a
    traceback on stderr. The reply is for nobody: it is dropped. Every other error goes to the
    handler that was there. Installed once per loop."""
    previous = loop.get_exception_handler()
    if getattr(previous, "liike_emulation", False):
        return

    def handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
        late_reply = isinstance(context.get("exception"), asyncio.InvalidStateError) and "Host.on_packet" in repr(
            context.get("handle")
        )
        if late_reply:
            log.debug("a reply to a cancelled HCI command was dropped: %r", context.get("handle"))
        elif previous is not None:
            previous(loop, context)
        else:
            loop.default_exception_handler(context)

    handler.liike_emulation = True  # type: ignore[attr-defined]
    loop.set_exception_handler(handler)


async def _bounded(step: Coroutine[Any, Any, Any], timeout_s: float = 2.0) -> None:
    """Run one closing step of a virtual radio for at most ``timeout_s`` seconds; its failure
    or time-out is nothing to report (the world is being thrown away). A step still running is
    cancelled and left: ``asyncio.wait_for`` would wait for it to end."""
    task = asyncio.ensure_future(step)
    await asyncio.wait({task}, timeout=timeout_s)
    if not task.done():
        task.cancel()
    elif not task.cancelled():
        task.exception()  # retrieved, so a failed step is not logged as never retrieved
