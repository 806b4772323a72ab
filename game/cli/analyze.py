"""``liike analyze imu|rr``: a recording from a file, through the game's own detectors.

Bad input (a missing or empty file, missing columns, text where numbers belong, a rate that
does not match the file's own times) ends with one line on stderr naming the problem and what
to do, and exit code 2.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import math
import sys
import warnings
from collections.abc import Iterator
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
#: Physical ranges: beyond them a value is not a body's movement (a corrupt file or a wrong unit).
MAX_ACC_G = 200.0
MAX_GYR_DPS = 5000.0
MIN_RR_MS = 200.0  # 300 bpm
MAX_RR_MS = 3000.0  # 20 bpm
#: The CSV is read this many lines at a time, each line at most this long.
CHUNK_LINES = 65_536
MAX_LINE_BYTES = 64 * 1024


class AnalyzeError(Exception):
    """A problem with the input, with a message the user can act on."""


def _text_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text) of each line, read in bounded memory: a line longer than
    :data:`MAX_LINE_BYTES` is refused with its number instead of being read whole."""
    if not path.exists():
        raise AnalyzeError(f"{path}: no such file; check the path")
    if path.is_dir():
        raise AnalyzeError(f"{path} is a folder; give a file")
    try:
        with path.open("rb") as f:
            number = 0
            while True:
                raw = f.readline(MAX_LINE_BYTES + 1)
                if not raw:
                    return
                number += 1
                if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                    raise AnalyzeError(
                        f"{path}: line {number} is longer than {MAX_LINE_BYTES // 1024} KiB; is a quote or a line break missing?"
                    )
                try:
                    text = raw.decode("utf-8-sig" if number == 1 else "utf-8")
                except UnicodeDecodeError:
                    raise AnalyzeError(f"{path}: line {number} is not UTF-8 text (a text file expected)") from None
                yield number, text.rstrip("\r\n")
    except OSError as exc:
        raise AnalyzeError(f"{path}: cannot be read ({exc.strerror})") from None


def _cells(line: str, path: Path | None = None, number: int = 0) -> list[str]:
    """The cells of one CSV line; quotes are honoured within the line but never join lines, and
    a line with a quote left open is refused (when ``path`` is given)."""
    if '"' not in line:
        return line.split(",")
    if line.count('"') % 2 and path is not None:
        raise AnalyzeError(f'{path}: line {number} has a quote (") that is not closed; remove it or close it')
    try:
        return next(csv.reader([line]), [])
    except csv.Error:  # a cell longer than the csv module's field limit
        return [line]


def _parse_chunk(path: Path, lines: list[tuple[int, str]], cols: list[int], names: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The numbers in ``cols`` of a chunk of data lines, one row per line that is not blank,
    and the line number of each row."""
    text = [line for _, line in lines]
    if not any('"' in line for line in text):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                out = np.loadtxt(text, delimiter=",", usecols=cols, comments=None, ndmin=2, dtype=np.float64)
            if out.shape[0] == len(text) and np.isfinite(out).all():
                return out, np.array([n for n, _ in lines])
        except (ValueError, IndexError):
            pass
    # The slow path: cell by cell, to name the line and column of the first bad cell.
    rows = []
    numbers = []
    for number, line in lines:
        row = _cells(line, path, number)
        if not any(cell.strip() for cell in row):
            continue
        values = []
        for ci, name in zip(cols, names, strict=True):
            cell = row[ci].strip() if ci < len(row) else ""
            try:
                value = float(cell)
            except ValueError:
                raise AnalyzeError(
                    f"{path}: line {number}, column {name}: {cell[:40]!r} is not a number; every cell must be a number"
                ) from None
            if not math.isfinite(value):
                raise AnalyzeError(f"{path}: line {number}, column {name}: {cell[:40]!r} is not a finite number")
            values.append(value)
        rows.append(values)
        numbers.append(number)
    return np.array(rows, dtype=np.float64).reshape(len(rows), len(cols)), np.array(numbers, dtype=np.int64)


def _check_range(path: Path, block: np.ndarray, line_numbers: np.ndarray, names: list[str], limit: float, unit: str) -> None:
    """Refuse the file at the first value beyond ``limit`` (already in ``unit``)."""
    outside = np.abs(block) > limit
    if outside.any():
        r, c = np.argwhere(outside)[0]
        raise AnalyzeError(
            f"{path}: line {int(line_numbers[r])}, column {names[c]}: {block[r, c]:.6g} {unit} is beyond "
            f"±{limit:g} {unit}, more than any body-worn sensor measures; check the unit options "
            "(--acc-unit, --gyr-unit) or the file"
        )


def column_name(cell: str) -> str:
    """A header cell as compared with the expected names: without case, spaces or a trailing unit
    in parentheses, so that ``liike sessions export --format csv``'s IMU file (``acc_x (g)``,
    ``gyr_x (deg/s)``) reads as it is."""
    name = cell.strip().lower().replace(" ", "")
    if name.endswith(")") and "(" in name:
        name = name[: name.index("(")]
    return name


def load_imu_csv(path: Path, rate_hz: float, acc_unit: str, gyr_unit: str) -> tuple[np.ndarray, np.ndarray | None]:
    """(acc in g, gyro in deg/s or None) from a CSV with a header row: acc_x, acc_y, acc_z,
    optional gyr_x, gyr_y, gyr_z and time_s (names compared without case, spaces and a unit in
    parentheses: :func:`column_name`). Gyroscope columns empty on the first sample are taken as
    absent (a session export of an accelerometer-only sensor).

    The file is read in chunks of :data:`CHUNK_LINES` lines, each line at most
    :data:`MAX_LINE_BYTES`; only the numbers are kept. A value beyond :data:`MAX_ACC_G` or
    :data:`MAX_GYR_DPS` (after the unit conversion) refuses the file, naming its line."""
    if not MIN_RATE_HZ <= rate_hz <= MAX_RATE_HZ:
        raise AnalyzeError(
            f"--rate {rate_hz:g} Hz is outside {MIN_RATE_HZ:g}-{MAX_RATE_HZ:g} Hz; give the sensor's sampling rate"
        )
    lines = _text_lines(path)
    header: list[str] = []
    for number, line in lines:
        row = _cells(line, path, number)
        if any(cell.strip() for cell in row):
            header = [column_name(h) for h in row]
            break
    if not header:
        raise AnalyzeError(f"{path} is empty; expected a header row (acc_x,acc_y,acc_z[,gyr_x,gyr_y,gyr_z][,time_s]) and samples")
    missing = [c for c in ACC_COLUMNS if c not in header]
    if missing:
        raise AnalyzeError(
            f"{path}: missing column(s) {', '.join(missing)} in the header row "
            f"(found: {', '.join(header)[:200] or 'nothing'}); name the columns acc_x, acc_y, acc_z"
        )
    present = [c for c in GYR_COLUMNS if c in header]
    if present and len(present) < 3:
        raise AnalyzeError(f"{path}: only {', '.join(present)} of gyr_x, gyr_y, gyr_z present; give all three or none")
    first: list[tuple[int, str]] = []  # the first data line, read ahead
    for number, line in lines:
        if line.strip():
            first = [(number, line)]
            break
    if present and first:
        row = _cells(first[0][1], path, first[0][0])
        if all(header.index(c) >= len(row) or not row[header.index(c)].strip() for c in GYR_COLUMNS):
            # Gyroscope columns left empty (an accelerometer-only sensor in a session export): none.
            present = []
    names = list(ACC_COLUMNS) + (list(GYR_COLUMNS) if present else []) + (["time_s"] if "time_s" in header else [])
    cols = [header.index(c) for c in names]
    # Each column group is kept as its own compact array (acc and gyro as float32, the precision
    # ImuBatch carries them in; time as float64) so the whole file costs 28 bytes a row, not 56.
    acc_blocks: list[np.ndarray] = []
    gyr_blocks: list[np.ndarray] = []
    t_blocks: list[np.ndarray] = []
    chunk: list[tuple[int, str]] = []
    last_t: float | None = None  # the previous chunk's last time

    def take(chunk: list[tuple[int, str]]) -> None:
        nonlocal last_t
        block, numbers = _parse_chunk(path, chunk, cols, names)
        if not block.shape[0]:
            return
        if acc_unit == "mps2":
            block[:, :3] /= G_MPS2
        _check_range(path, block[:, :3], numbers, names[:3], MAX_ACC_G, "g")
        if present:
            if gyr_unit == "rads":
                block[:, 3:6] = np.degrees(block[:, 3:6])
            _check_range(path, block[:, 3:6], numbers, names[3:6], MAX_GYR_DPS, "deg/s")
        if "time_s" in names:
            t = block[:, -1]
            previous = np.concatenate([[-np.inf if last_t is None else last_t], t[:-1]])
            back = t <= previous
            if back.any():
                line = int(numbers[int(np.argmax(back))])
                raise AnalyzeError(f"{path}: time_s does not increase at line {line}; samples must be in time order")
            last_t = float(t[-1])
            t_blocks.append(t.copy())
        acc_blocks.append(block[:, :3].astype(np.float32))
        if present:
            gyr_blocks.append(block[:, 3:6].astype(np.float32))

    for item in itertools.chain(first, lines):
        chunk.append(item)
        if len(chunk) >= CHUNK_LINES:
            take(chunk)
            chunk = []
    if chunk:
        take(chunk)
    if not acc_blocks:
        raise AnalyzeError(f"{path} has a header but no samples")
    if t_blocks:
        _check_rate(path, np.concatenate(t_blocks), rate_hz)
        t_blocks.clear()
    acc = np.concatenate(acc_blocks)
    acc_blocks.clear()
    gyr = np.concatenate(gyr_blocks) if present else None
    return acc, gyr


def _check_rate(path: Path, t: np.ndarray, rate_hz: float) -> None:
    if t.size < 2:
        return
    step = float(np.median(np.diff(t)))
    if abs(step * rate_hz - 1.0) > 0.02:
        raise AnalyzeError(
            f"{path}: time_s advances {step:.6g} s per sample ({1 / step:.4g} Hz) but --rate is {rate_hz:g} Hz; "
            f"pass --rate {1 / step:.4g}"
        )


def load_rr(path: Path) -> tuple[np.ndarray, int]:
    """RR/NN intervals in ms and how many were dropped for lying outside
    :data:`MIN_RR_MS`-:data:`MAX_RR_MS`: a text file with one number per line (blank lines and
    lines starting with # are skipped), or a NumPy .npy array of numbers."""
    if path.suffix.lower() == ".npy" and path.is_file():
        try:
            array = np.load(path, allow_pickle=False, mmap_mode="r")
            if array.dtype.kind not in "iuf":
                raise AnalyzeError(f"{path}: a NumPy array of {array.dtype} values; give an array of numbers (RR in ms)")
            rr = np.array(array, dtype=np.float64).ravel()
        except (ValueError, TypeError, OSError, EOFError) as exc:
            raise AnalyzeError(f"{path}: not a readable NumPy array of numbers ({str(exc)[:120]})") from None
    else:
        values = []
        for i, line in _text_lines(path):
            s = line.strip()
            if not s or s.startswith("#"):
                continue
            try:
                values.append(float(s))
            except ValueError:
                raise AnalyzeError(f"{path}: line {i}: {s[:40]!r} is not a number; give one RR interval in ms per line") from None
        rr = np.array(values, dtype=np.float64)
    if rr.size == 0:
        raise AnalyzeError(f"{path} holds no RR intervals; give one interval in ms per line")
    if not np.isfinite(rr).all() or (rr <= 0).any():
        raise AnalyzeError(f"{path}: RR intervals must be positive numbers of milliseconds")
    with np.errstate(over="ignore"):  # the median of two huge values is inf: out of range below
        median = float(np.median(rr))
    if median < 10:
        raise AnalyzeError(f"{path}: the intervals look like seconds (median {median:g}); give milliseconds")
    if not MIN_RR_MS <= median <= MAX_RR_MS:
        raise AnalyzeError(
            f"{path}: the median interval is {median:.6g} ms, outside {MIN_RR_MS:g}-{MAX_RR_MS:g} ms "
            "(300-20 bpm); give RR intervals in milliseconds"
        )
    keep = (rr >= MIN_RR_MS) & (rr <= MAX_RR_MS)
    dropped = int(rr.size - keep.sum())
    rr = rr[keep]
    if rr.size < 3:
        raise AnalyzeError(
            f"{path}: HRV needs at least 3 intervals within {MIN_RR_MS:g}-{MAX_RR_MS:g} ms, the file has {rr.size}"
        )
    return rr, dropped


def load_rr_ms(path: Path) -> np.ndarray:
    """The RR intervals (ms) of :func:`load_rr`, without the count of dropped ones."""
    return load_rr(path)[0]


def analyze_rr(rr_ms: np.ndarray, dropped: int = 0) -> dict[str, Any]:
    """Heart rate and HRV of RR intervals (ms); ``dropped_out_of_range`` counts the intervals
    the file held outside the physical range, left out before the analysis."""
    from sensors.motion.heart_analytics import hrv

    h = hrv(rr_ms)
    return {
        "intervals": int(rr_ms.size),
        "dropped_out_of_range": dropped,
        "duration_s": round(float(rr_ms.sum()) / 1000.0, 3),
        "mean_hr_bpm": h.mean_hr_bpm,
        "min_hr_bpm": h.min_hr_bpm,
        "max_hr_bpm": h.max_hr_bpm,
        "sdnn_ms": h.sdnn_ms,
        "rmssd_ms": h.rmssd_ms,
        "pnn50_pct": h.pnn50_pct,
    }


def finite_or_none(value: Any) -> Any:
    """``value`` with every float that is not finite (inf, nan) replaced by None, in nested
    dicts and lists: strict JSON has no Infinity or NaN."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: finite_or_none(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite_or_none(v) for v in value]
    return value


def one_line(text: str) -> str:
    """``text`` with every character that is not printable (line breaks, controls) escaped, so
    a message quoting the file stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def _num(value: Any, spec: str) -> str:
    """``value`` formatted with ``spec``, or "--" where it could not be computed (None)."""
    return "--" if value is None else format(value, spec)


def _print_rr(r: dict[str, Any]) -> None:
    dropped = f", {r['dropped_out_of_range']} outside 200-3000 ms left out" if r["dropped_out_of_range"] else ""
    print(f"intervals      {r['intervals']} ({_num(r['duration_s'], '.1f')} s{dropped})")
    print(f"mean HR        {_num(r['mean_hr_bpm'], '.3f')} bpm")
    print(f"min HR         {_num(r['min_hr_bpm'], '.3f')} bpm")
    print(f"max HR         {_num(r['max_hr_bpm'], '.3f')} bpm")
    print(f"SDNN           {_num(r['sdnn_ms'], '.3f')} ms")
    print(f"RMSSD          {_num(r['rmssd_ms'], '.3f')} ms")
    print(f"pNN50          {_num(r['pnn50_pct'], '.3f')} %")


def _print_imu(r: dict[str, Any]) -> None:
    print(f"recording      {r['samples']} samples, {_num(r['duration_s'], '.1f')} s at {r['rate_hz']:g} Hz, {r['placement']}")
    how_steps = {
        "walking_cwt": "walking detector",
        "leg_cycles": "leg swing cycles",
        "arm_swing_cycles": "arm swing cycles",
    }.get(r["steps_method"], r["steps_method"])
    print(f"steps          {r['steps']} (median cadence {_num(r['cadence_spm'], '.1f')} steps/min; {how_steps})")
    if r["steps_low_latency"] is not None:
        print(f"               the game's low-latency detector: {r['steps_low_latency']}")
    if r["jumps_detected"]:
        heights = ", ".join(f"{_num(j['height_m'] and j['height_m'] * 100, '.0f')} cm" for j in r["jumps"])
        print(f"jumps          {len(r['jumps'])}" + (f": {heights}" if heights else ""))
    else:
        print("jumps          not detected at this placement (trunk sensors only)")
    period = f" (about {r['rep_period_s']:.1f} s each)" if r["rep_period_s"] else ""
    if r["reps_reliable"]:
        print(f"repetitions    {r['reps']}{period}")
    else:  # a number that is likely wrong is not printed: the JSON keeps it beside the flag
        print(f"repetitions    not counted: {r['reps_note']}")
    print(f"ENMO mean      {_num(r['enmo_mg_mean'], '.1f')} mg")
    how = (
        "orientation from gyroscope and accelerometer (AHRS)"
        if r["vertical_acc_source"] == "ahrs"
        else "up from the accelerometer's low-pass; no gyroscope columns"
    )
    print(f"vertical acc   RMS {_num(r['vertical_acc_rms_g'], '.3f')} g, {how}")
    print(f"free fall      {r['free_falls']} ({_num(r['free_fall_s'], '.2f')} s in all)")
    if r["intensity_minutes"] is None:
        print(f"intensity      {r['cut_points_note']}")
    else:
        m = r["intensity_minutes"]
        print(f"intensity      {r['cut_points_note']}, {r['intensity_epoch_s']:g} s epochs:")
        print("               " + ", ".join(f"{k} {_num(v, '.1f')} min" for k, v in m.items()))


def cmd_analyze(args: argparse.Namespace) -> int:
    try:
        if args.analyze_command == "rr":
            rr, dropped = load_rr(args.file)
            result = analyze_rr(rr, dropped)
            printer = _print_rr
        elif args.analyze_command == "imu":
            from sensors.motion.analysis import analyze_imu

            acc, gyr = load_imu_csv(args.file, args.rate, args.acc_unit, args.gyr_unit)
            with np.errstate(all="ignore"):  # a value that cannot be computed becomes null below
                result = analyze_imu(acc, gyr, args.rate, args.placement)
            printer = _print_imu
        else:
            raise AnalyzeError(f"unknown kind {args.analyze_command!r}; use imu, rr or video")
    except AnalyzeError as exc:
        print(f"liike: {one_line(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    result = finite_or_none(result)
    if args.json:
        print(json.dumps(result, allow_nan=False))
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
    asession = asub.add_parser("session", help="a stored session's raw streams: the rr, imu and video analyses of what it holds")
    asession.add_argument("session", type=int, metavar="ID", help="the session (`liike sessions list` shows the ids)")
    asession.add_argument("--db", type=Path, metavar="FILE", help="session database (default: the user data folder)")
    asession.add_argument("--json", action="store_true", help="print one JSON object")
    asession.set_defaults(run=_analyze_session)


def _analyze_video(args: argparse.Namespace) -> int:
    from game.cli.analyze_video import cmd_analyze_video

    return cmd_analyze_video(args)


def _analyze_session(args: argparse.Namespace) -> int:
    from game.cli.analyze_session import cmd_analyze_session

    return cmd_analyze_session(args)


def _help(parser: argparse.ArgumentParser) -> int:
    parser.print_help()
    return 0


__all__ = ["AnalyzeError", "analyze_rr", "cmd_analyze", "column_name", "finite_or_none", "load_imu_csv", "load_rr", "load_rr_ms"]
