"""CSV: one file per stream (hr, imu, pose, fitness), plus the session's events and gaps, with
units in the column names. Each IMU sample is its own row (a batch's samples are spread at its
rate from its first sample's time); every row has host monotonic time in ns and UTC time in
seconds since the Unix epoch, so rows of different files line up.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np

from game.sessions.exports.common import SessionInfo, atomic_file
from game.sessions.store import STREAM_KINDS, SessionStore

AXES = ("x", "y", "z")
#: BlazePose landmark fields as stored (sensors.samples.PoseFrame).
LANDMARK_FIELDS = (("x", "image width"), ("y", "image height"), ("z", "image width"), ("visibility", "0-1"))

HEADERS: dict[str, list[str]] = {
    "hr": [
        "seq",
        "t_host_ns (ns, host monotonic)",
        "t_utc_s (s since 1970-01-01 UTC)",
        "t_device_ns (ns, device clock)",
        "bpm (1/min)",
        "rr_s (s, ;-separated)",
        "contact (1/0)",
        "broadcast (1/0)",
        "energy_kj (kJ)",
        "source",
    ],
    "imu": [
        "seq (batch)",
        "i (sample in batch)",
        "t_host_ns (ns, host monotonic)",
        "t_utc_s (s since 1970-01-01 UTC)",
        *(f"acc_{a} (g)" for a in AXES),
        *(f"gyr_{a} (deg/s)" for a in AXES),
        "rate_hz (Hz)",
        "t_device_ns (ns, device clock, first sample of the batch)",
        "t_arrival_ns (ns, host monotonic, batch arrival)",
        "placement",
        "source",
    ],
    "pose": [
        "seq",
        "t_host_ns (ns, host monotonic, frame capture)",
        "t_utc_s (s since 1970-01-01 UTC)",
        "t_infer_ns (ns, host monotonic, inference done)",
        "player",
        "source",
        *(f"lm{i}_{name} ({unit})" for i in range(33) for name, unit in LANDMARK_FIELDS),
        *(f"world{i}_{a} (m)" for i in range(33) for a in AXES),
    ],
    "fitness": [
        "seq",
        "t_host_ns (ns, host monotonic)",
        "t_utc_s (s since 1970-01-01 UTC)",
        "speed_mps (m/s)",
        "cadence_spm (steps/min)",
        "cadence_rpm (rev/min)",
        "power_w (W)",
        "distance_m (m, device total)",
        "incline_pct (%)",
        "source",
    ],
    "events": ["seq", "t_host_ns (ns, host monotonic)", "t_utc_s (s since 1970-01-01 UTC)", "kind", "data (JSON)"],
    "gaps": [
        "seq",
        "kind",
        "stream",
        "source",
        "t_from_ns (ns, host monotonic)",
        "t_to_ns (ns, host monotonic; empty: open at the end)",
        "t_from_utc_s (s since 1970-01-01 UTC)",
        "t_to_utc_s (s since 1970-01-01 UTC)",
        "detail",
    ],
}


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return int(value)
    return value


def _utc(info: SessionInfo, t_ns: int | None) -> str:
    return "" if t_ns is None else f"{info.wall_ns(t_ns) / 1e9:.6f}"


def _quoted(text: str) -> str:
    """One CSV field as the csv module writes it (quoted when it holds a comma, quote or line break)."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="").writerow([text])
    return buf.getvalue()


#: IMU samples formatted together: numpy formats a block at a time, and a block this size is a
#: few MB of text at most, so memory stays bounded whatever the session's length.
IMU_BLOCK = 8192


def _imu_rows(f: Any, info: SessionInfo, batches: Iterable[dict[str, Any]]) -> None:
    block: list[dict[str, Any]] = []
    size = 0
    for b in batches:
        block.append(b)
        size += int(b["n"])
        if size >= IMU_BLOCK:
            _imu_block(f, info, block)
            block, size = [], 0
    if block:
        _imu_block(f, info, block)


def _imu_block(f: Any, info: SessionInfo, batches: list[dict[str, Any]]) -> None:
    """Rows of consecutive IMU batches: each sample at its batch's first time plus i / rate."""
    counts = [int(b["n"]) for b in batches]
    seq = np.repeat(np.array([b["seq"] for b in batches], dtype=np.int64), counts)
    index = np.concatenate([np.arange(n, dtype=np.int64) for n in counts])
    step = np.repeat(np.array([1e9 / b["rate_hz"] for b in batches]), counts)
    t = np.repeat(np.array([b["t_first_ns"] for b in batches], dtype=np.int64), counts) + np.round(index * step).astype(np.int64)
    utc = (info.wall_anchor_ns + (t - int(info.identity["mono_anchor_ns"]))) / 1e9
    acc = np.concatenate([b["acc_g"] for b in batches])
    gyr = np.concatenate(
        [
            b["gyr_dps"] if b["gyr_dps"] is not None else np.full((n, 3), np.nan, np.float32)
            for b, n in zip(batches, counts, strict=True)
        ]
    )
    tails = [
        ","
        + ",".join(
            [
                repr(float(b["rate_hz"])),
                "" if b["t_device_ns"] is None else str(b["t_device_ns"]),
                str(b["t_host_ns"]),
                _quoted(b["placement"]),
                _quoted(b["source"]),
            ]
        )
        + "\r\n"
        for b in batches
    ]
    # Integers and reals are formatted apart (ns times exceed what a float64 holds exactly); %.9g
    # keeps every float32 exactly (9 significant digits round-trip a float32). The reals block
    # holds only numbers, so its "nan" (no gyroscope) can be emptied safely.
    left, right = io.StringIO(), io.StringIO()
    np.savetxt(left, np.column_stack([seq, index, t]), fmt="%d", delimiter=",")
    np.savetxt(right, np.column_stack([utc, acc, gyr]), fmt=["%.6f", *["%.9g"] * 6], delimiter=",")
    row_tail = [tail for tail, n in zip(tails, counts, strict=True) for _ in range(n)]
    lines = zip(left.getvalue().splitlines(), right.getvalue().replace("nan", "").splitlines(), row_tail, strict=True)
    f.write("".join(a + "," + r + tail for a, r, tail in lines))


def write(store: SessionStore, info: SessionInfo, out_dir: Path) -> list[Path]:
    """Write ``<stem>-<stream>.csv`` for each stream with readings, ``-events`` and ``-gaps``; return the paths."""
    sid = info.session_id
    written: list[Path] = []
    counts = info.detail["samples"]
    for kind in STREAM_KINDS:
        if not counts.get(kind):
            continue
        path = out_dir / f"{info.stem}-{kind}.csv"
        with atomic_file(path) as f:
            w = csv.writer(f)
            w.writerow(HEADERS[kind])
            rows = store.iter_samples(sid, kind, chunk=64 if kind == "imu" else 1024)
            if kind == "imu":
                _imu_rows(f, info, rows)
            for r in rows if kind != "imu" else ():
                if kind == "hr":
                    w.writerow(
                        _cell(v)
                        for v in (
                            r["seq"],
                            r["t_host_ns"],
                            _utc(info, r["t_host_ns"]),
                            r["t_device_ns"],
                            r["bpm"],
                            ";".join(repr(x) for x in r["rr_s"]),
                            r["contact"],
                            r["broadcast"],
                            r["energy_kj"],
                            r["source"],
                        )
                    )
                elif kind == "pose":
                    world = r["world"].ravel().tolist() if r["world"] is not None else [""] * 99
                    head = [r["seq"], r["t_host_ns"], _utc(info, r["t_host_ns"]), r["t_infer_ns"], r["player"], r["source"]]
                    w.writerow([_cell(v) for v in head] + r["landmarks"].ravel().tolist() + world)
                else:
                    values = [r[k] for k in ("speed_mps", "cadence_spm", "cadence_rpm", "power_w", "distance_m", "incline_pct")]
                    w.writerow(_cell(v) for v in (r["seq"], r["t_host_ns"], _utc(info, r["t_host_ns"]), *values, r["source"]))
        written.append(path)
    path = out_dir / f"{info.stem}-events.csv"
    with atomic_file(path) as f:
        w = csv.writer(f)
        w.writerow(HEADERS["events"])
        for e in store.iter_events(sid):
            data = "" if e["data"] is None else json.dumps(e["data"], ensure_ascii=False)
            w.writerow([e["seq"], e["t_ns"], _utc(info, e["t_ns"]), e["kind"], data])
    written.append(path)
    path = out_dir / f"{info.stem}-gaps.csv"
    with atomic_file(path) as f:
        w = csv.writer(f)
        w.writerow(HEADERS["gaps"])
        for g in store.gaps(sid):
            w.writerow(
                _cell(v)
                for v in (
                    g["seq"],
                    g["kind"],
                    g["stream"],
                    g["source"],
                    g["t_from_ns"],
                    g["t_to_ns"],
                    _utc(info, g["t_from_ns"]),
                    _utc(info, g["t_to_ns"]),
                    g["detail"],
                )
            )
    written.append(path)
    return written
