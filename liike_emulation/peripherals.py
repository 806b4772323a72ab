"""Emulated sensors: what a heart-rate strap, a Polar H10, a Movesense, a treadmill and a cadence
sensor put on the air, as bumble GATT servers on their own virtual controllers.

Each peripheral advertises (every 20 ms), accepts connections, serves its GATT database and,
while a central is subscribed, sends notifications in the byte layouts of
:mod:`sensors.ble` (the parsers' docstrings cite the specifications). Test controls:
``silence()`` (keeps the link, stops data: a strap slipping off), ``drop()`` (peripheral-side
disconnect: a yanked battery), ``leave()``/``come_back()`` (walking out of range) and
``send_raw()`` (a malformed notification).
"""

from __future__ import annotations

import asyncio
import math
import struct
from collections.abc import Callable, Coroutine
from typing import Any, TypedDict, Unpack

from bumble import hci
from bumble.core import UUID, AdvertisingData
from bumble.device import Connection, Device
from bumble.gatt import Characteristic, CharacteristicValue, Service
from bumble.host import Host
from bumble.transport.common import AsyncPipeSink

from liike_emulation.radio import FAST_ADVERTISING_INTERVAL_MS, EmulatedWorld, LegacyController
from sensors.ble import battery, csc, ftms, heart_rate, movesense, polar_pmd, xiaomi_broadcast

_NOTIFY = Characteristic.Properties.NOTIFY
_READ = Characteristic.Properties.READ
_WRITE = Characteristic.Properties.WRITE
_INDICATE = Characteristic.Properties.INDICATE
POLAR_COMPANY_ID = 0x006B


def _uuid16(full: str) -> UUID:
    return UUID(full)


class PeripheralOptions(TypedDict, total=False):
    """Keywords every :class:`EmulatedPeripheral` takes."""

    address: str | None
    period_s: float


class StrapOptions(PeripheralOptions, total=False):
    """Keywords a :class:`HeartRateStrap` takes besides its name."""

    bpm: float | Callable[[float], float]
    contact: bool | None
    broadcast: bool
    battery_pct: int


#: How long :meth:`EmulatedPeripheral.detach` waits for its cancelled tasks (seconds).
DETACH_WAIT_S = 2.0


class EmulatedPeripheral:
    """A sensor on its own virtual controller. Subclasses declare services and a data loop."""

    kind = "peripheral"

    def __init__(self, name: str, *, address: str | None = None, period_s: float = 1.0) -> None:
        self.name = name
        self._address = address
        self.period_s = period_s
        self.silent = False
        self.device: Device | None = None
        self.controller: LegacyController | None = None
        self.notifications_sent = 0
        self.connections_seen = 0
        self._task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[None]] = set()  # kept so they are not collected mid-run

    @property
    def address(self) -> str:
        """Its Bluetooth address: the one given, or the one its world assigned when it was added."""
        if self._address is None:
            raise RuntimeError(f"{self.name} has no address until it is added to a world")
        return self._address

    @address.setter
    def address(self, address: str) -> None:
        self._address = address

    def spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    #: Service UUIDs put in advertisements (16-bit ones as 4 hex digits).
    ADVERTISED: tuple[str, ...] = ()

    # --- what subclasses provide ------------------------------------------------------------
    def services(self) -> list[Service]:
        raise NotImplementedError

    def advertised_uuids(self) -> list[str]:
        return list(self.ADVERTISED)

    def manufacturer_data(self) -> tuple[int, bytes] | None:
        return None

    async def tick(self, t_s: float) -> None:
        """Called every ``period_s`` while connected and not silenced; send notifications here."""

    async def idle(self, t_s: float) -> None:
        """Called every ``period_s`` while not connected and not silenced (advertising only)."""

    # --- life cycle ---------------------------------------------------------------------------
    def advertising_data(self) -> bytes:
        structures: list[tuple[int, bytes]] = [
            (AdvertisingData.FLAGS, bytes([0x06])),  # LE general discoverable, BR/EDR not supported
            (AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode("utf-8")),
        ]
        short = [u for u in self.advertised_uuids() if len(u) == 4]
        long = [u for u in self.advertised_uuids() if len(u) != 4]
        if short:
            structures.append(
                (AdvertisingData.COMPLETE_LIST_OF_16_BIT_SERVICE_CLASS_UUIDS, b"".join(bytes(UUID(u).to_bytes()) for u in short))
            )
        if long:
            structures.append(
                (AdvertisingData.COMPLETE_LIST_OF_128_BIT_SERVICE_CLASS_UUIDS, b"".join(bytes(UUID(u).to_bytes()) for u in long))
            )
        md = self.manufacturer_data()
        if md is not None:
            structures.append((AdvertisingData.MANUFACTURER_SPECIFIC_DATA, struct.pack("<H", md[0]) + md[1]))
        return bytes(AdvertisingData(structures))

    async def attach(self, world: EmulatedWorld) -> None:
        self.world = world
        if self._address is None:
            self._address = world.new_address()
        self.controller = LegacyController(self.name, link=world.link, public_address=self.address)
        self.controller.random_address = hci.Address(self.address)
        self.device = Device(
            name=self.name, address=hci.Address(self.address), host=Host(self.controller, AsyncPipeSink(self.controller))
        )
        for service in self.services():
            self.device.add_service(service)
        self.device.on(Device.EVENT_CONNECTION, self._on_connection)
        await self.device.power_on()
        await self._advertise()
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"emulated {self.name}")

    async def _advertise(self) -> None:
        assert self.device is not None
        await self.device.start_advertising(
            auto_restart=True,
            advertising_data=self.advertising_data(),
            advertising_interval_min=FAST_ADVERTISING_INTERVAL_MS,
            advertising_interval_max=FAST_ADVERTISING_INTERVAL_MS,
        )

    def _on_connection(self, connection: Connection) -> None:
        self.connections_seen += 1

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        n = 0
        while True:
            n += 1
            await asyncio.sleep(max(0.0, t0 + n * self.period_s - loop.time()))
            if self.silent:
                continue
            if self.connected:
                await self.tick(loop.time() - t0)
            else:
                await self.idle(loop.time() - t0)

    @property
    def connected(self) -> bool:
        return bool(self.device is not None and self.device.connections)

    async def notify(self, characteristic: Characteristic, value: bytes) -> None:
        assert self.device is not None
        await self.device.notify_subscribers(characteristic, value)
        self.notifications_sent += 1

    async def update_advertising(self) -> None:
        """Refresh the advertising payload (broadcast heart rate changes)."""
        if self.device is not None and not self.connected and getattr(self, "_present", True):
            await self.device.stop_advertising()
            await self._advertise()

    # --- test controls ------------------------------------------------------------------------
    def silence(self, silent: bool = True) -> None:
        """Stop (or resume) data while keeping the connection: a strap that slipped off."""
        self.silent = silent

    async def drop(self) -> None:
        """Disconnect from the peripheral's side (remote user terminated), then advertise again."""
        assert self.device is not None
        for connection in list(self.device.connections.values()):
            await connection.disconnect(hci.HCI_ErrorCode.REMOTE_USER_TERMINATED_CONNECTION_ERROR)

    async def leave(self) -> None:
        """Go out of range: drop every connection and stop advertising until :meth:`come_back`."""
        assert self.device is not None
        self._present = False
        await self.device.stop_advertising()  # before the disconnect, so it does not restart
        for connection in list(self.device.connections.values()):
            await connection.disconnect(hci.HCI_ErrorCode.CONNECTION_TIMEOUT_ERROR)

    async def come_back(self) -> None:
        self._present = True
        await self._advertise()

    async def send_raw(self, characteristic: Characteristic, value: bytes) -> None:
        await self.notify(characteristic, value)

    async def detach(self) -> None:
        """Stop the data loop and background work, waiting a bounded time for them.

        The wait is bounded and never swallows a cancellation of the caller: a peripheral's
        task can be in the middle of a bumble HCI exchange that does not end on cancel, and a
        world that never closes would hold up whatever closes it."""
        tasks = [*self._background, *([self._task] if self._task is not None else [])]
        self._task = None
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=DETACH_WAIT_S)


class HeartRateStrap(EmulatedPeripheral):
    """A chest strap with the standard Heart Rate Service and Battery Service.

    ``bpm``: the heart rate it reports (a number, or a function of seconds since power-on);
    RR intervals follow it (60/bpm s each). ``contact``: skin contact flag (None: not supported).
    ``broadcast``: also put the heart rate in Polar-format manufacturer data of advertisements.
    """

    kind = "heart_rate"
    ADVERTISED: tuple[str, ...] = ("180D", "180F")

    def __init__(
        self,
        name: str = "HRM-Pro 12345",
        *,
        bpm: float | Callable[[float], float] = 72.0,
        contact: bool | None = True,
        broadcast: bool = False,
        battery_pct: int = 87,
        address: str | None = None,
        period_s: float = 1.0,
    ) -> None:
        super().__init__(name, address=address, period_s=period_s)
        self.bpm = bpm
        self.contact = contact
        self.broadcast = broadcast
        self.battery_pct = battery_pct
        self._counter = 0
        self._last_bpm: int | None = None  # the reading being broadcast
        self._rr_debt_s = 0.0
        self.hrm = Characteristic(heart_rate.MEASUREMENT_UUID, _NOTIFY, Characteristic.READABLE, b"")
        self.location = Characteristic(heart_rate.BODY_SENSOR_LOCATION_UUID, _READ, Characteristic.READABLE, bytes([1]))
        self.battery: Characteristic[bytes] = Characteristic(
            battery.LEVEL_UUID,
            _READ | _NOTIFY,
            Characteristic.READABLE,
            CharacteristicValue(read=lambda _c: bytes([self.battery_pct])),
        )

    def bpm_at(self, t_s: float) -> int:
        value = self.bpm(t_s) if callable(self.bpm) else self.bpm
        return max(0, min(255, round(value)))

    def services(self) -> list[Service]:
        return [Service(heart_rate.SERVICE_UUID, [self.hrm, self.location]), Service(battery.SERVICE_UUID, [self.battery])]

    def manufacturer_data(self) -> tuple[int, bytes] | None:
        if not self.broadcast:
            return None
        bpm = self.bpm_at(0.0) if self._last_bpm is None else self._last_bpm
        # Polar HR block (see sensors.ble.polar_broadcast): b0 battery OK, contact, counter,
        # broadcast bit; b1 unused; b2 fast average; b3 slow average.
        b0 = 0x01 | (0x02 if self.contact else 0) | ((self._counter & 7) << 2) | 0x20
        return POLAR_COMPANY_ID, bytes([b0, 0x00, bpm, bpm])

    def measurement(self, t_s: float) -> bytes:
        bpm = self.bpm_at(t_s)
        flags = 0x10  # RR present
        if self.contact is not None:
            flags |= 0x04 | (0x02 if self.contact else 0)
        rr: list[int] = []
        if bpm > 0:
            self._rr_debt_s += self.period_s
            beat_s = 60.0 / bpm
            while self._rr_debt_s >= beat_s and len(rr) < 8:
                rr.append(round(beat_s * 1024))
                self._rr_debt_s -= beat_s
        if not rr:
            flags &= ~0x10
        return bytes([flags, bpm]) + b"".join(struct.pack("<H", v) for v in rr)

    def _new_reading(self, t_s: float) -> None:
        """A new broadcast frame: its heart rate and the next frame counter."""
        self._last_bpm = self.bpm_at(t_s)
        self._counter = (self._counter + 1) & 7

    async def tick(self, t_s: float) -> None:
        if self.broadcast:
            self._new_reading(t_s)
        await self.notify(self.hrm, self.measurement(t_s))

    async def idle(self, t_s: float) -> None:
        if self.broadcast:
            self._new_reading(t_s)
            await self.update_advertising()


class MiBand(EmulatedPeripheral):
    """A Xiaomi Mi Band 4/5 with heart-rate sharing on: its heart rate in Huami-format
    manufacturer data (see :mod:`sensors.ble.xiaomi_broadcast`), refreshed every ``period_s``;
    no connection is offered to a class board. ``bpm``: a number, a function of seconds since
    power-on, or None (a band not measuring, which sends 0xFF). The 24-byte payload fills the
    31-byte advertisement with the flags, so the name goes in the scan response, as on the band."""

    kind = "mi_band"
    ADVERTISED: tuple[str, ...] = ()

    def __init__(
        self,
        name: str = "Mi Smart Band 5",
        *,
        bpm: float | Callable[[float], float] | None = 72.0,
        address: str | None = None,
        period_s: float = 1.0,
    ) -> None:
        super().__init__(name, address=address, period_s=period_s)
        self.bpm = bpm
        self._last_bpm: int | None = None

    def bpm_at(self, t_s: float) -> int | None:
        if self.bpm is None:
            return None
        value = self.bpm(t_s) if callable(self.bpm) else self.bpm
        return max(1, min(0xEF, round(value)))

    def services(self) -> list[Service]:
        return []

    def manufacturer_data(self) -> tuple[int, bytes] | None:
        bpm = self.bpm_at(0.0) if self._last_bpm is None else self._last_bpm
        return xiaomi_broadcast.COMPANY_ID, xiaomi_broadcast.encode_xiaomi_hr(bpm, self.address)

    def advertising_data(self) -> bytes:
        md = self.manufacturer_data()
        assert md is not None
        return bytes(
            AdvertisingData(
                [
                    (AdvertisingData.FLAGS, bytes([0x06])),
                    (AdvertisingData.MANUFACTURER_SPECIFIC_DATA, struct.pack("<H", md[0]) + md[1]),
                ]
            )
        )

    async def _advertise(self) -> None:
        assert self.device is not None
        await self.device.start_advertising(
            auto_restart=True,
            advertising_data=self.advertising_data(),
            scan_response_data=bytes(AdvertisingData([(AdvertisingData.COMPLETE_LOCAL_NAME, self.name.encode("utf-8"))])),
            advertising_interval_min=FAST_ADVERTISING_INTERVAL_MS,
            advertising_interval_max=FAST_ADVERTISING_INTERVAL_MS,
        )

    async def idle(self, t_s: float) -> None:
        self._last_bpm = self.bpm_at(t_s)
        await self.update_advertising()


def _acc_signal_mg(t_s: float) -> tuple[float, float, float]:
    """Chest acceleration while jogging in place (2.8 steps/s), sensor y axis up, in mG."""
    return (
        30.0 * math.sin(2 * math.pi * 1.4 * t_s),
        1000.0 + 450.0 * math.sin(2 * math.pi * 2.8 * t_s),
        60.0 * math.cos(2 * math.pi * 2.8 * t_s),
    )


class PolarH10(HeartRateStrap):
    """A Polar H10: heart rate plus the PMD accelerometer stream (raw int16 frames, mG).

    Answers get-settings, start and stop on the PMD control point with indications, as the
    Polar BLE SDK documents them (see :mod:`sensors.ble.polar_pmd`); streams ``frame_samples``
    samples per notification at ``acc_rate_hz``, sensor time in ns since 2000-01-01.
    """

    kind = "polar_h10"
    ADVERTISED = ("180D",)

    def __init__(
        self,
        name: str = "Polar H10 A1B2C3D4",
        *,
        acc_rate_hz: int = 200,
        frame_samples: int = 36,
        acc_mg: Callable[[float], tuple[float, float, float]] = _acc_signal_mg,
        sample_rates: tuple[int, ...] = (25, 50, 100, 200),
        **kwargs: Unpack[StrapOptions],
    ) -> None:
        super().__init__(name, **kwargs)
        self.acc_rate_hz = acc_rate_hz
        self.sample_rates = sample_rates
        self.requests: list[bytes] = []
        self.frame_samples = frame_samples
        self.acc_mg = acc_mg
        self.streaming = False
        #: Answer start requests with an error, as an H10 busy with an offline recording does.
        self.refuse_start = False
        self._sample_index = 0
        self.sensor_epoch_ns = 599_616_000_000_000_000  # 2019-01-01 in the PMD epoch (2000-01-01)
        self.cp: Characteristic[bytes] = Characteristic(
            polar_pmd.CONTROL_POINT_UUID,
            _READ | _WRITE | _INDICATE,
            Characteristic.READABLE | Characteristic.WRITEABLE,
            CharacteristicValue(read=lambda _c: bytes([0x0F, 0x05, 0x00]), write=self._on_cp_write),
        )
        self.data = Characteristic(polar_pmd.DATA_UUID, _NOTIFY, Characteristic.READABLE, b"")
        self._acc_task: asyncio.Task[None] | None = None

    def services(self) -> list[Service]:
        return super().services() + [Service(polar_pmd.SERVICE_UUID, [self.cp, self.data])]

    def _on_cp_write(self, connection: Connection, value: bytes) -> None:
        self.spawn(self._answer(connection, bytes(value)))

    async def _answer(self, connection: Connection, request: bytes) -> None:
        assert self.device is not None
        self.requests.append(request)
        op = request[0] if request else 0
        mtype = request[1] if len(request) > 1 else 0xFF
        if mtype != polar_pmd.TYPE_ACC:
            response = bytes([polar_pmd.RESPONSE_CODE, op, mtype, polar_pmd.PmdStatus.NOT_SUPPORTED])
        elif op == polar_pmd.OP_GET_SETTINGS:
            params = bytes([polar_pmd.SETTING_SAMPLE_RATE, len(self.sample_rates)]) + b"".join(
                struct.pack("<H", r) for r in self.sample_rates
            )
            params += bytes([polar_pmd.SETTING_RESOLUTION, 1]) + struct.pack("<H", 16)
            params += bytes([polar_pmd.SETTING_RANGE, 3]) + struct.pack("<HHH", 2, 4, 8)
            response = bytes([polar_pmd.RESPONSE_CODE, op, mtype, 0, 0]) + params
        elif op == polar_pmd.OP_START and self.refuse_start:
            response = bytes([polar_pmd.RESPONSE_CODE, op, mtype, polar_pmd.PmdStatus.INVALID_STATE])
        elif op == polar_pmd.OP_START:
            try:
                rate = dict(polar_pmd.parse_request(request).settings).get(polar_pmd.SETTING_SAMPLE_RATE)
            except Exception:  # noqa: BLE001 - firmware answers what it cannot read with an error
                rate = -1
            if rate is not None and rate not in self.sample_rates:
                response = bytes([polar_pmd.RESPONSE_CODE, op, mtype, polar_pmd.PmdStatus.INVALID_SAMPLE_RATE])
                await self.device.indicate_subscriber(connection, self.cp, response)
                return
            if rate is not None:
                self.acc_rate_hz = rate
            self.streaming = True
            response = bytes([polar_pmd.RESPONSE_CODE, op, mtype, 0, 0])
            if self._acc_task is None or self._acc_task.done():
                self._acc_task = asyncio.get_running_loop().create_task(self._stream_acc())
        elif op == polar_pmd.OP_STOP:
            self.streaming = False
            response = bytes([polar_pmd.RESPONSE_CODE, op, mtype, 0, 0])
        else:
            response = bytes([polar_pmd.RESPONSE_CODE, op, mtype, polar_pmd.PmdStatus.INVALID_OP_CODE])
        await self.device.indicate_subscriber(connection, self.cp, response)

    def _on_connection(self, connection: Connection) -> None:
        super()._on_connection(connection)
        self.streaming = False  # a new connection starts with streams stopped, as on the H10

    def acc_frame(self) -> bytes:
        n = self.frame_samples
        first = self._sample_index
        self._sample_index += n
        samples = [self.acc_mg(i / self.acc_rate_hz) for i in range(first, first + n)]
        t_last_ns = self.sensor_epoch_ns + round((first + n - 1) * 1e9 / self.acc_rate_hz)
        payload = b"".join(struct.pack("<hhh", *(max(-32768, min(32767, round(v))) for v in s)) for s in samples)
        return bytes([polar_pmd.TYPE_ACC]) + struct.pack("<Q", t_last_ns) + bytes([0x01]) + payload

    async def _stream_acc(self) -> None:
        loop = asyncio.get_running_loop()
        period = self.frame_samples / self.acc_rate_hz
        t0 = loop.time()
        n = 0
        while self.streaming and self.connected:
            n += 1
            await asyncio.sleep(max(0.0, t0 + n * period - loop.time()))
            if self.streaming and self.connected and not self.silent:
                await self.notify(self.data, self.acc_frame())


class Movesense(EmulatedPeripheral):
    """A Movesense sensor running the GSP sample firmware: HELLO and /Meas/Acc|IMU6 subscriptions."""

    kind = "movesense"
    ADVERTISED = (movesense.SERVICE_UUID,)

    def __init__(
        self,
        name: str = "Movesense 220330000123",
        *,
        frame_samples: int = 8,
        acc_mg: Callable[[float], tuple[float, float, float]] = _acc_signal_mg,
        **kwargs: Unpack[PeripheralOptions],
    ) -> None:
        super().__init__(name, **kwargs)
        self.frame_samples = frame_samples
        self.acc_mg = acc_mg
        self.command: Characteristic[bytes] = Characteristic(
            movesense.COMMAND_UUID, _WRITE, Characteristic.WRITEABLE, CharacteristicValue(write=self._on_command)
        )
        self.data = Characteristic(movesense.DATA_UUID, _NOTIFY, Characteristic.READABLE, b"")
        self._streams: dict[int, asyncio.Task[None]] = {}

    def services(self) -> list[Service]:
        return [Service(movesense.SERVICE_UUID, [self.command, self.data])]

    def _on_connection(self, connection: Connection) -> None:
        super()._on_connection(connection)
        for task in self._streams.values():
            task.cancel()
        self._streams.clear()

    def _on_command(self, connection: Connection, value: bytes) -> None:
        self.spawn(self._handle(bytes(value)))

    async def _handle(self, value: bytes) -> None:
        try:
            cmd = movesense.parse_command(value)
        except Exception:  # noqa: BLE001 - firmware ignores what it cannot read
            return
        if cmd.command == movesense.CMD_HELLO:
            await self.notify(self.data, bytes([movesense.REPLY_COMMAND_RESULT, cmd.reference]) + b"Hello")
        elif cmd.command == movesense.CMD_SUBSCRIBE:
            parts = (cmd.path or "").strip("/").split("/")
            if len(parts) == 3 and parts[0] == "Meas" and parts[1] in ("Acc", "IMU6") and parts[2].isdigit():
                await self.notify(self.data, bytes([movesense.REPLY_COMMAND_RESULT, cmd.reference]) + (200).to_bytes(2, "big"))
                self._streams[cmd.reference] = asyncio.get_running_loop().create_task(
                    self._stream(cmd.reference, parts[1], int(parts[2]))
                )
            else:
                await self.notify(self.data, bytes([movesense.REPLY_COMMAND_RESULT, cmd.reference]) + (404).to_bytes(2, "big"))
        elif cmd.command == movesense.CMD_UNSUBSCRIBE:
            task = self._streams.pop(cmd.reference, None)
            if task is not None:
                task.cancel()
            await self.notify(self.data, bytes([movesense.REPLY_COMMAND_RESULT, cmd.reference]) + (200).to_bytes(2, "big"))

    async def _stream(self, reference: int, resource: str, rate_hz: int) -> None:
        loop = asyncio.get_running_loop()
        t0 = loop.time()
        index = 0
        while self.connected:
            await asyncio.sleep(max(0.0, t0 + (index + self.frame_samples) / rate_hz - loop.time()))
            if self.silent or not self.connected:
                index += self.frame_samples
                continue
            times = [(index + i) / rate_hz for i in range(self.frame_samples)]
            acc = [tuple(v * 9.80665 / 1000.0 for v in self.acc_mg(t)) for t in times]
            payload = struct.pack("<I", round(times[0] * 1000) & 0xFFFFFFFF)
            payload += b"".join(struct.pack("<fff", *a) for a in acc)
            if resource == "IMU6":
                payload += b"".join(struct.pack("<fff", 0.0, 5.0 * math.sin(2 * math.pi * t), 0.0) for t in times)
            message = bytes([movesense.REPLY_DATA, reference]) + payload
            await self.notify(self.data, message)
            index += self.frame_samples


class Treadmill(EmulatedPeripheral):
    """An FTMS treadmill: Treadmill Data with speed (0.01 km/h) and total distance (m), 1 Hz."""

    kind = "treadmill"
    ADVERTISED = ("1826",)

    def __init__(self, name: str = "Treadmill T-500", *, speed_kmh: float = 8.0, **kwargs: Unpack[PeripheralOptions]) -> None:
        super().__init__(name, **kwargs)
        self.speed_kmh = speed_kmh
        self.distance_m = 0.0
        self.treadmill = Characteristic(ftms.TREADMILL_DATA_UUID, _NOTIFY, Characteristic.READABLE, b"")

    def services(self) -> list[Service]:
        return [Service(ftms.SERVICE_UUID, [self.treadmill])]

    async def tick(self, t_s: float) -> None:
        self.distance_m += self.speed_kmh / 3.6 * self.period_s
        d = round(self.distance_m)
        # flags 0x0004: speed present (bit 0 clear), total distance present (bit 2)
        await self.notify(self.treadmill, struct.pack("<HH", 0x0004, round(self.speed_kmh * 100)) + d.to_bytes(3, "little"))


class CadenceSensor(EmulatedPeripheral):
    """A Cycling Speed and Cadence sensor reporting crank revolutions and event times."""

    kind = "cadence"
    ADVERTISED = ("1816",)

    def __init__(self, name: str = "CADENCE 4711", *, rpm: float = 80.0, **kwargs: Unpack[PeripheralOptions]) -> None:
        super().__init__(name, **kwargs)
        self.rpm = rpm
        self._revs = 0.0
        self._crank_revs = 0
        self._event_1024 = 0
        self.measurement = Characteristic(csc.MEASUREMENT_UUID, _NOTIFY, Characteristic.READABLE, b"")

    def services(self) -> list[Service]:
        return [Service(csc.SERVICE_UUID, [self.measurement])]

    async def tick(self, t_s: float) -> None:
        self._revs += self.rpm / 60.0 * self.period_s
        whole = int(self._revs)
        if whole > self._crank_revs:
            self._crank_revs = whole
            self._event_1024 = round(t_s * 1024 - (self._revs - whole) * 60.0 / self.rpm * 1024)
        await self.notify(self.measurement, struct.pack("<BHH", 0x02, self._crank_revs & 0xFFFF, self._event_1024 & 0xFFFF))
