"""The player label a kiosk round's stored session carries: the nickname the visitor kept.

A round's session is opened under the pseudonym ``kiosk`` (:data:`game.kiosk.runtime.KIOSK_PLAYER`):
nobody is known when play starts. The nickname (adjective + animal from the word lists, a
pseudonym with nothing personal in it) is picked on the score screen, after the round. The
shared server's lists (:mod:`game.sessions.sync.leaderboard`) name players by the label of the
session as forwarded, and the sync forwards every session once it is finished (``ended_at``
set, :mod:`game.sessions.sync.outbox`). So the round's end is held (:class:`EndHold`) while the
nickname is picked, the session is relabelled (:meth:`SessionStore.set_session_player`), and
only then finished.

- One player who kept a nickname (a jump): the session is filed under that nickname.
- Two players side by side: one session, scores summed; it is filed under both nicknames
  joined, ``"<left> & <right>"`` (:func:`round_label`), and its summary's ``kiosk_players``
  holds each one's nickname and score.
- Nobody kept a name (time ran out, the visitors walked away, the kiosk stopped): the label
  stays ``kiosk``; the summary still says which nicknames went on the hall's own board.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from game.sessions.store import SessionStore, StoreError

if TYPE_CHECKING:
    from game.engine.context import GameContext

log = logging.getLogger("liike.kiosk")

#: Joins the two nicknames of a side-by-side round into one label.
PAIR_JOIN = " & "


@dataclass
class HeldEnd:
    """A round's ``end_session`` call, kept until the nickname is chosen."""

    score: float
    summary: dict[str, Any]


class EndHold:
    """Catches the calls a play scene makes to end its session (``ctx.end_session``) while
    :meth:`catch` is active, keeping the first: the session stays open until :meth:`release`."""

    def __init__(self) -> None:
        self.held: HeldEnd | None = None

    def __call__(self, score: float, summary: dict[str, Any]) -> None:
        if self.held is None:
            self.held = HeldEnd(score, dict(summary))

    @contextlib.contextmanager
    def catch(self, ctx: GameContext) -> Iterator[None]:
        """While active, ``ctx.end_session`` holds the call here instead of finishing the session
        (an attribute of this context only, removed on leaving: the class's method is untouched)."""
        vars(ctx)["end_session"] = self
        try:
            yield
        finally:
            vars(ctx).pop("end_session", None)

    def release(self, ctx: GameContext, extra: dict[str, Any]) -> bool:
        """Finish the held session, ``extra`` added to its summary; False when nothing was held."""
        held, self.held = self.held, None
        if held is None:
            return False
        ctx.end_session(held.score, {**held.summary, **extra})
        return True


def round_label(nicknames: Sequence[str]) -> str:
    """The player label of a round played under ``nicknames`` (one, or a pair)."""
    if not nicknames or not all(n.strip() for n in nicknames):
        raise ValueError(f"a round's label needs one nickname per player, got {list(nicknames)!r}")
    return PAIR_JOIN.join(nicknames)


def players_summary(nicknames: Sequence[str], scores: Sequence[int], kept: bool) -> dict[str, Any]:
    """What the session's summary says of the round's players: ``kiosk_players`` (each one's
    nickname and score, as filed on the hall's board) and ``kiosk_name_kept`` (whether the
    visitors kept the name, which is when the session carries it)."""
    players = [{"nickname": n, "score": int(s)} for n, s in zip(nicknames, scores, strict=True)]
    return {"kiosk_players": players, "kiosk_name_kept": kept}


def label_session(db: Path, session_id: int, label: str) -> bool:
    """File ``session_id`` of the store at ``db`` under ``label``; False (logged) when the store
    cannot do it, so the session keeps the label it has: the round is never lost over it."""
    try:
        with SessionStore(db) as store:
            if store.set_session_player(session_id, label):
                return True
            log.warning("session %d is not in %s: not relabelled %r", session_id, db, label)
    except (StoreError, sqlite3.Error) as exc:
        log.warning("session %d kept its label, %r not stored: %s", session_id, label, exc)
    return False
