"""sktime 1.2.0 BasicMotions (BSD-3): smartwatch recordings separated by movement intensity."""

import pytest

from tools.validate import basicmotions

from real_data import load_or_skip

pytestmark = pytest.mark.data  # every test here needs fetched recordings


def test_standing_walking_running_separate_by_intensity() -> None:
    r = load_or_skip(basicmotions, "BasicMotions data")
    med = r["test_medians"]
    assert med["Standing"] < med["Walking"] < med["Running"]
    assert r["test_cases"] == 30
    assert r["test_accuracy"] >= 0.9  # thresholds learnt on TRAIN, scored on TEST
    assert min(r["pairs_ordered"].values()) >= 0.9
