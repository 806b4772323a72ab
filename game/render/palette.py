"""Colours used across scenes (RGB)."""

from __future__ import annotations

from game.i18n import tr
from sensors.motion.heart_zones import Intensity

Color = tuple[int, int, int]

INK: Color = (24, 28, 38)
PAPER: Color = (245, 243, 236)
MUTED: Color = (120, 128, 140)
ACCENT: Color = (236, 112, 52)
GOOD: Color = (72, 170, 96)
BAD: Color = (214, 64, 64)
SKY_TOP: Color = (118, 178, 228)
SKY_BOTTOM: Color = (214, 234, 246)
HILLS_FAR: Color = (126, 160, 170)
HILLS_NEAR: Color = (88, 140, 104)
GROUND: Color = (112, 92, 64)
GRASS: Color = (96, 168, 84)
PANEL: Color = (30, 36, 50)

#: One colour per ACSM intensity band, cool to hot, so a teacher reads effort at a glance.
#: Chosen so that neighbouring bands stay apart for players with protanopia and deuteranopia as
#: well as normal vision: CIEDE2000 at least 24 between neighbours under each (simulated with
#: Machado et al. 2009; ``python -m tools.colour_vision`` prints the figures), and each at
#: least 4.5:1 contrast against :data:`PANEL` for text (WCAG 2.1, success criterion 1.4.3).
#: Colour is never the only cue: the band's name is written beside it (:func:`band_name`).
ZONE_COLOURS: dict[Intensity, Color] = {
    Intensity.VERY_LIGHT: (180, 180, 180),  # grey
    Intensity.LIGHT: (90, 150, 255),  # blue
    Intensity.MODERATE: (40, 170, 140),  # teal
    Intensity.VIGOROUS: (255, 220, 0),  # yellow
    Intensity.NEAR_MAXIMAL: (250, 80, 110),  # red-pink
}


def band_name(band: Intensity) -> str:
    """The band's name in the player's language ("moderate", "kohtalainen" ...)."""
    return tr(f"intensity.{band.name.lower()}")
