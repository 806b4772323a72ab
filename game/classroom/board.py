"""The class heart-rate board: one tile per allow-listed strap, for a PE teacher's screen.

Pure bookkeeping over SensorBus items (no pygame): the latest heart rate of each strap, whether
it is current, its intensity band (ACSM bands by heart-rate reserve, see
:mod:`sensors.motion.heart_zones`) and the time spent in each band. A reading counts as current
while :func:`game.engine.freshness.heart_rate_current` says so (young enough, skin contact); time in a band is
accumulated only for current readings, so a strap lying on a bench adds nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from game.engine.freshness import HeartTally, heart_rate_current
from sensors.ble.allowlist import AllowedSensor
from sensors.motion.heart_zones import HeartProfile, Intensity
from sensors.samples import BusItem, DeviceState, DeviceStatus, HeartRateSample

#: Bands that count as moderate-to-vigorous physical activity (MVPA), the figure PE
#: guidelines use (Garber 2011: moderate from 40 % HRR).
MVPA_BANDS = (Intensity.MODERATE, Intensity.VIGOROUS, Intensity.NEAR_MAXIMAL)


@dataclass
class StrapState:
    sensor: AllowedSensor
    bpm: int | None = None
    t_ns: int = 0
    contact: bool | None = None
    broadcast: bool = False
    status: DeviceStatus | None = None
    heart: HeartTally = field(default_factory=HeartTally)

    def current(self, now_ns: int) -> bool:
        return heart_rate_current(self.bpm, self.contact, self.t_ns, now_ns)

    @property
    def mvpa_s(self) -> float:
        return self.heart.seconds_in_bands(MVPA_BANDS)


@dataclass(frozen=True, slots=True)
class Tile:
    """What one tile shows. ``bpm``/``band``/``pct_max`` are None when the reading is not current;
    ``note``: the strap's state in a few words (``"broadcast"``, ``"no contact"`` ...)."""

    label: str
    bpm: int | None
    band: Intensity | None
    pct_max: float | None
    mvpa_min: float
    note: str
    problem: bool


class ClassBoard:
    def __init__(self, sensors: list[AllowedSensor], profile: HeartProfile) -> None:
        self.profile = profile
        self.straps = {s.address: StrapState(s) for s in sensors}

    def ingest(self, items: Iterable[BusItem]) -> None:
        for item in items:
            strap = self.straps.get(getattr(item, "source", ""))
            if strap is None:
                continue
            if isinstance(item, DeviceStatus):
                strap.status = item
            elif isinstance(item, HeartRateSample):
                strap.contact = item.contact
                strap.broadcast = item.broadcast
                if item.contact is not False and item.bpm > 0:
                    strap.bpm, strap.t_ns = item.bpm, item.t_host_ns
                    strap.heart.add(item.bpm)

    def tick(self, now_ns: int, dt_s: float) -> None:
        for strap in self.straps.values():
            if strap.current(now_ns):
                assert strap.bpm is not None
                strap.heart.spend(self.profile.intensity(strap.bpm), dt_s)

    def _note(self, strap: StrapState, now_ns: int) -> tuple[str, bool]:
        if strap.contact is False:
            return "no contact: wet the strap", True
        if strap.current(now_ns):
            return ("broadcast" if strap.broadcast else "connected"), False
        status = strap.status
        if status is not None and status.state in (DeviceState.ERROR, DeviceState.DISCONNECTED):
            text = status.message.split(": ", 1)[-1]
            return (text if len(text) <= 40 else text[:39] + "\u2026"), True
        if strap.bpm is not None:
            return "quiet: is it worn?", True
        return "waiting for the strap", False

    def tiles(self, now_ns: int) -> list[Tile]:
        out = []
        for strap in self.straps.values():
            current = strap.current(now_ns)
            note, problem = self._note(strap, now_ns)
            out.append(
                Tile(
                    label=strap.sensor.display,
                    bpm=strap.bpm if current else None,
                    band=self.profile.intensity(strap.bpm) if current and strap.bpm else None,
                    pct_max=round(100.0 * strap.bpm / self.profile.hr_max_bpm) if current and strap.bpm else None,
                    mvpa_min=strap.mvpa_s / 60.0,
                    note=note,
                    problem=problem,
                )
            )
        return out

    def summary(self) -> dict[str, Any]:
        """Per strap: label, mean and max heart rate, minutes per band and MVPA minutes."""
        return {
            "hr_rest_bpm": self.profile.hr_rest_bpm,
            "hr_max_bpm": round(self.profile.hr_max_bpm, 1),
            "straps": [
                {
                    "label": s.sensor.display,
                    "address": s.sensor.address,
                    "readings": s.heart.n,
                    "mean_bpm": None if s.heart.mean_bpm is None else round(s.heart.mean_bpm, 1),
                    "max_bpm": s.heart.max_bpm or None,
                    "minutes_in": {band: round(v / 60.0, 2) for band, v in s.heart.seconds_in.items()},
                    "mvpa_min": round(s.mvpa_s / 60.0, 2),
                }
                for s in self.straps.values()
            ],
        }
