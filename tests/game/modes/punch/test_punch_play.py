"""Target punch played through its scene to the end: by the simulated player (one, and two side
by side), and by the keyboard alone; what it stores and shows at the end."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest
from punch_harness import DT, Heard, QuickScene, context, load, play_out

from game.modes.punch import MODE as PUNCH
from game.modes.punch.level import KINDS
from game.scenes.results import ResultsScene
from sensors.clock import ManualClock, s_to_ns
from sensors.sim.pair import SimulatedPair
from sensors.sim.player import SimulatedPlayer

#: Every kind of target once for a standing player, a second apart at the least.
STANDING = """\
schema: 1
name: Every move
mode: punch
difficulty: 1
tempo_bpm: 30
window_beats: 1.25
lead_beats: 1
players: {players}
pattern:
  - {{beat: 0, kind: punch, side: left}}
  - {{beat: 1, kind: punch, side: right}}
  - {{beat: 2.5, kind: reach}}
  - {{beat: 4, kind: squat}}
  - {{beat: 6, kind: step, side: right}}
  - {{beat: 8, kind: step, side: left}}
  - {{beat: 10, kind: punch, side: left}}
"""

SEATED = """\
schema: 1
name: Seated moves
mode: punch
difficulty: 1
seated: true
tempo_bpm: 30
window_beats: 1.25
lead_beats: 1
pattern:
  - {beat: 0, kind: punch, side: right}
  - {beat: 1.5, kind: reach}
  - {beat: 3, kind: lean, side: left}
  - {beat: 5, kind: lean, side: right}
"""


def test_the_simulated_player_plays_a_level_to_the_end_hitting_every_kind(tmp_path: Path) -> None:
    level = load(STANDING.format(players=1))
    ctx = context(tmp_path, level)
    player = SimulatedPlayer(seed=3, script="idle:600", t0_ns=ctx.clock())
    ctx.autopilot, ctx.steer = player.inject, player.steer
    scene = play_out(ctx, player.advance_to, level.length_s + 2)
    rnd = scene.world.rounds[0]
    assert {k for k, n in rnd.hits.items() if n} == {"punch", "reach", "squat", "step"}, (rnd.hits, rnd.misses)
    assert rnd.hit_count >= len(level.targets) - 1 and scene.score > 0
    heard = ctx.sound
    assert isinstance(heard, Heard) and "hit" in heard.cues
    summary = scene.mode_summary()
    assert summary["hits"] == rnd.hits and summary["per_player"][0]["score"] == scene.score
    rows = PUNCH.result_rows(summary)
    assert rows[0].value.startswith(f"{rnd.hit_count} ")


def test_the_seated_level_is_played_with_the_upper_body_alone(tmp_path: Path) -> None:
    level = load(SEATED)
    ctx = context(tmp_path, level)
    player = SimulatedPlayer(seed=5, script="idle:600", t0_ns=ctx.clock())
    ctx.autopilot, ctx.steer = player.inject, player.steer
    scene = play_out(ctx, player.advance_to, level.length_s + 2)
    rnd = scene.world.rounds[0]
    assert rnd.hits["lean"] == 2 and rnd.hits["reach"] == 1 and rnd.hits["punch"] == 1, (rnd.hits, rnd.misses)
    truth = {e.kind for e in player.ground_truth()}
    assert "squat" not in truth and "jump" not in truth  # nothing below the waist was asked for


def test_two_simulated_players_side_by_side_each_score_on_their_own(tmp_path: Path) -> None:
    level = load(STANDING.format(players=2))
    ctx = context(tmp_path, level, players=2)
    assert ctx.live.players == 2
    pair = SimulatedPair(seed=1, scripts=("idle:600",), t0_ns=ctx.clock())
    ctx.autopilot, ctx.steer = pair.inject, pair.steer
    scene = play_out(ctx, lambda t: list(pair.advance_to(t)), level.length_s + 2)
    p0, p1 = scene.world.rounds
    assert p0.hit_count >= 5 and p1.hit_count >= 5, (p0.hits, p1.hits)
    assert scene.score == p0.score + p1.score
    summary = scene.mode_summary()
    assert [p["player"] for p in summary["per_player"]] == [1, 2]
    assert all(p["moves"].get("punch", 0) >= 2 for p in summary["per_player"])
    labels = [r.label for r in PUNCH.result_rows(summary)]
    assert labels[-1] == "Winner" and "Player 2" in labels


def test_the_keyboard_alone_plays_a_level_to_the_end(tmp_path: Path) -> None:
    level = load(STANDING.format(players=1))
    ctx = context(tmp_path, level)
    keys = {"punch": "j", "reach": "up", "squat": "down", "step": None, "lean": None}
    pressed: list[str] = []
    scene = QuickScene(ctx)
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    for _ in range(round((level.length_s + 2) / DT)):
        clock.advance(s_to_ns(DT))
        for key in pressed:
            ctx.mapper.key_up(key)
        pressed.clear()
        target = scene.world.next_target()
        if target is not None and target.open_s <= scene.world.t_s:
            key = keys[target.kind] or ("left" if target.side == "left" else "right")
            ctx.mapper.key_down(key)
            pressed.append(key)
        scene.update(ctx.mapper.step(), DT)
        if scene.finished:
            break
    assert scene.finished
    rnd = scene.world.rounds[0]
    assert rnd.hit_count == len(level.targets) and rnd.miss_count == 0
    assert rnd.best_combo == len(level.targets)


def test_the_finished_round_goes_to_the_results_with_the_modes_rows(tmp_path: Path) -> None:
    level = load(STANDING.format(players=1))
    ctx = context(tmp_path, level)
    scene = QuickScene(ctx)
    tr = None
    for _ in range(round((level.length_s + 3) / DT)):
        tr = scene.update(ctx.mapper.step(), DT)
        if tr is not None:
            break
    assert tr is not None and isinstance(tr.scene, ResultsScene)
    summary = tr.scene.summary
    assert summary["mode"] == "punch" and summary["misses"] == {"punch": 3, "reach": 1, "squat": 1, "step": 2, "lean": 0}
    assert set(summary["misses"]) == set(KINDS)
    assert summary["best_combo"] == 0 and summary["score"] == 0


@pytest.mark.parametrize("players", [1, 2])
def test_the_menu_picture_and_the_level_text(players: int) -> None:
    pygame.font.init()
    surface = pygame.Surface((320, 200))
    pictures = []
    for t in (0.0, 1.3, 2.9):
        PUNCH.draw_picture(surface, surface.get_rect(), t)
        pictures.append(pygame.surfarray.array3d(surface).copy())
    assert len({tuple(c) for c in pictures[0].reshape(-1, 3)}) > 3  # figure and targets in colour
    assert (pictures[0] != pictures[1]).any() and (pictures[1] != pictures[2]).any()  # it moves
    level = load(STANDING.format(players=players))
    text = PUNCH.level_length(level)
    assert text.startswith("0:") and (("2 players" in text) == (players == 2))
    seated = load(SEATED)
    assert "seated" in PUNCH.level_length(seated)
    hints = PUNCH.level_hints(seated, motion=True)
    assert hints[0].startswith("Seated") and not any("quat" in h or "step" in h for h in hints)
    assert PUNCH.level_hints(seated, motion=False)[1:] == ["J or K: punch", "Up: reach up", "Left / Right: lean"]
    # Two at the keyboard: the second player's keys are named; with the camera they are not needed.
    keyboard = PUNCH.level_hints(level, motion=False)
    assert (keyboard[-1] == "Player 2: Q / E punch, W reach, S squat, A / D side step") == (players == 2)
    assert not any("Player 2" in h for h in PUNCH.level_hints(level, motion=True))


def test_an_adaptive_level_speeds_up_for_a_player_who_hits_everything(tmp_path: Path) -> None:
    text = (
        STANDING.format(players=1)
        .replace("difficulty: 1", "difficulty: 1\nadaptive: true")
        .replace("pattern:", "repeat: 6\npattern:")
    )
    level = load(text)
    ctx = context(tmp_path, level)
    scene = QuickScene(ctx)
    assert scene.pace is not None
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    keys = {"punch": "j", "reach": "up", "squat": "down"}
    held: list[str] = []
    while scene.world.elapsed_s < 40.0 and not scene.finished:
        clock.advance(s_to_ns(DT))
        for key in held:
            ctx.mapper.key_up(key)
        held.clear()
        target = scene.world.next_target()
        if target is not None and target.open_s <= scene.world.t_s:
            key = keys.get(target.kind) or target.side
            ctx.mapper.key_down(key)
            held.append(key)
        scene.update(ctx.mapper.step(), DT)
    assert scene.world.pace > 1.0 and scene.pace.last_reason == "keeping_up"
    assert scene.world.rounds[0].miss_count == 0
    assert scene.mode_summary()["pace"] == round(scene.world.pace, 3)


def test_two_players_share_the_keyboard_each_with_their_own_keys_and_fists(tmp_path: Path) -> None:
    level = load(STANDING.format(players=2))
    ctx = context(tmp_path, level, players=2)
    # Player 1 punches with the right fist (K), player 2 with the left (Q); their own keys else.
    keys = [
        {"punch": "k", "reach": "up", "squat": "down", "left": "left", "right": "right"},
        {"punch": "q", "reach": "w", "squat": "s", "left": "a", "right": "d"},
    ]
    pressed: list[str] = []
    scene = QuickScene(ctx)
    clock = ctx.clock
    assert isinstance(clock, ManualClock)
    tr = None
    for _ in range(round((level.length_s + 3) / DT)):
        clock.advance(s_to_ns(DT))
        for key in pressed:
            ctx.mapper.key_up(key)
        pressed.clear()
        for player in (0, 1):
            target = scene.world.next_target(player)
            if target is not None and target.open_s <= scene.world.t_s:
                own = keys[player]
                key = own.get(target.kind) or own[target.side or "left"]
                ctx.mapper.key_down(key)
                pressed.append(key)
        tr = scene.update(ctx.mapper.step(), DT)
        if tr is not None:
            break
    assert tr is not None and isinstance(tr.scene, ResultsScene)
    p1, p2 = scene.world.rounds
    for rnd in (p1, p2):
        # Every target hit by the player whose keys answered it, none by the other's keys.
        assert rnd.hit_count == len(level.targets) and rnd.miss_count == 0, (rnd.player, rnd.hits, rnd.misses)
    assert p1.punch_hands == {"left": 0, "right": 3, "either": 0}
    assert p2.punch_hands == {"left": 3, "right": 0, "either": 0}
    rows = tr.scene.summary["per_player"]
    assert [r["punch_hands"] for r in rows] == [p1.punch_hands, p2.punch_hands]
    # The round is over: W is the first player's again (the results and menus read every key).
    ctx.mapper.key_down("w")
    assert "reach" in ctx.mapper.step().pressed
