"""Wrist steps on real smartwatch recordings (sktime 1.2.0's BasicMotions, BSD-3): the only
real wrist recordings of walking and running found in a registry package, and they carry no
reference steps, so this checks plausibility, not accuracy (see VALIDATION.md)."""

import statistics

import pytest

from tools.validate import basicmotions_wrist_steps

from real_data import load_or_skip

pytestmark = pytest.mark.data


@pytest.fixture(scope="module")
def steps() -> dict:
    return load_or_skip(basicmotions_wrist_steps, "sktime BasicMotions (pip download sktime==1.2.0)")


def test_every_walk_and_run_has_steps_at_a_human_cadence(steps: dict) -> None:
    # 10 s clips: walking is 90-130 steps/min, 15-22 steps; the counter needs a cycle on either
    # side of a step, so a clip's first and last steps go uncounted (measured: 12-16).
    for how in ("acc", "acc+gyro"):
        assert all(12 <= n <= 22 for n in steps["Walking"][how])
        assert all(14 <= n <= 30 for n in steps["Running"][how])


def test_running_counts_more_steps_than_walking(steps: dict) -> None:
    for how in ("acc", "acc+gyro"):
        assert statistics.median(steps["Running"][how]) > statistics.median(steps["Walking"][how])
