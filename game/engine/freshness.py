"""When a reading counts as current, and the running heart-rate tally: one rule for the game's
HUD and the class board alike.

A strap notifies about once a second, so a heart rate older than :data:`HR_FRESH_S` (five
missed notifications) is quiet, never the wearer's current value; a strap that reports no skin
contact is off the chest, so its last value is not current either. Time in an intensity band
is counted only while the reading is current, so a strap lying on a bench adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sensors.clock import NS_PER_S
from sensors.motion.heart_zones import Intensity

HR_FRESH_S = 5.0
#: A motion source (camera pose, IMU) that sent nothing for this long is gone: its holds are let go.
MOTION_FRESH_S = 1.0


def heart_rate_current(bpm: int | None, contact: bool | None, t_ns: int, now_ns: int) -> bool:
    """A heart rate read at ``t_ns`` still stands at ``now_ns`` (host clock, ns)."""
    return bpm is not None and contact is not False and now_ns - t_ns <= HR_FRESH_S * NS_PER_S


@dataclass
class HeartTally:
    """Running heart-rate figures of one wearer: readings, mean, extremes, seconds per band.

    ``seconds_in`` is keyed by the band's value (``"moderate"`` ...), ready for JSON.
    """

    n: int = 0
    total_bpm: float = 0.0
    max_bpm: int = 0
    min_bpm: int = 0
    seconds_in: dict[str, float] = field(default_factory=lambda: {b.value: 0.0 for b in Intensity})

    def add(self, bpm: int) -> None:
        self.n += 1
        self.total_bpm += bpm
        self.max_bpm = max(self.max_bpm, bpm)
        self.min_bpm = bpm if self.n == 1 else min(self.min_bpm, bpm)

    def spend(self, band: Intensity, dt_s: float) -> None:
        self.seconds_in[band.value] += dt_s

    @property
    def mean_bpm(self) -> float | None:
        return self.total_bpm / self.n if self.n else None

    def seconds_in_bands(self, bands: tuple[Intensity, ...]) -> float:
        return sum(self.seconds_in[b.value] for b in bands)
