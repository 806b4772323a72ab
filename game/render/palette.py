"""Colours used across scenes (RGB)."""

from __future__ import annotations

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
ZONE_COLOURS: dict[Intensity, Color] = {
    Intensity.VERY_LIGHT: (150, 160, 170),
    Intensity.LIGHT: (86, 156, 214),
    Intensity.MODERATE: (72, 180, 96),
    Intensity.VIGOROUS: (240, 160, 40),
    Intensity.NEAR_MAXIMAL: (224, 56, 56),
}
