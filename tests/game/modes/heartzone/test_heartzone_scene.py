"""The heart-zone scene: no strap means the strap screen and nothing estimated (keyboard alone
ends there cleanly), a strap means play, and the simulated player's autopilot keeps a low- and a
high-fitness heart in the band to the end of a level."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pygame
import pytest

from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.run import build_context
from game.input.mapper import InputFrame
from game.levels import list_levels
from game.modes.heartzone import MODE
from game.modes.heartzone.rules import Zone
from game.modes.heartzone.scene import STRAP_CONNECT_WAIT_S, STRAP_WAIT_S, HeartZoneScene, State
from game.scenes.base import Transition
from game.scenes.results import ResultsScene
from game.sessions.store import SessionStore
from sensors.clock import ManualClock, s_to_ns
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample
from sensors.sim import SimulatedPlayer
from sensors.sim.body import BodyParams

SIZE = (960, 540)
DT = 1 / 60
NOTHING = InputFrame()
ENTER = InputFrame(pressed=frozenset({"start"}))


def make_ctx(tmp_path: Path, level: str, input_: str = "keyboard") -> GameContext:
    levels, _ = list_levels(MODE.name)
    ctx = build_context(AppConfig(input=input_, mode=MODE.name, db=tmp_path / "s.sqlite"), MODE, levels)
    ctx.clock = ManualClock(s_to_ns(100))
    ctx.selected_level = [lv.name for lv in levels].index(level)
    return ctx


@pytest.fixture()
def screen() -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    yield pygame.Surface(SIZE)
    pygame.quit()


def step(
    ctx: GameContext, scene: HeartZoneScene, seconds: float, frame: InputFrame = NOTHING, bpm: int | None = None
) -> Transition | None:
    """Run the scene for ``seconds``; with ``bpm``, a strap notifies once a second."""
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    out = None
    next_hr = clock()
    for _ in range(round(seconds / DT)):
        clock.advance(s_to_ns(DT))
        if bpm is not None and clock() >= next_hr:
            ctx.live.ingest([HeartRateSample(clock(), "strap", bpm, contact=True)])
            next_hr += s_to_ns(1.0)
        out = scene.update(frame, DT) or out
    return out


def not_blank(surface: pygame.Surface) -> None:
    pixels = pygame.surfarray.array3d(surface).reshape(-1, 3)
    assert len(np.unique(pixels[::50], axis=0)) > 8
    assert float(pixels.std()) > 10.0


def test_keyboard_alone_reaches_the_strap_screen_and_goes_back(tmp_path: Path, screen: pygame.Surface) -> None:
    ctx = make_ctx(tmp_path, "Short zone")
    ctx.begin_session()
    sid = ctx.session.session_id
    scene = HeartZoneScene(ctx)
    step(ctx, scene, 3.0)  # the countdown
    assert scene.state is State.WAITING
    step(ctx, scene, STRAP_WAIT_S + 0.1)
    assert scene.state is State.NO_STRAP
    # Nothing was estimated: no score, no seconds in any zone, the session closed as not played.
    assert scene.score == 0 and scene.round.elapsed_s == 0
    assert ctx.session.writer is None
    assert ctx.last_result is not None
    assert ctx.last_result["completed"] is False and ctx.last_result["strap"] is False
    assert ctx.last_result["reason"] == "no heart rate"
    assert ctx.last_result["seconds_in_zone"] == 0
    # The screen says so, and lists the other games.
    others = [title for title, _ in scene.other_games()]
    assert "Heart-zone challenge" not in others and others
    scene.render(screen)
    not_blank(screen)
    pygame.image.save(screen, str(tmp_path / "no_strap.png"))
    # Enter goes back to the menu, Esc too; the quiet time does not.
    assert step(ctx, scene, 2.0) is None
    assert scene.update(ENTER, DT) == Transition("pop")
    with SessionStore(tmp_path / "s.sqlite", read_only=True) as store:
        row = store.get_session(sid) if sid is not None else None
    assert row is not None and row["summary"]["reason"] == "no heart rate"


def test_a_strap_still_connecting_is_waited_for_longer(tmp_path: Path) -> None:
    ctx = make_ctx(tmp_path, "Short zone")
    ctx.begin_session()
    scene = HeartZoneScene(ctx)
    clock = ctx.clock
    ctx.live.ingest([DeviceStatus(clock(), "A0:00:00:00:00:01", "ble", DeviceState.CONNECTING, "Strap: connecting")])
    step(ctx, scene, 3.0 + STRAP_WAIT_S + 5)
    assert scene.state is State.WAITING  # still connecting: not given up yet
    step(ctx, scene, STRAP_CONNECT_WAIT_S - STRAP_WAIT_S)
    assert scene.state is State.NO_STRAP  # but not for ever
    # A strap that connected and reads starts the round at once.
    ctx2 = make_ctx(tmp_path / "b", "Short zone")
    ctx2.begin_session()
    scene2 = HeartZoneScene(ctx2)
    ctx2.live.ingest([DeviceStatus(ctx2.clock(), "A0:00:00:00:00:01", "heart_rate", DeviceState.SEARCHING, "Strap: searching")])
    step(ctx2, scene2, 3.0 + 12.0)
    assert scene2.state is State.WAITING
    step(ctx2, scene2, 2.0, bpm=120)
    assert scene2.state is State.PLAYING


def test_keyboard_with_a_strap_plays(tmp_path: Path, screen: pygame.Surface) -> None:
    ctx = make_ctx(tmp_path, "Short zone")
    ctx.begin_session()
    scene = HeartZoneScene(ctx)
    step(ctx, scene, 3.0, bpm=70)
    # HRrest 60, HRmax 187 (the default profile): 70 bpm is 8 % HRR, below the warm-up band.
    step(ctx, scene, 10.0, bpm=70)
    assert scene.state is State.PLAYING and scene.round.zone is Zone.BELOW
    assert scene.score == 0
    in_band = round(60 + 0.5 * (187 - 60))  # 50 % HRR: in the main band
    step(ctx, scene, 25.0, bpm=in_band)  # into the main phase (after the 30 s warm-up)
    assert scene.round.zone is Zone.IN and scene.score > 0
    scene.render(screen)  # places the gauge's marker, where the effects spring from
    for _ in range(400):  # until the streak bonus begins, a strap reading every 0.5 s
        step(ctx, scene, 0.5, bpm=in_band)
        if scene.round.bonus:
            break
    assert scene.round.bonus
    assert any("x1.5" in p.text for p in scene.effects.popups)  # the streak bonus is announced
    scene.render(screen)
    scene.draw_overlay(screen)
    not_blank(screen)
    pygame.image.save(screen, str(tmp_path / "play.png"))
    # The strap falls quiet: the seconds count as no reading, never as in or out of the band.
    before = scene.round.stats.seconds[Zone.IN]
    step(ctx, scene, 20.0)
    assert scene.round.zone is Zone.NO_READING
    assert scene.round.stats.seconds[Zone.IN] == pytest.approx(before, abs=6)
    assert scene.state is State.PLAYING


def run_sim(tmp_path: Path, level: str, vo2max: float, dt: float) -> tuple[HeartZoneScene, dict[str, object]]:
    ctx = make_ctx(tmp_path, level, input_="sim")
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    player = SimulatedPlayer(
        seed=5,
        t0_ns=clock(),
        script="idle:5",
        body=BodyParams(vo2max_ml_kg_min=vo2max),
        pose_fps=2,
        imu_rate_hz=5,
        imu_batch=1,
        record_truth=False,  # the round reads the heart rate alone
    )
    ctx.steer = player.steer
    ctx.begin_session()
    scene = HeartZoneScene(ctx)
    transition = None
    for _ in range(round((scene.level.total_s + 20) / dt)):
        clock.advance(s_to_ns(dt))
        ctx.live.ingest([s for s in player.advance_to(clock()) if isinstance(s, HeartRateSample)])
        transition = scene.update(NOTHING, dt)
        if transition is not None:
            break
    assert transition is not None and isinstance(transition.scene, ResultsScene), "the round did not end"
    return scene, transition.scene.summary


def test_sim_plays_the_short_level_to_completion(tmp_path: Path) -> None:
    scene, summary = run_sim(tmp_path, "Short zone", 42.0, dt=0.05)
    assert summary["completed"] is True and summary["strap"] is True
    assert summary["level_s"] == 180.0
    assert isinstance(summary["zone_share"], float) and summary["zone_share"] > 0.8, summary
    assert scene.score > 0


@pytest.mark.parametrize("vo2max", [30.0, 55.0])
def test_sim_stays_mostly_in_the_zone_on_the_long_level_at_either_fitness(tmp_path: Path, vo2max: float) -> None:
    _scene, summary = run_sim(tmp_path, "Moderate 20", vo2max, dt=0.25)
    assert summary["completed"] is True
    assert isinstance(summary["zone_share"], float) and summary["zone_share"] > 0.9, summary
