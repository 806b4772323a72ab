"""The kiosk's state during a run: its settings, the games, the leaderboard, who is in view,
the camera's health and the figures the run reports."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from game import i18n
from game.engine.context import GameContext
from game.engine.modes import GameMode, LevelInfo
from game.kiosk.config import KioskConfig
from game.kiosk.hallboard import HallBoards
from game.kiosk.leaderboard import Leaderboard
from game.kiosk.presence import Presence
from sensors.samples import DeviceStatus

log = logging.getLogger("liike.kiosk")

#: Device kinds that are the kiosk's eyes: the webcam, or the simulated one.
CAMERA_KINDS = ("camera", "sim")
#: A camera lost this long (s) is restarted by the kiosk (its own retries have not brought it
#: back); later attempts wait twice as long each, up to :data:`CAMERA_RESTART_MAX_S`.
CAMERA_RESTART_AFTER_S = 15.0
CAMERA_RESTART_MAX_S = 120.0
#: The pseudonym a kiosk round's session is opened under (nobody's name); it is filed under the
#: nickname the visitor keeps, if they keep one (:mod:`game.kiosk.sessionlabel`).
KIOSK_PLAYER = "kiosk"


@dataclass
class KioskStats:
    """What a run reports (``liike kiosk``'s JSON line)."""

    rounds: int = 0  # rounds played to their end (time up or the level's finish)
    attract_s: float = 0.0  # seconds the attract screen showed
    walkups: int = 0  # visitors who raised their arms long enough to start
    pair_rounds: int = 0  # rounds played by two side by side (counted in rounds too)
    games: dict[str, int] = field(default_factory=dict)  # rounds by game
    abandoned: int = 0  # rounds ended because nobody was in view any more
    restarts_of_camera: int = 0  # times the camera came back after being lost
    camera_restart_attempts: int = 0  # times the kiosk restarted a lost camera itself
    errors: int = 0  # scene failures recovered from (logged with their traceback)


class CameraWatch:
    """Whether the camera is lost, from the devices' latest statuses; restarts it when its own
    retries take too long. Pure apart from calling ``restart``."""

    def __init__(self, restart: Callable[[], None] | None = None) -> None:
        self.restart = restart
        self.lost = False
        self.lost_s = 0.0
        self.message = ""
        self.recoveries = 0
        self.restart_attempts = 0
        self._next_restart_s = CAMERA_RESTART_AFTER_S

    def update(self, dt_s: float, devices: dict[str, DeviceStatus]) -> None:
        cams = [d for d in devices.values() if d.device_kind in CAMERA_KINDS]
        lost = bool(cams) and not any(d.live for d in cams)
        if lost:
            if not self.lost:
                self.message = "; ".join(d.message for d in cams if d.message)
                log.warning("camera lost: %s", self.message or "no reason given")
            self.lost = True
            self.lost_s += dt_s
            if self.restart is not None and self.lost_s >= self._next_restart_s:
                self.restart_attempts += 1
                log.warning("camera lost for %.0f s: restarting it (attempt %d)", self.lost_s, self.restart_attempts)
                self._next_restart_s = min(self.lost_s + CAMERA_RESTART_MAX_S, self.lost_s * 2)
                try:
                    self.restart()
                except Exception:
                    log.exception("restarting the camera failed; trying again later")
        elif self.lost:
            self.recoveries += 1
            log.warning("camera back after %.1f s", self.lost_s)
            self.lost, self.lost_s, self.message = False, 0.0, ""
            self._next_restart_s = CAMERA_RESTART_AFTER_S


class Kiosk:
    """Everything the kiosk's scenes share besides the game context."""

    def __init__(
        self,
        config: KioskConfig,
        modes: list[GameMode],
        board: Leaderboard,
        *,
        seed: int = 0,
        camera: CameraWatch | None = None,
        wall: Callable[[], float] = time.time,
    ) -> None:
        self.config = config
        self.modes = modes
        self.board = board
        self.rng = random.Random(seed)
        self.camera = camera or CameraWatch()
        self.wall = wall
        self.presence = Presence()
        #: Someone in the second player's zone now (only with ``side_by_side``).
        self.partner_in_view = False
        #: Two play a round together now.
        self.pair_round = False
        self.stats = KioskStats()
        self.lang = config.languages[0]
        #: What staff asked for on the admin screen: None, "quit" or "restart".
        self.exit_action: str | None = None
        #: Lists of every hall (a cache filled off the game thread); none configured by default.
        self.halls = HallBoards(None)
        #: Called when a round's session has ended (forwarding it to the shared server soon).
        self.on_session_end: Callable[[], None] | None = None

    def session_ended(self) -> None:
        if self.on_session_end is not None:
            self.on_session_end()

    def set_language(self, lang: str) -> None:
        """The visitor's language: the kiosk's texts, and the games' own where they have it."""
        self.lang = lang
        i18n.set_language(lang if lang in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)

    def level_for(self, ctx: GameContext, mode: GameMode, players: int = 1) -> int | None:
        """The level a walk-up round of ``players`` plays: the easiest of the mode's levels made
        for that many (first among equals; a level that does not say is for one), else None."""
        levels: list[LevelInfo] = ctx.levels_by_mode.get(mode.name, [])
        fits = [i for i, level in enumerate(levels) if getattr(level, "players", 1) == players]
        if not fits:
            return None
        return min(fits, key=lambda i: (levels[i].difficulty, i))

    def modes_for(self, ctx: GameContext, players: int) -> list[GameMode]:
        """The offered games that have a level for ``players`` side by side, in the kiosk's order."""
        return [m for m in self.modes if self.level_for(ctx, m, players) is not None]

    def begin_round(self, ctx: GameContext, mode: GameMode, players: int = 1) -> None:
        """Select ``mode`` and its walk-up level for ``players``, and open the round's session."""
        level = self.level_for(ctx, mode, players)
        if level is None:
            raise ValueError(f"{mode.name} has no level for {players} player(s)")
        ctx.select_mode(mode)
        ctx.selected_level = level
        if ctx.config.player != KIOSK_PLAYER:
            ctx.config = dataclasses.replace(ctx.config, player=KIOSK_PLAYER)
        ctx.begin_session()

    def count_round(self, mode: str, players: int = 1) -> None:
        self.stats.rounds += 1
        self.stats.pair_rounds += players == 2
        self.stats.games[mode] = self.stats.games.get(mode, 0) + 1

    def quiet_now(self) -> bool:
        """Within the configured quiet hours (local wall time; only the sound depends on it)."""
        quiet = self.config.quiet_hours
        if quiet is None:
            return False
        local = dt.datetime.fromtimestamp(self.wall(), self.config.zone())
        return quiet.contains(local.time())

    def report(self) -> dict[str, Any]:
        s = self.stats
        return {
            "rounds": s.rounds,
            "attract_s": round(s.attract_s, 1),
            "walkups": s.walkups,
            "pair_rounds": s.pair_rounds,
            "games": dict(sorted(s.games.items())),
            "abandoned": s.abandoned,
            "restarts_of_camera": self.camera.recoveries,
            "camera_restart_attempts": self.camera.restart_attempts,
            "errors": s.errors,
        }
