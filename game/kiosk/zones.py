"""A visitor alone in the second half of a side-by-side kiosk's picture plays as the first.

With ``side_by_side`` the pose worker reads the picture in two halves and numbers its pose frames
by half (``PoseFrame.player``: 0 the camera's left, 1 its right). The games played alone, and the
kiosk's own screens, read player 0. :class:`LoneVisitorBus` is the kiosk's SensorBus then: a
frame of player 1 is handed on as player 0's while no frame of player 0 has come for
:data:`ALONE_AFTER_S`, so a visitor alone may stand on either spot; when someone stands in the
left half, or while two play a round together, frames keep their half's number.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from sensors.bus import BusItem, SensorBus
from sensors.clock import NS_PER_S
from sensors.samples import PoseFrame

#: No frame of player 0 for this long (s): a frame of player 1 is a visitor alone. The kiosk's
#: "in view" freshness (game.kiosk.scenes.POSE_FRESH_S), so the two agree on who is there.
ALONE_AFTER_S = 1.0


class LoneVisitorBus(SensorBus):
    """A SensorBus whose :meth:`drain` hands a lone visitor's frames on as player 0's.

    ``two_playing``: whether two play a round together now (then nothing is renumbered)."""

    def __init__(self, two_playing: Callable[[], bool], capacity: int = 20_000) -> None:
        super().__init__(capacity)
        self.two_playing = two_playing
        self._first_seen_ns: int | None = None  # the newest frame of a person in the left half
        self.renumbered = 0

    def drain(self) -> list[BusItem]:
        items = super().drain()
        together = self.two_playing()
        alone_ns = round(ALONE_AFTER_S * NS_PER_S)
        out: list[BusItem] = []
        for item in items:
            if isinstance(item, PoseFrame):
                if item.player == 0:
                    self._first_seen_ns = item.t_host_ns
                elif item.player == 1 and not together:
                    last = self._first_seen_ns
                    if last is None or item.t_host_ns - last > alone_ns:
                        item = dataclasses.replace(item, player=0)
                        self.renumbered += 1
            out.append(item)
        return out
