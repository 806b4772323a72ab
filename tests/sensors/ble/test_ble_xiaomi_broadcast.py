"""Mi Band (Huami) broadcast heart rate: the byte layout, malformed advertisements, the reader."""

from __future__ import annotations

import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sensors.ble.allowlist import AllowedSensor
from sensors.ble.discovery import DeviceKind, Discovery, classify
from sensors.ble.errors import ParseError
from sensors.ble.service import BroadcastReader
from sensors.ble.xiaomi_broadcast import COMPANY_ID, TimedBroadcast, encode_xiaomi_hr, parse_xiaomi_hr
from sensors.bus import SensorBus
from sensors.clock import s_to_ns
from sensors.samples import BusItem, DeviceState, DeviceStatus, HeartRateSample

BAND = "C8:0F:10:AA:BB:CC"
# 26 bytes counting the company ID (57 01): format 02, HR 0x48 = 72 bpm at byte 5 counting from
# the company ID, the band's address in the last six bytes.
VECTOR_72 = bytes.fromhex("02 ffff 48 0000000000000000000000000000 c80f10aabbcc")


def test_heart_rate_and_address_from_the_activity_format() -> None:
    assert len(VECTOR_72) == 24
    hr = parse_xiaomi_hr(VECTOR_72)
    assert hr is not None and hr.bpm == 72 and hr.usable and hr.mac == BAND


@pytest.mark.parametrize("raw", [0xFF, 0xF0, 0x00])
def test_no_heart_rate_is_none(raw: int) -> None:
    payload = bytearray(VECTOR_72)
    payload[3] = raw
    hr = parse_xiaomi_hr(bytes(payload))
    assert hr is not None and hr.bpm is None and not hr.usable


def test_other_formats_carry_no_reading() -> None:
    assert parse_xiaomi_hr(bytes([0x01]) + VECTOR_72[1:]) is None


@pytest.mark.parametrize("data", [b"", bytes([0x02]), VECTOR_72[:-1], VECTOR_72 + b"\x00"])
def test_malformed_raise_parse_error(data: bytes) -> None:
    with pytest.raises(ParseError):
        parse_xiaomi_hr(data)


@given(st.binary(max_size=40))
def test_any_bytes_parse_or_raise_parse_error(data: bytes) -> None:
    try:
        hr = parse_xiaomi_hr(data)
    except ParseError:
        return
    assert hr is None or hr.bpm is None or 0 < hr.bpm < 0xF0


def test_encode_round_trips() -> None:
    assert encode_xiaomi_hr(72, BAND) == VECTOR_72[:1] + bytes(2) + VECTOR_72[3:]
    hr = parse_xiaomi_hr(encode_xiaomi_hr(None, BAND))
    assert hr is not None and hr.bpm is None


def test_timed_broadcast_passes_changes_and_one_repeat_a_second_and_counts_malformed() -> None:
    timed = TimedBroadcast()
    assert timed.read(BAND, VECTOR_72, s_to_ns(0)) is not None
    assert timed.read(BAND, VECTOR_72, s_to_ns(0.3)) is None  # the same frame again
    changed = encode_xiaomi_hr(75, BAND)
    got = timed.read(BAND, changed, s_to_ns(0.4))
    assert got is not None and got.bpm == 75
    assert timed.read(BAND, changed, s_to_ns(1.5)) is not None  # a second later: still worn
    assert timed.read(BAND, b"\x02\x00", s_to_ns(2)) is None
    assert timed.read(BAND, b"", s_to_ns(2)) is None
    assert timed.malformed == 2


def test_reader_publishes_band_heart_rates_and_survives_malformed_advertisements() -> None:
    items: list[BusItem] = []
    clock = [s_to_ns(10)]
    reader = BroadcastReader([AllowedSensor(BAND, "Fox", mode="broadcast")], items.append, clock=lambda: clock[0])
    reader.on_advertisement(BAND.lower(), {COMPANY_ID: b"\x02\x01"})  # malformed: counted, dropped
    reader.on_advertisement(BAND, {COMPANY_ID: VECTOR_72})
    clock[0] += s_to_ns(0.2)
    reader.on_advertisement(BAND, {COMPANY_ID: VECTOR_72})  # repeat within a second: not again
    clock[0] += s_to_ns(1.0)
    reader.on_advertisement(BAND, {COMPANY_ID: encode_xiaomi_hr(None, BAND)})  # stopped measuring
    samples = [i for i in items if isinstance(i, HeartRateSample)]
    assert [(s.bpm, s.contact, s.broadcast) for s in samples] == [(72, None, True)]
    states = [i.state for i in items if isinstance(i, DeviceStatus)]
    assert states == [DeviceState.STREAMING, DeviceState.STALE]
    assert reader.xiaomi.malformed == 1 and reader.published == 1


def test_scan_classifies_a_band_and_shows_its_heart_rate() -> None:
    assert classify(None, [], {COMPANY_ID: VECTOR_72}) == DeviceKind.HEART_RATE
    assert classify(None, [], {COMPANY_ID: b"\x02"}) == DeviceKind.UNKNOWN
    found = Discovery(clock=lambda: 0)
    r = found.add(BAND, "Mi Smart Band 5", -60, [], {COMPANY_ID: VECTOR_72})
    assert r.kind == DeviceKind.HEART_RATE and r.broadcast_bpm == 72


def test_an_emulated_band_is_read_from_its_advertisements() -> None:
    pytest.importorskip("bumble")
    from liike_emulation.peripherals import MiBand
    from liike_emulation.radio import EmulatedWorld
    from liike_emulation.room import EmulatedBackends
    from sensors.ble.service import BleSource

    async def one_band(world: EmulatedWorld) -> None:
        await world.add(MiBand(bpm=lambda t: 90 + t, address=BAND))

    source = BleSource([AllowedSensor(BAND, "Fox", mode="broadcast")], backends=EmulatedBackends(one_band))
    bus = SensorBus()
    source.start(bus)
    try:
        seen: list[HeartRateSample] = []
        deadline = time.monotonic() + 60.0
        while len(seen) < 2:
            assert time.monotonic() < deadline, "no broadcast heart rate from the emulated band"
            time.sleep(0.05)
            seen += [i for i in bus.drain() if isinstance(i, HeartRateSample)]
    finally:
        source.stop()
    assert all(s.source == BAND and s.broadcast and 90 <= s.bpm < 200 for s in seen)
