"""Bindings from keys and movements to named actions and axes, loaded from a YAML data file.

Schema (``game/input/bindings.yaml`` is the default; a user's file may replace it):

- ``motion.cadence_full_spm``: cadence (steps/min) that maps to speed 1.0.
- ``motion.crouch_hold`` / ``motion.crouch_release``: crouch depth (0..1 of standing hip
  height) at which a ``motion_state: crouch`` action is held / let go.
- ``actions.NAME``: ``keys`` (pygame key names such as ``space``, ``a``, ``kp_enter``),
  ``motion_events`` (MotionEvent kinds that press the action once), ``motion_state``
  (``crouch``: held while the player is crouched).
- ``axes.NAME``: ``keys_positive`` / ``keys_negative`` (held keys push the axis to +1 / -1),
  ``motion_state`` (``cadence`` -> cadence / cadence_full_spm, ``lean`` -> lean -1..1).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_BINDINGS = Path(__file__).with_name("bindings.yaml")

_MOTION_STATES_FOR_ACTIONS = {"crouch"}
_MOTION_STATES_FOR_AXES = {"cadence", "lean"}


class BindingsError(Exception):
    """A bindings file that cannot be used; the message names the file and the field."""


@dataclass(frozen=True, slots=True)
class ActionBinding:
    name: str
    keys: tuple[str, ...] = ()
    motion_events: tuple[str, ...] = ()
    motion_state: str | None = None


@dataclass(frozen=True, slots=True)
class AxisBinding:
    name: str
    keys_positive: tuple[str, ...] = ()
    keys_negative: tuple[str, ...] = ()
    motion_state: str | None = None


@dataclass(frozen=True, slots=True)
class Bindings:
    actions: dict[str, ActionBinding] = field(default_factory=dict)
    axes: dict[str, AxisBinding] = field(default_factory=dict)
    cadence_full_spm: float = 160.0
    crouch_hold: float = 0.18
    crouch_release: float = 0.10


def _str_list(value: Any, where: str, path: Path) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise BindingsError(f"{path}: {where}: expected a list of names, got {value!r}")
    return tuple(v.lower() for v in value)


def _number(value: Any, where: str, path: Path, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not lo <= value <= hi:
        raise BindingsError(f"{path}: {where}: expected a number in {lo}..{hi}, got {value!r}")
    return float(value)


def _check_keys(mapping: dict[str, Any], allowed: set[str], where: str, path: Path) -> None:
    unknown = set(mapping) - allowed
    if unknown:
        raise BindingsError(f"{path}: {where}: unknown field {sorted(unknown)[0]!r} (allowed: {', '.join(sorted(allowed))})")


def _entries(raw: dict[str, Any], section: str, fields: set[str], states: set[str], path: Path) -> list[tuple[str, dict[str, Any]]]:
    """The checked ``NAME: {...}`` mappings of one section (``actions`` or ``axes``)."""
    out = []
    for name, spec in (raw.get(section) or {}).items():
        where = f"{section}.{name}"
        if not isinstance(spec, dict):
            raise BindingsError(f"{path}: {where}: expected a mapping")
        _check_keys(spec, fields, where, path)
        state = spec.get("motion_state")
        if state is not None and state not in states:
            raise BindingsError(f"{path}: {where}.motion_state: expected one of {sorted(states)}, got {state!r}")
        out.append((str(name), spec))
    return out


def load_bindings(path: Path | str = DEFAULT_BINDINGS) -> Bindings:
    """Parse a bindings file; raise :class:`BindingsError` naming the file and field on any problem."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise BindingsError(f"{path}: cannot read bindings file: {exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise BindingsError(f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise BindingsError(f"{path}: expected a mapping with 'actions' and 'axes'")
    _check_keys(raw, {"motion", "actions", "axes"}, "top level", path)

    motion = raw.get("motion") or {}
    if not isinstance(motion, dict):
        raise BindingsError(f"{path}: motion: expected a mapping")
    _check_keys(motion, {"cadence_full_spm", "crouch_hold", "crouch_release"}, "motion", path)
    cadence_full = _number(motion.get("cadence_full_spm", 160), "motion.cadence_full_spm", path, 30, 400)
    hold = _number(motion.get("crouch_hold", 0.18), "motion.crouch_hold", path, 0.01, 1.0)
    release = _number(motion.get("crouch_release", 0.10), "motion.crouch_release", path, 0.0, 1.0)
    if release >= hold:
        raise BindingsError(f"{path}: motion.crouch_release: must be below crouch_hold ({hold}), got {release}")

    actions = {
        name: ActionBinding(
            name=name,
            keys=_str_list(spec.get("keys", []), f"actions.{name}.keys", path),
            motion_events=_str_list(spec.get("motion_events", []), f"actions.{name}.motion_events", path),
            motion_state=spec.get("motion_state"),
        )
        for name, spec in _entries(raw, "actions", {"keys", "motion_events", "motion_state"}, _MOTION_STATES_FOR_ACTIONS, path)
    }
    axes = {
        name: AxisBinding(
            name=name,
            keys_positive=_str_list(spec.get("keys_positive", []), f"axes.{name}.keys_positive", path),
            keys_negative=_str_list(spec.get("keys_negative", []), f"axes.{name}.keys_negative", path),
            motion_state=spec.get("motion_state"),
        )
        for name, spec in _entries(raw, "axes", {"keys_positive", "keys_negative", "motion_state"}, _MOTION_STATES_FOR_AXES, path)
    }
    return Bindings(actions, axes, cadence_full, hold, release)
