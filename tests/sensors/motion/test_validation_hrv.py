"""pyhrv 0.5.0's long NN series (BSD-3) against pyhrv's own printed report."""

import pytest

from tools.validate import pyhrv_report, pyhrv_sample

from real_data import load_or_skip

pytestmark = pytest.mark.data  # every test here needs fetched recordings

EXPECTED = {
    "mean_hr_bpm": 78.990,
    "min_hr_bpm": 50.505,
    "max_hr_bpm": 106.762,
    "sdnn_ms": 85.357,
    "rmssd_ms": 60.523,
    "pnn50_pct": 28.571,
}


def test_hrv_reproduces_the_pyhrv_report_to_printed_precision() -> None:
    mine, report = load_or_skip(lambda: (pyhrv_sample(), pyhrv_report()), "pyhrv sample data")
    assert report == EXPECTED  # the report read from the package says what DATA.md says
    for key, value in EXPECTED.items():
        assert round(mine[key], 3) == value, key
