"""The walking initial-contact detector (sensors/motion/walking.py) on generated lower-back
vertical acceleration with known contacts; the real-recording check is test_validation_mobgap.py."""

from __future__ import annotations

import numpy as np
import pytest

from sensors.clock import NS_PER_S
from sensors.motion.walking import MIN_TRAIN, WalkingStepDetector, in_trains, walking_contacts

RATE = 100.0


def walk(contacts_s: list[float], duration_s: float, *, peak_g: float = 0.12, noise_g: float = 0.01, seed: int = 0) -> np.ndarray:
    """Vertical acceleration (g) of slow steps: at each contact the trunk is jolted upwards (a
    0.04 s wide loading peak 0.08 s after contact) and sinks below gravity in between, plus
    sensor noise and a slow sway."""
    rng = np.random.default_rng(seed)
    t = np.arange(int(duration_s * RATE)) / RATE
    v = np.zeros_like(t)
    for c in contacts_s:
        v += peak_g * np.exp(-0.5 * ((t - c - 0.08) / 0.04) ** 2)
        v -= 0.4 * peak_g * np.exp(-0.5 * ((t - c - 0.35) / 0.12) ** 2)
    v += 0.02 * np.sin(2 * np.pi * 0.2 * t) + rng.normal(0.0, noise_g, t.size)
    return v


def steady(cadence_spm: float, start_s: float, n: int, *, jitter_s: float = 0.03, seed: int = 1) -> list[float]:
    rng = np.random.default_rng(seed)
    period = 60.0 / cadence_spm
    return [start_s + k * period + float(rng.uniform(-jitter_s, jitter_s)) for k in range(n)]


def stream(v: np.ndarray, per: int) -> tuple[list[int], list[int]]:
    """(step times, the time each was reported at), ns, feeding ``per`` samples at a time."""
    det = WalkingStepDetector()
    times, reported = [], []
    for i in range(0, v.size, per):
        t = (np.arange(i, min(v.size, i + per)) * NS_PER_S / RATE).astype(np.int64)
        for e in det.update(t, v[i : i + per], RATE):
            assert e.kind == "step"
            times.append(e.t_ns)
            reported.append(int(t[-1]))
    for e in det.flush():
        times.append(e.t_ns)
        reported.append(v.size * NS_PER_S // int(RATE))
    return times, reported


def match(found_s: np.ndarray, truth_s: list[float], tol_s: float = 0.1) -> int:
    free = list(found_s)
    hits = 0
    for c in truth_s:
        near = [f for f in free if abs(f - c) <= tol_s]
        if near:
            free.remove(min(near, key=lambda f: abs(f - c)))
            hits += 1
    return hits


@pytest.mark.parametrize("cadence", [60.0, 80.0, 100.0, 120.0])
def test_slow_small_steps_are_all_found_at_their_contacts(cadence: float) -> None:
    # 0.12 g loading peaks: under the game detector's 0.15 g floor.
    truth = steady(cadence, 3.0, 30)
    v = walk(truth, truth[-1] + 4.0)
    found = walking_contacts(v, RATE)
    assert found.size == len(truth)
    assert match(found, truth) == len(truth)


def test_standing_still_and_a_single_shift_of_weight_are_no_steps() -> None:
    assert walking_contacts(walk([], 30.0), RATE).size == 0
    assert walking_contacts(walk([12.0], 30.0, peak_g=0.3), RATE).size == 0
    # Two steps are no walk either (MIN_TRAIN contacts make one).
    assert MIN_TRAIN == 3
    assert walking_contacts(walk([12.0, 12.6], 30.0, peak_g=0.15), RATE).size == 0


def test_walking_after_standing_counts_only_the_walk() -> None:
    truth = steady(90.0, 20.0, 20)
    v = walk(truth, 45.0)
    found = walking_contacts(v, RATE)
    assert abs(found.size - len(truth)) <= 1
    assert match(found, truth) >= len(truth) - 1
    assert found.min() > 19.0 and found.max() < 35.0


@pytest.mark.parametrize("per", [1, 7, 100, 10_000])
def test_stream_is_the_whole_recording_however_it_is_cut(per: int) -> None:
    truth = steady(75.0, 4.0, 25) + steady(95.0, 30.0, 20, seed=2)
    v = walk(truth, 48.0, seed=3)
    times, _ = stream(v, per)
    found = np.array(sorted(times)) / NS_PER_S
    offline = walking_contacts(v, RATE)
    assert found.size == offline.size == len(truth)
    assert np.allclose(found, offline, atol=0.011)
    assert times == sorted(times)  # released in time order


def test_steps_come_with_the_stated_delay() -> None:
    det = WalkingStepDetector()
    truth = steady(80.0, 3.0, 30)
    v = walk(truth, truth[-1] + 8.0)
    times, reported = stream(v, 10)
    lags = (np.array(reported) - np.array(times)) / NS_PER_S
    assert lags.min() >= det.delay_s - 0.5  # never before the contact is certain
    assert lags.max() <= det.delay_s + 2 * 60.0 / 80.0 + 0.2  # the train's next two contacts
    assert 4.0 <= det.delay_s <= 4.5


def test_cadence_follows_the_reported_steps_and_ends_after_a_stop() -> None:
    det = WalkingStepDetector()
    truth = steady(70.0, 2.0, 30, jitter_s=0.0)
    v = walk(truth, truth[-1] + 15.0)
    seen = []
    for i in range(0, v.size, 10):
        t = (np.arange(i, min(v.size, i + 10)) * NS_PER_S / RATE).astype(np.int64)
        det.update(t, v[i : i + 10], RATE)
        seen.append((t[-1] / NS_PER_S, det.cadence_spm(int(t[-1]))))
    mid = [c for ts, c in seen if 15.0 <= ts <= 25.0]
    assert min(mid) == pytest.approx(70.0, abs=2.0)
    assert seen[-1][1] == 0.0  # 15 s after the last contact


def test_a_pause_between_batches_restarts_without_losing_the_steps_before_it() -> None:
    det = WalkingStepDetector()
    truth = steady(90.0, 2.0, 12)
    v = walk(truth, 12.0)
    t = (np.arange(v.size) * NS_PER_S / RATE).astype(np.int64)
    out = det.update(t, v, RATE)
    later = t + 60 * NS_PER_S  # a minute later the stream resumes
    out += det.update(later, walk([], 12.0), RATE)
    out += det.flush()
    assert len(out) == len(truth)


def test_trains() -> None:
    t = np.array([0.0, 1.0, 2.0, 5.0, 6.0, 9.0, 10.0, 11.0, 12.0])
    assert in_trains(t, 1.5).tolist() == [True, True, True, False, False, True, True, True, True]
    assert in_trains(np.empty(0), 1.5).size == 0


def test_too_short_a_window_is_refused() -> None:
    with pytest.raises(ValueError, match="window_s"):
        WalkingStepDetector(window_s=3.0)
