"""The allow-list: the only Bluetooth devices Liike connects to, or reads broadcasts from.

An installation or a classroom must never pick up a stranger's strap, so nothing is connected
unless its address is listed. The list is a small YAML file (default: ``sensors.yaml`` in the
user configuration folder; ``liike sensors allow|forget|list`` edit it)::

    sensors:
      - address: "A0:9E:1A:12:34:56"   # required: as `liike sensors scan` shows it
        label: "Strap 7"              # optional: shown on screen instead of the address
        placement: chest              # optional: chest (default), waist, wrist, thigh, ankle
        mode: connect                 # connect (default), or broadcast: heart rate read from
                                      # advertisements, no connection (Polar straps)
        adapter: hci1                 # optional (Linux): which Bluetooth adapter connects it;
                                      # spread a class over several adapters (5-7 links each)

The file is read by :mod:`sensors.config_yaml` against :class:`AllowListFile`: unknown fields,
duplicate keys, wrong types, a malformed address or an address listed twice raise
:class:`AllowListError` naming the file, the line and the field. Address, label and adapter are
taken as written (``address: 12:34:56:12:34:56`` is an address, not a YAML 1.1 base-60 number).
An empty file, or ``sensors:`` with nothing under it, is an empty list.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal, get_args

import yaml
from pydantic import field_validator, model_validator

from sensors.config_yaml import (
    VERBATIM,
    ConfigError,
    ConfigFileMissing,
    ConfigModel,
    FieldError,
    parse_document,
    printable_line,
    read_document,
)
from sensors.settings import SENSORS_FILE_ENV, sensors_file_override

Placement = Literal["chest", "waist", "lower_back", "wrist", "thigh", "ankle", "foot", "arm"]
Mode = Literal["connect", "broadcast"]
PLACEMENTS: tuple[str, ...] = get_args(Placement)
MODES: tuple[str, ...] = get_args(Mode)
ENTRY_FIELDS = ("address", "label", "placement", "mode", "adapter")
#: A label is one printable line, short enough for a tile of the class board.
LABEL_MAX_CHARS = 80
_ADAPTER = re.compile(r"^hci[0-9]{1,2}$")
ALLOWLIST_ENV = SENSORS_FILE_ENV
_MAC = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")
# macOS reports devices by a per-machine UUID instead of the address.
_CB_UUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


class AllowListError(ConfigError):
    """One line: ``file:line: field: what is wrong``."""


@dataclass(frozen=True, slots=True)
class AllowedSensor:
    address: str
    label: str | None = None
    placement: str = "chest"
    mode: str = "connect"
    adapter: str | None = None  # "hci0", "hci1" ...; None: the system's default adapter

    @property
    def display(self) -> str:
        return self.label or self.address


def normalise_address(text: str) -> str:
    """Upper-case ``AA:BB:CC:DD:EE:FF`` (or a CoreBluetooth UUID); ValueError otherwise."""
    t = text.strip()
    if _MAC.match(t) or _CB_UUID.match(t):
        return t.upper()
    raise ValueError(f"{text!r} is not a Bluetooth address like A0:9E:1A:12:34:56")


def valid_adapter(name: str) -> bool:
    return bool(_ADAPTER.match(name))


def default_path() -> Path:
    """``$LIIKE_SENSORS_FILE`` if set, else ``sensors.yaml`` in the user configuration folder."""
    override = sensors_file_override()
    if override is not None:
        return override
    from platformdirs import user_config_dir

    return Path(user_config_dir("liike")) / "sensors.yaml"


# --------------------------------------------------------------------------------------------
# The file's schema (``json_schema(AllowListFile)`` gives it to editors)

Text = Annotated[str, VERBATIM]


class SensorEntry(ConfigModel):
    """One item of ``sensors:``."""

    address: Text
    label: Text | None = None
    placement: Placement = "chest"
    mode: Mode = "connect"
    adapter: Text | None = None

    @field_validator("address")
    @classmethod
    def _address(cls, value: str) -> str:
        return normalise_address(value)

    @field_validator("label")
    @classmethod
    def _label(cls, value: str | None) -> str | None:
        return None if value is None else printable_line(value, LABEL_MAX_CHARS)

    @field_validator("adapter")
    @classmethod
    def _adapter(cls, value: str | None) -> str | None:
        if value is not None and not valid_adapter(value):
            raise ValueError(f"{value!r} is not an adapter name like hci0 or hci1")
        return value


class AllowListFile(ConfigModel):
    """An allow-list file: ``sensors:``, a list of :class:`SensorEntry`."""

    sensors: tuple[SensorEntry, ...] | None = None

    @model_validator(mode="after")
    def _each_address_once(self) -> AllowListFile:
        first: dict[str, int] = {}
        for i, entry in enumerate(self.sensors or ()):
            if entry.address in first:
                raise FieldError(
                    ("sensors", i, "address"), f"{entry.address} is listed twice (first as sensors[{first[entry.address]}])"
                )
            first[entry.address] = i
        return self


def _sensors(spec: AllowListFile) -> list[AllowedSensor]:
    return [AllowedSensor(s.address, s.label, s.placement, s.mode, s.adapter) for s in spec.sensors or ()]


def parse(text: str, path: Path) -> list[AllowedSensor]:
    """The allow-list in ``text``; ``path`` labels errors. Raises :class:`AllowListError`."""
    try:
        return _sensors(parse_document(text, path).validate(AllowListFile, allow_empty=True))
    except ConfigError as exc:
        raise AllowListError(exc.path, exc.line, exc.field, exc.reason) from None


def load(path: Path | None = None) -> list[AllowedSensor]:
    """The allow-list at ``path`` (default :func:`default_path`); a missing file is an empty list."""
    p = path or default_path()
    try:
        return _sensors(read_document(p).validate(AllowListFile, allow_empty=True))
    except ConfigFileMissing:
        return []
    except ConfigError as exc:
        raise AllowListError(exc.path, exc.line, exc.field, exc.reason) from None


def dump(sensors: list[AllowedSensor]) -> str:
    """The allow-list file's text. A label the file could not give back as written (see
    :func:`sensors.config_yaml.printable_line`) raises :class:`AllowListError` naming it."""
    entries = []
    for i, s in enumerate(sensors):
        entry: dict[str, str] = {"address": s.address}
        if s.label:
            try:
                entry["label"] = printable_line(s.label, LABEL_MAX_CHARS)
            except ValueError as exc:
                raise AllowListError(f"label {s.label!r}", None, f"sensors[{i}].label", str(exc)) from None
        entry["placement"] = s.placement
        entry["mode"] = s.mode
        if s.adapter:
            entry["adapter"] = s.adapter
        entries.append(entry)
    # width=inf: a long label must stay on one line, never folded.
    body = yaml.safe_dump({"sensors": entries}, sort_keys=False, allow_unicode=True, width=float("inf"))
    return "# Bluetooth sensors Liike may use; edit with `liike sensors allow|forget`.\n" + body


#: Connections a typical adapter holds at once (5-7 in practice; Bluetooth Core Specification
#: vendors' controllers; BlueZ and bleak-retry-connector assume the same order).
CONNECTIONS_PER_ADAPTER = 7


def looks_like_a_name(label: str) -> bool:
    """A label that reads like a person's name: two or more capitalised words of letters
    ("Matti Virtanen", "Anna-Liisa Mäkinen"), which a product that keeps pseudonyms only should
    not store without asking. "Strap 7" or "fox" do not."""
    words = label.split()
    return len(words) >= 2 and all(
        len(w) >= 2 and w[0].isupper() and w.replace("-", "").replace("'", "").isalpha() for w in words
    )


def duplicate_label(sensors: list[AllowedSensor], label: str, address: str) -> AllowedSensor | None:
    """Another sensor that already carries ``label`` (case and outer spaces ignored)."""
    key = label.strip().casefold()
    return next((s for s in sensors if s.address != address and s.label and s.label.strip().casefold() == key), None)


def connect_overflow(sensors: list[AllowedSensor], per_adapter: int = CONNECTIONS_PER_ADAPTER) -> str | None:
    """A warning when more sensors are in connect mode on one adapter than it can hold, naming
    how many and what to do, or None. Heart-rate straps can be read from broadcasts instead
    (``--broadcast``), which needs no connection at all."""
    by_adapter: dict[str, list[AllowedSensor]] = {}
    for s in sensors:
        if s.mode == "connect":
            by_adapter.setdefault(s.adapter or "default adapter", []).append(s)
    parts = [f"{len(v)} on the {k}" for k, v in by_adapter.items() if len(v) > per_adapter]
    if not parts:
        return None
    straps = [s.display for v in by_adapter.values() if len(v) > per_adapter for s in v if s.placement == "chest"]
    hint = f" ({', '.join(straps[:5])}{' ...' if len(straps) > 5 else ''})" if straps else ""
    return (
        f"{' and '.join(parts)} sensors in connect mode, but an adapter holds about {per_adapter} connections: "
        f"allow chest straps with --broadcast{hint} (Polar straps broadcast their heart rate), or spread the others "
        "over more adapters with --adapter hciN"
    )


def save(sensors: list[AllowedSensor], path: Path | None = None) -> Path:
    """Write atomically (a kiosk losing power mid-write keeps the old list)."""
    p = path or default_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text(dump(sensors), encoding="utf-8")
    os.replace(tmp, p)
    return p
