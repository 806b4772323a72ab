"""A ready-made emulated room of sensors, for ``--emulate`` demonstrations and tests.

Addresses are fixed so that commands can name them::

    E0:11:22:00:00:01  HRM-Pro 12345            heart-rate strap (RR intervals, contact)
    E0:11:22:00:00:02  Polar H10 A1B2C3D4       heart rate + PMD accelerometer, HR broadcast
    E0:11:22:00:00:03  Movesense 220330000123   accelerometer over GSP
    E0:11:22:00:00:04  Treadmill T-500          FTMS treadmill
    E0:11:22:00:00:05  CADENCE 4711             cycling cadence
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Awaitable, Callable

from liike_emulation.bleak_backend import client_backend_for, scanner_backend_for
from liike_emulation.peripherals import CadenceSensor, HeartRateStrap, MiBand, Movesense, PolarH10, Treadmill
from liike_emulation.radio import EmulatedWorld
from sensors.ble.allowlist import CONNECTIONS_PER_ADAPTER, AllowedSensor

DEMO_ADDRESSES = {
    "strap": "E0:11:22:00:00:01",
    "h10": "E0:11:22:00:00:02",
    "movesense": "E0:11:22:00:00:03",
    "treadmill": "E0:11:22:00:00:04",
    "cadence": "E0:11:22:00:00:05",
}


def _warming_up(t_s: float) -> float:
    """A heart rate rising from 75 to about 150 bpm over two minutes, with breathing ripple."""
    return 75.0 + 75.0 * (1.0 - math.exp(-t_s / 40.0)) + 2.0 * math.sin(2 * math.pi * t_s / 4.0)


async def demo_room(world: EmulatedWorld) -> None:
    await world.add(HeartRateStrap("HRM-Pro 12345", bpm=_warming_up, address=DEMO_ADDRESSES["strap"]))
    await world.add(
        PolarH10("Polar H10 A1B2C3D4", bpm=lambda t: _warming_up(t) - 5, broadcast=True, address=DEMO_ADDRESSES["h10"])
    )
    await world.add(Movesense("Movesense 220330000123", address=DEMO_ADDRESSES["movesense"]))
    await world.add(Treadmill("Treadmill T-500", address=DEMO_ADDRESSES["treadmill"]))
    await world.add(CadenceSensor("CADENCE 4711", address=DEMO_ADDRESSES["cadence"]))


class EmulatedBackends:
    """A backend factory for :class:`sensors.ble.service.BleSource`: builds the world inside the
    BLE loop (``setup`` adds the peripherals; default :func:`demo_room`) and hands out bleak
    backends on it. ``world`` is available once the factory has run."""

    def __init__(
        self, setup: Callable[[EmulatedWorld], Awaitable[None]] | None = None, *, adapters: int = 1, **world_options: object
    ) -> None:
        self.setup = setup or demo_room
        self.adapters = adapters
        self.world_options = world_options
        self.world: EmulatedWorld | None = None

    async def __call__(self) -> tuple[type, type]:
        self.world = EmulatedWorld(**self.world_options)  # type: ignore[arg-type]
        for _ in range(self.adapters):
            await self.world.add_adapter()
        await self.setup(self.world)
        return scanner_backend_for(self.world), client_backend_for(self.world)

    @property
    def service_watch(self) -> EmulatedServiceWatch | None:
        """Tells :class:`sensors.ble.service.BleSource` when the world's Bluetooth service stops
        and starts (:meth:`EmulatedWorld.stop_service`), as the D-Bus watch does on Linux."""
        return EmulatedServiceWatch(self.world) if self.world is not None else None

    async def close(self) -> None:
        if self.world is not None:
            await self.world.close()


class EmulatedServiceWatch:
    """A service watch (``async run(on_change)``) over an emulated world's Bluetooth service."""

    def __init__(self, world: EmulatedWorld) -> None:
        self.world = world

    async def run(self, on_change: Callable[[bool], None]) -> None:
        remove = self.world.on_service_change(on_change)
        try:
            await asyncio.Event().wait()  # until cancelled
        finally:
            remove()


def class_addresses(n: int) -> list[str]:
    """Fixed addresses of the straps of :func:`class_room`."""
    return [f"E0:11:22:00:01:{i + 1:02X}" for i in range(n)]


def class_room(n: int = 24) -> Callable[[EmulatedWorld], Awaitable[None]]:
    """``n`` Polar straps broadcasting their heart rates, each warming up at its own pace; the
    last one is not worn (no skin contact), so the board's warnings can be seen."""

    async def setup(world: EmulatedWorld) -> None:
        for i, address in enumerate(class_addresses(n)):
            rest = 70.0 + (i * 7) % 15
            peak = 135.0 + (i * 11) % 60
            tau = 20.0 + (i * 5) % 40

            def bpm(t: float, rest: float = rest, peak: float = peak, tau: float = tau) -> float:
                return rest + (peak - rest) * (1.0 - math.exp(-t / tau))

            await world.add(
                PolarH10(f"Polar H10 {0xA0000000 + i:08X}", bpm=bpm, broadcast=True, contact=i != n - 1, address=address)
            )

    return setup


#: Straps of the classroom part of :func:`emulated_room`: a PE class of 30.
CLASS_SIZE = 30


async def emulated_room(world: EmulatedWorld) -> None:
    """The room every hidden ``--emulate`` flag shows, so that ``liike sensors scan``,
    ``monitor``, ``allow --from-scan``, ``play`` and ``class`` all see the same devices: the
    sensors of :func:`demo_room` and a class of :data:`CLASS_SIZE` broadcasting straps
    (:func:`class_room`, the last one not worn)."""
    await demo_room(world)
    await class_room(CLASS_SIZE)(world)


def mixed_class_sensors(n: int = 40) -> list[AllowedSensor]:
    """The allow-list of :func:`mixed_class_room`: a quarter of the straps connected (spread over
    adapters ``hci0``, ``hci1`` ... of at most :data:`~sensors.ble.allowlist.CONNECTIONS_PER_ADAPTER`
    links each, less one slot kept free), an eighth Mi Bands and the rest Polar straps, both read
    from broadcasts. Labels are "Strap 1" ... in address order."""
    per_adapter = CONNECTIONS_PER_ADAPTER - 1
    connected = n // 4
    out = []
    for i, address in enumerate(mixed_class_addresses(n)):
        if i < connected:
            out.append(AllowedSensor(address, f"Strap {i + 1}", mode="connect", adapter=f"hci{i // per_adapter}"))
        else:
            out.append(AllowedSensor(address, f"Strap {i + 1}", mode="broadcast"))
    return out


def mixed_class_addresses(n: int) -> list[str]:
    return [f"E0:11:22:00:03:{i + 1:02X}" for i in range(n)]


def mixed_class_adapters(n: int) -> int:
    """Adapters :func:`mixed_class_sensors` spreads its connected straps over (at least one)."""
    return max(1, -(-(n // 4) // (CONNECTIONS_PER_ADAPTER - 1)))


def class_bpm(i: int) -> Callable[[float], float]:
    """Pupil ``i``'s heart rate (bpm) at ``t`` s: a warm-up from rest to a peak of their own."""
    rest = 70.0 + (i * 7) % 15
    peak = 135.0 + (i * 11) % 60
    tau = 20.0 + (i * 5) % 40

    def bpm(t: float) -> float:
        return rest + (peak - rest) * (1.0 - math.exp(-t / tau))

    return bpm


def mixed_class_room(n: int = 40) -> Callable[[EmulatedWorld], Awaitable[None]]:
    """A class of ``n`` (up to 40 and more) as :func:`mixed_class_sensors` lists it: connected
    standard straps, Mi Bands and Polar straps broadcasting, each warming up at its own pace."""
    sensors = mixed_class_sensors(n)
    bands = n // 8

    async def setup(world: EmulatedWorld) -> None:
        first_band = len([s for s in sensors if s.mode == "connect"])
        for i, s in enumerate(sensors):
            bpm = class_bpm(i)
            if s.mode == "connect":
                await world.add(HeartRateStrap(f"HRM {i + 1:02d}", bpm=bpm, address=s.address))
            elif i < first_band + bands:
                await world.add(MiBand(f"Mi Smart Band 5 {i + 1:02d}", bpm=bpm, address=s.address))
            else:
                await world.add(PolarH10(f"Polar H10 {0xB0000000 + i:08X}", bpm=bpm, broadcast=True, address=s.address))

    return setup
