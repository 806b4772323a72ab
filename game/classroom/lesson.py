"""A lesson stored as a group of sessions: one per strap that was heard, under its pseudonymous
label, through the same store (and so the same export, sync and erasure) as games.

Each strap's session (mode ``class``) records what its strap sent: heart rate with RR intervals
and contact, and its status changes (the writer turns those into link gaps). It starts with the
strap's first heart rate with skin contact, so a strap left in the box, or one that only ever
says "no contact", stores nothing; after that, contact losses are part of the session. The
lesson itself is named in every one of its sessions: ``level`` is ``lesson <uuid>`` and the
summary holds the lesson's id, group, start and end (UTC), the strap's label, the pupil's alias
(``label``, when the roster gives one), the bands' HRmax and HRrest, minutes per band and MVPA
minutes. The store keeps strap labels and aliases only; the session's player is the strap's
label, so erasing that pseudonym removes the strap's data from every lesson.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.sessions.store import SessionStore, StoreError, utc_now_iso
from game.sessions.writer import SessionWriter
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import now_ns
from sensors.motion.heart_zones import Intensity
from sensors.samples import BusItem, DeviceStatus, HeartRateSample

if TYPE_CHECKING:
    from game.classroom.report_pictures import PupilCurve

log = logging.getLogger("liike.class")

MODE = "class"
#: Seconds between a strap session's commits: 40 writers share one store file.
FLUSH_S = 1.0


class Lesson:
    """Routes the board's bus items to one :class:`SessionWriter` per strap (see the module)."""

    def __init__(
        self,
        path: Path | str,
        sensors: list[AllowedSensor],
        group: str,
        *,
        clock: Callable[[], int] = now_ns,
        writer_options: dict[str, Any] | None = None,
    ) -> None:
        self.path = Path(path)
        self.group = group
        self.lesson_id = str(uuid.uuid4())
        self.started_at = utc_now_iso()
        self.ended_at: str | None = None
        self.sensors = {s.address: s for s in sensors}
        self.clock = clock
        self._t0_ns = clock()
        self.writer_options = writer_options or {}
        self.writers: dict[str, SessionWriter] = {}
        self._status: dict[str, DeviceStatus] = {}
        self._failed: set[str] = set()
        #: Why straps' data could not be stored (once per strap), for the summary and stderr.
        self.errors: list[str] = []

    @property
    def level(self) -> str:
        return f"lesson {self.lesson_id}"

    def record(self, items: Iterable[BusItem]) -> None:
        batch: dict[str, list[BusItem]] = {}
        for item in items:
            source = getattr(item, "source", "")
            if source not in self.sensors:
                continue
            if isinstance(item, DeviceStatus):
                self._status[source] = item
            writer = self.writers.get(source)
            worn = isinstance(item, HeartRateSample) and item.contact is not False and item.bpm > 0
            if writer is None and worn and source not in self._failed:
                writer = self._start(source)
                if writer is None:
                    continue
            if writer is not None:
                batch.setdefault(source, []).append(item)
        for source, part in batch.items():
            self.writers[source].record(part)

    def _start(self, address: str) -> SessionWriter | None:
        label = self.sensors[address].display
        writer = SessionWriter(
            self.path,
            player=label,
            mode=MODE,
            level=self.level,
            flush_interval_s=FLUSH_S,
            clock=self.clock,
            **self.writer_options,
        )
        try:
            status = self._status.get(address)
            writer.start([status] if status is not None else [])
        except StoreError as exc:
            self._failed.add(address)
            self.errors.append(f"{label}: {exc}")
            log.warning("%s: the lesson's data is not stored: %s", label, exc)
            return None
        self.writers[address] = writer
        return writer

    def finish(self, board_summary: dict[str, Any]) -> dict[str, Any]:
        """Close every strap's session with its summary (``board_summary``:
        :meth:`game.classroom.board.ClassBoard.summary`); return what the command prints about
        the lesson: ``lesson_id``, ``group``, start and end, ``sessions`` (ids stored) and
        ``pupils`` (each strap's summary with its ``session_id``, None when nothing was stored)."""
        self.ended_at = utc_now_iso()
        duration_s = max(0.0, (self.clock() - self._t0_ns) / 1e9)
        lesson = {
            "id": self.lesson_id,
            "group": self.group,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": round(duration_s, 1),
        }
        pupils = []
        for strap in board_summary["straps"]:
            writer = self.writers.get(strap["address"])
            session_id = writer.session_id if writer is not None else None
            entry = {**strap, "strap": self.sensors[strap["address"]].display, "session_id": session_id}
            # the share of the lesson with a current reading: time in any band is counted only then
            read_s = 60.0 * sum(strap["minutes_in"].values())
            entry["coverage"] = round(min(1.0, read_s / duration_s), 3) if duration_s > 0 else 0.0
            entry.pop("address", None)  # the store and the printout name straps by label only
            if writer is not None:
                writer.finish(float(strap["mvpa_min"]), {"lesson": lesson, **entry})
                if writer.error:
                    self.errors.append(f"{entry['strap']}: {writer.error}")
            pupils.append(entry)
        return {
            "lesson_id": self.lesson_id,
            "group": self.group,
            "started_at": self.started_at,
            "ended_at": self.ended_at,
            "duration_s": lesson["duration_s"],
            "sessions": [p["session_id"] for p in pupils if p["session_id"] is not None],
            "pupils": pupils,
            **({"store_errors": self.errors} if self.errors else {}),
        }


def stored_lessons(store: SessionStore) -> list[dict[str, Any]]:
    """The lessons in ``store``, oldest first: ``lesson_id``, ``group``, ``started_at``,
    ``ended_at`` (None for a lesson that never ended: the program was killed), ``sessions`` (ids)
    and ``straps`` (labels), gathered from the sessions that name them (see the module)."""
    lessons: dict[str, dict[str, Any]] = {}
    for row in store.list_sessions():
        level = row["level"] or ""
        if row["mode"] != MODE or not level.startswith("lesson "):
            continue
        lesson_id = level.removeprefix("lesson ")
        session = store.get_session(row["id"]) or {}
        about = (session.get("summary") or {}).get("lesson") or {}
        entry = lessons.setdefault(
            lesson_id,
            {
                "lesson_id": lesson_id,
                "group": about.get("group"),
                "started_at": about.get("started_at") or row["started_at"],
                "ended_at": about.get("ended_at"),
                "sessions": [],
                "straps": [],
            },
        )
        entry["group"] = entry["group"] or about.get("group")
        entry["ended_at"] = entry["ended_at"] or about.get("ended_at")
        entry["sessions"].append(row["id"])
        entry["straps"].append(row["player"])
    return sorted(lessons.values(), key=lambda e: (e["started_at"], e["lesson_id"]))


#: The report's columns: the pupil, then minutes per band (ACSM bands by heart-rate reserve,
#: Garber 2011), MVPA minutes, peak and the share of the lesson with a current reading.
REPORT_COLUMNS = (
    "alias",
    "strap",
    *(f"minutes_{band.value.replace(' ', '_')}" for band in Intensity),
    "mvpa_min",
    "peak_bpm",
    "hr_max_bpm",
    "coverage",
)


def find_lesson(store: SessionStore, wanted: str) -> dict[str, Any]:
    """The stored lesson whose id is ``wanted`` or starts with it (``last``: the newest);
    KeyError naming what is there otherwise."""
    lessons = stored_lessons(store)
    if wanted == "last" and lessons:
        return lessons[-1]
    found = [e for e in lessons if e["lesson_id"].startswith(wanted.strip().lower())] if wanted.strip() else []
    if len(found) == 1:
        return found[0]
    known = ", ".join(e["lesson_id"][:8] for e in lessons[-5:]) or "none"
    many = f"{len(found)} lessons start with {wanted!r}" if found else f"no lesson {wanted!r}"
    raise KeyError(f"{many} (newest: {known}); `liike class lessons` lists them")


def report_rows(store: SessionStore, lesson: dict[str, Any]) -> list[dict[str, Any]]:
    """One row per pupil (stored strap session) of ``lesson``, in :data:`REPORT_COLUMNS`."""
    rows = []
    for session_id in lesson["sessions"]:
        summary = (store.get_session(session_id) or {}).get("summary") or {}
        minutes = summary.get("minutes_in") or {}
        rows.append(
            {
                "alias": summary.get("label"),
                "strap": summary.get("strap"),
                **{f"minutes_{b.value.replace(' ', '_')}": minutes.get(b.value, 0.0) for b in Intensity},
                "mvpa_min": summary.get("mvpa_min"),
                "peak_bpm": summary.get("peak_bpm"),
                "hr_max_bpm": summary.get("hr_max_bpm"),
                "coverage": summary.get("coverage"),
            }
        )
    return sorted(rows, key=lambda r: natural_key(str(r["alias"])))


def expire_lessons(store: SessionStore, keep_days: float, now: datetime | None = None) -> list[dict[str, Any]]:
    """Delete the lessons that began more than ``keep_days`` days before ``now`` (UTC), with all
    their strap sessions, and each strap label left with no session at all; return the lessons
    deleted. The store zeroes what it deletes and empties its write-ahead log (``secure_delete``,
    see :meth:`SessionStore.delete_player`), so neither an alias nor a label stays in the file."""
    if not keep_days > 0:
        raise ValueError(f"lessons must be kept a positive number of days, got {keep_days}")
    limit = (now or datetime.now(UTC)) - timedelta(days=keep_days)
    gone = []
    for lesson in stored_lessons(store):
        try:
            began = datetime.fromisoformat(lesson["started_at"])
        except (TypeError, ValueError):
            continue  # a start the store cannot tell: kept rather than guessed
        if began.tzinfo is None:
            began = began.replace(tzinfo=UTC)
        if began < limit:
            for session_id in lesson["sessions"]:
                store.delete_session(session_id)
            gone.append(lesson)
    if gone:
        # a label's player row outlives its sessions; one with nothing left goes too, so the
        # file no longer says that strap was ever worn
        labels = {label for lesson in gone for label in lesson["straps"]}
        for player in store.list_players():
            if player["player"] in labels and player["sessions"] == 0:
                store.delete_player(player["player"])
    return gone


def erase_pupil(store: SessionStore, alias: str) -> list[dict[str, Any]]:
    """Delete every lesson session of the pupil called ``alias`` (the roster's alias stored in
    the session's summary), and each strap label left with no session at all; return the
    lessons they were deleted from (``lesson_id``, ``group``, ``started_at``, ``sessions``).

    A strap passes from pupil to pupil over the years, so erasing its label (``liike sessions
    delete --player``) would take others' lessons with it; this takes only the pupil's own.
    Deleted as :meth:`SessionStore.delete_session` deletes (``secure_delete``, WAL emptied)."""
    wanted = alias.strip().casefold()  # as the roster tells aliases apart
    touched: dict[str, dict[str, Any]] = {}
    labels = set()
    for lesson in stored_lessons(store):
        for session_id, label in zip(lesson["sessions"], lesson["straps"], strict=True):
            summary = (store.get_session(session_id) or {}).get("summary") or {}
            if str(summary.get("label") or "").strip().casefold() != wanted:
                continue
            store.delete_session(session_id)
            labels.add(label)
            entry = touched.setdefault(
                lesson["lesson_id"],
                {k: lesson[k] for k in ("lesson_id", "group", "started_at")} | {"sessions": []},
            )
            entry["sessions"].append(session_id)
    for player in store.list_players():
        if player["player"] in labels and player["sessions"] == 0:
            store.delete_player(player["player"])
    return list(touched.values())


def report_curves(store: SessionStore, lesson: dict[str, Any]) -> tuple[list[PupilCurve], float]:
    """Each pupil's heart-rate curve (minutes since the lesson's first reading; readings with skin
    contact only) with their figures, and the lesson's length in minutes."""
    from game.classroom.report_pictures import PupilCurve

    pupils: list[PupilCurve] = []
    first: int | None = None
    samples: list[list[tuple[int, int]]] = []
    duration_s = 0.0
    for session_id in lesson["sessions"]:
        summary = (store.get_session(session_id) or {}).get("summary") or {}
        duration_s = max(duration_s, float((summary.get("lesson") or {}).get("duration_s") or 0.0))
        hr = [
            (s["t_host_ns"], s["bpm"]) for s in store.iter_samples(session_id, "hr") if s["contact"] is not False and s["bpm"] > 0
        ]
        if hr:
            first = hr[0][0] if first is None else min(first, hr[0][0])
        samples.append(hr)
        pupils.append(
            PupilCurve(
                alias=str(summary.get("label") or summary.get("strap") or session_id),
                mvpa_min=float(summary.get("mvpa_min") or 0.0),
                peak_bpm=summary.get("peak_bpm"),
                coverage=float(summary.get("coverage") or 0.0),
                hr_rest_bpm=float(summary.get("hr_rest_bpm") or 60.0),
                hr_max_bpm=float(summary.get("hr_max_bpm") or 200.0),
            )
        )
    for pupil, hr in zip(pupils, samples, strict=True):
        pupil.t_min = [(t - (first or 0)) / 60e9 for t, _ in hr]
        pupil.bpm = [b for _, b in hr]
    return sorted(pupils, key=lambda p: natural_key(p.alias)), duration_s / 60.0


def natural_key(text: str) -> list[int | str]:
    """Order "Strap 2" before "Strap 10", and "7" before "12"."""
    return [int(part) if part.isdigit() else part.casefold() for part in re.split(r"(\d+)", text)]
