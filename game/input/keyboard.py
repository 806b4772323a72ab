"""Key names for pygame key codes, without needing an initialised display."""

from __future__ import annotations

import pygame

_NAMES: dict[int, str] = {getattr(pygame, attr): attr[2:].lower() for attr in dir(pygame) if attr.startswith("K_")}


def key_name(code: int) -> str:
    """The binding name of a pygame key code (``pygame.K_SPACE`` -> ``"space"``)."""
    return _NAMES.get(code, f"key{code}")
