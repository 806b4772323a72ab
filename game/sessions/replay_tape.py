"""What a session keeps so it can be replayed exactly: its set-up and its frame tape.

A game loop's outcome depends on more than the samples: on which frame drained which samples
(threads deliver them whenever they run), on how many fixed update steps each frame ran (real
time between frames), on the host time the game read during the frame, and on the keys pressed.
The live loop records these, one frame at a time, and a replay feeds them back (the idea of a
lock-step demo recording: inputs per tick, not state). Both are stored as events of the session:

``replay.setup`` (one, when the session begins): ``format`` (:data:`TAPE_FORMAT`), ``mode``,
``level`` (its name), ``level_text`` (the level file's text, so a later edit of the file does not
change the replay; None if it could not be read), ``input``, ``seed``, ``sim_fitness``,
``players``, ``update_hz``, ``fps_cap``, ``lang``, ``hr_rest_bpm`` and ``hr_max_bpm`` (the ends
of the heart-rate reserve the game measured intensity against; the player's age and weight are
not stored) and ``devices`` (the newest status of every device when the session began:
``source``, ``device_kind``, ``state``, ``message``).

``replay.frames`` (one per :data:`FRAMES_PER_EVENT` frames, at the first one's host time):
``t0_ns`` (the first frame's host time), ``dt_ns`` (each frame's time after the one before, the
first 0), ``steps`` (fixed updates the frame ran), per stream of
:data:`sensors.recorded.STREAMS` that had any a list of how many of its items each frame
drained, and ``keys``: ``[frame index, "+name" | "-name" | "*"]`` for a key going down, up, and
every hold let go (the window lost focus). Frame times are integers, so the tape is exact.

``replay.of`` (a replay's own session): ``uuid`` and ``session_id`` of the session it replays.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sensors.recorded import STREAMS

#: Version of the set-up and frame records; a replay refuses a tape of a newer format.
TAPE_FORMAT = 1
SETUP_EVENT = "replay.setup"
FRAMES_EVENT = "replay.frames"
REPLAY_OF_EVENT = "replay.of"
#: Event kinds that hold the tape rather than what happened in the game.
TAPE_EVENTS = frozenset({SETUP_EVENT, FRAMES_EVENT, REPLAY_OF_EVENT})
#: Frames per stored event: two seconds at 60 frames a second, about 1-2 kB of JSON.
FRAMES_PER_EVENT = 120

#: Queues one event (host time ns, kind, data): :meth:`game.sessions.SessionWriter.record_event`.
EmitEvent = Callable[[int, str, dict[str, Any]], None]


class TapeError(ValueError):
    """A stored tape cannot be read; the message names the event and field."""


@dataclass(frozen=True, slots=True)
class Frame:
    """One frame of the game loop: its host time (ns), the fixed updates it ran, the items it
    drained per stream and the keys (``+name``, ``-name``, ``*``) it read before draining them."""

    t_ns: int
    steps: int
    counts: Mapping[str, int] = field(default_factory=dict)
    keys: tuple[str, ...] = ()


class FrameTape:
    """Records frames of a live game loop for one session; every :data:`FRAMES_PER_EVENT`
    frames (and at :meth:`flush`) they go to ``emit`` as one ``replay.frames`` event."""

    def __init__(self, emit: EmitEvent, per_event: int = FRAMES_PER_EVENT) -> None:
        if per_event < 1:
            raise ValueError(f"per_event must be at least 1, got {per_event}")
        self._emit = emit
        self._per_event = per_event
        self._frames: list[Frame] = []
        self._keys: list[str] = []
        self.frames = 0  # recorded so far, flushed or not

    def key(self, change: str) -> None:
        """A key change read this frame, before its samples: ``+name``, ``-name`` or ``*``."""
        self._keys.append(change)

    def frame(self, t_ns: int, steps: int, counts: Mapping[str, int]) -> None:
        """Close one frame: its host time, the updates it runs and what it drained per stream."""
        self._frames.append(Frame(int(t_ns), int(steps), {k: v for k, v in counts.items() if v}, tuple(self._keys)))
        self._keys = []
        self.frames += 1
        if len(self._frames) >= self._per_event:
            self.flush()

    def flush(self) -> None:
        """Emit the frames not yet emitted (nothing when there are none)."""
        if not self._frames:
            return
        frames, self._frames = self._frames, []
        self._emit(frames[0].t_ns, FRAMES_EVENT, encode_frames(frames))


def encode_frames(frames: list[Frame]) -> dict[str, Any]:
    """The ``replay.frames`` data of ``frames`` (see the module docstring)."""
    t0 = frames[0].t_ns
    data: dict[str, Any] = {
        "t0_ns": t0,
        "dt_ns": [f.t_ns - p.t_ns for p, f in zip([frames[0], *frames], frames, strict=False)],
        "steps": [f.steps for f in frames],
    }
    for stream in STREAMS:
        column = [f.counts.get(stream, 0) for f in frames]
        if any(column):
            data[stream] = column
    keys = [[i, k] for i, f in enumerate(frames) for k in f.keys]
    if keys:
        data["keys"] = keys
    return data


def _int_list(data: dict[str, Any], name: str, n: int | None, where: str) -> list[int]:
    value = data.get(name)
    if not isinstance(value, list) or not all(isinstance(v, int) and v >= 0 for v in value):
        raise TapeError(f"{where}: {name}: must be a list of whole numbers >= 0")
    if n is not None and len(value) != n:
        raise TapeError(f"{where}: {name}: has {len(value)} entries for {n} frames")
    return value


def decode_frames(data: Any, where: str = FRAMES_EVENT) -> list[Frame]:
    """The frames of one ``replay.frames`` event's data; :class:`TapeError` names what is wrong."""
    if not isinstance(data, dict) or not isinstance(data.get("t0_ns"), int):
        raise TapeError(f"{where}: t0_ns: missing or not a whole number of nanoseconds")
    steps = _int_list(data, "steps", None, where)
    n = len(steps)
    dt = data.get("dt_ns")
    if not isinstance(dt, list) or len(dt) != n or not all(isinstance(v, int) for v in dt):
        raise TapeError(f"{where}: dt_ns: must be {n} whole numbers of nanoseconds")
    columns = {s: _int_list(data, s, n, where) for s in STREAMS if s in data}
    keys: list[list[str]] = [[] for _ in range(n)]
    for entry in data.get("keys", []):
        if not (isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int) and 0 <= entry[0] < n):
            raise TapeError(f"{where}: keys: {entry!r} is not [frame index, key change]")
        keys[entry[0]].append(str(entry[1]))
    frames: list[Frame] = []
    t = int(data["t0_ns"])
    for i in range(n):
        t += dt[i]
        counts = {s: col[i] for s, col in columns.items() if col[i]}
        frames.append(Frame(t, steps[i], counts, tuple(keys[i])))
    return frames


def iter_frames(events: Iterator[dict[str, Any]]) -> Iterator[Frame]:
    """Every frame of a session's tape, from its events in stored order (others are skipped)."""
    for ev in events:
        if ev["kind"] == FRAMES_EVENT:
            yield from decode_frames(ev["data"], f"{FRAMES_EVENT} event {ev.get('seq')}")
