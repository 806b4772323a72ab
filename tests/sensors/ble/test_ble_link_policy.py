"""Pure parts of the link layer: backoff, freshness, error classification, discovery."""

from __future__ import annotations

import random

import pytest
from bleak.exc import BleakBluetoothNotAvailableError, BleakBluetoothNotAvailableReason, BleakDeviceNotFoundError, BleakError

from sensors.ble.backoff import reconnect_delay_s
from sensors.ble.discovery import DeviceKind, Discovery
from sensors.ble.discovery import classify as classify_device
from sensors.ble.freshness import Freshness
from sensors.ble.link_errors import (
    AdapterMissing,
    BluetoothDenied,
    BluetoothOff,
    BluetoothUnavailable,
    ConnectionSlotsExhausted,
    LinkLost,
    OutOfRange,
    classify,
)

S = 1_000_000_000


def test_backoff_grows_exponentially_to_a_cap_with_bounded_jitter() -> None:
    plain = [reconnect_delay_s(a, jitter=0) for a in range(0, 10)]
    assert plain[:6] == [0.0, 0.25, 0.5, 1.0, 2.0, 4.0]
    assert plain[-1] == 10.0 and max(plain) == 10.0
    rng = random.Random(3)
    spread = [reconnect_delay_s(4, rng=rng) for _ in range(200)]
    assert min(spread) >= 2.0 * 0.8 and max(spread) <= 2.0 * 1.2
    assert len(set(spread)) > 100  # straps dropped together retry at different instants


def test_freshness_goes_stale_once_after_silence_and_on_invalid_data() -> None:
    f = Freshness(timeout_s=3.0)
    assert not f.fresh(0)
    assert f.seen(0) is True  # turned fresh
    assert f.seen(1 * S) is False
    assert f.fresh(4 * S) and not f.check(4 * S)
    assert f.check(int(4.1 * S)) is True and f.check(5 * S) is False  # reported once
    f.seen(6 * S, valid=False)  # "sensor contact: no"
    assert not f.fresh(6 * S)
    f.seen(7 * S)
    assert f.fresh(7 * S)


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (BleakBluetoothNotAvailableError("x", BleakBluetoothNotAvailableReason.NO_BLUETOOTH), AdapterMissing),
        (BleakBluetoothNotAvailableError("x", BleakBluetoothNotAvailableReason.POWERED_OFF), BluetoothOff),
        (BleakBluetoothNotAvailableError("x", BleakBluetoothNotAvailableReason.DENIED_BY_USER), BluetoothDenied),
        (BleakDeviceNotFoundError("AA:BB:CC:DD:EE:FF"), OutOfRange),
        (TimeoutError(), OutOfRange),
        (BleakError("failed to connect: CONNECTION_LIMIT_EXCEEDED_ERROR (0x09)"), ConnectionSlotsExhausted),
        (BleakError("[org.bluez.Error.Failed] le-connection-abort-by-local"), OutOfRange),
        (BleakError("status 0x0903 unrelated"), LinkLost),
        (BleakError("[org.freedesktop.DBus.Error.ServiceUnknown] The name org.bluez was not provided"), BluetoothUnavailable),
        (FileNotFoundError(2, "No such file or directory"), BluetoothUnavailable),
        (BleakError("Not connected"), LinkLost),
    ],
)
def test_platform_errors_become_typed_link_errors_with_advice(exc: BaseException, kind: type) -> None:
    err = classify(exc, "AA:BB:CC:DD:EE:FF")
    assert type(err) is kind
    assert err.advice and err.advice in str(err)


def test_classification_from_services_names_and_ftms_service_data() -> None:
    hr = "0000180d-0000-1000-8000-00805f9b34fb"
    ftms = "00001826-0000-1000-8000-00805f9b34fb"
    assert classify_device("Polar H10 ABCD1234", [hr]) == DeviceKind.POLAR_PMD
    assert classify_device("Polar Verity Sense 1", [hr]) == DeviceKind.POLAR_PMD
    assert classify_device("Polar H9 1", [hr]) == DeviceKind.HEART_RATE  # H9: heart rate only
    assert classify_device("Garmin HRM", ["180D"]) == DeviceKind.HEART_RATE
    assert classify_device("Movesense 1", []) == DeviceKind.MOVESENSE
    # FTMS service data: flags 0x01 (available), machine type bit 5 = indoor bike
    assert classify_device("KICKR", [ftms], service_data={ftms: bytes([0x01, 0x20, 0x00])}) == DeviceKind.BIKE
    assert classify_device("X", [ftms], service_data={ftms: bytes([0x01, 0x01, 0x00])}) == DeviceKind.TREADMILL
    assert classify_device("Machine", [ftms]) == DeviceKind.FITNESS_MACHINE
    assert classify_device("CAD", ["1816"]) == DeviceKind.CADENCE
    assert classify_device("Stryd", ["1814"]) == DeviceKind.FOOT_POD
    assert classify_device("Polar OH1", [], {0x006B: bytes([0x23, 0, 70, 70])}) == DeviceKind.POLAR_PMD
    assert classify_device("TV", []) == DeviceKind.UNKNOWN


def test_discovery_keeps_one_result_per_address_with_latest_rssi_and_broadcast() -> None:
    d = Discovery(clock=lambda: 5)
    d.add("AA:00:00:00:00:01", "Polar H10 1", -70, ["0000180d-0000-1000-8000-00805f9b34fb"], {0x006B: bytes([0x23, 0, 68, 70])})
    d.add("AA:00:00:00:00:01", None, -60, [], {})
    d.add("AA:00:00:00:00:02", "Lamp", -40, [], {})
    d.add("AA:00:00:00:00:03", "HRM", -80, ["180D"], {})
    results = d.sorted()
    assert [r.address for r in results] == ["AA:00:00:00:00:01", "AA:00:00:00:00:03", "AA:00:00:00:00:02"]
    polar = results[0]
    assert polar.rssi_dbm == -60 and polar.seen == 2 and polar.name == "Polar H10 1"
    assert polar.broadcast_bpm == 70 and polar.broadcast_contact is True
