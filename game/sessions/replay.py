"""A stored session read back for replay: what was played, how, and its streams as bus items.

:func:`open_recording` checks that the session exists and holds raw samples, reads its set-up
(:mod:`game.sessions.replay_tape`) and gives the streams as :class:`sensors.samples` items in
stored order, read lazily from the store, ready for a :class:`sensors.recorded.RecordedSource`.
Device status changes come back from their ``device_status`` events. A session recorded before
sessions kept a frame tape has no set-up: it is replayed from its sample times alone
(:attr:`Recording.exact` False), with the mode and level its row names.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from game.sessions.replay_tape import SETUP_EVENT, TAPE_FORMAT, Frame, iter_frames
from game.sessions.schema import StoreError
from game.sessions.store import SessionStore
from sensors.recorded import STREAMS
from sensors.samples import BusItem, DeviceState, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch, PoseFrame

#: The sample streams a session can be replayed from (device statuses alone are not enough).
SAMPLE_STREAMS = ("hr", "imu", "pose", "fitness")


class ReplayError(Exception):
    """A session cannot be replayed; the message says which and why, and what to do."""


@dataclass(frozen=True)
class Recording:
    """One stored session to replay. ``setup``: its ``replay.setup`` data, None for a session
    recorded without a tape. ``samples``: readings per stream kind."""

    path: Path
    session_id: int
    uuid: str | None
    player: str
    mode: str
    level: str | None
    setup: dict[str, Any] | None
    samples: dict[str, int]
    session_s: float | None

    @property
    def exact(self) -> bool:
        """The session kept its frame tape, so the replay repeats its frames one for one."""
        return self.setup is not None

    def frames(self) -> Iterator[Frame]:
        """The frames of the tape in order (nothing for a session without one)."""
        store = SessionStore(self.path, read_only=True)
        try:
            yield from iter_frames(store.iter_events(self.session_id, stored_order=True))
        finally:
            store.close()

    def streams(self) -> dict[str, Iterator[BusItem]]:
        """Each stream of :data:`sensors.recorded.STREAMS` as items in stored order, read lazily."""
        return {stream: _items(self.path, self.session_id, stream) for stream in STREAMS}


def open_recording(path: Path, session_id: int) -> Recording:
    """The session ``session_id`` of the store ``path``; :class:`ReplayError` if there is no
    such session, it holds no raw samples, or its tape is of a newer format. A store that
    cannot be read raises :class:`StoreError`."""
    if not path.exists():
        raise ReplayError(f"no session store at {path}; pass the store with --db FILE")
    with SessionStore(path, read_only=True) as store:
        row = store.get_session(session_id)
        if row is None:
            raise ReplayError(f"no session {session_id} in {path}; `liike sessions list --db {path}` lists them")
        samples = {k: int(row["samples"].get(k, 0)) for k in SAMPLE_STREAMS}
        if not any(samples.values()):
            raise ReplayError(
                f"session {session_id} holds no raw samples (heart rate, IMU, pose or fitness readings) "
                "to replay: it was played with the keyboard only"
            )
        setup = next((e["data"] for e in store.iter_events(session_id, stored_order=True) if e["kind"] == SETUP_EVENT), None)
        identity = store.identity(session_id) or {}
    if setup is not None:
        version = setup.get("format") if isinstance(setup, dict) else None
        if not isinstance(version, int) or version > TAPE_FORMAT:
            raise ReplayError(
                f"session {session_id} was recorded by a newer Liike (replay format {version!r}, this one reads "
                f"{TAPE_FORMAT}); update Liike to replay it"
            )
    return Recording(
        path=path,
        session_id=session_id,
        uuid=identity.get("uuid"),
        player=str(row["player"]),
        mode=str(row["mode"]),
        level=row.get("level"),
        setup=setup,
        samples=samples,
        session_s=row.get("session_s"),
    )


def _items(path: Path, session_id: int, stream: str) -> Iterator[BusItem]:
    # One read-only connection per stream, open while the stream is read.
    store = SessionStore(path, read_only=True)
    try:
        if stream == "status":
            for ev in store.iter_events(session_id, stored_order=True):
                if ev["kind"] == "device_status":
                    yield status_item(ev["t_ns"], ev["data"])
        else:
            for row in store.iter_samples(session_id, stream, stored_order=True):
                yield sample_item(stream, row)
    except StoreError as exc:
        raise ReplayError(f"cannot read the {stream} stream of session {session_id}: {exc}") from None
    finally:
        store.close()


def status_item(t_ns: int, data: Any) -> DeviceStatus:
    """A stored ``device_status`` event as the status it was on the bus."""
    if not isinstance(data, dict):
        raise ReplayError(f"a device_status event at {t_ns} ns holds no status")
    try:
        state = DeviceState(str(data.get("state")))
    except ValueError:
        raise ReplayError(f"a device_status event at {t_ns} ns has an unknown state {data.get('state')!r}") from None
    return DeviceStatus(
        int(t_ns), str(data.get("source", "")), str(data.get("device_kind", "")), state, str(data.get("message") or "")
    )


def sample_item(stream: str, row: dict[str, Any]) -> BusItem:
    """A stored sample row (:meth:`SessionStore.iter_samples`) as the sample it was on the bus."""
    if stream == "hr":
        return HeartRateSample(
            t_host_ns=row["t_host_ns"],
            source=row["source"],
            bpm=row["bpm"],
            rr_s=tuple(float(r) for r in row["rr_s"]),
            contact=row["contact"],
            energy_kj=row["energy_kj"],
            broadcast=row["broadcast"],
            t_device_ns=row["t_device_ns"],
        )
    if stream == "imu":
        acc = row["acc_g"] if row["acc_g"] is not None else np.zeros((0, 3), np.float32)
        return ImuBatch(
            t_host_ns=row["t_host_ns"],
            source=row["source"],
            rate_hz=row["rate_hz"],
            t_first_ns=row["t_first_ns"],
            acc_g=acc,
            gyr_dps=row["gyr_dps"],
            placement=row["placement"],
            t_device_ns=row["t_device_ns"],
        )
    if stream == "pose":
        return PoseFrame(
            t_host_ns=row["t_host_ns"],
            source=row["source"],
            landmarks=row["landmarks"],
            world=row["world"],
            t_infer_ns=row["t_infer_ns"],
            player=row["player"],
        )
    if stream == "fitness":
        return FitnessSample(
            t_host_ns=row["t_host_ns"],
            source=row["source"],
            speed_mps=row["speed_mps"],
            cadence_spm=row["cadence_spm"],
            cadence_rpm=row["cadence_rpm"],
            power_w=row["power_w"],
            distance_m=row["distance_m"],
            incline_pct=row["incline_pct"],
        )
    raise ValueError(f"unknown stream {stream!r}")
