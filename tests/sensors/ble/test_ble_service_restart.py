"""The Bluetooth service dies and comes back (bluetoothd SIGKILLed, then restarted by systemd):
the stack never tells a client its connection died, so the source must learn it from the service
watch, say so, and reconnect by itself once the service runs again. Over the emulated stack, whose
:meth:`EmulatedWorld.stop_service` behaves as a dead BlueZ does (tests/bluez runs the real one)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pytest

pytest.importorskip("bumble")

from liike_emulation.room import DEMO_ADDRESSES, EmulatedBackends  # noqa: E402
from sensors.ble.allowlist import AllowedSensor  # noqa: E402
from sensors.ble.service import BleSource  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample  # noqa: E402


def _drain_until(bus: SensorBus, items: list[object], done: Callable[[], bool], what: str, timeout_s: float = 60.0) -> None:
    """Drain ``bus`` into ``items`` until ``done()``; generous real-time limit (never a speed check)."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, f"no {what} within {timeout_s:.0f} s; got {items[-5:]}"
        time.sleep(0.02)
        items += bus.drain()


def _in_loop(source: BleSource, make: Callable[[], object]) -> None:
    """Run a coroutine on the source's BLE loop and wait for it."""
    assert source._loop is not None
    asyncio.run_coroutine_threadsafe(make(), source._loop).result(10)  # type: ignore[arg-type]


def test_link_recovers_by_itself_after_the_bluetooth_service_dies_and_says_so() -> None:
    backends = EmulatedBackends()
    bus = SensorBus()
    strap, h10 = DEMO_ADDRESSES["strap"], DEMO_ADDRESSES["h10"]
    source = BleSource([AllowedSensor(strap, "Strap 1"), AllowedSensor(h10, "Strap 2", mode="broadcast")], backends=backends)
    source.start(bus)
    items: list[object] = []
    try:

        def hr_since(n: int) -> list[HeartRateSample]:
            return [i for i in items[n:] if isinstance(i, HeartRateSample) and i.source == strap]

        def broadcast_since(n: int) -> list[HeartRateSample]:
            return [i for i in items[n:] if isinstance(i, HeartRateSample) and i.source == h10 and i.broadcast]

        def statuses_since(n: int) -> list[DeviceStatus]:
            return [i for i in items[n:] if isinstance(i, DeviceStatus) and i.source == strap]

        _drain_until(bus, items, lambda: len(hr_since(0)) >= 3 and len(broadcast_since(0)) >= 1, "heart rates")
        world = backends.world
        assert world is not None
        _in_loop(source, world.stop_service)
        mark = len(items)
        _drain_until(
            bus,
            items,
            lambda: any("Bluetooth service stopped" in s.message for s in statuses_since(mark)),
            "status saying the Bluetooth service stopped",
        )
        gone = next(s for s in statuses_since(mark) if "Bluetooth service stopped" in s.message)
        assert gone.state == DeviceState.DISCONNECTED  # retried by itself: not an error to act on
        # While the service is down nothing arrives and nothing is repeated.
        gone_at = items.index(gone)
        time.sleep(1.0)
        items += bus.drain()
        back_at = len(items)
        assert not hr_since(gone_at), "a heart rate while the Bluetooth service was down"
        assert not broadcast_since(gone_at), "a broadcast read while the Bluetooth service was down"
        _in_loop(source, world.start_service)
        _drain_until(bus, items, lambda: len(hr_since(back_at)) >= 3, "heart rate after the service came back")
        said = [s.message for s in statuses_since(back_at)]
        assert any("connected again: the Bluetooth service is back" in m for m in said), said
        assert source.service_changes == 2
        link = source.links[0]
        assert link.stats.connects == 2 and link.stats.drops == 1
        # The scan of the dead daemon (which never delivers again) was left for a new one.
        _drain_until(bus, items, lambda: len(broadcast_since(back_at)) >= 1, "broadcast heart rate after the service came back")
        assert source.scanner_restarts >= 1
    finally:
        source.stop()


def test_the_bus_signal_for_bluetoothd_leaving_and_coming_back_is_read() -> None:
    dbus_fast = pytest.importorskip("dbus_fast")
    from sensors.ble.service_watch import bluez_owner_change

    def signal(name: str, old: str, new: str) -> object:
        return dbus_fast.Message.new_signal(
            "/org/freedesktop/DBus", "org.freedesktop.DBus", "NameOwnerChanged", "sss", [name, old, new]
        )

    assert bluez_owner_change(signal("org.bluez", ":1.7", "")) is False
    assert bluez_owner_change(signal("org.bluez", "", ":1.9")) is True
    assert bluez_owner_change(signal("org.freedesktop.NetworkManager", ":1.3", "")) is None


def test_an_attempt_failing_after_the_service_is_back_is_no_call_to_install_bluetooth() -> None:
    """bluetoothd back while an attempt still waits on D-Bus (its activation of the dead daemon
    fails seconds later, as seen in tests/bluez): that failure is the restart, retried, never
    'Bluetooth is not available on this computer'; the link tries again at once."""
    from bleak.exc import BleakDBusError

    from liike_emulation.bleak_backend import client_backend_for
    from liike_emulation.peripherals import HeartRateStrap
    from liike_emulation.radio import EmulatedWorld
    from sensors.ble.link import SensorLink
    from sensors.ble.link_errors import BluetoothServiceStopped

    async def main() -> None:
        world = EmulatedWorld()
        strap = await world.add(HeartRateStrap(period_s=0.1))
        items: list[object] = []
        base = client_backend_for(world)

        class SlowToFail(base):  # type: ignore[valid-type, misc]
            async def connect(self, pair: bool, **kwargs: object) -> None:
                if not world.service_running:
                    while not world.service_running:
                        await asyncio.sleep(0.02)
                    raise BleakDBusError(
                        "org.freedesktop.DBus.Error.Spawn.ChildExited", ["Launch helper exited with unknown return code 1"]
                    )
                await super().connect(pair, **kwargs)

        link = SensorLink(strap.address or "", items.append, client_backend=SlowToFail, backoff=lambda _attempt: 30.0)
        task = asyncio.create_task(link.run())

        async def until(check: Callable[[], bool], what: str) -> None:
            for _ in range(3000):
                if check():
                    return
                await asyncio.sleep(0.02)
            raise AssertionError(f"no {what}")

        def hr() -> int:
            return sum(isinstance(i, HeartRateSample) for i in items)

        await until(lambda: hr() >= 2, "heart rate")
        mark = len(items)
        await world.stop_service()
        link.service_gone()
        await until(lambda: link.stats.drops == 1, "drop")
        # The next attempt is under way, waiting on the dead daemon.
        await until(lambda: any(isinstance(i, DeviceStatus) and "reconnecting" in i.message for i in items[mark:]), "next try")
        await asyncio.sleep(0.2)
        await world.start_service()
        link.service_back()
        before = hr()
        # Backoff is 30 s here: heart rates within the limit mean the pause was skipped.
        await until(lambda: hr() > before, "heart rate after the service came back")
        statuses = [i for i in items[mark:] if isinstance(i, DeviceStatus)]
        assert not [s for s in statuses if s.state == DeviceState.ERROR], [s.message for s in statuses]
        # The drop, then the attempt that failed late: both said as the service stopping.
        assert len([s for s in statuses if BluetoothServiceStopped.advice in s.message]) >= 2, [s.message for s in statuses]
        assert any("connected again: the Bluetooth service is back" in s.message for s in statuses)
        link.stop()
        await asyncio.wait_for(task, 30)
        await world.close()

    asyncio.run(asyncio.wait_for(main(), 120))
