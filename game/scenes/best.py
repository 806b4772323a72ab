"""A player's best scores per level from earlier sessions, for the menu and the results.

Read from the session store, read-only, at the moment a screen opens (never per frame). A store
that cannot be read gives no best scores: the game goes on, and the screen says nothing of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from game.sessions import StoreError
from game.sessions.store import SessionStore

log = logging.getLogger("liike.game")


@dataclass(frozen=True, slots=True)
class Best:
    """The best earlier score on one level: ``score``, its session id, and when it was played
    (ISO-8601 UTC, as stored)."""

    score: float
    session_id: int
    started_at: str


def best_scores(db: Path, player: str, mode: str, *, exclude: int | None = None) -> dict[str, Best]:
    """Best finished score per level name of ``player`` in ``mode``, leaving out session ``exclude``
    (the one just played, to compare against). Ties go to the earlier session."""
    if not db.exists():
        return {}
    try:
        with SessionStore(db, read_only=True) as store:
            rows = store.list_sessions()
    except (StoreError, OSError) as exc:
        log.info("no best scores: %s", exc)
        return {}
    out: dict[str, Best] = {}
    for row in rows:
        if row["player"] != player or row["mode"] != mode or row["level"] is None or row["score"] is None:
            continue
        if row["id"] == exclude:
            continue
        known = out.get(row["level"])
        if known is None or row["score"] > known.score:
            out[row["level"]] = Best(float(row["score"]), int(row["id"]), str(row["started_at"]))
    return out
