"""``liike analyze session ID``: the detectors of ``analyze imu``, ``rr`` and ``video`` run again
on a stored session's raw streams.

What the session holds decides what is reported, each part with the fields of its file command:

- ``rr``: the RR intervals of its heart-rate stream (all straps, in time order), kept within the
  same physical range as ``analyze rr`` (200-3000 ms), through the same HRV code;
- ``imu``: one entry per IMU (by source), its batches joined into one recording at the stored
  nominal rate (a batch that repeats samples already seen adds only its new tail), through the
  same :func:`sensors.motion.analysis.analyze_imu`, plus ``source`` and ``gaps`` (the stream's
  stored data gaps: the analysis treats the recording as continuous);
- ``pose``: one entry per player, the stored (already smoothed) pose frames through the game's
  :class:`~sensors.motion.tracker.MotionTracker`, as ``analyze video`` feeds it, with the
  video's movement counts; ``fps`` is the frames' mean rate, and the picture's size and the
  model are not stored (null).

A part the session has no data for is null.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from game.cli.analyze import MAX_RR_MS, MIN_RR_MS, _print_imu, _print_rr, analyze_rr, finite_or_none, one_line
from game.cli.analyze_video import COUNTED, format_summary
from game.cli.common import EXIT_BAD_INPUT

#: Width / height the live game gives the tracker until a camera tells its own (most webcams,
#: and the simulated player's camera, are 4:3): see game.engine.run.WEBCAM_ASPECT_WH.
PICTURE_ASPECT_WH = 4 / 3


class SessionProblem(Exception):
    """The session cannot be analysed; the message says which and why."""


def analyze_session(db: Path, session_id: int) -> dict[str, Any]:
    """The ``rr``, ``imu`` and ``pose`` analyses of one stored session (see the module docstring)."""
    from game.sessions import SessionStore, StoreError

    if not db.exists():
        raise SessionProblem(f"no session store at {db}; pass the store with --db FILE")
    try:
        with SessionStore(db, read_only=True) as store:
            row = store.get_session(session_id)
            if row is None:
                raise SessionProblem(f"no session {session_id} in {db}; `liike sessions list --db {db}` lists them")
            gaps = store.gaps(session_id)
            result: dict[str, Any] = {
                "session_id": session_id,
                "uuid": (store.identity(session_id) or {}).get("uuid"),
                "mode": row["mode"],
                "level": row["level"],
                "rr": _rr(store, session_id),
                "imu": _imu(store, session_id, gaps),
                "pose": _pose(store, session_id),
            }
    except StoreError as exc:
        raise SessionProblem(str(exc)) from None
    return result


def _rr(store: Any, session_id: int) -> dict[str, Any] | None:
    rr_ms = [1000.0 * r for s in store.iter_samples(session_id, "hr") for r in s["rr_s"]]
    if not rr_ms:
        return None
    values = np.asarray(rr_ms)
    kept = values[(values >= MIN_RR_MS) & (values <= MAX_RR_MS)]
    if kept.size < 2:
        return None
    return analyze_rr(kept, int(values.size - kept.size))


def _imu(store: Any, session_id: int, gaps: list[dict[str, Any]]) -> list[dict[str, Any]] | None:
    from sensors.motion.analysis import analyze_imu

    parts: dict[str, dict[str, Any]] = {}
    for batch in store.iter_samples(session_id, "imu"):
        part = parts.setdefault(
            batch["source"],
            {"rate_hz": batch["rate_hz"], "placement": batch["placement"], "acc": [], "gyr": [], "last_ns": None},
        )
        acc, gyr = batch["acc_g"], batch["gyr_dps"]
        times = batch["t_first_ns"] + np.round(np.arange(acc.shape[0]) * 1e9 / part["rate_hz"]).astype(np.int64)
        new = times > part["last_ns"] if part["last_ns"] is not None else np.ones(times.shape, bool)
        if not new.any():
            continue
        part["acc"].append(acc[new])
        part["gyr"].append(None if gyr is None else gyr[new])
        part["last_ns"] = int(times[new][-1])
    if not parts:
        return None
    out = []
    for source, part in sorted(parts.items()):
        acc = np.concatenate(part["acc"])
        gyr = np.concatenate(part["gyr"]) if all(g is not None for g in part["gyr"]) else None
        with np.errstate(all="ignore"):  # a value that cannot be computed becomes null, as in analyze imu
            found = analyze_imu(acc, gyr, float(part["rate_hz"]), str(part["placement"]))
        found["source"] = source
        found["gaps"] = sum(1 for g in gaps if g["source"] == source and g["stream"] in ("imu", None))
        out.append(found)
    return out


def _pose(store: Any, session_id: int) -> list[dict[str, Any]] | None:
    from sensors.motion.tracker import MotionTracker

    trackers: dict[int, MotionTracker] = {}
    counts: dict[int, Counter[str]] = {}
    spans: dict[int, list[int]] = {}
    frames: dict[int, int] = {}
    sources: dict[int, str] = {}
    for frame in _pose_frames(store, session_id):
        p = frame.player
        tracker = trackers.setdefault(p, MotionTracker(player=p, image_aspect_wh=PICTURE_ASPECT_WH))
        counts.setdefault(p, Counter()).update(e.kind for e in tracker.feed(frame))
        span = spans.setdefault(p, [frame.t_host_ns, frame.t_host_ns])
        span[1] = frame.t_host_ns
        frames[p] = frames.get(p, 0) + 1
        sources[p] = frame.source
    if not frames:
        return None
    out = []
    for p in sorted(frames):
        duration_s = (spans[p][1] - spans[p][0]) / 1e9
        n = frames[p]
        fps = (n - 1) / duration_s if duration_s > 0 else None
        summary: dict[str, Any] = {"file": f"session {session_id}, {sources[p]}", "player": p, "frames": n, "pose_frames": n}
        summary.update({name: counts[p].get(kind, 0) for kind, name in COUNTED.items()})
        summary.update(
            {
                "fps": None if fps is None else round(fps, 3),
                "fps_from_file": True,
                "duration_s": round(duration_s, 3),
                "width": None,
                "height": None,
                "model": None,
            }
        )
        out.append(summary)
    return out


def _pose_frames(store: Any, session_id: int) -> Any:
    from game.sessions.replay import sample_item

    for row in store.iter_samples(session_id, "pose"):
        yield sample_item("pose", row)


def _print(result: dict[str, Any]) -> None:
    print(f"session {result['session_id']} ({result['mode']}, {result['level']})")
    if result["rr"] is not None:
        print("-- heart rate (RR intervals)")
        _print_rr(result["rr"])
    for imu in result["imu"] or []:
        print(f"-- IMU {imu['source']}")
        _print_imu(imu)
    for pose in result["pose"] or []:
        print(f"-- pose, player {pose['player']}")
        print(format_summary({**pose, "fps": pose["fps"] or 0.0, "width": "?", "height": "?", "model": "as recorded"}))
    if result["rr"] is None and not result["imu"] and not result["pose"]:
        print("no RR intervals, IMU or pose data in this session")


def cmd_analyze_session(args: argparse.Namespace) -> int:
    from game.sessions import default_db_path

    db = args.db if args.db is not None else default_db_path(create=False)
    try:
        result = finite_or_none(analyze_session(db, args.session))
    except SessionProblem as exc:
        print(f"liike: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(result, allow_nan=False))
    else:
        _print(result)
    return 0
