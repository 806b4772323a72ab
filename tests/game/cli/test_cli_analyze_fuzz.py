"""Fuzzing ``liike analyze imu|rr`` through the real entry point, in-process (issue 18).

Every case must end with exit 0 and one strict JSON object on stdout, or exit 2 and exactly one
``liike:`` line on stderr: never a traceback, never Infinity or NaN. ``make test`` runs a few
examples; ``make fuzz`` sets ``LIIKE_FUZZ_EXAMPLES`` for a long run and prints the outcomes
by kind (``-s``).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from collections import Counter
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.cli import main
from sensors.settings import fuzz_examples

IMU_EXAMPLES = fuzz_examples() or 60
RR_EXAMPLES = fuzz_examples() or 60
FUZZ = settings(max_examples=IMU_EXAMPLES, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])

NUMBERS = st.one_of(
    st.floats(-3, 3).map(lambda v: f"{v:.4f}"),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.sampled_from(["1e200", "-1e308", "1e308", "nan", "inf", "-inf", "1_0", "0x10", "", " ", "1e-320", "9" * 400]),
    st.integers(-(10**30), 10**30).map(str),
)
JUNK = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
CELL = st.one_of(NUMBERS, NUMBERS, NUMBERS, NUMBERS, NUMBERS, JUNK, st.just('"'), st.just('"1"'))
HEADERS = st.sampled_from(
    [
        "acc_x,acc_y,acc_z",
        "acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
        "time_s,acc_x,acc_y,acc_z",
        "time_s,acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
        " ACC_X , acc_y,acc_z,gyr_x",
        '"acc_x","acc_y","acc_z"',
        "",
    ]
)


def run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return code, out.getvalue(), err.getvalue()


def strict(text: str) -> object:
    def refuse(token: str) -> None:
        raise AssertionError(f"{token} in the JSON output")

    return json.loads(text, parse_constant=refuse)


def outcome(code: int, out: str, err: str, path: Path) -> str:
    """Check the contract and name the outcome's kind: "exit 0", or "exit 2: <message shape>"."""
    assert "Traceback" not in err, err
    if code == 0:
        assert out.count("\n") == 1, out
        assert isinstance(strict(out), dict)
        return "exit 0"
    assert code == 2, (code, err)
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("liike: "), err
    shape = lines[0].replace(str(path), "FILE")
    shape = re.sub(r"'[^']*'|\"[^\"]*\"|[-+]?\d[\w.+-]*", "#", shape)
    return "exit 2: " + " ".join(shape.split()[2:8])


def print_outcomes(name: str, outcomes: Counter[str]) -> None:
    print(f"\n{name}: {sum(outcomes.values())} cases")
    for kind, n in outcomes.most_common():
        print(f"  {n:6d}  {kind}")


def test_fuzz_analyze_imu_csv() -> None:
    outcomes: Counter[str] = Counter()

    @FUZZ
    @given(
        header=HEADERS,
        rows=st.lists(st.lists(CELL, min_size=0, max_size=8), max_size=8),
        regular=st.integers(0, 400),
        eol=st.sampled_from(["\n", "\r\n"]),
        raw=st.one_of(st.none(), st.none(), st.none(), st.none(), st.binary(max_size=200)),
        unit=st.sampled_from([[], ["--acc-unit", "mps2"], ["--gyr-unit", "rads"]]),
    )
    def case(header: str, rows: list[list[str]], regular: int, eol: str, raw: bytes | None, unit: list[str]) -> None:
        # A plausible recording (so the detectors run) with the fuzzed rows spliced in.
        n_cols = len(header.split(","))
        good = [",".join(f"{0.01 * i:.2f}" if h.strip() == "time_s" else "1" for h in header.split(",")) for i in range(regular)]
        text = eol.join([header, *good[: regular // 2], *(",".join(r[:n_cols]) for r in rows), *good[regular // 2 :]])
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "fuzz.csv"
            path.write_bytes(text.encode() if raw is None else raw)
            code, out, err = run(["analyze", "imu", str(path), "--rate", "100", "--json", *unit])
            outcomes[outcome(code, out, err, path)] += 1

    case()
    print_outcomes("analyze imu", outcomes)


def test_fuzz_analyze_imu_signal_in_range() -> None:
    """Signals that pass the range checks (up to ±200 g, ±5000 deg/s) always analyse: exit 0."""
    outcomes: Counter[str] = Counter()

    @settings(max_examples=max(10, IMU_EXAMPLES // 3), deadline=None, database=None)
    @given(
        n=st.integers(1, 700),
        scale=st.sampled_from([0.0, 1e-6, 1.0, 50.0, 200.0]),
        gyr_scale=st.sampled_from([None, 0.0, 100.0, 5000.0]),
        seed=st.integers(0, 2**32 - 1),
        placement=st.sampled_from(["chest", "waist", "wrist", "thigh", "foot"]),
    )
    def case(n: int, scale: float, gyr_scale: float | None, seed: int, placement: str) -> None:
        rng = np.random.default_rng(seed)
        acc = np.clip(rng.standard_normal((n, 3)) * scale, -200, 200)
        cols, header = [acc], "acc_x,acc_y,acc_z"
        if gyr_scale is not None:
            cols.append(np.clip(rng.standard_normal((n, 3)) * gyr_scale, -5000, 5000))
            header += ",gyr_x,gyr_y,gyr_z"
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "signal.csv"
            np.savetxt(path, np.hstack(cols), delimiter=",", header=header, comments="", fmt="%.6g")
            code, out, err = run(["analyze", "imu", str(path), "--rate", "100", "--placement", placement, "--json"])
            kind = outcome(code, out, err, path)
            assert kind == "exit 0", err
            outcomes[kind] += 1

    case()
    print_outcomes("analyze imu, signals in range", outcomes)


RR_VALUES = st.one_of(
    st.floats(200, 3000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -1.0, 1e308, 1e9, 150.0, 3500.0, 0.8]),
)


def test_fuzz_analyze_rr() -> None:
    outcomes: Counter[str] = Counter()

    @settings(max_examples=RR_EXAMPLES, deadline=None, database=None)
    @given(
        lines=st.lists(st.one_of(RR_VALUES.map(repr), JUNK, st.just("# comment"), st.just("")), max_size=40),
        values=st.lists(RR_VALUES, max_size=40),
        kind=st.sampled_from(["text", "npy", "npy-structured", "npy-complex", "npy-bool", "npy-2d", "bytes"]),
        raw=st.binary(max_size=200),
    )
    def case(lines: list[str], values: list[float], kind: str, raw: bytes) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / ("rr.txt" if kind in ("text", "bytes") else "rr.npy")
            if kind == "text":
                path.write_text("\n".join(lines) + "\n")
            elif kind == "bytes":
                path.write_bytes(raw)
            else:
                a: np.ndarray = np.array(values, dtype=np.float64)
                if kind == "npy-structured":
                    a = np.array([(v, i) for i, v in enumerate(values)], dtype=[("rr", "f8"), ("i", "i4")])
                elif kind == "npy-complex":
                    a = a + 1j
                elif kind == "npy-bool":
                    a = a > 800
                elif kind == "npy-2d" and a.size % 2 == 0:
                    a = a.reshape(2, -1)
                np.save(path, a)
                if raw:  # a truncated or corrupted array
                    data = path.read_bytes()
                    path.write_bytes(data[: len(raw) % (len(data) + 1)])
            code, out, err = run(["analyze", "rr", str(path), "--json"])
            outcomes[outcome(code, out, err, path)] += 1

    case()
    print_outcomes("analyze rr", outcomes)
