"""Profiles turn notifications into samples; what a parser refuses is reported, never raised."""

from __future__ import annotations

import asyncio
import struct
from typing import Any

import pytest

from sensors.ble import rsc
from sensors.ble.errors import ParseError
from sensors.ble.profiles import RunningProfile
from sensors.samples import FitnessSample


class FakeServices:
    def get_characteristic(self, uuid: str) -> object | None:
        return object() if uuid == rsc.MEASUREMENT_UUID else None


class FakeClient:
    services = FakeServices()

    def __init__(self) -> None:
        self.callbacks: dict[str, Any] = {}

    async def start_notify(self, uuid: str, callback: Any) -> None:
        self.callbacks[uuid] = callback


class Sink:
    def __init__(self) -> None:
        self.samples: list[tuple[str, Any, bool]] = []
        self.bad: list[tuple[str, ParseError]] = []

    def sample(self, stream: str, item: Any, valid: bool = True) -> None:
        self.samples.append((stream, item, valid))

    def malformed(self, stream: str, error: ParseError) -> None:
        self.bad.append((stream, error))


def test_foot_pod_readings_and_malformed_packets() -> None:
    client, sink = FakeClient(), Sink()
    profile = RunningProfile("AA:BB:CC:DD:EE:FF", clock=lambda: 123)
    asyncio.run(profile.start(client, sink))  # type: ignore[arg-type]
    notify = client.callbacks[rsc.MEASUREMENT_UUID]
    # flags 0x02 (total distance present), speed 3.0 m/s (768/256), cadence 170 steps/min, 1234.5 m
    notify(None, bytearray(bytes([0x02]) + struct.pack("<HB", 768, 170) + struct.pack("<I", 12345)))
    notify(None, bytearray(b"\x00\x01"))  # cut short
    assert len(sink.samples) == 1 and len(sink.bad) == 1 and sink.bad[0][0] == "fitness"
    stream, item, valid = sink.samples[0]
    assert stream == "fitness" and valid and isinstance(item, FitnessSample)
    assert (item.t_host_ns, item.speed_mps, item.cadence_spm) == (123, 3.0, 170.0)
    assert item.distance_m == pytest.approx(1234.5)
