"""Two players side by side at a kiosk: two simulated visitors walk up together, play a game
with a level for two, and each gets a nickname and a leaderboard entry of their own."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from game.engine.modes import get_mode
from game.kiosk import run as kiosk_run_module
from game.kiosk.app import KioskApp
from game.kiosk.config import KioskConfig
from game.kiosk.scenes import ChooseScene, RoundScene, ScoreScene
from tests.game.kiosk.kiosk_runs import kiosk_run


@pytest.mark.slow
def test_two_in_view_at_walk_up_play_a_round_for_two_and_both_go_on_the_board(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kiosk_run_module, "PAIR_SHARE", 1.0)  # every visit by two people
    seen: dict[str, Any] = {}

    def watch(app: KioskApp) -> None:
        top = app.top
        if isinstance(top, ChooseScene):
            seen.setdefault("choose", (top.players, [m.name for m in top.modes]))
        elif isinstance(top, RoundScene) and top.inner.started:
            seen.setdefault("level_players", getattr(app.ctx.level, "players", 1))
        elif isinstance(top, ScoreScene):
            seen["scores"] = list(top.scores)
            seen["nicks"] = [n.text for n in top.nicks]

    kcfg = KioskConfig(round_s=10, nobody_s=10, side_by_side=True)
    result, kiosk, trace = kiosk_run(tmp_path, 50.0, kcfg=kcfg, games=("punch", "runner"), on_frame=watch)
    assert "BoardScene" in trace.names(), trace.names()
    # Only the games with a level for two were offered, and the round was the two-player level.
    assert seen["choose"] == (2, ["punch"])
    assert seen["level_players"] == 2
    assert result["pair_rounds"] == 1 and result["rounds"] == 1
    # Each player has their own nickname and entry, under the one session of the round.
    today = kiosk.board.daily("punch", 10)
    assert len(today) == 2
    assert sorted(e.nickname for e in today) == sorted(seen["nicks"])
    assert sorted(e.score for e in today) == sorted(seen["scores"])
    assert today[0].session_id == today[1].session_id is not None
    assert all(s > 0 for s in seen["scores"])


@pytest.mark.slow
def test_a_lone_visitor_at_a_side_by_side_kiosk_plays_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kiosk_run_module, "PAIR_SHARE", 0.0)  # every visitor alone
    seen: list[int] = []

    def watch(app: KioskApp) -> None:
        if isinstance(app.top, ChooseScene) and not seen:
            seen.append(app.top.players)

    kcfg = KioskConfig(round_s=10, nobody_s=10, side_by_side=True)
    result, kiosk, _ = kiosk_run(tmp_path, 45.0, kcfg=kcfg, games=("punch",), seed=0, on_frame=watch)
    assert seen == [1]
    assert result["rounds"] == 1 and result["pair_rounds"] == 0
    assert len(kiosk.board.daily("punch", 10)) == 1


def test_the_level_of_a_round_is_the_easiest_made_for_that_many_players() -> None:
    from game.kiosk.run import kiosk_levels
    from game.kiosk.runtime import Kiosk
    from game.modes import register_builtin_modes

    register_builtin_modes()
    modes, by_mode = kiosk_levels([get_mode("punch"), get_mode("runner")])
    no_board: Any = None
    kiosk = Kiosk(KioskConfig(), modes, no_board)
    ctx: Any = SimpleNamespace(levels_by_mode=by_mode)
    assert [m.name for m in kiosk.modes_for(ctx, 2)] == ["punch"]
    assert [m.name for m in kiosk.modes_for(ctx, 1)] == ["punch", "runner"]
    punch = by_mode["punch"]
    for players in (1, 2):
        i = kiosk.level_for(ctx, get_mode("punch"), players)
        assert i is not None and getattr(punch[i], "players", 1) == players
        same = [lv.difficulty for lv in punch if getattr(lv, "players", 1) == players]
        assert punch[i].difficulty == min(same)
    assert kiosk.level_for(ctx, get_mode("runner"), 2) is None
