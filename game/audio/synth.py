"""Sound synthesis building blocks in numpy: notes, envelopes, waves, noise. No I/O, no pygame.

Every function returns mono float32 samples in -1..1 at a sample rate ``sr`` (Hz) given by the
caller. Sources of the formulas:

- Equal temperament with A4 = 440 Hz, notes numbered as in MIDI (A4 = 69):
  f = 440 * 2 ** ((n - 69) / 12) (MIDI Tuning Standard, MIDI Manufacturers Association 1996;
  ISO 16:1975 for the 440 Hz reference).
- ADSR envelope (attack, decay, sustain level, release), the four-segment amplitude contour of
  analogue synthesisers (Roads 1996, *The Computer Music Tutorial*, ch. 3), here with linear
  attack and exponential decay and release, which sound natural because loudness is heard on a
  roughly logarithmic scale.
- Band-limited-enough square and sawtooth waves as a few terms of their Fourier series
  (square: odd harmonics at 1/k; sawtooth: all harmonics at 1/k; Smith 2007, *Mathematics of the
  Discrete Fourier Transform*), which avoids the aliasing of naive waveforms at 22 kHz.
- A frequency sweep integrates the instantaneous frequency into phase: phi = 2 pi cumsum(f) / sr.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

Samples = npt.NDArray[np.float32]

A4_HZ = 440.0
A4_NOTE = 69


def note_hz(note: float) -> float:
    """Frequency (Hz) of a MIDI note number in equal temperament (A4 = 69 = 440 Hz)."""
    return A4_HZ * 2.0 ** ((note - A4_NOTE) / 12.0)


def seconds(sr: int, dur_s: float) -> int:
    """Number of samples in ``dur_s`` seconds (at least one)."""
    return max(1, round(sr * dur_s))


def adsr(n: int, sr: int, attack_s: float, decay_s: float, sustain: float, release_s: float) -> Samples:
    """Amplitude envelope of ``n`` samples: linear rise over ``attack_s``, exponential fall to
    ``sustain`` (0..1) with time constant ``decay_s``, held, then an exponential release over the
    last ``release_s`` (time constant a fifth of it, so it ends near silence)."""
    t = np.arange(n, dtype=np.float32) / sr
    env = np.where(
        t < attack_s,
        t / max(attack_s, 1e-6),
        sustain + (1.0 - sustain) * np.exp(-(t - attack_s) / max(decay_s, 1e-6)),
    ).astype(np.float32)
    rel = min(n, seconds(sr, release_s))
    if rel > 1:
        env[n - rel :] *= np.exp(-np.linspace(0.0, 5.0, rel, dtype=np.float32))
    return env


def phase_of(freq_hz: float | npt.NDArray[np.float32], n: int, sr: int) -> Samples:
    """Phase (radians) of a constant frequency or of a per-sample frequency array."""
    if isinstance(freq_hz, np.ndarray):
        return (2.0 * np.pi * np.cumsum(freq_hz) / sr).astype(np.float32)
    return (2.0 * np.pi * freq_hz * np.arange(n, dtype=np.float32) / sr).astype(np.float32)


def wave(phase: Samples, shape: str = "sine", harmonics: int = 7) -> Samples:
    """A periodic wave of the given phase: ``sine``, ``square``, ``saw`` or ``triangle``
    (the last three as ``harmonics`` terms of their Fourier series, peak about 1)."""
    if shape == "sine":
        return np.sin(phase).astype(np.float32)
    out = np.zeros_like(phase)
    if shape == "square":
        for k in range(1, 2 * harmonics, 2):
            out += np.sin(k * phase) / k
        return (out * (4 / np.pi) * 0.9).astype(np.float32)
    if shape == "saw":
        for k in range(1, harmonics + 1):
            out += np.sin(k * phase) / k
        return (out * (2 / np.pi)).astype(np.float32)
    if shape == "triangle":
        for i, k in enumerate(range(1, 2 * harmonics, 2)):
            out += (-1) ** i * np.sin(k * phase) / (k * k)
        return (out * (8 / np.pi**2)).astype(np.float32)
    raise ValueError(f"unknown wave shape {shape!r}")


def tone(
    freq_hz: float,
    dur_s: float,
    sr: int,
    shape: str = "sine",
    env: tuple[float, float, float, float] = (0.005, 0.1, 0.3, 0.05),
) -> Samples:
    """One note: a wave of ``freq_hz`` for ``dur_s`` shaped by an ADSR ``env`` (a, d, s, r)."""
    n = seconds(sr, dur_s)
    return wave(phase_of(freq_hz, n, sr), shape) * adsr(n, sr, *env)


def sweep(f0_hz: float, f1_hz: float, dur_s: float, sr: int, shape: str = "sine", curve: float = 1.0) -> Samples:
    """A tone gliding from ``f0_hz`` to ``f1_hz`` (geometric glide; ``curve`` > 1 lingers at the start)."""
    n = seconds(sr, dur_s)
    x = np.linspace(0.0, 1.0, n, dtype=np.float32) ** curve
    freq = (f0_hz * (f1_hz / f0_hz) ** x).astype(np.float32)
    return wave(phase_of(freq, n, sr), shape)


def noise(dur_s: float, sr: int, seed: int = 0, bright: bool = False) -> Samples:
    """White noise; ``bright`` takes the first difference, a simple high-pass that leaves the
    hiss of a hi-hat rather than a rumble."""
    rng = np.random.default_rng(seed)
    out = rng.uniform(-1.0, 1.0, seconds(sr, dur_s) + 1).astype(np.float32)
    return (np.diff(out) * 0.5 if bright else out[1:]).astype(np.float32)


def concat(*parts: Samples, gap_s: float = 0.0, sr: int = 22050) -> Samples:
    """Parts one after another, with ``gap_s`` of silence between them."""
    gap = np.zeros(seconds(sr, gap_s) if gap_s > 0 else 0, dtype=np.float32)
    out: list[Samples] = []
    for i, p in enumerate(parts):
        if i and gap.size:
            out.append(gap)
        out.append(p)
    return np.concatenate(out).astype(np.float32)


def mix_at(buffer: Samples, part: Samples, start: int, gain: float = 1.0, wrap: bool = False) -> None:
    """Add ``part`` into ``buffer`` from sample ``start``; what runs past the end is dropped, or
    with ``wrap`` added at the start (for loops that must join without a click)."""
    n = buffer.size
    end = min(n, start + part.size)
    buffer[start:end] += gain * part[: end - start]
    rest = part.size - (end - start)
    if wrap and rest > 0:
        buffer[: min(rest, n)] += gain * part[end - start : end - start + min(rest, n)]


def normalise(x: Samples, peak: float) -> Samples:
    """Scale ``x`` so its largest magnitude is ``peak`` (silence stays silence)."""
    m = float(np.max(np.abs(x))) if x.size else 0.0
    return (x * (peak / m)).astype(np.float32) if m > 0 else x
