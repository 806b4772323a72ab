"""Plays the generated cues and music through ``pygame.mixer``, or nothing at all.

:class:`Sound` is what scenes reach as ``ctx.sound``. It never raises during a game: with no
audio device (a server, a muted kiosk, ``SDL_AUDIODRIVER`` unusable) or when the mixer cannot
start, it is silent and says so once in the log. Unknown cue names are logged once too, so a
typo shows in the log of a headless test rather than as a crash in front of a class.
"""

from __future__ import annotations

import logging

import numpy as np
import pygame

from game.audio.cues import CUES, synth_cues
from game.audio.music import render_loop, style_for
from game.audio.synth import Samples
from game.engine.config import DEFAULT_VOLUME

log = logging.getLogger("liike.audio")

SAMPLE_RATE_HZ = 22050  # plenty for these sounds, half the work of 44.1 kHz
MIXER_BUFFER = 512  # samples per mixing block: ~23 ms at 22.05 kHz, short enough for hit feedback
CHANNELS = 16  # simultaneous sounds (pygame's default is 8; bursts of hits need more)
MUSIC_GAIN = 0.45  # music under the effects
TEMPO_STEP = 0.1  # music tempo changes in 10 % steps, each loop rendered once
FADE_MS = 400


class Sound:
    """Cue and music player. ``volume`` 0..100; ``muted`` starts silent (M toggles)."""

    def __init__(self, volume: int = DEFAULT_VOLUME, muted: bool = False, *, enabled: bool = True) -> None:
        if not 0 <= volume <= 100:
            raise ValueError(f"volume must be 0..100, got {volume}")
        self._volume = volume
        self._muted = muted
        self._warned: set[str] = set()
        self._cues: dict[str, pygame.mixer.Sound] = {}
        self._loops: dict[tuple[str, float], pygame.mixer.Sound] = {}
        self._music_channel: pygame.mixer.Channel | None = None
        self._music: tuple[str, float] | None = None
        self._channels = 0
        self.enabled = enabled and self._open_mixer()
        if self.enabled:
            self._cues = {name: self._make(samples) for name, samples in synth_cues(self._rate).items()}

    @classmethod
    def silent(cls) -> Sound:
        """A player that never touches the audio device (tests, the class board)."""
        return cls(enabled=False)

    # -- device ------------------------------------------------------------------------------
    def _open_mixer(self) -> bool:
        try:
            if pygame.mixer.get_init() is None:
                pygame.mixer.init(frequency=SAMPLE_RATE_HZ, size=-16, channels=2, buffer=MIXER_BUFFER)
            init = pygame.mixer.get_init()
            if init is None:
                raise pygame.error("the mixer did not start")
            self._rate, _size, self._channels = init
            pygame.mixer.set_num_channels(CHANNELS)
            self._music_channel = pygame.mixer.Channel(CHANNELS - 1)
            pygame.mixer.set_reserved(1)  # the last channel is the music's alone
        except (pygame.error, NotImplementedError) as exc:
            log.info("no sound: %s", exc)
            return False
        return True

    def _make(self, samples: Samples) -> pygame.mixer.Sound:
        pcm = np.clip(samples * 32767.0, -32768, 32767).astype(np.int16)
        if self._channels > 1:
            pcm = np.repeat(pcm[:, None], self._channels, axis=1)
        return pygame.sndarray.make_sound(np.ascontiguousarray(pcm))

    def close(self) -> None:
        """Stop everything and let go of the device."""
        if self.enabled:
            self.enabled = False
            try:
                pygame.mixer.stop()
                pygame.mixer.quit()
            except pygame.error:
                pass

    # -- volume ------------------------------------------------------------------------------
    @property
    def volume(self) -> int:
        return self._volume

    @volume.setter
    def volume(self, value: int) -> None:
        self._volume = max(0, min(100, int(value)))
        self._apply_music_volume()

    @property
    def muted(self) -> bool:
        return self._muted

    def toggle_mute(self) -> bool:
        """Mute or unmute (the M key); returns whether it is muted now."""
        self._muted = not self._muted
        self._apply_music_volume()
        return self._muted

    def _gain(self) -> float:
        return 0.0 if self._muted else self._volume / 100.0

    def _apply_music_volume(self) -> None:
        if self.enabled and self._music_channel is not None:
            self._music_channel.set_volume(self._gain() * MUSIC_GAIN)

    # -- effects -----------------------------------------------------------------------------
    def play(self, cue: str) -> None:
        """Play a cue of :data:`game.audio.cues.CUES`; an unknown name is logged once."""
        if cue not in CUES:
            if cue not in self._warned:
                self._warned.add(cue)
                log.warning("no sound cue named %r (known: %s)", cue, ", ".join(CUES))
            return
        if not self.enabled or self._muted or self._volume == 0:
            return
        sound = self._cues[cue]
        channel = sound.play()
        if channel is not None:
            channel.set_volume(self._gain())

    # -- music -------------------------------------------------------------------------------
    def music(self, style: str | None = "default", tempo: float = 1.0) -> None:
        """Loop the music of ``style`` (a mode's name, ``menu``; unknown names get the default)
        at ``tempo`` times its own speed, in :data:`TEMPO_STEP` steps; the same again changes nothing."""
        if not self.enabled:
            return
        key = (style or "default", round(round(max(0.5, min(2.0, tempo)) / TEMPO_STEP) * TEMPO_STEP, 2))
        if key == self._music or self._music_channel is None:
            return
        loop = self._loops.get(key)
        if loop is None:
            loop = self._loops[key] = self._make(render_loop(style_for(key[0]), self._rate, key[1]))
        self._music = key
        self._music_channel.play(loop, loops=-1, fade_ms=FADE_MS)
        self._apply_music_volume()

    def set_tempo(self, tempo: float) -> None:
        """The current music at another tempo (the game's pace), crossing over at the next step."""
        if self._music is not None:
            self.music(self._music[0], tempo)

    def stop_music(self) -> None:
        self._music = None
        if self.enabled and self._music_channel is not None:
            self._music_channel.fadeout(FADE_MS)

    @property
    def playing_music(self) -> tuple[str, float] | None:
        """The style and tempo of the music playing, or None."""
        return self._music
