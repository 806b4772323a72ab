"""The runner's lines on the results screen, read from its session summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from game.engine.modes import ResultRow


def runner_rows(summary: dict[str, Any]) -> Sequence[ResultRow]:
    events = summary.get("motion_events", {})
    return [
        ResultRow("Distance", f"{summary.get('distance_m', 0):.0f} m"),
        ResultRow("Hurdles", f"{summary.get('hurdles_cleared', 0)} cleared, {summary.get('hurdles_hit', 0)} hit"),
        ResultRow("Bars", f"{summary.get('bars_cleared', 0)} ducked, {summary.get('bars_hit', 0)} hit"),
        ResultRow("Coins", f"{summary.get('coins', 0)}"),
        ResultRow("Steps / jumps / squats", f"{events.get('step', 0)} / {events.get('jump', 0)} / {events.get('squat', 0)}"),
    ]
