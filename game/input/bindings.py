"""Bindings from keys and movements to named actions and axes, loaded from a YAML data file.

Schema (``game/input/bindings.yaml`` is the default; a user's file may replace it):

- ``motion.cadence_full_spm``: cadence (steps/min, 30..400) that maps to speed 1.0.
- ``motion.crouch_hold`` / ``motion.crouch_release``: crouch depth (0..1 of standing hip
  height) at which a ``motion_state: crouch`` action is held / let go; release below hold.
- ``actions.NAME``: ``keys`` (pygame key names such as ``space``, ``a``, ``kp_enter``, ``1``),
  ``motion_events`` (MotionEvent kinds that press the action once), ``motion_state``
  (``crouch``: held while the player is crouched).
- ``axes.NAME``: ``keys_positive`` / ``keys_negative`` (held keys push the axis to +1 / -1),
  ``motion_state`` (``cadence`` -> cadence / cadence_full_spm, ``lean`` -> lean -1..1).

Every section and field may be left out (or left empty) for its default. Names are compared in
lower case; a key name is read as written (``1`` is the key "1"). The file is read by
:mod:`sensors.config_yaml` against :class:`BindingsFile`: unknown fields, duplicate keys, wrong
types and out-of-range numbers raise :class:`BindingsError` naming the file, line and field.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator

from sensors.config_yaml import VERBATIM, ConfigError, ConfigModel, FieldError, load_model

DEFAULT_BINDINGS = Path(__file__).with_name("bindings.yaml")

__all__ = [
    "DEFAULT_BINDINGS",
    "ActionBinding",
    "ActionSpec",
    "AxisBinding",
    "AxisSpec",
    "Bindings",
    "BindingsError",
    "BindingsFile",
    "MotionSpec",
    "load_bindings",
]


class BindingsError(ConfigError):
    """A bindings file that cannot be used; ``str()`` is one line ``FILE:LINE: FIELD: REASON``."""


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


# --------------------------------------------------------------------------------------------
# The file's schema (``json_schema(BindingsFile)`` gives it to editors)

Name = Annotated[str, VERBATIM, StringConstraints(min_length=1, to_lower=True)]
"""A key name or motion event kind: any plain scalar as written, lower-cased, not empty."""


class MotionSpec(ConfigModel):
    """``motion:``: how strongly movement drives the crouch actions and the cadence axis."""

    cadence_full_spm: Annotated[float, Field(ge=30, le=400, description="Cadence (steps/min) that counts as full speed.")] = 160.0
    crouch_hold: Annotated[
        float, Field(ge=0.01, le=1.0, description="Crouch depth (share of hip height) that holds a crouch action.")
    ] = 0.18
    crouch_release: Annotated[
        float, Field(ge=0.0, le=1.0, description="Crouch depth under which it is let go; below crouch_hold.")
    ] = 0.10

    @model_validator(mode="after")
    def _hysteresis(self) -> MotionSpec:
        if self.crouch_release < self.crouch_hold:
            return self
        if "crouch_release" in self.model_fields_set:
            raise FieldError("crouch_release", f"must be below crouch_hold ({self.crouch_hold:g}), got {{got}}")
        raise FieldError("crouch_hold", f"must be above crouch_release ({self.crouch_release:g}), got {{got}}")


class ActionSpec(ConfigModel):
    """``actions.NAME:``: what presses the action."""

    keys: tuple[Name, ...] = ()
    motion_events: tuple[Name, ...] = ()
    motion_state: Literal["crouch"] | None = None


class AxisSpec(ConfigModel):
    """``axes.NAME:``: what moves the axis."""

    keys_positive: tuple[Name, ...] = ()
    keys_negative: tuple[Name, ...] = ()
    motion_state: Literal["cadence", "lean"] | None = None


SectionName = Annotated[str, StringConstraints(min_length=1)]


class BindingsFile(ConfigModel):
    """A bindings file."""

    motion: MotionSpec | None = None
    actions: dict[SectionName, ActionSpec] | None = None
    axes: dict[SectionName, AxisSpec] | None = None


def load_bindings(path: Path | str = DEFAULT_BINDINGS) -> Bindings:
    """Parse a bindings file; raise :class:`BindingsError` naming the file, line and field on any problem."""
    try:
        spec = load_model(path, BindingsFile)
    except ConfigError as exc:
        raise BindingsError(exc.path, exc.line, exc.field, exc.reason) from None
    motion = spec.motion or MotionSpec()
    actions = {name: ActionBinding(name, a.keys, a.motion_events, a.motion_state) for name, a in (spec.actions or {}).items()}
    axes = {name: AxisBinding(name, a.keys_positive, a.keys_negative, a.motion_state) for name, a in (spec.axes or {}).items()}
    return Bindings(actions, axes, motion.cadence_full_spm, motion.crouch_hold, motion.crouch_release)
