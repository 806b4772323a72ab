"""The heart-zone challenge's play scene: the strap check, the round, and its display.

Three states. ``waiting``: the round has not begun; the first current heart rate starts it.
``no_strap``: no current heart rate came within :data:`STRAP_WAIT_S`: the mode estimates
nothing, says that a strap is needed and how to connect one, lists the games that need none,
and goes back to the menu. ``playing``: the round runs its full length; a strap that falls quiet
mid-round counts its seconds as "no reading".
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

import pygame

from game.engine.difficulty import hrr_fraction_now
from game.engine.modes import registered_modes
from game.i18n import tr
from game.input.mapper import InputFrame
from game.modes.heartzone.autopilot import HeartZonePilot
from game.modes.heartzone.draw import CurveLayer, draw_gauge, draw_no_strap, draw_panel_text
from game.modes.heartzone.level import Level
from game.modes.heartzone.rules import STREAK_MULTIPLIER, HeartZoneRound, MoveRates
from game.render.palette import ACCENT, GOOD
from game.scenes.base import Transition
from game.scenes.hud import draw_hud, draw_player_inset, draw_progress
from game.scenes.play import PlayScene
from sensors.clock import NS_PER_S
from sensors.samples import DeviceState

if TYPE_CHECKING:
    from game.engine.context import GameContext

#: Seconds to wait for a first current heart rate before saying a strap is needed: a strap
#: notifies about once a second (:data:`game.engine.freshness.HR_FRESH_S` is five of them),
#: and a freshly strapped one needs a few seconds to find the beat.
STRAP_WAIT_S = 8.0
#: Seconds to wait while a Bluetooth sensor is still being found or connected (a connection takes
#: several seconds, more with a crowded radio), which may be the strap.
STRAP_CONNECT_WAIT_S = 30.0
#: Device kinds that may bring a heart rate: broadcast straps, and connected Bluetooth sensors.
HEART_DEVICE_KINDS = ("heart_rate", "ble")
#: Unattended runs (demo, ``--input sim``) go back to the menu from the strap screen by themselves.
AUTOPLAY_BACK_S = 6.0


class State(enum.StrEnum):
    WAITING = "waiting"
    PLAYING = "playing"
    NO_STRAP = "no_strap"


class HeartZoneScene(PlayScene):
    def __init__(self, ctx: GameContext) -> None:
        super().__init__(ctx)
        level = ctx.level
        assert isinstance(level, Level)
        self.level = level
        self.round = HeartZoneRound(level)
        self.state = State.WAITING
        self.waited_s = 0.0
        self.no_strap_s = 0.0
        self.moves = MoveRates()
        self._pilot = HeartZonePilot(ctx.steer) if ctx.steer is not None else None
        self._marker: tuple[float, float] | None = None  # where the gauge shows the player, for effects
        self._bonus_shown = False
        self._curve = CurveLayer()

    # -- the mode's face to PlayScene --------------------------------------------------------
    @property
    def finished(self) -> bool:
        return self.round.finished

    @property
    def score(self) -> int:
        return self.round.score

    @property
    def elapsed_s(self) -> float:
        return self.round.elapsed_s

    def mode_summary(self) -> dict[str, Any]:
        out: dict[str, Any] = dict(self.round.summary())
        out["strap"] = self.state is State.PLAYING  # a current heart rate came, and the round ran
        if self.state is State.NO_STRAP:
            out["reason"] = "no heart rate"
        return out

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        if self.state is State.NO_STRAP:
            self.time_s += dt
            self.no_strap_s += dt
            leave = self.no_strap_s > 0.5 and ("start" in frame.pressed or "back" in frame.pressed)
            if leave or (self.ctx.config.autoplay and self.no_strap_s >= AUTOPLAY_BACK_S):
                return Transition("pop")
            return None
        return super().update(frame, dt)

    def play(self, frame: InputFrame, dt: float) -> None:
        now = self.ctx.clock()
        hrr = hrr_fraction_now(self.ctx, now)
        self.moves.feed(now / NS_PER_S, self.ctx.live.motion_counts)
        if self.state is State.WAITING:
            self.waited_s += dt
            if hrr is not None:
                self.state = State.PLAYING
                self.ctx.record_event(now, "game.round_start", {"hrr": round(hrr, 3)})
            elif self.waited_s >= (STRAP_CONNECT_WAIT_S if self.strap_on_its_way() else STRAP_WAIT_S):
                self._no_strap(now)
                return
            else:
                return
        for event in self.round.update(dt, hrr):
            data = {"phase": self.round.phase.kind, "hrr": None if hrr is None else round(hrr, 3), "score": self.score}
            self.ctx.record_event(now, f"game.{event}", data)
            if event in ("zone_in", "zone_out"):  # the finish has its cue from the base scene
                self._cue(event)
            if event == "zone_in" and self._marker is not None:
                self.effects.burst(self._marker, GOOD, count=18, speed=220.0)
        if self.round.bonus and not self._bonus_shown and self._marker is not None:
            self._bonus_shown = True
            self._cue("combo")
            self.effects.popup(tr("heartzone.bonus", times=f"{STREAK_MULTIPLIER:g}"), self._marker, ACCENT)
        elif not self.round.bonus:
            self._bonus_shown = False
        if self._pilot is not None:
            t = self.round.elapsed_s
            self._pilot.drive(now, t, hrr, self._pilot.aim(self.level, t))

    def strap_on_its_way(self) -> bool:
        """A sensor that may be a strap is being found or connected, or streams without a reading yet."""
        coming = (DeviceState.SEARCHING, DeviceState.CONNECTING, DeviceState.CONNECTED, DeviceState.STREAMING)
        return any(d.device_kind in HEART_DEVICE_KINDS and d.state in coming for d in self.ctx.live.devices.values())

    def _no_strap(self, now_ns: int) -> None:
        """No heart rate: close the session as not played and show the strap screen."""
        self.state = State.NO_STRAP
        summary = self.summary(completed=False)
        self.ctx.last_result = summary
        self.ctx.record_event(now_ns, "game.no_heart_rate", {"waited_s": round(self.waited_s, 1)})
        self.ctx.end_session(0, summary)

    def _cue(self, name: str) -> None:
        self.ctx.sound.play(name)

    # -- drawing -----------------------------------------------------------------------------
    def other_games(self) -> list[tuple[str, str]]:
        """(title, movements) of every other registered mode, in the player's language, for the strap screen."""
        from game.scenes.menu import mode_title, movement_label

        return [
            (mode_title(m), ", ".join(movement_label(m, mv) for mv in m.movements))
            for m in registered_modes()
            if m.name != self.ctx.game_mode.name
        ]

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        screen.fill((22, 26, 38))
        if self.state is State.NO_STRAP:
            draw_no_strap(screen, self.ctx.text, self.other_games(), self.ctx.config.autoplay)
            return
        now = self.ctx.clock()
        live = self.ctx.live
        top = draw_hud(screen, self.ctx.text, live, now, self.score, self.round.elapsed_s, self.round.time_left_s)
        draw_progress(screen, top.bottom, self.round.elapsed_s / self.level.total_s)
        pad = max(8, h // 60)
        body = pygame.Rect(pad, top.bottom + 3 * pad, w - 2 * pad, h - top.bottom - 4 * pad)
        gauge = pygame.Rect(body.x + round(w * 0.035), body.y, round(w * 0.09), body.h)
        hrr = self.round.hrr if self.state is State.PLAYING else hrr_fraction_now(self.ctx, now)
        self._marker = draw_gauge(screen, self.ctx.text, gauge, self.round.phase.band, hrr, live.profile)
        info = pygame.Rect(gauge.right + round(w * 0.12), body.y, body.right - gauge.right - round(w * 0.12), round(body.h * 0.5))
        top_move = self.moves.top(now / NS_PER_S)
        draw_panel_text(
            screen,
            self.ctx.text,
            info,
            state=self.state.value,
            zone=self.round.zone,
            hr_bpm=live.hr_bpm if hrr is not None else None,
            hrr=hrr,
            round_=self.round,
            move=top_move,
        )
        # The curve leaves room at the right for the player's own skeleton (draw_player_inset).
        inset_w = round(h * 0.22 * 3 / 4) + 2 * pad
        curve = pygame.Rect(info.x, info.bottom + pad, info.w - inset_w, body.bottom - info.bottom - pad)
        self._curve.draw(screen, self.ctx.text, curve, self.round)
        draw_player_inset(screen, self.ctx.text, live, now)
