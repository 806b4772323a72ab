"""The Mobilise-D scoring's handling of the INDIP reference (tools/validate.py), on hand-made
bouts: no recordings needed."""

import numpy as np

from tools.validate import match_one_to_one, mobgap_figures, reference_contacts, unmatched_at_untimed

NAN = float("nan")


def test_reference_contacts_follow_mobgaps_loader() -> None:
    listed = np.array([1.0, 1.5, NAN, 2.5, 2.5, NAN, NAN, 4.0, 4.6])
    timed, runs = reference_contacts(listed, end_s=4.2)
    assert timed.tolist() == [1.0, 1.5, 2.5, 4.0]  # the duplicate once, nothing after the end
    assert runs == [2, 1, 5, 2]  # one untimed contact at index 2, two from index 5


def test_a_step_where_the_reference_has_no_time_is_neither_true_nor_false() -> None:
    listed = np.array([1.0, 1.5, NAN, 2.5, 3.0])
    _, runs = reference_contacts(listed, end_s=3.0)
    steps = np.array([1.02, 1.48, 2.0, 2.52, 3.01])
    assert match_one_to_one(steps, listed[np.isfinite(listed)]) == 4
    assert unmatched_at_untimed(steps, listed, runs, 0.8, 3.3) == 1


def test_only_as_many_steps_as_untimed_contacts_are_set_aside() -> None:
    listed = np.array([1.0, NAN, 2.0])
    _, runs = reference_contacts(listed, end_s=2.0)
    steps = np.array([1.0, 1.3, 1.6, 2.0])  # two steps in a gap of one untimed contact
    assert unmatched_at_untimed(steps, listed, runs, 0.8, 2.3) == 1
    # A step off in time next to a timed contact, with no untimed one near, stays false.
    listed = np.array([1.0, 1.5, 2.0])
    _, runs = reference_contacts(listed, end_s=2.0)
    assert unmatched_at_untimed(np.array([1.0, 1.85, 2.0]), listed, runs, 0.8, 2.3) == 0


def test_an_untimed_contact_at_a_bouts_start_reaches_to_the_counting_window() -> None:
    listed = np.array([NAN, 1.0, 1.5])
    _, runs = reference_contacts(listed, end_s=1.5)
    assert unmatched_at_untimed(np.array([0.5, 1.0, 1.5]), listed, runs, 0.3, 1.8) == 1
    assert unmatched_at_untimed(np.array([0.2, 1.0, 1.5]), listed, runs, 0.3, 1.8) == 0


def test_figures() -> None:
    r = {"reference": 10, "untimed": 2, "found": 11, "matched": 8, "at_untimed": 1, "matched_wide": 9, "at_untimed_wide": 1}
    f = mobgap_figures(r)
    assert f["count_error"] == 0.1 and round(f["count_error_all"], 4) == round(-1 / 12, 4)
    assert f["precision"] == 8 / 11 and f["precision_judged"] == 0.8 and f["recall"] == 0.8
    assert f["precision_wide"] == 9 / 11 and f["precision_wide_judged"] == 0.9
