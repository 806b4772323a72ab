"""Wires one run of the kiosk together and reports it as a JSON-ready dict."""

from __future__ import annotations

import dataclasses
import logging
import os
from collections.abc import Callable
from typing import Any

import pygame

from game import i18n
from game.audio import Sound
from game.engine.app import NoDisplayError, RealTime, VirtualTime
from game.engine.config import AppConfig
from game.engine.modes import GameMode, LevelInfo
from game.engine.run import build_context
from game.engine.sources import InputSetup, build_inputs
from game.kiosk.app import KioskApp
from game.kiosk.config import KioskConfig
from game.kiosk.hallboard import Fetch, HallBoards, server_fetch
from game.kiosk.leaderboard import Leaderboard, leaderboard_path
from game.kiosk.notify import SystemdNotifier
from game.kiosk.runtime import CameraWatch, Kiosk
from game.kiosk.scenes import BoardScene
from game.kiosk.zones import LoneVisitorBus
from game.sessions import default_db_path
from sensors.bus import SensorBus
from sensors.source import Source

log = logging.getLogger("liike.kiosk")


class KioskSetupError(ValueError):
    """The kiosk cannot start with what it was given (no game has a playable level)."""


def rss_mb() -> float:
    """This process's resident memory now (MB): ``/proc/self/statm`` on Linux, else the peak so
    far where the platform tells it (``resource``, Unix), else 0."""
    try:
        with open("/proc/self/statm", encoding="ascii") as f:
            pages = int(f.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except (OSError, ValueError, IndexError, AttributeError):
        pass
    try:
        import resource  # Unix only; Windows has neither this nor /proc
    except ImportError:
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def open_fds() -> int | None:
    """Open file descriptors of this process (Linux), or None where that cannot be read."""
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return None


def open_kiosk_window(config: AppConfig) -> pygame.Surface:
    """Fullscreen without decorations (or an off-screen surface when headless), no mouse pointer,
    and no minimising when another window takes the focus (SDL minimises fullscreen windows
    then by default: SDL_HINT_VIDEO_MINIMIZE_ON_FOCUS_LOSS)."""
    if config.headless:
        os.environ["SDL_VIDEODRIVER"] = "dummy"
        os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
    os.environ["SDL_VIDEO_MINIMIZE_ON_FOCUS_LOSS"] = "0"
    try:
        pygame.display.init()
        pygame.font.init()
        pygame.display.set_caption("Liike")
        if config.headless:
            screen = pygame.display.set_mode(config.size)
        else:
            screen = pygame.display.set_mode((0, 0), pygame.FULLSCREEN | pygame.NOFRAME)
            pygame.mouse.set_visible(False)
        return screen
    except pygame.error as exc:
        raise NoDisplayError(
            f"cannot open a window ({exc}); on a machine without a screen run `liike kiosk --headless`, "
            "or start a display (for example Xvfb) and set DISPLAY"
        ) from None


@dataclasses.dataclass
class KioskInputs:
    setup: InputSetup
    advance: list[Callable[[int], None]]
    visitors: Any = None  # the VisitorSource with --input sim
    rebuild_camera: Callable[[], Source | None] | None = None


#: Seconds the exit waits for the last forwarding pass (the supervisor's stop timeout is longer).
SYNC_STOP_S = 3.0
#: With ``side_by_side``, the share of simulated visits by two people together.
PAIR_SHARE = 0.35


def visitor_stay_s(round_s: float) -> tuple[float, float]:
    """How long simulated visitors stay: most through a whole round and its score, some not."""
    whole = 30.0 + round_s  # walk-up, choosing, the countdown, the round, score and nickname
    return (0.8 * whole, 1.6 * whole)


def build_kiosk_inputs(config: AppConfig, kcfg: KioskConfig, loop: RealTime, fast: bool) -> KioskInputs:
    """The kiosk's eyes: the simulated visitors, or the camera (read in two halves with
    ``side_by_side``: ``config.players`` is 2 then, see :func:`run_kiosk`)."""
    if config.input == "sim":
        from sensors.sim.visitors import VisitorSource

        visitors = VisitorSource(
            seed=config.seed, stay_s=visitor_stay_s(kcfg.round_s), clock=loop.ns, threaded=not fast, first_arrival_s=4.0,
            pair_share=PAIR_SHARE if kcfg.side_by_side else 0.0,
        )  # fmt: skip
        setup = InputSetup([visitors], "simulated visitors + keyboard", visitors.inject, steer=visitors.steer)
        return KioskInputs(setup, [visitors.advance] if fast else [], visitors)
    if kcfg.camera is not None and config.camera is None:
        config = dataclasses.replace(config, camera=kcfg.camera)
    setup = build_inputs(config)
    camera_config = dataclasses.replace(config, input="camera")

    def rebuild() -> Source | None:
        fresh = build_inputs(camera_config)
        return fresh.sources[0] if fresh.sources else None

    has_camera = setup.preview is not None
    return KioskInputs(setup, [], None, rebuild if has_camera else None)


def kiosk_levels(modes: list[GameMode]) -> tuple[list[GameMode], dict[str, list[LevelInfo]]]:
    """The offered games that have a level for one player, and all their levels (those for two
    side by side too); a game without one is left out."""
    from game.levels import list_levels

    playable: list[GameMode] = []
    by_mode: dict[str, list[LevelInfo]] = {}
    for mode in modes:
        levels, problems = list_levels(mode.name)
        for problem in problems:
            log.warning("skipping level: %s", problem)
        if any(getattr(level, "players", 1) == 1 for level in levels):  # a lone visitor can play it
            playable.append(mode)
            by_mode[mode.name] = list(levels)
        else:
            log.error("the kiosk offers %s, but it has no playable levels: left out", mode.name)
    return playable, by_mode


def kiosk_server(kcfg: KioskConfig) -> Any:
    """The shared server (a :class:`game.sessions.sync.url.ServerUrl`): kiosk.yaml's
    ``database_url``, else ``LIIKE_DATABASE_URL`` or the user's URL file; None when none is
    configured or it cannot be used (logged: the kiosk then keeps to its own hall)."""
    from game.sessions.sync.url import SyncConfigError, resolve_url

    try:
        server = resolve_url(kcfg.database_url)
    except SyncConfigError as exc:
        log.warning("shared server: %s; this hall's lists only, sessions kept locally", exc)
        return None
    if server is not None and kcfg.database_url:
        server = dataclasses.replace(server, origin=str(kcfg.path or "kiosk.yaml"))
    return server


def run_kiosk(
    config: AppConfig,
    kcfg: KioskConfig,
    modes: list[GameMode],
    *,
    fast: bool = False,
    notifier: SystemdNotifier | None = None,
    on_frame: Callable[[KioskApp], None] | None = None,
    hall_fetch: Fetch | None = None,
) -> tuple[dict[str, Any], Kiosk]:
    """Run the kiosk until ``config.seconds`` (or staff quit); the report and the kiosk's state.

    ``fast``: a virtual clock, one frame per loop without sleeping (faster than real time).
    With a shared server (:func:`kiosk_server`), finished sessions are forwarded by a
    :class:`~game.sessions.sync.background.BackgroundSync` (kicked as each round ends) and the
    leaderboard screen shows every hall's lists; ``hall_fetch`` replaces the server's fetch
    (tests)."""
    rss_start, fds_start = rss_mb(), open_fds()
    playable, levels_by_mode = kiosk_levels(modes)
    if not playable:
        raise KioskSetupError("none of the kiosk's games has a playable level; add levels (see levels/README.md)")
    loop: RealTime = VirtualTime() if fast else RealTime()
    # Side by side: a tracker per half of the picture (and the camera read in halves).
    config = dataclasses.replace(config, players=2 if kcfg.side_by_side else 1)
    inputs = build_kiosk_inputs(config, kcfg, loop, fast)
    db = config.db if config.db is not None else default_db_path()
    board = Leaderboard(leaderboard_path(db), kcfg.reset_at, kcfg.zone(), kcfg.season_starts)
    i18n.set_language(kcfg.languages[0] if kcfg.languages[0] in i18n.LANGUAGES else i18n.DEFAULT_LANGUAGE)
    screen = open_kiosk_window(config)
    sound = Sound(kcfg.volume, False)
    setup = inputs.setup
    first = playable[0]
    ctx = build_context(
        config, first, levels_by_mode[first.name], setup.autopilot, setup.label, setup.preview, setup.steer, sound, levels_by_mode
    )
    ctx.clock = loop.ns
    kiosk_ref: list[Kiosk] = []
    # Side by side: a visitor alone on either spot plays as player 0 (game.kiosk.zones).
    bus = LoneVisitorBus(lambda: bool(kiosk_ref) and kiosk_ref[0].pair_round) if kcfg.side_by_side else SensorBus()
    app_ref: list[KioskApp] = []

    def restart_camera() -> None:
        if inputs.rebuild_camera is None or not app_ref:
            return
        app = app_ref[0]
        fresh = inputs.rebuild_camera()
        if fresh is None:
            return
        for i, old in enumerate(app.sources):
            if getattr(old, "capture", None) is not None:  # the pose worker on the old camera
                old.stop()
                app.sources[i] = fresh
                break
        else:
            app.sources.append(fresh)
        fresh.start(bus)
        capture = getattr(fresh, "capture", None)
        if capture is not None:
            ctx.preview = capture.latest

    kiosk = Kiosk(kcfg, playable, board, seed=config.seed, camera=CameraWatch(restart_camera))
    kiosk_ref.append(kiosk)
    server = kiosk_server(kcfg)
    forwarding = None
    if server is not None:
        from game.sessions.sync.background import BackgroundSync

        forwarding = BackgroundSync(db, server).start()  # the game never waits on it
        kiosk.on_session_end = forwarding.kick
        if hall_fetch is None:
            season = kcfg.season_starts
            md = (season.month, season.day) if season is not None else None
            hall_fetch = server_fetch(server, kcfg.zone(), md, BoardScene.ROWS)
    kiosk.halls = HallBoards(hall_fetch).start()
    app = KioskApp(ctx, kiosk, bus, setup.sources, loop_clock=loop, advance=inputs.advance, notifier=notifier, on_frame=on_frame)
    app_ref.append(app)
    try:
        stats = app.run(screen)
    finally:
        pygame.quit()
        kiosk.halls.stop()
        if forwarding is not None:
            forwarding.stop(SYNC_STOP_S)  # a bounded wait: a dead server never holds the exit
    board.flush()
    summary = app.frame_times.summary()
    result: dict[str, Any] = kiosk.report()
    result.update(
        {
            "frame_ms_p99": summary["frame_ms_p99"],
            "rss_mb_start": round(rss_start, 1),
            "rss_mb_end": round(rss_mb(), 1),
            "seconds": round(stats.seconds, 3),
            "frames": summary["frames"],
            "frame_ms_p50": summary["frame_ms_p50"],
            "frame_ms_max": summary["frame_ms_max"],
            "frame_cpu_ms_p99": app.cpu_times.summary()["frame_ms_p99"],
            "frame_ms_p99_by_screen": {k: v.percentile(99) for k, v in sorted(app.scene_times.items())},
            "fds_start": fds_start,
            "fds_end": open_fds(),
            "visitors": inputs.visitors.visitors if inputs.visitors is not None else None,
            "sessions": len(ctx.sessions_played),
            "leaderboard_unsaved": board.unsaved,
            "server": server.label if server is not None else None,
            "hall_lists_fetched": kiosk.halls.fetches,
            "sync_pending": forwarding.last.pending if forwarding is not None and forwarding.last is not None else None,
            "virtual_time": fast,
            "interrupted": stats.interrupted,
            "exit_action": kiosk.exit_action,
        }
    )
    return result, kiosk
