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

Errors name the file, the line and the field (:class:`AllowListError`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

PLACEMENTS = ("chest", "waist", "lower_back", "wrist", "thigh", "ankle", "foot", "arm")
MODES = ("connect", "broadcast")
ENTRY_FIELDS = ("address", "label", "placement", "mode", "adapter")
_ADAPTER = re.compile(r"^hci[0-9]{1,2}$")
ALLOWLIST_ENV = "LIIKE_SENSORS_FILE"
_MAC = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5}$")
# macOS reports devices by a per-machine UUID instead of the address.
_CB_UUID = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")


class AllowListError(ValueError):
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
    env = os.environ.get(ALLOWLIST_ENV)
    if env:
        return Path(env)
    from platformdirs import user_config_dir

    return Path(user_config_dir("liike")) / "sensors.yaml"


def _fail(path: Path, node: Node, field: str, message: str) -> AllowListError:
    return AllowListError(f"{path}:{node.start_mark.line + 1}: {field}: {message}")


def parse(text: str, path: Path) -> list[AllowedSensor]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise AllowListError(f"{path}:{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if root is None:
        return []
    if not isinstance(root, MappingNode):
        raise _fail(path, root, "(top)", "expected a mapping with a 'sensors' list")
    sensors_node: Node | None = None
    for key, value in root.value:
        if not isinstance(key, ScalarNode) or key.value != "sensors":
            raise _fail(path, key, str(getattr(key, "value", "?")), "unknown field; the file holds only 'sensors'")
        sensors_node = value
    if sensors_node is None or (isinstance(sensors_node, ScalarNode) and sensors_node.value in ("", "null", "~")):
        return []
    if not isinstance(sensors_node, SequenceNode):
        raise _fail(path, sensors_node, "sensors", "expected a list of sensors")
    out: list[AllowedSensor] = []
    seen: set[str] = set()
    for i, entry in enumerate(sensors_node.value):
        where = f"sensors[{i}]"
        if not isinstance(entry, MappingNode):
            raise _fail(path, entry, where, "expected a mapping with at least 'address'")
        values: dict[str, tuple[str, Node]] = {}
        for key, value in entry.value:
            name = str(getattr(key, "value", "?"))
            if name not in ENTRY_FIELDS:
                raise _fail(path, key, f"{where}.{name}", f"unknown field; allowed: {', '.join(ENTRY_FIELDS)}")
            if not isinstance(value, ScalarNode):
                raise _fail(path, value, f"{where}.{name}", "expected a single value")
            values[name] = (str(value.value), value)
        if "address" not in values:
            raise _fail(path, entry, f"{where}.address", "missing: every sensor needs its address")
        text_address, node = values["address"]
        try:
            address = normalise_address(text_address)
        except ValueError as exc:
            raise _fail(path, node, f"{where}.address", str(exc)) from None
        if address in seen:
            raise _fail(path, node, f"{where}.address", f"{address} is listed twice")
        seen.add(address)
        placement = values.get("placement", ("chest", entry))[0]
        if placement not in PLACEMENTS:
            raise _fail(path, values["placement"][1], f"{where}.placement", f"{placement!r} is not one of {', '.join(PLACEMENTS)}")
        mode = values.get("mode", ("connect", entry))[0]
        if mode not in MODES:
            raise _fail(path, values["mode"][1], f"{where}.mode", f"{mode!r} is not one of {', '.join(MODES)}")
        label = values["label"][0] if "label" in values else None
        adapter = values["adapter"][0] if "adapter" in values else None
        if adapter is not None and not _ADAPTER.match(adapter):
            raise _fail(path, values["adapter"][1], f"{where}.adapter", f"{adapter!r} is not an adapter name like hci0 or hci1")
        out.append(AllowedSensor(address, label, placement, mode, adapter))
    return out


def load(path: Path | None = None) -> list[AllowedSensor]:
    """The allow-list at ``path`` (default :func:`default_path`); a missing file is an empty list."""
    p = path or default_path()
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        return []
    except (OSError, UnicodeDecodeError) as exc:
        raise AllowListError(f"{p}:1: cannot read the sensors file: {exc}") from None
    return parse(text, p)


def dump(sensors: list[AllowedSensor]) -> str:
    entries = []
    for s in sensors:
        entry: dict[str, str] = {"address": s.address}
        if s.label:
            entry["label"] = s.label
        entry["placement"] = s.placement
        entry["mode"] = s.mode
        if s.adapter:
            entry["adapter"] = s.adapter
        entries.append(entry)
    # width=inf: a long label must stay on one line, never folded.
    body = yaml.safe_dump({"sensors": entries}, sort_keys=False, allow_unicode=True, width=float("inf"))
    return "# Bluetooth sensors Liike may use; edit with `liike sensors allow|forget`.\n" + body


def save(sensors: list[AllowedSensor], path: Path | None = None) -> Path:
    """Write atomically (a kiosk losing power mid-write keeps the old list)."""
    p = path or default_path()
    p.parent.mkdir(parents=True, exist_ok=True)
    tmp = p.with_suffix(p.suffix + ".tmp")
    tmp.write_text(dump(sensors), encoding="utf-8")
    os.replace(tmp, p)
    return p
