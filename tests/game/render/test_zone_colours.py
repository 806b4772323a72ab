"""Zone colours stay apart for colour-blind players, and the simulator and colour difference behind
that check are right (CIEDE2000 against the published test pairs)."""

from __future__ import annotations

import pytest

from game.render.palette import INK, PANEL, ZONE_COLOURS, band_name
from sensors.motion.heart_zones import Intensity
from tools.colour_vision import adjacent_differences, delta_e_2000, simulate, to_lab, to_linear

#: Least CIEDE2000 between neighbouring bands. A difference above about 5 is seen as two
#: different colours at a glance (Mokrzycki & Tatol 2011); the margin allows for the
#: simulation being a model of an average dichromat, and for screens.
MIN_DELTA_E = 20.0


@pytest.mark.parametrize("vision", ["normal", "protanopia", "deuteranopia"])
def test_neighbouring_bands_differ_under_each_vision(vision: str) -> None:
    colours = [ZONE_COLOURS[band] for band in Intensity]
    diffs = adjacent_differences(colours, vision)
    assert min(diffs) >= MIN_DELTA_E, f"{vision}: {[round(d, 1) for d in diffs]}"


def test_the_colours_are_readable_as_text_on_panels() -> None:
    def luminance(rgb: tuple[int, int, int]) -> float:
        r, g, b = to_linear(rgb)
        return float(0.2126 * r + 0.7152 * g + 0.0722 * b)

    # Coloured text on the dark panels (the HUD), and dark text on coloured tiles (the class board).
    for band, colour in ZONE_COLOURS.items():
        for other in (PANEL, INK):
            hi, lo = sorted((luminance(colour), luminance(other)), reverse=True)
            assert (hi + 0.05) / (lo + 0.05) >= 4.5, (band, other)  # WCAG 2.1 SC 1.4.3


def test_every_band_has_a_name_in_every_language() -> None:
    from game import i18n

    for lang in i18n.LANGUAGES:
        i18n.set_language(lang)
        names = [band_name(b) for b in Intensity]
        assert len(set(names)) == len(names) and all(n and not n.startswith("intensity.") for n in names)
    i18n.set_language("en")
    assert band_name(Intensity.NEAR_MAXIMAL) == "near maximal"


@pytest.mark.parametrize(
    ("lab1", "lab2", "expected"),
    [  # Sharma, Wu & Dalal 2005, Table 1 (pairs 1, 7, 12, 20, 34)
        ((50.0, 2.6772, -79.7751), (50.0, 0.0, -82.7485), 2.0425),
        ((50.0, 0.0, 0.0), (50.0, -1.0, 2.0), 2.3669),
        ((50.0, 2.5, 0.0), (73.0, 25.0, -18.0), 27.1492),
        ((50.0, 2.5, 0.0), (50.0, 3.1736, 0.5854), 1.0),
        ((22.7233, 20.0904, -46.694), (23.0331, 14.973, -42.5619), 2.0373),
    ],
)
def test_ciede2000_matches_the_published_test_data(lab1: tuple[float, ...], lab2: tuple[float, ...], expected: float) -> None:
    assert delta_e_2000(lab1, lab2) == pytest.approx(expected, abs=1e-4)
    assert delta_e_2000(lab2, lab1) == pytest.approx(expected, abs=1e-4)


def test_the_simulator_merges_red_and_green_for_dichromats() -> None:
    red, green = (180, 80, 60), (100, 130, 60)  # a red and a green of similar lightness
    assert delta_e_2000(to_lab(red), to_lab(green)) > 40
    # Protanopes also see red darker, so the pair keeps a lightness difference; deuteranopes
    # see them as nearly the same colour.
    assert delta_e_2000(to_lab(simulate(red, "protanopia")), to_lab(simulate(green, "protanopia"))) < 15
    assert delta_e_2000(to_lab(simulate(red, "deuteranopia")), to_lab(simulate(green, "deuteranopia"))) < 3
    assert simulate((255, 255, 255), "deuteranopia") == (255, 255, 255)  # white stays white
    assert simulate((12, 34, 56), "normal") == (12, 34, 56)
    assert to_lab((255, 255, 255)) == pytest.approx((100.0, 0.0, 0.0), abs=0.01)
