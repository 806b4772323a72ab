"""Running Speed and Cadence (service 0x1814): RSC Measurement (0x2A53).

Layout (Bluetooth SIG Running Speed and Cadence Service 1.0 / GATT Specification Supplement,
"RSC Measurement"), little-endian: flags uint8 (bit0 stride length present, bit1 total
distance present, bit2 running (1) or walking (0)); speed uint16 in 1/256 m/s; cadence uint8
in steps/min; stride length uint16 in 0.01 m; total distance uint32 in 0.1 m. Reserved flag bits
(3-7) are accepted as values; then trailing bytes are tolerated.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from sensors.ble.errors import flagged_length

SERVICE_UUID = "00001814-0000-1000-8000-00805f9b34fb"
MEASUREMENT_UUID = "00002a53-0000-1000-8000-00805f9b34fb"


@dataclass(frozen=True, slots=True)
class RscMeasurement:
    speed_mps: float
    cadence_spm: int
    running: bool
    stride_m: float | None = None
    distance_m: float | None = None


def parse_rsc_measurement(data: bytes) -> RscMeasurement:
    flags = flagged_length("RSC Measurement", data, 0xF8, 4, {0x01: 2, 0x02: 4})
    speed, cadence = struct.unpack_from("<HB", data, 1)
    pos = 4
    stride = distance = None
    if flags & 1:
        stride = struct.unpack_from("<H", data, pos)[0] / 100
        pos += 2
    if flags & 2:
        distance = struct.unpack_from("<I", data, pos)[0] / 10
    return RscMeasurement(speed / 256, cadence, bool(flags & 4), stride, distance)
