"""The class heart-rate board: one tile per allow-listed strap, for a PE teacher's screen.

Pure bookkeeping over SensorBus items (no pygame): the latest heart rate of each strap, whether
it is current, its intensity band (ACSM bands by heart-rate reserve, see
:mod:`sensors.motion.heart_zones`) and the time spent in each band. A reading counts as current
while :func:`game.engine.freshness.heart_rate_current` says so (young enough, skin contact); time in a band is
accumulated only for current readings, so a strap lying on a bench adds nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from game.classroom.challenge import ClassChallenge
from game.engine.freshness import HeartTally, heart_rate_current
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import NS_PER_S
from sensors.motion.heart_zones import HeartProfile, Intensity
from sensors.samples import BusItem, DeviceState, DeviceStatus, HeartRateSample

log = logging.getLogger("liike.class")

#: Bands that count as moderate-to-vigorous physical activity (MVPA), the figure PE
#: guidelines use (Garber 2011: moderate from 40 % HRR).
MVPA_BANDS = (Intensity.MODERATE, Intensity.VIGOROUS, Intensity.NEAR_MAXIMAL)


#: Seconds a strap stays highlighted in identify mode after it was put on or wetted.
TOUCHED_S = 6.0


@dataclass
class StrapState:
    sensor: AllowedSensor
    bpm: int | None = None
    t_ns: int = 0
    contact: bool | None = None
    broadcast: bool = False
    status: DeviceStatus | None = None
    #: The last error or disconnection with its advice, kept while the link retries (searching,
    #: connecting) so the advice stays on the tile; cleared once the strap connects again.
    trouble: DeviceStatus | None = None
    heart: HeartTally = field(default_factory=HeartTally)
    #: When the strap was last put on: its first reading with skin contact, or contact again
    #: after none (host clock, ns); what identify mode shows.
    touched_ns: int | None = None

    def current(self, now_ns: int) -> bool:
        return heart_rate_current(self.bpm, self.contact, self.t_ns, now_ns)

    @property
    def mvpa_s(self) -> float:
        return self.heart.seconds_in_bands(MVPA_BANDS)


@dataclass(frozen=True, slots=True)
class Tile:
    """What one tile shows. ``bpm``/``band``/``pct_max`` are None when the reading is not current;
    ``note``: the strap's state in a few words (``"broadcast"``, ``"no contact"`` ...), or for a
    strap in trouble what to do about it, in full (the screen wraps and shortens it to fit the
    tile); ``detail``: what happened, from the strap's last status message (an address, an error
    code, the link's state now), for the details overlay beside ``note``; empty when there is
    nothing more to say than ``note``."""

    label: str
    bpm: int | None
    band: Intensity | None
    pct_max: float | None
    mvpa_min: float
    note: str
    problem: bool
    detail: str = ""
    #: Put on (or wetted) within the last :data:`TOUCHED_S`: identify mode highlights it.
    touched: bool = False
    #: Inside the class challenge's band now (``liike class --challenge``); False without one.
    in_band: bool = False


def split_status(message: str) -> tuple[str, str]:
    """A link's status message, ``NAME: what happened: Advice.`` (see
    :class:`sensors.ble.link_errors.LinkError`), as (what happened, what to do): the advice is the
    text from the first part that reads as a sentence (``The Bluetooth adapter holds ...``), not an
    address or an error code (``E0:11:..``, ``CONNECTION_LIMIT_EXCEEDED_ERROR (0x09)``). Without
    such a part, the advice is empty and what happened is the message without the name."""
    parts = message.split(": ")
    rest = parts[1:] if len(parts) > 1 else parts
    for i, part in enumerate(rest):
        word = part.split(" ", 1)[0]
        if i > 0 and word[:1].isupper() and not word.isupper():
            return ": ".join(rest[:i]), ": ".join(rest[i:])
    return ": ".join(rest), ""


class ClassBoard:
    def __init__(self, sensors: list[AllowedSensor], profile: HeartProfile, challenge: ClassChallenge | None = None) -> None:
        self.profile = profile
        #: The shared meter of a class heart-zone challenge, if one is played.
        self.challenge = challenge
        self.straps = {s.address: StrapState(s) for s in sensors}
        self._advised: set[str] = set()  # advice already written to the log (stderr): each once

    def ingest(self, items: Iterable[BusItem]) -> None:
        for item in items:
            strap = self.straps.get(getattr(item, "source", ""))
            if strap is None:
                continue
            if isinstance(item, DeviceStatus):
                strap.status = item
                if item.state in (DeviceState.ERROR, DeviceState.DISCONNECTED) and split_status(item.message)[1]:
                    strap.trouble = item
                elif item.state in (DeviceState.CONNECTED, DeviceState.STREAMING):
                    strap.trouble = None
                self._advise(strap, item)
            elif isinstance(item, HeartRateSample):
                if item.contact is not False and item.bpm > 0 and (strap.contact is False or strap.bpm is None):
                    strap.touched_ns = item.t_host_ns
                strap.contact = item.contact
                strap.broadcast = item.broadcast
                if item.contact is not False and item.bpm > 0:
                    strap.bpm, strap.t_ns = item.bpm, item.t_host_ns
                    strap.heart.add(item.bpm)

    def _advise(self, strap: StrapState, status: DeviceStatus) -> None:
        """Write a trouble's advice to the log once per distinct advice (the screen shows it on
        every tile it concerns): 17 straps out of connection slots make one line, not 17."""
        if status.state not in (DeviceState.ERROR, DeviceState.DISCONNECTED):
            return
        what, advice = split_status(status.message)
        if advice and advice not in self._advised:
            self._advised.add(advice)
            log.warning("%s: %s (%s)", strap.sensor.display, advice, what)

    def tick(self, now_ns: int, dt_s: float) -> None:
        for strap in self.straps.values():
            if strap.current(now_ns):
                assert strap.bpm is not None
                strap.heart.spend(self.profile.intensity(strap.bpm), dt_s)
        if self.challenge is not None:
            self.challenge.tick(now_ns, dt_s, self.straps.items())

    def _note(self, strap: StrapState, now_ns: int) -> tuple[str, bool, str]:
        """(note, problem, detail) of a strap, see :class:`Tile`."""
        status = strap.status
        now = "" if status is None else split_status(status.message)[0]
        if strap.contact is False:
            return "no contact: wet the strap", True, now
        if strap.current(now_ns):
            return ("broadcast" if strap.broadcast else "connected"), False, now
        trouble = strap.trouble
        if status is not None and status.state in (DeviceState.ERROR, DeviceState.DISCONNECTED) and trouble is None:
            trouble = status
        if trouble is not None:
            what, advice = split_status(trouble.message)
            if status is not None and status is not trouble:
                what += f" (now: {now})"
            return (advice or what), True, what
        if strap.bpm is not None:
            return "quiet: is it worn?", True, now
        return "waiting for the strap", False, now

    def tiles(self, now_ns: int) -> list[Tile]:
        out = []
        for strap in self.straps.values():
            current = strap.current(now_ns)
            note, problem, detail = self._note(strap, now_ns)
            out.append(
                Tile(
                    label=strap.sensor.display,
                    bpm=strap.bpm if current else None,
                    band=self.profile.intensity(strap.bpm) if current and strap.bpm else None,
                    pct_max=round(100.0 * strap.bpm / self.profile.hr_max_bpm) if current and strap.bpm else None,
                    mvpa_min=strap.mvpa_s / 60.0,
                    note=note,
                    problem=problem,
                    detail=detail if detail != note else "",
                    touched=strap.touched_ns is not None and now_ns - strap.touched_ns <= TOUCHED_S * NS_PER_S,
                    in_band=self.challenge is not None and strap.sensor.address in self.challenge.in_band_now,
                )
            )
        return out

    def summary(self) -> dict[str, Any]:
        """Per strap: label, mean and max heart rate, minutes per band and MVPA minutes; with a
        class challenge, its meter (:meth:`game.classroom.challenge.ClassChallenge.summary`)."""
        out = {
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
        if self.challenge is not None:
            out["challenge"] = self.challenge.summary()
        return out
