"""Bluetooth benchmarks: parser throughput beside the published ``bleakheart`` decoders, and
notification-to-bus latency and reconnect time over the emulated Bluetooth stack (bumble).

Usage: python benchmarks/ble.py [--notifications 500] [--drops 10]
Needs the test extras (bumble) and, for the side-by-side parser figures, ``pip install bleakheart``
(``make bench`` installs it). Results go in BENCHMARKS.md with the machine they ran on.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import struct
import sys
import timeit
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sensors.ble import heart_rate, polar_pmd  # noqa: E402
from sensors.clock import now_ns  # noqa: E402

# A Polar H10-style HR notification: flags 0x16 (contact supported and detected, RR present),
# 72 bpm, two RR intervals of 833 ms (853/1024 s).
HR_PACKET = bytes([0x16, 72]) + struct.pack("<HH", 853, 853)
# A raw PMD ACC frame as the H10 sends at 200 Hz: 36 samples of int16 x/y/z in mG.
ACC_PACKET = (
    bytes([polar_pmd.TYPE_ACC])
    + struct.pack("<Q", 599_616_000_000_000_000)
    + bytes([0x01])
    + b"".join(struct.pack("<hhh", 10 * i, 1000 - i, -5 * i) for i in range(36))
)


def _rate(fn: Callable[[], object], number: int) -> float:
    times = timeit.repeat(fn, number=number, repeat=7)
    return number / statistics.median(times)


def parse_throughput() -> None:
    ours_hr = _rate(lambda: heart_rate.to_sample(heart_rate.parse_heart_rate_measurement(HR_PACKET), 0, "x"), 20000)
    ours_acc = _rate(lambda: polar_pmd.parse_acc_frame(ACC_PACKET).to_batch(200, 0, "x"), 5000)
    print("parser throughput (median of 7 runs, ops/s):")
    print(f"  HR measurement -> HeartRateSample: liike {ours_hr:,.0f}")
    print(f"  PMD ACC frame (36 samples) -> ImuBatch: liike {ours_acc:,.0f}")
    try:
        from bleakheart import HeartRate, PolarMeasurementData
    except ImportError:
        print("  bleakheart not installed (pip install bleakheart): no side-by-side figures")
        return
    hr = HeartRate(None, callback=lambda _: None)
    pmd = PolarMeasurementData(None, callback=lambda _: None)
    theirs_hr = _rate(lambda: hr._decode(bytearray(HR_PACKET)), 20000)
    theirs_acc = _rate(lambda: pmd._decode_acc_data(bytearray(ACC_PACKET)), 5000)
    assert hr._decode(bytearray(HR_PACKET))["hr"] == heart_rate.parse_heart_rate_measurement(HR_PACKET).bpm
    assert np.allclose(pmd._decode_acc_data(bytearray(ACC_PACKET)), polar_pmd.parse_acc_frame(ACC_PACKET).acc_mg)
    print(f"  HR: bleakheart {theirs_hr:,.0f} (dict)  -> liike/bleakheart {ours_hr / theirs_hr:.2f}")
    print(f"  ACC: bleakheart {theirs_acc:,.0f} (list of tuples) -> liike/bleakheart {ours_acc / theirs_acc:.2f}")


async def latency_and_reconnect(notifications: int, drops: int) -> None:
    from bumble.gatt import Characteristic

    from liike_emulation import EmulatedWorld
    from liike_emulation.bleak_backend import client_backend_for
    from liike_emulation.peripherals import HeartRateStrap
    from sensors.ble.link import SensorLink
    from sensors.samples import DeviceState, HeartRateSample

    sent_ns: list[int] = []

    class TimedStrap(HeartRateStrap):
        async def notify(self, characteristic: Characteristic, value: bytes) -> None:
            sent_ns.append(now_ns())
            await super().notify(characteristic, value)

    world = EmulatedWorld()
    strap = await world.add(TimedStrap(period_s=0.02))
    received_ns: list[int] = []

    def emit(item: object) -> None:
        if isinstance(item, HeartRateSample):
            received_ns.append(now_ns())  # the moment the sample would be on the SensorBus

    link = SensorLink(strap.address, emit, client_backend=client_backend_for(world))
    task = asyncio.create_task(link.run())
    while len(received_ns) < notifications:
        await asyncio.sleep(0.05)
    # Pair each sample with the latest notification sent before it arrived (the strap also
    # "sends" before the link has subscribed; those never arrive).
    sent = np.array(sent_ns)
    got = np.array(received_ns)
    idx = np.searchsorted(sent, got, side="right") - 1
    lat_ms = (got - sent[idx]) / 1e6
    n = len(lat_ms)
    print(
        f"notification -> bus over the emulated link (n={n}): median {np.median(lat_ms):.3f} ms, "
        f"p99 {np.percentile(lat_ms, 99):.3f} ms, max {lat_ms.max():.3f} ms"
    )

    loop = asyncio.get_running_loop()
    to_first_sample: list[float] = []
    for _ in range(drops):
        before = len(received_ns)
        t_drop = loop.time()
        await strap.drop()
        while link.state not in (DeviceState.DISCONNECTED, DeviceState.SEARCHING):
            await asyncio.sleep(0.005)
        while len(received_ns) <= before or link.state != DeviceState.STREAMING:
            await asyncio.sleep(0.005)
        to_first_sample.append(loop.time() - t_drop)
    rc = np.array(link.stats.reconnect_s) * 1e3
    first = np.array(to_first_sample) * 1e3
    print(
        f"reconnect after a peripheral-side drop (n={drops}, default backoff: first retry 0.25 s +-20 %): "
        f"drop -> connected median {np.median(rc):.0f} ms (max {rc.max():.0f}); "
        f"drop -> first sample median {np.median(first):.0f} ms (max {first.max():.0f}, includes the strap's 20 ms period)"
    )
    link.stop()
    await task
    await world.close()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--notifications", type=int, default=500)
    ap.add_argument("--drops", type=int, default=10)
    args = ap.parse_args()
    parse_throughput()
    try:
        import bumble  # noqa: F401
    except ImportError:
        print("bumble not installed (pip install -e '.[test]'): no link figures")
        return 0
    asyncio.run(latency_and_reconnect(args.notifications, args.drops))
    return 0


if __name__ == "__main__":
    sys.exit(main())
