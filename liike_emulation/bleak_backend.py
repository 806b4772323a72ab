"""bleak backends (``BleakScanner(backend=...)``, ``BleakClient(backend=...)``) on a bumble central.

They implement bleak's backend interfaces (``bleak.backends.scanner.BaseBleakScanner`` and
``bleak.backends.client.BaseBleakClient``, bleak 1.x-3.x) over one :class:`~.world.Adapter` of an
:class:`~.world.EmulatedWorld`, and raise the same exception types real backends raise:
``BleakBluetoothNotAvailableError`` for a missing or powered-off adapter,
``BleakDeviceNotFoundError`` for a device that does not answer, ``BleakError`` carrying the HCI
status for a refused connection.
"""

from __future__ import annotations

import asyncio
import struct
from typing import Any

from bleak.backends.characteristic import BleakGATTCharacteristic
from bleak.backends.client import BaseBleakClient, NotifyCallback
from bleak.backends.descriptor import BleakGATTDescriptor
from bleak.backends.device import BLEDevice
from bleak.backends.scanner import AdvertisementData, BaseBleakScanner
from bleak.backends.service import BleakGATTService, BleakGATTServiceCollection
from bleak.exc import (
    BleakBluetoothNotAvailableError,
    BleakBluetoothNotAvailableReason,
    BleakDBusError,
    BleakDeviceNotFoundError,
    BleakError,
)
from bumble import core, hci
from bumble.core import AdvertisingData
from bumble.device import Advertisement, Connection, Device, Peer
from bumble.gatt import Characteristic

from liike_emulation.radio import Adapter, EmulatedWorld

#: What real centrals ask for (BlueZ and Android request 517, iOS 185); bumble serves up to 517.
REQUESTED_MTU = 247
_BASE_UUID_TAIL = "-0000-1000-8000-00805f9b34fb"


def _uuid_str(uuid: core.UUID) -> str:
    """bleak's form: lower-case 128-bit string."""
    return uuid.to_hex_str("-").lower() if len(uuid.uuid_bytes) == 16 else f"0000{uuid.to_hex_str().lower()}{_BASE_UUID_TAIL}"


def _adapter_index(default: int, kwargs: dict[str, Any]) -> int:
    """bleak's ``bluez={"adapter": "hci1"}`` picks the emulated adapter of that number."""
    name = (kwargs.get("bluez") or {}).get("adapter")
    if name is None:
        return default
    if not (isinstance(name, str) and name.startswith("hci") and name[3:].isdigit()):
        raise BleakError(f"adapter {name!r} not found")
    return int(name[3:])


def _check_service(world: EmulatedWorld) -> None:
    if not world.service_running:
        # What D-Bus answers for a method call to BlueZ while bluetoothd is not running.
        raise BleakDBusError(
            "org.freedesktop.DBus.Error.ServiceUnknown", ["The name org.bluez was not provided by any .service files"]
        )


def _check_adapter(adapter: Adapter) -> None:
    if adapter.state == "missing":
        raise BleakBluetoothNotAvailableError("No Bluetooth adapters found.", BleakBluetoothNotAvailableReason.NO_BLUETOOTH)
    if adapter.state == "off":
        raise BleakBluetoothNotAvailableError("Bluetooth adapter is powered off.", BleakBluetoothNotAvailableReason.POWERED_OFF)


def advertisement_data(advertisement: Advertisement) -> AdvertisementData:
    """bleak's view of one bumble advertising report."""
    name: str | None = None
    manufacturer: dict[int, bytes] = {}
    service_data: dict[str, bytes] = {}
    uuids: list[str] = []
    tx_power: int | None = None
    for ad_type, value in advertisement.data.ad_structures:
        value = bytes(value)
        if ad_type in (AdvertisingData.COMPLETE_LOCAL_NAME, AdvertisingData.SHORTENED_LOCAL_NAME):
            name = value.decode("utf-8", errors="replace")
        elif ad_type == AdvertisingData.MANUFACTURER_SPECIFIC_DATA and len(value) >= 2:
            manufacturer[struct.unpack_from("<H", value)[0]] = value[2:]
        elif ad_type in (
            AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
            AdvertisingData.INCOMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS,
        ):
            uuids += [_uuid_str(core.UUID.from_bytes(value[i : i + 2])) for i in range(0, len(value) - 1, 2)]
        elif ad_type in (
            AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
            AdvertisingData.INCOMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS,
        ):
            uuids += [_uuid_str(core.UUID.from_bytes(value[i : i + 16])) for i in range(0, len(value) - 15, 16)]
        elif ad_type == AdvertisingData.SERVICE_DATA_16_BIT_UUID and len(value) >= 2:
            service_data[_uuid_str(core.UUID.from_bytes(value[:2]))] = value[2:]
        elif ad_type == AdvertisingData.TX_POWER_LEVEL and value:
            tx_power = struct.unpack("b", value[:1])[0]
    return AdvertisementData(
        local_name=name,
        manufacturer_data=manufacturer,
        service_data=service_data,
        service_uuids=uuids,
        tx_power=tx_power,
        rssi=advertisement.rssi,
        platform_data=(advertisement,),
    )


class BumbleScanner(BaseBleakScanner):
    """Scanning on an emulated adapter. Bound to a world by :func:`scanner_backend_for`."""

    world: EmulatedWorld
    adapter_index: int = 0

    def __init__(
        self, detection_callback: Any, service_uuids: list[str] | None, scanning_mode: str = "active", **kwargs: Any
    ) -> None:
        super().__init__(detection_callback, service_uuids)
        self._adapter_index = _adapter_index(self.adapter_index, kwargs)
        self._active = scanning_mode != "passive"
        if not self._active and not (kwargs.get("bluez") or {}).get("or_patterns"):
            # bleak's BlueZ backend refuses this (and CoreBluetooth has no passive mode at all).
            raise BleakError("passive scanning mode requires bluez or_patterns")
        self._device: Device | None = None
        self._adapter: Adapter | None = None
        self._generation = -1

    async def start(self) -> None:
        _check_service(self.world)
        adapter = await self.world.adapter(self._adapter_index)
        _check_adapter(adapter)
        self._generation = self.world.service_generation
        self.seen_devices = {}
        self._adapter = adapter
        self._device = adapter.device
        self._device.on(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        if adapter.scanners == 0:
            await self._device.start_scanning(active=self._active, filter_duplicates=False)
        adapter.scanners += 1

    async def stop(self) -> None:
        if self._device is None or self._adapter is None:
            return
        self._device.remove_listener(Device.EVENT_ADVERTISEMENT, self._on_advertisement)
        self._adapter.scanners -= 1
        if self._adapter.scanners == 0 and self._adapter.state == "on":
            await self._device.stop_scanning()
        self._device = None

    def _on_advertisement(self, advertisement: Advertisement) -> None:
        if not self.world.service_running or self._generation != self.world.service_generation:
            return  # a scan of a daemon that died: nothing ever arrives again
        data = advertisement_data(advertisement)
        if not self.is_allowed_uuid(data.service_uuids):
            return
        address = str(advertisement.address).split("/")[0]
        key = address
        previous = self.seen_devices.get(key)
        if previous is not None:
            # A scan response carries what the advertisement did not; keep the union, as
            # platform stacks do.
            old = previous[1]
            data = data._replace(
                local_name=data.local_name or old.local_name,
                manufacturer_data={**old.manufacturer_data, **data.manufacturer_data},
                service_uuids=sorted(set(old.service_uuids) | set(data.service_uuids)),
                service_data={**old.service_data, **data.service_data},
            )
        device = self.create_or_update_device(key, address, data.local_name, advertisement.address, data)
        self.call_detection_callbacks(device, data)


class BumbleClient(BaseBleakClient):
    """A GATT client connection from an emulated adapter. Bound by :func:`client_backend_for`."""

    world: EmulatedWorld
    adapter_index: int = 0

    def __init__(self, address_or_ble_device: BLEDevice | str, **kwargs: Any) -> None:
        self._adapter_index = _adapter_index(self.adapter_index, kwargs)
        kwargs.setdefault("disconnected_callback", None)
        kwargs.setdefault("timeout", 10.0)
        super().__init__(address_or_ble_device, **{k: kwargs[k] for k in ("disconnected_callback", "timeout")})
        self._connection: Connection | None = None
        self._peer: Peer | None = None
        self._mtu = 23
        self._subscriptions: dict[int, Any] = {}
        self._proxies: dict[int, Any] = {}
        self._name = address_or_ble_device.name if isinstance(address_or_ble_device, BLEDevice) else None
        self._local_disconnect = False
        #: The daemon died under this connection: nobody tells this client (see EmulatedWorld.stop_service).
        self._orphaned = False

    def orphan(self) -> None:
        """The Bluetooth daemon died: from now on this client hears nothing and still believes
        it is connected, as bleak's cache of a dead BlueZ does."""
        self._orphaned = True

    @property
    def name(self) -> str:
        return self._name or self.address

    @property
    def mtu_size(self) -> int:
        return self._mtu

    @property
    def is_connected(self) -> bool:
        return self._connection is not None or self._orphaned

    async def connect(self, pair: bool, **kwargs: Any) -> None:
        _check_service(self.world)
        adapter = await self.world.adapter(self._adapter_index)
        _check_adapter(adapter)
        timeout = kwargs.get("timeout", self._timeout)
        address = hci.Address(self.address)
        async with adapter.connect_lock:
            try:
                connection = await adapter.device.connect(address, timeout=timeout)
            except core.TimeoutError:
                raise BleakDeviceNotFoundError(self.address, f"Device with address {self.address} was not found.") from None
            except hci.HCI_Error as exc:
                code = exc.error_code
                raise BleakError(
                    f"failed to connect to {self.address}: {hci.HCI_Constant.error_name(code)} (0x{code:02X})"
                ) from None
            except core.ConnectionError as exc:
                raise BleakError(f"failed to connect to {self.address}: {exc}") from None
        self._connection = connection
        self._local_disconnect = False
        self._orphaned = False
        self.world.clients.add(self)
        connection.on(Connection.EVENT_DISCONNECTION, self._on_disconnection)
        try:
            self._peer = Peer(connection)
            if self.world.exchange_mtu:
                self._mtu = await self._peer.request_mtu(REQUESTED_MTU)
            await self._discover()
        except Exception:
            await self.disconnect()
            raise

    async def _discover(self) -> None:
        assert self._peer is not None
        collection = BleakGATTServiceCollection()
        await self._peer.discover_services()
        for service in self._peer.services:
            bservice = BleakGATTService(service, service.handle, _uuid_str(service.uuid))
            collection.add_service(bservice)
            await service.discover_characteristics()
            for char in service.characteristics:
                props = [
                    name
                    for flag, name in (
                        (Characteristic.Properties.READ, "read"),
                        (Characteristic.Properties.WRITE, "write"),
                        (Characteristic.Properties.WRITE_WITHOUT_RESPONSE, "write-without-response"),
                        (Characteristic.Properties.NOTIFY, "notify"),
                        (Characteristic.Properties.INDICATE, "indicate"),
                    )
                    if char.properties & flag
                ]
                bchar = BleakGATTCharacteristic(
                    char,
                    char.handle,
                    _uuid_str(char.uuid),
                    props,  # type: ignore[arg-type]
                    lambda: self._mtu - 3,
                    bservice,
                )
                collection.add_characteristic(bchar)
                self._proxies[char.handle] = char
                await char.discover_descriptors()
                for desc in char.descriptors:
                    collection.add_descriptor(BleakGATTDescriptor(desc, desc.handle, _uuid_str(desc.type), bchar))
        self.services = collection

    def _on_disconnection(self, reason: int) -> None:
        self._connection = None
        self._peer = None
        self._subscriptions.clear()
        self.world.clients.discard(self)
        if not self._local_disconnect and not self._orphaned and self._disconnected_callback is not None:
            self._disconnected_callback()

    async def disconnect(self) -> None:
        self._orphaned = False
        self.world.clients.discard(self)
        connection = self._connection
        if connection is None:
            return
        self._local_disconnect = True
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def disconnected(*_: object) -> None:
            if not done.done():
                done.set_result(None)

        connection.once(Connection.EVENT_DISCONNECTION, disconnected)
        try:
            await connection.disconnect()
            await asyncio.wait_for(done, 2.0)
        except (core.BaseBumbleError, TimeoutError, hci.HCI_Error):
            pass
        self._connection = None
        self._peer = None

    async def pair(self, *args: Any, **kwargs: Any) -> None:
        raise NotImplementedError("emulated sensors do not pair")

    async def unpair(self) -> None:
        raise NotImplementedError("emulated sensors do not pair")

    def _require_peer(self) -> Peer:
        if self._peer is None:
            raise BleakError("Not connected")
        return self._peer

    async def read_gatt_char(
        self, characteristic: BleakGATTCharacteristic, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        peer = self._require_peer()
        return bytearray(await peer.read_value(characteristic.handle))

    async def read_gatt_descriptor(
        self, descriptor: BleakGATTDescriptor, *, use_cached: bool = False, **kwargs: Any
    ) -> bytearray:
        peer = self._require_peer()
        return bytearray(await peer.read_value(descriptor.handle))

    async def write_gatt_char(self, characteristic: BleakGATTCharacteristic, data: Any, response: bool) -> None:
        peer = self._require_peer()
        await peer.write_value(characteristic.handle, bytes(data), with_response=response)

    async def write_gatt_descriptor(self, descriptor: BleakGATTDescriptor, data: Any) -> None:
        peer = self._require_peer()
        await peer.write_value(descriptor.handle, bytes(data), with_response=True)

    async def start_notify(self, characteristic: BleakGATTCharacteristic, callback: NotifyCallback, **kwargs: Any) -> None:
        peer = self._require_peer()
        proxy = self._proxies[characteristic.handle]
        if characteristic.handle in self._subscriptions:
            await peer.unsubscribe(proxy, self._subscriptions.pop(characteristic.handle))

        def deliver(value: bytes) -> None:
            callback(bytearray(value))

        self._subscriptions[characteristic.handle] = deliver
        await peer.subscribe(proxy, deliver)

    async def stop_notify(self, characteristic: BleakGATTCharacteristic) -> None:
        peer = self._require_peer()
        subscriber = self._subscriptions.pop(characteristic.handle, None)
        if subscriber is not None:
            await peer.unsubscribe(self._proxies[characteristic.handle], subscriber)


def scanner_backend_for(world: EmulatedWorld, adapter: int = 0) -> type[BumbleScanner]:
    return type("BumbleScanner", (BumbleScanner,), {"world": world, "adapter_index": adapter})


def client_backend_for(world: EmulatedWorld, adapter: int = 0) -> type[BumbleClient]:
    return type("BumbleClient", (BumbleClient,), {"world": world, "adapter_index": adapter})
