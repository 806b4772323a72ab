"""SensorLink, scanning and broadcasts over a real Bluetooth stack (bumble), no hardware."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

pytest.importorskip("bumble")

from bleak import BleakClient, BleakScanner  # noqa: E402
from bleak.exc import BleakBluetoothNotAvailableError, BleakError  # noqa: E402

from liike_emulation import EmulatedWorld  # noqa: E402
from liike_emulation.bleak_backend import client_backend_for, scanner_backend_for  # noqa: E402
from liike_emulation.peripherals import CadenceSensor, HeartRateStrap, Movesense, PolarH10, Treadmill  # noqa: E402
from sensors.ble import heart_rate, polar_pmd  # noqa: E402
from sensors.ble.allowlist import AllowedSensor  # noqa: E402
from sensors.ble.discovery import DeviceKind, scan  # noqa: E402
from sensors.ble.link import SensorLink  # noqa: E402
from sensors.ble.link_errors import AdapterMissing, BluetoothOff, classify  # noqa: E402
from sensors.ble.service import BroadcastReader  # noqa: E402
from sensors.samples import DeviceState, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch  # noqa: E402

FAST = {"backoff": lambda attempt: 0.05, "watchdog_period_s": 0.05}


# Waits are generous (real seconds): a busy machine only makes these tests slower, never failing.


def run(main: Callable[[], Awaitable[Any]], timeout_s: float = 180.0) -> Any:
    return asyncio.run(asyncio.wait_for(main(), timeout_s))


async def until(predicate: Callable[[], bool], timeout_s: float = 60.0, what: str = "condition") -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + timeout_s
    while not predicate():
        if loop.time() > end:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(0.02)


class Recorder:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def __call__(self, item: Any) -> None:
        self.items.append(item)

    def of(self, kind: type) -> list[Any]:
        return [i for i in self.items if isinstance(i, kind)]

    def states(self) -> list[DeviceState]:
        return [s.state for s in self.of(DeviceStatus)]


async def start_link(world: EmulatedWorld, address: str, rec: Recorder, **kwargs: Any) -> tuple[SensorLink, asyncio.Task[None]]:
    options = {**FAST, **kwargs}
    link = SensorLink(address, rec, client_backend=client_backend_for(world), **options)
    return link, asyncio.create_task(link.run())


async def stop_link(link: SensorLink, task: asyncio.Task[None]) -> None:
    link.stop()
    await asyncio.wait_for(task, 60.0)


def test_scan_classifies_each_emulated_sensor_and_filters_by_service() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        devices = {
            "strap": await world.add(HeartRateStrap("HRM-Dual 1")),
            "h10": await world.add(PolarH10("Polar H10 0A0B0C0D", broadcast=True)),
            "move": await world.add(Movesense("Movesense 1234")),
            "tread": await world.add(Treadmill("Treadmill T-500")),
            "cad": await world.add(CadenceSensor("CAD 9")),
        }
        results = {r.address: r for r in await scan(0.4, backend=scanner_backend_for(world))}
        kinds = {name: results[p.address].kind for name, p in devices.items()}
        assert kinds == {
            "strap": DeviceKind.HEART_RATE,
            "h10": DeviceKind.POLAR_PMD,
            "move": DeviceKind.MOVESENSE,
            "tread": DeviceKind.TREADMILL,
            "cad": DeviceKind.CADENCE,
        }
        assert all(r.rssi_dbm == -50 for r in results.values())  # bumble's virtual radio reports -50 dBm
        assert results[devices["h10"].address].broadcast_bpm == 72  # read from its advertisement
        assert results[devices["strap"].address].broadcast_bpm is None
        # bleak's service filter: only heart-rate devices
        seen = await BleakScanner.discover(0.3, service_uuids=[heart_rate.SERVICE_UUID], backend=scanner_backend_for(world))
        assert {d.address for d in seen} == {devices["strap"].address, devices["h10"].address}
        await world.close()

    run(main)


def test_connect_exchanges_mtu_so_whole_pmd_frames_arrive_with_heart_rate() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        h10 = await world.add(PolarH10(frame_samples=36))
        rec = Recorder()
        link, task = await start_link(world, h10.address, rec, placement="chest")
        await until(lambda: len(rec.of(ImuBatch)) >= 5 and len(rec.of(HeartRateSample)) >= 1, what="PMD and HR data")
        assert link.stats.mtu == 247
        batches = rec.of(ImuBatch)
        assert all(b.n_values == 36 and b.rate_hz == 200 for b in batches)  # 226-byte frames, uncut
        first = batches[0].acc_g
        assert first[0, 1] == pytest.approx(1.0, abs=1e-3)  # the emulated signal's first sample: 1000 mG up
        assert rec.of(HeartRateSample)[0].bpm == 72 and rec.of(HeartRateSample)[0].rr_s
        assert DeviceState.STREAMING in rec.states()
        assert link.stats.malformed == 0
        await stop_link(link, task)
        assert rec.states()[-1] == DeviceState.DISCONNECTED
        await world.close()

    run(main)


def test_default_mtu_cuts_pmd_frames_which_are_counted_as_malformed_while_heart_rate_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def main() -> None:
        world = EmulatedWorld(exchange_mtu=False)
        h10 = await world.add(PolarH10(frame_samples=36))
        rec = Recorder()
        link, task = await start_link(world, h10.address, rec)
        await until(lambda: link.stats.malformed >= 3 and len(rec.of(HeartRateSample)) >= 2, what="cut frames and HR")
        assert link.stats.mtu == 23
        assert rec.of(ImuBatch) == [] or all(b.n_values < 36 for b in rec.of(ImuBatch))
        assert link.stats.connects == 1 and link.stats.drops == 0  # the link stayed up
        await stop_link(link, task)
        await world.close()

    with caplog.at_level(logging.WARNING):
        run(main)
    assert any("malformed" in r.getMessage() and "link stays up" in r.getMessage() for r in caplog.records)


def test_malformed_heart_rate_notifications_are_counted_and_the_link_stays_up() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        strap = await world.add(HeartRateStrap(period_s=0.1))
        rec = Recorder()
        link, task = await start_link(world, strap.address, rec)
        await until(lambda: len(rec.of(HeartRateSample)) >= 2, what="first heart rates")
        for bad in (b"", b"\x01\x50", b"\x10\x48\x01", b"\x08\x48\x01"):  # empty; uint16 cut; odd RR; cut energy
            await strap.send_raw(strap.hrm, bad)
        n = len(rec.of(HeartRateSample))
        await until(lambda: len(rec.of(HeartRateSample)) >= n + 3, what="heart rates after the bad packets")
        assert link.stats.malformed == 4
        assert link.stats.drops == 0
        await stop_link(link, task)
        await world.close()

    run(main)


def test_peripheral_drop_reconnects_and_resubscribes_without_duplicate_callbacks() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        strap = await world.add(HeartRateStrap(period_s=0.1))
        rec = Recorder()
        link, task = await start_link(world, strap.address, rec)
        await until(lambda: len(rec.of(HeartRateSample)) >= 3, what="heart rates")
        for round_ in range(2):
            await strap.drop()

            def reconnected(want: int = round_ + 2) -> bool:
                return link.stats.connects == want

            await until(reconnected, what="reconnect")
            await until(lambda: link.state == DeviceState.STREAMING, what="streaming again")
        sent_before = strap.notifications_sent
        got_before = len(rec.of(HeartRateSample))
        await until(lambda: strap.notifications_sent - sent_before >= 5, what="five more notifications")
        sent_5 = strap.notifications_sent - sent_before
        # None lost, ...
        await until(lambda: len(rec.of(HeartRateSample)) - got_before >= sent_5 - 1, what="every notification received")
        sent = strap.notifications_sent - sent_before
        got = len(rec.of(HeartRateSample)) - got_before
        assert got <= sent + 1  # ... and one callback per notification: none doubled by re-subscribing
        assert link.stats.drops == 2 and len(link.stats.reconnect_s) == 2
        states = rec.states()
        assert states.count(DeviceState.DISCONNECTED) >= 2
        assert strap.connections_seen == 3
        await stop_link(link, task)
        await world.close()

    run(main)


def test_silence_and_lost_contact_are_stale_never_live() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        strap = await world.add(HeartRateStrap(period_s=0.1))
        rec = Recorder()
        link, task = await start_link(world, strap.address, rec, stale_after_s=0.5)
        await until(lambda: link.state == DeviceState.STREAMING, what="streaming")
        strap.silence()
        await until(lambda: link.state == DeviceState.STALE, what="stale after silence")
        assert "quiet" in rec.of(DeviceStatus)[-1].message
        strap.silence(False)
        await until(lambda: link.state == DeviceState.STREAMING, what="streaming after silence")
        strap.contact = False
        await until(lambda: link.state == DeviceState.STALE, what="stale without contact")
        assert "skin contact" in rec.of(DeviceStatus)[-1].message
        no_contact = [s for s in rec.of(HeartRateSample) if s.contact is False]
        assert no_contact, "samples without contact are still recorded for the data"
        strap.contact = True
        await until(lambda: link.state == DeviceState.STREAMING, what="streaming with contact")
        await stop_link(link, task)
        await world.close()

    run(main)


def test_connection_slots_exhausted_is_a_typed_status_with_advice() -> None:
    async def main() -> None:
        world = EmulatedWorld(max_connections=2)
        straps = [await world.add(HeartRateStrap(f"Strap {i}")) for i in range(3)]
        rec = Recorder()
        links = []
        for s in straps[:2]:
            links.append(await start_link(world, s.address, rec))
        await until(lambda: all(link.stats.connects == 1 for link, _ in links), what="two connections")
        third_rec = Recorder()
        third = await start_link(world, straps[2].address, third_rec, backoff=lambda a: 0.2)
        await until(lambda: any("no more connections" in s.message for s in third_rec.of(DeviceStatus)), what="slots error")
        assert third[0].stats.connects == 0
        # Free a slot: the third strap gets connected by itself.
        await stop_link(*links[0])
        await until(lambda: third[0].stats.connects == 1, what="third strap connected after a slot freed")
        await stop_link(*third)
        await stop_link(*links[1])
        await world.close()

    run(main)


def test_absent_device_times_out_as_out_of_range_then_connects_when_it_appears() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        strap = HeartRateStrap("Late strap")
        address = world.new_address()
        strap.address = address
        rec = Recorder()
        link, task = await start_link(world, address, rec, connect_timeout_s=0.3, backoff=lambda a: 0.1)
        await until(lambda: any("did not answer" in s.message for s in rec.of(DeviceStatus)), what="out-of-range status")
        await world.add(strap)
        await until(lambda: link.stats.connects == 1, what="connection once the strap appears")
        await until(lambda: len(rec.of(HeartRateSample)) >= 1, what="heart rate")
        await stop_link(link, task)
        await world.close()

    run(main)


def test_missing_or_switched_off_adapter_gives_typed_errors() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        strap = await world.add(HeartRateStrap())
        adapter = await world.adapter()
        adapter.state = "missing"
        with pytest.raises(BleakBluetoothNotAvailableError) as info:
            await scan(0.1, backend=scanner_backend_for(world))
        assert isinstance(classify(info.value), AdapterMissing)
        adapter.state = "off"
        rec = Recorder()
        link, task = await start_link(world, strap.address, rec, backoff=lambda a: 0.1)
        await until(lambda: any("switched off" in s.message for s in rec.of(DeviceStatus)), what="Bluetooth off status")
        assert isinstance(
            classify(
                BleakBluetoothNotAvailableError("off", __import__("bleak").exc.BleakBluetoothNotAvailableReason.POWERED_OFF)
            ),
            BluetoothOff,
        )
        adapter.state = "on"
        await until(lambda: link.stats.connects == 1, what="connects once Bluetooth is on")
        await stop_link(link, task)
        await world.close()

    run(main)


def test_movesense_treadmill_and_cadence_streams() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        move = await world.add(Movesense())
        tread = await world.add(Treadmill(speed_kmh=9.0, period_s=0.2))
        cad = await world.add(CadenceSensor(rpm=90.0, period_s=0.25))
        rec = Recorder()
        started = [await start_link(world, p.address, rec, placement="waist") for p in (move, tread, cad)]
        await until(
            lambda: (
                len([i for i in rec.of(ImuBatch) if i.source == move.address]) >= 4
                and len([i for i in rec.of(FitnessSample) if i.source == cad.address and i.cadence_rpm]) >= 3
            ),
            what="IMU and cadence data",
        )
        imu = [i for i in rec.of(ImuBatch) if i.source == move.address]
        assert imu[0].rate_hz == 52 and imu[0].placement == "waist" and imu[0].n_values == 8
        speeds = [i.speed_mps for i in rec.of(FitnessSample) if i.source == tread.address]
        assert speeds and all(v == pytest.approx(2.5, abs=0.01) for v in speeds)  # 9 km/h
        rpms = [i.cadence_rpm for i in rec.of(FitnessSample) if i.source == cad.address and i.cadence_rpm]
        assert all(80 <= r <= 100 for r in rpms), rpms
        for link, task in started:
            assert link.stats.malformed == 0
            await stop_link(link, task)
        await world.close()

    run(main)


def test_broadcast_heart_rate_is_read_without_a_connection() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        h10 = await world.add(PolarH10("Polar H10 11223344", bpm=lambda t: 100 + t, broadcast=True, period_s=0.1))
        stranger = await world.add(PolarH10("Polar H10 99999999", broadcast=True, period_s=0.1))
        rec = Recorder()
        reader = BroadcastReader([AllowedSensor(h10.address, "Strap 7", mode="broadcast")], rec)
        with pytest.raises(BleakError, match="or_patterns"):  # as bleak's BlueZ backend refuses it
            BleakScanner(lambda d, a: None, scanning_mode="passive", backend=scanner_backend_for(world))
        scanner = BleakScanner(
            lambda d, a: reader.on_advertisement(d.address, dict(a.manufacturer_data)), backend=scanner_backend_for(world)
        )
        await scanner.start()
        await until(lambda: len(rec.of(HeartRateSample)) >= 4, what="broadcast heart rates")
        await scanner.stop()
        samples = rec.of(HeartRateSample)
        assert all(s.broadcast and s.source == h10.address for s in samples)  # the stranger is ignored
        bpms = [s.bpm for s in samples]
        assert all(b >= 100 for b in bpms) and bpms == sorted(bpms)  # the rising 100 + t, not the stranger's 72
        assert len({s.t_host_ns for s in samples}) == len(samples)  # each new frame once
        assert h10.connections_seen == 0 and stranger.connections_seen == 0
        assert rec.of(DeviceStatus)[-1].state == DeviceState.STREAMING and "Strap 7" in rec.of(DeviceStatus)[-1].message
        await world.close()

    run(main)


def test_plain_bleak_client_reads_battery_and_body_location() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        strap = await world.add(HeartRateStrap(battery_pct=64))
        async with BleakClient(strap.address, backend=client_backend_for(world)) as client:
            assert (await client.read_gatt_char("00002a19-0000-1000-8000-00805f9b34fb"))[0] == 64
            location = await client.read_gatt_char(heart_rate.BODY_SENSOR_LOCATION_UUID)
            assert heart_rate.parse_body_sensor_location(bytes(location)) == "chest"
            assert client.services.get_characteristic(polar_pmd.DATA_UUID) is None
        await world.close()

    run(main)


def test_a_refused_accelerometer_leaves_heart_rate_streaming(caplog: pytest.LogCaptureFixture) -> None:
    async def main() -> None:
        world = EmulatedWorld()
        h10 = await world.add(PolarH10(period_s=0.2))
        h10.refuse_start = True
        rec = Recorder()
        link, task = await start_link(world, h10.address, rec)
        await until(lambda: link.state == DeviceState.STREAMING, what="streaming heart rate only")
        await until(lambda: len(rec.of(HeartRateSample)) >= 2, what="heart rates")
        await asyncio.sleep(0.5)  # time enough for accelerometer frames, were it streaming
        assert rec.of(ImuBatch) == [] and len(rec.of(HeartRateSample)) >= 2
        assert link.state == DeviceState.STREAMING and link.stats.connects == 1
        await stop_link(link, task)
        await world.close()

    with caplog.at_level(logging.WARNING):
        run(main)
    assert any(
        "refused to start the accelerometer" in r.getMessage() and "heart rate only" in r.getMessage() for r in caplog.records
    )


def test_pmd_settings_are_asked_first_and_a_52_hz_only_sensor_streams_at_52_hz() -> None:
    async def main() -> None:
        world = EmulatedWorld()
        verity = await world.add(PolarH10("Polar Sense 1A2B3C4D", sample_rates=(52,), frame_samples=13, period_s=0.5))
        rec = Recorder()
        link, task = await start_link(world, verity.address, rec)
        await until(lambda: len(rec.of(ImuBatch)) >= 3, what="52 Hz accelerometer data")
        assert all(b.rate_hz == 52 for b in rec.of(ImuBatch))
        assert verity.acc_rate_hz == 52
        assert [r[0] for r in verity.requests[:2]] == [polar_pmd.OP_GET_SETTINGS, polar_pmd.OP_START]
        await stop_link(link, task)
        await world.close()

    run(main)


def test_choose_acc_settings() -> None:
    from sensors.ble.polar_pmd import PmdSettings
    from sensors.ble.profiles import choose_acc_settings

    assert choose_acc_settings(PmdSettings((25, 50, 100, 200), (16,), (2, 4, 8))) == (200, 16, 8)
    assert choose_acc_settings(PmdSettings((52,), (16,), (8,))) == (52, 16, 8)
    assert choose_acc_settings(PmdSettings((416, 832), (16,), (2, 16))) == (416, 16, 16)
    assert choose_acc_settings(PmdSettings()) == (None, None, None)
