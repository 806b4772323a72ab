"""UK Biobank ENMO epochs shipped with pyActigraphy 1.2.2 (GPL-3, fetched only): daily MVPA/VPA."""

import pytest

from tools.validate import actigraphy_days

from real_data import load_or_skip

pytestmark = pytest.mark.data  # every test here needs fetched recordings


def test_daily_mvpa_and_vpa_hours_match_the_summary_exactly() -> None:
    days = load_or_skip(actigraphy_days, "pyActigraphy sample data")
    assert len(days) == 7 and days[0]["day"] == "2014-05-07" and days[-1]["day"] == "2014-05-13"
    for d in days:
        assert d["mvpa_h"] == pytest.approx(d["ref_mvpa_h"], abs=1e-12), d["day"]
        assert d["vpa_h"] == pytest.approx(d["ref_vpa_h"], abs=1e-12), d["day"]
        assert d["wear_h"] == pytest.approx(d["ref_wear_h"], abs=1e-12), d["day"]
    assert sum(d["vpa_h"] > 0 for d in days) == 4  # not a trivially empty comparison
