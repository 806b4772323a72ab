"""Lower-back steps on mobgap 1.2.0's Mobilise-D example recordings (Apache-2.0) against the
INDIP reference's initial contacts (see VALIDATION.md): the game's trunk detector, the walking
detector, a band-pass peak-count baseline and Mobilise-D's own implementations of the published
initial-contact detectors, all scored in the same run."""

import pytest

from tools.validate import MOBGAP_PUBLISHED, by_speed, mobgap_figures, mobgap_walks

from real_data import load_or_skip

pytestmark = pytest.mark.data  # every test here needs fetched recordings


@pytest.fixture(scope="module")
def result() -> dict:
    return load_or_skip(mobgap_walks, "mobgap example data (pip download --no-binary=:all: mobgap==1.2.0)")


def _f1(r: dict) -> float:
    return 2 * r["matched"] / (r["found"] + r["reference"])


def test_reference_is_the_one_measured(result: dict) -> None:
    walking = result["walking"]
    # Timed contacts, each time once (mobgap's loader drops a contact listed twice): four straight
    # bouts of nine (HA002's walks have no INDIP bout), 15 daily bouts, six below 90 steps/min.
    assert [walking[g]["reference"] for g in ("Test5", "Test11", "slow")] == [36, 200, 74]
    # The contacts the reference lists without a time: it knows they happened, not when.
    assert [walking[g]["untimed"] for g in ("Test5", "Test11", "slow")] == [0, 13, 11]


@pytest.mark.parametrize("group", ["Test5", "Test11", "slow"])
def test_walking_detector_counts_every_bout_type_within_5_percent(result: dict, group: str) -> None:
    assert abs(mobgap_figures(result["walking"][group])["count_error"]) <= 0.05


def test_walking_steps_sit_at_the_contacts(result: dict) -> None:
    # One to one within +-0.25 s. Straight walks are exact. On the daily activities about one
    # step in eight is more than 0.25 s from every timed contact; a third of those lie where the
    # reference lists a contact without a time. VALIDATION.md explains why 0.95 is not reached;
    # this guards the measured level.
    w = {g: mobgap_figures(result["walking"][g]) for g in ("Test5", "Test11", "slow")}
    assert w["Test5"]["precision"] == 1.0 and w["Test5"]["recall"] == 1.0
    assert w["Test11"]["precision"] >= 0.86 and w["Test11"]["precision_judged"] >= 0.91
    assert w["Test11"]["recall"] >= 0.86
    assert w["slow"]["precision"] >= 0.75 and w["slow"]["precision_judged"] >= 0.85
    # At mobgap's own tolerance (+-0.5 s) the steps not at untimed contacts hold at 0.95.
    assert w["Test11"]["precision_wide_judged"] >= 0.95 and w["slow"]["precision_wide_judged"] >= 0.95


def test_the_misplaced_steps_are_in_the_shuffles(result: dict) -> None:
    # Daily bouts at 0.6 m/s or more hold at 0.95 without the untimed contacts; the shuffles of
    # 0.25-0.57 m/s are where the trunk shows no clear heel strike.
    parts = by_speed(result["walking"]["Test11"])
    brisk, shuffles = mobgap_figures(parts["above"]), mobgap_figures(parts["below"])
    assert len(parts["above"]["bouts"]) == 6 and len(parts["below"]["bouts"]) == 9
    assert brisk["precision"] >= 0.93 and brisk["precision_judged"] >= 0.95
    assert shuffles["precision"] >= 0.8 and shuffles["precision_judged"] >= 0.88
    assert abs(brisk["count_error"]) <= 0.05 and abs(shuffles["count_error"]) <= 0.05


@pytest.mark.parametrize("group", ["Test11", "slow"])
def test_walking_detector_beats_the_baseline_and_the_game_detector(result: dict, group: str) -> None:
    walking, baseline, game = (result[d][group] for d in ("walking", "bandpass", "game"))
    assert abs(mobgap_figures(walking)["count_error"]) < abs(mobgap_figures(baseline)["count_error"])
    assert _f1(walking) > _f1(baseline)
    assert _f1(walking) > _f1(game)


@pytest.mark.parametrize("group", ["Test11", "slow"])
def test_walking_detector_is_as_precise_as_mobilise_d_own_implementations(result: dict, group: str) -> None:
    # Mobilise-D's original implementations, run on walking they found themselves, place their
    # contacts on the same bouts at precision 0.70-0.77 (daily) and 0.54-0.64 (slowest).
    walking = mobgap_figures(result["walking"][group])
    for algo in MOBGAP_PUBLISHED:
        published = result[algo][group]
        assert published["found"] > 0.5 * published["reference"]  # their contacts were read
        assert walking["precision"] > mobgap_figures(published)["precision"]
        assert _f1(result["walking"][group]) > _f1(published)


def test_game_detector_stays_where_it_is(result: dict) -> None:
    # The game's low-latency detector keeps its 0.15 g floor (a standing player must not step):
    # it misses a third of the slow everyday steps, and that is what the walking detector is for.
    straight, daily = result["game"]["Test5"], result["game"]["Test11"]
    assert straight["found"] == straight["reference"]
    assert daily["matched"] >= 0.9 * daily["found"]
    assert daily["found"] >= 0.65 * daily["reference"]
