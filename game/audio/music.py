"""Background music: a short loop generated per style, seamless when repeated.

A loop is four bars of four beats over a four-chord progression: a plucked bass on the root,
a soft pad holding the triad, an arpeggio in eighth notes walking the chord, and a light
hi-hat on the off-beats. Chords are built on scale degrees of a major or natural-minor scale,
tones in equal temperament (:func:`game.audio.synth.note_hz`). The tempo (beats per minute)
is the style's own times a factor, so a mode can make the music follow the game's pace.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from game.audio.synth import Samples, adsr, mix_at, noise, normalise, note_hz, phase_of, seconds, tone, wave

MAJOR = (0, 2, 4, 5, 7, 9, 11)
MINOR = (0, 2, 3, 5, 7, 8, 10)


@dataclass(frozen=True, slots=True)
class Style:
    """A loop's character: ``tonic`` a MIDI note (the key), ``scale`` steps in semitones,
    ``degrees`` the four chords as scale degrees (0 = I), ``bpm`` beats per minute at tempo 1,
    ``arp_shape`` the arpeggio's wave, ``hat`` the hi-hat's loudness (0 for none)."""

    tonic: int
    scale: tuple[int, ...]
    degrees: tuple[int, int, int, int]
    bpm: float
    arp_shape: str = "triangle"
    hat: float = 0.12


#: One style per mode, and a default for any other. I-V-vi-IV and i-VI-III-VII are the most
#: common four-chord progressions of popular music; IV-I-V-vi is the same set, calmer.
STYLES: dict[str, Style] = {
    "default": Style(60, MAJOR, (0, 4, 5, 3), 112),
    "menu": Style(65, MAJOR, (3, 0, 4, 5), 92, arp_shape="sine", hat=0.0),
    "runner": Style(60, MAJOR, (0, 4, 5, 3), 124),
    "ski": Style(62, MAJOR, (3, 0, 4, 5), 104, arp_shape="sine", hat=0.08),
    "punch": Style(57, MINOR, (0, 5, 2, 6), 128, arp_shape="square", hat=0.16),
    "heartzone": Style(65, MAJOR, (0, 5, 3, 4), 96, arp_shape="sine", hat=0.06),
}


def style_for(name: str | None) -> Style:
    return STYLES.get(name or "default", STYLES["default"])


def _triad(style: Style, degree: int) -> tuple[int, int, int]:
    """The three notes (MIDI) of the chord on ``degree`` of the style's scale, root position."""
    sc = style.scale

    def step(i: int) -> int:
        return style.tonic + sc[i % 7] + 12 * (i // 7)

    return step(degree), step(degree + 2), step(degree + 4)


def render_loop(style: Style, sr: int, tempo: float = 1.0) -> Samples:
    """Four bars of ``style`` at ``tempo`` times its own bpm, as mono float32 at ``sr`` Hz,
    peak 0.5. The last notes' tails are folded onto the start, so the loop joins without a click."""
    beat_s = 60.0 / (style.bpm * max(0.25, tempo))
    n = seconds(sr, beat_s * 16)
    out = np.zeros(n, dtype=np.float32)
    eighth = beat_s / 2
    for bar, degree in enumerate(style.degrees):
        root, third, fifth = _triad(style, degree)
        bar0 = bar * 4 * beat_s
        # Pad: the triad an octave down, slow attack, the whole bar.
        pad_n = seconds(sr, 4 * beat_s)
        pad_env = adsr(pad_n, sr, 0.25 * beat_s, 2 * beat_s, 0.6, 0.5 * beat_s)
        pad = sum(wave(phase_of(note_hz(m - 12), pad_n, sr), "sine") for m in (root, third, fifth))
        mix_at(out, (pad * pad_env).astype(np.float32), seconds(sr, bar0), 0.10, wrap=True)
        # Bass: the root two octaves down on beats 1 and 3, a pushed note on the "and" of 4.
        for b, dur in ((0.0, 1.5), (2.0, 1.0), (3.5, 0.5)):
            note = tone(note_hz(root - 24), dur * beat_s, sr, "triangle", (0.005, 0.15 * beat_s, 0.5, 0.1 * beat_s))
            mix_at(out, note, seconds(sr, bar0 + b * beat_s), 0.45, wrap=True)
        # Arpeggio: root, third, fifth, octave, and back, one per eighth note.
        for i, m in enumerate((root, third, fifth, root + 12, fifth, third, root + 12, fifth)):
            note = tone(note_hz(m + 12), eighth * 0.95, sr, style.arp_shape, (0.004, 0.4 * eighth, 0.25, 0.3 * eighth))
            mix_at(out, note, seconds(sr, bar0 + i * eighth), 0.16, wrap=True)
        # Hi-hat on the off-beats.
        if style.hat > 0:
            for b in range(4):
                hat = noise(0.04, sr, seed=bar * 4 + b, bright=True) * adsr(seconds(sr, 0.04), sr, 0.001, 0.01, 0.0, 0.02)
                mix_at(out, hat, seconds(sr, bar0 + (b + 0.5) * beat_s), style.hat, wrap=True)
    return normalise(out, 0.5)
