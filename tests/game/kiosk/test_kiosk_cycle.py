"""The kiosk's cycle with simulated visitors, on a virtual clock: attract, walk-up, choose, play,
score, leaderboard and back; back to attract when nobody is in view; the camera failing and
coming back mid-round; the wall clock jumping an hour either way."""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

import pytest

from game.kiosk.app import KioskApp
from game.kiosk.config import KioskConfig
from game.kiosk.leaderboard import Leaderboard, leaderboard_path
from game.kiosk.scenes import RoundScene
from game.sessions import SessionStore
from tests.game.kiosk.kiosk_runs import kiosk_run

CYCLE = ["AttractScene", "WalkUpScene", "ChooseScene", "RoundScene", "ScoreScene", "BoardScene", "AttractScene"]


def sessions(db: Path) -> list[dict[str, Any]]:
    with SessionStore(db) as store:
        found = [store.get_session(row["id"]) for row in store.list_sessions()]
    return [row for row in found if row is not None]


@pytest.fixture(scope="module")
def cycle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, ...]:
    """Two visitors' worth of kiosk time; the camera is unplugged for 6 s in the first round,
    and the wall clock jumps an hour ahead in the first round and an hour back in the second."""
    tmp = tmp_path_factory.mktemp("cycle")
    events: dict[str, Any] = {"rounds_seen": 0}
    real_time, real_time_ns = time.time, time.time_ns
    offset = [0.0]

    def on_frame(app: KioskApp) -> None:
        top = app.top
        if isinstance(top, RoundScene) and top.inner.started:
            if str(id(top)) not in events:
                events[str(id(top))] = True
                events["rounds_seen"] += 1
                # Wall clock: +1 h in the first round, back to -1 h in the second.
                offset[0] = 3600.0 if events["rounds_seen"] == 1 else -3600.0
            if events["rounds_seen"] == 1 and top.play_s >= 3.0 and "failed_at" not in events:
                events["failed_at"] = top.play_s
                app.sources[0].fail_camera(app.ctx.clock(), 6.0)  # type: ignore[attr-defined]
            if "failed_at" in events and "resumed_at" not in events and not app.kiosk.camera.lost:
                events.setdefault("play_s_when_back", top.play_s)
        if type(top).__name__ == "OutOfOrderScene":
            events["out_of_order_seen"] = True
            events["round_play_s_during"] = next(s.play_s for s in app.stack if isinstance(s, RoundScene))

    mp = pytest.MonkeyPatch()
    mp.setenv("LIIKE_INSTALLATION_FILE", str(tmp / "installation-id"))
    mp.setattr(time, "time", lambda: real_time() + offset[0])
    mp.setattr(time, "time_ns", lambda: real_time_ns() + int(offset[0] * 1e9))
    try:
        result, kiosk, trace = kiosk_run(tmp, 110.0, kcfg=KioskConfig(round_s=10, nobody_s=10), seed=1, on_frame=on_frame)
    finally:
        mp.undo()
    return tmp, result, kiosk, trace, events


def test_the_cycle_runs_through_every_screen_and_back(cycle: tuple[Any, ...]) -> None:
    _, result, _, trace, _ = cycle
    names = trace.names()
    clean: list[str] = []
    for n in names:  # the out-of-order notice comes and goes over a round: read past it
        if n != "OutOfOrderScene" and (not clean or clean[-1] != n):
            clean.append(n)
    assert clean[: len(CYCLE)] == CYCLE, names
    assert result["rounds"] >= 2 and result["walkups"] >= result["rounds"]
    assert result["games"] == {"runner": result["rounds"]}
    assert result["attract_s"] > 0 and result["errors"] == 0


def test_rounds_are_stored_as_sessions_and_filed_on_the_leaderboard(cycle: tuple[Any, ...]) -> None:
    tmp, result, kiosk, _, _ = cycle
    rows = sessions(tmp / "sessions.sqlite")
    completed = [r for r in rows if (r.get("summary") or {}).get("completed")]
    assert len(completed) >= result["rounds"] >= 2
    assert all(r["player"] == "kiosk" for r in rows if r not in completed)  # kept nicknames: test_kiosk_nickname
    board = Leaderboard(leaderboard_path(tmp / "sessions.sqlite"), dt.time(5), kiosk.config.zone())
    season = board.season("runner")
    assert len(season) == result["rounds"]
    assert {e.session_id for e in season} <= {r["id"] for r in rows}


def test_the_camera_failing_mid_round_shows_out_of_order_and_the_round_resumes(cycle: tuple[Any, ...]) -> None:
    _, result, _, trace, events = cycle
    assert events.get("out_of_order_seen"), trace.names()
    names = trace.names()
    i = names.index("OutOfOrderScene")
    assert names[i - 1] == "RoundScene" and names[i + 1] == "RoundScene"  # back into the same round
    # The round waited while the camera was out: no play time passed under the notice.
    assert events["round_play_s_during"] == pytest.approx(events["failed_at"], abs=0.1)
    assert result["restarts_of_camera"] == 1 and result["rounds"] >= 2


def test_wall_clock_jumps_neither_crash_nor_make_a_duration_negative(cycle: tuple[Any, ...]) -> None:
    tmp, result, _, _, _ = cycle
    assert result["errors"] == 0 and result["seconds"] == pytest.approx(110.0, abs=0.2)
    for row in sessions(tmp / "sessions.sqlite"):
        summary = row.get("summary") or {}
        assert summary.get("played_s", 0) >= 0
        if row.get("session_s") is not None:
            assert row["session_s"] >= 0


def test_nobody_in_view_for_10_s_returns_to_attract_from_the_middle_of_a_round(tmp_path: Path) -> None:
    left: dict[str, float] = {}

    def on_frame(app: KioskApp) -> None:
        top = app.top
        visitors: Any = app.sources[0]
        if isinstance(top, RoundScene) and top.play_s >= 2.0 and "at" not in left:
            left["at"] = app.loop.now()
            visitors.away_s = (100.0, 100.0)  # and nobody else comes for a while
            visitors.visit = dataclasses.replace(visitors.visit, leave_ns=app.ctx.clock())  # walks away
        if "at" in left and "attract" not in left and type(top).__name__ == "AttractScene":
            left["attract"] = app.loop.now()

    result, _, trace = kiosk_run(tmp_path, 45.0, kcfg=KioskConfig(round_s=60, nobody_s=10), on_frame=on_frame)
    assert "attract" in left, trace.names()
    # 10 s of nobody, counted from the last pose (the pose stays fresh for up to 1 s).
    assert 10.0 <= left["attract"] - left["at"] <= 11.5
    assert result["abandoned"] == 1 and result["rounds"] == 0
    (row,) = sessions(tmp_path / "sessions.sqlite")
    assert (row.get("summary") or {}).get("completed") is False


def test_a_visitor_who_walks_away_from_the_score_still_gets_the_score_on_the_board(tmp_path: Path) -> None:
    def on_frame(app: KioskApp) -> None:
        visitors: Any = app.sources[0]
        if type(app.top).__name__ == "ScoreScene" and visitors.present and app.top.time_s > 0.5:
            visitors.away_s = (100.0, 100.0)
            visitors.visit = dataclasses.replace(visitors.visit, leave_ns=app.ctx.clock())

    result, kiosk, trace = kiosk_run(tmp_path, 35.0, kcfg=KioskConfig(round_s=10, nobody_s=3), on_frame=on_frame)
    names = trace.names()
    i = names.index("ScoreScene")
    assert names[i + 1] == "AttractScene", names  # back to attract without the board
    (entry,) = kiosk.board.season("runner")
    assert result["rounds"] == 1 and entry.session_id is not None
