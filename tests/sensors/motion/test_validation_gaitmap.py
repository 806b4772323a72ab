"""Foot-IMU strides on gaitmap 2.6.0's example walk (MIT): 58 hand-labelled strides."""

import pytest

from tools.validate import gaitmap_strides

from real_data import load_or_skip

pytestmark = pytest.mark.data  # every test here needs fetched recordings


@pytest.fixture(scope="module")
def result() -> dict:
    return load_or_skip(gaitmap_strides, "gaitmap example data")


def test_strides_per_foot_match_the_labels(result: dict) -> None:
    assert result["labelled"] == {"left": 28, "right": 30}
    assert abs(result["found_total"] - 58) <= 2
    for foot in ("left", "right"):
        assert abs(result["found"][foot] - result["labelled"][foot]) <= 2


def test_labelled_strides_each_hold_one_swing(result: dict) -> None:
    # Swings are found where the labels put strides, not merely in the right number.
    assert sum(result["cycles_in_labelled"].values()) >= 0.85 * result["labelled_total"]
