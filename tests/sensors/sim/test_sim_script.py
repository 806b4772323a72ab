"""The script: parsing the compact form, validation, the default demo loop."""

from __future__ import annotations

import pytest

from sensors.sim import DEFAULT_SCRIPT, EXERCISE_SCRIPT, Activity, Segment, parse_script


def test_compact_form_parses_to_segments() -> None:
    script = parse_script(" idle:3, JOG:20@160 ,jump:6,squat:8@20,rest:10 ")
    assert script == (
        Segment(Activity.IDLE, 3.0),
        Segment(Activity.JOG, 20.0, cadence_spm=160.0),
        Segment(Activity.JUMP, 6.0),
        Segment(Activity.SQUAT, 8.0, rate_per_min=20.0),
        Segment(Activity.REST, 10.0),
    )
    assert script[1].cadence == 160.0 and script[3].rate == 20.0


def test_script_parser_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="ACTIVITY:SECONDS"):
        parse_script("jog:abc")
    with pytest.raises(ValueError, match="ACTIVITY:SECONDS"):
        parse_script("swim:10")
    with pytest.raises(ValueError, match="cadence"):
        parse_script("jog:10@500")
    with pytest.raises(ValueError, match="positive"):
        parse_script("idle:0")
    with pytest.raises(ValueError, match="empty"):
        parse_script(" , ")


def test_default_script_is_a_two_minute_demo_of_every_activity() -> None:
    total = sum(seg.duration_s for seg in DEFAULT_SCRIPT)
    assert 100 <= total <= 180
    legs = {Activity.IDLE, Activity.JOG, Activity.JUMP, Activity.SQUAT, Activity.REST}
    assert {seg.activity for seg in DEFAULT_SCRIPT} == legs
    # The arm movements and their look-alikes have their own script.
    assert {seg.activity for seg in EXERCISE_SCRIPT} | legs == set(Activity)
    assert 100 <= sum(seg.duration_s for seg in EXERCISE_SCRIPT) <= 180
    assert DEFAULT_SCRIPT[0].activity is Activity.IDLE  # a standing start calibrates the pose baseline
