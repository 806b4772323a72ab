"""What every level file has, whatever its mode: the base of each mode's level schema.

A mode's level model subclasses :class:`LevelFile` and adds its own fields and rules; the file
is read by :mod:`sensors.config_yaml` (strict types, no unknown fields, duplicate keys refused,
errors at file, line and field). ``levels/README.md`` documents these fields.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from sensors.config_yaml import ConfigModel, FieldError, printable_line


def number_text(value: float) -> str:
    """A number as a level's error message quotes it: 400.0 -> '400', 0.3 -> '0.3' (six decimals
    at most, so 0.1 + 0.2 reads 0.3)."""
    return str(int(value)) if float(value).is_integer() else str(round(value, 6))


SCHEMA_VERSION = 1
"""The only level schema version this code reads."""

NAME_MAX_CHARS = 60


class SchemaVersion(ConfigModel, extra="ignore"):
    """Read first, alone: when a file's version is not this code's, nothing else is worth reporting."""

    schema_version: Literal[1] = Field(alias="schema", description="Level schema version; this Liike reads 1.")


class LevelFile(ConfigModel):
    """The fields of every level, whatever its mode."""

    schema_version: Literal[1] = Field(alias="schema", description="Level schema version; this Liike reads 1.")
    name: Annotated[
        str, Field(description=f"Title shown in the menu and stored with each session: one line, 1-{NAME_MAX_CHARS} characters.")
    ]
    mode: str = Field(description="The game mode that plays the level; its folder's name.")
    description: str | None = Field(default=None, description="A sentence or two for the menu.")
    difficulty: Annotated[int, Field(ge=1, le=5, description="1 (easiest) to 5 (hardest).")]
    adaptive: bool = Field(
        default=False,
        description="true: the mode adapts its pace toward effort_band (game/engine/difficulty.py); false: the pace as written.",
    )
    effort_band: (
        tuple[
            Annotated[float, Field(gt=0, lt=1)],
            Annotated[float, Field(gt=0, le=1)],
        ]
        | None
    ) = Field(
        default=None,
        description="Target intensity [low, high] in fractions of heart-rate reserve, e.g. [0.4, 0.6] (ACSM moderate); "
        "only with adaptive: true; none: the mode's default band.",
    )

    @model_validator(mode="after")
    def _effort_band_rules(self) -> LevelFile:
        if self.effort_band is None:
            return self
        lo, hi = self.effort_band
        if lo >= hi:
            raise FieldError(("effort_band", 1), f"must be above the low end ({lo:g}), got {{got}}")
        if not self.adaptive:
            raise FieldError(("effort_band",), "is used only when the pace adapts: add 'adaptive: true' or remove effort_band")
        return self

    @field_validator("name")
    @classmethod
    def _one_line_title(cls, value: str) -> str:
        return printable_line(value.strip(), NAME_MAX_CHARS)
