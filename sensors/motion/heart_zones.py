"""Heart-rate reference values and intensity bands.

Sources:
- Tanaka H, Monahan KD, Seals DR. Age-predicted maximal heart rate revisited.
  J Am Coll Cardiol 2001;37(1):153-156: HRmax = 208 - 0.7 * age (years).
- Karvonen MJ et al. 1957: heart-rate reserve, target = HRrest + i * (HRmax - HRrest).
- Garber CE et al. (ACSM position stand). Med Sci Sports Exerc 2011;43(7):1334-1359,
  Table 4: intensity by %HRR: very light < 30 %, light 30-39 %, moderate 40-59 %,
  vigorous 60-89 %, near-maximal >= 90 %.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


def hr_max_tanaka(age_y: float) -> float:
    """Age-predicted maximal heart rate in beats/min (Tanaka 2001)."""
    if not 5 <= age_y <= 100:
        raise ValueError(f"age must be 5..100 years for an age-predicted HRmax, got {age_y}")
    return 208.0 - 0.7 * age_y


class Intensity(enum.StrEnum):
    """ACSM intensity bands by heart-rate reserve (Garber 2011)."""

    VERY_LIGHT = "very light"
    LIGHT = "light"
    MODERATE = "moderate"
    VIGOROUS = "vigorous"
    NEAR_MAXIMAL = "near maximal"


# Lower bounds as a fraction of heart-rate reserve, highest first.
_BANDS: tuple[tuple[float, Intensity], ...] = (
    (0.90, Intensity.NEAR_MAXIMAL),
    (0.60, Intensity.VIGOROUS),
    (0.40, Intensity.MODERATE),
    (0.30, Intensity.LIGHT),
)


@dataclass(frozen=True, slots=True)
class HeartProfile:
    """A player's heart-rate reference values (beats/min)."""

    hr_rest_bpm: float = 60.0
    hr_max_bpm: float = hr_max_tanaka(30)

    def __post_init__(self) -> None:
        if not 25 <= self.hr_rest_bpm < self.hr_max_bpm <= 250:
            raise ValueError(f"need 25 <= rest < max <= 250 bpm, got rest {self.hr_rest_bpm}, max {self.hr_max_bpm}")

    @classmethod
    def for_age(cls, age_y: float, hr_rest_bpm: float = 60.0) -> HeartProfile:
        return cls(hr_rest_bpm=hr_rest_bpm, hr_max_bpm=hr_max_tanaka(age_y))

    def reserve_fraction(self, hr_bpm: float) -> float:
        """Fraction of heart-rate reserve (Karvonen); may fall outside 0..1 for odd readings."""
        return (hr_bpm - self.hr_rest_bpm) / (self.hr_max_bpm - self.hr_rest_bpm)

    def intensity(self, hr_bpm: float) -> Intensity:
        frac = self.reserve_fraction(hr_bpm)
        for lower, band in _BANDS:
            if frac >= lower:
                return band
        return Intensity.VERY_LIGHT
