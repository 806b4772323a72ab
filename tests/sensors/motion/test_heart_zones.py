import pytest

from sensors.motion.heart_zones import HeartProfile, Intensity, hr_max_tanaka


def test_tanaka_reference_value() -> None:
    # DATA.md: age 40 -> 180 bpm
    assert hr_max_tanaka(40) == pytest.approx(180.0)


def test_karvonen_reference_value() -> None:
    # HRmax 180, rest 60, 75 % of reserve -> 150 bpm
    profile = HeartProfile(hr_rest_bpm=60, hr_max_bpm=180)
    assert profile.reserve_fraction(150) == pytest.approx(0.75)


@pytest.mark.parametrize(
    ("bpm", "band"),
    [
        (80, Intensity.VERY_LIGHT),
        (96, Intensity.LIGHT),
        (108, Intensity.MODERATE),
        (131, Intensity.MODERATE),
        (132, Intensity.VIGOROUS),
        (167, Intensity.VIGOROUS),
        (168, Intensity.NEAR_MAXIMAL),
    ],
)
def test_acsm_bands_by_reserve(bpm: int, band: Intensity) -> None:
    assert HeartProfile(hr_rest_bpm=60, hr_max_bpm=180).intensity(bpm) is band


def test_impossible_profiles_are_refused() -> None:
    with pytest.raises(ValueError):
        HeartProfile(hr_rest_bpm=190, hr_max_bpm=180)
    with pytest.raises(ValueError):
        hr_max_tanaka(300)
