"""Generated cues and music, and a player that is silent rather than failing without a device."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import numpy as np
import pygame
import pytest

from game.audio import CUES, Sound
from game.audio.cues import synth_cues
from game.audio.music import STYLES, render_loop, style_for
from game.audio.synth import adsr, note_hz, sweep, wave

SR = 22050


@pytest.fixture()
def mixer_off() -> Iterator[None]:
    yield
    if pygame.mixer.get_init() is not None:
        pygame.mixer.quit()


def test_equal_temperament() -> None:
    assert note_hz(69) == pytest.approx(440.0)
    assert note_hz(81) == pytest.approx(880.0)
    assert note_hz(60) == pytest.approx(261.6256, abs=1e-3)  # middle C


def test_adsr_rises_decays_and_releases() -> None:
    env = adsr(SR, SR, attack_s=0.01, decay_s=0.05, sustain=0.5, release_s=0.1)
    peak = int(np.argmax(env))
    assert abs(peak - 0.01 * SR) <= 2 and env[peak] == pytest.approx(1.0, abs=0.01)
    assert env[int(0.5 * SR)] == pytest.approx(0.5, abs=0.01)  # held at the sustain level
    assert env[-1] < 0.01  # released to near silence


def test_a_sine_sweep_has_the_frequencies_asked_for() -> None:
    s = sweep(200.0, 800.0, 1.0, SR)
    first, last = s[: SR // 10], s[-SR // 10 :]

    def dominant(x: np.ndarray) -> float:
        spec = np.abs(np.fft.rfft(x))
        return float(np.argmax(spec) * SR / x.size)

    assert dominant(first) == pytest.approx(200 * 4**0.05, rel=0.1)
    assert dominant(last) == pytest.approx(800 * 4**-0.05, rel=0.1)


@pytest.mark.parametrize("shape", ["sine", "square", "saw", "triangle"])
def test_waves_stay_in_range(shape: str) -> None:
    phase = np.linspace(0, 40 * np.pi, 4000, dtype=np.float32)
    w = wave(phase, shape)
    assert float(np.max(np.abs(w))) <= 1.2 and float(np.std(w)) > 0.3


def test_every_cue_is_made_short_finite_and_audible() -> None:
    cues = synth_cues(SR)
    assert set(cues) == set(CUES)
    for name, x in cues.items():
        assert x.dtype == np.float32 and np.isfinite(x).all(), name
        assert 0.02 < x.size / SR <= 1.5, name
        assert 0.1 <= float(np.max(np.abs(x))) <= 0.75, name
    # Feedback heard many times a minute is quieter than the start signal.
    assert np.max(np.abs(cues["step"])) < np.max(np.abs(cues["go"]))


def test_music_loops_last_four_bars_at_the_tempo_given() -> None:
    style = STYLES["runner"]
    loop = render_loop(style, SR)
    assert loop.size == round(SR * 16 * 60 / style.bpm)
    faster = render_loop(style, SR, tempo=1.25)
    assert faster.size == round(SR * 16 * 60 / (style.bpm * 1.25))
    assert np.isfinite(loop).all() and float(np.max(np.abs(loop))) == pytest.approx(0.5, abs=1e-3)
    # Seamless: the join is no louder a step than the loop's own steps.
    steps = np.abs(np.diff(loop))
    assert abs(float(loop[0] - loop[-1])) <= float(np.percentile(steps, 99.9))
    assert style_for("no such mode") == STYLES["default"] and style_for(None) == STYLES["default"]


def test_the_player_plays_through_a_dummy_device(mixer_off: None, caplog: pytest.LogCaptureFixture) -> None:
    sound = Sound(volume=50)
    assert sound.enabled
    for cue in CUES:
        sound.play(cue)
    with caplog.at_level(logging.WARNING, logger="liike.audio"):
        sound.play("boing")
        sound.play("boing")
    assert [r.getMessage().split(" (")[0] for r in caplog.records] == ["no sound cue named 'boing'"]
    sound.music("ski")
    assert sound.playing_music == ("ski", 1.0)
    sound.set_tempo(1.14)
    assert sound.playing_music == ("ski", 1.1)
    sound.set_tempo(1.12)  # the same step: nothing restarts
    assert sound.playing_music == ("ski", 1.1)
    assert sound.toggle_mute() is True and sound.muted
    sound.play("hit")  # muted: nothing heard, nothing fails
    assert sound.toggle_mute() is False
    sound.volume = 130
    assert sound.volume == 100
    sound.stop_music()
    assert sound.playing_music is None
    sound.close()
    assert not sound.enabled
    sound.play("hit")  # after closing: a no-op


def test_a_mixer_that_cannot_start_leaves_the_game_silent(
    mixer_off: None, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def no_device(*args: object, **kwargs: object) -> None:
        raise pygame.error("No available audio device")

    if pygame.mixer.get_init() is not None:
        pygame.mixer.quit()
    monkeypatch.setattr(pygame.mixer, "init", no_device)
    with caplog.at_level(logging.INFO, logger="liike.audio"):
        sound = Sound()
    assert not sound.enabled
    assert "no sound: No available audio device" in caplog.text
    for cue in CUES:
        sound.play(cue)
    sound.music("runner")
    sound.set_tempo(1.3)
    assert sound.playing_music is None
    sound.toggle_mute()
    sound.close()


def test_volume_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="0..100"):
        Sound(volume=101, enabled=False)
    assert Sound.silent().enabled is False
