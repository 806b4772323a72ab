"""game.sessions.replay_tape: frames recorded in chunks, stored as JSON, read back exactly."""

from __future__ import annotations

import json
from typing import Any

import pytest

from game.sessions.replay_tape import FRAMES_EVENT, Frame, FrameTape, TapeError, decode_frames, encode_frames, iter_frames


def test_frames_round_trip_through_json_in_chunks() -> None:
    emitted: list[tuple[int, str, dict[str, Any]]] = []
    tape = FrameTape(lambda t, k, d: emitted.append((t, k, json.loads(json.dumps(d)))), per_event=3)
    tape.key("+space")
    tape.frame(1_000, 1, {"pose": 1, "hr": 0})
    tape.frame(17_000, 2, {"imu": 3, "status": 1})
    tape.key("-space")
    tape.key("*")
    tape.frame(33_500, 0, {})
    tape.frame(50_000, 2, {"pose": 2})
    assert len(emitted) == 1 and tape.frames == 4  # the fourth waits for the flush
    tape.flush()
    tape.flush()  # nothing more to emit
    assert [(t, k) for t, k, _ in emitted] == [(1_000, FRAMES_EVENT), (50_000, FRAMES_EVENT)]
    assert "hr" not in emitted[0][2] and "fitness" not in emitted[0][2]
    events = [{"kind": k, "data": d, "seq": i} for i, (_, k, d) in enumerate(emitted)]
    events.insert(1, {"kind": "step", "data": {}, "seq": 9})
    assert list(iter_frames(iter(events))) == [
        Frame(1_000, 1, {"pose": 1}, ("+space",)),
        Frame(17_000, 2, {"imu": 3, "status": 1}),
        Frame(33_500, 0, {}, ("-space", "*")),
        Frame(50_000, 2, {"pose": 2}),
    ]


def test_encode_then_decode_is_the_identity() -> None:
    frames = [Frame(10**15, 0), Frame(10**15 + 16_666_667, 2, {"fitness": 1}, ("+left",))]
    assert decode_frames(encode_frames(frames)) == frames


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (None, "t0_ns: missing"),
        ({"t0_ns": 1.5, "steps": [], "dt_ns": []}, "t0_ns: missing"),
        ({"t0_ns": 1, "steps": [1, -1], "dt_ns": [0, 1]}, "steps: must be a list"),
        ({"t0_ns": 1, "steps": [1, 1], "dt_ns": [0]}, "dt_ns: must be 2 whole numbers"),
        ({"t0_ns": 1, "steps": [1], "dt_ns": [0], "pose": [1, 2]}, "pose: has 2 entries for 1 frames"),
        ({"t0_ns": 1, "steps": [1], "dt_ns": [0], "keys": [[3, "+a"]]}, r"keys: \[3, '\+a'\] is not"),
    ],
)
def test_a_damaged_tape_is_named(data: Any, message: str) -> None:
    with pytest.raises(TapeError, match=message):
        decode_frames(data, "replay.frames event 4")


def test_chunks_must_hold_a_frame() -> None:
    with pytest.raises(ValueError, match="per_event"):
        FrameTape(lambda t, k, d: None, per_event=0)
