"""The app loop: one owner of the pygame event queue, fixed-timestep updates, capped rendering.

Per frame: pygame events -> input mapper; drain the SensorBus once (never blocking) -> live
sensor view, motion recognition, session recording; run as many fixed updates as real time
asks for; render the scene stack; flip; sleep to the frame cap.

What a frame does depends only on what it reads, so a session can be replayed exactly
(:mod:`game.sessions.replay_tape`): the host time is read once per frame (:class:`FrameClock`:
every update and event of the frame sees the same time), the drained items are put in one
order (:func:`sensors.recorded.canonical_order`: threads push in whatever order they run),
and each frame's time, key changes, drained items per stream and update count go on the
session's frame tape.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pygame

from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.stop import StopRequested
from game.input.keyboard import key_name
from game.scenes.base import Scene, Transition
from game.scenes.hud import draw_store_notice
from game.scenes.play import PlayScene
from sensors.bus import SensorBus
from sensors.clock import ClockNs
from sensors.recorded import canonical_order, count_streams
from sensors.source import Source

MAX_UPDATES_PER_FRAME = 8  # after a long stall, drop time rather than spiral
SCREENSHOT_EVERY_S = 5.0  # --screenshots: one picture this often, and one at each scene change


@dataclass
class RunStats:
    frames: int = 0
    seconds: float = 0.0
    work_ms: list[float] = field(default_factory=list)
    interrupted: bool = False  # ended by Ctrl-C (not by --seconds, the window or a requested stop)

    def summary(self) -> dict[str, Any]:
        work = np.asarray(self.work_ms) if self.work_ms else np.zeros(1)
        return {
            "frames": self.frames,
            "seconds": round(self.seconds, 3),
            "fps": round(self.frames / self.seconds, 2) if self.seconds > 0 else 0.0,
            "frame_ms_p50": round(float(np.percentile(work, 50)), 3),
            "frame_ms_p99": round(float(np.percentile(work, 99)), 3),
            "frames_over_16_7ms": round(float(np.mean(work > 1000 / 60)), 4),
        }


def open_window(config: AppConfig) -> pygame.Surface:
    """Create the window (or an off-screen surface with the dummy driver when headless)."""
    if config.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    flags = pygame.RESIZABLE
    try:
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption("Liike")
        if config.fullscreen and not config.headless:
            return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
        return pygame.display.set_mode(config.size, flags)
    except pygame.error as exc:
        raise NoDisplayError(
            f"cannot open a window ({exc}); on a machine without a screen run "
            "`liike play --headless`, or start a display (for example Xvfb) and set DISPLAY"
        ) from None


class NoDisplayError(RuntimeError):
    """No window can be opened here; the message says what to do."""


class FrameClock:
    """The host clock as a frame sees it: :meth:`latch` reads ``source`` once at the frame's
    start, and every read until the next latch gives that time (before the first latch, the
    source's own). The frame's updates and events then see one time, which the frame tape keeps."""

    def __init__(self, source: ClockNs) -> None:
        self.source = source
        self._t_ns: int | None = None

    def latch(self) -> int:
        self._t_ns = self.source()
        return self._t_ns

    def __call__(self) -> int:
        return self._t_ns if self._t_ns is not None else self.source()


class RealTime:
    """Frames in real time: seconds from ``time.perf_counter``, the frame cap by pygame's clock."""

    def __init__(self) -> None:
        self._tick: pygame.time.Clock | None = None

    def now(self) -> float:
        return time.perf_counter()

    def ns(self) -> int:
        """The clock to give the game and its sources: the host's monotonic one."""
        return time.monotonic_ns()

    def wait(self, fps: int) -> None:
        if self._tick is None:
            self._tick = pygame.time.Clock()
        self._tick.tick(fps)


class VirtualTime(RealTime):
    """Frames on a virtual clock: each :meth:`wait` moves on one frame and nothing sleeps (a run
    faster than real time). :meth:`ns` is the clock to give the game and simulated sources."""

    def __init__(self, start_ns: int = 10**12) -> None:
        super().__init__()
        self._ns = start_ns

    def now(self) -> float:
        return self._ns / 1e9

    def ns(self) -> int:
        return self._ns

    def wait(self, fps: int) -> None:
        self._ns += round(1e9 / fps)


class App:
    def __init__(
        self,
        ctx: GameContext,
        first: Scene,
        bus: SensorBus,
        sources: Sequence[Source] = (),
        *,
        timing: RealTime | None = None,
        advance: Sequence[Callable[[int], None]] = (),
    ) -> None:
        self.ctx = ctx
        self.bus = bus
        self.sources = list(sources)
        self.stack: list[Scene] = [first]
        self.stats = RunStats()
        self._shots = Screenshots(ctx.config.screenshots) if ctx.config.screenshots is not None else None
        #: Real time, or a virtual clock (then ``advance`` steps the sources to each frame's time).
        self.timing = timing if timing is not None else RealTime()
        self.advance = list(advance)
        #: Items per stream of the last drain while a session is taped (for the frame tape).
        self.drained: dict[str, int] = {}

    # -- scene stack -------------------------------------------------------------------------
    def apply(self, tr: Transition) -> None:
        if tr.op == "push" and tr.scene is not None:
            self.stack.append(tr.scene)
            tr.scene.enter()
        elif tr.op == "replace" and tr.scene is not None:
            self.stack.pop().exit()
            self.stack.append(tr.scene)
            tr.scene.enter()
        elif tr.op == "pop":
            self.stack.pop().exit()
            if not self.stack:
                self.ctx.quit_requested = True
            else:
                self.stack[-1].enter()
        elif tr.op == "end_play":
            self.stack.pop().exit()  # the pause overlay
            self.apply(self._finish_play(completed=False) or Transition("pop"))
        elif tr.op == "quit":
            self.ctx.quit_requested = True

    def finish_play(self, completed: bool) -> Transition | None:
        """Close the round being played, if one is on top (its session and results)."""
        return self._finish_play(completed)

    def _finish_play(self, completed: bool) -> Transition | None:
        top = self.stack[-1] if self.stack else None
        if isinstance(top, PlayScene):
            return top.finish(completed)
        return None

    # -- per frame ---------------------------------------------------------------------------
    def handle_events(self) -> None:
        for ev in pygame.event.get():
            if ev.type == pygame.QUIT:
                self.ctx.quit_requested = True
            elif ev.type == pygame.KEYDOWN:
                if ev.key == pygame.K_F11:
                    pygame.display.toggle_fullscreen()
                elif ev.key == pygame.K_m:  # mute, on every screen; M is bound to nothing else
                    self.ctx.sound.toggle_mute()
                self.key_change("+" + key_name(ev.key))
            elif ev.type == pygame.KEYUP:
                self.key_change("-" + key_name(ev.key))
            elif ev.type == pygame.WINDOWFOCUSLOST:
                # Key-ups are not delivered to an unfocused window: let go of everything now.
                self.key_change("*")

    def key_change(self, change: str) -> None:
        """Apply one key change (``+name`` down, ``-name`` up, ``*`` let go of all) and tape it."""
        mapper = self.ctx.mapper
        if change == "*":
            mapper.release_all()
        elif change.startswith("+"):
            mapper.key_down(change[1:])
        else:
            mapper.key_up(change[1:])
        if self.ctx.tape is not None:
            self.ctx.tape.key(change)

    def pump_sensors(self) -> None:
        ctx = self.ctx
        items = canonical_order(self.bus.drain())
        self.drained = count_streams(items) if ctx.tape is not None else {}
        if items and self.stack:
            self.stack[-1].sensor_items(items)
        if not items:
            if not ctx.live.motion_live(ctx.clock()):
                ctx.mapper.device_lost("motion")
            return
        events, _ = ctx.live.ingest(items)
        ctx.record(items)
        for ev in events:
            ctx.mapper.motion_event(ev)
            ctx.record_event(
                ev.t_ns,
                ev.kind,
                {"confidence": round(ev.confidence, 3), "magnitude": round(ev.magnitude, 4), "source": ev.source}
                | ({"hand": ev.hand} if ev.hand is not None else {}),
            )
        if ctx.live.motion_live(ctx.clock()):
            ctx.mapper.motion_state(ctx.live.recogniser.state)
        else:
            ctx.mapper.device_lost("motion")

    def render(self, screen: pygame.Surface) -> None:
        # Draw from the topmost opaque scene upwards so overlays show what they cover.
        start = len(self.stack) - 1
        while start > 0 and self.stack[start].overlay:
            start -= 1
        for scene in self.stack[start:]:
            scene.render(screen)
            if isinstance(scene, PlayScene):
                scene.draw_overlay(screen)  # effects and the countdown, above the mode's picture
        # Above every scene, within a flush interval of the first failed write.
        draw_store_notice(screen, self.ctx.text, self.ctx.session.notice)

    def update_steps(self, steps: int, step_s: float) -> None:
        """Run ``steps`` fixed updates (fewer if the game quits). A session that begins during
        one owns the rest of the frame: they open its tape, at the frame's time."""
        for done in range(steps):
            if self.ctx.quit_requested:
                return
            tape = self.ctx.tape
            frame = self.ctx.mapper.step()
            self.ctx.live.tick(self.ctx.clock(), step_s)
            tr = self.stack[-1].update(frame, step_s)
            if tr is not None:
                self.apply(tr)
            if self.ctx.tape is not None and self.ctx.tape is not tape:
                self.ctx.tape.frame(self.ctx.clock(), steps - done - 1, {})
            if not self.stack:
                return

    def run(self, screen: pygame.Surface) -> RunStats:
        cfg = self.ctx.config
        self.ctx.tape_sessions = True
        frame_clock = FrameClock(self.ctx.clock)
        self.ctx.clock = frame_clock
        for source in self.sources:
            source.start(self.bus)
        self.stack[-1].enter()
        step_s = 1.0 / cfg.update_hz
        acc = 0.0
        t_start = last = self.timing.now()
        try:
            while not self.ctx.quit_requested:
                t_frame = self.timing.now()
                t_work = time.perf_counter()
                acc += t_frame - last
                last = t_frame
                now_ns = frame_clock.latch()
                for advance in self.advance:
                    advance(now_ns)
                self.handle_events()
                self.pump_sensors()
                steps = min(int(acc // step_s), MAX_UPDATES_PER_FRAME)
                # after a long stall, drop time rather than spiral
                acc = 0.0 if steps == MAX_UPDATES_PER_FRAME else acc - steps * step_s
                if self.ctx.tape is not None:
                    self.ctx.tape.frame(now_ns, steps, self.drained)
                self.update_steps(steps, step_s)
                if not self.stack:
                    break
                screen = pygame.display.get_surface() or screen
                self.render(screen)
                if self._shots is not None:
                    self._shots.maybe_save(screen, type(self.stack[-1]).__name__, t_frame - t_start)
                pygame.display.flip()
                self.stats.work_ms.append((time.perf_counter() - t_work) * 1000.0)
                self.stats.frames += 1
                if cfg.seconds is not None and self.timing.now() - t_start >= cfg.seconds:
                    break
                self.timing.wait(cfg.fps_cap)
        except KeyboardInterrupt as exc:
            # Ctrl-C ends the run like closing the window: the session is saved below.
            self.stats.interrupted = not isinstance(exc, StopRequested)
        finally:
            self.stats.seconds = self.timing.now() - t_start
            now_ns = frame_clock.latch()
            self.pump_sensors()  # what arrived since the last frame belongs to the session too
            if self.ctx.tape is not None:
                self.ctx.tape.frame(now_ns, 0, self.drained)
            while self.stack and self.stack[-1].overlay:
                self.stack.pop().exit()
            # A run that ends mid-play still saves its session, marked as not completed.
            tr = self._finish_play(completed=False) if self.stack else None
            if tr is not None:
                self.apply(tr)
            self.ctx.end_session(0, {"completed": False, "reason": "ended before play"})
            for source in self.sources:
                source.stop()
            self.ctx.sound.close()
        return self.stats


class Screenshots:
    """PNG pictures of the screen for looking at a run afterwards (``--screenshots DIR``): one
    when the top scene changes (after it has drawn a few frames) and one every
    :data:`SCREENSHOT_EVERY_S` seconds, named by run time and scene."""

    SETTLE_FRAMES = 10  # a new scene's first frames may still be fading in

    def __init__(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._scene: str | None = None
        self._frames = 0
        self._next_s = 0.0
        self.saved: list[Path] = []

    def maybe_save(self, screen: pygame.Surface, scene: str, t_s: float) -> None:
        if scene != self._scene:
            self._scene, self._frames = scene, 0
        self._frames += 1
        if self._frames == self.SETTLE_FRAMES or (t_s >= self._next_s and self._frames > self.SETTLE_FRAMES):
            self._next_s = t_s + SCREENSHOT_EVERY_S
            path = self.folder / f"{len(self.saved):03d}-{t_s:06.1f}s-{scene}.png"
            pygame.image.save(screen, str(path))
            self.saved.append(path)
