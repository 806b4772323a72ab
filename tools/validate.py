"""Validation on real recordings: fetch each one (tools/test_data.py) and compare with its reference.

Usage: ``python tools/validate.py`` prints one line per check (see VALIDATION.md);
``python tools/validate.py --mobgap-sweep`` what the walking detector's rejection thresholds trade
on the Mobilise-D recordings. The same functions back the tests in ``tests/sensors/motion/test_validation_*.py``.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from collections.abc import Iterator
from itertools import pairwise, product
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sensors.motion.gait import LimbStepDetector, StepDetector  # noqa: E402
from sensors.motion.heart_analytics import hrv  # noqa: E402
from sensors.motion.intensity import daily_mvpa_vpa_hours  # noqa: E402
from sensors.motion.orientation import OrientationTracker  # noqa: E402
from sensors.motion.walking import WalkingStepDetector, walking_contacts  # noqa: E402
from sensors.samples import ImuBatch  # noqa: E402
from tools.test_data import DataUnavailable, fetch  # noqa: E402

G_MPS2 = 9.80665
GAITMAP_RATE_HZ = 204.8


def gaitmap_strides() -> dict[str, Any]:
    """Strides per foot from gaitmap's example walk (foot IMUs) against its labelled strides."""
    with open(fetch("gaitmap_imu_sample.csv"), newline="") as fh:
        rows = list(csv.reader(fh))
    sensors_row, axes_row = rows[0], rows[1]
    data = np.array([[float(v) for v in r] for r in rows[2:]])
    with open(fetch("gaitmap_stride_borders_sample.csv"), newline="") as fh:
        labels = list(csv.DictReader(fh))
    out: dict[str, Any] = {"labelled": {}, "found": {}, "cycles_in_labelled": {}}
    for foot in ("left", "right"):
        col = {a: i for i, (s, a) in enumerate(zip(sensors_row, axes_row, strict=True)) if s == f"{foot}_sensor"}
        acc = data[:, [col["acc_x"], col["acc_y"], col["acc_z"]]] / G_MPS2
        gyr = data[:, [col["gyr_x"], col["gyr_y"], col["gyr_z"]]]
        det = StepDetector("foot")
        per = 64  # batches as a live sensor would send them
        for i in range(0, len(acc), per):
            det.update(
                ImuBatch(
                    t_host_ns=0,
                    source=foot,
                    rate_hz=GAITMAP_RATE_HZ,
                    t_first_ns=int(round(i * 1e9 / GAITMAP_RATE_HZ)),
                    acc_g=acc[i : i + per],
                    gyr_dps=gyr[i : i + per],
                    placement="foot",
                )
            )
        det.flush()
        limb = det.detector
        assert isinstance(limb, LimbStepDetector)  # what a "foot" placement gets
        strides = [(int(r["start"]), int(r["end"])) for r in labels if r["foot"] == foot]
        cycles = np.array(limb.cycles) / 1e9 * GAITMAP_RATE_HZ
        out["labelled"][foot] = len(strides)
        out["found"][foot] = limb.strides
        # How many labelled strides hold exactly one detected cycle (one swing each).
        out["cycles_in_labelled"][foot] = sum(int(((cycles >= a) & (cycles < b)).sum() == 1) for a, b in strides)
    out["labelled_total"] = sum(out["labelled"].values())
    out["found_total"] = sum(out["found"].values())
    return out


#: Mobilise-D laboratory tests in mobgap's example data (names from mobgap's
#: ``MobilisedTVSLaboratoryDataset.TEST_NAMES_PRETTY``).
MOBGAP_TESTS = {"Test5": "straight walk, comfortable speed", "Test11": "simulated daily activities"}
MOBGAP_PARTICIPANTS = ("HA001", "HA002", "MS001")  # two healthy adults, one with multiple sclerosis
#: A bout's steps are counted from 0.2 s before its first reference contact to 0.3 s after its
#: last (the game's detector reports the loading peak, 50-100 ms after contact).
MOBGAP_BEFORE_S, MOBGAP_AFTER_S = 0.2, 0.3
#: One-to-one matching of a step with a reference contact: at most this far apart (s).
MOBGAP_MATCH_S = 0.25
#: "The slowest bouts": a reference cadence (60 / median interval between contacts) below this
#: (steps/min); the Test 11 bouts range from about 60 to 110.
MOBGAP_SLOW_SPM = 90.0
#: The detectors compared: the game's trunk detector, the walking detector, and a plain
#: band-pass peak count as the baseline.
MOBGAP_DETECTORS = ("game", "walking", "bandpass")
#: The initial contacts Mobilise-D's original (MATLAB) implementations found in the same
#: recordings, shipped with mobgap as ``example_data/original_results``: the published methods
#: (Paraschiv-Ionescu 2020, Shin 2011 improved, H. K. Lee 2017 improved; Micó-Amigo et al. 2023)
#: run, like the walking detector, on walking they detected themselves.
MOBGAP_PUBLISHED = ("icd_ionescu", "icd_shin_improved", "icd_hklee_improved")
#: mobgap's own scoring of initial-contact detectors matches within this distance (s)
#: (``mobgap.initial_contacts._evaluation_scorer``, mobgap 1.2.0): reported beside our ±0.25 s.
MOBGAP_OWN_MATCH_S = 0.5


def _mat_struct_list(value: Any) -> list[Any]:
    """A MATLAB struct array loaded with ``squeeze_me``: one struct, an array of them, or empty."""
    if isinstance(value, np.ndarray):
        return list(value.ravel())
    return [value]


def _batches(acc: np.ndarray, gyr: np.ndarray | None, rate: float, per: int, who: str) -> list[ImuBatch]:
    return [
        ImuBatch(
            t_host_ns=0,
            source=who,
            rate_hz=rate,
            t_first_ns=int(round(i * 1e9 / rate)),
            acc_g=acc[i : i + per],
            gyr_dps=None if gyr is None else gyr[i : i + per],
            placement="lower_back",
        )
        for i in range(0, len(acc), per)
    ]


def game_steps_s(acc: np.ndarray, rate: float, who: str) -> np.ndarray:
    """Steps of the game's trunk detector (accelerometer only, 10-sample batches), s."""
    det = StepDetector("lower_back")
    steps = []
    for b in _batches(acc, None, rate, 10, who):
        steps += det.update(b)
    steps += det.flush()
    return np.array([e.t_ns / 1e9 for e in steps if e.kind == "step"])


def walking_steps_s(acc: np.ndarray, gyr: np.ndarray | None, rate: float, who: str) -> np.ndarray:
    """Steps of the walking detector as ``liike analyze imu`` runs it: vertical acceleration
    from :class:`OrientationTracker` (the AHRS with ``gyr``, the low-pass without), 1 s batches."""
    orientation = OrientationTracker()
    det = WalkingStepDetector()
    steps = []
    for b in _batches(acc, gyr, rate, max(1, int(round(rate))), who):
        steps += det.update(b.times_ns(), orientation.update(b).vertical_g, rate)
    steps += det.flush()
    return np.array(sorted(e.t_ns / 1e9 for e in steps))


def bandpass_steps_s(acc: np.ndarray, rate: float) -> np.ndarray:
    """The baseline: peaks of the acceleration magnitude band-passed to the step band (4th-order
    Butterworth, 0.5-3 Hz, forward and backward), at least 0.25 s apart and 0.05 g high: the
    textbook pedometer (scipy, test-only)."""
    from scipy.signal import butter, filtfilt, find_peaks

    mag = np.linalg.norm(acc, axis=1)
    b, a = butter(4, [0.5, 3.0], btype="band", fs=rate)
    x = filtfilt(b, a, mag - mag.mean())
    peaks, _ = find_peaks(x, height=0.05, distance=max(1, int(0.25 * rate)))
    return peaks / rate


def match_one_to_one(steps: np.ndarray, contacts: np.ndarray, tol_s: float = MOBGAP_MATCH_S) -> int:
    """How many contacts have a step within ``tol_s``, each step used once (nearest first)."""
    free = sorted(steps.tolist())
    matched = 0
    for ic in contacts.tolist():
        near = [s for s in free if abs(s - ic) <= tol_s]
        if near:
            free.remove(min(near, key=lambda s: abs(s - ic)))
            matched += 1
    return matched


def reference_contacts(ics: np.ndarray, end_s: float) -> tuple[np.ndarray, list[int]]:
    """The timed initial contacts of one INDIP bout, and the untimed ones in runs.

    As mobgap's loader reads the reference (``mobgap.data._mobilised_matlab_loader``, 1.2.0):
    a contact listed as NaN comes "from strides that are not clearly defined in the signal, but we
    know they should exist", so it is left out of the timed contacts; a time listed twice is one
    contact; a contact after the bout's end is dropped. Returns (timed contacts, s; for each run
    of consecutive untimed contacts, the index into ``ics`` of its first one and its length, as
    pairs flattened ``[i0, n0, i1, n1, ...]``)."""
    finite = ics[np.isfinite(ics)]
    timed = np.unique(np.round(finite, 3))
    runs: list[int] = []
    i = 0
    while i < ics.size:
        if np.isfinite(ics[i]):
            i += 1
            continue
        j = i
        while j < ics.size and not np.isfinite(ics[j]):
            j += 1
        runs += [i, j - i]
        i = j
    return timed[timed <= end_s + 1e-9], runs


def unmatched_at_untimed(
    steps: np.ndarray, ics: np.ndarray, runs: list[int], lo_s: float, hi_s: float, tol_s: float = MOBGAP_MATCH_S
) -> int:
    """How many of ``steps`` matched no timed contact but lie where the reference lists a contact
    without a time: strictly between the timed contacts either side of a run of untimed ones
    (the bout's counting window at its ends), at most as many as the run is long. Such a step can
    be neither confirmed nor refuted at ``tol_s``."""
    timed = ics[np.isfinite(ics)]
    free = sorted(steps.tolist())
    for ic in timed.tolist():
        near = [s for s in free if abs(s - ic) <= tol_s]
        if near:
            free.remove(min(near, key=lambda s: abs(s - ic)))
    out = 0
    for i, n in zip(runs[::2], runs[1::2], strict=True):
        before = float(ics[i - 1]) if i > 0 and np.isfinite(ics[i - 1]) else lo_s
        after = float(ics[i + n]) if i + n < ics.size and np.isfinite(ics[i + n]) else hi_s
        out += min(n, sum(1 for s in free if before < s < after))
    return out


def published_contacts_s(algo: str, who: str, test: str, trial: str) -> np.ndarray:
    """Initial contacts (s) of Mobilise-D's original implementation ``algo`` in one trial
    (empty where it found no gait sequence)."""
    with open(fetch(f"mobgap_{algo}_{who}_SD_Output.json")) as fh:
        doc = json.load(fh)
    try:
        found = doc["SD_Output"]["TimeMeasure1"][test][trial]["SU"]["LowerBack"]["SD"]
    except KeyError:
        return np.empty(0)
    sequences = found if isinstance(found, list) else [found]
    ics = [float(v) for seq in sequences for v in np.atleast_1d(seq.get("IC", [])) if v is not None]
    return np.array(sorted(ics))


def mobgap_walks(*, with_gyroscope: bool = False) -> dict[str, Any]:
    """Lower-back steps in mobgap's Mobilise-D example recordings against the INDIP reference.

    The INDIP system (pressure insoles, distance sensors and foot IMUs) gives walking bouts
    ("MicroWB") with every initial contact. The lower-back IMU of each recording goes through
    each of :data:`MOBGAP_DETECTORS`; steps inside each reference bout are compared with its
    initial contacts and matched one to one within :data:`MOBGAP_MATCH_S`. The walking detector
    gets the accelerometer only, unless ``with_gyroscope``. Per detector and bout group
    (``Test5``, ``Test11``, ``slow``: the bouts of either test slower than
    :data:`MOBGAP_SLOW_SPM`): reference contacts (timed, :func:`reference_contacts`), untimed
    contacts, steps found, matched, unmatched steps at untimed contacts
    (:func:`unmatched_at_untimed`), matched within :data:`MOBGAP_OWN_MATCH_S` and the unmatched
    steps at untimed contacts then, and per bout the same with participant, trial, reference
    cadence (steps/min) and the reference's walking speed (m/s). :data:`MOBGAP_PUBLISHED` are
    scored the same way.
    """
    out = _empty_scores((*MOBGAP_DETECTORS, *MOBGAP_PUBLISHED))
    for who, test, trial_name, rate, acc, gyr, bouts in _mobgap_trials():
        found = {
            "game": game_steps_s(acc, rate, who),
            "walking": walking_steps_s(acc, gyr if with_gyroscope else None, rate, who),
            "bandpass": bandpass_steps_s(acc, rate),
            **{a: published_contacts_s(a, who, test, trial_name) for a in MOBGAP_PUBLISHED},
        }
        _score_trial(out, who, test, trial_name, bouts, found)
    return out


def _mobgap_trials() -> Iterator[tuple[str, str, str, float, np.ndarray, np.ndarray, list[Any]]]:
    """Each scored trial of mobgap's example data: (participant, test, trial, rate Hz, acceleration
    g (n, 3), angular rate deg/s (n, 3), INDIP bouts)."""
    try:
        from scipy.io import loadmat  # a test dependency: reading MATLAB v5 files
    except ImportError as exc:  # pragma: no cover - make test installs it
        raise DataUnavailable(f"scipy is needed to read mobgap's MATLAB files ({exc})") from exc
    for who in MOBGAP_PARTICIPANTS:
        data = loadmat(fetch(f"mobgap_{who}_data.mat"), squeeze_me=True, struct_as_record=False)["data"].TimeMeasure1
        for test in MOBGAP_TESTS:
            for trial_name in getattr(data, test)._fieldnames:
                trial = getattr(getattr(data, test), trial_name)
                bouts = _mat_struct_list(trial.Standards.INDIP.MicroWB)
                if not any(hasattr(b, "InitialContact_Event") for b in bouts):
                    continue  # HA002's straight walks: no INDIP bout to compare with
                imu = trial.SU.LowerBack
                rate = float(imu.Fs.Acc) if hasattr(imu.Fs, "Acc") else float(imu.Fs)
                acc = np.asarray(imu.Acc, dtype=np.float64)  # g, as the lower-back sensor recorded it
                gyr = np.asarray(imu.Gyr, dtype=np.float64)  # deg/s
                yield who, test, trial_name, rate, acc, gyr, bouts


def _empty_scores(names: tuple[str, ...]) -> dict[str, Any]:
    keys = ("reference", "untimed", "found", "matched", "at_untimed", "matched_wide", "at_untimed_wide")
    return {d: {g: {**dict.fromkeys(keys, 0), "bouts": []} for g in (*MOBGAP_TESTS, "slow")} for d in names}


def _score_trial(
    out: dict[str, Any], who: str, test: str, trial_name: str, bouts: list[Any], found: dict[str, np.ndarray]
) -> None:
    """Add one trial's steps (``found``: per detector, s) to ``out``, bout by bout."""
    for bout in bouts:
        listed = np.atleast_1d(np.asarray(bout.InitialContact_Event, dtype=np.float64))
        ics, runs = reference_contacts(listed, float(bout.End))
        cadence = 60.0 / float(np.median(np.diff(ics))) if ics.size > 1 else 0.0
        lo, hi = float(bout.Start) - MOBGAP_BEFORE_S, float(bout.End) + MOBGAP_AFTER_S
        for name, t in found.items():
            inside = t[(t >= lo) & (t <= hi)]
            counts = {
                "reference": int(ics.size),
                "untimed": sum(runs[1::2]),
                "found": int(inside.size),
                "matched": match_one_to_one(inside, ics),
                "at_untimed": unmatched_at_untimed(inside, listed, runs, lo, hi),
                "matched_wide": match_one_to_one(inside, ics, MOBGAP_OWN_MATCH_S),
                "at_untimed_wide": unmatched_at_untimed(inside, listed, runs, lo, hi, MOBGAP_OWN_MATCH_S),
            }
            for g in (test, "slow") if cadence < MOBGAP_SLOW_SPM else (test,):
                res = out[name][g]
                for key, value in counts.items():
                    res[key] += value
                res["bouts"].append(
                    {
                        "who": who,
                        "trial": trial_name,
                        "cadence_spm": round(cadence, 1),
                        "speed_mps": float(bout.WalkingSpeed),
                        **counts,
                    }
                )


#: The walking detector's thresholds tried by :func:`mobgap_walking_sweep`: the smallest jolt
#: (g/s), the share of the local median jolt, the share of the step interval below which two
#: contacts are one step; the first of each is the detector's own.
MOBGAP_SWEEP = {"min_jerk": (0.5, 1.0, 1.5), "rel_local": (0.3, 0.5), "double_fraction": (0.5, 0.6, 0.7)}


def mobgap_walking_sweep() -> list[tuple[dict[str, float], dict[str, Any]]]:
    """What the walking detector's rejection thresholds trade on the same recordings: for each
    combination of :data:`MOBGAP_SWEEP`, the scores of :func:`mobgap_walks` (walking detector
    only, whole recordings at once through :func:`~sensors.motion.walking.walking_contacts`, "up"
    from :class:`OrientationTracker` without the gyroscope)."""
    trials = []
    for who, test, trial_name, rate, acc, _gyr, bouts in _mobgap_trials():
        orientation = OrientationTracker()
        per = max(1, int(round(rate)))
        vert = np.concatenate([orientation.update(b).vertical_g for b in _batches(acc, None, rate, per, who)])
        trials.append((who, test, trial_name, rate, vert, bouts))
    rows = []
    for values in product(*MOBGAP_SWEEP.values()):
        params = dict(zip(MOBGAP_SWEEP, values, strict=True))
        out = _empty_scores(("walking",))
        for who, test, trial_name, rate, vert, bouts in trials:
            _score_trial(out, who, test, trial_name, bouts, {"walking": walking_contacts(vert, rate, **params)})
        rows.append((params, out["walking"]))
    return rows


def mobgap_figures(r: dict[str, Any]) -> dict[str, float]:
    """The figures VALIDATION.md gives for one detector and bout group of :func:`mobgap_walks`:
    count error against the timed contacts and against all listed contacts (timed and untimed);
    precision and recall at ±0.25 s; precision with the steps at untimed contacts left out
    ("judged"); the same two precisions at mobgap's own ±0.5 s."""
    found, ref, listed = r["found"], r["reference"], r["reference"] + r["untimed"]
    return {
        "count_error": (found - ref) / ref,
        "count_error_all": (found - listed) / listed,
        "precision": r["matched"] / max(found, 1),
        "recall": r["matched"] / ref,
        "precision_judged": r["matched"] / max(found - r["at_untimed"], 1),
        "precision_wide": r["matched_wide"] / max(found, 1),
        "precision_wide_judged": r["matched_wide"] / max(found - r["at_untimed_wide"], 1),
    }


#: Everyday bouts split by the reference's walking speed (m/s) in :func:`mobgap_lines`: below it
#: the lab's daily-activity bouts are shuffles of 0.25-0.57 m/s.
MOBGAP_BRISK_MPS = 0.6


def by_speed(r: dict[str, Any], threshold_mps: float = MOBGAP_BRISK_MPS) -> dict[str, dict[str, Any]]:
    """The bouts of one detector and group of :func:`mobgap_walks` summed below and at or above
    ``threshold_mps`` of reference walking speed: ``{"below": ..., "above": ...}``."""
    keys = ("reference", "untimed", "found", "matched", "at_untimed", "matched_wide", "at_untimed_wide")
    out: dict[str, dict[str, Any]] = {k: {**dict.fromkeys(keys, 0), "bouts": []} for k in ("below", "above")}
    for bout in r["bouts"]:
        part = out["below" if bout["speed_mps"] < threshold_mps else "above"]
        for key in keys:
            part[key] += bout[key]
        part["bouts"].append(bout)
    return out


def mobgap_lines(m: dict[str, Any], *, with_gyroscope: bool = False) -> list[str]:
    """One line per detector and bout group of :func:`mobgap_walks`."""
    lines = []
    what = {**MOBGAP_TESTS, "slow": f"bouts below {MOBGAP_SLOW_SPM:g} steps/min"}
    for name in (*MOBGAP_DETECTORS, *MOBGAP_PUBLISHED):
        for group, r in m[name].items():
            if name != "walking" and with_gyroscope:
                continue  # the others never use the gyroscope
            how = " with the gyroscope (AHRS)" if with_gyroscope else ""
            who = f"Mobilise-D's original {name}" if name in MOBGAP_PUBLISHED else f"{name} detector{how}"
            f = mobgap_figures(r)
            lines.append(
                f"mobgap 1.2.0 lower-back IMU, {who}, {group} ({what[group]}): steps in "
                f"{len(r['bouts'])} reference bouts {r['found']} vs {r['reference']} timed INDIP initial contacts "
                f"({f['count_error']:+.1%}; {f['count_error_all']:+.1%} against all {r['reference'] + r['untimed']} "
                f"listed); matched within ±{MOBGAP_MATCH_S:g} s {r['matched']} (precision {f['precision']:.3f}, "
                f"recall {f['recall']:.3f}; {r['at_untimed']} steps at untimed contacts, precision without them "
                f"{f['precision_judged']:.3f}); within ±{MOBGAP_OWN_MATCH_S:g} s precision {f['precision_wide']:.3f}, "
                f"without untimed {f['precision_wide_judged']:.3f}"
            )
        if name == "walking":
            for part, r in by_speed(m[name]["Test11"]).items():
                f = mobgap_figures(r)
                lines.append(
                    f"  daily bouts {'below' if part == 'below' else 'at or above'} {MOBGAP_BRISK_MPS:g} m/s "
                    f"({len(r['bouts'])}): {r['found']} vs "
                    f"{r['reference']} ({f['count_error']:+.1%}), precision {f['precision']:.3f}, "
                    f"without untimed {f['precision_judged']:.3f}, recall {f['recall']:.3f}"
                )
    return lines


def read_ts(path: Path) -> tuple[list[np.ndarray], list[str]]:
    """A sktime .ts file: per case an (dims, length) array and its class label."""
    cases, labels = [], []
    in_data = False
    for line in path.read_text().splitlines():
        s = line.strip()
        if not s or s.startswith("#"):
            continue
        if s.lower().startswith("@data"):
            in_data = True
            continue
        if not in_data or s.startswith("@"):
            continue
        *dims, label = s.split(":")
        cases.append(np.array([[float(v) for v in d.split(",")] for d in dims]))
        labels.append(label.strip())
    return cases, labels


def basicmotions() -> dict[str, Any]:
    """Intensity per BasicMotions recording (mean acceleration magnitude; the files have gravity
    removed, so no 1 g is subtracted), and how well it orders standing < walking < running.

    Thresholds are learnt on TRAIN (midpoints between the class medians) and scored on TEST.
    """

    def magnitudes(name: str) -> dict[str, list[float]]:
        cases, labels = read_ts(fetch(name))
        by: dict[str, list[float]] = {}
        for c, lab in zip(cases, labels, strict=True):
            by.setdefault(lab, []).append(float(np.linalg.norm(c[:3], axis=0).mean()))
        return by

    train, test = magnitudes("BasicMotions_TRAIN.ts"), magnitudes("BasicMotions_TEST.ts")
    order = ("Standing", "Walking", "Running")
    med = {k: float(np.median(train[k])) for k in order}
    cuts = [(med["Standing"] + med["Walking"]) / 2, (med["Walking"] + med["Running"]) / 2]
    right = total = 0
    for k_i, k in enumerate(order):
        for v in test[k]:
            right += int(np.searchsorted(cuts, v) == k_i)
            total += 1
    # Pairwise: the share of (standing, walking) and (walking, running) pairs in TEST ordered right.
    pairs = list(pairwise(order))
    ordered = [float(np.mean([[x < y for y in test[b]] for x in test[a]])) for a, b in pairs]
    return {
        "train_medians": med,
        "test_medians": {k: float(np.median(test[k])) for k in order},
        "cuts": cuts,
        "test_accuracy": right / total,
        "test_cases": total,
        "pairs_ordered": dict(zip(("standing<walking", "walking<running"), ordered, strict=True)),
    }


def basicmotions_wrist_steps() -> dict[str, dict[str, list[int]]]:
    """Steps of the wrist placement (``StepDetector("wrist")``, arm-swing cycles) in BasicMotions'
    smartwatch recordings of walking and running (TRAIN and TEST, 10 s at 10 Hz each), from the
    accelerometer alone and with the gyroscope. The data set has no reference steps: this is a
    plausibility check of the count per 10 s, not a validation. Units are unstated (the
    acceleration looks like m/s^2 with gravity removed, the rotation like rad/s); the counter
    needs neither, but the gyroscope is taken as rad/s."""
    out: dict[str, dict[str, list[int]]] = {k: {"acc": [], "acc+gyro": []} for k in ("Walking", "Running")}
    for name in ("BasicMotions_TRAIN.ts", "BasicMotions_TEST.ts"):
        cases, labels = read_ts(fetch(name))
        for case, label in zip(cases, labels, strict=True):
            if label not in out:
                continue
            acc, gyr = case[:3].T, np.degrees(case[3:6].T)
            rate = 10.0
            for how, with_gyro in (("acc", False), ("acc+gyro", True)):
                det = StepDetector("wrist")
                events = []
                for i in range(0, acc.shape[0], 10):
                    events += det.update(
                        ImuBatch(
                            t_host_ns=0,
                            source="watch",
                            rate_hz=rate,
                            t_first_ns=int(round(i * 1e9 / rate)),
                            acc_g=acc[i : i + 10],
                            gyr_dps=gyr[i : i + 10] if with_gyro else None,
                            placement="wrist",
                        )
                    )
                events += det.flush()
                out[label][how].append(sum(e.kind == "step" for e in events))
    return out


def pyhrv_sample() -> dict[str, float]:
    nn = np.load(fetch("SampleNNISeriesLong.npy"), allow_pickle=False)
    h = hrv(nn)
    return {
        "mean_hr_bpm": h.mean_hr_bpm,
        "min_hr_bpm": h.min_hr_bpm,
        "max_hr_bpm": h.max_hr_bpm,
        "sdnn_ms": h.sdnn_ms,
        "rmssd_ms": h.rmssd_ms,
        "pnn50_pct": h.pnn50_pct,
    }


PYHRV_REPORT_KEYS = {
    "mean_hr_bpm": "Mean Heart Rate (bpm)",
    "min_hr_bpm": "Minimum Heart Rate (bpm)",
    "max_hr_bpm": "Maximum Heart Rate (bpm)",
    "sdnn_ms": "SDNN (ms)",
    "rmssd_ms": "RMSSD (ms)",
    "pnn50_pct": "pNN50 (%)",
}


def pyhrv_report() -> dict[str, float]:
    """The numbers pyhrv printed in its own SampleReport.txt for the same series."""
    values = {}
    for line in fetch("pyhrv_SampleReport.txt").read_text().splitlines():
        name, _, value = line.partition(";")
        for key, label in PYHRV_REPORT_KEYS.items():
            if name.strip() == label:
                values[key] = float(value)
    return values


def actigraphy_days() -> list[dict[str, Any]]:
    """Daily MVPA / VPA hours (> 100 mg / > 425 mg) from the UK Biobank tool's 30 s ENMO epochs,
    beside the same tool's summary. Days are the local calendar dates written in the file."""
    with gzip.open(fetch("actigraphy_sample-timeSeries.csv.gz"), "rt", newline="") as fh:
        rows = list(csv.DictReader(fh))
    days = [r["time"][:10] for r in rows]
    enmo = np.array([float(r["acc"]) if r["acc"].strip() else np.nan for r in rows])
    summary = json.loads(fetch("actigraphy_sample-summary.json").read_text())
    out = []
    for i, d in enumerate(daily_mvpa_vpa_hours(days, enmo, 30.0)):
        out.append(
            {
                "day": d.day,
                "wear_h": d.wear_h,
                "mvpa_h": d.mvpa_h,
                "vpa_h": d.vpa_h,
                "ref_wear_h": summary[f"day{i}-recorded-wearTime(hrs)"],
                "ref_mvpa_h": summary[f"day{i}-recorded-cutPointMVPA(hrs)"],
                "ref_vpa_h": summary[f"day{i}-recorded-cutPointVPA(hrs)"],
            }
        )
    return out


def sweep_lines(rows: list[tuple[dict[str, float], dict[str, Any]]]) -> list[str]:
    """One line per threshold combination of :func:`mobgap_walking_sweep`."""
    lines = []
    for params, scores in rows:
        figures = []
        for group, r in scores.items():
            f = mobgap_figures(r)
            figures.append(
                f"{group} {r['found']}/{r['reference']} ({f['count_error']:+.1%}, all {f['count_error_all']:+.1%}) "
                f"precision {f['precision']:.3f} (judged {f['precision_judged']:.3f}) recall {f['recall']:.3f}"
            )
        what = ", ".join(f"{k} {v:g}" for k, v in params.items())
        lines.append(f"mobgap 1.2.0 walking detector, {what}: " + "; ".join(figures))
    return lines


def main() -> int:
    if "--mobgap-sweep" in sys.argv[1:]:
        for line in sweep_lines(mobgap_walking_sweep()):
            print(line)
        return 0
    g = gaitmap_strides()
    print(
        f"gaitmap 2.6.0 foot IMUs: strides found {g['found_total']} ({g['found']['left']} left, "
        f"{g['found']['right']} right) vs labelled {g['labelled_total']} ({g['labelled']['left']} left, "
        f"{g['labelled']['right']} right); labelled strides holding exactly one detected swing: "
        f"{sum(g['cycles_in_labelled'].values())}/{g['labelled_total']}"
    )
    for with_gyroscope in (False, True):
        m = mobgap_walks(with_gyroscope=with_gyroscope)
        for line in mobgap_lines(m, with_gyroscope=with_gyroscope):
            print(line)
    b = basicmotions()
    meds = ", ".join(f"{k} {v:.2f}" for k, v in b["test_medians"].items())
    pairs = ", ".join(f"{k} {v:.0%}" for k, v in b["pairs_ordered"].items())
    print(
        f"sktime 1.2.0 BasicMotions: TEST accuracy standing/walking/running by intensity {b['test_accuracy']:.0%} "
        f"of {b['test_cases']} (thresholds from TRAIN); median magnitude {meds}; pairs ordered {pairs}"
    )
    w = basicmotions_wrist_steps()
    for label, by in w.items():
        print(
            f"sktime 1.2.0 BasicMotions {label.lower()}, wrist steps per 10 s (no reference steps: plausibility only): "
            + "; ".join(f"{how} median {np.median(v):g} (range {min(v)}-{max(v)}, {len(v)} recordings)" for how, v in by.items())
        )
    mine, ref = pyhrv_sample(), pyhrv_report()
    print("pyhrv 0.5.0 SampleNNISeriesLong: " + ", ".join(f"{k} {mine[k]:.3f} (report {ref[k]:.3f})" for k in ref))
    days = actigraphy_days()
    worst = max(max(abs(d["mvpa_h"] - d["ref_mvpa_h"]), abs(d["vpa_h"] - d["ref_vpa_h"])) for d in days)
    print(f"pyActigraphy 1.2.2 UK Biobank sample: {len(days)} days, largest MVPA/VPA hours difference {worst:.2e}")
    for d in days:
        print(
            f"  {d['day']}: MVPA {d['mvpa_h']:.4f} h (summary {d['ref_mvpa_h']:.4f}), VPA {d['vpa_h']:.4f} h "
            f"(summary {d['ref_vpa_h']:.4f}), wear {d['wear_h']:.3f} h (summary {d['ref_wear_h']:.3f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
