"""What to subscribe on each kind of sensor, and how its notifications become bus samples.

One small class per device family (house style: one interface, docstrings as the contract).
A profile is started on a connected ``BleakClient``; every notification goes through the
family's pure parser (:mod:`sensors.ble.heart_rate`, :mod:`~sensors.ble.polar_pmd` ...). The
profile hands results to a :class:`Sink`: ``sample(stream, item, valid)`` for data,
``malformed(stream, error)`` for bytes the parser refused. A malformed notification never ends
the link.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from bleak import BleakClient

from sensors.ble import csc, ftms, heart_rate, movesense, polar_pmd, rsc
from sensors.ble.errors import ParseError
from sensors.ble.link_errors import ServiceMissing
from sensors.clock import now_ns
from sensors.samples import FitnessSample, Sample

log = logging.getLogger(__name__)
T = TypeVar("T")

#: Polar H10 accelerometer settings used (Polar BLE SDK: 25/50/100/200 Hz, 16 bit, 2/4/8 g).
PMD_ACC_RATE_HZ = 200
PMD_ACC_RANGE_G = 8
#: Movesense sample firmware rates: 13, 26, 52, 104, 208, 416 ... Hz; 52 Hz suffices for steps.
MOVESENSE_RATE_HZ = 52


class Sink(Protocol):
    def sample(self, stream: str, item: Sample, valid: bool = True) -> None: ...

    def malformed(self, stream: str, error: ParseError) -> None: ...


class Profile:
    """Contract: ``streams`` names the data streams (each gets its own freshness watchdog);
    ``start`` subscribes and starts streaming on a freshly connected client (it is called again
    after every reconnect, on a new connection, and must not assume any earlier state);
    ``stop`` ends streaming politely before a planned disconnect (errors are ignored)."""

    streams: tuple[str, ...] = ()
    #: The longest normal gap between notifications of a stream, seconds.
    stale_after_s: float = 3.0

    def __init__(self, source: str, placement: str = "chest", clock: Callable[[], int] = now_ns) -> None:
        self.source = source
        self.placement = placement
        self.clock = clock

    async def start(self, client: BleakClient, sink: Sink) -> None:
        raise NotImplementedError

    async def stop(self, client: BleakClient) -> None:
        return None

    async def _subscribe(
        self,
        client: BleakClient,
        uuid: str,
        stream: str,
        parse: Callable[[bytes], T],
        sink: Sink,
        deliver: Callable[[T, int], None],
    ) -> None:
        """Subscribe ``uuid``. Each notification is stamped with the host clock on arrival and
        parsed; bytes the parser refuses go to ``sink.malformed`` (the link stays up), the
        rest to ``deliver(parsed, t_host_ns)``."""

        def on_notify(_char: Any, data: bytearray) -> None:
            t = self.clock()
            try:
                parsed = parse(bytes(data))
            except ParseError as exc:
                sink.malformed(stream, exc)
                return
            deliver(parsed, t)

        await client.start_notify(uuid, on_notify)


def _has(client: BleakClient, uuid: str) -> bool:
    return client.services.get_characteristic(uuid) is not None


class HeartRateProfile(Profile):
    """Heart Rate Measurement notifications -> HeartRateSample. "Sensor contact: no" is passed on
    (researchers keep it) but marked not valid, so the link shows the strap as stale."""

    streams: tuple[str, ...] = ("hr",)

    async def start(self, client: BleakClient, sink: Sink) -> None:
        if not _has(client, heart_rate.MEASUREMENT_UUID):
            raise ServiceMissing(f"{self.source} has no Heart Rate Measurement characteristic", address=self.source)

        def deliver(m: heart_rate.HeartRateMeasurement, t: int) -> None:
            sink.sample("hr", heart_rate.to_sample(m, t, self.source), valid=m.contact is not False and m.bpm > 0)

        await self._subscribe(client, heart_rate.MEASUREMENT_UUID, "hr", heart_rate.parse_heart_rate_measurement, sink, deliver)


class PolarPmdProfile(HeartRateProfile):
    """Polar H10 / Verity Sense / OH1: heart rate plus the PMD accelerometer (mG -> g).

    Start sequence as in Polar's SDK: subscribe to control-point indications and PMD data, ask
    for the accelerometer's settings, choose (:func:`choose_acc_settings`), then write a start
    request and wait for its response. PMD frames are up to ~230 bytes, so the
    connection's ATT MTU must have been raised (real stacks and the emulation do it on connect).
    """

    streams: tuple[str, ...] = ("hr", "acc")
    stale_after_s = 3.0

    async def start(self, client: BleakClient, sink: Sink) -> None:
        await super().start(client, sink)
        try:
            await self._start_acc(client, sink)
        except ServiceMissing as exc:
            # Heart rate is what most players need: keep it, and say the accelerometer is off.
            log.warning("%s; heart rate only", exc)
            self.streams = ("hr",)

    async def _start_acc(self, client: BleakClient, sink: Sink) -> None:
        if not _has(client, polar_pmd.CONTROL_POINT_UUID) or not _has(client, polar_pmd.DATA_UUID):
            raise ServiceMissing(f"{self.source} has no Polar PMD service", address=self.source)
        responses: asyncio.Queue[bytes] = asyncio.Queue()
        self._factor = 1.0
        self.rate_hz = PMD_ACC_RATE_HZ

        def on_cp(_char: Any, data: bytearray) -> None:
            responses.put_nowait(bytes(data))

        def on_data(_char: Any, data: bytearray) -> None:
            t = self.clock()
            raw = bytes(data)
            if raw and raw[0] & 0x3F != polar_pmd.TYPE_ACC:
                return  # another measurement type on the shared data characteristic
            try:
                frame = polar_pmd.parse_acc_frame(raw, self._factor)
            except ParseError as exc:
                sink.malformed("acc", exc)
                return
            sink.sample("acc", frame.to_batch(self.rate_hz, t, self.source, self.placement))

        async def ask(request: bytes, what: str) -> polar_pmd.ControlPointResponse:
            await client.write_gatt_char(polar_pmd.CONTROL_POINT_UUID, request, response=True)
            params = b""
            while True:  # a response flagged "more" continues in the next indication
                try:
                    answer = polar_pmd.parse_control_point_response(await asyncio.wait_for(responses.get(), 5.0))
                except TimeoutError:
                    raise ServiceMissing(f"{self.source}: no answer to the PMD {what} request", address=self.source) from None
                except ParseError as exc:
                    raise ServiceMissing(f"{self.source}: unreadable PMD answer ({exc})", address=self.source) from None
                params += answer.params
                if not answer.more:
                    return polar_pmd.ControlPointResponse(answer.op, answer.measurement, answer.status, False, params)

        await client.start_notify(polar_pmd.CONTROL_POINT_UUID, on_cp)
        await client.start_notify(polar_pmd.DATA_UUID, on_data)
        # Ask what the sensor allows (an H10 offers 25-200 Hz, a Verity Sense 52 Hz only), as
        # Polar's SDK does before every start.
        offered = await ask(polar_pmd.build_get_settings(polar_pmd.TYPE_ACC), "settings")
        try:
            allowed = offered.settings() if offered.ok else None
        except ParseError as exc:
            # A settings answer cut short (a 23-byte MTU) or unreadable: try the H10's own
            # values; the start answer says whether the sensor takes them.
            log.warning("%s: unreadable PMD settings (%s); trying 200 Hz, 16 bit, 8 g", self.source, exc)
            allowed = None
        if allowed is None:
            allowed = polar_pmd.PmdSettings((PMD_ACC_RATE_HZ,), (16,), (PMD_ACC_RANGE_G,))
        rate, resolution, range_g = choose_acc_settings(allowed)
        answer = await ask(
            polar_pmd.build_start(polar_pmd.TYPE_ACC, sample_rate_hz=rate, resolution_bits=resolution, range_g=range_g), "start"
        )
        if not answer.ok and answer.error != "ALREADY_IN_STATE":
            raise ServiceMissing(f"{self.source}: PMD refused to start the accelerometer ({answer.error})", address=self.source)
        if rate is not None:
            self.rate_hz = rate
        if answer.params:
            try:
                factor = answer.settings().factor
            except ParseError:
                factor = None
            self._factor = factor or 1.0

    async def stop(self, client: BleakClient) -> None:
        await client.write_gatt_char(polar_pmd.CONTROL_POINT_UUID, polar_pmd.build_stop(polar_pmd.TYPE_ACC), response=True)


def choose_acc_settings(allowed: polar_pmd.PmdSettings) -> tuple[int | None, int | None, int | None]:
    """Sample rate, resolution and range to request: the fastest rate up to 200 Hz (steps and
    jumps need no more), 16 bits where offered, +-8 g where offered (a jump's landing reaches
    several g), else the widest range. None where the sensor lists no choice."""
    rates = sorted(allowed.sample_rates_hz)
    rate = max((r for r in rates if r <= PMD_ACC_RATE_HZ), default=rates[0] if rates else None)
    res = allowed.resolutions_bits
    resolution = 16 if 16 in res else (res[0] if res else None)
    ranges = allowed.ranges
    range_g = PMD_ACC_RANGE_G if PMD_ACC_RANGE_G in ranges else (max(ranges) if ranges else None)
    return rate, resolution, range_g


class MovesenseProfile(Profile):
    """Movesense with the GSP sample firmware: HELLO, then subscribe ``/Meas/Acc/52``."""

    streams = ("acc",)
    REFERENCE = 0x63

    async def start(self, client: BleakClient, sink: Sink) -> None:
        if not _has(client, movesense.COMMAND_UUID) or not _has(client, movesense.DATA_UUID):
            raise ServiceMissing(f"{self.source} has no Movesense GSP service", address=self.source)
        results: asyncio.Queue[movesense.CommandResult] = asyncio.Queue()
        pending: dict[int, movesense.DataNotification] = {}

        def deliver(message: movesense.DataNotification, t: int) -> None:
            try:
                data = movesense.parse_imu_payload(message.payload, "Acc")
            except ParseError as exc:
                sink.malformed("acc", exc)
                return
            sink.sample("acc", data.to_batch(MOVESENSE_RATE_HZ, t, self.source, self.placement))

        def on_data(_char: Any, raw: bytearray) -> None:
            t = self.clock()
            try:
                reply = movesense.parse_reply(bytes(raw))
            except ParseError as exc:
                sink.malformed("acc", exc)
                return
            if isinstance(reply, movesense.CommandResult):
                results.put_nowait(reply)
            elif isinstance(reply, movesense.DataContinuation):
                first = pending.pop(reply.reference, None)
                if first is None:
                    sink.malformed("acc", ParseError("Movesense reply", "continuation without its first part", bytes(raw)))
                    return
                deliver(movesense.join_parts(first, reply), t)
            elif reply.reference == self.REFERENCE:
                try:
                    movesense.parse_imu_payload(reply.payload, "Acc")
                except ParseError:
                    pending[reply.reference] = reply  # may be the first half of a split message
                    return
                deliver(reply, t)

        await client.start_notify(movesense.DATA_UUID, on_data)
        await client.write_gatt_char(movesense.COMMAND_UUID, movesense.build_hello(), response=True)
        await client.write_gatt_char(
            movesense.COMMAND_UUID,
            movesense.build_subscribe(self.REFERENCE, movesense.meas_path("Acc", MOVESENSE_RATE_HZ)),
            response=True,
        )
        deadline = asyncio.get_running_loop().time() + 5.0
        while True:
            remaining = deadline - asyncio.get_running_loop().time()
            try:
                result = await asyncio.wait_for(results.get(), max(0.01, remaining))
            except TimeoutError:
                raise ServiceMissing(f"{self.source}: no answer to the Movesense subscription", address=self.source) from None
            if result.reference == self.REFERENCE:
                if result.status not in (200, 201):
                    raise ServiceMissing(
                        f"{self.source}: Movesense refused /Meas/Acc (code {result.status})", address=self.source
                    )
                return

    async def stop(self, client: BleakClient) -> None:
        await client.write_gatt_char(movesense.COMMAND_UUID, movesense.build_unsubscribe(self.REFERENCE), response=True)


class FitnessMachineProfile(Profile):
    """FTMS treadmill or indoor bike data -> FitnessSample (whichever characteristic exists)."""

    streams = ("fitness",)

    async def start(self, client: BleakClient, sink: Sink) -> None:
        if _has(client, ftms.TREADMILL_DATA_UUID):

            def treadmill(d: ftms.TreadmillData, t: int) -> None:
                if d.speed_kmh is None and d.distance_m is None:
                    return  # a "more data" half of a split record
                sink.sample(
                    "fitness",
                    FitnessSample(
                        t,
                        self.source,
                        speed_mps=d.speed_mps,
                        power_w=d.power_w,
                        distance_m=d.distance_m,
                        incline_pct=d.incline_pct,
                    ),
                )

            await self._subscribe(client, ftms.TREADMILL_DATA_UUID, "fitness", ftms.parse_treadmill_data, sink, treadmill)
        elif _has(client, ftms.INDOOR_BIKE_DATA_UUID):

            def bike(d: ftms.IndoorBikeData, t: int) -> None:
                sink.sample(
                    "fitness",
                    FitnessSample(
                        t,
                        self.source,
                        speed_mps=d.speed_mps,
                        cadence_rpm=d.cadence_rpm,
                        power_w=d.power_w,
                        distance_m=d.distance_m,
                    ),
                )

            await self._subscribe(client, ftms.INDOOR_BIKE_DATA_UUID, "fitness", ftms.parse_indoor_bike_data, sink, bike)
        else:
            raise ServiceMissing(f"{self.source} offers neither Treadmill Data nor Indoor Bike Data", address=self.source)


class CadenceProfile(Profile):
    """Cycling Speed and Cadence -> FitnessSample with crank cadence (and wheel speed)."""

    streams = ("fitness",)
    stale_after_s = 5.0  # a CSC sensor may pause between crank events

    async def start(self, client: BleakClient, sink: Sink) -> None:
        if not _has(client, csc.MEASUREMENT_UUID):
            raise ServiceMissing(f"{self.source} has no CSC Measurement characteristic", address=self.source)
        previous: list[csc.CscMeasurement] = []

        def deliver(m: csc.CscMeasurement, t: int) -> None:
            rpm = speed = None
            if previous:
                rpm = csc.cadence_rpm(previous[0], m)
                speed = csc.wheel_speed_mps(previous[0], m)
                if rpm is None and m.crank_revs is not None and m.crank_revs == previous[0].crank_revs:
                    rpm = 0.0 if (m.crank_event_1024 == previous[0].crank_event_1024) else None
            previous[:] = [m]
            sink.sample("fitness", FitnessSample(t, self.source, cadence_rpm=rpm, speed_mps=speed))

        await self._subscribe(client, csc.MEASUREMENT_UUID, "fitness", csc.parse_csc_measurement, sink, deliver)


class RunningProfile(Profile):
    """Running Speed and Cadence (foot pod) -> FitnessSample with speed and step cadence."""

    streams = ("fitness",)

    async def start(self, client: BleakClient, sink: Sink) -> None:
        if not _has(client, rsc.MEASUREMENT_UUID):
            raise ServiceMissing(f"{self.source} has no RSC Measurement characteristic", address=self.source)

        def deliver(m: rsc.RscMeasurement, t: int) -> None:
            sink.sample(
                "fitness",
                FitnessSample(t, self.source, speed_mps=m.speed_mps, cadence_spm=float(m.cadence_spm), distance_m=m.distance_m),
            )

        await self._subscribe(client, rsc.MEASUREMENT_UUID, "fitness", rsc.parse_rsc_measurement, sink, deliver)


def profile_for(client: BleakClient, source: str, placement: str = "chest", clock: Callable[[], int] = now_ns) -> Profile:
    """The richest profile the connected device's GATT database supports."""
    services = client.services
    if services.get_characteristic(polar_pmd.CONTROL_POINT_UUID) is not None and _has(client, heart_rate.MEASUREMENT_UUID):
        return PolarPmdProfile(source, placement, clock)
    if services.get_characteristic(movesense.COMMAND_UUID) is not None:
        return MovesenseProfile(source, placement, clock)
    if _has(client, heart_rate.MEASUREMENT_UUID):
        return HeartRateProfile(source, placement, clock)
    if _has(client, ftms.TREADMILL_DATA_UUID) or _has(client, ftms.INDOOR_BIKE_DATA_UUID):
        return FitnessMachineProfile(source, placement, clock)
    if _has(client, csc.MEASUREMENT_UUID):
        return CadenceProfile(source, placement, clock)
    if _has(client, rsc.MEASUREMENT_UUID):
        return RunningProfile(source, placement, clock)
    raise ServiceMissing(
        f"{source} offers no service Liike reads (heart rate, Polar PMD, Movesense, FTMS, CSC, RSC)", address=source
    )
