"""What the BlueZ scenarios of tests/bluez taught, kept in the emulated suite: no scanning while a
link connects, the scanner stops when nothing needs it, and BlueZ's error strings classified."""

from __future__ import annotations

import time
from typing import Any

import pytest
from bleak.exc import BleakDBusError, BleakError

from sensors.ble.link_errors import (
    AdapterMissing,
    BluetoothOff,
    BluetoothUnavailable,
    Busy,
    ConnectionSlotsExhausted,
    OutOfRange,
    PairedElsewhere,
    classify,
)

pytest.importorskip("bumble")

from liike_emulation.radio import EmulatedWorld  # noqa: E402
from liike_emulation.room import DEMO_ADDRESSES, EmulatedBackends  # noqa: E402
from sensors.ble.allowlist import AllowedSensor  # noqa: E402
from sensors.ble.service import BleSource  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample  # noqa: E402


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("[org.freedesktop.DBus.Error.Spawn.ChildExited] Launch helper exited with unknown return code 1", BluetoothUnavailable),
        (
            "[org.freedesktop.DBus.Error.ServiceUnknown] The name org.bluez was not provided by any .service files",
            BluetoothUnavailable,
        ),
        ("[org.bluez.Error.InProgress] In Progress", Busy),
        ("[org.bluez.Error.Failed] br-connection-canceled", Busy),
        ("[org.bluez.Error.Failed] le-connection-abort-by-local", OutOfRange),
        ("[org.bluez.Error.NotReady] Resource Not Ready", BluetoothOff),
        ("[org.bluez.Error.AuthenticationFailed] Authentication Failed", PairedElsewhere),
        ("failed to connect: PIN or Key Missing (0x06)", PairedElsewhere),
        ("No available connection slots", ConnectionSlotsExhausted),
        ("failed to connect to X: CONNECTION_LIMIT_EXCEEDED_ERROR (0x09)", ConnectionSlotsExhausted),
        ("No Bluetooth adapters found.", AdapterMissing),
    ],
)
def test_bluez_error_strings_are_classified(text: str, kind: type) -> None:
    err = classify(BleakError(text), "F0:F0:F0:F0:F0:F0")
    assert type(err) is kind
    assert err.advice in str(err)


def test_dbus_errors_are_classified_by_name() -> None:
    exc = BleakDBusError("org.freedesktop.DBus.Error.ServiceUnknown", ["The name org.bluez was not provided"])
    assert isinstance(classify(exc), BluetoothUnavailable)
    # A daemon that restarts is waited for with short pauses, not the longest backoff.
    assert BluetoothUnavailable.wait_s is not None and BluetoothUnavailable.wait_s <= 2.0


class _Recording(EmulatedBackends):
    """The demo room, with a client backend that notes how many scanners ran at each connect."""

    scanners_at_connect: list[int]

    async def __call__(self) -> tuple[type, type]:
        scanner, client = await super().__call__()
        seen = self.scanners_at_connect = []
        assert self.world is not None
        world: EmulatedWorld = self.world  # declared, so the Client class below sees it narrowed

        class Client(client):  # type: ignore[valid-type, misc]
            async def connect(self, pair: bool, **kwargs: Any) -> None:
                seen.append((await world.adapter(0)).scanners)
                await super().connect(pair, **kwargs)

        return scanner, Client


def test_no_scan_runs_while_a_link_connects_and_none_once_connected() -> None:
    backends = _Recording()
    bus = SensorBus()
    source = BleSource([AllowedSensor(DEMO_ADDRESSES["strap"], "Strap 1")], backends=backends)
    source.start(bus)
    try:
        items: list[object] = []
        deadline = time.monotonic() + 60
        while not any(isinstance(i, HeartRateSample) for i in items):
            assert time.monotonic() < deadline, items
            time.sleep(0.02)
            items += bus.drain()
        assert backends.scanners_at_connect and all(n == 0 for n in backends.scanners_at_connect)
        # Connected and nothing to broadcast: the scanner stops (within its 2 s of need).
        deadline = time.monotonic() + 30
        while (world := backends.world) is None or world.adapters[0].scanners:
            assert time.monotonic() < deadline, "the scanner kept running with every sensor connected"
            time.sleep(0.05)
        assert not [i for i in bus.drain() if isinstance(i, DeviceStatus) and i.state == DeviceState.ERROR]
    finally:
        source.stop()
