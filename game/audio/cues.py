"""The game's sound effects, each generated from a few notes (:mod:`game.audio.synth`).

Notes are MIDI numbers in equal temperament (60 = C4, 69 = A4 = 440 Hz). Each cue is short
and its loudness is set here, so no cue drowns the others: feedback the player hears many times
a minute (``step``, ``hit``) is quiet and brief, rare moments (``go``, ``finish``) are fuller.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from game.audio.synth import Samples, adsr, concat, noise, normalise, note_hz, seconds, sweep, tone

#: Every cue a mode may ask for, with what it is for.
CUES: dict[str, str] = {
    "hit": "a target or gate hit, an obstacle cleared",
    "miss": "a target missed, an obstacle hit",
    "coin": "a coin or bonus collected",
    "jump": "the player's jump seen",
    "combo": "several hits in a row",
    "countdown": "3, 2, 1 before the round",
    "go": "the round starts",
    "finish": "the round is over",
    "gate": "a ski gate passed",
    "zone_in": "the heart rate entered the target band",
    "zone_out": "the heart rate left the target band",
    "step": "a step or pole plant, very quiet",
}


def _chord(notes: tuple[int, ...], dur_s: float, sr: int, shape: str, env: tuple[float, float, float, float]) -> Samples:
    return np.sum([tone(note_hz(n), dur_s, sr, shape, env) for n in notes], axis=0).astype(np.float32) / len(notes)


def _hit(sr: int) -> Samples:
    # A bright bell-like ping: a fundamental with its octave and twelfth, decaying fast.
    env = (0.002, 0.06, 0.0, 0.04)
    f = note_hz(81)  # A5
    parts = (tone(f, 0.16, sr, "sine", env), tone(2 * f, 0.16, sr, "sine", env), tone(3 * f, 0.16, sr, "sine", env))
    return (parts[0] + 0.4 * parts[1] + 0.2 * parts[2]).astype(np.float32)


def _miss(sr: int) -> Samples:
    n = seconds(sr, 0.28)
    return sweep(220, 110, 0.28, sr, "saw") * adsr(n, sr, 0.005, 0.12, 0.2, 0.08)


def _coin(sr: int) -> Samples:
    env = (0.002, 0.08, 0.4, 0.05)
    return concat(tone(note_hz(83), 0.07, sr, "square", env), tone(note_hz(88), 0.22, sr, "square", env), sr=sr)


def _jump(sr: int) -> Samples:
    n = seconds(sr, 0.18)
    return sweep(330, 780, 0.18, sr, "triangle", curve=0.7) * adsr(n, sr, 0.005, 0.08, 0.5, 0.06)


def _combo(sr: int) -> Samples:
    env = (0.002, 0.05, 0.5, 0.03)
    notes = (72, 76, 79, 84)  # C5 E5 G5 C6: a major arpeggio
    return concat(*(tone(note_hz(n), 0.06 if i < 3 else 0.2, sr, "square", env) for i, n in enumerate(notes)), sr=sr)


def _countdown(sr: int) -> Samples:
    return tone(note_hz(76), 0.16, sr, "sine", (0.003, 0.08, 0.5, 0.05))  # E5


def _go(sr: int) -> Samples:
    return _chord((88, 95), 0.5, sr, "triangle", (0.004, 0.2, 0.5, 0.2))  # E6 with its fifth


def _finish(sr: int) -> Samples:
    env = (0.004, 0.08, 0.6, 0.05)
    run = concat(*(tone(note_hz(n), 0.11, sr, "square", env) for n in (72, 76, 79)), sr=sr)
    return concat(run, _chord((72, 76, 79, 84), 0.9, sr, "triangle", (0.01, 0.4, 0.5, 0.4)), sr=sr)


def _gate(sr: int) -> Samples:
    env = (0.002, 0.12, 0.0, 0.1)
    f = note_hz(79)  # G5
    return (tone(f, 0.3, sr, "sine", env) + 0.35 * tone(f * 2.76, 0.3, sr, "sine", env)).astype(np.float32)


def _zone_in(sr: int) -> Samples:
    env = (0.01, 0.15, 0.4, 0.12)
    return concat(tone(note_hz(72), 0.16, sr, "sine", env), tone(note_hz(79), 0.32, sr, "sine", env), sr=sr)


def _zone_out(sr: int) -> Samples:
    env = (0.01, 0.15, 0.4, 0.12)
    return concat(tone(note_hz(79), 0.16, sr, "sine", env), tone(note_hz(72), 0.32, sr, "sine", env), sr=sr)


def _step(sr: int) -> Samples:
    n = seconds(sr, 0.035)
    return noise(0.035, sr, seed=7, bright=True) * adsr(n, sr, 0.001, 0.008, 0.0, 0.01)


_MAKERS: dict[str, tuple[Callable[[int], Samples], float]] = {
    # name: (maker, peak loudness 0..1)
    "hit": (_hit, 0.55),
    "miss": (_miss, 0.45),
    "coin": (_coin, 0.4),
    "jump": (_jump, 0.4),
    "combo": (_combo, 0.45),
    "countdown": (_countdown, 0.6),
    "go": (_go, 0.7),
    "finish": (_finish, 0.6),
    "gate": (_gate, 0.5),
    "zone_in": (_zone_in, 0.5),
    "zone_out": (_zone_out, 0.4),
    "step": (_step, 0.18),
}


def synth_cues(sr: int) -> dict[str, Samples]:
    """Every cue of :data:`CUES` as mono float32 samples at ``sr`` Hz, peak at its set loudness."""
    return {name: normalise(make(sr), peak) for name, (make, peak) in _MAKERS.items()}
