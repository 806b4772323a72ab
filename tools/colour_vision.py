"""How colours look to people with colour-vision deficiency, and how far apart two colours look.

Run as a script to check the game's zone colours (``python -m tools.colour_vision``): it prints
each band's colour as seen with normal vision, protanopia and deuteranopia, and the CIEDE2000
difference between neighbouring bands under each.

Sources:

- Simulation: Machado GM, Oliveira MM, Fernandes LAF. A physiologically-based model for
  simulation of color vision deficiency. IEEE TVCG 2009;15(6):1291-1298. The dichromat
  (severity 1.0) matrices of its supplementary table, applied to linear sRGB values.
- sRGB transfer function and the sRGB (D65) to CIE XYZ matrix: IEC 61966-2-1:1999.
- CIELAB with the D65 white point: CIE 15:2004.
- Colour difference: CIEDE2000 (CIE 142-2001), computed as in Sharma G, Wu W, Dalal EN. The
  CIEDE2000 color-difference formula: implementation notes, supplementary test data, and
  mathematical observations. Color Res Appl 2005;30(1):21-30 (eqs. 1-17, kL = kC = kH = 1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

RGB = tuple[int, int, int]

#: Machado et al. 2009, severity 1.0, rows map linear (R, G, B) to the simulated linear RGB.
MACHADO_2009: dict[str, np.ndarray] = {
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216], [-0.003882, -0.048116, 1.051998]]),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413], [-0.011820, 0.042940, 0.968881]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602], [0.004733, 0.691367, 0.303900]]),
}

# IEC 61966-2-1: linear sRGB (D65) to XYZ.
_SRGB_TO_XYZ = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
_D65_WHITE = _SRGB_TO_XYZ @ np.ones(3)


def to_linear(rgb: RGB) -> np.ndarray:
    """8-bit sRGB to linear values 0..1 (the sRGB transfer function inverted)."""
    c = np.asarray(rgb, dtype=float) / 255.0
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


def to_srgb(linear: np.ndarray) -> RGB:
    """Linear values (clipped to 0..1) to 8-bit sRGB."""
    c = np.clip(linear, 0.0, 1.0)
    s = np.where(c <= 0.0031308, 12.92 * c, 1.055 * c ** (1 / 2.4) - 0.055)
    r, g, b = (int(round(float(v) * 255)) for v in s)
    return (r, g, b)


def simulate(rgb: RGB, deficiency: str) -> RGB:
    """``rgb`` as a dichromat with ``deficiency`` (a key of :data:`MACHADO_2009`) sees it;
    ``"normal"`` returns it unchanged."""
    if deficiency == "normal":
        return rgb
    return to_srgb(MACHADO_2009[deficiency] @ to_linear(rgb))


def to_lab(rgb: RGB) -> tuple[float, float, float]:
    """CIELAB (D65) of an 8-bit sRGB colour."""
    xyz = _SRGB_TO_XYZ @ to_linear(rgb) / _D65_WHITE
    eps, kappa = 216 / 24389, 24389 / 27
    f = np.where(xyz > eps, np.cbrt(xyz), (kappa * xyz + 16) / 116)
    return (float(116 * f[1] - 16), float(500 * (f[0] - f[1])), float(200 * (f[1] - f[2])))


def delta_e_2000(lab1: Sequence[float], lab2: Sequence[float]) -> float:
    """CIEDE2000 colour difference between two CIELAB colours (Sharma et al. 2005)."""
    L1, a1, b1 = lab1
    L2, a2, b2 = lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360 if c1p else 0.0
    h2p = math.degrees(math.atan2(b2, a2p)) % 360 if c2p else 0.0
    dLp = L2 - L1
    dCp = c2p - c1p
    if c1p * c2p == 0:
        dhp = 0.0
    elif abs(h2p - h1p) <= 180:
        dhp = h2p - h1p
    elif h2p - h1p > 180:
        dhp = h2p - h1p - 360
    else:
        dhp = h2p - h1p + 360
    dHp = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dhp / 2))
    Lp_bar = (L1 + L2) / 2
    Cp_bar = (c1p + c2p) / 2
    if c1p * c2p == 0:
        hp_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        hp_bar = (h1p + h2p) / 2
    elif h1p + h2p < 360:
        hp_bar = (h1p + h2p + 360) / 2
    else:
        hp_bar = (h1p + h2p - 360) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(hp_bar - 30))
        + 0.24 * math.cos(math.radians(2 * hp_bar))
        + 0.32 * math.cos(math.radians(3 * hp_bar + 6))
        - 0.20 * math.cos(math.radians(4 * hp_bar - 63))
    )
    d_theta = 30 * math.exp(-(((hp_bar - 275) / 25) ** 2))
    rc = 2 * math.sqrt(Cp_bar**7 / (Cp_bar**7 + 25**7))
    sl = 1 + 0.015 * (Lp_bar - 50) ** 2 / math.sqrt(20 + (Lp_bar - 50) ** 2)
    sc = 1 + 0.045 * Cp_bar
    sh = 1 + 0.015 * Cp_bar * t
    rt = -math.sin(math.radians(2 * d_theta)) * rc
    return math.sqrt((dLp / sl) ** 2 + (dCp / sc) ** 2 + (dHp / sh) ** 2 + rt * (dCp / sc) * (dHp / sh))


def delta_e(rgb1: RGB, rgb2: RGB, deficiency: str = "normal") -> float:
    """CIEDE2000 difference of two sRGB colours as seen with ``deficiency`` (or normal vision)."""
    return delta_e_2000(to_lab(simulate(rgb1, deficiency)), to_lab(simulate(rgb2, deficiency)))


def adjacent_differences(colours: Sequence[RGB], deficiency: str) -> list[float]:
    """CIEDE2000 between each colour and the next, as seen with ``deficiency``."""
    return [delta_e(a, b, deficiency) for a, b in zip(colours, colours[1:], strict=False)]


def main() -> None:
    from game.render.palette import ZONE_COLOURS

    names = [band.value for band in ZONE_COLOURS]
    colours = list(ZONE_COLOURS.values())
    for vision in ("normal", "protanopia", "deuteranopia", "tritanopia"):
        seen = [simulate(c, vision) for c in colours]
        diffs = adjacent_differences(colours, vision)
        print(f"{vision}:")
        for name, c, d in zip(names, seen, [*diffs, None], strict=True):
            gap = f"  dE2000 to next {d:5.1f}" if d is not None else ""
            print(f"  {name:<13} {c}{gap}")


if __name__ == "__main__":
    main()
