"""Everything scenes share during one run: settings, input, live sensor view, session."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from game.audio import Sound
from game.engine.config import AppConfig
from game.engine.live import HeartTally, LiveSensors
from game.engine.modes import GameMode, LevelInfo
from game.input.mapper import InputMapper
from game.render.text import TextCache
from game.sessions import SessionWriter, StoreError, default_db_path
from sensors.clock import ClockNs, now_ns
from sensors.samples import BusItem

log = logging.getLogger("liike.game")

#: Asks the simulated player to perform a movement ("jump" / "squat") at a host time (ns).
Autopilot = Callable[[str, int], None]

#: Changes what the simulated player keeps doing from a host time (ns) on: an activity
#: ("jog", "idle", "pole" ...) with keywords ``cadence_spm``, ``rate_per_min``, ``lean``, ``side_m``
#: and ``crouch`` (:meth:`sensors.sim.SimulatedSource.steer`). Calling it with unchanged values
#: is cheap, so an autopilot may call it every frame.
Steer = Callable[..., None]

#: The newest camera frame (an object with a BGR ``image``), for showing the player to themself.
#: Frames are only ever drawn on screen, never written anywhere.
Preview = Callable[[], Any]


@dataclass
class SessionLink:
    """The open session of the current play-through, if the store could be opened."""

    writer: SessionWriter | None = None
    session_id: int | None = None
    error: str | None = None
    #: Readings of the last finished session per kind: recorded (queued for the store), stored
    #: (committed to it) and lost (given up on: a full disk, a read-only store).
    final_counts: dict[str, int] = field(default_factory=dict)
    stored_counts: dict[str, int] = field(default_factory=dict)
    lost_counts: dict[str, int] = field(default_factory=dict)

    @property
    def notice(self) -> str | None:
        """A short line for the screen while the session cannot be saved ("not saving: disk full")."""
        return self.writer.notice if self.writer is not None else None

    @property
    def active(self) -> bool:
        return self.writer is not None


class GameContext:
    def __init__(
        self,
        config: AppConfig,
        mapper: InputMapper,
        live: LiveSensors,
        mode: GameMode | None,
        levels: list[LevelInfo],
        text: TextCache,
        autopilot: Autopilot | None = None,
        clock: ClockNs = now_ns,
        input_label: str = "keyboard",
        preview: Preview | None = None,
        steer: Steer | None = None,
        sound: Sound | None = None,
        levels_by_mode: dict[str, list[LevelInfo]] | None = None,
    ) -> None:
        self.config = config
        self.mapper = mapper
        self.live = live
        self.mode = mode
        self.levels = levels
        self.text = text
        self.autopilot = autopilot
        self.steer = steer
        self.clock = clock
        self.input_label = input_label
        self.preview = preview
        #: Effects and music (``ctx.sound.play("hit")``); silent unless the run opened a device.
        self.sound = sound if sound is not None else Sound.silent()
        #: The levels of every mode the menu offers, by mode name (the mode played included).
        self.levels_by_mode: dict[str, list[LevelInfo]] = dict(levels_by_mode or {})
        if mode is not None:
            self.levels_by_mode.setdefault(mode.name, levels)
        self.selected_level = 0
        self.session = SessionLink()
        self.last_result: dict[str, Any] | None = None
        self.sessions_played: list[int] = []
        self.quit_requested = False

    @property
    def game_mode(self) -> GameMode:
        """The mode being played (a context without one, such as the class board's, has none)."""
        if self.mode is None:
            raise RuntimeError("this screen plays no game mode")
        return self.mode

    def select_mode(self, mode: GameMode) -> None:
        """Play ``mode`` from now on: its levels become the menu's, the first one selected."""
        self.mode = mode
        self.levels = self.levels_by_mode.get(mode.name, [])
        self.selected_level = 0

    @property
    def level(self) -> LevelInfo:
        return self.levels[self.selected_level]

    @property
    def db_path(self) -> Path:
        return self.config.db if self.config.db is not None else default_db_path()

    # -- session lifecycle -------------------------------------------------------------------
    def begin_session(self) -> None:
        """Open a session for the selected level. A store that fails leaves the game playable."""
        self.end_session(score=0, summary={"completed": False, "reason": "replaced"})
        # Heart and movement numbers in the summary are the session's own, not the whole run's.
        self.live.heart = HeartTally()
        self.live.motion_counts = {}
        writer = SessionWriter(self.db_path, player=self.config.player, mode=self.game_mode.name, level=self.level.name)
        try:
            sid = writer.start(devices=self.live.devices.values())
        except StoreError as exc:
            log.error("session will not be saved: %s", exc)
            self.session = SessionLink(error=str(exc))
            writer.finish(0, {})
            return
        self.session = SessionLink(writer=writer, session_id=sid)
        self.sessions_played.append(sid)

    def record(self, items: Iterable[BusItem]) -> None:
        if self.session.writer is not None:
            self.session.writer.record(items)

    def record_event(self, t_ns: int, kind: str, data: dict[str, Any] | None = None) -> None:
        if self.session.writer is not None:
            self.session.writer.record_event(t_ns, kind, data)

    def end_session(self, score: float, summary: dict[str, Any]) -> None:
        writer = self.session.writer
        if writer is None:
            return
        self.session.final_counts = dict(writer.counts())
        writer.finish(score, summary)
        self.session.stored_counts = writer.stored_counts()
        self.session.lost_counts = writer.lost_counts()
        if not writer.intact:  # rows were lost: never claim the session was saved whole
            self.session.error = writer.error or "the session was not fully saved"
        self.session.writer = None
