"""Target punch's lines on the results screen, read from its session summary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from game.engine.modes import ResultRow
from game.i18n import tr
from game.modes.punch.level import KINDS


def _capital(text: str) -> str:
    """A row label starts with a capital, in every language ("punch" -> "Punch")."""
    return text[:1].upper() + text[1:]


def punch_rows(summary: dict[str, Any]) -> Sequence[ResultRow]:
    """Hits of all targets, hits and misses per kind of target met, the best combo; with two
    players, each player's score line and the winner."""
    hits: dict[str, int] = summary.get("hits", {})
    misses: dict[str, int] = summary.get("misses", {})
    players: list[dict[str, Any]] = summary.get("per_player", [])
    rows: list[ResultRow] = []
    if len(players) > 1:
        for p in players:
            rows.append(
                ResultRow(
                    tr("punch.result.player_score", n=p["player"]),
                    tr("punch.result.player_value", score=p["score"], hits=p["hits"], combo=p["best_combo"]),
                )
            )
        best = max(p["score"] for p in players)
        leaders = [p["player"] for p in players if p["score"] == best]
        winner = tr("punch.result.winner_value", n=leaders[0]) if len(leaders) == 1 else tr("punch.result.draw")
        rows.append(ResultRow(tr("punch.result.winner"), winner))
        return rows
    total = int(summary.get("targets", sum(hits.values()) + sum(misses.values())))
    rows.append(ResultRow(tr("punch.result.hits"), tr("punch.result.hits_value", hits=sum(hits.values()), total=total)))
    for kind in KINDS:
        h, m = hits.get(kind, 0), misses.get(kind, 0)
        if h or m:
            rows.append(
                ResultRow(
                    _capital(tr("punch.result.kind", move=tr(f"punch.move.{kind}"))),
                    tr("punch.result.kind_value", hits=h, misses=m),
                )
            )
    rows.append(ResultRow(tr("punch.result.best_combo"), str(summary.get("best_combo", 0))))
    return rows
