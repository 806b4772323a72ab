"""The ski scene: the simulated player, steered by the autopilot through the whole chain (pose,
recognition, bindings), skis a short course to the finish and passes most gates; jogging works
too; the scene draws, sums up and logs its events; the pace follows effort on an adaptive level."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pygame
import pytest

from game.engine.config import AppConfig
from game.engine.context import GameContext
from game.engine.modes import register
from game.engine.run import build_context
from game.input.mapper import InputFrame
from game.levels import load_level
from game.modes.ski import MODE
from game.modes.ski.autopilot import SkiAutopilot
from game.modes.ski.scene import SkiScene
from game.scenes.base import Transition
from game.scenes.results import ResultsScene
from game.sessions.store import SessionStore
from sensors.clock import ManualClock, s_to_ns
from sensors.samples import HeartRateSample, ImuBatch
from sensors.sim import SimulatedPlayer

SIZE = (1280, 720)
DT = 1 / 60

SHORT = """\
schema: 1
name: "Short test course"
mode: ski
difficulty: 1
length_m: 260
profile:
  - {at_m: 0, elevation_m: 100}
  - {at_m: 60, elevation_m: 100}
  - {at_m: 120, elevation_m: 104}
  - {at_m: 140, elevation_m: 104}
  - {at_m: 200, elevation_m: 98}
  - {at_m: 260, elevation_m: 98}
gates:
  - {at_m: 40, offset_m: 0}
  - {at_m: 80, offset_m: -2}
  - {at_m: 130, offset_m: 1.5}
  - {at_m: 180, offset_m: -1}
  - {at_m: 230, offset_m: 2}
"""


@pytest.fixture()
def short_level(tmp_path: Path) -> Path:
    register(MODE, replace=True)
    path = tmp_path / "short.yaml"
    path.write_text(SHORT, encoding="utf-8")
    return path


def make_ctx(tmp_path: Path, level_path: Path, input_: str = "sim") -> GameContext:
    level = load_level(level_path)
    ctx = build_context(AppConfig(input=input_, mode=MODE.name, db=tmp_path / "s.sqlite"), MODE, [level])
    ctx.clock = ManualClock(s_to_ns(100))
    return ctx


@pytest.fixture()
def screen() -> Iterator[pygame.Surface]:
    pygame.display.init()
    pygame.font.init()
    yield pygame.Surface(SIZE)
    pygame.quit()


def not_blank(surface: pygame.Surface) -> None:
    pixels = pygame.surfarray.array3d(surface).reshape(-1, 3)
    assert len(np.unique(pixels[::50], axis=0)) > 8
    assert float(pixels.std()) > 10.0


def play_with_sim(
    ctx: GameContext, technique: str = "pole", limit_s: float = 150.0, imu_only: tuple[str, ...] = ()
) -> tuple[SkiScene, Transition | None]:
    """The simulated player steered by the scene's autopilot, its pose and IMU readings fed to
    the motion tracker and the input mapper as the app does, in simulated time. With
    ``imu_only`` placements, one simulated sensor per placement is worn by the same player
    (the same seed and steering) and pose is never seen."""
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    kw: dict[str, Any] = {"seed": 3, "t0_ns": clock(), "script": "idle:5", "pose_fps": 20, "imu_rate_hz": 50, "imu_batch": 5}
    kw["record_truth"] = False  # the race reads the scene, not the moves' truth (a third of the model's time)
    if imu_only:  # pose is thrown away: as few frames as the player will make
        players = [
            SimulatedPlayer(**{**kw, "pose_fps": 1, "imu_rate_hz": 25}, imu_placement=p, source=f"sim-{p}") for p in imu_only
        ]
    else:
        players = [SimulatedPlayer(**kw)]

    def steer(t_ns: int, activity: str, **more: object) -> None:
        for p in players:
            p.steer(t_ns, activity, **more)  # type: ignore[arg-type]

    ctx.steer = steer
    ctx.begin_session()
    scene = SkiScene(ctx)
    assert scene._autopilot is not None
    scene._autopilot.technique = technique
    transition = None
    for _ in range(round(limit_s / DT)):
        clock.advance(s_to_ns(DT))
        items = [it for p in players for it in p.advance_to(clock())]
        if imu_only:
            items = [it for it in items if isinstance(it, ImuBatch)]
        events, _ = ctx.live.ingest(items)
        for ev in events:
            ctx.mapper.motion_event(ev)
        ctx.mapper.motion_state(ctx.live.recogniser.state)
        frame = ctx.mapper.step()
        ctx.live.tick(clock(), DT)
        transition = scene.update(frame, DT)
        if transition is not None:
            break
    return scene, transition


def test_the_simulated_player_skis_a_short_course_to_the_finish(
    tmp_path: Path, short_level: Path, screen: pygame.Surface
) -> None:
    ctx = make_ctx(tmp_path, short_level)
    sid_before = ctx.session.session_id
    scene, transition = play_with_sim(ctx)
    assert transition is not None and isinstance(transition.scene, ResultsScene), "the race did not end"
    world = scene.world
    assert world.finished and not world.timed_out
    summary = transition.scene.summary
    assert summary["completed"] is True and summary["mode"] == "ski"
    # The skier poled its way there, with arm swings the tracker recognised from pose.
    assert summary["swings"] >= 10 and summary["motion_events"].get("arm_swing", 0) >= 10
    assert summary["distance_m"] == 260.0
    # Sensibly: most gates passed, a tuck on the descent, a believable speed.
    assert summary["gates_passed"] >= 4, summary
    assert summary["gates_passed"] + summary["gates_missed"] == 5
    assert summary["tuck_s"] > 0.5, summary
    assert 2.0 < summary["mean_speed_mps"] < 8.0
    rows = MODE.result_rows(summary)
    assert len(rows) == 6 and all(r.label and r.value for r in rows)
    assert rows[2].value.startswith(f"{summary['gates_passed']} ")
    scene.render(screen)
    not_blank(screen)
    sid = ctx.sessions_played[-1]
    assert sid != sid_before
    with SessionStore(tmp_path / "s.sqlite", read_only=True) as store:
        row = store.get_session(sid)
        kinds = [e["kind"] for e in store.events(sid)]
    assert row is not None and row["summary"]["gates_passed"] == summary["gates_passed"]
    assert kinds.count("game.gate") == summary["gates_passed"] and kinds.count("game.finish") == 1


def test_the_simulated_player_can_jog_the_course_instead(tmp_path: Path, short_level: Path) -> None:
    ctx = make_ctx(tmp_path, short_level)
    scene, transition = play_with_sim(ctx, technique="jog")
    assert transition is not None, "the race did not end"
    summary = scene.mode_summary()
    assert scene.world.finished and summary["swings"] <= 3
    assert ctx.live.motion_counts.get("step", 0) > 100
    assert summary["gates_passed"] >= 3, summary


def test_a_wrist_and_a_chest_sensor_alone_ski_the_course(tmp_path: Path, short_level: Path) -> None:
    ctx = make_ctx(tmp_path, short_level)
    scene, transition = play_with_sim(ctx, imu_only=("wrist", "chest"))
    assert transition is not None, "the race did not end"
    summary = scene.mode_summary()
    # The wrist's repetitions pushed the skier, the chest's lean steered it.
    assert ctx.live.motion_counts.get("arm_swing", 0) >= 10
    assert summary["swings"] >= 10
    assert summary["gates_passed"] >= 3, summary
    assert summary["tuck_s"] == 0.0  # a squat is not seen without pose


def test_a_chest_sensor_alone_skis_the_course_jogging(tmp_path: Path, short_level: Path) -> None:
    ctx = make_ctx(tmp_path, short_level)
    scene, transition = play_with_sim(ctx, technique="jog", imu_only=("chest",))
    assert transition is not None, "the race did not end"
    summary = scene.mode_summary()
    # Steps from the chest's bounce drive the skier, its sideways tilt steers.
    assert ctx.live.motion_counts.get("step", 0) > 100 and summary["swings"] == 0
    assert summary["gates_passed"] >= 3, summary


def test_the_autopilot_plans_tempo_lean_and_tuck_from_the_course(short_level: Path) -> None:
    from game.modes.ski.rules import SkiWorld

    level = load_level(short_level)
    asked: list[tuple[str, dict[str, object]]] = []

    def steer(t_ns: int, activity: str, **kw: object) -> None:
        asked.append((activity, kw))

    pilot = SkiAutopilot(steer)
    world = SkiWorld(level)  # type: ignore[arg-type]
    flat = pilot.plan(world)
    assert flat.activity == "pole" and flat.rate_per_min == 30 and flat.lean == 0.0
    world.distance_m, world.speed_mps, world.next_gate = 70.0, 5.0, 1  # the climb; the gate 2 m to the left
    climb = pilot.plan(world)
    assert climb.rate_per_min == 38 and climb.lean < 0
    world.distance_m, world.x_m, world.next_gate = 150.0, -1.0, 3  # over the crest: a tuck
    down = pilot.plan(world)
    assert down.crouch > 0.5 and down.activity == "idle"
    world.speed_mps = 2.0  # too slow to tuck: pole instead
    assert pilot.plan(world).activity == "pole"
    pilot.tempo = 2.0  # the pace asks for more, within what the simulated player can do
    world.distance_m = 10.0
    assert pilot.plan(world).rate_per_min == 40
    # Asked only when the plan changes.
    pilot.drive(world, 1)
    pilot.drive(world, 2)
    assert len(asked) == 1
    with pytest.raises(ValueError, match="technique"):
        SkiAutopilot(steer, technique="skate")


def test_the_pace_follows_the_players_tempo_on_an_adaptive_level(tmp_path: Path) -> None:
    path = tmp_path / "adaptive.yaml"
    path.write_text(SHORT.replace("length_m: 260", "length_m: 260\nadaptive: true"), encoding="utf-8")
    register(MODE, replace=True)
    ctx = make_ctx(tmp_path, path, input_="keyboard")
    scene = SkiScene(ctx)
    scene.countdown_s = 0.0
    scene._started = True
    assert scene.pace_controller is not None
    clock = ctx.clock
    assert isinstance(clock, ManualClock)

    def press(pole: bool) -> InputFrame:
        return InputFrame(frozenset({"pole"} if pole else ()), frozenset(), frozenset())

    # Far above the asked tempo (60 pushes a minute against 30) and every gate passed: harder.
    for i in range(round(40 / DT)):
        clock.advance(s_to_ns(DT))
        scene.update(press(i % 60 == 0), DT)
        scene.world.x_m = (
            scene.world.level.gates[scene.world.next_gate].offset_m if scene.world.upcoming_gate() is not None else 0.0
        )
    assert scene.world.pace > 1.0
    assert scene.mode_summary()["pace_final"] == round(scene.world.pace, 3)
    # A level without adaptive keeps its pace.
    plain = SkiScene(make_ctx(tmp_path, _write(tmp_path, SHORT), input_="keyboard"))
    assert plain.pace_controller is None and "pace_final" not in plain.mode_summary()


def test_with_a_strap_the_pace_follows_the_heart_rate(tmp_path: Path) -> None:
    path = tmp_path / "adaptive.yaml"
    long = SHORT.replace("length_m: 260", "length_m: 5000\nadaptive: true").replace("{at_m: 260,", "{at_m: 5000,")
    path.write_text(long, encoding="utf-8")
    register(MODE, replace=True)
    ctx = make_ctx(tmp_path, path, input_="keyboard")
    scene = SkiScene(ctx)
    scene.countdown_s = 0.0
    scene._started = True
    clock = ctx.clock
    assert isinstance(clock, ManualClock)

    def ski_for(seconds: float, bpm: int) -> None:
        next_hr = clock()
        for i in range(round(seconds / DT)):
            clock.advance(s_to_ns(DT))
            if clock() >= next_hr:
                ctx.live.ingest([HeartRateSample(clock(), "strap", bpm, contact=True)])
                next_hr += s_to_ns(1.0)
            scene.update(InputFrame(frozenset({"pole"} if i % 120 == 0 else ())), DT)

    # HRrest 60, HRmax 187 (the default profile): 80 bpm is 16 % of the reserve, far below the
    # moderate band, however fast the tempo: the course gets harder.
    ski_for(65.0, 80)
    assert scene.world.pace > 1.0 and scene.pace_controller is not None
    assert scene.pace_controller.last_reason == "hr_low"
    raised = scene.world.pace
    # 170 bpm (87 %) is far above it: easier again.
    ski_for(65.0, 170)
    assert scene.world.pace < raised and scene.pace_controller.last_reason == "hr_high"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plain.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_menu_picture_moves_and_stays_inside_its_rectangle(screen: pygame.Surface) -> None:
    surface = pygame.Surface((400, 300))
    rect = pygame.Rect(50, 40, 240, 180)
    frames = []
    for t in (0.0, 0.4):
        surface.fill((1, 2, 3))
        MODE.draw_picture(surface, rect, t)
        pixels = pygame.surfarray.array3d(surface)
        outside = pixels.copy()
        outside[rect.left : rect.right, rect.top : rect.bottom] = (1, 2, 3)
        assert (outside == (1, 2, 3)).all(), "drawn outside its rectangle"
        inside = pixels[rect.left : rect.right, rect.top : rect.bottom].reshape(-1, 3)
        assert len(np.unique(inside[::7], axis=0)) > 8
        frames.append(inside)
    assert (frames[0] != frames[1]).any(), "the picture does not move"
    MODE.draw_picture(surface, pygame.Rect(0, 0, 4, 4), 1.0)  # too small to draw: nothing, no error
