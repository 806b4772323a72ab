"""Validation on real recordings: fetch each one (tools/test_data.py) and compare with its reference.

Usage: ``python tools/validate.py`` prints one line per check (see VALIDATION.md). The same
functions back the tests in ``tests/sensors/motion/test_validation_*.py``.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sensors.motion.gait import LimbStepDetector, StepDetector  # noqa: E402
from sensors.motion.heart_analytics import hrv  # noqa: E402
from sensors.motion.intensity import daily_mvpa_vpa_hours  # noqa: E402
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
#: A step's peak of vertical acceleration comes after its initial contact (the loading response,
#: 50-100 ms, see ImuStepDetector): a bout's steps are counted from 0.2 s before its first
#: reference contact to 0.3 s after its last.
MOBGAP_BEFORE_S, MOBGAP_AFTER_S = 0.2, 0.3


def _mat_struct_list(value: Any) -> list[Any]:
    """A MATLAB struct array loaded with ``squeeze_me``: one struct, an array of them, or empty."""
    if isinstance(value, np.ndarray):
        return list(value.ravel())
    return [value]


def mobgap_walks() -> dict[str, Any]:
    """Lower-back steps in mobgap's Mobilise-D example recordings against the INDIP reference.

    The INDIP system (pressure insoles, distance sensors and foot IMUs) gives walking bouts
    ("MicroWB") with every initial contact. The lower-back IMU of each recording goes through
    the game's trunk step detector (accelerometer only, 10-sample batches); steps inside each
    reference bout are compared with its initial contacts, and matched one to one when a step
    lies from 0.1 s before to 0.35 s after a contact. Per test: reference contacts, steps found,
    matched, and per bout (reference, found).
    """
    try:
        from scipy.io import loadmat  # a test dependency: reading MATLAB v5 files
    except ImportError as exc:  # pragma: no cover - make test installs it
        raise DataUnavailable(f"scipy is needed to read mobgap's MATLAB files ({exc})") from exc
    out: dict[str, Any] = {t: {"reference": 0, "found": 0, "matched": 0, "bouts": []} for t in MOBGAP_TESTS}
    for who in MOBGAP_PARTICIPANTS:
        data = loadmat(fetch(f"mobgap_{who}_data.mat"), squeeze_me=True, struct_as_record=False)["data"].TimeMeasure1
        for test in MOBGAP_TESTS:
            for trial_name in getattr(data, test)._fieldnames:
                trial = getattr(getattr(data, test), trial_name)
                imu = trial.SU.LowerBack
                rate = float(imu.Fs.Acc) if hasattr(imu.Fs, "Acc") else float(imu.Fs)
                acc = np.asarray(imu.Acc, dtype=np.float64)  # g, as the lower-back sensor recorded it
                det = StepDetector("lower_back")
                steps = []
                for i in range(0, len(acc), 10):
                    steps += det.update(
                        ImuBatch(
                            t_host_ns=0,
                            source=who,
                            rate_hz=rate,
                            t_first_ns=int(round(i * 1e9 / rate)),
                            acc_g=acc[i : i + 10],
                            placement="lower_back",
                        )
                    )
                steps += det.flush()
                t = np.array([e.t_ns / 1e9 for e in steps if e.kind == "step"])
                for bout in _mat_struct_list(trial.Standards.INDIP.MicroWB):
                    ics = np.atleast_1d(np.asarray(bout.InitialContact_Event, dtype=np.float64))
                    ics = ics[np.isfinite(ics)]
                    inside = t[(t >= float(bout.Start) - MOBGAP_BEFORE_S) & (t <= float(bout.End) + MOBGAP_AFTER_S)]
                    free = list(inside)
                    matched = 0
                    for ic in ics:
                        near = [s for s in free if -0.1 <= s - ic <= 0.35]
                        if near:
                            free.remove(near[0])
                            matched += 1
                    res = out[test]
                    res["reference"] += int(ics.size)
                    res["found"] += int(inside.size)
                    res["matched"] += matched
                    res["bouts"].append((who, trial_name, int(ics.size), int(inside.size)))
    return out


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


def main() -> int:
    g = gaitmap_strides()
    print(
        f"gaitmap 2.6.0 foot IMUs: strides found {g['found_total']} ({g['found']['left']} left, "
        f"{g['found']['right']} right) vs labelled {g['labelled_total']} ({g['labelled']['left']} left, "
        f"{g['labelled']['right']} right); labelled strides holding exactly one detected swing: "
        f"{sum(g['cycles_in_labelled'].values())}/{g['labelled_total']}"
    )
    m = mobgap_walks()
    for test, what in MOBGAP_TESTS.items():
        r = m[test]
        print(
            f"mobgap 1.2.0 lower-back IMU, {test} ({what}): steps in {len(r['bouts'])} reference bouts "
            f"{r['found']} vs {r['reference']} INDIP initial contacts ({(r['found'] - r['reference']) / r['reference']:+.1%}); "
            f"matched {r['matched']} (precision {r['matched'] / max(r['found'], 1):.3f}, "
            f"recall {r['matched'] / r['reference']:.3f})"
        )
    b = basicmotions()
    meds = ", ".join(f"{k} {v:.2f}" for k, v in b["test_medians"].items())
    pairs = ", ".join(f"{k} {v:.0%}" for k, v in b["pairs_ordered"].items())
    print(
        f"sktime 1.2.0 BasicMotions: TEST accuracy standing/walking/running by intensity {b['test_accuracy']:.0%} "
        f"of {b['test_cases']} (thresholds from TRAIN); median magnitude {meds}; pairs ordered {pairs}"
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
