"""What every export format shares: the session's header, absolute time, file naming, atomic files.

Absolute time: the store keeps host monotonic ns for every reading and, per session, a wall-clock
anchor (schema version 4); a reading at ``t_ns`` happened at Unix time
``wall_anchor_ns + (t_ns - mono_anchor_ns)`` (UTC).
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from game.sessions.store import SessionStore

#: Export formats, by the name ``liike sessions export --format`` takes.
FORMATS = ("csv", "jsonl", "tcx", "fit")


class ExportError(Exception):
    """A session cannot be exported; the message names what and what to do."""


@dataclasses.dataclass(frozen=True)
class SessionInfo:
    """One session as the exporters need it: ``detail`` (:meth:`SessionStore.get_session`),
    ``identity`` (:meth:`SessionStore.identity`), and its absolute start and end (Unix ns, UTC)."""

    session_id: int
    detail: dict[str, Any]
    identity: dict[str, Any]

    @property
    def wall_anchor_ns(self) -> int:
        return int(self.identity["wall_anchor_ns"])

    def wall_ns(self, t_ns: int) -> int:
        """Unix time (UTC, ns) of host monotonic time ``t_ns``."""
        return self.wall_anchor_ns + (int(t_ns) - int(self.identity["mono_anchor_ns"]))

    @property
    def start_wall_ns(self) -> int:
        return self.wall_ns(self.identity["t0_ns"])

    @property
    def end_wall_ns(self) -> int:
        """The session's end: its end stamp, or (never finished) its last reading, or its start."""
        length_s = self.detail.get("session_s")
        return self.start_wall_ns + (round(length_s * 1e9) if length_s is not None else 0)

    @property
    def stem(self) -> str:
        """File name stem: ``liike-<id>-<first 8 of the UUID>`` (the id alone for an old store read as it is)."""
        uid = self.identity.get("uuid")
        return f"liike-{self.session_id}" + (f"-{str(uid)[:8]}" if uid else "")


def load_info(store: SessionStore, session_id: int) -> SessionInfo:
    detail = store.get_session(session_id)
    identity = store.identity(session_id)
    if detail is None or identity is None:
        raise ExportError(f"no session {session_id} in {store.path}; `liike sessions list` shows the ids")
    if identity["wall_anchor_ns"] is None or identity["mono_anchor_ns"] is None:
        raise ExportError(
            f"session {session_id} in {store.path} has no readable start time ({detail['started_at']!r}), "
            "so its readings cannot be placed in absolute time; export it as jsonl or csv from a copy upgraded by this version"
        )
    return SessionInfo(session_id, detail, identity)


def iso_utc(wall_ns: int, digits: int = 3) -> str:
    """Unix ns as ISO-8601 UTC with ``Z``, e.g. ``2026-11-29T10:00:01.250Z`` (``digits`` of the second)."""
    seconds, ns = divmod(int(wall_ns), 1_000_000_000)
    text = datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%S")
    if digits:
        text += f".{ns:09d}"[: digits + 1]
    return text + "Z"


@contextlib.contextmanager
def atomic_file(path: Path, mode: str = "w") -> Iterator[IO[Any]]:
    """A file written under ``<path>.part`` and renamed to ``path`` when complete: a failed export
    (disk full, interrupted) never leaves a file that looks whole."""
    partial = path.with_name(path.name + ".part")
    try:
        f: IO[Any] = open(partial, mode) if "b" in mode else open(partial, mode, encoding="utf-8", newline="")  # noqa: SIM115
        with f:
            yield f
        os.replace(partial, path)
    except BaseException:
        with contextlib.suppress(OSError):
            partial.unlink()
        raise


Writer = Callable[[SessionStore, SessionInfo, Path], list[Path]]


def export_session(store: SessionStore, session_id: int, fmt: str, out_dir: Path) -> list[Path]:
    """Write session ``session_id`` of ``store`` in format ``fmt`` (one of :data:`FORMATS`) into
    ``out_dir`` (which must exist); return the paths written. Raises :class:`ExportError` for an
    unknown session or format, :class:`OSError` when a file cannot be written."""
    from game.sessions.exports import csv_files, fit, jsonl, tcx

    writers: dict[str, Writer] = {"csv": csv_files.write, "jsonl": jsonl.write, "tcx": tcx.write, "fit": fit.write}
    if fmt not in writers:
        raise ExportError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    info = load_info(store, session_id)
    return writers[fmt](store, info, out_dir)
