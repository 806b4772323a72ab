"""Movement intensity from acceleration: ENMO, cut-points, minutes per class, METs.

Sources:
- van Hees VT et al. Separating movement and gravity components in an acceleration signal and
  implications for the assessment of human daily physical activity. PLoS One
  2013;8(4):e61691. ENMO (Euclidean Norm Minus One) = max(0, sqrt(x^2 + y^2 + z^2) - 1 g),
  per sample, in milli-g; averaged over an epoch.
- Hildebrand M, van Hees VT, Hansen BH, Ekelund U. Age group comparability of raw accelerometer
  output from wrist- and hip-worn monitors. Med Sci Sports Exerc 2014;46(9):1816-1824.
  ENMO cut-points (mg, lower bounds of light / moderate / vigorous), ActiGraph:
  adults non-dominant wrist 44.8 / 100.6 / 428.8; adults hip 47.4 / 69.1 / 258.7;
  children 7-11 wrist 35.6 / 201.4 / 707.0.
- UK Biobank accelerometer analysis (Doherty A et al. Large scale population assessment of
  physical activity using wrist worn accelerometers: the UK Biobank study. PLoS One
  2017;12(2):e0169649): 30 s epochs of ENMO; time in MVPA is the epochs above 100 mg, in
  vigorous activity the epochs above 425 mg; non-wear epochs are missing (NaN) and are
  neither counted as wear time nor as activity; days are calendar days of local time.
- Ainsworth BE et al. 2011 Compendium of Physical Activities: a second update of codes and MET
  values. Med Sci Sports Exerc 2011;43(8):1575-1581. MET values of movements (code in
  brackets) and the intensity bands in METs: sedentary <= 1.5, light 1.6-2.9, moderate
  3.0-5.9, vigorous >= 6.0.

All functions are pure and vectorised; acceleration is in g (1 g = 9.80665 m/s^2) and ENMO in mg.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

#: Standard gravity, m/s^2 per g.
G_MPS2 = 9.80665

#: Intensity classes, in order of the integer codes :func:`classify_epochs` returns.
INTENSITY_CLASSES: tuple[str, ...] = ("sedentary", "light", "moderate", "vigorous")


@dataclass(frozen=True, slots=True)
class CutPoints:
    """ENMO cut-points (mg): an epoch >= ``light_mg`` is light, >= ``moderate_mg`` moderate,
    >= ``vigorous_mg`` vigorous, anything lower sedentary."""

    name: str
    light_mg: float
    moderate_mg: float
    vigorous_mg: float
    source: str

    def __post_init__(self) -> None:
        if not 0 < self.light_mg < self.moderate_mg < self.vigorous_mg:
            raise ValueError(f"cut-points must increase: {self.light_mg}, {self.moderate_mg}, {self.vigorous_mg}")


_HILDEBRAND = "Hildebrand et al. 2014, Med Sci Sports Exerc 46(9):1816-24"
HILDEBRAND_ADULT_WRIST = CutPoints("hildebrand2014-adult-wrist", 44.8, 100.6, 428.8, _HILDEBRAND + ", adults, non-dominant wrist")
HILDEBRAND_ADULT_HIP = CutPoints("hildebrand2014-adult-hip", 47.4, 69.1, 258.7, _HILDEBRAND + ", adults, hip")
HILDEBRAND_CHILD_WRIST = CutPoints("hildebrand2014-child-wrist", 35.6, 201.4, 707.0, _HILDEBRAND + ", children 7-11, wrist")
CUT_POINT_TABLES: dict[str, CutPoints] = {
    c.name: c for c in (HILDEBRAND_ADULT_WRIST, HILDEBRAND_ADULT_HIP, HILDEBRAND_CHILD_WRIST)
}

#: UK Biobank convention (Doherty et al. 2017): MVPA above 100 mg, vigorous above 425 mg.
UKB_MVPA_MG = 100.0
UKB_VPA_MG = 425.0
#: Epoch length of the UK Biobank accelerometer tool's time series.
UKB_EPOCH_S = 30.0


def enmo_mg(acc_g: np.ndarray) -> np.ndarray:
    """ENMO per sample (mg) of (N, 3) acceleration in g: max(0, |a| - 1 g) x 1000 (van Hees 2013).

    Negative values (|a| < 1 g: sensor noise at rest, or free fall) are set to zero, as in the
    paper, rather than taken as absolute values.
    """
    acc = np.asarray(acc_g, dtype=np.float64)
    if acc.ndim != 2 or acc.shape[1] != 3:
        raise ValueError(f"expected acceleration of shape (N, 3), got {acc.shape}")
    norm: np.ndarray = np.sqrt(np.einsum("ij,ij->i", acc, acc))
    return np.maximum(norm - 1.0, 0.0) * 1000.0


def epoch_means(values: np.ndarray, rate_hz: float, epoch_s: float, *, keep_partial: bool = False) -> np.ndarray:
    """Mean of ``values`` over consecutive epochs of ``epoch_s`` seconds at ``rate_hz``.

    Epochs hold round(epoch_s x rate_hz) samples. A trailing partial epoch is dropped unless
    ``keep_partial`` (a part-filled epoch averages fewer samples, so its class is less certain).
    """
    if not rate_hz > 0 or not epoch_s > 0:
        raise ValueError(f"rate and epoch length must be positive, got {rate_hz} Hz, {epoch_s} s")
    v = np.asarray(values, dtype=np.float64)
    per = max(1, int(round(epoch_s * rate_hz)))
    full = v.size // per
    out = v[: full * per].reshape(full, per).mean(axis=1) if full else np.empty(0)
    if keep_partial and v.size > full * per:
        out = np.append(out, v[full * per :].mean())
    return out


def epoch_enmo_mg(acc_g: np.ndarray, rate_hz: float, epoch_s: float = 5.0, *, keep_partial: bool = False) -> np.ndarray:
    """ENMO (mg) averaged per epoch (van Hees 2013: the mean of the per-sample ENMO)."""
    return epoch_means(enmo_mg(acc_g), rate_hz, epoch_s, keep_partial=keep_partial)


def classify_epochs(enmo_epoch_mg: np.ndarray, cut_points: CutPoints) -> np.ndarray:
    """Class code per epoch: 0 sedentary, 1 light, 2 moderate, 3 vigorous (:data:`INTENSITY_CLASSES`).

    The cut-points are lower bounds (an epoch at exactly the moderate cut-point is moderate).
    Missing epochs (NaN, non-wear) get -1.
    """
    e = np.asarray(enmo_epoch_mg, dtype=np.float64)
    bounds = np.array([cut_points.light_mg, cut_points.moderate_mg, cut_points.vigorous_mg])
    codes = np.searchsorted(bounds, e, side="right").astype(np.int64)
    codes[np.isnan(e)] = -1
    return codes


def minutes_per_class(codes: np.ndarray, epoch_s: float) -> dict[str, float]:
    """Minutes spent in each of :data:`INTENSITY_CLASSES` from epoch class codes."""
    c = np.asarray(codes)
    return {name: float(np.count_nonzero(c == i)) * epoch_s / 60.0 for i, name in enumerate(INTENSITY_CLASSES)}


def intensity_minutes(acc_g: np.ndarray, rate_hz: float, cut_points: CutPoints, epoch_s: float = 5.0) -> dict[str, float]:
    """Minutes per intensity class of a recording: ENMO per ``epoch_s`` epoch, classified by
    ``cut_points``. A trailing partial epoch counts for its own length (short recordings)."""
    e = epoch_enmo_mg(acc_g, rate_hz, epoch_s, keep_partial=True)
    codes = classify_epochs(e, cut_points)
    per = max(1, int(round(epoch_s * rate_hz)))
    n = np.asarray(acc_g).shape[0]
    minutes = minutes_per_class(codes[: n // per], epoch_s)
    if n % per and codes.size:  # the partial epoch, weighted by the time it covers
        minutes[INTENSITY_CLASSES[int(codes[-1])]] += (n % per) / rate_hz / 60.0
    return minutes


@dataclass(frozen=True, slots=True)
class DailyActivity:
    """One calendar day of epochs: hours of wear, of MVPA (> 100 mg) and of VPA (> 425 mg)."""

    day: Hashable
    wear_h: float
    mvpa_h: float
    vpa_h: float


def daily_mvpa_vpa_hours(
    days: Sequence[Hashable],
    enmo_epoch_mg: np.ndarray,
    epoch_s: float = UKB_EPOCH_S,
    *,
    mvpa_mg: float = UKB_MVPA_MG,
    vpa_mg: float = UKB_VPA_MG,
) -> list[DailyActivity]:
    """Hours per day above the UK Biobank MVPA and VPA thresholds (strictly above), in day order.

    ``days``: the day each epoch belongs to (e.g. its local calendar date), same length as
    ``enmo_epoch_mg``; days are reported in order of first appearance. NaN epochs are non-wear:
    not wear time, not activity.
    """
    e = np.asarray(enmo_epoch_mg, dtype=np.float64)
    if len(days) != e.size:
        raise ValueError(f"{len(days)} day labels for {e.size} epochs")
    order: dict[Hashable, int] = {}
    idx = np.array([order.setdefault(d, len(order)) for d in days], dtype=np.int64)
    worn = ~np.isnan(e)
    filled = np.where(worn, e, -np.inf)
    h = epoch_s / 3600.0
    n = len(order)
    wear = np.bincount(idx, weights=worn, minlength=n) * h
    mvpa = np.bincount(idx, weights=filled > mvpa_mg, minlength=n) * h
    vpa = np.bincount(idx, weights=filled > vpa_mg, minlength=n) * h
    return [DailyActivity(d, float(wear[i]), float(mvpa[i]), float(vpa[i])) for d, i in order.items()]


@dataclass(frozen=True, slots=True)
class MetValue:
    met: float
    code: str  # 2011 Compendium activity code
    description: str


#: 2011 Compendium (Ainsworth et al. 2011) MET values of the game's movements.
COMPENDIUM_2011: dict[str, MetValue] = {
    "jumping_jacks": MetValue(8.0, "02020", "calisthenics, vigorous effort (jumping jacks)"),
    "squats": MetValue(5.0, "02052", "resistance training, squats"),
    "jogging_in_place": MetValue(8.0, "12025", "jogging in place"),
    "jogging": MetValue(7.0, "12020", "jogging, general"),
    "light_calisthenics": MetValue(2.8, "02024", "calisthenics, light effort"),
}

#: Intensity bands in METs (2011 Compendium): [low, high) per class.
MET_BANDS: dict[str, tuple[float, float]] = {
    "sedentary": (1.0, 1.6),
    "light": (1.6, 3.0),
    "moderate": (3.0, 6.0),
    "vigorous": (6.0, float("inf")),
}


def met_of_movement(movement: str) -> float:
    """MET value of a movement named in :data:`COMPENDIUM_2011` (e.g. ``"squats"`` -> 5.0)."""
    try:
        return COMPENDIUM_2011[movement].met
    except KeyError:
        raise KeyError(f"no Compendium value for {movement!r}; known: {', '.join(sorted(COMPENDIUM_2011))}") from None


def intensity_class_of_met(met: float) -> str:
    """The intensity class (:data:`INTENSITY_CLASSES`) a MET value falls in."""
    if not met > 0:
        raise ValueError(f"a MET value is positive, got {met}")
    for name in reversed(INTENSITY_CLASSES):
        if met >= MET_BANDS[name][0]:
            return name
    return "sedentary"


__all__ = [
    "COMPENDIUM_2011",
    "CUT_POINT_TABLES",
    "CutPoints",
    "DailyActivity",
    "G_MPS2",
    "HILDEBRAND_ADULT_HIP",
    "HILDEBRAND_ADULT_WRIST",
    "HILDEBRAND_CHILD_WRIST",
    "INTENSITY_CLASSES",
    "MET_BANDS",
    "MetValue",
    "UKB_EPOCH_S",
    "UKB_MVPA_MG",
    "UKB_VPA_MG",
    "classify_epochs",
    "daily_mvpa_vpa_hours",
    "enmo_mg",
    "epoch_enmo_mg",
    "epoch_means",
    "intensity_class_of_met",
    "intensity_minutes",
    "met_of_movement",
]
