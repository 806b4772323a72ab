"""Passive scanning for broadcasts (no scan requests), with BlueZ's advertisement-monitor
patterns, and active scanning where a platform refuses it or a link needs the scan."""

from __future__ import annotations

import time
from typing import Any

import pytest
from bleak.assigned_numbers import AdvertisementDataType
from bleak.exc import BleakError

pytest.importorskip("bumble")

from liike_emulation.room import DEMO_ADDRESSES, EmulatedBackends  # noqa: E402
from sensors.ble import polar_broadcast  # noqa: E402
from sensors.ble.allowlist import AllowedSensor  # noqa: E402
from sensors.ble.service import BleSource, broadcast_or_patterns  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.samples import HeartRateSample  # noqa: E402


class _Modes(EmulatedBackends):
    """The demo room, with a scanner backend that notes each scan's mode (and, with
    ``refuse_passive``, refuses passive scans as macOS does)."""

    def __init__(self, *, refuse_passive: bool = False) -> None:
        super().__init__()
        self.refuse_passive = refuse_passive
        self.modes: list[str] = []
        self.patterns: list[Any] = []

    async def __call__(self) -> tuple[type, type]:
        scanner, client = await super().__call__()
        backends = self

        class Scanner(scanner):  # type: ignore[valid-type, misc]
            def __init__(self, detection_callback: Any, service_uuids: Any, scanning_mode: str = "active", **kwargs: Any) -> None:
                backends.modes.append(scanning_mode)
                backends.patterns.append((kwargs.get("bluez") or {}).get("or_patterns"))
                if scanning_mode == "passive" and backends.refuse_passive:
                    raise BleakError("passive scanning is not supported on this platform")
                super().__init__(detection_callback, service_uuids, scanning_mode, **kwargs)

        return Scanner, client


def _first_broadcast(bus: SensorBus, address: str, timeout_s: float = 60.0) -> HeartRateSample:
    deadline = time.monotonic() + timeout_s
    while True:
        for item in bus.drain():
            if isinstance(item, HeartRateSample) and item.source == address and item.broadcast:
                return item
        assert time.monotonic() < deadline, "no broadcast heart rate"
        time.sleep(0.02)


def test_patterns_match_the_start_of_polar_manufacturer_data() -> None:
    patterns = broadcast_or_patterns()
    polar = [p for p in patterns if p.content_of_pattern == polar_broadcast.COMPANY_ID.to_bytes(2, "little")]
    assert polar and polar[0].start_position == 0
    assert all(p.ad_data_type == AdvertisementDataType.MANUFACTURER_SPECIFIC_DATA for p in patterns)


def test_broadcasts_alone_are_read_with_a_passive_scan_and_its_patterns() -> None:
    backends = _Modes()
    bus = SensorBus()
    source = BleSource([AllowedSensor(DEMO_ADDRESSES["h10"], "Strap 2", mode="broadcast")], backends=backends)
    source.start(bus)
    try:
        _first_broadcast(bus, DEMO_ADDRESSES["h10"])
        assert backends.modes == ["passive"] and source.scan_mode == "passive"
        assert backends.patterns[0] == broadcast_or_patterns()
    finally:
        source.stop()


def test_a_platform_refusing_passive_scans_falls_back_to_active_and_still_reads() -> None:
    backends = _Modes(refuse_passive=True)
    bus = SensorBus()
    source = BleSource([AllowedSensor(DEMO_ADDRESSES["h10"], "Strap 2", mode="broadcast")], backends=backends)
    source.start(bus)
    try:
        _first_broadcast(bus, DEMO_ADDRESSES["h10"])
        assert backends.modes[:2] == ["passive", "active"] and source.scan_mode == "active"
    finally:
        source.stop()


def test_a_link_waiting_for_its_device_needs_an_active_scan() -> None:
    backends = _Modes()
    bus = SensorBus()
    sensors = [
        AllowedSensor(DEMO_ADDRESSES["strap"], "Strap 1"),
        AllowedSensor(DEMO_ADDRESSES["h10"], "Strap 2", mode="broadcast"),
    ]
    source = BleSource(sensors, backends=backends)
    source.start(bus)
    try:
        _first_broadcast(bus, DEMO_ADDRESSES["h10"])
        assert backends.modes and set(backends.modes) == {"active"}
    finally:
        source.stop()
