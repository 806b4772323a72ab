"""The class roster: which pupil (by alias) wears which strap, kept on the teacher's PC only.

A roster is imported from a CSV file with the columns ``alias`` and ``strap`` (any order; a
header row is required), and optionally ``age`` (years) and ``rest_bpm`` (resting heart rate)::

    alias,strap,age,rest_bpm
    7,Strap 7,12,68
    fox,E0:11:22:00:01:02,,

Aliases are what the class calls each other on the board (a number or a nickname), never names:
an alias that reads like a person's name (:func:`sensors.ble.allowlist.looks_like_a_name`) is
refused unless the teacher confirms it is not one (``--yes``). A strap is an allow-list label or
address; it must be on the allow-list. Every error names the file, the line and the column.

The roster is stored as JSON beside the allow-list in the user configuration folder, readable by
its owner only (mode 0600); a roster file others can read is reported by :func:`check_private`.
It keeps aliases, strap addresses and the optional age, resting and confirmed maximal heart rate.

Bands per pupil: HRmax is the one the teacher confirmed (:meth:`Roster.set_max`), else Tanaka
2001 (208 - 0.7 x age) from the pupil's age, else the class default; HRrest is the pupil's
own, else the class default (heart-rate reserve, Karvonen, see :mod:`sensors.motion.heart_zones`).
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from sensors.ble.allowlist import AllowedSensor, looks_like_a_name, normalise_address
from sensors.motion.heart_zones import HeartProfile, hr_max_tanaka

ROSTER_FILE = "roster.json"
REQUIRED = ("alias", "strap")
OPTIONAL = ("age", "rest_bpm")
#: Ages Tanaka's equation was fitted over reach down to children only roughly; school ages and
#: adults in a class (teachers) are accepted.
AGE_RANGE = (5.0, 100.0)
#: Resting heart rates a pupil can plausibly have (beats/min).
REST_RANGE = (30.0, 120.0)
#: Maximal heart rates a teacher may confirm (beats/min).
MAX_RANGE = (120.0, 250.0)
ALIAS_MAX_CHARS = 24


class RosterError(ValueError):
    """``file:line:column: column name: what is wrong`` (line and column from 1)."""

    def __init__(self, path: Path | str, line: int | None, column: int | None, field: str | None, reason: str) -> None:
        self.path, self.line, self.column, self.field, self.reason = str(path), line, column, field, reason
        where = str(path) + (f":{line}" if line is not None else "") + (f":{column}" if column is not None else "")
        super().__init__(f"{where}: {field + ': ' if field else ''}{reason}")


@dataclass(frozen=True, slots=True)
class Pupil:
    alias: str
    address: str  # the strap's allow-list address
    age: float | None = None
    rest_bpm: float | None = None
    #: HRmax the teacher confirmed (after an observed peak above the age-predicted one).
    max_bpm: float | None = None

    def profile(self, default: HeartProfile) -> HeartProfile:
        """This pupil's heart-rate reference values (see the module docstring)."""
        hr_max = self.max_bpm or (hr_max_tanaka(self.age) if self.age is not None else default.hr_max_bpm)
        return HeartProfile(hr_rest_bpm=self.rest_bpm or default.hr_rest_bpm, hr_max_bpm=hr_max)

    @property
    def age_predicted(self) -> bool:
        """HRmax comes from the pupil's age (Tanaka) and no one confirmed another."""
        return self.age is not None and self.max_bpm is None


@dataclass(frozen=True, slots=True)
class Roster:
    pupils: tuple[Pupil, ...] = ()

    def by_address(self) -> dict[str, Pupil]:
        return {p.address: p for p in self.pupils}

    def find(self, alias: str) -> Pupil | None:
        key = alias.strip().casefold()
        return next((p for p in self.pupils if p.alias.casefold() == key), None)

    def set_max(self, alias: str, bpm: float) -> Roster:
        """The roster with ``alias``'s confirmed HRmax set; KeyError for an unknown alias,
        ValueError for a value out of :data:`MAX_RANGE` or not above the pupil's rest."""
        pupil = self.find(alias)
        if pupil is None:
            raise KeyError(alias)
        lo, hi = MAX_RANGE
        if not lo <= bpm <= hi:
            raise ValueError(f"a maximal heart rate of {bpm:g} bpm is outside {lo:.0f}..{hi:.0f}")
        return Roster(tuple(replace(p, max_bpm=float(bpm)) if p is pupil else p for p in self.pupils))

    def remove(self, alias: str) -> Roster:
        """The roster without ``alias`` (matched as :meth:`find` does); KeyError when absent."""
        pupil = self.find(alias)
        if pupil is None:
            raise KeyError(alias)
        return Roster(tuple(p for p in self.pupils if p is not pupil))


def default_path(sensors_file: Path | None = None) -> Path:
    """``roster.json`` beside the allow-list ``sensors_file`` (default: the user configuration
    folder, or the folder of ``$LIIKE_SENSORS_FILE``): a roster names that list's straps."""
    from sensors.ble import allowlist

    return (sensors_file or allowlist.default_path()).parent / ROSTER_FILE


def _number(text: str, path: Path, line: int, column: int, field: str, lo: float, hi: float) -> float | None:
    if not text.strip():
        return None
    try:
        value = float(text)
    except ValueError:
        raise RosterError(path, line, column, field, f"{text!r} is not a number") from None
    if not lo <= value <= hi:
        raise RosterError(path, line, column, field, f"{value:g} is outside {lo:g}..{hi:g}")
    return value


def _strap(text: str, sensors: list[AllowedSensor]) -> AllowedSensor | None:
    key = text.strip()
    try:
        address = normalise_address(key)
    except ValueError:
        address = None
    for s in sensors:
        if s.address == address or (s.label is not None and s.label.strip().casefold() == key.casefold()):
            return s
    return None


def parse_csv(text: str, path: Path, sensors: list[AllowedSensor], *, names_ok: bool = False) -> Roster:
    """The roster in CSV ``text`` (``path`` labels errors) against the allow-list ``sensors``.
    Raises :class:`RosterError` at the first problem. ``names_ok``: the teacher confirmed that
    aliases that read like names are not names."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    while rows and not any(c.strip() for c in rows[-1]):
        rows.pop()
    if not rows:
        raise RosterError(path, 1, None, None, "empty file: expected a header row 'alias,strap' and one row per pupil")
    header = [h.strip().casefold() for h in rows[0]]
    for name in REQUIRED:
        if name not in header:
            raise RosterError(path, 1, None, name, f"missing column (the header has: {', '.join(header) or 'nothing'})")
    for i, name in enumerate(header):
        if name not in REQUIRED + OPTIONAL:
            raise RosterError(
                path, 1, i + 1, name, f"unknown column: a roster has {', '.join(REQUIRED + OPTIONAL)} (and never names)"
            )
        if name in header[:i]:
            raise RosterError(path, 1, i + 1, name, "column given twice")
    col = {name: header.index(name) for name in header}
    pupils: list[Pupil] = []
    alias_line: dict[str, int] = {}
    strap_line: dict[str, int] = {}
    for n, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) < len(header):
            raise RosterError(
                path, n, len(row) + 1, header[len(row)], f"missing value: the row has {len(row)} of {len(header)} columns"
            )
        alias = row[col["alias"]].strip()
        a_col = col["alias"] + 1
        if not alias:
            raise RosterError(path, n, a_col, "alias", "empty: give a number or a nickname")
        if len(alias) > ALIAS_MAX_CHARS or not alias.isprintable():
            raise RosterError(path, n, a_col, "alias", f"{alias!r}: at most {ALIAS_MAX_CHARS} printable characters")
        if looks_like_a_name(alias) and not names_ok:
            raise RosterError(
                path,
                n,
                a_col,
                "alias",
                f"{alias!r} reads like a person's name: the roster keeps aliases only "
                "(a number or a nickname); if it is not a name, import again with --yes",
            )
        if alias.casefold() in alias_line:
            raise RosterError(path, n, a_col, "alias", f"{alias!r} is already on line {alias_line[alias.casefold()]}")
        strap_text = row[col["strap"]].strip()
        s_col = col["strap"] + 1
        sensor = _strap(strap_text, sensors)
        if sensor is None:
            raise RosterError(
                path,
                n,
                s_col,
                "strap",
                f"{strap_text!r} is not on the allow-list (a label or an address "
                "`liike sensors list` shows; add it with `liike sensors allow`)",
            )
        if sensor.address in strap_line:
            raise RosterError(
                path,
                n,
                s_col,
                "strap",
                f"{strap_text!r} ({sensor.address}) is already worn by the pupil on line {strap_line[sensor.address]}",
            )
        age = rest = None
        if "age" in col:
            age = _number(row[col["age"]], path, n, col["age"] + 1, "age", *AGE_RANGE)
        if "rest_bpm" in col:
            rest = _number(row[col["rest_bpm"]], path, n, col["rest_bpm"] + 1, "rest_bpm", *REST_RANGE)
        alias_line[alias.casefold()] = n
        strap_line[sensor.address] = n
        pupils.append(Pupil(alias, sensor.address, age, rest))
    return Roster(tuple(pupils))


def check_private(path: Path) -> str | None:
    """A warning when the roster file can be read or written by others than its owner."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return None
    if os.name == "posix" and mode & (stat.S_IRWXG | stat.S_IRWXO):
        return f"{path} can be read by others (mode {stat.S_IMODE(mode):o}): run `chmod 600 {path}`"
    return None


def load(path: Path | None = None) -> Roster:
    """The stored roster (an empty one when there is none). Raises :class:`RosterError`."""
    p = path or default_path()
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return Roster(tuple(Pupil(**item) for item in data["pupils"]))
    except FileNotFoundError:
        return Roster()
    except (ValueError, KeyError, TypeError) as exc:
        raise RosterError(
            p, None, None, None, f"not a roster file ({exc}): `liike class roster clear`, then import again"
        ) from None


def save(roster: Roster, path: Path | None = None) -> Path:
    """Write atomically, readable and writable by the owner only (0600) from the first byte."""
    p = path or default_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump({"pupils": [asdict(x) for x in roster.pupils]}, out, indent=1)
    os.chmod(tmp, 0o600)  # an old .tmp left with other permissions keeps them through os.open
    os.replace(tmp, p)
    return p


def clear(path: Path | None = None) -> bool:
    """Remove the stored roster; True when there was one."""
    p = path or default_path()
    try:
        p.unlink()
    except FileNotFoundError:
        return False
    return True


def lines(roster: Roster, sensors: Iterable[AllowedSensor], default: HeartProfile) -> list[str]:
    """``liike class roster list``: one line per pupil with the strap and the bands' basis."""
    label = {s.address: s.display for s in sensors}
    out = []
    for p in roster.pupils:
        prof = p.profile(default)
        basis = "confirmed" if p.max_bpm else ("age" if p.age is not None else "class default")
        out.append(
            f"{p.alias}\t{label.get(p.address, p.address + ' (no longer on the allow-list)')}\t"
            f"max {prof.hr_max_bpm:.0f} ({basis})\trest {prof.hr_rest_bpm:.0f}"
        )
    return out
