import numpy as np
import pytest

from sensors.camera.one_euro import OneEuroFilter, OneEuroParams

FPS = 30
DT_NS = 1_000_000_000 // FPS


def test_reduces_jitter_at_rest() -> None:
    rng = np.random.default_rng(0)
    f = OneEuroFilter(OneEuroParams())
    raw = 0.5 + rng.normal(0, 0.003, (300, 33, 3))  # ~1.5 px of landmark jitter at rest
    out = np.array([f(i * DT_NS, raw[i]) for i in range(300)])
    assert out[50:].std() < raw[50:].std() / 2


def test_lag_at_walking_speed_is_at_most_one_frame() -> None:
    # A landmark sweeping half the frame per second: a knee or hand at walking pace.
    f = OneEuroFilter(OneEuroParams())
    speed = 0.5
    t = np.arange(90) / FPS
    x = (speed * t)[:, None]
    out = np.array([f(int(ti * 1e9), xi) for ti, xi in zip(t, x, strict=True)])
    lag_s = (x[60:, 0] - out[60:, 0]).mean() / speed
    assert lag_s <= 1 / FPS


def test_gap_and_repeats_restart_cleanly() -> None:
    f = OneEuroFilter()
    f(0, np.zeros(3))
    np.testing.assert_array_equal(f(0, np.ones(3)), np.zeros(3))  # same timestamp: no change
    np.testing.assert_array_equal(f(2_000_000_000, np.ones(3)), np.ones(3))  # long gap: restart
    with pytest.raises(ValueError):
        OneEuroParams(min_cutoff_hz=0)
