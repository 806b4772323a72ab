"""Whether the platform's Bluetooth service is running, told as it changes.

On Linux, bleak talks to BlueZ's daemon ``bluetoothd`` over the D-Bus system bus. When that
daemon dies (a crash, ``systemctl restart bluetooth``), nothing tells bleak: its cache of BlueZ
objects keeps every device "Connected", notifications simply stop, and the D-Bus objects it
holds no longer exist in the daemon that comes back (bleak 3.1 resets its state only when the
bus itself drops). The message bus tells whoever asks: ``org.freedesktop.DBus.NameOwnerChanged``
for the name ``org.bluez`` (D-Bus Specification 0.41, "Message Bus Messages"), with an empty new
owner when the daemon left the bus and a new unique name when it is back.

:class:`BluezDaemonWatch` listens for that signal and, when the daemon is gone, drops bleak's bus
connection so bleak resets its cache and reports every connection as lost (its own recovery
path for a dead bus; the next bleak call opens a new bus). :class:`sensors.ble.service.BleSource`
then tells its links and restarts its scanner once the daemon is back.

A watch is any object with ``async run(on_change)``: it calls ``on_change(False)`` when the
service is gone and ``on_change(True)`` when it is back, and returns only when cancelled (or at
once when it cannot watch anything here).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

BLUEZ_NAME = "org.bluez"
#: Pause before opening the system bus again after it dropped (dbus-daemon restarted), seconds.
BUS_RETRY_S = 2.0


class ServiceWatch(Protocol):
    async def run(self, on_change: Callable[[bool], None]) -> None: ...


class BluezDaemonWatch:
    """Watches ``org.bluez`` on the D-Bus system bus (see the module docstring)."""

    async def run(self, on_change: Callable[[bool], None]) -> None:
        try:
            from dbus_fast import BusType, Message
            from dbus_fast.aio import MessageBus
        except ImportError:  # not Linux: bleak has no BlueZ backend here
            return
        resets: set[asyncio.Future[None]] = set()  # held until done (the loop keeps only weak references)
        while True:
            bus: Any = None
            try:
                bus = await MessageBus(bus_type=BusType.SYSTEM).connect()
            except Exception as exc:  # noqa: BLE001 - no system bus: nothing to watch
                log.debug("no D-Bus system bus to watch bluetoothd on: %s", exc)
                return

            def on_message(message: Any) -> None:
                running = bluez_owner_change(message)
                if running is None:
                    return
                if running:
                    log.warning("the Bluetooth service (bluetoothd) is back on the system bus")
                    on_change(True)
                else:
                    log.warning("the Bluetooth service (bluetoothd) left the system bus")
                    # Links learn why first, then bleak's reset ends their connections.
                    on_change(False)
                    resets.add(task := asyncio.ensure_future(_reset_bleak_bluez_state()))
                    task.add_done_callback(resets.discard)

            bus.add_message_handler(on_message)
            rule = (
                "type='signal',sender='org.freedesktop.DBus',interface='org.freedesktop.DBus',"
                f"member='NameOwnerChanged',arg0='{BLUEZ_NAME}'"
            )
            try:
                await bus.call(
                    Message(
                        destination="org.freedesktop.DBus",
                        path="/org/freedesktop/DBus",
                        interface="org.freedesktop.DBus",
                        member="AddMatch",
                        signature="s",
                        body=[rule],
                    )
                )
                await bus.wait_for_disconnect()
            except asyncio.CancelledError:
                bus.disconnect()
                raise
            except Exception as exc:  # noqa: BLE001 - the bus dropped: open it again
                log.info("D-Bus watch of bluetoothd ended: %s", exc)
            finally:
                bus.disconnect()
            await asyncio.sleep(BUS_RETRY_S)


def bluez_owner_change(message: Any) -> bool | None:
    """For a D-Bus message: True when it says ``org.bluez`` has a new owner (bluetoothd is up),
    False when its owner left (bluetoothd is gone), None for anything else."""
    from dbus_fast import MessageType

    if message.message_type != MessageType.SIGNAL or message.member != "NameOwnerChanged":
        return None
    name, _old, new = message.body
    if name != BLUEZ_NAME:
        return None
    return bool(new)


async def _reset_bleak_bluez_state() -> None:
    """Make bleak forget the dead daemon's objects: close the bus connection of bleak's BlueZ
    manager for this loop. bleak then resets its cache, reports its connections as lost (their
    ``disconnected_callback`` runs), and opens a new bus on its next call. bleak keeps that bus
    private; without one (no manager yet, another bleak) there is nothing to reset."""
    try:
        from bleak.backends.bluezdbus.manager import get_global_bluez_manager
    except ImportError:
        return
    try:
        manager = await asyncio.wait_for(get_global_bluez_manager(), 2.0)
    except Exception:  # noqa: BLE001 - it could not open; then it holds no stale state either
        return
    bus = getattr(manager, "_bus", None)
    if bus is not None and getattr(bus, "connected", False):
        bus.disconnect()


def platform_watch() -> ServiceWatch | None:
    """The watch for this platform's Bluetooth service (None where there is nothing to watch)."""
    return BluezDaemonWatch() if sys.platform.startswith("linux") else None
