"""``kiosk.yaml``: what a resort kiosk offers and how it behaves, read strictly.

Every field may be left out for its default; an empty file is a kiosk with the defaults. The
file is read by :mod:`sensors.config_yaml` (duplicate keys, unknown fields, wrong types and
out-of-range values are errors naming the file, line and field), then checked against what is
installed (the games must be registered modes). Example::

    games: [runner, ski]        # offered in this order; default: every game played with the camera alone
    round_s: 90                 # one round of play, seconds (60-120 suits a walk-up; 10-600 allowed)
    languages: [fi, en, sv]     # the attract screen's languages; the first is the default
    leaderboard:
      reset_at: "05:00"         # local time (HH:MM) the daily list starts afresh
      timezone: Europe/Helsinki # default: the PC's own
      season_starts: 2026-11-01 # the season list counts from this day; default: every day kept
    admin_pin_hash: "scrypt$..." # from `liike kiosk hash-pin`; without it staff cannot open the admin screen
    camera: 0                   # webcam index, or a video file standing in for one
    volume: 60                  # 0..100
    quiet_hours: {start: "22:00", end: "08:00"}   # sound off in between (local time)
    nobody_s: 10                # back to the attract screen after nobody was in view this long
    side_by_side: false         # two may play side by side (the camera read in two halves; see README)
    database_url: "postgresql://hall_a@db.example.org/liike"  # the shared server: lists of every hall,
                                # and sessions forwarded (default: LIIKE_DATABASE_URL, else none);
                                # keep the password in ~/.pgpass, not here
"""

from __future__ import annotations

import datetime as dt
import os
import zoneinfo
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator

from game.kiosk.pin import PinFormatError, parse_hash
from sensors.config_yaml import VERBATIM, ConfigError, ConfigModel, read_document

#: Languages the kiosk's own strings exist in (game/kiosk/strings/<code>.yaml).
KIOSK_LANGUAGES = ("fi", "en", "sv", "de", "ru")
ROUND_S_RANGE = (10.0, 600.0)
DEFAULT_ROUND_S = 90.0


class KioskConfigError(ConfigError):
    """A kiosk file that cannot be used; ``str()`` is one line ``FILE:LINE: FIELD: REASON``."""


def parse_clock_time(text: str) -> dt.time:
    """``"HH:MM"`` (24-hour local time) as a :class:`datetime.time`; ValueError otherwise."""
    hh, sep, mm = text.strip().partition(":")
    if not sep or not (hh.isdigit() and mm.isdigit()) or len(mm) != 2 or not 1 <= len(hh) <= 2:
        raise ValueError('must be a time of day HH:MM in quotes, such as "05:00"; got {got}')
    h, m = int(hh), int(mm)
    if h > 23 or m > 59:
        raise ValueError("must be a time of day 00:00 .. 23:59; got {got}")
    return dt.time(h, m)


ClockText = Annotated[str, VERBATIM]


class LeaderboardSpec(ConfigModel):
    """``leaderboard:``: when the daily list starts afresh, and from when the season counts."""

    reset_at: ClockText = "05:00"
    timezone: str | None = None
    season_starts: dt.date | None = None

    @field_validator("reset_at")
    @classmethod
    def _time(cls, v: str) -> str:
        parse_clock_time(v)
        return v

    @field_validator("timezone")
    @classmethod
    def _zone(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                zoneinfo.ZoneInfo(v)
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise ValueError("unknown time zone {got}; use an IANA name such as Europe/Helsinki") from None
        return v


class QuietHoursSpec(ConfigModel):
    """``quiet_hours:``: the sound is off from ``start`` to ``end`` (local; may pass midnight)."""

    start: ClockText
    end: ClockText

    @field_validator("start", "end")
    @classmethod
    def _time(cls, v: str) -> str:
        parse_clock_time(v)
        return v


class KioskFile(ConfigModel):
    """A ``kiosk.yaml`` file."""

    games: Annotated[tuple[Annotated[str, VERBATIM], ...], Field(min_length=1)] | None = None
    round_s: Annotated[float, Field(ge=ROUND_S_RANGE[0], le=ROUND_S_RANGE[1])] = DEFAULT_ROUND_S
    languages: Annotated[tuple[Literal["fi", "en", "sv", "de", "ru"], ...], Field(min_length=1)] = ("fi", "en", "sv")
    leaderboard: LeaderboardSpec | None = None
    admin_pin_hash: str | None = None
    camera: int | str | None = None
    volume: Annotated[int, Field(ge=0, le=100)] = 60
    quiet_hours: QuietHoursSpec | None = None
    nobody_s: Annotated[float, Field(ge=3, le=120)] = 10.0
    side_by_side: bool = False
    database_url: Annotated[str, VERBATIM, Field(min_length=1)] | None = None

    @field_validator("admin_pin_hash")
    @classmethod
    def _pin(cls, v: str | None) -> str | None:
        if v is not None:
            try:
                parse_hash(v)
            except PinFormatError as exc:
                raise ValueError(str(exc)) from None
        return v

    @field_validator("languages", "games")
    @classmethod
    def _unique(cls, v: tuple[str, ...] | None) -> tuple[str, ...] | None:
        if v is not None and len(set(v)) != len(v):
            raise ValueError("lists a name twice: {got}")
        return v


@dataclass(frozen=True, slots=True)
class QuietHours:
    start: dt.time
    end: dt.time

    def contains(self, local: dt.time) -> bool:
        """Whether the local time of day ``local`` is within the quiet hours (``start`` included)."""
        if self.start <= self.end:
            return self.start <= local < self.end
        return local >= self.start or local < self.end  # over midnight


@dataclass(frozen=True, slots=True)
class KioskConfig:
    """The kiosk's settings, typed, with the defaults filled in."""

    games: tuple[str, ...] = ()  # empty: every registered mode
    round_s: float = DEFAULT_ROUND_S
    languages: tuple[str, ...] = ("fi", "en", "sv")
    reset_at: dt.time = dt.time(5, 0)
    timezone: str | None = None
    season_starts: dt.date | None = None
    admin_pin_hash: str | None = None
    camera: int | str | None = None
    volume: int = 60
    quiet_hours: QuietHours | None = None
    nobody_s: float = 10.0
    #: Two players side by side: the camera is read in two halves (one pose each), a lone visitor
    #: plays on either (game.kiosk.zones), and two in view at walk-up play a game that has a
    #: level for two.
    side_by_side: bool = False
    #: The shared server's URL (libpq), None: ``LIIKE_DATABASE_URL`` or the user's URL file, if any.
    database_url: str | None = field(default=None, repr=False)  # never a password in a log line
    path: Path | None = field(default=None, compare=False)

    def zone(self) -> dt.tzinfo:
        """The kiosk's local time zone: the configured one, else the PC's own."""
        if self.timezone is not None:
            return zoneinfo.ZoneInfo(self.timezone)
        local = dt.datetime.now().astimezone().tzinfo
        return local if local is not None else dt.UTC


def from_spec(spec: KioskFile, path: Path | None) -> KioskConfig:
    board = spec.leaderboard or LeaderboardSpec()
    quiet = spec.quiet_hours
    return KioskConfig(
        games=spec.games or (),
        round_s=spec.round_s,
        languages=spec.languages,
        reset_at=parse_clock_time(board.reset_at),
        timezone=board.timezone,
        season_starts=board.season_starts,
        admin_pin_hash=spec.admin_pin_hash,
        camera=spec.camera,
        volume=spec.volume,
        quiet_hours=None if quiet is None else QuietHours(parse_clock_time(quiet.start), parse_clock_time(quiet.end)),
        nobody_s=spec.nobody_s,
        side_by_side=spec.side_by_side,
        database_url=spec.database_url,
        path=path,
    )


def load_kiosk_config(path: str | os.PathLike[str], known_games: list[str]) -> KioskConfig:
    """Read ``path``; every game it offers must be in ``known_games`` (the registered modes).

    Raises :class:`KioskConfigError` (``FILE:LINE: FIELD: REASON``) for anything unusable.
    """
    try:
        doc = read_document(path)
        spec = doc.validate(KioskFile, allow_empty=True)
    except ConfigError as exc:
        raise KioskConfigError(exc.path, exc.line, exc.field, exc.reason) from None
    for i, name in enumerate(spec.games or ()):
        if name not in known_games:
            err = doc.error(("games", i), f"no game named {name!r} is installed (installed: {', '.join(known_games)})")
            raise KioskConfigError(err.path, err.line, err.field, err.reason)
    return from_spec(spec, Path(path))
