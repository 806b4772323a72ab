"""A link connects only to a strap heard advertising lately, judged by its last advertisement.

A strap does not advertise while connected, so after a drop its last sighting is as old as the
connection; one carried away must not be connected to on that sighting. In the VM of
tests/bluez every link of a strap that had just left tried once (presence then lasted 10 s), and
bluetoothd 5.66 crashed removing the failed device (bluez/bluez#59, #145).
"""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from bleak.backends.scanner import AdvertisementData

from sensors.ble import service
from sensors.ble.allowlist import AllowedSensor
from sensors.ble.link import SensorLink, _NotHeardLately
from sensors.ble.service import NO_RSSI, PRESENT_S, BleSource, advertisement_heard

ADDRESS = "F0:F0:F0:F0:00:01"
S = 1_000_000_000
DEVICE = object()  # what bleak's scanner hands over (a BLEDevice)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The service's clock, in ns, set by the test."""
    t = [1000 * S]
    monkeypatch.setattr(service, "now_ns", lambda: t[0])
    return t


def _scanning_source(clock: list[int], started_s: float) -> BleSource:
    source = BleSource([AllowedSensor(ADDRESS, "Strap 1")])
    source._scan_state = "on"
    source._scan_started_ns = clock[0] + int(started_s * S)
    return source


def test_a_strap_counts_as_present_only_while_its_last_advertisement_is_recent(clock: list[int]) -> None:
    source = _scanning_source(clock, started_s=-10)
    heard = clock[0]
    source._seen[ADDRESS] = (heard, DEVICE)
    clock[0] = heard + int((PRESENT_S - 0.1) * S)
    assert source.present(ADDRESS) is DEVICE
    # The strap connected, then dropped 5 s after its last advertisement, out of range: gone.
    clock[0] = heard + 5 * S
    assert source.present(ADDRESS) is None


def test_a_stale_sighting_by_the_running_scan_starts_it_over_once(clock: list[int]) -> None:
    # BlueZ does not report a device again to the discovery that reported it unless its RSSI or
    # data moved: a strap still there may go unheard, and only a new session says so.
    source = _scanning_source(clock, started_s=-10)
    source._seen[ADDRESS] = (clock[0] - 5 * S, DEVICE)  # heard by this scan, 5 s ago
    source._asked[ADDRESS] = clock[0]  # the link has been waiting all along
    assert source.present(ADDRESS) is None and source._fresh_scan
    # The scan started over and the strap was not heard by it: it is gone, no further restarts.
    source._fresh_scan = False
    source._scan_started_ns = clock[0]
    clock[0] += 4 * S
    source._asked[ADDRESS] = clock[0]
    assert source.present(ADDRESS) is None and not source._fresh_scan


class _Client:
    def __init__(self) -> None:
        self.connects = 0

    async def connect(self) -> None:
        self.connects += 1


def _link(heard: dict[str, bool], lock: asyncio.Lock) -> SensorLink:
    return SensorLink(
        ADDRESS, lambda _item: None, presence=lambda _a: DEVICE if heard["now"] else None, connect_lock=lock, presence_poll_s=0.01
    )


def test_a_link_queued_behind_another_attempt_does_not_connect_to_a_strap_unheard_meanwhile() -> None:
    async def main() -> tuple[int, int]:
        lock = asyncio.Lock()
        heard = {"now": True}
        link = _link(heard, lock)
        client = _Client()
        async with lock:  # another link's attempt holds the adapter
            queued = asyncio.create_task(link._locked_connect(client))  # type: ignore[arg-type]
            await asyncio.sleep(0.01)
            heard["now"] = False  # the strap left while this link waited for the adapter
        with pytest.raises(_NotHeardLately):
            await queued
        before = client.connects
        heard["now"] = True
        await link._locked_connect(client)  # type: ignore[arg-type]
        return before, client.connects

    assert asyncio.run(asyncio.wait_for(main(), 10)) == (0, 1)


def test_a_link_whose_strap_went_unheard_waits_for_it_again_then_connects(monkeypatch: pytest.MonkeyPatch) -> None:
    async def main() -> tuple[Any, list[str]]:
        heard = {"now": True}
        link = _link(heard, asyncio.Lock())
        calls: list[str] = []

        async def connect(device: Any) -> Any:
            if not calls:
                calls.append("gone")
                heard["now"] = False  # unheard when the adapter came free

                async def back() -> None:
                    await asyncio.sleep(0.05)
                    heard["now"] = True

                asyncio.get_running_loop().create_task(back())
                raise _NotHeardLately
            calls.append("connected")
            return "client"

        monkeypatch.setattr(link, "_connect", connect)
        return await link._connect_when_seen(), calls

    client, calls = asyncio.run(asyncio.wait_for(main(), 10))
    assert client == "client" and calls == ["gone", "connected"]


def _adv(rssi: int) -> AdvertisementData:
    return AdvertisementData(
        local_name="HRM", manufacturer_data={}, service_data={}, service_uuids=[], tx_power=None, rssi=rssi, platform_data=()
    )


def test_a_property_change_without_a_signal_strength_is_no_sighting() -> None:
    # bleak on BlueZ calls the scan callback on every property change of a known device while it
    # scans, "Connected" going false after a drop included, with RSSI -127 when BlueZ holds none
    # (it drops the RSSI when a discovery session stops): that is no advertisement heard.
    assert not advertisement_heard(_adv(NO_RSSI))
    assert advertisement_heard(_adv(-50)) and advertisement_heard(_adv(-90))


class _ScannerReportingWhileStarting:
    """bleak's scanner as BlueZ drives it: the devices in range are reported while the start
    (StartDiscovery) is still being answered, here half a second into a one-second start."""

    starts = 0

    def __init__(self, clock: list[int], detection_callback: Any, **_kwargs: Any) -> None:
        self.clock, self.callback = clock, detection_callback

    async def start(self) -> None:
        type(self).starts += 1
        self.clock[0] += S // 2
        self.callback(type("Device", (), {"address": ADDRESS})(), _adv(-60))
        self.clock[0] += S // 2

    async def stop(self) -> None:
        pass


def test_a_strap_reported_while_the_scan_starts_counts_as_heard_by_that_scan(
    clock: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The strap is heard once, during the start, then goes unheard (BlueZ does not report it
    # again to this discovery): the scan must start over, not leave the link waiting.
    _ScannerReportingWhileStarting.starts = 0
    monkeypatch.setattr(service, "BleakScanner", lambda **kw: _ScannerReportingWhileStarting(clock, **kw))

    async def main() -> tuple[bool, int]:
        source = BleSource([AllowedSensor(ADDRESS, "Strap 1")])
        source._stop, source._scan_wake, source._scanner_stopped = asyncio.Event(), asyncio.Event(), asyncio.Event()
        source._asked[ADDRESS] = clock[0]  # a link waits for the strap
        task = asyncio.create_task(source._listen(None))
        while source._scan_state != "on":
            await asyncio.sleep(0.01)
        assert source._seen[ADDRESS][0] >= source._scan_started_ns
        clock[0] += int((PRESENT_S + 1) * S)
        source._asked[ADDRESS] = clock[0]
        assert source.present(ADDRESS) is None
        fresh = source._fresh_scan
        for _ in range(200):  # the scan starts over within its next nap
            if _ScannerReportingWhileStarting.starts >= 2:
                break
            await asyncio.sleep(0.01)
        source._stop.set()
        await asyncio.wait_for(task, 5)
        return fresh, _ScannerReportingWhileStarting.starts

    fresh, starts = asyncio.run(asyncio.wait_for(main(), 10))
    assert fresh and starts >= 2
