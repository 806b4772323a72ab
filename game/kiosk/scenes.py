"""The kiosk's screens: attract, walk-up, choose, the round, score and nickname, leaderboard,
out of order, and the staff's PIN and admin screens.

Scenes read actions and axes only (``jump``/``start`` to confirm, the ``lean`` axis to choose,
which the arrow keys drive too), plus the kiosk's own view of who is in front of the camera
(:class:`game.kiosk.presence.Presence`, updated by the kiosk's loop every step). With the
simulated visitors (``--input sim``) the scenes also act the visitor's part through
``ctx.steer`` and ``ctx.autopilot``, as a game mode's autopilot does during play.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np
import pygame

from game.engine.modes import GameMode
from game.input.mapper import InputFrame
from game.kiosk.advice import advice_key
from game.kiosk.leaderboard import Entry, rank_of
from game.kiosk.presence import WALKUP_HOLD_S, LeanSteps
from game.kiosk.sessionlabel import EndHold, label_session, players_summary, round_label
from game.kiosk.text import LANGUAGE_NAMES, Nickname, ktr
from game.render.palette import ACCENT, BAD, GOOD, INK, MUTED, PANEL, PAPER, Color
from game.render.skeleton import draw_skeleton
from game.render.text import wrap
from game.scenes.base import Scene, Transition
from game.scenes.calibrate import camera_picture
from game.scenes.menu import draw_mode_picture, fit_size, mode_title
from game.scenes.play import PlayScene
from sensors.sim import SimulatedPlayer, parse_script

if TYPE_CHECKING:
    from game.engine.context import GameContext
    from game.kiosk.runtime import Kiosk

log = logging.getLogger("liike.kiosk")

#: Seconds each language's call to play stays on the attract screen.
LANGUAGE_SHOW_S = 3.5
#: Seconds each game is featured on the attract screen.
FEATURE_S = 10.0
#: Arms up this long (s) on the attract screen moves on to the walk-up screen's progress ring.
WALKUP_NOTICE_S = 0.15
#: Choose: a confirmation is read from this long after the screen opens (the arms of the
#: walk-up are still coming down); without one the highlighted game starts after CHOOSE_AUTO_S.
CONFIRM_AFTER_S = 1.0
CHOOSE_AUTO_S = 20.0
NAME_AUTO_S = 12.0
BOARD_S = 9.0
#: A pose this old (s) is nobody in view any more (the game's motion freshness).
POSE_FRESH_S = 1.0
#: What the attract screen's demo figure does, looping (sensors.sim.script syntax).
DEMO_SCRIPT = "idle:2,jog:7@170,jump:5@36,jog:6@160,wave:5@12,squat:6@24,pole:6@40,jack:6@50"
DARK: Color = (16, 19, 27)


class KioskScene(Scene):
    """A kiosk screen: the game context and the kiosk's shared state."""

    def __init__(self, ctx: GameContext, kiosk: Kiosk) -> None:
        super().__init__(ctx)
        self.kiosk = kiosk

    def t(self, key: str, **fields: object) -> str:
        return ktr(self.kiosk.lang, key, **fields)

    def fresh_pose(self) -> np.ndarray | None:
        """Landmarks of the person in view, or None."""
        pose = self.ctx.live.last_pose
        if pose is None or self.ctx.clock() - pose.t_host_ns > POSE_FRESH_S * 1e9:
            return None
        return pose.landmarks

    def steer(self, activity: str, **kw: Any) -> None:
        if self.ctx.steer is not None:
            self.ctx.steer(self.ctx.clock(), activity, **kw)

    def pilot(self, move: str) -> None:
        if self.ctx.autopilot is not None:
            self.ctx.autopilot(move, self.ctx.clock())


def confirmed(frame: InputFrame) -> bool:
    return "jump" in frame.pressed or "start" in frame.pressed


def text_fit(
    scene: KioskScene,
    screen: pygame.Surface,
    words: str,
    size: int,
    width: float,
    colour: Color,
    pos: tuple[float, float],
    anchor: str,
    bold: bool = True,
) -> pygame.Rect:
    fitted = fit_size(scene.ctx.text, words, size, round(width), bold)
    return scene.ctx.text.draw(screen, words, fitted, colour, pos, anchor, bold=bold)


def ring(screen: pygame.Surface, centre: tuple[int, int], radius: int, frac: float, colour: Color, width: int) -> None:
    """A progress ring from 12 o'clock, clockwise, ``frac`` 0..1 of the way round."""
    pygame.draw.circle(screen, PANEL, centre, radius, width)
    if frac <= 0:
        return
    rect = pygame.Rect(0, 0, radius * 2, radius * 2)
    rect.center = centre
    start = math.pi / 2 - 2 * math.pi * min(1.0, frac)
    pygame.draw.arc(screen, colour, rect, start, math.pi / 2, width)


def draw_gradient(screen: pygame.Surface, top: Color, bottom: Color) -> None:
    w, h = screen.get_size()
    step = max(1, h // 48)
    for y in range(0, h, step):
        k = y / max(1, h - 1)
        c = tuple(round(a + (b - a) * k) for a, b in zip(top, bottom, strict=True))
        pygame.draw.rect(screen, c, (0, y, w, step))


class DemoFigure:
    """A simulated player going through the games' movements, for the attract screen.

    The player keeps what it has done (its timeline, its ground truth), so a night of attract
    would grow it without end: it starts afresh every :data:`DEMO_RESTART_S`."""

    DEMO_RESTART_S = 600.0

    def __init__(self, seed: int = 7) -> None:
        self.seed = seed
        self.player = self._new_player()
        self.landmarks: np.ndarray | None = None
        self._t_ns = 0

    def _new_player(self) -> SimulatedPlayer:
        return SimulatedPlayer(seed=self.seed, script=parse_script(DEMO_SCRIPT), t0_ns=0, pose_fps=30.0, loop=True)

    def update(self, dt_s: float) -> None:
        self._t_ns += round(dt_s * 1e9)
        if self._t_ns > self.DEMO_RESTART_S * 1e9:
            self.player, self._t_ns = self._new_player(), 0
        for s in self.player.advance_to(self._t_ns):
            lm = getattr(s, "landmarks", None)
            if lm is not None:
                self.landmarks = lm


# -- attract and walk-up -----------------------------------------------------------------------
class AttractScene(KioskScene):
    """The games shown by a demo figure, the call to play in each of the hall's languages in
    turn, and today's best of the featured game. Raising both arms while a language shows
    picks that language."""

    def __init__(self, ctx: GameContext, kiosk: Kiosk) -> None:
        super().__init__(ctx, kiosk)
        self.demo = DemoFigure()
        self._best: tuple[str, list[Entry]] | None = None
        self._shown_lang: str | None = None

    def enter(self) -> None:
        self.kiosk.presence.reset_gesture()
        self.ctx.sound.stop_music()

    @property
    def lang(self) -> str:
        langs = self.kiosk.config.languages
        return langs[int(self.time_s / LANGUAGE_SHOW_S) % len(langs)]

    @property
    def featured(self) -> GameMode:
        modes = self.kiosk.modes
        return modes[int(self.time_s / FEATURE_S) % len(modes)]

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        self.kiosk.stats.attract_s += dt
        self.demo.update(dt)
        if self.lang != self._shown_lang:  # the games' titles follow the language on screen
            self._shown_lang = self.lang
            self.kiosk.set_language(self.lang)
        presence = self.kiosk.presence
        if confirmed(frame) and not presence.in_view:  # keys, for testing and for staff
            return self.kiosk_walked_up(self.lang)
        if presence.in_view and presence.arms_up_s >= WALKUP_NOTICE_S:
            return Transition("replace", WalkUpScene(self.ctx, self.kiosk, self.lang))
        return None

    def kiosk_walked_up(self, lang: str) -> Transition:
        log.info("walk-up by key (%s)", lang)
        self.kiosk.stats.walkups += 1
        self.kiosk.set_language(lang)
        return Transition("replace", ChooseScene(self.ctx, self.kiosk))

    def _today(self, mode: GameMode) -> list[Entry]:
        # Read once per featured game, not every frame.
        key = f"{mode.name}:{int(self.time_s / FEATURE_S)}"
        if self._best is None or self._best[0] != key:
            self._best = (key, self.kiosk.board.daily(mode.name, limit=3))
        return self._best[1]

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        draw_gradient(screen, (28, 40, 66), DARK)
        mode = self.featured
        # The featured game's picture, large, with the demo figure (or the person in view) beside it.
        pic = pygame.Rect(round(w * 0.05), round(h * 0.2), round(w * 0.52), round(h * 0.5))
        draw_mode_picture(mode, screen, pic, self.time_s, self.ctx.text)
        pygame.draw.rect(screen, PAPER, pic, 3, border_radius=6)
        text_fit(self, screen, mode_title(mode), h // 14, pic.w, PAPER, (pic.x, pic.y - h * 0.015), "bottomleft")
        # The figure in the camera picture's own 4:3 shape (a narrower box would squeeze it); the
        # person stands in its middle third, between the picture and the list.
        fig = pygame.Rect(0, 0, round(pic.h * 4 / 3), pic.h)
        fig.center = (round(w * 0.635), pic.centery)
        live = self.fresh_pose()
        if live is not None:
            draw_skeleton(screen, live, fig, colour=ACCENT)
        elif self.demo.landmarks is not None:
            draw_skeleton(screen, self.demo.landmarks, fig, colour=GOOD)
        # Today's best of the featured game, on a panel of its own.
        panel = pygame.Rect(round(w * 0.74), pic.y, round(w * 0.23), pic.h)
        pygame.draw.rect(screen, PANEL, panel, border_radius=12)
        x, inner = panel.x + w * 0.015, panel.w - w * 0.03
        text_fit(self, screen, ktr(self.lang, "attract.best_today"), h // 26, inner, PAPER, (x, panel.y + h * 0.02), "topleft")
        best = self._today(mode)
        size = h // 32
        if not best:
            font = self.ctx.text.font(size)
            for i, line in enumerate(wrap(font, ktr(self.lang, "board.empty"), round(inner), 3)):
                self.ctx.text.draw(screen, line, size, MUTED, (x, panel.y + h * (0.1 + 0.05 * i)))
        for i, e in enumerate(best):
            y = panel.y + h * (0.1 + 0.07 * i)
            text_fit(self, screen, f"{i + 1}. {e.nickname}", size, inner * 0.75, PAPER, (x, y), "topleft", bold=False)
            self.ctx.text.draw(screen, str(e.score), size, ACCENT, (panel.right - w * 0.015, y), "topright", bold=True)
        # The call to play, in one language at a time, and the row of languages.
        band = pygame.Rect(0, round(h * 0.75), w, round(h * 0.17))
        pygame.draw.rect(screen, ACCENT, band)
        pulse = 0.5 + 0.5 * math.sin(self.time_s * 3.0)
        arms_y = band.centery
        self._draw_arms_icon(screen, (round(w * 0.08), arms_y), band.h * (0.36 + 0.04 * pulse))
        text_fit(
            self, screen, ktr(self.lang, "attract.raise_arms"), round(band.h * 0.55), w * 0.8, INK, (w * 0.55, arms_y), "center"
        )
        langs = self.kiosk.config.languages
        names = "   ".join(LANGUAGE_NAMES[code] for code in langs)
        row = self.ctx.text.render(names, h // 34, MUTED)
        x0 = w / 2 - row.get_width() / 2
        for code in langs:
            label = LANGUAGE_NAMES[code]
            surf = self.ctx.text.render(label, h // 34, PAPER if code == self.lang else MUTED, bold=code == self.lang)
            screen.blit(surf, (x0, h * 0.945))
            x0 += surf.get_width() + self.ctx.text.font(h // 34).size("   ")[0]
        self.ctx.text.draw(screen, "LIIKE", h // 12, PAPER, (w * 0.05, h * 0.04), "topleft", bold=True)
        text_fit(
            self, screen, ktr(self.lang, "attract.free"), h // 28, w * 0.5, MUTED, (w * 0.95, h * 0.06), "topright", bold=False
        )

    def _draw_arms_icon(self, screen: pygame.Surface, centre: tuple[int, int], size: float) -> None:
        """A stick figure with both arms up."""
        x, y = centre
        s = size
        head = (x, round(y - s * 0.55))
        pygame.draw.circle(screen, INK, head, max(3, round(s * 0.16)))
        neck, hip = (x, y - s * 0.35), (x, y + s * 0.25)
        width = max(2, round(s / 10))
        pygame.draw.line(screen, INK, neck, hip, width)
        for side in (-1, 1):
            pygame.draw.line(screen, INK, neck, (x + side * s * 0.35, y - s * 0.95), width)
            pygame.draw.line(screen, INK, hip, (x + side * s * 0.25, y + s * 0.85), width)


class WalkUpScene(KioskScene):
    """Someone raised their arms: show them, and fill a ring while they keep the arms up."""

    GIVE_UP_S = 1.5  # arms down this long: back to attract

    def __init__(self, ctx: GameContext, kiosk: Kiosk, lang: str) -> None:
        super().__init__(ctx, kiosk)
        self.lang = lang
        self._down_s = 0.0

    def t(self, key: str, **fields: object) -> str:
        return ktr(self.lang, key, **fields)  # the language picked on the attract screen

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        presence = self.kiosk.presence
        if presence.walked_up:
            # Two in view (each in their half of the picture) play together, where a game can.
            two = self.kiosk.partner_in_view and bool(self.kiosk.modes_for(self.ctx, 2))
            log.info("walk-up (%s)%s", self.lang, ", two players" if two else "")
            self.kiosk.stats.walkups += 1
            self.kiosk.set_language(self.lang)
            self.ctx.sound.play("coin")
            return Transition("replace", ChooseScene(self.ctx, self.kiosk, players=2 if two else 1))
        self._down_s = self._down_s + dt if presence.arms_up_s == 0.0 else 0.0
        if self._down_s >= self.GIVE_UP_S or not presence.in_view and self.time_s > self.GIVE_UP_S:
            return Transition("replace", AttractScene(self.ctx, self.kiosk))
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        draw_gradient(screen, (28, 40, 66), DARK)
        fig = pygame.Rect(0, 0, round(h * 0.75 * 0.75), round(h * 0.75))
        fig.center = (round(w * 0.32), round(h * 0.55))
        centre = (round(w * 0.68), round(h * 0.5))
        radius = round(h * 0.22)
        frac = self.kiosk.presence.arms_up_s / WALKUP_HOLD_S
        ring(screen, centre, radius, frac, GOOD, max(8, h // 40))
        self.ctx.text.draw(screen, f"{min(100, round(frac * 100))}%", h // 10, PAPER, centre, "center", bold=True)
        lm = self.fresh_pose()
        if lm is not None:
            draw_skeleton(screen, lm, fig, colour=GOOD)
        partner = self.ctx.live.pose_of(1) if self.kiosk.partner_in_view else None
        if partner is not None:
            draw_skeleton(screen, partner.landmarks, fig, colour=ACCENT)
        text_fit(self, screen, ktr(self.lang, "walkup.hold"), h // 12, w * 0.9, PAPER, (w / 2, h * 0.05), "midtop")
        draw_advice(self, screen)


# -- choose ------------------------------------------------------------------------------------
class ChooseScene(KioskScene):
    """One card per game; lean left or right to move, jump to start. For two players side by
    side only the games with a level for two are offered; the first player chooses."""

    def __init__(self, ctx: GameContext, kiosk: Kiosk, players: int = 1) -> None:
        super().__init__(ctx, kiosk)
        self.players = players
        self.modes = kiosk.modes_for(ctx, players)
        if not self.modes:
            raise ValueError(f"no offered game has a level for {players} player(s)")
        self.index = 0
        self.steps = LeanSteps()
        # The simulated visitor's wish and its progress (only used with --input sim).
        self._want = kiosk.rng.randrange(len(self.modes))
        self._pilot_due_s = 1.5
        self._leaning = False

    def enter(self) -> None:
        self.steer("idle")

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        n = len(self.modes)
        step = self.steps.update(dt, frame.axis("lean"))
        if step:
            self.index = (self.index + step) % n
            self.ctx.sound.play("step")
        if (confirmed(frame) and self.time_s >= CONFIRM_AFTER_S) or self.time_s >= CHOOSE_AUTO_S:
            return self._start()
        if self.ctx.steer is not None:
            self._act_visitor()
        return None

    def _act_visitor(self) -> None:
        """The simulated visitor leans towards the game it wants, then jumps."""
        if self.time_s < self._pilot_due_s:
            return
        if self._leaning:
            self.steer("idle")
            self._leaning = False
            self._pilot_due_s = self.time_s + 0.9
        elif self.index != self._want:
            n = len(self.modes)
            right = (self._want - self.index) % n <= n // 2
            self.steer("idle", lean=0.8 if right else -0.8)
            self._leaning = True
            self._pilot_due_s = self.time_s + 0.8
        else:
            self.pilot("jump")
            self._pilot_due_s = self.time_s + 3.0

    def _start(self) -> Transition:
        mode = self.modes[self.index]
        log.info("round of %s started (%d player%s)", mode.name, self.players, "s" if self.players > 1 else "")
        self.ctx.sound.play("go")
        self.kiosk.begin_round(self.ctx, mode, self.players)
        return Transition("replace", RoundScene(self.ctx, self.kiosk, mode.play_scene(self.ctx), self.players))

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        draw_gradient(screen, (28, 40, 66), DARK)
        text_fit(self, screen, self.t("choose.title"), h // 9, w * 0.9, PAPER, (w / 2, h * 0.04), "midtop")
        if self.players == 2:
            text_fit(self, screen, self.t("choose.two"), h // 22, w * 0.9, ACCENT, (w / 2, h * 0.155), "midtop", bold=False)
        modes = self.modes
        n = len(modes)
        gap = w * 0.025
        card_w = min(w * 0.4, (w * 0.84 - gap * (n - 1)) / n) if n > 1 else w * 0.5
        total = n * card_w + (n - 1) * gap
        x = (w - total) / 2
        for i, mode in enumerate(modes):
            selected = i == self.index
            card = pygame.Rect(round(x + i * (card_w + gap)), round(h * 0.22), round(card_w), round(h * 0.52))
            if selected:
                grow = round(h * 0.02)
                card.inflate_ip(grow * 2, grow * 2)
            pic = card.inflate(-12, -round(card.h * 0.2))
            pic.top = card.top + 6
            pygame.draw.rect(screen, PANEL, card, border_radius=12)
            draw_mode_picture(mode, screen, pic, self.time_s if selected else 0.0, self.ctx.text)
            colour = ACCENT if selected else MUTED
            pygame.draw.rect(screen, colour, card, 6 if selected else 2, border_radius=12)
            text_fit(
                self,
                screen,
                mode_title(mode),
                round(card.h * 0.1),
                card.w - 20,
                PAPER if selected else MUTED,
                (card.centerx, pic.bottom + card.h * 0.04),
                "midtop",
            )
        # Arrows that say which way to lean, and the hint.
        lean = max(-1.0, min(1.0, self.ctx.live.recogniser.state.lean)) if self.fresh_pose() is not None else 0.0
        for side in (-1, 1):
            cx = w / 2 + side * w * 0.465
            tip = (cx + side * w * 0.018, h * 0.48)
            active = lean * side > 0.3
            pts = [tip, (cx - side * w * 0.015, h * 0.43), (cx - side * w * 0.015, h * 0.53)]
            pygame.draw.polygon(screen, ACCENT if active else MUTED, pts)
        text_fit(self, screen, self.t("choose.hint"), h // 20, w * 0.9, PAPER, (w / 2, h * 0.83), "midtop", bold=False)
        draw_advice(self, screen)


def draw_advice(scene: KioskScene, screen: pygame.Surface) -> None:
    """What the visitor should change so the camera sees them (lighting, distance), if anything."""
    lm = scene.fresh_pose()
    found = advice_key(lm) if lm is not None else None
    if found is None:
        return
    w, h = screen.get_size()
    band = pygame.Rect(0, 0, round(w * 0.7), round(h * 0.09))
    band.midbottom = (w // 2, round(h * 0.98))
    pygame.draw.rect(screen, BAD, band, border_radius=10)
    text_fit(scene, screen, scene.t(found), round(band.h * 0.55), band.w - 30, PAPER, band.center, "center")


# -- the round ---------------------------------------------------------------------------------
def _without(frame: InputFrame, actions: frozenset[str]) -> InputFrame:
    return InputFrame(frame.pressed - actions, frame.held - actions, frame.released - actions, frame.axes)


class RoundScene(KioskScene):
    """A round of the chosen game: the mode's own play scene, ended after the kiosk's round
    length of play (the countdown not counted), with no pause and no way out but playing.
    The mode's results screen is replaced by the kiosk's score screen."""

    NO_EXIT = frozenset({"pause", "back"})

    def __init__(self, ctx: GameContext, kiosk: Kiosk, inner: PlayScene, players: int = 1) -> None:
        super().__init__(ctx, kiosk)
        self.inner = inner
        self.players = players
        self.play_s = 0.0
        self.mode = ctx.game_mode.name
        self.done = False
        #: The session's end, held from the round's end until the nickname is chosen
        #: (game.kiosk.sessionlabel): the sync must not forward it under "kiosk" meanwhile.
        self.end = EndHold()

    def enter(self) -> None:
        self.kiosk.pair_round = self.players == 2
        self.inner.enter()
        self.kiosk.halls.want(self.mode, self.ctx.level.name)  # fetched by the round's end

    def exit(self) -> None:
        self.kiosk.pair_round = False
        self.inner.exit()

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        with self.end.catch(self.ctx):
            tr = self.inner.update(_without(frame, self.NO_EXIT), dt)
        if self.inner.started:
            self.play_s += dt
        if tr is not None and tr.op == "push":
            return None  # a mode's own overlay (pause): never at a kiosk
        if tr is None and self.play_s >= self.kiosk.config.round_s:
            with self.end.catch(self.ctx):
                tr = self.inner.finish(completed=True)  # time up is how a kiosk round ends
        if tr is None:
            return None
        return self._scored()

    def _scored(self) -> Transition:
        self.done = True
        summary = self.ctx.last_result or {}
        log.info("round of %s ended: %s points after %.0f s", self.mode, summary.get("score", 0), self.play_s)
        self.kiosk.count_round(self.mode, self.players)
        for p in range(self.players):
            self.steer("idle", **({"player": p} if p else {}))
        sid = self.ctx.session.session_id
        return Transition("replace", ScoreScene(self.ctx, self.kiosk, self.mode, summary, sid, self.end))

    def abandon(self) -> None:
        """Nobody is playing any more: close the session as not completed."""
        if not self.done:
            self.done = True
            log.info("round of %s left unfinished after %.0f s", self.mode, self.play_s)
            self.end.release(self.ctx, {})  # a round ended but not yet scored: finished as it was
            self.inner.finish(completed=False)
            self.kiosk.stats.abandoned += 1
            self.kiosk.session_ended()

    def render(self, screen: pygame.Surface) -> None:
        self.inner.render(screen)
        self.inner.draw_overlay(screen)
        w, h = screen.get_size()
        if self.inner.started:
            left = max(0, math.ceil(self.kiosk.config.round_s - self.play_s))
            label = self.t("round.left", seconds=left)
            surf = self.ctx.text.render(label, h // 22, PAPER, bold=True)
            box = surf.get_rect(midtop=(w // 2, round(h * 0.015))).inflate(24, 10)
            pygame.draw.rect(screen, ACCENT if left <= 10 else INK, box, border_radius=10)
            screen.blit(surf, surf.get_rect(center=box.center))
        draw_advice(self, screen)


# -- score, nickname, leaderboard --------------------------------------------------------------
class ScoreScene(KioskScene):
    """The score, and the nickname it goes on the board under: lean left for another
    adjective, right for another animal, jump to keep it. Two players side by side each get
    their own score and nickname, each changed by their own lean (the camera's left player is
    on the screen's right, as in the round: the picture is mirrored).

    The round's session is finished here, once the names are filed (``end``: the round's held
    end, :mod:`game.kiosk.sessionlabel`): under the kept nickname(s), or ``kiosk`` if none was kept."""

    def __init__(
        self,
        ctx: GameContext,
        kiosk: Kiosk,
        mode: str,
        summary: dict[str, Any],
        session_id: int | None,
        end: EndHold | None = None,
    ) -> None:
        super().__init__(ctx, kiosk)
        self.mode = mode
        per_player: list[dict[str, Any]] = summary.get("per_player") or []
        if len(per_player) == 2:
            self.scores = [int(p.get("score", 0) or 0) for p in per_player]
        else:
            self.scores = [int(summary.get("score", 0) or 0)]
        self.session_id = session_id
        self.end = end if end is not None else EndHold()
        self.nicks = [Nickname.random(kiosk.lang, kiosk.rng) for _ in self.scores]
        self.entries: list[Entry] = []
        self.steps = [LeanSteps() for _ in self.scores]
        self._pilot_plan = [
            (t + 0.4 * p, what, lean, p)
            for p in range(len(self.scores))
            for t, what, lean in ((1.8, "lean", kiosk.rng.choice((-0.8, 0.8))), (2.8, "lean", 0.0), (4.0, "jump", 0.0))
            if what != "jump" or p == 0  # the first player's jump keeps both names
        ]
        self._pilot_plan.sort()

    @property
    def score(self) -> int:
        """The round's score (both players' together)."""
        return sum(self.scores)

    @property
    def nick(self) -> Nickname:
        """The first (or only) player's nickname."""
        return self.nicks[0]

    def _lean_of(self, player: int, frame: InputFrame) -> float:
        if player == 0:
            return frame.axis("lean")
        live = self.ctx.live
        if player >= live.players or not live.player_live(player, self.ctx.clock()):
            return 0.0
        return float(live.recogniser_of(player).state.lean)

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        for p, nick in enumerate(self.nicks):
            step = self.steps[p].update(dt, self._lean_of(p, frame))
            if step < 0:
                nick.next_adjective()
                self.ctx.sound.play("step")
            elif step > 0:
                nick.next_animal()
                self.ctx.sound.play("step")
        kept = confirmed(frame) and self.time_s >= CONFIRM_AFTER_S * 1.5
        if kept or self.time_s >= NAME_AUTO_S:
            entries = self.file(kept)
            self.ctx.sound.play("finish")
            return Transition("replace", BoardScene(self.ctx, self.kiosk, self.mode, tuple(entries)))
        if self.ctx.steer is not None:
            while self._pilot_plan and self.time_s >= self._pilot_plan[0][0]:
                _, what, lean, player = self._pilot_plan.pop(0)
                if what == "jump":
                    self.pilot("jump")
                else:
                    self.steer("idle", lean=lean, **({"player": player} if player else {}))
        return None

    def file(self, kept: bool = False) -> list[Entry]:
        """Put each player's score on the board under the nickname shown (once; also when the
        visitors walk away before keeping a name: the round was played to its end), then finish
        the round's session: filed under the nickname(s) when ``kept`` (a jump), else left under
        ``kiosk``."""
        if not self.entries:
            for nick, score in zip(self.nicks, self.scores, strict=True):
                entry = self.kiosk.board.add(self.mode, nick.text, score, self.session_id)
                log.info("filed on the leaderboard: %s, %s, %d", self.mode, entry.nickname, entry.score)
                self.entries.append(entry)
            self._finish_session(kept)
        return self.entries

    def _finish_session(self, kept: bool) -> None:
        names = [nick.text for nick in self.nicks]
        labelled = False
        if kept and self.session_id is not None and self.ctx.session.writer is not None:
            labelled = label_session(self.ctx.db_path, self.session_id, round_label(names))
        if self.end.release(self.ctx, players_summary(names, self.scores, labelled)):
            self.kiosk.session_ended()

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        draw_gradient(screen, (40, 34, 60), DARK)
        text_fit(self, screen, self.t("score.title"), h // 9, w * 0.9, ACCENT, (w / 2, h * 0.05), "midtop")
        mode = next((m for m in self.kiosk.modes if m.name == self.mode), None)
        if len(self.scores) == 1:
            self._draw_player(screen, 0, pygame.Rect(0, 0, w, h), h // 5)
            if mode is not None:
                text_fit(self, screen, mode_title(mode), h // 18, w * 0.8, MUTED, (w / 2, h * 0.4), "midtop", bold=False)
        else:
            for p in range(2):  # mirrored: the camera's left player (0) on the screen's right
                column = pygame.Rect(w // 2 if p == 0 else 0, 0, w // 2, h)
                self._draw_player(screen, p, column, h // 7)
        text_fit(self, screen, self.t("name.hint"), h // 30, w * 0.9, PAPER, (w / 2, h * 0.86), "midtop", bold=False)

    def _draw_player(self, screen: pygame.Surface, player: int, column: pygame.Rect, score_size: int) -> None:
        """One player's score and nickname panel, centred in ``column`` (the whole screen for one)."""
        w, h = screen.get_size()
        # The score breathes by scaling its picture rather than by a new font size each frame.
        words = self.t("score.points", score=self.scores[player])
        size = fit_size(self.ctx.text, words, score_size, round(column.w * 0.85))
        surf = self.ctx.text.render(words, size, PAPER, bold=True)
        surf = pygame.transform.smoothscale_by(surf, 1.0 + 0.03 * math.sin(self.time_s * 4 + player))
        screen.blit(surf, surf.get_rect(midtop=(column.centerx, round(h * 0.2))))
        margin = column.w * (0.12 if column.w == w else 0.05)
        panel = pygame.Rect(round(column.x + margin), round(h * 0.52), round(column.w - 2 * margin), round(h * 0.3))
        pygame.draw.rect(screen, PANEL, panel, border_radius=14)
        text_fit(
            self,
            screen,
            self.t("name.title"),
            h // 24,
            panel.w - 40,
            MUTED,
            (panel.centerx, panel.y + h * 0.02),
            "midtop",
            bold=False,
        )
        nick = self.nicks[player].text
        text_fit(self, screen, nick, h // 9, panel.w - 100, PAPER, (panel.centerx, panel.centery + h * 0.03), "center")
        for side in (-1, 1):
            cx = panel.centerx + side * (panel.w / 2 - 24)
            pts = [
                (cx + side * 14, panel.centery + h * 0.03),
                (cx - side * 8, panel.centery),
                (cx - side * 8, panel.centery + h * 0.06),
            ]
            pygame.draw.polygon(screen, ACCENT, pts)
        left = max(0.0, NAME_AUTO_S - self.time_s)
        bar = pygame.Rect(panel.x, panel.bottom + 8, round(panel.w * left / NAME_AUTO_S), 6)
        pygame.draw.rect(screen, ACCENT, bar, border_radius=3)


class BoardScene(KioskScene):
    """Today's and the season's best of the game just played: every hall's when the shared
    server's lists have been fetched (:mod:`game.kiosk.hallboard`), else this hall's with the
    visitors' entries marked; a small note says which."""

    ROWS = 8

    def __init__(self, ctx: GameContext, kiosk: Kiosk, mode: str, entries: tuple[Entry, ...] = ()) -> None:
        super().__init__(ctx, kiosk)
        self.mode = mode
        self.entries = entries
        self.today = kiosk.board.daily(mode, self.ROWS)
        self.season = kiosk.board.season(mode, self.ROWS)
        level = ctx.level.name if ctx.game_mode.name == mode else ""
        self.halls = kiosk.halls.get(mode, level) if level else None
        self.note = self.t(kiosk.halls.note_key(self.halls))

    def rows(self, column: int) -> list[tuple[str, int, bool]]:
        """(name, score, the visitor's own) per line of the today (0) or season (1) list."""
        if self.halls is not None:
            lines = self.halls.day if column == 0 else self.halls.season
            return [(f"{r.player} \u00b7 {r.site}", r.score, False) for r in lines[: self.ROWS]]
        entries = self.today if column == 0 else self.season
        mine = {rank_of(e, entries) for e in self.entries} - {None}
        return [(e.nickname, e.score, i + 1 in mine) for i, e in enumerate(entries)]

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        if self.time_s >= BOARD_S or (confirmed(frame) and self.time_s >= 3.0):
            return Transition("replace", AttractScene(self.ctx, self.kiosk))
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        draw_gradient(screen, (28, 40, 66), DARK)
        mode = next((m for m in self.kiosk.modes if m.name == self.mode), None)
        title = mode_title(mode) if mode is not None else self.mode
        text_fit(self, screen, title, h // 10, w * 0.9, PAPER, (w / 2, h * 0.04), "midtop")
        text_fit(self, screen, self.note, h // 26, w * 0.9, MUTED, (w / 2, h * 0.14), "midtop", bold=False)
        for col, label in enumerate((self.t("board.today"), self.t("board.season"))):
            entries = self.rows(col)
            panel = pygame.Rect(round(w * (0.05 + 0.47 * col)), round(h * 0.2), round(w * 0.43), round(h * 0.72))
            pygame.draw.rect(screen, PANEL, panel, border_radius=14)
            text_fit(self, screen, label, h // 16, panel.w - 40, ACCENT, (panel.centerx, panel.y + h * 0.02), "midtop")
            if not entries:
                text_fit(self, screen, self.t("board.empty"), h // 30, panel.w - 40, MUTED, panel.center, "center", bold=False)
            row_h = (panel.h - h * 0.12) / self.ROWS
            for i, (nickname, score, you) in enumerate(entries):
                y = panel.y + h * 0.11 + i * row_h
                if you:
                    pygame.draw.rect(screen, (70, 58, 40), (panel.x + 8, y - 2, panel.w - 16, row_h - 2), border_radius=8)
                colour = ACCENT if you else PAPER
                size = round(row_h * 0.55)
                self.ctx.text.draw(screen, f"{i + 1}.", size, MUTED, (panel.x + 20, y + row_h * 0.1))
                name = nickname + (f"  ({self.t('board.you')})" if you else "")
                text_fit(
                    self,
                    screen,
                    name,
                    size,
                    panel.w * 0.62,
                    colour,
                    (panel.x + 20 + size * 1.6, y + row_h * 0.1),
                    "topleft",
                    bold=you,
                )
                self.ctx.text.draw(screen, str(score), size, colour, (panel.right - 20, y + row_h * 0.1), "topright", bold=True)


# -- out of order ------------------------------------------------------------------------------
class OutOfOrderScene(KioskScene):
    """The camera is lost: say so in every language, and go back when it is back. The scene
    under this one is not updated meanwhile, so a round waits where it was."""

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        if not self.kiosk.camera.lost and self.time_s > 0.5:
            return Transition("pop")
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        screen.fill(DARK)
        langs = self.kiosk.config.languages
        lang = langs[int(self.time_s / LANGUAGE_SHOW_S) % len(langs)]
        pygame.draw.rect(screen, BAD, (0, round(h * 0.18), w, round(h * 0.3)))
        text_fit(self, screen, ktr(lang, "out_of_order.title"), h // 7, w * 0.9, PAPER, (w / 2, h * 0.24), "midtop")
        text_fit(
            self, screen, ktr(lang, "out_of_order.back_soon"), h // 14, w * 0.9, PAPER, (w / 2, h * 0.38), "midtop", bold=False
        )
        # A slow spinner: the kiosk is alive and trying.
        centre = (w // 2, round(h * 0.7))
        r = round(h * 0.07)
        for i in range(12):
            a = 2 * math.pi * i / 12 + self.time_s * 2.0
            fade = (i + 1) / 12
            colour = tuple(round(c * fade) for c in PAPER)
            pygame.draw.circle(screen, colour, (centre[0] + r * math.cos(a), centre[1] + r * math.sin(a)), max(3, h // 120))
        small = "  ".join(ktr(code, "out_of_order.title") for code in langs if code != lang)
        text_fit(self, screen, small, h // 36, w * 0.9, MUTED, (w / 2, h * 0.9), "midtop", bold=False)


# -- staff -------------------------------------------------------------------------------------
class PinScene(KioskScene):
    """Staff type the PIN (digits, Enter); Esc or a pause of 20 s closes it. Keys arrive through
    :meth:`typed` from the kiosk's event handler, never as game actions."""

    TIMEOUT_S = 20.0
    MAX_TRIES = 3

    def __init__(self, ctx: GameContext, kiosk: Kiosk, check: Callable[[str], bool]) -> None:
        super().__init__(ctx, kiosk)
        self.check = check
        self.digits = ""
        self.tries = 0
        self.message = ""
        self._result: Transition | None = None

    def typed(self, key: str) -> None:
        self.time_s = 0.0
        key = key.strip("[]")  # the keypad's keys are named "[1]"
        if key.isdigit() and len(key) == 1 and len(self.digits) < 12:
            self.digits += key
        elif key == "backspace":
            self.digits = self.digits[:-1]
        elif key == "escape":
            self._result = Transition("pop")
        elif key in ("return", "enter"):
            if self.check(self.digits):
                self._result = Transition("replace", AdminScene(self.ctx, self.kiosk))
            else:
                self.tries += 1
                self.digits = ""
                self.message = "wrong PIN"
                if self.tries >= self.MAX_TRIES:
                    self._result = Transition("pop")

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        if self._result is not None:
            tr, self._result = self._result, None
            return tr
        if self.time_s >= self.TIMEOUT_S:
            return Transition("pop")
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        screen.fill(DARK)
        t = self.ctx.text
        t.draw(screen, "Staff: PIN", h // 10, PAPER, (w / 2, h * 0.2), "midtop", bold=True)
        t.draw(screen, "*" * len(self.digits) or "_", h // 8, ACCENT, (w / 2, h * 0.42), "midtop", bold=True)
        t.draw(
            screen,
            self.message or "digits, then Enter   Esc: back",
            h // 28,
            BAD if self.message else MUTED,
            (w / 2, h * 0.65),
            "midtop",
        )


class AdminScene(KioskScene):
    """For staff: the camera's view and pose check, the sensors' status, today's counts, the
    volume, and restart or quit."""

    CLOSE_AFTER_S = 120.0

    def __init__(self, ctx: GameContext, kiosk: Kiosk) -> None:
        super().__init__(ctx, kiosk)
        self._result: Transition | None = None
        self._counts: dict[str, int] = kiosk.board.counts_today()

    def typed(self, key: str) -> None:
        self.time_s = 0.0
        sound = self.ctx.sound
        if key in ("+", "=", "[+]", "up"):
            sound.volume = min(100, sound.volume + 10)
        elif key in ("-", "[-]", "down"):
            sound.volume = max(0, sound.volume - 10)
        elif key == "r":
            self.kiosk.exit_action = "restart"
            self.ctx.quit_requested = True
        elif key == "q":
            self.kiosk.exit_action = "quit"
            self.ctx.quit_requested = True
        elif key == "escape":
            self._result = Transition("pop")

    def update(self, frame: InputFrame, dt: float) -> Transition | None:
        super().update(frame, dt)
        if self._result is not None:
            tr, self._result = self._result, None
            return tr
        if self.time_s >= self.CLOSE_AFTER_S:
            return Transition("pop")
        return None

    def render(self, screen: pygame.Surface) -> None:
        w, h = screen.get_size()
        screen.fill(DARK)
        t = self.ctx.text
        t.draw(screen, "Kiosk admin", h // 14, PAPER, (w * 0.04, h * 0.03), "topleft", bold=True)
        view = pygame.Rect(round(w * 0.04), round(h * 0.14), round(h * 0.5 * 4 / 3), round(h * 0.5))
        pygame.draw.rect(screen, PANEL, view)
        picture = camera_picture(self.ctx.preview, view.size)
        if picture is not None:
            screen.blit(picture, view.topleft)
        lm = self.fresh_pose()
        if lm is not None:
            draw_skeleton(screen, lm, view)
        key = advice_key(lm) if lm is not None else None
        advice = "nobody in view" if lm is None else ktr("en", key) if key is not None else None
        t.draw(
            screen,
            f"pose: {advice or 'ok'}",
            h // 30,
            GOOD if lm is not None and advice is None else ACCENT,
            (view.x, view.bottom + 8),
        )
        x, y = view.right + w * 0.04, float(view.y)
        size = h // 30
        line = size * 1.35

        def row(label: str, value: str, colour: Color = PAPER) -> None:
            nonlocal y
            t.draw(screen, label, size, MUTED, (x, y))
            t.draw(screen, value, size, colour, (x + w * 0.2, y))
            y += line

        cam = self.kiosk.camera
        row("camera", f"lost {cam.lost_s:.0f} s: {cam.message}" if cam.lost else "ok", BAD if cam.lost else GOOD)
        for dev in list(self.ctx.live.devices.values())[:4]:
            row(
                dev.source,
                (f"{dev.state.value}: {dev.message}" if dev.message else dev.state.value)[:48],
                GOOD if dev.live else ACCENT,
            )
        s = self.kiosk.stats
        row("this run", f"{s.walkups} walk-ups, {s.rounds} rounds, {s.abandoned} left early")
        today = ", ".join(f"{g} {n}" for g, n in sorted(self._counts.items())) or "none yet"
        row("rounds today", today)
        row("camera came back", str(cam.recoveries))
        board = self.kiosk.board
        row("leaderboard", board.problem or "ok", ACCENT if board.problem else GOOD)
        row(
            "session store",
            self.ctx.session.notice or self.ctx.session.error or "ok",
            ACCENT if self.ctx.session.notice else GOOD,
        )
        halls = self.kiosk.halls
        if halls.configured:
            row("every hall's lists", halls.error or "ok", ACCENT if halls.error else GOOD)
        row("volume", f"{self.ctx.sound.volume}%" + (" (quiet hours)" if self.kiosk.quiet_now() else ""))
        help_text = "+/-: volume    R: restart    Q: quit the kiosk    Esc: back to the game"
        t.draw(screen, help_text, h // 28, PAPER, (w / 2, h * 0.93), "midtop")
