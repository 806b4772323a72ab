"""FIT: Garmin's Flexible and Interoperable Data Transfer activity file, written with ``fit-tool``
(BSD-3) message by message straight to the file.

Messages (FIT SDK profile; an activity file as the SDK's "encode activity" recipe lays it out):
file_id (type activity), a timer start event, one record per second of the track
(:mod:`game.sessions.exports.track`: timestamp, heart_rate, cadence, speed, distance, power
where present), hrv messages carrying every RR interval in seconds (up to 5 per message, after
the record of their second), a timer stop event, one lap and one session spanning the session,
and the activity.

Streaming: a FIT file is a 14-byte header, the records and a CRC. The header holds the records'
size, unknown until the end, so a placeholder is written first and replaced at the end. The
file CRC is CRC-16 over the header and records; because the header ends with its own CRC, the
running CRC is 0 after it (a CRC over data followed by that CRC is 0, FIT protocol section
3.3.2), so the file CRC is the CRC of the records alone and is computed as they are written.
Lap and session totals come after the records, so the points are read once.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import IO, Any

from fit_tool.data_message import DataMessage
from fit_tool.definition_message import DefinitionMessage
from fit_tool.fit_file_header import FitFileHeader
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.event_message import EventMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.hrv_message import HrvMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage
from fit_tool.profile.profile_type import Activity, Event, EventType, FileType, Manufacturer
from fit_tool.record import Record
from fit_tool.utils.crc import crc16

from game.sessions.exports.common import SessionInfo, atomic_file
from game.sessions.exports.track import Point, Summary, fit_cadence, points, sport
from game.sessions.store import SessionStore

HEADER_SIZE = 14
#: RR intervals per hrv message (the SDK's devices write up to 5).
RR_PER_MESSAGE = 5
#: Largest RR interval a uint16 in 1/1000 s holds (FIT profile, hrv.time: scale 1000, s).
RR_MAX_S = 65.534

#: Local message numbers, one per message type, so each definition is written again only when
#: the fields present change (FIT protocol: 16 local numbers, each bound to its last definition).
LOCAL = {"file_id": 0, "event": 1, "record": 2, "hrv": 3, "lap": 4, "session": 5, "activity": 6}


class FitStream:
    """Writes FIT messages to ``f`` as they come (see the module docstring); ``close()`` finishes the file."""

    def __init__(self, f: IO[Any]) -> None:
        self._f = f
        self._size = 0
        self._crc = 0
        self._defined: dict[int, bytes] = {}
        self._encoded: dict[int, tuple[DefinitionMessage, bytes]] = {}  # id(definition) -> it, encoded
        f.write(bytes(HEADER_SIZE))

    def _raw(self, data: bytes) -> None:
        self._f.write(data)
        self._size += len(data)
        self._crc = crc16(data, crc=self._crc)

    def add(self, message: DataMessage) -> None:
        """Write ``message``, preceded by its definition when its local number was last bound to
        another. A message object may be written again with new values for the same fields (its
        definition is kept from the first time)."""
        definition = message.definition_message
        if definition is None:
            definition = DefinitionMessage.from_data_message(message)
            message.set_definition_message(definition)
        known = self._encoded.get(id(definition))
        if known is None:
            known = self._encoded[id(definition)] = (definition, Record.from_message(definition).to_bytes())
        encoded = known[1]
        if self._defined.get(message.local_id) != encoded:
            self._raw(encoded)
            self._defined[message.local_id] = encoded
        self._raw(Record.from_message(message).to_bytes())

    def close(self) -> None:
        self._f.write(struct.pack("<H", self._crc))
        self._f.seek(0)
        self._f.write(FitFileHeader(records_size=self._size, gen_crc=True).to_bytes())


def _ms(wall_s: float) -> int:
    """fit-tool takes times as milliseconds since the Unix epoch (it converts to FIT's 1989 epoch)."""
    return round(wall_s * 1000)


def _event(wall_s: float, event_type: EventType) -> EventMessage:
    m = EventMessage(local_id=LOCAL["event"])
    m.timestamp = _ms(wall_s)
    m.event = Event.TIMER
    m.event_type = event_type
    return m


def _totals(m: LapMessage | SessionMessage, total: Summary, start_s: float, end_s: float) -> None:
    m.timestamp = _ms(end_s)
    m.start_time = _ms(start_s)
    m.total_elapsed_time = end_s - start_s
    m.total_timer_time = end_s - start_s
    m.total_distance = total.distance_m
    if total.bpm_avg is not None and total.bpm_max is not None:
        m.avg_heart_rate = min(254, total.bpm_avg)
        m.max_heart_rate = min(254, total.bpm_max)
    if total.speed_avg is not None and total.speed_max is not None:
        m.avg_speed = total.speed_avg
        m.max_speed = total.speed_max
    if total.cadence_avg is not None:
        m.avg_cadence = min(254, total.cadence_avg)
    if total.power_avg is not None and total.power_max is not None:
        m.avg_power = total.power_avg
        m.max_power = round(total.power_max)


def _record_values(p: Point) -> dict[str, float | int]:
    """The record fields a point has, in FIT profile units, each within its field's range."""
    values: dict[str, float | int] = {}
    if p.bpm is not None and 0 <= p.bpm <= 254:
        values["heart_rate"] = p.bpm
    cadence = fit_cadence(p)
    if cadence is not None and 0 <= cadence <= 254:
        values["cadence"] = round(cadence)
    if p.speed_mps is not None and 0 <= p.speed_mps <= 65.534:  # uint16, 1/1000 m/s
        values["speed"] = p.speed_mps
    if p.distance_m is not None and 0 <= p.distance_m <= 42_949_672:  # uint32, 1/100 m
        values["distance"] = p.distance_m
    if p.power_w is not None and 0 <= p.power_w <= 65534:
        values["power"] = round(p.power_w)
    return values


def write(store: SessionStore, info: SessionInfo, out_dir: Path) -> list[Path]:
    """Write ``<stem>.fit``; return its path."""
    _, sport_id, sub_sport_id = sport(info.detail["mode"])
    start_s = info.start_wall_ns / 1e9
    end_s = max(start_s, info.end_wall_ns / 1e9)
    path = out_dir / f"{info.stem}.fit"
    total = Summary()
    with atomic_file(path, "wb") as f:
        out = FitStream(f)
        file_id = FileIdMessage(local_id=LOCAL["file_id"])
        file_id.type = FileType.ACTIVITY
        file_id.manufacturer = Manufacturer.DEVELOPMENT.value
        file_id.product = 0
        file_id.time_created = _ms(start_s)
        # A FIT serial number is a uint32z; the session id keeps files of one station apart.
        file_id.serial_number = (info.session_id % 0xFFFFFFFE) + 1
        out.add(file_id)
        out.add(_event(start_s, EventType.START))
        last_s = start_s
        # Building a message object is the slow part of fit-tool (every profile field is made):
        # one object per combination of fields present, reused with new values.
        records: dict[tuple[str, ...], RecordMessage] = {}
        hrvs: dict[int, HrvMessage] = {}
        for p in points(store, info):
            total.add(p)
            last_s = max(last_s, float(p.wall_s))
            values = _record_values(p)
            record = records.get(tuple(values))
            if record is None:
                record = records[tuple(values)] = RecordMessage(local_id=LOCAL["record"])
            record.timestamp = _ms(p.wall_s)
            for name, value in values.items():
                setattr(record, name, value)
            out.add(record)
            rr = [r for r in p.rr_s if 0 < r <= RR_MAX_S]
            for i in range(0, len(rr), RR_PER_MESSAGE):
                part = rr[i : i + RR_PER_MESSAGE]
                hrv = hrvs.get(len(part))
                if hrv is None:
                    hrv = hrvs[len(part)] = HrvMessage(local_id=LOCAL["hrv"])
                hrv.time = part
                out.add(hrv)
        end_s = max(end_s, last_s)
        out.add(_event(end_s, EventType.STOP_ALL))
        lap = LapMessage(local_id=LOCAL["lap"])
        _totals(lap, total, start_s, end_s)
        lap.event = Event.LAP
        lap.event_type = EventType.STOP
        lap.sport = sport_id
        lap.sub_sport = sub_sport_id
        out.add(lap)
        session = SessionMessage(local_id=LOCAL["session"])
        _totals(session, total, start_s, end_s)
        session.event = Event.SESSION
        session.event_type = EventType.STOP
        session.sport = sport_id
        session.sub_sport = sub_sport_id
        session.first_lap_index = 0
        session.num_laps = 1
        out.add(session)
        activity = ActivityMessage(local_id=LOCAL["activity"])
        activity.timestamp = _ms(end_s)
        activity.total_timer_time = end_s - start_s
        activity.num_sessions = 1
        activity.type = Activity.MANUAL
        activity.event = Event.ACTIVITY
        activity.event_type = EventType.STOP
        out.add(activity)
        out.close()
    return [path]
