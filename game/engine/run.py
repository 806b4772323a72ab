"""Wires one run of the game together and reports it as a JSON-ready dict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pygame

from game import i18n
from game.audio import Sound
from game.engine.app import App, RunStats, VirtualTime, open_window
from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.live import LiveSensors
from game.engine.modes import GameMode, LevelInfo
from game.engine.sources import EmulatedBle, build_inputs
from game.input import InputMapper, load_bindings
from game.render.text import TextCache
from game.scenes.menu import MenuScene
from sensors.bus import SensorBus
from sensors.motion.heart_zones import HeartProfile
from sensors.motion.tracker import MotionTracker

#: Width / height of webcam pictures until the camera's own is known (most webcams are 4:3).
WEBCAM_ASPECT_WH = 4 / 3


def picture_aspect(preview: Any) -> Callable[[], float | None]:
    """Width / height of the newest camera picture, or None before the first one."""

    def aspect() -> float | None:
        frame = preview()
        if frame is None:
            return None
        h, w = frame.image.shape[:2]
        return w / h if h else None

    return aspect


def build_tracker(preview: Any = None, player: int = 0) -> MotionTracker:
    """The motion tracker with the picture shape its landmarks come from: the camera's own
    once it delivers (MediaPipe normalises x by the width and y by the height), 4:3 before;
    the simulated player's camera is 4:3 too (:class:`sensors.sim.Camera`). ``player``: the zone
    of the picture whose pose frames it reads."""
    source = picture_aspect(preview) if preview is not None else None
    return MotionTracker(player=player, image_aspect_wh=WEBCAM_ASPECT_WH, aspect_source=source)


def build_live(config: AppConfig, preview: Any = None) -> LiveSensors:
    """The live sensor view with one tracker per player side by side (``config.players``)."""
    live = LiveSensors(recogniser=build_tracker(preview))
    for player in range(1, config.players):
        live.add_player(build_tracker(preview, player))
    return live


def build_context(
    config: AppConfig,
    mode: GameMode | None,
    levels: list[LevelInfo],
    autopilot: Any = None,
    input_label: str = "keyboard",
    preview: Any = None,
    steer: Any = None,
    sound: Sound | None = None,
    levels_by_mode: dict[str, list[LevelInfo]] | None = None,
) -> GameContext:
    live = build_live(config, preview)
    body = config.body
    if body is not None and (body.age_y is not None or body.hr_rest_bpm is not None):
        default = HeartProfile()
        live.profile = HeartProfile(
            hr_rest_bpm=default.hr_rest_bpm if body.hr_rest_bpm is None else body.hr_rest_bpm,
            # HRmax from age (Tanaka 2001)
            hr_max_bpm=default.hr_max_bpm if body.age_y is None else HeartProfile.for_age(body.age_y).hr_max_bpm,
        )
    return GameContext(
        config=config,
        mode=mode,
        mapper=InputMapper(load_bindings()),
        live=live,
        levels=levels,
        text=TextCache(),
        autopilot=autopilot,
        input_label=input_label,
        preview=preview,
        steer=steer,
        sound=sound,
        levels_by_mode=levels_by_mode,
    )


def run_game(
    config: AppConfig,
    mode: GameMode,
    levels: list[LevelInfo],
    emulated: EmulatedBle | None = None,
    levels_by_mode: dict[str, list[LevelInfo]] | None = None,
    *,
    virtual_time: bool = False,
) -> dict[str, Any]:
    """Play: the menu opens on ``mode`` and its ``levels``; ``levels_by_mode`` holds the levels
    of the other games the menu offers (none: only ``mode``). ``virtual_time``: frames on a
    virtual clock, one after the other without sleeping, the simulated player stepped with them
    (tests and benchmarks: minutes of play in seconds)."""
    i18n.set_language(config.lang)
    timing = VirtualTime() if virtual_time else None
    if timing is not None:
        inputs = build_inputs(config, emulated, clock=timing.ns, threaded=False)
    else:
        inputs = build_inputs(config, emulated)
    bus = SensorBus()
    screen = open_window(config)
    sound = Sound(config.volume, config.muted)
    ctx = build_context(config, mode, levels, inputs.autopilot, inputs.label, inputs.preview, inputs.steer, sound, levels_by_mode)
    advance: list[Callable[[int], None]] = []
    if timing is not None:
        from sensors.sim.source import TickedSource

        ctx.clock = timing.ns
        ctx.writer_clock = timing.ns  # the session's start and end on the clock its samples carry
        advance = [s.advance for s in inputs.sources if isinstance(s, TickedSource)]
    try:
        app = App(ctx, MenuScene(ctx), bus, inputs.sources, timing=timing, advance=advance)
        stats = app.run(screen)
    finally:
        pygame.quit()
    level = ctx.level.name if ctx.levels else None
    return play_result(ctx, stats, bus, mode=ctx.game_mode.name, level=level, input_name=config.input)


def play_result(
    ctx: GameContext,
    stats: RunStats,
    bus: SensorBus,
    *,
    mode: str,
    level: str | None,
    input_name: str,
    interrupted: bool | None = None,
) -> dict[str, Any]:
    """``liike play``'s JSON contract for a finished run (``liike replay`` adds its own keys).
    ``interrupted``: when not given, the run's own (:attr:`RunStats.interrupted`)."""
    result: dict[str, Any] = {
        "session_id": ctx.sessions_played[-1] if ctx.sessions_played else None,
        "sessions": ctx.sessions_played,
        "mode": mode,
        "level": level,
        "input": input_name,
    }
    result.update(stats.summary())
    summary = ctx.last_result or {}
    result["score"] = summary.get("score", 0)
    result["completed"] = bool(summary.get("completed", False))
    # What is in the store, not what was recorded: they differ when the disk filled up.
    kinds = ("hr", "imu", "pose")
    result["samples"] = {kind: ctx.session.stored_counts.get(kind, 0) for kind in kinds}
    result["queued"] = {kind: ctx.session.final_counts.get(kind, 0) for kind in kinds}
    result["lost"] = {kind: ctx.session.lost_counts.get(kind, 0) for kind in kinds}
    result["motion_events"] = dict(ctx.live.motion_counts)
    result["bus_dropped"] = bus.stats().dropped
    result["interrupted"] = stats.interrupted if interrupted is None else interrupted
    if ctx.session.error:
        result["store_error"] = ctx.session.error
    return result
