"""Sound effects and music, generated in code at start-up and played through pygame's mixer.

``ctx.sound.play("hit")`` from any scene; the cue names are :data:`CUES`. Silent (and never
failing) without an audio device.
"""

from game.audio.cues import CUES
from game.audio.player import DEFAULT_VOLUME, Sound

__all__ = ["CUES", "DEFAULT_VOLUME", "Sound"]
