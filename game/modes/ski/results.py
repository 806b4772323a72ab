"""The ski mode's lines on the results screen, read from its session summary
(:meth:`game.modes.ski.scene.SkiScene.mode_summary`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from game.engine.modes import ResultRow
from game.i18n import tr

MPS_TO_KMH = 3.6


def clock(seconds: float) -> str:
    """82.4 -> '1:22'."""
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def ski_rows(summary: dict[str, Any]) -> Sequence[ResultRow]:
    """Distance, race time with penalties, gates, speeds, tuck time and pole pushes; fields the
    summary lacks (an older session) read as 0."""
    distance = float(summary.get("distance_m", 0.0))
    length = float(summary.get("length_m", distance))
    return [
        ResultRow(tr("ski.result.distance"), tr("ski.result.distance_value", metres=f"{distance:.0f}", length=f"{length:.0f}")),
        ResultRow(
            tr("ski.result.race_time"),
            tr(
                "ski.result.race_time_value",
                time=clock(float(summary.get("race_time_s", 0.0))),
                penalty=f"{float(summary.get('penalty_s', 0.0)):.0f}",
            ),
        ),
        ResultRow(
            tr("ski.result.gates"),
            tr("ski.result.gates_value", passed=summary.get("gates_passed", 0), missed=summary.get("gates_missed", 0)),
        ),
        ResultRow(
            tr("ski.result.speed"),
            tr(
                "ski.result.speed_value",
                mean=f"{float(summary.get('mean_speed_mps', 0.0)) * MPS_TO_KMH:.1f}",
                top=f"{float(summary.get('top_speed_mps', 0.0)) * MPS_TO_KMH:.1f}",
            ),
        ),
        ResultRow(tr("ski.result.tuck"), tr("ski.result.tuck_value", seconds=f"{float(summary.get('tuck_s', 0.0)):.0f}")),
        ResultRow(tr("ski.result.swings"), f"{summary.get('swings', 0)}"),
    ]
