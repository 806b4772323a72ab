"""The calibration scene calibrates the motion tracker from the player's still stand."""

from __future__ import annotations

from pathlib import Path

import pygame
import pytest

from game.engine.config import AppConfig
from game.engine.run import build_context
from game.input.mapper import InputFrame
from game.levels import list_levels
from game.modes.runner import MODE as RUNNER
from game.modes.runner.scene import RunnerScene
from game.scenes.calibrate import CalibrateScene
from sensors.clock import ManualClock, s_to_ns
from sensors.motion.tracker import MotionTracker
from sensors.sim import SimulatedPlayer

DT = 1 / 60


def test_a_still_stand_calibrates_the_tracker_and_moves_on(tmp_path: Path) -> None:
    pygame.display.init()
    try:
        levels, _ = list_levels(RUNNER.name)
        ctx = build_context(AppConfig(input="sim", db=tmp_path / "s.sqlite"), RUNNER, levels)
        clock = ManualClock(0)
        ctx.clock = clock
        player = SimulatedPlayer(seed=2, script="idle:10", t0_ns=0, loop=False)
        ctx.begin_session()  # as the menu does on start
        scene = CalibrateScene(ctx)
        result = None
        for _ in range(int(4.0 / DT)):
            clock.advance(s_to_ns(DT))
            ctx.live.ingest(player.advance_to(clock()))
            result = scene.update(InputFrame(), DT)
            if result is not None:
                break
        assert result is not None and isinstance(result.scene, RunnerScene)
        tracker = ctx.live.recogniser
        assert isinstance(tracker, MotionTracker)
        cal = tracker.calibration
        assert cal is not None and cal.standing_frames >= 15
        assert cal.aspect_wh == pytest.approx(4 / 3)  # the simulated camera's picture
        assert tracker.pose.baseline.hip_height == cal.hip_height
        assert cal.trunk_len == pytest.approx(0.288 * 0.7, rel=0.05)
        session_id = ctx.session.session_id
        assert session_id is not None
        ctx.end_session(0, {})
        # The calibration is kept with the session for the researchers.
        from game.sessions import SessionStore

        with SessionStore(tmp_path / "s.sqlite") as store:
            events = [e for e in store.events(session_id) if e["kind"] == "calibration"]
        assert len(events) == 1 and events[0]["data"]["hip_height"] == pytest.approx(cal.hip_height)
    finally:
        pygame.quit()
