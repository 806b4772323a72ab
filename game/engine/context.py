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
from game.sessions.replay_tape import REPLAY_OF_EVENT, SETUP_EVENT, TAPE_FORMAT, FrameTape
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
        #: Sessions begin from a clean slate and keep a frame tape, so they can be replayed
        #: exactly (:mod:`game.sessions.replay_tape`); set by the loop that records the frames.
        self.tape_sessions = False
        #: The open session's frame tape (None when not taping or no session is open).
        self.tape: FrameTape | None = None
        #: Stored with every session's set-up and summary from now on (a replay's ``replay_of``).
        self.session_marks: dict[str, Any] = {}
        #: The clock of the session's start and end stamps: the host's, or a replay's virtual one.
        self.writer_clock: ClockNs = now_ns
        #: The text of the level being played when it was not read from its file (a replay's).
        self.level_text: str | None = None

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
        writer = SessionWriter(
            self.db_path, player=self.config.player, mode=self.game_mode.name, level=self.level.name, clock=self.writer_clock
        )
        try:
            sid = writer.start(devices=self.live.devices.values())
        except StoreError as exc:
            log.error("session will not be saved: %s", exc)
            self.session = SessionLink(error=str(exc))
            writer.finish(0, {})
            return
        self.session = SessionLink(writer=writer, session_id=sid)
        self.sessions_played.append(sid)
        if self.tape_sessions:
            self._start_tape(writer)

    def _start_tape(self, writer: SessionWriter) -> None:
        """Clean slate, set-up record and frame tape for an exact replay of this session."""
        self.live.restart()
        self.mapper = InputMapper(self.mapper.bindings)  # no hold or edge carried in from the menu
        now = self.clock()
        writer.record_event(now, SETUP_EVENT, session_setup(self))
        if self.session_marks:
            writer.record_event(now, REPLAY_OF_EVENT, dict(self.session_marks))
        self.tape = FrameTape(writer.record_event)

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
        if self.tape is not None:
            self.tape.flush()
            self.tape = None
        if self.session_marks:
            summary = {**summary, **self.session_marks}
        self.session.final_counts = dict(writer.counts())
        writer.finish(score, summary)
        self.session.stored_counts = writer.stored_counts()
        self.session.lost_counts = writer.lost_counts()
        if not writer.intact:  # rows were lost: never claim the session was saved whole
            self.session.error = writer.error or "the session was not fully saved"
        self.session.writer = None


def session_setup(ctx: GameContext) -> dict[str, Any]:
    """What shaped the game beyond its samples, for the session's ``replay.setup`` event
    (:mod:`game.sessions.replay_tape`): the level (with its file's text), the settings the
    game reads and the heart-rate reserve's ends; never the player's age or weight."""
    level = ctx.level
    path = getattr(level, "path", None)
    text = ctx.level_text
    try:
        if text is None and path is not None:
            text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("the level file %s is not kept with the session (a replay reads it again): %s", path, exc)
    cfg = ctx.config
    return {
        "format": TAPE_FORMAT,
        "mode": ctx.game_mode.name,
        "level": level.name,
        "level_text": text,
        "input": cfg.input,
        "seed": cfg.seed,
        "sim_fitness": cfg.sim_fitness,
        "players": cfg.players,
        "update_hz": cfg.update_hz,
        "fps_cap": cfg.fps_cap,
        "lang": cfg.lang,
        "hr_rest_bpm": ctx.live.profile.hr_rest_bpm,
        "hr_max_bpm": ctx.live.profile.hr_max_bpm,
        "devices": [
            {"source": d.source, "device_kind": d.device_kind, "state": d.state.value, "message": d.message}
            for d in ctx.live.devices.values()
        ],
    }
