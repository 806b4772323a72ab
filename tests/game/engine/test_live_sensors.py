"""Freshness and device loss in the game's view of its sensors."""

from __future__ import annotations

import numpy as np

from game.engine.live import LiveSensors
from game.input import InputMapper, load_bindings
from sensors.clock import s_to_ns
from sensors.motion.events import MotionEvent, MotionState
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample, ImuBatch


class FakeRecogniser:
    """Reports a deep crouch for any IMU batch, so holds can be watched."""

    def __init__(self) -> None:
        self.resets = 0
        self._state = MotionState()

    def feed(self, item: object) -> list[MotionEvent]:
        if isinstance(item, ImuBatch):
            self._state = MotionState(t_ns=item.t_host_ns, crouch=0.5, cadence_spm=150)
            return [MotionEvent(item.t_host_ns, "step", 1.0, 1.0, "imu")]
        return []

    @property
    def state(self) -> MotionState:
        return self._state

    def reset(self) -> None:
        self.resets += 1
        self._state = MotionState()


def imu(t_s: float) -> ImuBatch:
    return ImuBatch(t_host_ns=s_to_ns(t_s), source="strap-imu", rate_hz=100.0, t_first_ns=s_to_ns(t_s), acc_g=np.ones((1, 3)))


def test_quiet_strap_is_not_shown_as_live() -> None:
    live = LiveSensors(recogniser=FakeRecogniser())
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(1), source="h10", bpm=130)])
    assert live.hr_fresh(s_to_ns(3)) and live.intensity(s_to_ns(3)) is not None
    assert not live.hr_fresh(s_to_ns(7))
    assert live.intensity(s_to_ns(7)) is None
    live.tick(s_to_ns(7), 1.0)
    assert sum(live.heart.seconds_in.values()) == 0.0


def test_no_contact_reading_is_not_a_heart_rate() -> None:
    live = LiveSensors(recogniser=FakeRecogniser())
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(1), source="h10", bpm=0, contact=False)])
    assert live.hr_bpm is None and live.hr_contact is False
    assert live.heart.n == 0


def test_lost_motion_device_releases_the_held_duck() -> None:
    rec = FakeRecogniser()
    live = LiveSensors(recogniser=rec)
    mapper = InputMapper(load_bindings())
    events, _ = live.ingest([imu(1.0)])
    assert [e.kind for e in events] == ["step"] and live.motion_counts == {"step": 1}
    assert live.motion_live(s_to_ns(1.2))
    mapper.motion_state(rec.state)
    assert "duck" in mapper.step().held

    _, statuses = live.ingest([DeviceStatus(s_to_ns(1.5), "strap-imu", "imu", DeviceState.DISCONNECTED, "out of range")])
    assert statuses and rec.resets == 1
    assert not live.motion_live(s_to_ns(1.5))
    mapper.device_lost("motion")
    frame = mapper.step()
    assert "duck" in frame.released and frame.axis("speed") == 0.0
    assert [d.source for d in live.device_problems()] == ["strap-imu"]


def test_silent_motion_source_goes_stale() -> None:
    live = LiveSensors(recogniser=FakeRecogniser())
    live.ingest([imu(1.0)])
    assert live.motion_live(s_to_ns(1.9))
    assert not live.motion_live(s_to_ns(2.1))


def test_strap_losing_contact_stops_its_last_value_being_current() -> None:
    live = LiveSensors(recogniser=FakeRecogniser())
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(1), source="h10", bpm=140, contact=True)])
    assert live.hr_fresh(s_to_ns(1.5))
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(2), source="h10", bpm=140, contact=False)])
    assert not live.hr_fresh(s_to_ns(2.1)) and live.intensity(s_to_ns(2.1)) is None
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(3), source="h10", bpm=138, contact=True)])
    assert live.hr_fresh(s_to_ns(3.1)) and live.hr_bpm == 138


def test_two_straps_do_not_take_turns_on_screen() -> None:
    live = LiveSensors(recogniser=FakeRecogniser())
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(1), source="h10", bpm=120)])
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(1.5), source="watch", bpm=90)])
    assert live.hr_bpm == 120 and live.heart.n == 1
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(2), source="h10", bpm=121)])
    assert live.hr_bpm == 121
    # the first strap goes quiet: the other one takes over
    live.ingest([HeartRateSample(t_host_ns=s_to_ns(9), source="watch", bpm=95)])
    assert live.hr_bpm == 95 and live.hr_source == "watch"


def test_zero_bpm_is_never_shown_or_counted() -> None:
    live = LiveSensors(recogniser=FakeRecogniser())
    live.ingest(
        [
            HeartRateSample(t_host_ns=s_to_ns(1), source="h10", bpm=0, contact=True),
            HeartRateSample(t_host_ns=s_to_ns(1.2), source="h10", bpm=0),
        ]
    )
    assert live.hr_bpm is None and not live.hr_fresh(s_to_ns(1.3)) and live.heart.n == 0
