"""Scanning: what is in range, what kind of sensor each device is, and heart rates it broadcasts.

Classification uses the advertised service UUIDs first (a device says what it offers), then the
advertised name for vendor devices that advertise only the standard heart-rate service (a Polar
H10 also carries the PMD accelerometer). Fitness machines say in their FTMS service data which
kind of machine they are (Fitness Machine Service 1.0, 3.1: Flags uint8, Fitness Machine Type
uint16: bit0 treadmill, bit5 indoor bike).
"""

from __future__ import annotations

import asyncio
import enum
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bleak import BleakScanner

from sensors.ble import csc, ftms, heart_rate, movesense, polar_broadcast, polar_pmd, rsc, xiaomi_broadcast
from sensors.ble.errors import ParseError
from sensors.clock import now_ns


class DeviceKind(enum.StrEnum):
    HEART_RATE = "heart_rate"  # any standard heart-rate strap or watch
    POLAR_PMD = "polar_pmd"  # Polar H10 / Verity Sense / OH1: heart rate + accelerometer
    MOVESENSE = "movesense"
    TREADMILL = "treadmill"
    BIKE = "bike"
    FITNESS_MACHINE = "fitness_machine"  # FTMS without a machine type in its advertisement
    CADENCE = "cadence"  # cycling speed/cadence sensor
    FOOT_POD = "foot_pod"  # running speed/cadence sensor
    UNKNOWN = "unknown"

    @property
    def stream_kind(self) -> str:
        """The ``device_kind`` label its statuses carry."""
        return {DeviceKind.HEART_RATE: "heart_rate", DeviceKind.POLAR_PMD: "heart_rate", DeviceKind.MOVESENSE: "imu"}.get(
            self, "fitness"
        )


_PMD_NAMES = re.compile(r"^polar (h10|verity|oh1|sense)", re.IGNORECASE)
_FTMS_TREADMILL_BIT, _FTMS_BIKE_BIT = 0x0001, 0x0020


def _norm(uuid: str) -> str:
    u = uuid.lower()
    return f"0000{u}-0000-1000-8000-00805f9b34fb" if len(u) == 4 else u


def classify(
    name: str | None,
    service_uuids: list[str],
    manufacturer_data: dict[int, bytes] | None = None,
    service_data: dict[str, bytes] | None = None,
) -> DeviceKind:
    """The kind of sensor an advertisement describes."""
    uuids = {_norm(u) for u in service_uuids}
    label = (name or "").strip()
    if movesense.SERVICE_UUID in uuids or label.lower().startswith("movesense"):
        return DeviceKind.MOVESENSE
    if polar_pmd.SERVICE_UUID in uuids or _PMD_NAMES.match(label):
        return DeviceKind.POLAR_PMD
    if ftms.SERVICE_UUID in uuids:
        data = (service_data or {}).get(ftms.SERVICE_UUID)
        if data is not None and len(data) >= 3:
            machine = int.from_bytes(data[1:3], "little")
            if machine & _FTMS_TREADMILL_BIT:
                return DeviceKind.TREADMILL
            if machine & _FTMS_BIKE_BIT:
                return DeviceKind.BIKE
        low = label.lower()
        if "tread" in low or "run" in low:
            return DeviceKind.TREADMILL
        if "bike" in low or "cycl" in low:
            return DeviceKind.BIKE
        return DeviceKind.FITNESS_MACHINE
    if heart_rate.SERVICE_UUID in uuids:
        return DeviceKind.HEART_RATE
    if csc.SERVICE_UUID in uuids:
        return DeviceKind.CADENCE
    if rsc.SERVICE_UUID in uuids:
        return DeviceKind.FOOT_POD
    if manufacturer_data and polar_broadcast.COMPANY_ID in manufacturer_data and label.lower().startswith("polar"):
        return DeviceKind.HEART_RATE
    if manufacturer_data and xiaomi_broadcast_of(manufacturer_data) is not None:
        return DeviceKind.HEART_RATE  # a Mi Band broadcasting its heart rate
    return DeviceKind.UNKNOWN


@dataclass
class ScanResult:
    """One device seen while scanning. ``rssi_dbm``: latest signal strength (about -50 near,
    -90 at the edge of range). ``broadcast_bpm``: heart rate read from its advertisements."""

    address: str
    name: str | None
    kind: DeviceKind
    rssi_dbm: int
    service_uuids: list[str] = field(default_factory=list)
    broadcast_bpm: int | None = None
    broadcast_contact: bool | None = None
    seen: int = 1
    last_seen_ns: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "address": self.address,
            "name": self.name,
            "kind": self.kind.value,
            "rssi_dbm": self.rssi_dbm,
            "service_uuids": self.service_uuids,
            "broadcast_bpm": self.broadcast_bpm,
            "broadcast_contact": self.broadcast_contact,
            "seen": self.seen,
        }


def polar_broadcast_of(manufacturer_data: dict[int, bytes]) -> polar_broadcast.PolarHrBroadcast | None:
    payload = manufacturer_data.get(polar_broadcast.COMPANY_ID)
    if payload is None:
        return None
    try:
        return polar_broadcast.parse_polar_hr(payload)
    except ParseError:
        return None


def xiaomi_broadcast_of(manufacturer_data: dict[int, bytes]) -> xiaomi_broadcast.XiaomiHrBroadcast | None:
    payload = manufacturer_data.get(xiaomi_broadcast.COMPANY_ID)
    if payload is None:
        return None
    try:
        return xiaomi_broadcast.parse_xiaomi_hr(payload)
    except ParseError:
        return None


class Discovery:
    """Collects :class:`ScanResult` per address from advertisement callbacks (pure bookkeeping)."""

    def __init__(self, clock: Callable[[], int] = now_ns) -> None:
        self.results: dict[str, ScanResult] = {}
        self.clock = clock

    def add(
        self,
        address: str,
        name: str | None,
        rssi: int,
        service_uuids: list[str],
        manufacturer_data: dict[int, bytes],
        service_data: dict[str, bytes] | None = None,
    ) -> ScanResult:
        kind = classify(name, service_uuids, manufacturer_data, service_data)
        hr = polar_broadcast_of(manufacturer_data)
        r = self.results.get(address)
        if r is None:
            r = self.results[address] = ScanResult(address, name, kind, rssi, list(service_uuids))
        else:
            r.seen += 1
            r.rssi_dbm = rssi
            r.name = name or r.name
            r.service_uuids = sorted(set(r.service_uuids) | set(service_uuids))
            if r.kind == DeviceKind.UNKNOWN or kind not in (DeviceKind.UNKNOWN, DeviceKind.HEART_RATE):
                r.kind = kind if kind != DeviceKind.UNKNOWN else r.kind
        if hr is not None:
            r.broadcast_bpm, r.broadcast_contact = hr.bpm, hr.contact
        band = xiaomi_broadcast_of(manufacturer_data)
        if band is not None:
            r.broadcast_bpm = band.bpm
        r.last_seen_ns = self.clock()
        return r

    def sorted(self) -> list[ScanResult]:
        """Known sensors first, then by signal strength (nearest first)."""
        return sorted(self.results.values(), key=lambda r: (r.kind == DeviceKind.UNKNOWN, -r.rssi_dbm, r.address))


async def scan(
    seconds: float, *, backend: type | None = None, on_result: Callable[[ScanResult], None] | None = None
) -> list[ScanResult]:
    """Scan for ``seconds``; returns every device seen, sensors first. Raises what bleak raises
    (classify it with :func:`sensors.ble.link_errors.classify`)."""
    found = Discovery()

    def on_adv(device: Any, adv: Any) -> None:
        r = found.add(
            device.address,
            adv.local_name or device.name,
            adv.rssi,
            list(adv.service_uuids),
            dict(adv.manufacturer_data),
            dict(adv.service_data),
        )
        if on_result is not None:
            on_result(r)

    kwargs: dict[str, Any] = {"detection_callback": on_adv}
    if backend is not None:
        kwargs["backend"] = backend
    scanner = BleakScanner(**kwargs)
    await scanner.start()
    try:
        await asyncio.sleep(seconds)
    finally:
        await scanner.stop()
    return found.sorted()
