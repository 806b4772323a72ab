"""Validation on real recordings: fetch each one (tools/test_data.py) and compare with its reference.

Usage: ``python tools/validate.py`` prints one line per check (see VALIDATION.md). The same
functions back the tests in ``tests/sensors/motion/test_validation_*.py``.
"""

from __future__ import annotations

import csv
import gzip
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sensors.motion.gait import StepDetector  # noqa: E402
from sensors.motion.heart_analytics import hrv  # noqa: E402
from sensors.motion.intensity import daily_mvpa_vpa_hours  # noqa: E402
from sensors.samples import ImuBatch  # noqa: E402
from tools.test_data import fetch  # noqa: E402

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
        col = {a: i for i, (s, a) in enumerate(zip(sensors_row, axes_row)) if s == f"{foot}_sensor"}
        acc = data[:, [col["acc_x"], col["acc_y"], col["acc_z"]]] / G_MPS2
        gyr = data[:, [col["gyr_x"], col["gyr_y"], col["gyr_z"]]]
        det = StepDetector("foot")
        per = 64  # batches as a live sensor would send them
        for i in range(0, len(acc), per):
            det.update(ImuBatch(t_host_ns=0, source=foot, rate_hz=GAITMAP_RATE_HZ,
                                t_first_ns=int(round(i * 1e9 / GAITMAP_RATE_HZ)), acc_g=acc[i:i + per],
                                gyr_dps=gyr[i:i + per], placement="foot"))
        det.flush()
        limb = det.detector
        strides = [(int(r["start"]), int(r["end"])) for r in labels if r["foot"] == foot]
        cycles = np.array(getattr(limb, "cycles")) / 1e9 * GAITMAP_RATE_HZ
        out["labelled"][foot] = len(strides)
        out["found"][foot] = getattr(limb, "strides")
        # How many labelled strides hold exactly one detected cycle (one swing each).
        out["cycles_in_labelled"][foot] = sum(int(((cycles >= a) & (cycles < b)).sum() == 1) for a, b in strides)
    out["labelled_total"] = sum(out["labelled"].values())
    out["found_total"] = sum(out["found"].values())
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
        for c, lab in zip(cases, labels):
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
    pairs = [(a, b) for a, b in zip(order, order[1:])]
    ordered = [float(np.mean([[x < y for y in test[b]] for x in test[a]])) for a, b in pairs]
    return {"train_medians": med, "test_medians": {k: float(np.median(test[k])) for k in order},
            "cuts": cuts, "test_accuracy": right / total, "test_cases": total,
            "pairs_ordered": dict(zip(("standing<walking", "walking<running"), ordered))}


def pyhrv_sample() -> dict[str, float]:
    nn = np.load(fetch("SampleNNISeriesLong.npy"), allow_pickle=False)
    h = hrv(nn)
    return {"mean_hr_bpm": h.mean_hr_bpm, "min_hr_bpm": h.min_hr_bpm, "max_hr_bpm": h.max_hr_bpm,
            "sdnn_ms": h.sdnn_ms, "rmssd_ms": h.rmssd_ms, "pnn50_pct": h.pnn50_pct}


PYHRV_REPORT_KEYS = {"mean_hr_bpm": "Mean Heart Rate (bpm)", "min_hr_bpm": "Minimum Heart Rate (bpm)",
                     "max_hr_bpm": "Maximum Heart Rate (bpm)", "sdnn_ms": "SDNN (ms)", "rmssd_ms": "RMSSD (ms)",
                     "pnn50_pct": "pNN50 (%)"}


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
        out.append({"day": d.day, "wear_h": d.wear_h, "mvpa_h": d.mvpa_h, "vpa_h": d.vpa_h,
                    "ref_wear_h": summary[f"day{i}-recorded-wearTime(hrs)"],
                    "ref_mvpa_h": summary[f"day{i}-recorded-cutPointMVPA(hrs)"],
                    "ref_vpa_h": summary[f"day{i}-recorded-cutPointVPA(hrs)"]})
    return out


def main() -> int:
    g = gaitmap_strides()
    print(f"gaitmap 2.6.0 foot IMUs: strides found {g['found_total']} ({g['found']['left']} left, "
          f"{g['found']['right']} right) vs labelled {g['labelled_total']} ({g['labelled']['left']} left, "
          f"{g['labelled']['right']} right); labelled strides holding exactly one detected swing: "
          f"{sum(g['cycles_in_labelled'].values())}/{g['labelled_total']}")
    b = basicmotions()
    meds = ", ".join(f"{k} {v:.2f}" for k, v in b["test_medians"].items())
    pairs = ", ".join(f"{k} {v:.0%}" for k, v in b["pairs_ordered"].items())
    print(f"sktime 1.2.0 BasicMotions: TEST accuracy standing/walking/running by intensity {b['test_accuracy']:.0%} "
          f"of {b['test_cases']} (thresholds from TRAIN); median magnitude {meds}; pairs ordered {pairs}")
    mine, ref = pyhrv_sample(), pyhrv_report()
    print("pyhrv 0.5.0 SampleNNISeriesLong: " + ", ".join(f"{k} {mine[k]:.3f} (report {ref[k]:.3f})" for k in ref))
    days = actigraphy_days()
    worst = max(max(abs(d["mvpa_h"] - d["ref_mvpa_h"]), abs(d["vpa_h"] - d["ref_vpa_h"])) for d in days)
    print(f"pyActigraphy 1.2.2 UK Biobank sample: {len(days)} days, largest MVPA/VPA hours difference {worst:.2e}")
    for d in days:
        print(f"  {d['day']}: MVPA {d['mvpa_h']:.4f} h (summary {d['ref_mvpa_h']:.4f}), VPA {d['vpa_h']:.4f} h "
              f"(summary {d['ref_vpa_h']:.4f}), wear {d['wear_h']:.3f} h (summary {d['ref_wear_h']:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
