"""The heart-zone challenge's lines on the results screen, read from its session summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from game.engine.modes import ResultRow
from game.i18n import tr


def _mmss(seconds: float) -> str:
    m, s = divmod(max(0, round(seconds)), 60)
    return f"{m}:{s:02d}"


def heartzone_rows(summary: dict[str, Any]) -> Sequence[ResultRow]:
    if summary.get("strap") is False:
        return [ResultRow(tr("heartzone.results.in_zone"), tr("heartzone.results.no_strap"))]
    share = 100 * float(summary.get("zone_share", 0.0))
    rows = [
        ResultRow(
            tr("heartzone.results.in_zone"),
            tr("heartzone.results.in_zone_value", time=_mmss(summary.get("seconds_in_zone", 0.0)), share=f"{share:.0f}"),
        ),
        ResultRow(tr("heartzone.results.below"), _mmss(summary.get("seconds_below", 0.0))),
        ResultRow(tr("heartzone.results.above"), _mmss(summary.get("seconds_above", 0.0))),
        ResultRow(tr("heartzone.results.streak"), _mmss(summary.get("best_streak_s", 0.0))),
    ]
    if summary.get("seconds_no_reading", 0.0) >= 1.0:
        rows.append(ResultRow(tr("heartzone.results.no_reading"), _mmss(summary["seconds_no_reading"])))
    return rows
