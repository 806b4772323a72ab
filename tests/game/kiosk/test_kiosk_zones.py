"""A visitor alone in the second half of a side-by-side kiosk's picture is handed on as player 0;
with someone in the first half, or while two play together, frames keep their half's number."""

from __future__ import annotations

import numpy as np

from game.kiosk.zones import ALONE_AFTER_S, LoneVisitorBus
from sensors.clock import NS_PER_S
from sensors.samples import DeviceState, DeviceStatus, PoseFrame

LM = np.full((33, 4), 0.5, dtype=np.float32)


def frame(t_s: float, player: int) -> PoseFrame:
    return PoseFrame(round(t_s * NS_PER_S), "camera", LM, player=player)


def players(bus: LoneVisitorBus) -> list[int]:
    return [item.player for item in bus.drain() if isinstance(item, PoseFrame)]


def test_a_visitor_alone_on_the_second_spot_is_player_0() -> None:
    bus = LoneVisitorBus(lambda: False)
    bus.push(DeviceStatus(0, "camera", "camera", DeviceState.STREAMING))
    bus.push_many([frame(0.0, 1), frame(0.033, 1)])
    items = bus.drain()
    assert isinstance(items[0], DeviceStatus)  # everything else passes unchanged
    assert [f.player for f in items if isinstance(f, PoseFrame)] == [0, 0]
    assert bus.renumbered == 2


def test_someone_on_the_first_spot_keeps_both_numbers_until_they_have_gone() -> None:
    bus = LoneVisitorBus(lambda: False)
    bus.push_many([frame(0.0, 0), frame(0.0, 1), frame(0.5, 0), frame(0.5, 1)])
    assert players(bus) == [0, 1, 0, 1]
    # The first visitor left: after ALONE_AFTER_S without their frames, the other is player 0.
    bus.push_many([frame(0.5 + ALONE_AFTER_S / 2, 1), frame(0.6 + ALONE_AFTER_S, 1)])
    assert players(bus) == [1, 0]


def test_two_playing_together_are_never_renumbered() -> None:
    together = [True]
    bus = LoneVisitorBus(lambda: together[0])
    bus.push_many([frame(0.0, 1), frame(5.0, 1)])
    assert players(bus) == [1, 1]  # the first player stepped out of a round for two: still two
    together[0] = False
    bus.push(frame(6.0, 1))
    assert players(bus) == [0]
