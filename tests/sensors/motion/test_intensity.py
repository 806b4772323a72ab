import numpy as np
import pytest

from sensors.motion.intensity import (
    HILDEBRAND_ADULT_HIP,
    HILDEBRAND_ADULT_WRIST,
    HILDEBRAND_CHILD_WRIST,
    INTENSITY_CLASSES,
    CutPoints,
    classify_epochs,
    daily_mvpa_vpa_hours,
    enmo_mg,
    epoch_enmo_mg,
    intensity_class_of_met,
    intensity_minutes,
    met_of_movement,
    minutes_per_class,
)


def test_enmo_is_norm_minus_one_g_with_negatives_zeroed() -> None:
    acc = np.array(
        [
            [0.0, 0.0, 1.0],  # at rest: 0
            [0.0, 0.6, 0.8],  # |a| = 1 in another orientation: 0
            [0.0, 0.0, 1.25],  # 250 mg
            [0.3, 0.4, 0.0],  # |a| = 0.5 (falling): negative -> 0, not 500
            [1.2, 1.6, 0.0],  # |a| = 2: 1000 mg
        ]
    )
    assert enmo_mg(acc).tolist() == pytest.approx([0.0, 0.0, 250.0, 0.0, 1000.0])
    with pytest.raises(ValueError):
        enmo_mg(np.zeros((4, 2)))


def test_epoch_enmo_averages_per_epoch_and_drops_partial() -> None:
    rate = 10.0
    acc = np.tile([0.0, 0.0, 1.0], (25, 1))
    acc[10:20, 2] = 1.1  # second 1 s epoch: 100 mg
    acc[20:, 2] = 1.5
    assert epoch_enmo_mg(acc, rate, 1.0).tolist() == pytest.approx([0.0, 100.0])
    assert epoch_enmo_mg(acc, rate, 1.0, keep_partial=True).tolist() == pytest.approx([0.0, 100.0, 500.0])


def test_hildebrand_tables_and_class_boundaries() -> None:
    assert (HILDEBRAND_ADULT_WRIST.light_mg, HILDEBRAND_ADULT_WRIST.moderate_mg, HILDEBRAND_ADULT_WRIST.vigorous_mg) == (
        44.8,
        100.6,
        428.8,
    )
    assert (HILDEBRAND_ADULT_HIP.light_mg, HILDEBRAND_ADULT_HIP.moderate_mg, HILDEBRAND_ADULT_HIP.vigorous_mg) == (
        47.4,
        69.1,
        258.7,
    )
    assert (HILDEBRAND_CHILD_WRIST.light_mg, HILDEBRAND_CHILD_WRIST.moderate_mg, HILDEBRAND_CHILD_WRIST.vigorous_mg) == (
        35.6,
        201.4,
        707.0,
    )
    e = np.array([0.0, 44.79, 44.8, 100.59, 100.6, 428.79, 428.8, 2000.0, np.nan])
    codes = classify_epochs(e, HILDEBRAND_ADULT_WRIST)
    assert codes.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, -1]
    # The same 80 mg epoch is light at the wrist but moderate at the hip.
    assert classify_epochs(np.array([80.0]), HILDEBRAND_ADULT_WRIST)[0] == 1
    assert classify_epochs(np.array([80.0]), HILDEBRAND_ADULT_HIP)[0] == 2
    with pytest.raises(ValueError):
        CutPoints("bad", 100.0, 50.0, 400.0, "")


def test_minutes_per_class_counts_epochs() -> None:
    codes = np.array([0, 0, 1, 2, 2, 2, 3, -1])
    m = minutes_per_class(codes, epoch_s=30.0)
    assert m == {"sedentary": 1.0, "light": 0.5, "moderate": 1.5, "vigorous": 0.5}
    assert tuple(m) == INTENSITY_CLASSES


def test_intensity_minutes_of_a_generated_session() -> None:
    # 2 min rest, 1 min brisk (ENMO ~150 mg), 30 s vigorous (~600 mg) at 50 Hz, plus 2 s over.
    rate = 50.0
    t = np.arange(int(212 * rate)) / rate
    amp = np.where(t < 120, 0.0, np.where(t < 180, 0.15, 0.6))
    acc = np.zeros((t.size, 3))
    acc[:, 2] = 1.0 + amp  # steady offsets give exact ENMO per segment
    m = intensity_minutes(acc, rate, HILDEBRAND_ADULT_WRIST, epoch_s=5.0)
    assert m["sedentary"] == pytest.approx(2.0)
    assert m["light"] == pytest.approx(0.0)
    assert m["moderate"] == pytest.approx(1.0)
    assert m["vigorous"] == pytest.approx(32.0 / 60.0)
    assert sum(m.values()) == pytest.approx(212.0 / 60.0)


def test_daily_mvpa_vpa_hours_uses_strict_thresholds_and_skips_non_wear() -> None:
    days = ["mon"] * 4 + ["tue"] * 3
    e = np.array([100.0, 100.1, 425.0, 425.1, np.nan, 50.0, 500.0])
    out = daily_mvpa_vpa_hours(days, e, epoch_s=30.0)
    assert [d.day for d in out] == ["mon", "tue"]
    h = 30.0 / 3600.0
    assert (
        out[0].wear_h == pytest.approx(4 * h) and out[0].mvpa_h == pytest.approx(3 * h) and out[0].vpa_h == pytest.approx(1 * h)
    )
    assert out[1].wear_h == pytest.approx(2 * h) and out[1].mvpa_h == pytest.approx(h) and out[1].vpa_h == pytest.approx(h)
    with pytest.raises(ValueError):
        daily_mvpa_vpa_hours(days[:-1], e)


def test_compendium_mets_and_bands() -> None:
    assert met_of_movement("jumping_jacks") == 8.0
    assert met_of_movement("squats") == 5.0
    assert met_of_movement("jogging_in_place") == 8.0
    assert met_of_movement("jogging") == 7.0
    assert met_of_movement("light_calisthenics") == 2.8
    assert intensity_class_of_met(met_of_movement("light_calisthenics")) == "light"
    assert intensity_class_of_met(met_of_movement("squats")) == "moderate"
    assert intensity_class_of_met(met_of_movement("jumping_jacks")) == "vigorous"
    assert intensity_class_of_met(1.3) == "sedentary"
    assert intensity_class_of_met(3.0) == "moderate"
    with pytest.raises(KeyError):
        met_of_movement("juggling")
