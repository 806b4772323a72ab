"""What the simulated player does, and when: a script of activity segments."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Activity(enum.StrEnum):
    IDLE = "idle"  # standing, small sway
    JOG = "jog"  # jogging on the spot at a cadence
    JUMP = "jump"  # counter-movement jumps at a rate
    SQUAT = "squat"  # body-weight squats at a rate
    REST = "rest"  # standing still, recovering
    JACK = "jack"  # jumping jacks at a rate
    PUNCH = "punch"  # straight punches from a guard, left and right in turn, at a rate
    WAVE = "wave"  # both arms raised sideways over the head and waved, feet still
    POLE = "pole"  # double-pole arm swings (cross-country skiing without poles) at a rate
    WIDE = "wide"  # step out wide, raise and lower the arms, step back in (not a jack)


DEFAULT_CADENCE_SPM = 160.0
DEFAULT_RATE_PER_MIN = {
    Activity.JUMP: 30.0,
    Activity.SQUAT: 20.0,
    Activity.JACK: 50.0,
    Activity.PUNCH: 40.0,
    Activity.WAVE: 12.0,
    Activity.POLE: 30.0,
    Activity.WIDE: 8.0,
}
#: Repetitions per minute each repeated activity can be asked for (a movement takes its time).
RATE_LIMITS = {Activity.JACK: (20.0, 60.0), Activity.PUNCH: (10.0, 50.0)}
_RATE_LIMITS_DEFAULT = (5.0, 40.0)


@dataclass(frozen=True, slots=True)
class Segment:
    """One stretch of the script. ``cadence_spm`` for JOG (steps/min); ``rate_per_min`` for
    the repeated movements (repetitions per minute, within :data:`RATE_LIMITS`)."""

    activity: Activity
    duration_s: float
    cadence_spm: float | None = None
    rate_per_min: float | None = None

    def __post_init__(self) -> None:
        if not self.duration_s > 0:
            raise ValueError(f"segment duration must be positive, got {self.duration_s}")
        if self.cadence_spm is not None and not 60 <= self.cadence_spm <= 240:
            raise ValueError(f"cadence must be 60..240 steps/min, got {self.cadence_spm}")
        lo, hi = RATE_LIMITS.get(self.activity, _RATE_LIMITS_DEFAULT)
        if self.rate_per_min is not None and not lo <= self.rate_per_min <= hi:
            raise ValueError(
                f"{self.activity.value} repetition rate must be {lo:g}..{hi:g} per minute, got {self.rate_per_min:g}"
            )

    @property
    def cadence(self) -> float:
        return self.cadence_spm or DEFAULT_CADENCE_SPM

    @property
    def rate(self) -> float:
        return self.rate_per_min or DEFAULT_RATE_PER_MIN.get(self.activity, 20.0)


def parse_script(text: str) -> tuple[Segment, ...]:
    """Parse ``"idle:3,jog:20@160,jump:6,squat:9@20,rest:10"``: activity:seconds[@rate]."""
    segments = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        try:
            name, _, rest = part.partition(":")
            dur, _, rate = rest.partition("@")
            activity = Activity(name.strip().lower())
            duration = float(dur)
            value = float(rate) if rate else None
        except ValueError:
            raise ValueError(
                f"bad script part {part!r}: expected ACTIVITY:SECONDS[@RATE] with ACTIVITY one of "
                f"{', '.join(a.value for a in Activity)}"
            ) from None
        if activity is Activity.JOG:
            segments.append(Segment(activity, duration, cadence_spm=value))
        else:
            segments.append(Segment(activity, duration, rate_per_min=value))
    if not segments:
        raise ValueError("an empty script: give at least one ACTIVITY:SECONDS part")
    return tuple(segments)


#: About two minutes: warm up, jog, jumps, jog, squats, a faster jog, rest.
DEFAULT_SCRIPT = parse_script("idle:4,jog:20@160,jump:8,jog:15@165,squat:12,jog:20@175,rest:15,jog:20@160,rest:10")

#: For the game's demo: stand for calibration, then jog; the game asks for jumps and squats.
GAME_SCRIPT = parse_script("idle:4,jog:110@165,rest:8,jog:110@170,rest:8")

#: About two minutes of the arm movements and their look-alikes: jumping jacks between arm
#: waves, wide steps with an arm raise, jumps, squats, jogging, punches and double-pole swings.
EXERCISE_SCRIPT = parse_script(
    "idle:4,jack:12@50,wave:9,jog:8@160,jack:10@56,wide:9,jump:8,jack:8@44,squat:9,punch:10@40,pole:10@30,jack:9@50,wave:5,rest:4"
)
