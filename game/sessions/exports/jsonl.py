"""JSON Lines: everything in a session, lossless, one JSON object per line.

Line 1 is the session (``"type": "session"``: :meth:`SessionStore.get_session`'s fields, its
identity and clock anchor, see :meth:`SessionStore.identity`), then one line per device
(``"device"``), per reading of each stream in time order (``"hr"``, ``"imu"``, ``"pose"``,
``"fitness"``), per event (``"event"``) and per gap (``"gap"``). Times are the store's own
integers (host monotonic ns; Unix ns for the anchor). Arrays are nested lists of the stored
float32 values written as the float64 numbers they equal exactly, so :func:`read` gives back
the very same float32 arrays.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from game.sessions.exports.common import SessionInfo, atomic_file
from game.sessions.store import STREAM_KINDS, SessionStore

#: Array fields per stream: name -> columns (sensors.samples).
ARRAYS = {"imu": {"acc_g": 3, "gyr_dps": 3}, "pose": {"landmarks": 4, "world": 3}}


def _line(obj: dict[str, Any]) -> str:
    # allow_nan=False: a NaN would make the line unreadable to strict JSON readers; the store never holds one.
    return json.dumps(obj, ensure_ascii=False, allow_nan=False, separators=(",", ":")) + "\n"


def _plain(kind: str, row: dict[str, Any]) -> dict[str, Any]:
    out = {"type": kind, **row}
    for name in ARRAYS.get(kind, {}):
        value = out[name]
        out[name] = None if value is None else value.tolist()  # float32 -> the equal Python float
    return out


def write(store: SessionStore, info: SessionInfo, out_dir: Path) -> list[Path]:
    """Write ``<stem>.jsonl``; return its path."""
    sid = info.session_id
    path = out_dir / f"{info.stem}.jsonl"
    with atomic_file(path) as f:
        f.write(_line({"type": "session", **info.detail, **info.identity}))
        for device in store.devices(sid):
            f.write(_line({"type": "device", **device}))
        for kind in STREAM_KINDS:
            for row in store.iter_samples(sid, kind, chunk=64 if kind == "imu" else 512):
                f.write(_line(_plain(kind, row)))
        for event in store.iter_events(sid):
            f.write(_line({"type": "event", **event}))
        for gap in store.gaps(sid):
            f.write(_line({"type": "gap", **gap}))
    return [path]


def read(path: Path) -> Iterator[dict[str, Any]]:
    """The objects of a file :func:`write` made, one per line, arrays back as float32 numpy arrays
    (as :meth:`SessionStore.iter_samples` gives them). Raises ValueError naming the line of a bad one."""
    with open(path, encoding="utf-8") as f:
        for number, text in enumerate(f, 1):
            try:
                obj = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{number}: not a JSON object ({exc.msg})") from None
            if not isinstance(obj, dict) or "type" not in obj:
                raise ValueError(f"{path}:{number}: expected an object with a 'type'")
            for name, cols in ARRAYS.get(obj["type"], {}).items():
                if obj.get(name) is not None:
                    obj[name] = np.asarray(obj[name], dtype=np.float32).reshape(-1, cols)
            yield obj
