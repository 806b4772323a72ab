"""sktime 1.2.0 BasicMotions (BSD-3): smartwatch recordings separated by movement intensity."""

import pytest

from tools.test_data import DataUnavailable
from tools.validate import basicmotions


def test_standing_walking_running_separate_by_intensity() -> None:
    try:
        r = basicmotions()
    except DataUnavailable as exc:
        pytest.skip(f"BasicMotions data not available offline: {exc}")
    med = r["test_medians"]
    assert med["Standing"] < med["Walking"] < med["Running"]
    assert r["test_cases"] == 30
    assert r["test_accuracy"] >= 0.9  # thresholds learnt on TRAIN, scored on TEST
    assert min(r["pairs_ordered"].values()) >= 0.9
