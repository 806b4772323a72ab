import numpy as np
import pytest

from sensors.motion.heart_analytics import (
    banister_trimp,
    clean_rr_ms,
    energy_kcal_per_min,
    hrv,
    keytel_kcal_per_min,
    met_kcal_per_min,
)


def test_keytel_reference_session() -> None:
    # Man, 75 kg, 35 y, 150 bpm for 30 min -> about 441.0 kcal.
    assert keytel_kcal_per_min(150, 75, 35, "male") * 30 == pytest.approx(441.0, abs=0.1)
    with pytest.raises(ValueError):
        keytel_kcal_per_min(150, 75, 35, "x")


def test_light_effort_falls_back_to_mets_and_is_never_negative() -> None:
    low = energy_kcal_per_min(70, 185, 30, 20, "female", fallback_met=2.8)
    assert low.method == "met" and low.kcal_per_min == pytest.approx(met_kcal_per_min(2.8, 30))
    assert low.kcal_per_min > 0
    high = energy_kcal_per_min(160, 185, 75, 35, "male", fallback_met=8.0)
    assert high.method == "keytel" and 10 < high.kcal_per_min < 25
    for hr in range(30, 230, 5):  # any heart rate gives a sane number
        e = energy_kcal_per_min(hr, 190, 40, 12, "female", fallback_met=3.0)
        assert 0 < e.kcal_per_min < 40


def test_trimp_grows_with_effort_and_time() -> None:
    easy = banister_trimp([120] * 60, [1.0] * 60, 60, 180, "male")
    hard = banister_trimp([170] * 60, [1.0] * 60, 60, 180, "male")
    assert 0 < easy < hard
    # One minute at dHR = 0.5: 1 x 0.5 x 0.64 e^0.96
    assert banister_trimp([120], [60.0], 60, 180, "male") == pytest.approx(0.5 * 0.64 * np.exp(0.96))


def test_rr_cleaning_and_hrv() -> None:
    rr = [800, 810, 790, 1600, 805, 250, 795, 1000, 800]  # a missed beat (1600), noise (250), an ectopic (1000)
    nn = clean_rr_ms(rr)
    assert nn.tolist() == [800, 810, 790, 805, 795, 800]
    h = hrv([1000, 1060, 1000, 1060])
    assert h.mean_hr_bpm == pytest.approx(np.mean([60, 60000 / 1060, 60, 60000 / 1060]))
    assert h.rmssd_ms == pytest.approx(60.0)
    assert h.pnn50_pct == pytest.approx(100.0)
    assert h.sdnn_ms == pytest.approx(np.std([1000, 1060, 1000, 1060], ddof=1))
    with pytest.raises(ValueError):
        hrv([800, 810])
