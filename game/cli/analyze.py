"""``liike analyze imu|rr``: a recording from a file, through the game's own detectors.

Bad input (a missing or empty file, missing columns, text where numbers belong, a rate that
does not match the file's own times) ends with one line on stderr naming the problem and what
to do, and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

from game.cli.common import EXIT_BAD_INPUT
from game.cli.common import rate_hz as parse_rate_hz

G_MPS2 = 9.80665
ACC_COLUMNS = ("acc_x", "acc_y", "acc_z")
GYR_COLUMNS = ("gyr_x", "gyr_y", "gyr_z")
MIN_RATE_HZ = 5.0  # below this, steps (1.5-3.5 Hz) cannot be seen at all
MAX_RATE_HZ = 10_000.0


class AnalyzeError(Exception):
    """A problem with the input, with a message the user can act on."""


def _numbers(path: Path, rows: list[list[str]], cols: list[int], names: list[str], first_line: int) -> np.ndarray:
    out = np.empty((len(rows), len(cols)))
    for r, row in enumerate(rows):
        for c, (ci, name) in enumerate(zip(cols, names, strict=True)):
            cell = row[ci].strip() if ci < len(row) else ""
            try:
                out[r, c] = float(cell)
            except ValueError:
                raise AnalyzeError(
                    f"{path}: line {first_line + r}, column {name}: {cell!r} is not a number; every cell must be a number"
                ) from None
            if not np.isfinite(out[r, c]):
                raise AnalyzeError(f"{path}: line {first_line + r}, column {name}: {cell!r} is not a finite number")
    return out


def _read_text(path: Path) -> str:
    if not path.exists():
        raise AnalyzeError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise AnalyzeError(f"{path} is a folder; give a file")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise AnalyzeError(f"{path}: not a text file (CSV expected)") from None
    except OSError as exc:
        raise AnalyzeError(f"{path}: cannot be read ({exc.strerror})") from None


def load_imu_csv(path: Path, rate_hz: float, acc_unit: str, gyr_unit: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(acc in g, gyro in deg/s or None) from a CSV with a header row: acc_x, acc_y, acc_z,
    optional gyr_x, gyr_y, gyr_z and time_s (names compared without case and spaces)."""
    if not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ:
        raise AnalyzeError(
            f"--rate {rate_hz:g} Hz is outside {MIN_RATE_HZ:g}-{MAX_RATE_HZ:g} Hz; give the sensor's sampling rate"
        )
    text = _read_text(path)
    rows = [r for r in csv.reader(text.splitlines()) if any(cell.strip() for cell in r)]
    if not rows:
        raise AnalyzeError(f"{path} is empty; expected a header row (acc_x,acc_y,acc_z[,gyr_x,gyr_y,gyr_z][,time_s]) and samples")
    header = [h.strip().lower().replace(" ", "") for h in rows[0]]
    missing = [c for c in ACC_COLUMNS if c not in header]
    if missing:
        raise AnalyzeError(
            f"{path}: missing column(s) {', '.join(missing)} in the header row "
            f"(found: {', '.join(header) or 'nothing'}); name the columns acc_x, acc_y, acc_z"
        )
    data = rows[1:]
    if not data:
        raise AnalyzeError(f"{path} has a header but no samples")
    acc = _numbers(path, data, [header.index(c) for c in ACC_COLUMNS], list(ACC_COLUMNS), 2)
    if acc_unit == "mps2":
        acc /= G_MPS2
    gyr = None
    present = [c for c in GYR_COLUMNS if c in header]
    if present and len(present) < 3:
        raise AnalyzeError(f"{path}: only {', '.join(present)} of gyr_x, gyr_y, gyr_z present; give all three or none")
    if present:
        gyr = _numbers(path, data, [header.index(c) for c in GYR_COLUMNS], list(GYR_COLUMNS), 2)
        if gyr_unit == "rads":
            gyr = np.degrees(gyr)
    if "time_s" in header:
        t = _numbers(path, data, [header.index("time_s")], ["time_s"], 2)[:, 0]
        _check_times(path, t, rate_hz)
    return acc, gyr


def _check_times(path: Path, t: np.ndarray, rate_hz: float) -> None:
    if t.size < 2:
        return
    dt = np.diff(t)
    if (dt <= 0).any():
        line = int(np.argmax(dt <= 0)) + 3
        raise AnalyzeError(f"{path}: time_s does not increase at line {line}; samples must be in time order")
    step = float(np.median(dt))
    if abs(step * rate_hz - 1.0) > 0.02:
        raise AnalyzeError(
            f"{path}: time_s advances {step:.6g} s per sample ({1 / step:.4g} Hz) but --rate is {rate_hz:g} Hz; "
            f"pass --rate {1 / step:.4g}"
        )


def load_rr_ms(path: Path) -> np.ndarray:
    """RR/NN intervals in ms: a text file with one number per line (blank lines and lines
    starting with # are skipped), or a NumPy .npy array."""
    if path.suffix.lower() == ".npy" and path.is_file():
        try:
            rr = np.load(path, allow_pickle=False).astype(np.float64).ravel()
        except (ValueError, OSError) as exc:
            raise AnalyzeError(f"{path}: not a readable NumPy array of numbers ({exc})") from None
        lines = None
    else:
        values = []
        lines = _read_text(path).splitlines()
        for i, line in enumerate(lines, 1):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            try:
                values.append(float(s))
            except ValueError:
                raise AnalyzeError(f"{path}: line {i}: {s[:40]!r} is not a number; give one RR interval in ms per line") from None
        rr = np.array(values)
    if rr.size == 0:
        raise AnalyzeError(f"{path} holds no RR intervals; give one interval in ms per line")
    if not np.isfinite(rr).all() or (rr <= 0).any():
        raise AnalyzeError(f"{path}: RR intervals must be positive numbers of milliseconds")
    if np.median(rr) < 10:
        raise AnalyzeError(f"{path}: the intervals look like seconds (median {np.median(rr):g}); give milliseconds")
    if rr.size < 3:
        raise AnalyzeError(f"{path}: HRV needs at least 3 intervals, the file has {rr.size}")
    return rr


def analyze_rr(rr_ms: np.ndarray) -> dict[str, Any]:
    from sensors.motion.heart_analytics import hrv

    h = hrv(rr_ms)
    return {
        "intervals": int(rr_ms.size),
        "duration_s": round(float(rr_ms.sum()) / 1000.0, 3),
        "mean_hr_bpm": h.mean_hr_bpm,
        "min_hr_bpm": h.min_hr_bpm,
        "max_hr_bpm": h.max_hr_bpm,
        "sdnn_ms": h.sdnn_ms,
        "rmssd_ms": h.rmssd_ms,
        "pnn50_pct": h.pnn50_pct,
    }


def _print_rr(r: dict[str, Any]) -> None:
    print(f"intervals      {r['intervals']} ({r['duration_s']:.1f} s)")
    print(f"mean HR        {r['mean_hr_bpm']:.3f} bpm")
    print(f"min HR         {r['min_hr_bpm']:.3f} bpm")
    print(f"max HR         {r['max_hr_bpm']:.3f} bpm")
    print(f"SDNN           {r['sdnn_ms']:.3f} ms")
    print(f"RMSSD          {r['rmssd_ms']:.3f} ms")
    print(f"pNN50          {r['pnn50_pct']:.3f} %")


def _print_imu(r: dict[str, Any]) -> None:
    print(f"recording      {r['samples']} samples, {r['duration_s']:.1f} s at {r['rate_hz']:g} Hz, {r['placement']}")
    print(f"steps          {r['steps']} (median cadence {r['cadence_spm']:.1f} steps/min)")
    if r["jumps_detected"]:
        heights = ", ".join(f"{j['height_m'] * 100:.0f} cm" for j in r["jumps"])
        print(f"jumps          {len(r['jumps'])}" + (f": {heights}" if heights else ""))
    else:
        print("jumps          not detected at this placement (trunk sensors only)")
    period = f" (about {r['rep_period_s']:.1f} s each)" if r["rep_period_s"] else ""
    print(f"repetitions    {r['reps']}{period}")
    print(f"ENMO mean      {r['enmo_mg_mean']:.1f} mg")
    how = (
        "orientation from gyroscope and accelerometer (AHRS)"
        if r["vertical_acc_source"] == "ahrs"
        else "up from the accelerometer's low-pass; no gyroscope columns"
    )
    print(f"vertical acc   RMS {r['vertical_acc_rms_g']:.3f} g, {how}")
    print(f"free fall      {r['free_falls']} ({r['free_fall_s']:.2f} s in all)")
    if r["intensity_minutes"] is None:
        print(f"intensity      {r['cut_points_note']}")
    else:
        m = r["intensity_minutes"]
        print(f"intensity      {r['cut_points_note']}, {r['intensity_epoch_s']:g} s epochs:")
        print("               " + ", ".join(f"{k} {v:.1f} min" for k, v in m.items()))


def cmd_analyze(args: argparse.Namespace) -> int:
    try:
        if args.analyze_command == "rr":
            result = analyze_rr(load_rr_ms(args.file))
            printer = _print_rr
        elif args.analyze_command == "imu":
            from sensors.motion.analysis import analyze_imu

            acc, gyr = load_imu_csv(args.file, args.rate, args.acc_unit, args.gyr_unit)
            result = analyze_imu(acc, gyr, args.rate, args.placement)
            printer = _print_imu
        else:
            raise AnalyzeError(f"unknown kind {args.analyze_command!r}; use imu, rr or video")
    except AnalyzeError as exc:
        print(f"liike: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if args.json:
        print(json.dumps(result))
    else:
        printer(result)
    return 0


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    analyze = sub.add_parser("analyze", help="analyse a recording offline with the game's own detectors")
    analyze.set_defaults(run=lambda args: _help(analyze))
    asub = analyze.add_subparsers(dest="analyze_command", metavar="KIND")
    aimu = asub.add_parser("imu", help="accelerometer/gyroscope CSV: steps, cadence, jumps, reps, intensity")
    aimu.add_argument("file", type=Path, metavar="FILE.csv")
    aimu.add_argument("--rate", type=parse_rate_hz, required=True, metavar="HZ", help="sampling rate in Hz")
    aimu.add_argument("--acc-unit", choices=("g", "mps2"), default="g", help="accelerometer unit (default g)")
    aimu.add_argument("--gyr-unit", choices=("dps", "rads"), default="dps", help="gyroscope unit (default deg/s)")
    aimu.add_argument(
        "--placement",
        choices=("lower-back", "waist", "chest", "wrist", "thigh", "foot"),
        default="waist",
        help="where the sensor was worn (default waist)",
    )
    aimu.add_argument("--json", action="store_true", help="print one JSON object")
    aimu.set_defaults(run=cmd_analyze)
    avideo = asub.add_parser("video", help="video of a player: jumping jacks, squats, jumps, steps")
    avideo.add_argument("file", type=Path, metavar="FILE")
    avideo.add_argument("--model", default="lite", metavar="lite|full|PATH", help="pose model (default lite)")
    avideo.add_argument("--json", action="store_true", help="print one JSON object")
    avideo.set_defaults(run=_analyze_video)
    arr = asub.add_parser("rr", help="RR/NN intervals (ms, one per line): heart rate and HRV")
    arr.add_argument("file", type=Path, metavar="FILE")
    arr.add_argument("--json", action="store_true", help="print one JSON object")
    arr.set_defaults(run=cmd_analyze)


def _analyze_video(args: argparse.Namespace) -> int:
    from game.cli.analyze_video import cmd_analyze_video

    return cmd_analyze_video(args)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


__all__ = ["AnalyzeError", "analyze_rr", "cmd_analyze", "load_imu_csv", "load_rr_ms"]
