"""From movement to action: the simulated player's samples through the MotionTracker into the
InputMapper with the shipped bindings, as the game loop feeds them (sample time, not wall time).

A jump must press ``jump`` while the player is still in the air, not after landing; a squat
holds ``duck``; jogging presses nothing.
"""

from __future__ import annotations

import pytest

from game.input import InputMapper, load_bindings
from sensors.motion.tracker import MotionTracker
from sensors.samples import ImuBatch, PoseFrame
from sensors.sim import SimulatedPlayer, TruthEvent

S = 1_000_000_000


def _presses(
    script: str, kind: type, inject: tuple[tuple[str, float], ...] = (), seed: int = 0
) -> tuple[dict[str, list[int]], list[TruthEvent]]:
    """Times (sample capture, ns) of the steps at which each action was pressed, and the truth."""
    player = SimulatedPlayer(seed=seed, script=script, loop=False)
    for what, t in inject:
        player.inject(what, round(t * S))
    end_s = sum(seg.duration_s for seg in player.script) + 1.0
    tracker = MotionTracker(image_aspect_wh=4 / 3)
    mapper = InputMapper(load_bindings())
    pressed: dict[str, list[int]] = {}
    for item in player.advance_to(round(end_s * S)):
        if not isinstance(item, kind) or not isinstance(item, (PoseFrame, ImuBatch)):
            continue
        for e in tracker.feed(item):
            mapper.motion_event(e)
        mapper.motion_state(tracker.state)
        for action in mapper.step().pressed:
            pressed.setdefault(action, []).append(item.t_host_ns)
    return pressed, player.ground_truth()


@pytest.mark.parametrize("kind", [PoseFrame, ImuBatch], ids=["pose", "chest IMU"])
def test_jump_is_pressed_in_the_air_before_landing(kind: type) -> None:
    pressed, truth = _presses("idle:4,jog:10@170,idle:6", kind, (("jump", 6.21), ("jump", 9.83), ("jump", 15.4)))
    jumps = [x for x in truth if x.kind == "jump"]
    assert len(jumps) == 3
    assert len(pressed.get("jump", [])) == 3 and pressed["start"] == pressed["jump"]
    for jump, t in zip(jumps, sorted(pressed["jump"]), strict=True):
        assert jump.t_ns < t < jump.t_end_ns


def test_squat_holds_duck_and_jogging_presses_nothing() -> None:
    pressed, truth = _presses("idle:4,jog:20@175,squat:8@20", PoseFrame)
    squats = [x for x in truth if x.kind == "squat"]
    assert squats and len(pressed.get("duck", [])) == len(squats)
    for squat, t in zip(squats, sorted(pressed["duck"]), strict=True):
        assert t < squat.t_ns  # held on the way down, before the bottom
    assert set(pressed) == {"duck"}
