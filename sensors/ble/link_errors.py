"""Typed errors of Bluetooth links, each with advice a player or a teacher can act on.

The policy follows bleak-retry-connector: what went wrong is classified once, here, from
whatever the platform backend raised, so the link and the user interface deal with a small set
of types. ``retry`` says whether trying again later can help by itself.
"""

from __future__ import annotations

from bleak.exc import BleakBluetoothNotAvailableError, BleakBluetoothNotAvailableReason, BleakDeviceNotFoundError, BleakError


class LinkError(Exception):
    """A Bluetooth link problem. ``advice``: one sentence for the player."""

    advice = "Check the sensor and try again."
    retry = True
    #: Longest pause before the next try, seconds (None: the backoff's): for a condition the
    #: user or the system may end any moment (a service restarting, an adapter plugged back).
    wait_s: float | None = None
    #: Whether the platform's own words come before the advice on screen. Not for a state of the
    #: whole computer, which the advice names in full: bleak's "No powered Bluetooth adapters
    #: found. Turn on Bluetooth and try again." before "Bluetooth is switched off: ..." said it
    #: twice. The platform's words are kept in ``args[0]`` for the log.
    detail_on_screen = True

    def __init__(self, message: str, *, address: str = "") -> None:
        super().__init__(message)
        self.address = address

    def __str__(self) -> str:
        return f"{self.args[0]}: {self.advice}" if self.detail_on_screen else self.advice


class AdapterMissing(LinkError):
    advice = "No Bluetooth adapter was found: plug in a USB Bluetooth adapter, or play with the camera or keyboard."
    retry = False
    wait_s = 2.0
    detail_on_screen = False


class BluetoothUnavailable(LinkError):
    advice = (
        "Bluetooth is not available on this computer (no Bluetooth service is running): on Linux install "
        "and start BlueZ (`bluetoothd`), or play with the camera or keyboard. Sensors reconnect by themselves once it runs."
    )
    retry = False
    wait_s = 2.0
    detail_on_screen = False


class BluetoothServiceStopped(BluetoothUnavailable):
    """The Bluetooth service was running and stopped (bluetoothd died or was restarted)."""

    advice = (
        "The Bluetooth service stopped (on Linux: bluetoothd); sensors reconnect by themselves as soon as it "
        "runs again (systemd restarts it within seconds, or run `sudo systemctl restart bluetooth`)."
    )
    retry = True


class BluetoothOff(LinkError):
    advice = "Bluetooth is switched off: turn it on in the system settings."
    wait_s = 2.0
    detail_on_screen = False


class BluetoothDenied(LinkError):
    advice = "This program may not use Bluetooth: allow it in the system's privacy settings."
    retry = False
    detail_on_screen = False


class OutOfRange(LinkError):
    advice = (
        "The sensor did not answer: wear it (a strap wakes on skin contact), wet the strap's electrodes, "
        "bring it within a few metres, and check it is not connected to a phone or watch."
    )


class ConnectionSlotsExhausted(LinkError):
    advice = (
        "The Bluetooth adapter holds no more connections (typically 5-7): disconnect a sensor, add a second "
        "adapter, or read heart rates from broadcasts instead."
    )


class PairedElsewhere(LinkError):
    advice = (
        "The sensor refused this computer's pairing: it is paired with another device (a phone, watch or gym "
        "equipment). Disconnect or forget it there, or reset the sensor, then it connects by itself."
    )
    wait_s = 10.0


class Busy(LinkError):
    advice = "Bluetooth was busy with another request; trying again."


class ServiceMissing(LinkError):
    advice = "The device does not offer the expected service: check that it is the right kind of sensor."
    retry = False


class LinkLost(LinkError):
    advice = "The connection dropped: keep the sensor close; it reconnects by itself."


# HCI status 0x09 is Connection Limit Exceeded (Core 5.4 Vol 1 Part F 1.3), as bleak and bumble
# print it; BlueZ's "le-connection-abort-by-local" is NOT a slot problem: it mostly means the
# device went out of range or another central holds it, so it counts as out of range.
_SLOT_MARKERS: tuple[str, ...] = (
    "(0x09)",
    "connection limit exceeded",
    "connection_limit_exceeded",
    "too many connections",
    "maximum number of connections",
)
# bleak-retry-connector's out-of-slot wording of BlueZ and ESPHome proxies.
_SLOT_MARKERS += ("available connection", "connection slot")
# The pairing was refused or the keys do not match (HCI 0x05 Authentication Failure, 0x06 PIN or
# Key Missing; BlueZ's org.bluez.Error.AuthenticationFailed/Rejected): bonded elsewhere.
_PAIRING_MARKERS = (
    "authenticationfailed",
    "authenticationrejected",
    "authentication failure",
    "pin or key missing",
    "(0x05)",
    "(0x06)",
    "insufficient authentication",
    "insufficient encryption",
    # BlueZ answers a GATT request the strap refused for want of a bond (ATT 0x05, 0x0f, 0x0c) with
    # org.bluez.Error.NotPermitted "Not paired" (BlueZ src/gatt-client.c, create_gatt_dbus_error).
    "not paired",
)
# Transient BlueZ answers (bleak-retry-connector's TRANSIENT_ERRORS and "InProgress"): retry soon.
_BUSY_MARKERS = ("org.bluez.error.inprogress", "operation already in progress", "br-connection-canceled", "esocktnosupport")
# The system bus is there but bluetoothd is not (stopped, crashed or restarting): D-Bus answers
# ServiceUnknown, or fails to start it on demand ("Launch helper exited").
_NO_DAEMON_MARKERS = ("serviceunknown", "org.bluez was not provided", "launch helper", "spawn.childexited", "name has no owner")
# An object BlueZ no longer has (org.freedesktop.DBus.Error.UnknownObject): a device it removed
# from its cache is out of range (bleak-retry-connector's DEVICE_MISSING_ERRORS); the adapter's
# own object gone means the adapter was unplugged.
_ADAPTER_GONE_MARKERS = ("no bluetooth adapters", "no default adapter")
_NOT_FOUND_MARKERS = (
    "unknownobject",
    "not found",
    "timed out",
    "timeout",
    "(0x3e)",
    "failed to be established",
    "le-connection-abort-by-local",
)


def classify(exc: BaseException, address: str = "") -> LinkError:
    """The LinkError for anything a bleak backend raised while scanning or connecting."""
    if isinstance(exc, LinkError):
        return exc
    text = str(exc).lower()
    if isinstance(exc, (FileNotFoundError, ConnectionRefusedError)):
        # bleak on Linux reaches BlueZ over the D-Bus system socket; no socket, no Bluetooth.
        return BluetoothUnavailable(f"no Bluetooth service ({exc})", address=address)
    if isinstance(exc, BleakBluetoothNotAvailableError):
        reason = exc.reason
        if reason == BleakBluetoothNotAvailableReason.POWERED_OFF:
            return BluetoothOff(str(exc.args[0]), address=address)
        if reason in (
            BleakBluetoothNotAvailableReason.DENIED_BY_USER,
            BleakBluetoothNotAvailableReason.DENIED_BY_SYSTEM,
            BleakBluetoothNotAvailableReason.DENIED_BY_UNKNOWN,
        ):
            return BluetoothDenied(str(exc.args[0]), address=address)
        return AdapterMissing(str(exc.args[0]), address=address)
    if isinstance(exc, BleakDeviceNotFoundError):
        return OutOfRange(f"{address or exc.identifier} not found", address=address)
    if isinstance(exc, (TimeoutError,)):
        return OutOfRange(f"{address}: no answer in time", address=address)
    if isinstance(exc, BleakError):
        if any(m in text for m in _SLOT_MARKERS):
            return ConnectionSlotsExhausted(f"{address}: {exc}", address=address)
        if "no powered bluetooth adapters" in text:
            return BluetoothOff(str(exc), address=address)
        if any(m in text for m in _ADAPTER_GONE_MARKERS) or ("unknownobject" in text and "org.bluez.adapter1" in text):
            return AdapterMissing(str(exc), address=address)
        if any(m in text for m in _NO_DAEMON_MARKERS):
            return BluetoothUnavailable(str(exc), address=address)
        if any(m in text for m in _PAIRING_MARKERS):
            return PairedElsewhere(f"{address}: {exc}", address=address)
        if any(m in text for m in _BUSY_MARKERS) or "in progress" in text:
            return Busy(f"{address}: {exc}", address=address)
        if "powered off" in text or "not powered" in text or "notready" in text:
            return BluetoothOff(str(exc), address=address)
        if any(m in text for m in _NOT_FOUND_MARKERS):
            return OutOfRange(f"{address}: {exc}", address=address)
        return LinkLost(f"{address}: {exc}", address=address)
    if isinstance(exc, (ConnectionError, OSError, EOFError)):
        return LinkLost(f"{address}: {exc}", address=address)
    return LinkError(f"{address}: {type(exc).__name__}: {exc}", address=address)
