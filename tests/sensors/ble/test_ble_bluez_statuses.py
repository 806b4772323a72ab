"""What a player sees when BlueZ refuses a connection: each answer BlueZ (through bleak) gives for
a state the user can act on (Bluetooth off, no adapter, no free connection slot, a strap bonded
to another device) ends up as the status on screen with that state's advice, and the link keeps
trying, so it connects by itself once the user has acted.

The error texts are BlueZ 5.66's and bleak 3.1's own: org.bluez.Error.NotReady "Resource Not
Ready" (src/error.c, btd_error_not_ready, answered by Device1.Connect on an adapter that is powered
off), bleak's "No powered Bluetooth adapters found..." and "No Bluetooth adapters found."
(bleak/backends/bluezdbus/manager.py), D-Bus's UnknownObject for an adapter object that vanished,
org.bluez.Error.NotPermitted "Not paired" (src/gatt-client.c for ATT 0x05/0x0f), and HCI 0x09
Connection Limit Exceeded (Core 5.4 Vol 1 Part F 1.3) as bleak prints a controller status.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from bleak.exc import BleakBluetoothNotAvailableError, BleakBluetoothNotAvailableReason, BleakDBusError, BleakError

from sensors.ble.link_errors import (
    AdapterMissing,
    BluetoothOff,
    BluetoothUnavailable,
    ConnectionSlotsExhausted,
    LinkError,
    OutOfRange,
    PairedElsewhere,
    classify,
)

pytest.importorskip("bumble")

from liike_emulation.room import DEMO_ADDRESSES, EmulatedBackends  # noqa: E402
from sensors.ble.allowlist import AllowedSensor  # noqa: E402
from sensors.ble.service import BleSource  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample  # noqa: E402

ADDRESS = "F0:F0:F0:F0:00:01"
#: (what BlueZ or bleak raised, the kind the link must make of it)
ANSWERS: list[tuple[BaseException, type[LinkError]]] = [
    (BleakDBusError("org.bluez.Error.NotReady", ["Resource Not Ready"]), BluetoothOff),
    (
        BleakBluetoothNotAvailableError(
            "No powered Bluetooth adapters found. Turn on Bluetooth and try again.", BleakBluetoothNotAvailableReason.POWERED_OFF
        ),
        BluetoothOff,
    ),
    (BleakError("No powered Bluetooth adapters found."), BluetoothOff),
    (
        BleakBluetoothNotAvailableError("No Bluetooth adapters found.", BleakBluetoothNotAvailableReason.NO_BLUETOOTH),
        AdapterMissing,
    ),
    (
        BleakDBusError(
            "org.freedesktop.DBus.Error.UnknownObject",
            ['Method "StartDiscovery" with signature "" on interface "org.bluez.Adapter1" doesn\'t exist'],
        ),
        AdapterMissing,
    ),
    (BleakError("failed to connect: CONNECTION_LIMIT_EXCEEDED_ERROR (0x09)"), ConnectionSlotsExhausted),
    (
        BleakError("No backend with an available connection slot that can reach address F0:F0:F0:F0:00:01"),
        ConnectionSlotsExhausted,
    ),
    (BleakDBusError("org.bluez.Error.NotPermitted", ["Not paired"]), PairedElsewhere),
    (BleakDBusError("org.bluez.Error.AuthenticationFailed", ["Authentication Failed"]), PairedElsewhere),
    (BleakDBusError("org.bluez.Error.AuthenticationRejected", ["Authentication Rejected"]), PairedElsewhere),
]


@pytest.mark.parametrize(("exc", "kind"), ANSWERS, ids=lambda v: type(v).__name__ if isinstance(v, type) else str(v)[:40])
def test_each_actionable_bluez_answer_has_its_kind_and_advice(exc: BaseException, kind: type[LinkError]) -> None:
    err = classify(exc, ADDRESS)
    assert type(err) is kind
    assert str(err).endswith(kind.advice)


def test_a_device_bluez_forgot_is_out_of_range_not_a_missing_adapter() -> None:
    # bleak-retry-connector's DEVICE_MISSING_ERRORS: the device's object left BlueZ's cache.
    exc = BleakDBusError(
        "org.freedesktop.DBus.Error.UnknownObject",
        ['Method "Connect" with signature "" on interface "org.bluez.Device1" doesn\'t exist'],
    )
    assert type(classify(exc, ADDRESS)) is OutOfRange


class _Refusing(EmulatedBackends):
    """The demo room, whose client refuses the first ``refusals`` connects with ``exc``."""

    def __init__(self, exc: BaseException, refusals: int) -> None:
        super().__init__()
        self.exc, self.refusals = exc, refusals

    async def __call__(self) -> tuple[type, type]:
        scanner, client = await super().__call__()
        room = self

        class Client(client):  # type: ignore[valid-type, misc]
            async def connect(self, pair: bool, **kwargs: Any) -> None:
                if room.refusals > 0:
                    room.refusals -= 1
                    raise room.exc
                await super().connect(pair, **kwargs)

        return scanner, Client


@pytest.mark.parametrize(
    ("exc", "kind"),
    [ANSWERS[0], ANSWERS[5], ANSWERS[7]],
    ids=["bluetooth-off", "no-free-slot", "paired-elsewhere"],
)
def test_the_status_on_screen_says_what_to_do_and_the_link_connects_once_it_is_done(
    exc: BaseException, kind: type[LinkError]
) -> None:
    strap = DEMO_ADDRESSES["strap"]
    backends = _Refusing(exc, refusals=1)
    bus = SensorBus()
    source = BleSource([AllowedSensor(strap, "Strap 1")], backends=backends, link_options={"backoff": lambda _a: 0.05})
    source.start(bus)
    try:
        items: list[object] = []
        deadline = time.monotonic() + 60
        while not any(isinstance(i, HeartRateSample) for i in items):
            assert time.monotonic() < deadline, [i for i in items if isinstance(i, DeviceStatus)]
            time.sleep(0.02)
            items += bus.drain()
        said = [i for i in items if isinstance(i, DeviceStatus) and kind.advice in i.message]
        assert said, [i.message for i in items if isinstance(i, DeviceStatus)]
        assert said[0].source == strap and said[0].state in (DeviceState.DISCONNECTED, DeviceState.ERROR)
        assert "Strap 1" in said[0].message
    finally:
        source.stop()


@pytest.mark.parametrize("kind", [BluetoothOff, AdapterMissing, BluetoothUnavailable])
def test_while_the_scan_fails_for_want_of_an_adapter_no_link_tries_a_connect(kind: type[LinkError]) -> None:
    # A link that connects by address while nobody scans holds the adapter's one connection
    # attempt for its whole timeout; with Bluetooth off or no adapter it cannot work, and absent
    # straps doing it kept a present one waiting (90 s in the VM) once Bluetooth was back on.
    from sensors.ble.link import PRESENCE_UNKNOWN

    source = BleSource([AllowedSensor(ADDRESS, "Strap 1")])
    source._scan_state = "failed"
    source._scan_error = kind("No powered Bluetooth adapters found.")
    with pytest.raises(kind) as said:
        source.present(ADDRESS)
    assert said.value.address == ADDRESS and kind.advice in str(said.value)
    # Any other failure of the scanner: links try their own connect, as before.
    source._scan_error = classify(BleakError("something else"))
    assert source.present(ADDRESS) is PRESENCE_UNKNOWN


def test_a_link_that_starts_waiting_asks_for_a_new_discovery_session() -> None:
    # BlueZ reports a device it already knows to a running discovery only when its RSSI moves by
    # several dB: a strap that dropped and advertises again from the same place stays unreported
    # until the scan starts over (90 s in the VM, behind a scan kept on for an absent strap).
    source = BleSource([AllowedSensor(ADDRESS, "Strap 1")])
    source._scan_state = "on"
    assert source.present(ADDRESS) is None
    assert source._fresh_scan
    source._fresh_scan = False  # the scanner started over
    assert source.present(ADDRESS) is None
    assert not source._fresh_scan  # still the same wait: no second restart


def test_a_state_of_the_whole_computer_is_said_once_and_a_link_error_keeps_its_detail() -> None:
    off = classify(ANSWERS[1][0], ADDRESS)
    assert str(off) == BluetoothOff.advice  # not bleak's "No powered Bluetooth adapters found..." first
    assert "No powered Bluetooth adapters found" in off.args[0]  # kept for the log
    slots = classify(ANSWERS[5][0], ADDRESS)
    assert str(slots).startswith(f"{ADDRESS}: ") and "0x09" in str(slots) and str(slots).endswith(ConnectionSlotsExhausted.advice)
