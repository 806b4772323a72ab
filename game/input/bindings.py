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
- ``player2``: the second player's keys, for two players at one keyboard: ``actions.NAME.keys``
  and ``axes.NAME.keys_positive`` / ``keys_negative`` for actions and axes defined above (their
  movements are the same). A two-player round gives these keys to the second player alone.

A motion event that names its hand (a punch, :attr:`sensors.motion.events.MotionEvent.hand`)
also presses the actions bound to ``KIND_HAND`` (``punch_left``, ``punch_right``).

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
    "PlayerKeysSpec",
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
    """``player2``: the second player's bindings (their own keys, the same movements), or None
    when the file gives the second player no keys."""

    actions: dict[str, ActionBinding] = field(default_factory=dict)
    axes: dict[str, AxisBinding] = field(default_factory=dict)
    cadence_full_spm: float = 160.0
    crouch_hold: float = 0.18
    crouch_release: float = 0.10
    player2: Bindings | None = None

    @property
    def keys(self) -> frozenset[str]:
        """Every key these bindings use."""
        out = {k for a in self.actions.values() for k in a.keys}
        out.update(k for a in self.axes.values() for k in a.keys_positive + a.keys_negative)
        return frozenset(out)

    def second_player(self) -> Bindings:
        """The second player's bindings: ``player2``, or the movements alone without keys."""
        if self.player2 is not None:
            return self.player2
        return Bindings(
            {n: ActionBinding(n, (), a.motion_events, a.motion_state) for n, a in self.actions.items()},
            {n: AxisBinding(n, (), (), a.motion_state) for n, a in self.axes.items()},
            self.cadence_full_spm,
            self.crouch_hold,
            self.crouch_release,
        )


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


class PlayerActionKeys(ConfigModel):
    """``player2.actions.NAME:``: the second player's keys for an action defined in ``actions``."""

    keys: tuple[Name, ...] = ()


class PlayerAxisKeys(ConfigModel):
    """``player2.axes.NAME:``: the second player's keys for an axis defined in ``axes``."""

    keys_positive: tuple[Name, ...] = ()
    keys_negative: tuple[Name, ...] = ()


class PlayerKeysSpec(ConfigModel):
    """``player2:``: the second player's keys (two players at one keyboard)."""

    actions: dict[SectionName, PlayerActionKeys] | None = None
    axes: dict[SectionName, PlayerAxisKeys] | None = None


class BindingsFile(ConfigModel):
    """A bindings file."""

    motion: MotionSpec | None = None
    actions: dict[SectionName, ActionSpec] | None = None
    axes: dict[SectionName, AxisSpec] | None = None
    player2: PlayerKeysSpec | None = None

    @model_validator(mode="after")
    def _player2_names_known(self) -> BindingsFile:
        if self.player2 is None:
            return self
        for section, known in (("actions", self.actions or {}), ("axes", self.axes or {})):
            for name in getattr(self.player2, section) or {}:
                if name not in known:
                    raise FieldError(
                        ("player2", section, name),
                        f"is not one of the {section} above ({', '.join(sorted(known)) or 'none'}); "
                        f"define it under {section}: first, got {{got}}",
                    )
        return self


def load_bindings(path: Path | str = DEFAULT_BINDINGS) -> Bindings:
    """Parse a bindings file; raise :class:`BindingsError` naming the file, line and field on any problem."""
    try:
        spec = load_model(path, BindingsFile)
    except ConfigError as exc:
        raise BindingsError(exc.path, exc.line, exc.field, exc.reason) from None
    motion = spec.motion or MotionSpec()
    actions = {name: ActionBinding(name, a.keys, a.motion_events, a.motion_state) for name, a in (spec.actions or {}).items()}
    axes = {name: AxisBinding(name, a.keys_positive, a.keys_negative, a.motion_state) for name, a in (spec.axes or {}).items()}
    numbers = (motion.cadence_full_spm, motion.crouch_hold, motion.crouch_release)
    player2 = None
    if spec.player2 is not None:
        keys = {n: k.keys for n, k in (spec.player2.actions or {}).items()}
        axis_keys = {n: (k.keys_positive, k.keys_negative) for n, k in (spec.player2.axes or {}).items()}
        player2 = Bindings(
            {n: ActionBinding(n, keys.get(n, ()), a.motion_events, a.motion_state) for n, a in actions.items()},
            {n: AxisBinding(n, *axis_keys.get(n, ((), ())), a.motion_state) for n, a in axes.items()},
            *numbers,
        )
    return Bindings(actions, axes, *numbers, player2=player2)
