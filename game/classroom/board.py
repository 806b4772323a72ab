"""The class heart-rate board: one tile per allow-listed strap, for a PE teacher's screen.

Pure bookkeeping over SensorBus items (no pygame): the latest heart rate of each strap, whether
it is current, its intensity band (ACSM bands by heart-rate reserve, see
:mod:`sensors.motion.heart_zones`) and the time spent in each band. A reading counts as current
while :func:`game.engine.freshness.heart_rate_current` says so (young enough, skin contact); time in a band is
accumulated only for current readings, so a strap lying on a bench adds nothing.

With a roster (:mod:`game.classroom.roster`) a tile shows the pupil's alias, and the bands use
the pupil's own HRmax and HRrest. When a pupil's sustained peak (the lowest of
:data:`PEAK_READINGS` readings in a row, so one spike does not count) goes above their maximum,
the tile says so and the details overlay offers to keep the peak as the new maximum; it is
kept only when the teacher confirms (:meth:`ClassBoard.keep_peaks`).
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from game.classroom.challenge import ClassChallenge
from game.classroom.roster import Pupil
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
#: Readings in a row a peak must hold to count as one (a lone artefact beat does not).
PEAK_READINGS = 3


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
    #: The pupil wearing it (from the roster), and the heart-rate profile its bands use.
    pupil: Pupil | None = None
    profile: HeartProfile | None = None
    #: Highest heart rate held for :data:`PEAK_READINGS` readings in a row (bpm).
    peak_bpm: int = 0
    recent: deque[int] = field(default_factory=lambda: deque(maxlen=PEAK_READINGS))

    @property
    def label(self) -> str:
        return self.pupil.alias if self.pupil is not None else self.sensor.display

    def over_max(self) -> int | None:
        """The sustained peak when it is above the pupil's maximum (roster pupils only), else None."""
        if self.pupil is None or self.profile is None or self.peak_bpm <= self.profile.hr_max_bpm:
            return None
        return self.peak_bpm

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
    #: The pupil's sustained peak when above their maximum (the teacher may keep it), else None.
    over_max: int | None = None


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
    def __init__(
        self,
        sensors: list[AllowedSensor],
        profile: HeartProfile,
        challenge: ClassChallenge | None = None,
        pupils: Mapping[str, Pupil] | None = None,
        on_keep_max: Callable[[Pupil, int], None] | None = None,
    ) -> None:
        """``profile``: the class defaults; ``pupils``: the roster by strap address;
        ``on_keep_max``: called with each pupil and the peak the teacher kept as their maximum."""
        self.profile = profile
        #: The shared meter of a class heart-zone challenge, if one is played.
        self.challenge = challenge
        self.on_keep_max = on_keep_max
        pupils = pupils or {}
        self.straps = {}
        for s in sensors:
            pupil = pupils.get(s.address)
            self.straps[s.address] = StrapState(s, pupil=pupil, profile=pupil.profile(profile) if pupil else profile)
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
                    strap.recent.append(item.bpm)
                    if len(strap.recent) == PEAK_READINGS:
                        strap.peak_bpm = max(strap.peak_bpm, min(strap.recent))

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
                strap.heart.spend(self._profile(strap).intensity(strap.bpm), dt_s)
        if self.challenge is not None:
            self.challenge.tick(now_ns, dt_s, self.straps.items())

    def _profile(self, strap: StrapState) -> HeartProfile:
        return strap.profile or self.profile

    def keep_peaks(self) -> list[tuple[str, int]]:
        """The teacher confirmed: every pupil's sustained peak above their maximum becomes their
        maximum (bands follow at once; ``on_keep_max`` stores it). Returns (alias, bpm) kept."""
        kept = []
        for strap in self.straps.values():
            peak = strap.over_max()
            if peak is None or strap.pupil is None:
                continue
            strap.pupil = Pupil(strap.pupil.alias, strap.pupil.address, strap.pupil.age, strap.pupil.rest_bpm, float(peak))
            strap.profile = strap.pupil.profile(self.profile)
            kept.append((strap.pupil.alias, peak))
            if self.on_keep_max is not None:
                self.on_keep_max(strap.pupil, peak)
        return kept

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
            profile = self._profile(strap)
            out.append(
                Tile(
                    label=strap.label,
                    bpm=strap.bpm if current else None,
                    band=profile.intensity(strap.bpm) if current and strap.bpm else None,
                    pct_max=round(100.0 * strap.bpm / profile.hr_max_bpm) if current and strap.bpm else None,
                    mvpa_min=strap.mvpa_s / 60.0,
                    note=note,
                    problem=problem,
                    detail=detail if detail != note else "",
                    touched=strap.touched_ns is not None and now_ns - strap.touched_ns <= TOUCHED_S * NS_PER_S,
                    in_band=self.challenge is not None and strap.sensor.address in self.challenge.in_band_now,
                    over_max=strap.over_max(),
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
                    "label": s.label,
                    "address": s.sensor.address,
                    "hr_max_bpm": round(self._profile(s).hr_max_bpm, 1),
                    "hr_rest_bpm": self._profile(s).hr_rest_bpm,
                    "peak_bpm": s.peak_bpm or None,
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
