"""The kiosk's loop: the game's app loop (:class:`game.engine.app.App`) made to run unattended.

What it adds to the app loop, each frame:

- **Time** from a :class:`~game.engine.app.RealTime`: the monotonic clock in real time, or a virtual clock that
  advances one frame per frame without sleeping (benchmarks and tests run faster than real
  time; the simulated visitors are then advanced by the loop, on the same clock).
- **Who is in view** (:class:`game.kiosk.presence.Presence`), every fixed step, and **back to
  attract** when nobody has been for the configured time, whatever screen shows.
- **The camera**: lost, the out-of-order screen goes on top (the screen under it waits); back,
  it goes away; lost too long, the kiosk restarts it.
- **No way out for players**: closing the window, Esc, F11 and minimising do nothing; staff open
  the PIN screen with :data:`ADMIN_CHORD` and the admin screen with the PIN.
- **Never a traceback on screen**: a scene that fails is logged with its traceback and the kiosk
  starts over at the attract screen; failures in quick succession end the run (exit code 1)
  for the supervisor to restart it.
- **Watchdog**: a systemd keep-alive every frame that completes (:mod:`game.kiosk.notify`).
- **Quiet hours**: the sound is off within them.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable, Sequence

import pygame

from game.engine.app import MAX_UPDATES_PER_FRAME, App, RealTime, RunStats
from game.engine.context import GameContext
from game.engine.stop import StopRequested
from game.input.keyboard import key_name
from game.kiosk.frametimes import FrameTimes
from game.kiosk.notify import SystemdNotifier
from game.kiosk.pin import verify_pin
from game.kiosk.runtime import Kiosk
from game.kiosk.scenes import (
    POSE_FRESH_S,
    AdminScene,
    AttractScene,
    OutOfOrderScene,
    PinScene,
    RoundScene,
    ScoreScene,
)
from game.scenes.base import Scene
from sensors.bus import SensorBus
from sensors.source import Source

log = logging.getLogger("liike.kiosk")

#: Staff open the PIN screen with Ctrl + Shift + A (a visitor never reaches the keyboard, and
#: no window manager takes this chord).
ADMIN_CHORD = ("ctrl", "shift", "a")
#: More scene failures than this within FAILURE_WINDOW_S end the run (the supervisor restarts it).
MAX_FAILURES = 5
FAILURE_WINDOW_S = 60.0
QUIET_CHECK_S = 30.0


class KioskApp(App):
    def __init__(
        self,
        ctx: GameContext,
        kiosk: Kiosk,
        bus: SensorBus,
        sources: Sequence[Source] = (),
        *,
        loop_clock: RealTime | None = None,
        advance: Sequence[Callable[[int], None]] = (),
        notifier: SystemdNotifier | None = None,
        on_frame: Callable[[KioskApp], None] | None = None,
    ) -> None:
        super().__init__(ctx, AttractScene(ctx, kiosk), bus, sources)
        self.kiosk = kiosk
        self.loop = loop_clock or RealTime()
        self.advance = list(advance)
        self.notifier = notifier or SystemdNotifier({})
        self.on_frame = on_frame
        self._mods: set[str] = set()
        self._failures: deque[float] = deque()
        self._quiet_due_s = 0.0
        #: Work time per frame over the whole run, and per screen (by scene class).
        self.frame_times = FrameTimes()
        self.scene_times: dict[str, FrameTimes] = {}
        #: The game thread's CPU time per frame: what the frame cost, without the time other
        #: processes held the CPU (wall-clock work time includes that on a busy machine).
        self.cpu_times = FrameTimes()

    # -- the stack ---------------------------------------------------------------------------
    @property
    def top(self) -> Scene:
        return self.stack[-1]

    def go_attract(self) -> None:
        """Whatever shows, start over at the attract screen (an open round is closed as not completed)."""
        for scene in reversed(self.stack):
            if isinstance(scene, RoundScene):
                scene.abandon()
            elif isinstance(scene, ScoreScene):
                scene.file()
        while self.stack:
            self.stack.pop().exit()
        self.kiosk.presence.reset_gesture()
        self.stack.append(AttractScene(self.ctx, self.kiosk))
        self.stack[-1].enter()

    # -- events ------------------------------------------------------------------------------
    def handle_events(self) -> None:
        mapper = self.ctx.mapper
        for ev in pygame.event.get():
            if ev.type == pygame.KEYDOWN:
                name = key_name(ev.key)
                self.kiosk.presence.seen()
                if self._is_chord(ev):
                    self._open_pin()
                    continue
                top = self.top
                if isinstance(top, (PinScene, AdminScene)):
                    top.typed(ev.unicode if ev.unicode in ("+", "-") else name)
                    continue
                if name in ("escape", "f11", "m", "p", "pause"):
                    continue  # no leaving, no fullscreen toggle, no mute, no pause for players
                mapper.key_down(name)
            elif ev.type == pygame.KEYUP:
                mapper.key_up(key_name(ev.key))
            elif ev.type == pygame.WINDOWFOCUSLOST:
                mapper.release_all()
            elif ev.type == pygame.WINDOWMINIMIZED:
                self._restore_window()
            # pygame.QUIT (the window's close button, Alt+F4) is ignored on purpose.

    @staticmethod
    def _is_chord(ev: pygame.event.Event) -> bool:
        mods = ev.mod
        return bool(mods & pygame.KMOD_CTRL and mods & pygame.KMOD_SHIFT) and key_name(ev.key) == ADMIN_CHORD[-1]

    def _open_pin(self) -> None:
        stored = self.kiosk.config.admin_pin_hash
        if stored is None:
            log.warning("admin chord pressed, but kiosk.yaml sets no admin_pin_hash: the admin screen stays closed")
            return
        if isinstance(self.top, (PinScene, AdminScene)):
            return

        def check(pin: str) -> bool:
            ok = verify_pin(pin, stored)
            log.warning("admin PIN %s", "accepted" if ok else "refused")
            return ok

        self.stack.append(PinScene(self.ctx, self.kiosk, check))
        self.stack[-1].enter()

    @staticmethod
    def _restore_window() -> None:
        try:
            pygame.Window.from_display_module().restore()
        except (pygame.error, AttributeError) as exc:
            log.warning("cannot restore the minimised window: %s", exc)

    # -- per step ----------------------------------------------------------------------------
    def _watch(self, dt: float) -> None:
        """Camera health, who is in view, and the way back to attract; once per fixed step."""
        kiosk, live = self.kiosk, self.ctx.live
        kiosk.camera.update(dt, live.devices)
        top = self.top
        staff = isinstance(top, (PinScene, AdminScene))
        if kiosk.camera.lost:
            if not staff and not isinstance(top, OutOfOrderScene):
                self.apply_push(OutOfOrderScene(self.ctx, kiosk))
            return  # nobody can be seen without a camera: the nobody timer waits
        now = self.ctx.clock()
        pose = live.last_pose
        in_view = pose is not None and now - pose.t_host_ns <= POSE_FRESH_S * 1e9 and live.motion_live(now)
        kiosk.presence.update(dt, in_view, in_view and live.recogniser.state.arms_up)
        partner = live.pose_of(1) if live.players > 1 else None
        kiosk.partner_in_view = partner is not None and now - partner.t_host_ns <= POSE_FRESH_S * 1e9
        if staff or isinstance(top, (AttractScene, OutOfOrderScene)):
            return
        if kiosk.presence.nobody_s >= kiosk.config.nobody_s:
            log.info("nobody in view for %.0f s: back to the attract screen", kiosk.presence.nobody_s)
            self.go_attract()

    def apply_push(self, scene: Scene) -> None:
        self.stack.append(scene)
        scene.enter()

    def _step(self, step_s: float) -> None:
        frame = self.ctx.mapper.step()
        self.ctx.live.tick(self.ctx.clock(), step_s)
        self._watch(step_s)
        tr = self.top.update(frame, step_s)
        if tr is not None:
            self.apply(tr)
        if not self.stack:  # a scene popped the last one: there is always an attract screen
            self.go_attract()

    def _failed(self, where: str) -> None:
        """A scene raised: log it, count it, start over at attract (or give up if it keeps on)."""
        log.exception("kiosk: %s failed; starting over at the attract screen", where)
        self.kiosk.stats.errors += 1
        now = self.loop.now()
        self._failures.append(now)
        while self._failures and now - self._failures[0] > FAILURE_WINDOW_S:
            self._failures.popleft()
        if len(self._failures) > MAX_FAILURES:
            raise RuntimeError(f"{len(self._failures)} failures within {FAILURE_WINDOW_S:.0f} s")
        try:
            self.go_attract()
        except Exception:
            log.exception("kiosk: cannot even start over")
            raise

    def _quiet_hours(self, now_s: float) -> None:
        if now_s < self._quiet_due_s:
            return
        self._quiet_due_s = now_s + QUIET_CHECK_S
        quiet = self.kiosk.quiet_now()
        if quiet != self.ctx.sound.muted:
            self.ctx.sound.toggle_mute()
            log.info("quiet hours %s: sound %s", "begin" if quiet else "end", "off" if quiet else "on")

    def render(self, screen: pygame.Surface) -> None:
        start = len(self.stack) - 1
        while start > 0 and self.stack[start].overlay:
            start -= 1
        for scene in self.stack[start:]:
            scene.render(screen)

    # -- the loop ----------------------------------------------------------------------------
    def run(self, screen: pygame.Surface) -> RunStats:
        cfg = self.ctx.config
        for source in self.sources:
            source.start(self.bus)
        self.top.enter()
        step_s = 1.0 / cfg.update_hz
        acc = 0.0
        t_start = last = self.loop.now()
        ready = False
        try:
            while not self.ctx.quit_requested:
                t_frame = self.loop.now()
                t_work, cpu_work = time.perf_counter(), time.thread_time()
                acc += max(0.0, t_frame - last)  # the monotonic clock never goes back; be sure anyway
                last = t_frame
                self.handle_events()
                now_ns = self.ctx.clock()
                for advance in self.advance:
                    advance(now_ns)
                self.pump_sensors()
                steps = 0
                try:
                    while acc >= step_s and steps < MAX_UPDATES_PER_FRAME and not self.ctx.quit_requested:
                        self._step(step_s)
                        acc -= step_s
                        steps += 1
                except Exception:
                    self._failed(f"{type(self.top).__name__}.update")
                if steps == MAX_UPDATES_PER_FRAME:
                    acc = 0.0
                screen = pygame.display.get_surface() or screen
                try:
                    self.render(screen)
                except Exception:
                    self._failed(f"{type(self.top).__name__}.render")
                if self._shots is not None:
                    self._shots.maybe_save(screen, type(self.top).__name__, t_frame - t_start)
                pygame.display.flip()
                work_ms = (time.perf_counter() - t_work) * 1000.0
                self.frame_times.add(work_ms)
                self.cpu_times.add((time.thread_time() - cpu_work) * 1000.0)
                self.scene_times.setdefault(type(self.top).__name__, FrameTimes()).add(work_ms)
                self.stats.frames += 1
                if not ready:
                    ready = True
                    self.notifier.ready("attract screen up")
                self.notifier.tick(time.monotonic())
                self._quiet_hours(t_frame)
                if self.on_frame is not None:
                    self.on_frame(self)
                if cfg.seconds is not None and self.loop.now() - t_start >= cfg.seconds:
                    break
                self.loop.wait(cfg.fps_cap)
        except KeyboardInterrupt as exc:
            # SIGTERM (the supervisor stopping the kiosk) is a requested stop, not an interruption.
            self.stats.interrupted = not isinstance(exc, StopRequested)
        finally:
            self.stats.seconds = self.loop.now() - t_start
            self.notifier.stopping()
            try:
                self.pump_sensors()
            finally:
                for scene in reversed(self.stack):
                    if isinstance(scene, RoundScene):
                        scene.abandon()
                    elif isinstance(scene, ScoreScene):
                        scene.file()  # the round's held session, finished with its score under "kiosk"
                self.ctx.end_session(0, {"completed": False, "reason": "kiosk stopped"})
                for source in self.sources:
                    source.stop()
                self.ctx.sound.close()
        return self.stats
