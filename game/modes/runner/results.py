"""The runner's lines on the results screen, read from its session summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from game.engine.modes import ResultRow
from game.i18n import tr


def runner_rows(summary: dict[str, Any]) -> Sequence[ResultRow]:
    """Distance, obstacles, coins (on the path and in arcs), the best combo, cadence against the
    target and the movements recognised; a summary from an older session lacks some figures,
    which then read as zero."""
    events = summary.get("motion_events", {})
    get = summary.get
    cleared = get("obstacles_cleared", get("hurdles_cleared", 0) + get("bars_cleared", 0))
    missed = get("obstacles_missed", get("hurdles_hit", 0) + get("bars_hit", 0))
    rows = [
        ResultRow(tr("runner.result.distance"), f"{get('distance_m', 0):.0f} m"),
        ResultRow(tr("runner.result.obstacles"), tr("runner.result.obstacles_value", cleared=cleared, missed=missed)),
        ResultRow(
            tr("runner.result.hurdles"),
            tr("runner.result.hurdles_value", cleared=get("hurdles_cleared", 0), hit=get("hurdles_hit", 0)),
        ),
        ResultRow(
            tr("runner.result.bars"), tr("runner.result.bars_value", cleared=get("bars_cleared", 0), hit=get("bars_hit", 0))
        ),
        ResultRow(tr("runner.result.coins"), tr("runner.result.coins_value", path=get("coins", 0), air=get("arc_coins", 0))),
    ]
    if get("arcs_met", 0):
        rows.append(
            ResultRow(tr("runner.result.arcs"), tr("runner.result.arcs_value", full=get("arcs_full", 0), met=get("arcs_met", 0)))
        )
    if get("best_streak", 0):
        rows.append(
            ResultRow(
                tr("runner.result.combo"),
                tr("runner.result.combo_value", streak=get("best_streak", 0), multiplier=get("best_combo", 1)),
            )
        )
    mean, target = get("mean_cadence_spm"), get("mean_target_cadence_spm")
    if mean is not None and target is not None:
        cadence = tr("runner.result.cadence_value", mean=f"{mean:.0f}", target=f"{target:.0f}")
        rows.append(ResultRow(tr("runner.result.cadence"), cadence))
        rows.append(
            ResultRow(tr("runner.result.on_pace"), tr("runner.result.on_pace_value", seconds=f"{get('on_pace_s', 0):.0f}"))
        )
    elif "mean_cadence_spm" in summary:
        rows.append(ResultRow(tr("runner.result.cadence"), tr("runner.result.cadence_none")))
    rows.append(
        ResultRow(tr("runner.result.moves"), f"{events.get('step', 0)} / {events.get('jump', 0)} / {events.get('squat', 0)}")
    )
    return rows
