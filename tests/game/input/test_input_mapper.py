import pytest

from game.input import InputMapper, load_bindings
from sensors.motion.events import MotionEvent, MotionState


@pytest.fixture()
def mapper() -> InputMapper:
    return InputMapper(load_bindings())


def test_key_press_hold_release_edges(mapper: InputMapper) -> None:
    mapper.key_down("space")
    f1 = mapper.step()
    assert "jump" in f1.pressed and "jump" in f1.held and "jump" not in f1.released
    f2 = mapper.step()
    assert "jump" not in f2.pressed and "jump" in f2.held
    mapper.key_up("space")
    f3 = mapper.step()
    assert "jump" in f3.released and "jump" not in f3.held
    assert "jump" not in mapper.step().released


def test_tap_between_steps_is_not_lost(mapper: InputMapper) -> None:
    mapper.key_down("up")
    mapper.key_up("up")
    f = mapper.step()
    assert "jump" in f.pressed and "jump" in f.held
    assert "jump" in mapper.step().released


def test_two_keys_hold_one_action_until_both_are_up(mapper: InputMapper) -> None:
    mapper.key_down("space")
    mapper.key_down("w")
    mapper.step()
    mapper.key_up("space")
    assert "jump" in mapper.step().held
    mapper.key_up("w")
    assert "jump" in mapper.step().released


def test_key_repeat_does_not_press_again(mapper: InputMapper) -> None:
    mapper.key_down("space")
    mapper.step()
    mapper.key_down("space")  # OS key repeat
    assert "jump" not in mapper.step().pressed


def test_motion_takeoff_event_presses_jump_once(mapper: InputMapper) -> None:
    mapper.motion_event(MotionEvent(t_ns=1, kind="takeoff", confidence=0.9, magnitude=1.0, source="pose"))
    f = mapper.step()
    assert {"jump", "start"} <= f.pressed
    f2 = mapper.step()
    assert "jump" in f2.released and not f2.pressed


def test_landing_jump_event_presses_nothing(mapper: InputMapper) -> None:
    # The jump was answered at its take-off; the landing brings only the height (session log).
    mapper.motion_event(MotionEvent(t_ns=1, kind="jump", confidence=0.9, magnitude=0.3, source="pose"))
    assert not mapper.step().pressed


@pytest.mark.parametrize(("kind", "action"), [("punch", "punch"), ("jumping_jack", "jack")])
def test_arm_movements_press_their_actions(mapper: InputMapper, kind: str, action: str) -> None:
    mapper.motion_event(MotionEvent(t_ns=1, kind=kind, confidence=0.9, magnitude=1.0, source="pose"))
    assert mapper.step().pressed == {action}


def test_crouch_holds_duck_with_hysteresis(mapper: InputMapper) -> None:
    mapper.motion_state(MotionState(crouch=0.3))
    assert "duck" in mapper.step().pressed
    mapper.motion_state(MotionState(crouch=0.14))  # between release (0.10) and hold (0.18)
    assert "duck" in mapper.step().held
    mapper.motion_state(MotionState(crouch=0.05))
    assert "duck" in mapper.step().released


def test_cadence_and_keyboard_axes(mapper: InputMapper) -> None:
    mapper.motion_state(MotionState(cadence_spm=80.0, lean=-0.4))
    f = mapper.step()
    assert f.axis("speed") == pytest.approx(0.5)
    assert f.axis("lean") == pytest.approx(-0.4)
    mapper.key_down("right")  # keyboard full speed beats a slow jog
    f = mapper.step()
    assert f.axis("speed") == pytest.approx(1.0)
    assert f.axis("lean") == pytest.approx(1.0)
    mapper.key_up("right")
    assert mapper.step().axis("speed") == pytest.approx(0.5)


def test_lost_device_releases_its_holds_and_axes(mapper: InputMapper) -> None:
    mapper.motion_state(MotionState(crouch=0.5, cadence_spm=160))
    mapper.key_down("left")
    f = mapper.step()
    assert "duck" in f.held and f.axis("speed") == pytest.approx(1.0)
    mapper.device_lost("motion")
    f = mapper.step()
    assert "duck" in f.released
    assert f.axis("speed") == 0.0
    assert "left" in f.held  # the keyboard is still there


def test_focus_loss_releases_keys(mapper: InputMapper) -> None:
    mapper.key_down("down")
    mapper.step()
    mapper.release_all()
    f = mapper.step()
    assert "duck" in f.released and "down" in f.released


def test_a_punch_presses_the_action_of_its_hand_as_well(mapper: InputMapper) -> None:
    mapper.motion_event(MotionEvent(0, "punch", 1.0, 4.0, "pose", hand="left"))
    assert {"punch", "punch_left"} <= mapper.step().pressed and "punch_right" not in mapper.step().pressed
    mapper.motion_event(MotionEvent(0, "punch", 1.0, 4.0, "pose"))
    frame = mapper.step()
    assert "punch" in frame.pressed and not {"punch_left", "punch_right"} & frame.pressed


def test_routed_keys_move_the_second_player_only_until_taken_back(mapper: InputMapper) -> None:
    second = InputMapper(mapper.bindings.second_player())
    mapper.key_down("w")  # held by player 1 when the round begins: let go
    mapper.step()
    mapper.route_keys(second)
    assert "reach" not in mapper.step().held
    mapper.key_down("q")
    mapper.key_down("up")
    assert {"punch", "punch_left"} <= second.step().pressed
    first = mapper.step()
    assert "reach" in first.pressed and not {"punch", "punch_left"} & first.held
    mapper.key_down("s")
    assert "duck" in second.step().held and "duck" not in mapper.step().held
    mapper.key_down("d")
    assert second.step().axis("lean") == 1.0 and mapper.step().axis("lean") == 0.0
    # Taken back (a pause): player 2's keys are let go, and press player 1's actions again.
    mapper.route_keys(None)
    assert not second.step().held
    mapper.key_up("s")
    mapper.key_down("s")
    assert "duck" in mapper.step().held
