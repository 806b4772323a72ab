"""``liike analyze imu|rr`` in-process through game.cli.main, on good and bad files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from game.cli import main
from sensors.samples import ImuBatch
from sensors.sim.player import SimulatedPlayer
from tools.test_data import DataUnavailable, fetch


def sim_csv(
    tmp_path: Path, placement: str, script: str, seconds: float, *, header: str = "time_s, ACC_X, acc_y ,acc_z"
) -> tuple[Path, list]:
    sp = SimulatedPlayer(seed=2, script=script, imu_placement=placement, loop=False)
    acc = np.concatenate([s.acc_g for s in sp.advance_to(int(seconds * 1e9)) if isinstance(s, ImuBatch)])
    t = np.arange(len(acc)) / 100.0
    path = tmp_path / f"{placement}.csv"
    np.savetxt(path, np.column_stack([t, acc]), delimiter=",", header=header, comments="", fmt="%.5f")
    return path, sp.ground_truth()


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> dict:
    assert main(["analyze", *argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_imu_chest_steps_jumps_and_intensity(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, truth = sim_csv(tmp_path, "chest", "idle:3,jog:20@160,jump:6,rest:4", 33)
    r = run_json(capsys, "imu", str(path), "--rate", "100", "--placement", "chest")
    n_steps = sum(e.kind == "step" for e in truth)
    assert abs(r["steps"] - n_steps) <= 0.15 * n_steps
    assert r["cadence_spm"] == pytest.approx(160, rel=0.05)
    assert len(r["jumps"]) == sum(e.kind == "jump" for e in truth)
    for j in r["jumps"]:
        assert j["height_m"] == pytest.approx(9.80665 * j["flight_s"] ** 2 / 8, abs=0.002)
    assert r["enmo_mg_mean"] > 50 and r["intensity_minutes"] is None and r["cut_points"] is None
    # No gyroscope columns: "up" from the low-pass; every jump is one free fall of its flight time.
    assert r["orientation_available"] is False and r["vertical_acc_source"] == "lowpass"
    assert r["free_falls"] == len(r["jumps"])
    assert r["free_fall_s"] == pytest.approx(sum(j["flight_s"] for j in r["jumps"]), abs=0.05)
    assert r["vertical_acc_rms_g"] > 0.1  # jogging's bounce


def test_imu_waist_uses_the_hip_table_and_text_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = sim_csv(tmp_path, "waist", "idle:5,jog:30@170,idle:5", 40)
    r = run_json(capsys, "imu", str(path), "--rate", "100", "--placement", "waist")
    assert r["cut_points"] == "hildebrand2014-adult-hip"
    assert sum(r["intensity_minutes"].values()) == pytest.approx(40 / 60, abs=0.002)  # rounded to 3 places
    m = r["intensity_minutes"]
    assert m["moderate"] + m["vigorous"] == pytest.approx(0.5, abs=0.1)  # the half minute of jogging
    assert m["sedentary"] >= 0.1  # the standing before and after
    assert main(["analyze", "imu", str(path), "--rate", "100", "--placement", "waist"]) == 0
    out = capsys.readouterr().out
    assert "steps" in out and "hip table" in out
    assert "vertical acc" in out and "low-pass" in out and "free fall      0" in out


def test_imu_wrist_in_mps2_with_gyro_counts_reps(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "sensors" / "motion"))
    from rep_synth import rep_recording

    rec = rep_recording(8001, "curl", 2.5, sets=1, pause_s=(5.0, 5.0))
    path = tmp_path / "wrist.csv"
    np.savetxt(
        path,
        np.column_stack([rec.acc_g * 9.80665, np.radians(rec.gyr_dps)]),
        delimiter=",",
        header="acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z",
        comments="",
        fmt="%.6f",
    )
    r = run_json(capsys, "imu", str(path), "--rate", "50", "--placement", "wrist", "--acc-unit", "mps2", "--gyr-unit", "rads")
    assert abs(r["reps"] - 20) <= 2
    assert r["cut_points"] == "hildebrand2014-adult-wrist"
    assert r["jumps"] == [] and r["jumps_detected"] is False
    assert r["orientation_available"] is True and r["vertical_acc_source"] == "ahrs"
    assert r["reps_reliable"] is True and r["reps_note"] is None  # the gyroscope sees every repetition


@pytest.mark.data
def test_rr_reproduces_pyhrv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    try:
        npy = fetch("SampleNNISeriesLong.npy")
    except DataUnavailable as exc:
        pytest.skip(f"pyhrv sample data not available offline: {exc}")
    txt = tmp_path / "nn.txt"
    txt.write_text("\n".join(str(int(v)) for v in np.load(npy)) + "\n")
    for source in (npy, txt):
        r = run_json(capsys, "rr", str(source))
        got = {k: round(r[k], 3) for k in ("mean_hr_bpm", "min_hr_bpm", "max_hr_bpm", "sdnn_ms", "rmssd_ms", "pnn50_pct")}
        assert got == {
            "mean_hr_bpm": 78.990,
            "min_hr_bpm": 50.505,
            "max_hr_bpm": 106.762,
            "sdnn_ms": 85.357,
            "rmssd_ms": 60.523,
            "pnn50_pct": 28.571,
        }
    assert main(["analyze", "rr", str(txt)]) == 0
    assert "RMSSD          60.523 ms" in capsys.readouterr().out


def bad(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["analyze", *argv]) == 2
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("liike: ") and "Traceback" not in captured.err
    return lines[0]


def test_bad_imu_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no such file" in bad(capsys, "imu", str(tmp_path / "nope.csv"), "--rate", "100")
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert "empty" in bad(capsys, "imu", str(empty), "--rate", "100")
    header_only = tmp_path / "header.csv"
    header_only.write_text("acc_x,acc_y,acc_z\n")
    assert "no samples" in bad(capsys, "imu", str(header_only), "--rate", "100")
    cols = tmp_path / "cols.csv"
    cols.write_text("ax,ay,az\n0,0,1\n")
    assert "acc_x" in bad(capsys, "imu", str(cols), "--rate", "100")
    text = tmp_path / "text.csv"
    text.write_text("acc_x,acc_y,acc_z\n0,0,1\n0,zero,1\n")
    msg = bad(capsys, "imu", str(text), "--rate", "100")
    assert "line 3" in msg and "acc_y" in msg and "not a number" in msg
    timed = tmp_path / "timed.csv"
    timed.write_text("time_s,acc_x,acc_y,acc_z\n" + "".join(f"{i / 50:.3f},0,0,1\n" for i in range(100)))
    msg = bad(capsys, "imu", str(timed), "--rate", "100")
    assert "--rate 50" in msg
    assert "outside" in bad(capsys, "imu", str(timed), "--rate", "0.5")
    gyro = tmp_path / "gyro.csv"
    gyro.write_text("acc_x,acc_y,acc_z,gyr_x\n0,0,1,0\n")
    assert "gyr_x" in bad(capsys, "imu", str(gyro), "--rate", "100")
    assert "folder" in bad(capsys, "imu", str(tmp_path), "--rate", "100")
    # argparse itself rejects a zero rate, with its usage line
    assert main(["analyze", "imu", str(timed), "--rate", "0"]) == 2
    assert "expected a sampling rate above 0 Hz" in capsys.readouterr().err


def test_bad_rr_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert "no such file" in bad(capsys, "rr", str(tmp_path / "nope.txt"))
    f = tmp_path / "rr.txt"
    f.write_text("")
    assert "no RR intervals" in bad(capsys, "rr", str(f))
    f.write_text("800\n810\nabc\n")
    assert "line 3" in bad(capsys, "rr", str(f))
    f.write_text("0.8\n0.81\n0.79\n")
    assert "seconds" in bad(capsys, "rr", str(f))
    f.write_text("800\n-5\n800\n")
    assert "positive" in bad(capsys, "rr", str(f))
    f.write_text("800\n810\n")
    assert "at least 3" in bad(capsys, "rr", str(f))


# Faults and hostile input (issue 18): each of these tracebacked or printed invalid JSON before.


def strict_json(text: str) -> dict:
    """Parse as strict JSON: Infinity and NaN are not JSON."""

    def refuse(token: str) -> None:
        raise ValueError(f"{token} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_stray_quote_making_a_huge_cell_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "quote.csv"
    f.write_text('acc_x,acc_y,acc_z\n0,0,"1\n' + "0,0,1\n" * 30_000)  # the quote swallows 180 kB into one cell
    msg = bad(capsys, "imu", str(f), "--rate", "100")
    assert "line 2" in msg


def test_a_line_longer_than_the_limit_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "long.csv"
    f.write_text("acc_x,acc_y,acc_z\n0,0,1\n0,0," + "1" * 100_000 + "\n0,0,1\n")
    msg = bad(capsys, "imu", str(f), "--rate", "100")
    assert "line 3" in msg and "KiB" in msg


@pytest.mark.parametrize("value", ["1e200", "-3e250", "1e308"])
def test_huge_finite_acceleration_is_refused_before_analysis(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str
) -> None:
    f = tmp_path / "huge.csv"
    rows = ["0,0,1"] * 300
    rows[150] = f"0,{value},1"
    f.write_text("acc_x,acc_y,acc_z\n" + "\n".join(rows) + "\n")
    msg = bad(capsys, "imu", str(f), "--rate", "100")
    assert "line 152" in msg and "acc_y" in msg and "200 g" in msg


def test_huge_gyroscope_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "gyr.csv"
    rows = ["0,0,1,0,0,0"] * 300
    rows[7] = "0,0,1,0,0,1e300"
    f.write_text("acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + "\n".join(rows) + "\n")
    msg = bad(capsys, "imu", str(f), "--rate", "100")
    assert "line 9" in msg and "gyr_z" in msg and "5000" in msg
    # rad/s are converted first: 100 rad/s is 5730 deg/s
    rows[7] = "0,0,1,0,0,100"
    f.write_text("acc_x,acc_y,acc_z,gyr_x,gyr_y,gyr_z\n" + "\n".join(rows) + "\n")
    assert "5000" in bad(capsys, "imu", str(f), "--rate", "100", "--gyr-unit", "rads")


def test_acceleration_limit_applies_after_the_unit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "mps2.csv"
    f.write_text("acc_x,acc_y,acc_z\n" + "0,0,9.81\n" * 200 + "0,0,1500\n")  # 153 g: plausible in m/s^2
    assert main(["analyze", "imu", str(f), "--rate", "100", "--acc-unit", "mps2", "--json"]) == 0
    strict_json(capsys.readouterr().out)
    assert "200 g" in bad(capsys, "imu", str(f), "--rate", "100")  # 1500 g is not


def test_structured_npy_rr_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "rr.npy"
    np.save(f, np.array([(800, 1.0), (810, 2.0), (790, 3.0)], dtype=[("rr", "i4"), ("t", "f8")]))
    assert "numbers" in bad(capsys, "rr", str(f))
    np.save(f, np.array([800 + 1j, 810, 790]))
    assert "numbers" in bad(capsys, "rr", str(f))


def test_rr_out_of_range_is_dropped_and_counted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "rr.txt"
    f.write_text("800\n1e308\n810\n150\n790\n1e9\n800\n")
    r = strict_json(run_json_text(capsys, "rr", str(f)))
    assert r["intervals"] == 4 and r["dropped_out_of_range"] == 3
    assert r["duration_s"] == pytest.approx(3.2)
    assert 74 < r["mean_hr_bpm"] < 76
    f.write_text("1e308\n1e308\n1e308\n1e308\n")
    assert "200-3000 ms" in bad(capsys, "rr", str(f))
    f.write_text("800\n810\n5000\n5000\n")
    assert "at least 3" in bad(capsys, "rr", str(f))


def run_json_text(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    assert main(["analyze", *argv, "--json"]) == 0
    return capsys.readouterr().out


def test_output_is_strict_json_for_a_single_sample(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "one.csv"
    f.write_text("acc_x,acc_y,acc_z\n100,-100,150\n")
    r = strict_json(run_json_text(capsys, "imu", str(f), "--rate", "100"))
    assert r["samples"] == 1
    assert main(["analyze", "imu", str(f), "--rate", "100"]) == 0  # text output too
    capsys.readouterr()


def test_blank_rows_keep_their_line_numbers(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "blank.csv"
    f.write_text("acc_x,acc_y,acc_z\n0,0,1\n\n,,\n0,x,1\n")
    assert "line 5" in bad(capsys, "imu", str(f), "--rate", "100")


def test_a_message_quoting_the_file_stays_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "cr.csv"
    f.write_bytes("0\r0\u2028\n".encode())  # found by the fuzzer: a carriage return echoed from the header
    assert "missing column" in bad(capsys, "imu", str(f), "--rate", "100")


def test_imu_trunk_steps_come_from_the_walking_detector(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Slow stepping on the spot (80 steps/min): the game's low-latency detector, tuned not to
    # step for a standing player, sees none of these soft steps; the walking detector counts them.
    path, truth = sim_csv(tmp_path, "waist", "idle:3,jog:30@80,idle:5", 38)
    r = run_json(capsys, "imu", str(path), "--rate", "100", "--placement", "waist")
    n_steps = sum(e.kind == "step" for e in truth)
    assert r["steps_method"] == "walking_cwt"
    assert abs(r["steps"] - n_steps) <= 0.05 * n_steps
    assert r["steps_low_latency"] < 0.5 * n_steps
    assert r["cadence_spm"] == pytest.approx(80, rel=0.05)
    assert main(["analyze", "imu", str(path), "--rate", "100", "--placement", "waist"]) == 0
    out = capsys.readouterr().out
    assert "walking detector" in out and "low-latency detector" in out


def test_imu_limb_steps_name_their_method(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path, _ = sim_csv(tmp_path, "thigh", "idle:3,jog:15@160,idle:3", 21)
    r = run_json(capsys, "imu", str(path), "--rate", "100", "--placement", "thigh")
    assert r["steps_method"] == "leg_cycles" and r["steps_low_latency"] is None


def _rep_csv(tmp_path: Path, exercise: str, period_s: float, seed: int) -> Path:
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "sensors" / "motion"))
    from rep_synth import rep_recording

    rec = rep_recording(seed, exercise, period_s, sets=1, pause_s=(5.0, 5.0))
    path = tmp_path / f"{exercise}.csv"
    np.savetxt(path, rec.acc_g, delimiter=",", header="acc_x,acc_y,acc_z", comments="", fmt="%.6f")
    return path


def test_imu_accelerometer_only_rotations_say_they_need_a_gyroscope(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _rep_csv(tmp_path, "rotation", 3.0, 8101)
    r = run_json(capsys, "imu", str(path), "--rate", "50", "--placement", "wrist")
    assert r["reps_reliable"] is False and "gyroscope" in r["reps_note"]
    assert isinstance(r["reps"], int)  # the field stays, beside the flag
    assert main(["analyze", "imu", str(path), "--rate", "50", "--placement", "wrist"]) == 0
    out = capsys.readouterr().out
    line = next(s for s in out.splitlines() if s.startswith("repetitions"))
    assert "not counted" in line and "gyroscope" in line and str(r["reps"]) not in line.split(":")[0]


def test_imu_accelerometer_only_curls_are_trusted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _rep_csv(tmp_path, "curl", 2.5, 8102)
    r = run_json(capsys, "imu", str(path), "--rate", "50", "--placement", "wrist")
    assert abs(r["reps"] - 20) <= 2
    assert r["reps_reliable"] is True and r["reps_note"] is None


def test_imu_reads_a_session_export_with_units_in_the_header(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The research path: a session exported as CSV (liike sessions export --format csv) goes
    # straight into analyze: units in parentheses in the header, and the gyroscope columns left
    # empty for an accelerometer-only sensor.
    from game.sessions.exports.csv_files import HEADERS

    sp = SimulatedPlayer(seed=2, script="idle:3,jog:30@80,idle:5", imu_placement="waist", loop=False)
    acc = np.concatenate([s.acc_g for s in sp.advance_to(int(38 * 1e9)) if isinstance(s, ImuBatch)])
    path = tmp_path / "session-imu.csv"
    lines = [",".join(f'"{h}"' if "," in h else h for h in HEADERS["imu"])]
    for i, (x, y, z) in enumerate(acc.tolist()):
        t_ns = i * 10_000_000
        lines.append(f"{i // 10},{i % 10},{t_ns},{1.7e9 + t_ns / 1e9:.3f},{x:.5f},{y:.5f},{z:.5f},,,,100.0,,{t_ns},waist,sim")
    path.write_text("\n".join(lines) + "\n")
    r = run_json(capsys, "imu", str(path), "--rate", "100", "--placement", "waist")
    n_steps = sum(e.kind == "step" for e in sp.ground_truth())
    assert r["orientation_available"] is False  # the empty gyroscope columns read as none
    assert r["steps_method"] == "walking_cwt" and abs(r["steps"] - n_steps) <= 0.05 * n_steps
