"""Local stores with finished sessions in them, and their row counts, for the sync tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from game.sessions import SessionWriter
from sensors.clock import ManualClock
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample, ImuBatch, PoseFrame

S = 1_000_000_000

#: Local tables forwarded, and the server table of each (the same names).
TABLES = ("hr", "imu", "pose", "fitness", "events", "gaps", "devices")


def record_sessions(
    db: Path, installation: str, n: int, *, player: str = "fox", mode: str = "runner", level: str = "Meadow", seconds: int = 20
) -> list[int]:
    """``n`` finished sessions of ``seconds`` each: heart rate at 1 Hz, 50 Hz IMU batches of 10,
    pose at 5 Hz, an event a second; scores 100, 110, 120 ..."""
    ids = []
    for k in range(n):
        clock = ManualClock(0)
        w = SessionWriter(
            db, player=player, mode=mode, level=level, flush_interval_s=0.05, clock=clock, installation=lambda: installation
        )
        ids.append(w.start())
        w.record([DeviceStatus(0, "AA:BB", "heart_rate", DeviceState.STREAMING, "Polar H10", model="H10", firmware="5.0.0")])
        for i in range(seconds):
            t = (i + 1) * S
            clock.advance(S)
            w.record([HeartRateSample(t_host_ns=t, source="AA:BB", bpm=100 + i, rr_s=(0.6, 0.61))])
            for b in range(5):
                acc = np.full((10, 3), i + b / 10, dtype=np.float32)
                w.record(
                    [
                        ImuBatch(
                            t_host_ns=t + b * S // 5,
                            source="imu",
                            rate_hz=50,
                            t_first_ns=t + b * S // 5,
                            acc_g=acc,
                            placement="waist",
                        )
                    ]
                )
                w.record(
                    [PoseFrame(t_host_ns=t + b * S // 5, source="camera:0", landmarks=np.full((33, 4), b, dtype=np.float32))]
                )
            w.record_event(t, "step", {"i": i})
        w.finish(100 + 10 * k, {"note": "test"})
        assert w.intact
    return ids


def local_counts(db: Path) -> dict[str, int]:
    """Rows per forwarded table in a local store, and finished sessions."""
    conn = sqlite3.connect(db)
    try:
        out = {t: int(conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]) for t in TABLES}
        out["sessions"] = int(conn.execute("SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL").fetchone()[0])
    finally:
        conn.close()
    return out
