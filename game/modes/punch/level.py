"""Target punch levels: the schema of ``levels/punch/*.yaml`` and the plain objects the game plays.

A level is a pattern of targets played ``repeat`` times at a tempo. Each target names the move
that hits it (``kind``), where it shows around the player (``side``), when it opens (``beat``,
counted at ``tempo_bpm`` from the start of the pattern) and how long it stays open
(``window_beats``). :class:`PunchLevelFile` is the schema (read strictly by
:mod:`sensors.config_yaml` through :func:`game.levels.load_level`, documented field by field in
``levels/punch/README.md``); :class:`Level` and :class:`Target` are what the rules read, in
seconds, with the pattern already repeated.

Seated levels (``seated: true``) are for players who stay in a chair or a wheelchair: only
upper-body targets (punch, reach, lean). Their design follows the WHO guidelines for adults
living with disability (WHO guidelines on physical activity and sedentary behaviour, Geneva:
WHO 2020, ch. "Adults living with disability"; Carty C et al., J Phys Act Health 2021;18(1):
86-93): some activity is better than none, moderate intensity counts towards the weekly 150-300
minutes, and players who are not yet active start with small amounts and build up duration and
intensity over time. So a seated level keeps an even, moderate tempo with rests built into the
pattern, and a few minutes at most (:data:`SEATED_MAX_S`) rather than a long bout.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, model_validator

from game.levels.model import LevelFile
from game.levels.model import number_text as _fmt
from sensors.config_yaml import ConfigModel, FieldError

KINDS: tuple[str, ...] = ("punch", "reach", "squat", "step", "lean")
"""Target kinds and the move that hits each: ``punch`` a straight punch (either fist), ``reach``
both arms up, ``squat`` a squat (hold it low), ``step`` a side step to that side, ``lean`` a lean
of the trunk to that side."""

SIDES: tuple[str, ...] = ("left", "right", "centre")
"""Where a target shows, from the player's own point of view (the picture is mirrored)."""

LOWER_BODY: frozenset[str] = frozenset({"squat", "step"})
"""Kinds a seated level may not use."""

SIDED: frozenset[str] = frozenset({"punch", "step", "lean"})
"""Kinds that need ``side: left`` or ``right``; ``squat`` is always ``centre``."""

TEMPO_MIN_BPM, TEMPO_MAX_BPM = 20.0, 180.0
WINDOW_MIN_S, WINDOW_MAX_S = 0.5, 8.0
#: Targets closer together than this (s) cannot both be seen and answered.
MIN_GAP_S = 0.6
LEVEL_MAX_S = 30 * 60.0
#: A seated level's longest round (s): short bouts that can be repeated and built up (WHO 2020).
SEATED_MAX_S = 6 * 60.0
REPEAT_MAX = 50


class TargetSpec(ConfigModel):
    """One target of the pattern."""

    beat: Annotated[float, Field(ge=0, description="When it opens, in beats from the start of the pattern.")]
    kind: Literal["punch", "reach", "squat", "step", "lean"] = Field(
        description="The move that hits it: punch, reach (both arms up), squat, step (side step), lean."
    )
    side: Literal["left", "right", "centre"] | None = Field(
        default=None, description="Where it shows: left or right (needed for punch, step, lean), centre (squat, reach)."
    )
    window_beats: (
        Annotated[float, Field(gt=0, description="How long it stays open, in beats; default: the level's window_beats.")] | None
    ) = None


class PunchLevelFile(LevelFile):
    """A target punch level file (schema version 1)."""

    mode: Literal["punch"] = Field(description="The game mode: punch.")
    players: Literal[1, 2] = Field(default=1, description="1, or 2 side by side in front of one camera.")
    seated: bool = Field(default=False, description="Upper body only (punch, reach, lean), for players in a chair.")
    tempo_bpm: Annotated[
        float, Field(ge=TEMPO_MIN_BPM, le=TEMPO_MAX_BPM, description="Beats per minute: the unit of beat and window_beats.")
    ]
    window_beats: Annotated[float, Field(gt=0, description="How long a target stays open, in beats.")]
    lead_beats: Annotated[
        float, Field(ge=0, le=8, description="How long a target shows before it opens (a warning), in beats.")
    ] = 2.0
    repeat: Annotated[int, Field(ge=1, le=REPEAT_MAX, description="How many times the pattern is played.")] = 1
    pattern: tuple[TargetSpec, ...] = Field(min_length=1, description="The targets, in order of beat.")

    @model_validator(mode="after")
    def _pattern_rules(self) -> PunchLevelFile:
        beat_s = 60.0 / self.tempo_bpm
        default_window_s = self.window_beats * beat_s
        if not WINDOW_MIN_S <= default_window_s <= WINDOW_MAX_S:
            raise FieldError(
                "window_beats",
                f"is {default_window_s:.2f} s at {_fmt(self.tempo_bpm)} beats/min; a window must be "
                f"{_fmt(WINDOW_MIN_S)}-{_fmt(WINDOW_MAX_S)} s, got {{got}}",
            )
        for i, t in enumerate(self.pattern):
            if self.seated and t.kind in LOWER_BODY:
                raise FieldError(
                    ("pattern", i, "kind"),
                    "a seated level has upper-body targets only (punch, reach, lean); use lean for a "
                    "side target, or set seated: false, got {got}",
                )
            if t.kind in SIDED and t.side not in ("left", "right"):
                raise FieldError(("pattern", i, "side"), f"a {t.kind} target needs side: left or right, got {{got}}")
            if t.kind == "squat" and t.side not in (None, "centre"):
                raise FieldError(("pattern", i, "side"), "a squat target is in the centre (leave side out), got {got}")
            if t.window_beats is not None and not WINDOW_MIN_S <= t.window_beats * beat_s <= WINDOW_MAX_S:
                raise FieldError(
                    ("pattern", i, "window_beats"),
                    f"is {t.window_beats * beat_s:.2f} s at {_fmt(self.tempo_bpm)} beats/min; a window must be "
                    f"{_fmt(WINDOW_MIN_S)}-{_fmt(WINDOW_MAX_S)} s, got {{got}}",
                )
            if i > 0:
                before = self.pattern[i - 1].beat
                if not t.beat > before:
                    raise FieldError(
                        ("pattern", i, "beat"),
                        f"must be greater than pattern[{i - 1}].beat ({_fmt(before)}): targets go in order, got {{got}}",
                    )
                if (t.beat - before) * beat_s < MIN_GAP_S:
                    raise FieldError(
                        ("pattern", i, "beat"),
                        f"is {(t.beat - before) * beat_s:.2f} s after pattern[{i - 1}] at {_fmt(self.tempo_bpm)} "
                        f"beats/min; targets must be at least {_fmt(MIN_GAP_S)} s apart, got {{got}}",
                    )
        total = self.round_s
        limit = SEATED_MAX_S if self.seated else LEVEL_MAX_S
        if total > limit:
            why = " (a seated round is kept short: repeat the level to build up)" if self.seated else ""
            raise FieldError(
                "repeat",
                f"makes the round {total:.0f} s long, more than {_fmt(limit)} s{why}, got {{got}}",
            )
        return self

    @property
    def pattern_s(self) -> float:
        """Length of one pass of the pattern (s): its last beat plus one beat, so passes do not touch."""
        return (self.pattern[-1].beat + 1.0) * 60.0 / self.tempo_bpm

    @property
    def round_s(self) -> float:
        """The whole round (s): every pass, plus the last target's window."""
        beat_s = 60.0 / self.tempo_bpm
        last = self.pattern[-1]
        last_window = (last.window_beats or self.window_beats) * beat_s
        return self.lead_beats * beat_s + (self.repeat - 1) * self.pattern_s + last.beat * beat_s + last_window


@dataclass(frozen=True, slots=True)
class Target:
    """One target as the rules see it.

    ``index``: its place in the round (0 ..); ``kind``: one of :data:`KINDS`; ``side``: one of
    :data:`SIDES`; ``open_s``: when it opens, seconds from the start of the round; ``window_s``:
    how long it stays open; ``show_s``: when it appears (a warning before it opens).
    """

    index: int
    kind: str
    side: str
    open_s: float
    window_s: float
    show_s: float

    @property
    def close_s(self) -> float:
        return self.open_s + self.window_s


@dataclass(frozen=True, slots=True)
class Level:
    """A validated target punch level, its pattern repeated into one list of targets.

    ``tempo_bpm``: beats per minute; ``lead_s``: how long a target shows before it opens;
    ``length_s``: the whole round; ``players``: 1 or 2; ``seated``: upper body only;
    ``adaptive``/``effort_band``: the pace follows the player's effort (:mod:`game.engine.difficulty`).
    """

    path: Path
    schema: int
    name: str
    mode: str
    description: str
    difficulty: int
    players: int
    seated: bool
    tempo_bpm: float
    lead_s: float
    length_s: float
    targets: tuple[Target, ...]
    adaptive: bool = False
    effort_band: tuple[float, float] | None = None

    @classmethod
    def from_spec(cls, spec: PunchLevelFile, path: Path) -> Level:
        beat_s = 60.0 / spec.tempo_bpm
        lead_s = spec.lead_beats * beat_s
        targets: list[Target] = []
        for r in range(spec.repeat):
            for t in spec.pattern:
                open_s = lead_s + r * spec.pattern_s + t.beat * beat_s
                side = t.side if t.side is not None else "centre"
                window = (t.window_beats or spec.window_beats) * beat_s
                targets.append(Target(len(targets), t.kind, side, open_s, window, max(0.0, open_s - lead_s)))
        return cls(
            path=path,
            schema=spec.schema_version,
            name=spec.name,
            mode=spec.mode,
            description=spec.description or "",
            difficulty=spec.difficulty,
            players=spec.players,
            seated=spec.seated,
            tempo_bpm=float(spec.tempo_bpm),
            lead_s=lead_s,
            length_s=spec.round_s,
            targets=tuple(targets),
            adaptive=spec.adaptive,
            effort_band=spec.effort_band,
        )

    @property
    def targets_per_min(self) -> float:
        """Targets a minute at the written pace, over the round (the rate of moves it asks for)."""
        return 60.0 * len(self.targets) / self.length_s

    def kinds(self) -> tuple[str, ...]:
        """The kinds of target in the level, in :data:`KINDS` order."""
        present = {t.kind for t in self.targets}
        return tuple(k for k in KINDS if k in present)
