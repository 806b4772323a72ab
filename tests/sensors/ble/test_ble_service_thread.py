"""BleSource: one background thread with one asyncio loop feeding the SensorBus."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import pytest

pytest.importorskip("bumble")

from liike_emulation.radio import EmulatedWorld  # noqa: E402
from liike_emulation.room import DEMO_ADDRESSES, EmulatedBackends  # noqa: E402
from sensors.ble.allowlist import AllowedSensor  # noqa: E402
from sensors.ble.service import BleSource  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.samples import DeviceState, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch  # noqa: E402


def _drain_until(bus: SensorBus, done: Callable[[list[object]], bool], timeout_s: float = 60.0) -> list[object]:
    """Drain ``bus`` until ``done(items)`` holds; fail after ``timeout_s`` of real time (generous:
    a busy machine only makes these tests slower, never failing)."""
    items: list[object] = []
    deadline = time.monotonic() + timeout_s
    while not done(items):
        assert time.monotonic() < deadline, f"not within {timeout_s:.0f} s; got {len(items)} items"
        time.sleep(0.02)
        items += bus.drain()
    return items


def _drain_for(bus: SensorBus, seconds: float) -> list[object]:
    """Drain ``bus`` for ``seconds``: only to give something that must not happen a chance to."""
    items: list[object] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        items += bus.drain()
        time.sleep(0.02)
    return items


def _hr_from(items: list[object], *, broadcast: bool | None = None) -> set[str]:
    return {i.source for i in items if isinstance(i, HeartRateSample) and broadcast in (None, i.broadcast)}


def test_source_streams_every_kind_on_one_thread_and_stops_cleanly() -> None:
    before = {t.name for t in threading.enumerate()}
    # An earlier test's source may still be winding down (a daemon thread after its 5 s join).
    ble_before = [t.name for t in threading.enumerate()].count("liike-ble")
    bus = SensorBus()
    source = BleSource(
        [
            AllowedSensor(DEMO_ADDRESSES["strap"], "Strap 1"),
            AllowedSensor(DEMO_ADDRESSES["h10"], "Strap 2", mode="broadcast"),
            AllowedSensor(DEMO_ADDRESSES["movesense"], placement="waist"),
            AllowedSensor(DEMO_ADDRESSES["treadmill"]),
        ],
        backends=EmulatedBackends(),
    )
    source.start(bus)
    assert [t.name for t in threading.enumerate()].count("liike-ble") == ble_before + 1

    def every_kind(items: list[object]) -> bool:
        return (
            DEMO_ADDRESSES["strap"] in _hr_from(items, broadcast=False)
            and DEMO_ADDRESSES["h10"] in _hr_from(items, broadcast=True)
            and any(isinstance(i, ImuBatch) and i.placement == "waist" for i in items)
            and any(isinstance(i, FitnessSample) and i.speed_mps for i in items)
            and any(isinstance(i, DeviceStatus) and i.state == DeviceState.STREAMING and "Strap 1" in i.message for i in items)
        )

    items = _drain_until(bus, every_kind)
    hr = [i for i in items if isinstance(i, HeartRateSample)]
    assert {s.source for s in hr if not s.broadcast} == {DEMO_ADDRESSES["strap"]}
    assert {s.source for s in hr if s.broadcast} == {DEMO_ADDRESSES["h10"]}
    assert any(isinstance(i, ImuBatch) and i.placement == "waist" for i in items)
    assert any(isinstance(i, FitnessSample) and i.speed_mps for i in items)
    statuses = [i for i in items if isinstance(i, DeviceStatus)]
    assert any(s.state == DeviceState.STREAMING and "Strap 1" in s.message for s in statuses)
    # Samples carry the host clock at arrival, in order per source.
    times = [s.t_host_ns for s in hr if s.source == DEMO_ADDRESSES["strap"]]
    assert times == sorted(times)
    source.stop()
    source.stop()  # idempotent
    assert {t.name for t in threading.enumerate()} <= before | {"MainThread"}
    assert [t.name for t in threading.enumerate()].count("liike-ble") <= ble_before
    closing = [i for i in bus.drain() if isinstance(i, DeviceStatus)]
    assert any(s.state == DeviceState.DISCONNECTED for s in closing)


def test_an_absent_sensor_waits_in_the_scan_and_never_holds_up_the_present_one() -> None:
    bus = SensorBus()
    absent = "E0:11:22:00:00:77"
    source = BleSource(
        [AllowedSensor(absent, "Missing strap"), AllowedSensor(DEMO_ADDRESSES["strap"])],
        backends=EmulatedBackends(),
        link_options={"unseen_advice_after_s": 0.5},
    )
    source.start(bus)
    try:
        items = _drain_until(
            bus,
            lambda items: (
                DEMO_ADDRESSES["strap"] in _hr_from(items)
                and any(
                    isinstance(i, DeviceStatus)
                    and i.source == absent
                    and i.state == DeviceState.SEARCHING
                    and "not in range" in i.message
                    for i in items
                )
            ),
        )
    finally:
        source.stop()
    # The present strap streams while the absent one has not even been tried: it was not held up
    # behind an attempt to connect to the absent one (which would time out after 10 s).
    missing_link = next(link for link in source.links if link.address == absent)
    assert missing_link.stats.connects == 0 and missing_link.stats.last_error == ""
    missing = [i for i in items if isinstance(i, DeviceStatus) and i.source == absent]
    assert any(s.state == DeviceState.SEARCHING and "not in range" in s.message and "Missing strap" in s.message for s in missing)


def test_a_device_with_no_known_service_is_let_go_and_keeps_no_adapter_slot() -> None:
    from bumble.gatt import Characteristic, Service

    from liike_emulation.peripherals import EmulatedPeripheral
    from sensors.ble import battery

    class Lamp(EmulatedPeripheral):
        ADVERTISED = ("180F",)

        def services(self) -> list[Service]:
            return [
                Service(
                    battery.SERVICE_UUID,
                    [Characteristic(battery.LEVEL_UUID, Characteristic.Properties.READ, Characteristic.READABLE, bytes([50]))],
                )
            ]

    lamp = Lamp("Desk lamp", address="E0:11:22:00:03:01")

    async def setup(world: EmulatedWorld) -> None:
        await world.add(lamp)

    bus = SensorBus()
    source = BleSource([AllowedSensor(lamp.address, "Lamp")], backends=EmulatedBackends(setup))
    source.start(bus)
    try:
        items = _drain_until(
            bus,
            lambda items: not lamp.connected and any(isinstance(i, DeviceStatus) and i.state == DeviceState.ERROR for i in items),
        )
        items += _drain_for(bus, 1.0)  # time enough for a retry, were there one
        still_connected = lamp.connected
    finally:
        source.stop()
    errors = [i for i in items if isinstance(i, DeviceStatus) and i.state == DeviceState.ERROR]
    assert errors and "offers no service Liike reads" in errors[0].message
    assert lamp.connections_seen == 1 and not still_connected  # disconnected, slot freed, no retry storm


def test_sensors_spread_over_two_adapters_all_connect_where_one_adapter_would_run_out_of_slots() -> None:
    from liike_emulation.peripherals import HeartRateStrap

    addresses = [f"E0:11:22:00:02:{i:02X}" for i in range(1, 6)]

    async def five_straps(world: EmulatedWorld) -> None:
        for i, a in enumerate(addresses):
            await world.add(HeartRateStrap(f"Strap {i}", address=a, period_s=0.2))

    bus = SensorBus()
    sensors = [AllowedSensor(a, f"S{i}", adapter=f"hci{i % 2}") for i, a in enumerate(addresses[:4])]
    sensors.append(AllowedSensor(addresses[4], "S4", adapter="hci0"))  # a third link on hci0
    source = BleSource(
        sensors,
        backends=EmulatedBackends(five_straps, adapters=2, max_connections=2),
        link_options={"backoff": lambda attempt: 0.2},
    )
    hci0 = {addresses[0], addresses[2], addresses[4]}

    def settled(items: list[object]) -> bool:
        sources = _hr_from(items)
        return (
            {addresses[1], addresses[3]} <= sources
            and len(sources & hci0) == 2
            and any(
                isinstance(i, DeviceStatus) and i.source in hci0 - sources and "no more connections" in i.message for i in items
            )
        )

    source.start(bus)
    try:
        items = _drain_until(bus, settled)
    finally:
        source.stop()
    sources = _hr_from(items)
    assert {addresses[1], addresses[3]} <= sources  # both on hci1
    assert len(sources & hci0) == 2  # hci0 holds two connections
    (left_out,) = hci0 - sources
    assert any("no more connections" in i.message for i in items if isinstance(i, DeviceStatus) and i.source == left_out)


def test_a_late_reply_to_a_cancelled_hci_command_is_no_traceback_and_other_errors_still_are() -> None:
    # bumble's Host sets the result of a command whose waiting task was cancelled (Ctrl-C on
    # `sensors monitor --emulate` printed this traceback, one run in about forty).
    import asyncio

    from liike_emulation.radio import drop_replies_to_cancelled_commands

    class _Handle:
        def __init__(self, name: str) -> None:
            self.name = name

        def __repr__(self) -> str:
            return f"<Handle {self.name}(b'\\x04\\x0e\\x04\\x01\\n \\x00')>"

    loop = asyncio.new_event_loop()
    seen: list[dict[str, object]] = []
    loop.set_exception_handler(lambda _loop, context: seen.append(context))
    try:
        drop_replies_to_cancelled_commands(loop)
        drop_replies_to_cancelled_commands(loop)  # once per loop, not stacked
        late = {"message": "cb", "exception": asyncio.InvalidStateError(), "handle": _Handle("Host.on_packet")}
        loop.call_exception_handler(late)
        assert seen == []
        other = {"message": "cb", "exception": asyncio.InvalidStateError(), "handle": _Handle("Peripheral.tick")}
        loop.call_exception_handler(other)
        failed = {"message": "cb", "exception": ValueError("x"), "handle": _Handle("Host.on_packet")}
        loop.call_exception_handler(failed)
        assert seen == [other, failed]
    finally:
        loop.close()
