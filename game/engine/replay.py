"""Plays a stored session again: its recorded samples into the same mode and level, on a clock
driven by the recorded times.

With a frame tape (:mod:`game.sessions.replay_tape`) the replay repeats the session's frames one
for one: each frame's host time, key changes, the samples it drained and the fixed updates it
ran, so the game events and the score come out as they were, at any speed. A session without a
tape (recorded before sessions kept one, or by the kiosk) is replayed from its sample times: a
frame every 1/``fps_cap`` s of recorded time takes the samples stamped up to it; the same at
every speed, though not necessarily what the live frames made of them.

The speed only paces the loop against real time (``speed`` 2: a minute of the session in 30 s;
None: as fast as the machine goes); nothing the game sees depends on it. The replay is stored as
a new session whose summary and ``replay.of`` event name the one it replays (``replay_of``).
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator
from typing import Any

import pygame

from game import i18n
from game.audio import Sound
from game.engine.app import App, open_window
from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.modes import GameMode, LevelInfo
from game.engine.run import build_context, play_result
from game.scenes.base import Transition
from game.scenes.calibrate import CalibrateScene
from game.scenes.menu import MenuScene
from game.sessions.replay import Recording
from game.sessions.replay_tape import Frame, TapeError
from sensors.bus import SensorBus
from sensors.clock import NS_PER_S
from sensors.motion.heart_zones import HeartProfile
from sensors.recorded import RecordedSource, RecordingExhausted
from sensors.samples import DeviceState, DeviceStatus


class ReplayClock:
    """The replay's host clock: the recorded time of the frame being replayed (ns)."""

    def __init__(self, t_ns: int = 0) -> None:
        self.t_ns = t_ns

    def __call__(self) -> int:
        return self.t_ns


@dataclasses.dataclass
class Pacing:
    """Holds the replay to ``speed`` times real time (None: no holding back)."""

    speed: float | None
    t0_ns: int = 0
    wall0_s: float = 0.0

    def start(self, t_ns: int) -> None:
        self.t0_ns, self.wall0_s = t_ns, time.perf_counter()

    def wait_for(self, t_ns: int) -> None:
        if self.speed is None:
            return
        due = self.wall0_s + (t_ns - self.t0_ns) / NS_PER_S / self.speed
        pause = due - time.perf_counter()
        if pause > 0:
            time.sleep(pause)


def replay_config(base: AppConfig, recording: Recording) -> AppConfig:
    """``base`` (window, store, player) with the settings that shaped the recorded game."""
    setup = recording.setup or {}
    # A tapeless session's input is not known; its devices tell a simulated one apart.
    guessed = "sim" if recording.setup is None and _simulated(recording) else "auto"
    return dataclasses.replace(
        base,
        mode=recording.mode,
        level=recording.level,
        input=str(setup.get("input", guessed)),
        seed=int(setup.get("seed", base.seed)),
        sim_fitness=str(setup.get("sim_fitness", base.sim_fitness)),
        players=int(setup.get("players", base.players)),
        update_hz=int(setup.get("update_hz", base.update_hz)),
        fps_cap=int(setup.get("fps_cap", base.fps_cap)),
        lang=str(setup.get("lang", base.lang)),
        pick_mode=False,
        body=None,
    )


def _simulated(recording: Recording) -> bool:
    from game.sessions.store import SessionStore

    with SessionStore(recording.path, read_only=True) as store:
        return any(
            d.get("device_kind") == "sim" or d.get("source", "").startswith("sim") for d in store.devices(recording.session_id)
        )


def _seed_devices(ctx: GameContext, setup: dict[str, Any]) -> None:
    """The device statuses the live session began with (kept in its set-up)."""
    for d in setup.get("devices", []):
        try:
            status = DeviceStatus(
                0, str(d["source"]), str(d["device_kind"]), DeviceState(str(d["state"])), str(d.get("message", ""))
            )
        except (KeyError, ValueError, TypeError):
            continue  # a status that cannot be read changes only what the screen says about it
        ctx.live.devices[status.source] = status


def run_replay(
    recording: Recording,
    config: AppConfig,
    mode: GameMode,
    level: LevelInfo,
    *,
    speed: float | None,
    seconds: float | None = None,
) -> dict[str, Any]:
    """Replay ``recording`` in ``mode`` on ``level`` (``config`` from :func:`replay_config`);
    stop after ``seconds`` of the session's time if given. Returns what ``liike play`` reports,
    plus ``replay_of`` (the replayed session's UUID), ``replay_of_id``, ``exact`` and ``frames_replayed``."""
    i18n.set_language(config.lang)
    screen = open_window(config)
    clock = ReplayClock()
    ctx = build_context(config, mode, [level], input_label=f"replay of session {recording.session_id}", sound=Sound.silent())
    ctx.clock = clock
    ctx.writer_clock = clock
    ctx.tape_sessions = True  # a replay keeps a tape too: it can be replayed in turn
    ctx.session_marks = {"replay_of": recording.uuid, "replay_of_id": recording.session_id}
    setup = recording.setup or {}
    if isinstance(setup.get("level_text"), str):
        ctx.level_text = setup["level_text"]
    if "hr_rest_bpm" in setup and "hr_max_bpm" in setup:
        ctx.live.profile = HeartProfile(hr_rest_bpm=float(setup["hr_rest_bpm"]), hr_max_bpm=float(setup["hr_max_bpm"]))
    _seed_devices(ctx, setup)
    bus = SensorBus()
    source = RecordedSource(recording.streams())
    app = App(ctx, MenuScene(ctx), bus, [source])
    source.start(bus)
    replayed = 0
    t_start = time.perf_counter()
    interrupted = False
    torn = False
    try:
        app.stack[-1].enter()
        frames = recording.frames() if recording.exact else _timed_frames(source, config)
        replayed = _play_frames(app, clock, source, frames, Pacing(speed), recording.exact, seconds, screen)
    except KeyboardInterrupt:
        interrupted = True
    except (RecordingExhausted, TapeError):
        torn = True
        raise
    finally:
        app.stats.seconds = time.perf_counter() - t_start
        try:
            _close(app)
            if torn:  # a replay cut short by a damaged recording is not kept as if it were one
                _forget(config, ctx.sessions_played)
        finally:
            source.stop()
            pygame.quit()
    result = play_result(ctx, app.stats, bus, mode=mode.name, level=level.name, input_name="replay", interrupted=interrupted)
    result["replay_of"] = recording.uuid
    result["replay_of_id"] = recording.session_id
    result["exact"] = recording.exact
    result["frames_replayed"] = replayed
    return result


def _timed_frames(source: RecordedSource, config: AppConfig) -> Iterator[Frame]:
    """Frames for a session without a tape: one every 1/``fps_cap`` s from its first sample,
    each running the fixed updates that fall due in it (integer nanoseconds, so no drift), until
    every sample is delivered. ``counts`` is left empty: such frames take samples by time."""
    t = source.next_t_ns()
    if t is None:
        return
    frame_ns = NS_PER_S // config.fps_cap
    step_ns = NS_PER_S // config.update_hz
    yield Frame(t, 0)  # the session begins
    acc = 0
    while source.next_t_ns() is not None:
        t += frame_ns
        acc += frame_ns
        steps, acc = divmod(acc, step_ns)
        yield Frame(t, steps)
    yield Frame(t, 0)


def _play_frames(
    app: App,
    clock: ReplayClock,
    source: RecordedSource,
    frames: Iterator[Frame],
    pacing: Pacing,
    exact: bool,
    seconds: float | None,
    screen: pygame.Surface,
) -> int:
    ctx = app.ctx
    step_s = 1.0 / ctx.config.update_hz
    first = next(frames, None)
    if first is None:
        return 0
    # The session begins as the menu begins it, within a fixed update: the rest of that frame's
    # updates are the first frame of its tape.
    clock.t_ns = first.t_ns
    pacing.start(first.t_ns)
    ctx.begin_session()
    app.apply(Transition("push", CalibrateScene(ctx)))
    if ctx.tape is not None:
        ctx.tape.frame(first.t_ns, first.steps, {})
    app.update_steps(first.steps, step_s)
    replayed = 1
    end_ns = None if seconds is None else first.t_ns + round(seconds * NS_PER_S)
    for frame in frames:
        if ctx.session.writer is None or not app.stack:
            break  # the session is over (its results are up): the recording ends here
        if end_ns is not None and frame.t_ns > end_ns:
            break
        t_work = time.perf_counter()
        clock.t_ns = frame.t_ns
        if _window_closed():
            break
        for change in frame.keys:
            app.key_change(change)
        if exact:
            source.deliver(frame.counts)
        else:
            source.deliver_until(frame.t_ns)
        app.pump_sensors()
        if ctx.tape is not None:
            ctx.tape.frame(frame.t_ns, frame.steps, app.drained)
        app.update_steps(frame.steps, step_s)
        if app.stack:
            surface = pygame.display.get_surface() or screen
            app.render(surface)
            pygame.display.flip()
        app.stats.work_ms.append((time.perf_counter() - t_work) * 1000.0)
        app.stats.frames += 1
        replayed += 1
        pacing.wait_for(frame.t_ns)
    return replayed


def _window_closed() -> bool:
    """The window's close button (keys are the recording's, not the viewer's)."""
    return any(ev.type == pygame.QUIT for ev in pygame.event.get())


def _forget(config: AppConfig, sessions: list[int]) -> None:
    from game.sessions import SessionStore

    if config.db is None or not sessions:
        return
    with SessionStore(config.db) as store:
        for sid in sessions:
            store.delete_session(sid)


def _close(app: App) -> None:
    """End as the live loop ends: overlays closed, an open round finished as not completed."""
    while app.stack and app.stack[-1].overlay:
        app.stack.pop().exit()
    tr = app.finish_play(completed=False) if app.stack else None
    if tr is not None:
        app.apply(tr)
    app.ctx.end_session(0, {"completed": False, "reason": "ended before play"})
    app.ctx.sound.close()
