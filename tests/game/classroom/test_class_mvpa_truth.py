"""A 10-minute lesson of 40 straps on a virtual clock: every pupil's MVPA minutes on the board
against the emulated class's own heart-rate curves (liike_emulation.room.class_bpm), and straps
that go quiet add nothing while quiet (beyond the few seconds a last reading stands)."""

from __future__ import annotations

import pytest

from game.classroom.board import MVPA_BANDS, ClassBoard
from game.engine.freshness import HR_FRESH_S
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import s_to_ns
from sensors.motion.heart_zones import HeartProfile
from sensors.samples import HeartRateSample

pytest.importorskip("bumble")  # liike_emulation needs the test extras

LESSON_S = 600
QUIET = (200, 320)  # every fifth strap is out of range (or off) in this window
TICK_S = 0.1  # the board's tick on the virtual clock (it runs at 20 per second live)


def test_mvpa_of_forty_pupils_matches_the_emulations_truth_within_six_seconds() -> None:
    from liike_emulation.room import class_bpm, mixed_class_sensors

    sensors: list[AllowedSensor] = mixed_class_sensors(40)
    profile = HeartProfile(60, 200)
    board = ClassBoard(sensors, profile)
    curves = [class_bpm(i) for i in range(len(sensors))]

    def quiet(i: int, t: float) -> bool:
        return i % 5 == 0 and QUIET[0] <= t < QUIET[1]

    # the truth: seconds each pupil's true heart rate is in an MVPA band while the strap is read
    truth = [0.0] * len(sensors)
    fine = 0.05
    for k in range(round(LESSON_S / fine)):
        t = k * fine
        for i, curve in enumerate(curves):
            if not quiet(i, t) and profile.intensity(curve(t)) in MVPA_BANDS:
                truth[i] += fine

    mvpa_at_quiet_start: dict[str, float] = {}
    ticks_per_s = round(1 / TICK_S)
    for k in range(LESSON_S * ticks_per_s):
        t = k * TICK_S
        now = s_to_ns(t)
        if k % ticks_per_s == 0:  # one reading a second per strap, as straps send them
            board.ingest(
                HeartRateSample(now, s.address, round(curves[i](t)), contact=True)
                for i, s in enumerate(sensors)
                if not quiet(i, t)
            )
        if k == QUIET[0] * ticks_per_s:
            mvpa_at_quiet_start = {a: st.mvpa_s for a, st in board.straps.items()}
        board.tick(now + s_to_ns(TICK_S), TICK_S)
        if k == QUIET[1] * ticks_per_s - 1:
            for i, s in enumerate(sensors):
                if i % 5 == 0:
                    # while quiet only the last reading's few seconds count
                    assert board.straps[s.address].mvpa_s - mvpa_at_quiet_start[s.address] <= HR_FRESH_S

    summary = board.summary()["straps"]
    for i, strap in enumerate(summary):
        assert strap["mvpa_min"] == pytest.approx(truth[i] / 60, abs=0.1), strap["label"]
    assert all(truth[i] > 60 for i in range(len(sensors)))  # every pupil reached MVPA in this lesson
