"""A kiosk round's stored session carries the nickname the visitor kept: the shared server's
lists across halls name players by the label their sessions were forwarded under."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest

from game.kiosk import run as kiosk_run_module
from game.kiosk.app import KioskApp
from game.kiosk.config import KioskConfig
from game.kiosk.runtime import KIOSK_PLAYER
from game.kiosk.scenes import ScoreScene
from game.kiosk.sessionlabel import EndHold, label_session, players_summary, round_label
from game.sessions.store import SessionStore, connect
from game.sessions.sync import outbox
from game.sessions.writer import SessionWriter
from tests.game.kiosk.kiosk_runs import kiosk_run

SERVER = "server.example:5432/liike"


def _session(db: Path, player: str = KIOSK_PLAYER) -> int:
    writer = SessionWriter(db, player=player, mode="runner", level="easy", clock=lambda: 0)
    sid = writer.start(devices=())
    writer.finish(10, {"completed": True})
    return sid


def _forwarded(db: Path) -> list[tuple[int, str, float, dict[str, Any]]]:
    """(id, player label, score, summary) of each session the sync would forward now, read as
    game.sessions.sync.forward reads them (pseudonym joined from players)."""
    conn = connect(db)
    try:
        outbox.ensure_table(conn)
        out = []
        for sid in outbox.pending(conn, SERVER):
            label, score, summary = conn.execute(
                "SELECT p.pseudonym, s.score, s.summary_json FROM sessions s JOIN players p ON p.id = s.player_id WHERE s.id = ?",
                (sid,),
            ).fetchone()
            out.append((sid, str(label), float(score), json.loads(summary or "{}")))
        return out
    finally:
        conn.close()


# -- the store --------------------------------------------------------------------------------
def test_set_session_player_moves_one_session_to_a_new_or_existing_pseudonym(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    a, b = _session(db), _session(db)
    with SessionStore(db) as store:
        assert store.set_session_player(a, "brisk otter")
        assert not store.set_session_player(9999, "slow snail")  # no such session: nothing made
        assert store.set_session_player(b, "brisk otter")  # the existing player row is reused
        players = {p["player"]: p["sessions"] for p in store.list_players()}
        assert players == {"brisk otter": 2, KIOSK_PLAYER: 0}
        assert [s["player"] for s in store.list_sessions()] == ["brisk otter", "brisk otter"]
        with pytest.raises(ValueError, match="must not be empty"):
            store.set_session_player(a, "  ")


def test_round_label_and_summary_name_each_player() -> None:
    assert round_label(["brisk otter"]) == "brisk otter"
    assert round_label(["brisk otter", "calm heron"]) == "brisk otter & calm heron"
    with pytest.raises(ValueError, match="one nickname per player"):
        round_label([])
    summary = players_summary(["brisk otter", "calm heron"], [120, 80], kept=True)
    assert summary == {
        "kiosk_players": [{"nickname": "brisk otter", "score": 120}, {"nickname": "calm heron", "score": 80}],
        "kiosk_name_kept": True,
    }


def test_the_hold_keeps_the_first_end_and_leaves_the_context_as_it_was() -> None:
    class Ctx:
        def __init__(self) -> None:
            self.ended: list[tuple[float, dict[str, Any]]] = []

        def end_session(self, score: float, summary: dict[str, Any]) -> None:
            self.ended.append((score, summary))

    ctx: Any = Ctx()
    hold = EndHold()
    with hold.catch(ctx):
        ctx.end_session(42, {"completed": True})
        ctx.end_session(0, {"completed": False})  # a second call does not replace the first
    assert ctx.ended == [] and hold.held is not None
    ctx.end_session(1, {})  # the method again, outside the hold
    assert ctx.ended == [(1, {})]
    assert hold.release(ctx, {"kiosk_name_kept": False})
    assert ctx.ended[-1] == (42, {"completed": True, "kiosk_name_kept": False})
    assert not hold.release(ctx, {})  # released once


# -- kiosk runs -------------------------------------------------------------------------------
@pytest.mark.slow
def test_sessions_carry_the_kept_nicknames_and_are_unfinished_while_they_are_picked(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LIIKE_INSTALLATION_FILE", str(tmp_path / "installation-id"))
    db = tmp_path / "sessions.sqlite"
    seen: dict[int, list[str]] = {}

    def watch(app: KioskApp) -> None:
        top = app.top
        if isinstance(top, ScoreScene) and top.session_id is not None:
            if top.session_id not in seen:
                # While the name is picked the session is not finished, so no sync pass can take it.
                assert top.session_id not in [sid for sid, *_ in _forwarded(db)]
            seen[top.session_id] = [n.text for n in top.nicks]  # as last shown, leans and all

    result, kiosk, trace = kiosk_run(tmp_path, 110.0, kcfg=KioskConfig(round_s=10, nobody_s=10), seed=1, on_frame=watch)
    assert result["rounds"] >= 2 and result["errors"] == 0, trace.names()
    board = kiosk.board.season("runner")
    on_board = {e.session_id: e.nickname for e in board}
    forwarded = {sid: (label, score, summary) for sid, label, score, summary in _forwarded(db)}
    rounds = [sid for sid, (_, _, summary) in forwarded.items() if summary.get("completed")]
    assert len(rounds) == result["rounds"]
    for sid in rounds:
        label, score, summary = forwarded[sid]
        # The simulated visitor jumps to keep the name: the session carries it, as on the board.
        assert label == on_board[sid] == seen[sid][0], (label, on_board, seen)
        assert summary["kiosk_name_kept"] is True
        assert summary["kiosk_players"] == [{"nickname": label, "score": int(score)}]
    # The server's lists keep each player's best per (site, player): the labels are the nicknames,
    # so they are as many players as distinct nicknames, none called "kiosk".
    assert KIOSK_PLAYER not in {forwarded[sid][0] for sid in rounds}
    assert len({forwarded[sid][0] for sid in rounds}) == len(set(on_board.values()))


@pytest.mark.slow
def test_a_name_not_kept_leaves_the_session_under_kiosk(tmp_path: Path) -> None:
    def walk_away(app: KioskApp) -> None:
        visitors: Any = app.sources[0]
        if isinstance(app.top, ScoreScene) and visitors.present and app.top.time_s > 0.5:
            visitors.away_s = (100.0, 100.0)
            visitors.visit = dataclasses.replace(visitors.visit, leave_ns=app.ctx.clock())

    result, kiosk, trace = kiosk_run(tmp_path, 35.0, kcfg=KioskConfig(round_s=10, nobody_s=3), on_frame=walk_away)
    assert result["rounds"] == 1, trace.names()
    (entry,) = kiosk.board.season("runner")
    (row,) = _forwarded(tmp_path / "sessions.sqlite")
    sid, label, score, summary = row
    assert (sid, label) == (entry.session_id, KIOSK_PLAYER)
    assert summary["completed"] is True and int(score) == entry.score > 0
    assert summary["kiosk_name_kept"] is False
    assert summary["kiosk_players"] == [{"nickname": entry.nickname, "score": entry.score}]


@pytest.mark.slow
def test_a_pair_round_is_one_session_under_both_nicknames_with_each_score(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk_run_module, "PAIR_SHARE", 1.0)  # every visit by two people
    kcfg = KioskConfig(round_s=10, nobody_s=10, side_by_side=True)
    result, kiosk, trace = kiosk_run(tmp_path, 50.0, kcfg=kcfg, games=("punch",))
    assert result["pair_rounds"] == 1, trace.names()
    today = kiosk.board.daily("punch", 10)
    (row,) = [r for r in _forwarded(tmp_path / "sessions.sqlite") if r[3].get("completed")]
    sid, label, score, summary = row
    players = summary["kiosk_players"]
    assert {e.session_id for e in today} == {sid}
    assert label == round_label([p["nickname"] for p in players])
    assert sorted((p["nickname"], p["score"]) for p in players) == sorted((e.nickname, e.score) for e in today)
    assert sum(p["score"] for p in players) == int(score)


def test_a_store_that_cannot_be_written_keeps_the_label_and_the_round(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sid = _session(db)
    conn = sqlite3.connect(db)
    conn.execute("DROP TABLE players")  # a damaged store: the relabelling fails, logged
    conn.close()
    assert not label_session(db, sid, "brisk otter")


@pytest.mark.slow
def test_the_kiosk_stopped_on_the_name_screen_finishes_the_round_with_its_score_under_kiosk(tmp_path: Path) -> None:
    def stop(app: KioskApp) -> None:
        if isinstance(app.top, ScoreScene) and app.top.time_s > 0.5:
            app.ctx.quit_requested = True

    result, kiosk, trace = kiosk_run(tmp_path, 60.0, kcfg=KioskConfig(round_s=10, nobody_s=10), on_frame=stop)
    assert trace.names()[-1] == "ScoreScene", trace.names()
    (entry,) = kiosk.board.season("runner")
    (row,) = _forwarded(tmp_path / "sessions.sqlite")
    sid, label, score, summary = row
    assert (sid, label) == (entry.session_id, KIOSK_PLAYER)
    assert summary["completed"] is True and int(score) == entry.score
    assert summary["kiosk_name_kept"] is False
