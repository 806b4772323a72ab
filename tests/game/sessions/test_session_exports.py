"""Exports: FIT decoded by Garmin's own decoder, TCX validated against Garmin's schema, JSON Lines
read back to the very values stored, CSV with units in every header; on a 20-minute simulated
runner session built with the writer."""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xmlschema

from game.sessions import SessionStore, SessionWriter
from game.sessions.exports import ExportError, export_session
from game.sessions.exports.jsonl import read as read_jsonl
from sensors.clock import ManualClock
from sensors.samples import DeviceState, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch, PoseFrame
from tests.game.sessions.garmin_fit import decode

S = 1_000_000_000
T0 = 5_000 * S  # host monotonic time at the start
WALL0 = 1_795_000_000 * S + 250_000_000  # Unix ns at T0 (a quarter past a second)
XSD = Path(__file__).parent / "data" / "TrainingCenterDatabasev2.xsd"
TCX_NS = {"t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"}


def runner_session(db: Path, minutes: int = 20, imu_hz: int = 10) -> int:
    """A simulated runner: heart rate rising from 95 towards 165 bpm with its RR intervals about
    once a second, a foot pod (speed, cadence, distance) once a second, a chest IMU, a few pose
    frames, game events, and a 20 s strap dropout at minute 10."""
    rng = np.random.default_rng(7)
    clock = ManualClock(T0)
    w = SessionWriter(db, player="fox", mode="runner", level="meadow", flush_interval_s=0.05, clock=clock, wall=lambda: WALL0)
    sid = w.start()
    w.record([DeviceStatus(T0, "strap", "heart_rate", DeviceState.STREAMING, "Polar H10")])
    distance = 1234.0  # the pod's own total when the session starts
    for s in range(minutes * 60):
        t = T0 + s * S
        bpm = round(165 - 70 * math.exp(-s / 180) + 3 * math.sin(s / 7))
        dropout = 600 <= s < 620
        if not dropout:
            # a strap notifies at a jittered ~1 s; sometimes twice within one wall second
            t_hr = t + int(rng.integers(0, 400_000_000))
            rr = tuple(round(60 / bpm * 1024) / 1024 for _ in range(1 if s % 3 else 2))
            w.record([HeartRateSample(t_host_ns=t_hr, source="strap", bpm=bpm, rr_s=rr, contact=True, t_device_ns=s * S)])
            if s % 97 == 0:
                w.record([HeartRateSample(t_host_ns=t_hr + 300_000_000, source="strap", bpm=bpm + 1, rr_s=(0.5,))])
        if s == 600:
            w.record([DeviceStatus(t + 1, "strap", "heart_rate", DeviceState.STALE, "no data")])
        if s == 620:
            w.record([DeviceStatus(t - 1, "strap", "heart_rate", DeviceState.STREAMING, "back")])
        speed = 2.8 + 0.4 * math.sin(s / 60)
        distance += speed
        w.record(
            [FitnessSample(t_host_ns=t + 500_000_000, source="pod", speed_mps=speed, cadence_spm=168.0, distance_m=distance)]
        )
        acc = rng.normal(0, 0.5, (imu_hz, 3)).astype(np.float32)
        w.record([ImuBatch(t_host_ns=t + S, source="chest", rate_hz=imu_hz, t_first_ns=t, acc_g=acc, gyr_dps=acc * 100)])
        if s % 60 == 0:
            w.record([PoseFrame(t_host_ns=t, source="camera:0", landmarks=rng.random((33, 4)), world=rng.normal(size=(33, 3)))])
            w.record_event(t, "game.hit", {"lane": s % 3, "name": 'pine, "tall"'})
    clock.advance(minutes * 60 * S)
    w.finish(4200, {"completed": True})
    assert w.intact, w.error
    return sid


@pytest.fixture(scope="module")
def tcx_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(XSD)  # parsing the schema takes seconds: once per module


@pytest.fixture(scope="module")
def session(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    db = tmp_path_factory.mktemp("store") / "s.sqlite"
    return db, runner_session(db)


def export(session: tuple[Path, int], fmt: str, out: Path) -> list[Path]:
    db, sid = session
    with SessionStore(db, read_only=True) as store:
        return export_session(store, sid, fmt, out)


def stored_seconds(session: tuple[Path, int]) -> dict[int, dict[str, Any]]:
    """Per whole Unix second: the last stored bpm and every RR interval in it, straight from the store."""
    db, sid = session
    per: dict[int, dict[str, Any]] = defaultdict(lambda: {"bpm": None, "rr": []})
    with SessionStore(db, read_only=True) as store:
        for h in store.iter_samples(sid, "hr"):
            second = (WALL0 + h["t_host_ns"] - T0) // S
            per[second]["bpm"] = h["bpm"]
            per[second]["rr"] += h["rr_s"]
    return dict(per)


@pytest.mark.data
def test_fit_decodes_with_garmins_decoder_and_its_heart_rates_match_the_store(session: tuple[Path, int], tmp_path: Path) -> None:
    [path] = export(session, "fit", tmp_path)
    messages, errors = decode(path)
    assert errors == []
    records = messages["record_mesgs"]
    fit_epoch = 631065600  # FIT times count from 1989-12-31T00:00:00Z (FIT protocol section 4.3)
    got = {r["timestamp"] + fit_epoch: r.get("heart_rate") for r in records}
    want = stored_seconds(session)
    with_hr = {t: hr for t, hr in got.items() if hr is not None}
    assert with_hr == {t: v["bpm"] for t, v in want.items()}
    assert len(with_hr) >= 20 * 60 - 20 - 1  # one per second, but for the 20 s dropout
    # every RR interval, in order, to the millisecond FIT keeps
    fit_rr = [t for m in messages["hrv_mesgs"] for t in (m["time"] if isinstance(m["time"], list) else [m["time"]])]
    stored_rr = [r for t in sorted(want) for r in want[t]["rr"]]
    assert len(fit_rr) == len(stored_rr) and np.allclose(fit_rr, stored_rr, atol=0.0011)
    # the foot pod's speed, running cadence (strides/min) and distance from the session's start
    assert all(abs(r["speed"] - 2.8) <= 0.401 for r in records if "speed" in r)
    assert {r["cadence"] for r in records if "cadence" in r} == {84}
    distances = [r["distance"] for r in records if "distance" in r]
    assert distances[0] == 0 and distances == sorted(distances) and 3000 < distances[-1] < 4000
    [lap], [sess], [activity] = messages["lap_mesgs"], messages["session_mesgs"], messages["activity_mesgs"]
    assert sess["sport"] == "running" and sess["total_elapsed_time"] == pytest.approx(1200, abs=0.01)
    assert sess["max_heart_rate"] == max(v["bpm"] for v in want.values()) == lap["max_heart_rate"]
    assert sess["start_time"] + fit_epoch == WALL0 // S and activity["num_sessions"] == 1
    assert messages["file_id_mesgs"][0]["type"] == "activity"


def test_tcx_is_valid_against_garmins_schema_and_its_heart_rates_match_the_store(
    session: tuple[Path, int], tmp_path: Path, tcx_schema: xmlschema.XMLSchema
) -> None:
    [path] = export(session, "tcx", tmp_path)
    tcx_schema.validate(str(path))  # raises with the line of the first problem
    from xml.etree import ElementTree

    root = ElementTree.parse(path).getroot()
    points = root.findall(".//t:Trackpoint", TCX_NS)
    got: dict[int, int] = {}
    for p in points:
        hr = p.find("t:HeartRateBpm/t:Value", TCX_NS)
        if hr is not None:
            when = p.findtext("t:Time", namespaces=TCX_NS)
            assert when is not None
            from datetime import datetime

            got[int(datetime.fromisoformat(when).timestamp())] = int(hr.text or 0)
    assert got == {t: v["bpm"] for t, v in stored_seconds(session).items()}
    lap = root.find(".//t:Lap", TCX_NS)
    assert lap is not None and lap.get("StartTime") == "2026-11-18T11:06:40.250Z"  # WALL0
    assert float(lap.findtext("t:TotalTimeSeconds", namespaces=TCX_NS) or 0) == 1200
    assert root.find(".//t:Activity", TCX_NS).get("Sport") == "Running"  # type: ignore[union-attr]


def test_jsonl_reads_back_to_exactly_what_is_stored(session: tuple[Path, int], tmp_path: Path) -> None:
    [path] = export(session, "jsonl", tmp_path)
    lines = list(read_jsonl(path))
    db, sid = session
    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for obj in lines:
        by_type[obj.pop("type")].append(obj)
    with SessionStore(db, read_only=True) as store:
        [head] = by_type["session"]
        assert head == {**store.get_session(sid), **store.identity(sid)}  # type: ignore[dict-item]
        assert by_type["device"] == store.devices(sid) and by_type["gap"] == store.gaps(sid)
        assert by_type["event"] == list(store.iter_events(sid))
        for kind in ("hr", "imu", "pose", "fitness"):
            stored = list(store.iter_samples(sid, kind))
            assert len(by_type[kind]) == len(stored) > 0
            for a, b in zip(by_type[kind], stored, strict=True):
                assert a.keys() == b.keys()
                for key, value in b.items():
                    if isinstance(value, np.ndarray):
                        assert a[key].dtype == np.float32 and np.array_equal(a[key], value)
                    else:
                        assert a[key] == value and type(a[key]) is type(value), (kind, key)
    hr_gaps = [(g["kind"], g["t_from_ns"] - T0) for g in by_type["gap"] if g["source"] == "strap"]
    assert [kind for kind, _ in hr_gaps] == ["data", "stale"] and hr_gaps[1][1] == 600 * S + 1


def test_jsonl_reader_names_the_bad_line(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"type": "session"}\n{"type": \n')
    with pytest.raises(ValueError, match=r"x.jsonl:2: not a JSON object"):
        list(read_jsonl(path))


def test_csv_has_one_file_per_stream_with_units_and_every_imu_sample(session: tuple[Path, int], tmp_path: Path) -> None:
    paths = export(session, "csv", tmp_path)
    names = sorted(p.name.split("-", 3)[-1] for p in paths)
    assert names == ["events.csv", "fitness.csv", "gaps.csv", "hr.csv", "imu.csv", "pose.csv"]
    db, sid = session
    tables = {}
    for p in paths:
        with p.open(newline="") as f:
            tables[p.name.split("-", 3)[-1][:-4]] = list(csv.reader(f))
    assert "bpm (1/min)" in tables["hr"][0] and "acc_x (g)" in tables["imu"][0] and "speed_mps (m/s)" in tables["fitness"][0]
    with SessionStore(db, read_only=True) as store:
        batches = list(store.iter_samples(sid, "imu"))
        hr = list(store.iter_samples(sid, "hr"))
    imu = tables["imu"][1:]
    assert len(imu) == sum(b["n"] for b in batches) == 20 * 60 * 10
    acc = np.array([[float(x) for x in row[4:7]] for row in imu], dtype=np.float32)
    assert np.array_equal(acc, np.concatenate([b["acc_g"] for b in batches]))  # float32 exact
    assert [int(r[1]) for r in imu[:3]] == [0, 1, 2] and int(imu[1][2]) - int(imu[0][2]) == S // 10
    assert [int(r[4]) for r in tables["hr"][1:]] == [h["bpm"] for h in hr]
    assert float(tables["hr"][1][2]) == pytest.approx((WALL0 + hr[0]["t_host_ns"] - T0) / 1e9, abs=1e-6)
    hits = [row for row in tables["events"][1:] if row[3] == "game.hit"]
    assert len(hits) == 20 and hits[0][4] == '{"lane": 0, "name": "pine, \\"tall\\""}'
    assert len(tables["pose"][1]) == 6 + 33 * 4 + 33 * 3


def test_an_unknown_session_or_format_is_refused(session: tuple[Path, int], tmp_path: Path) -> None:
    db, sid = session
    with SessionStore(db, read_only=True) as store:
        with pytest.raises(ExportError, match="no session 99 in"):
            export_session(store, 99, "fit", tmp_path)
        with pytest.raises(ExportError, match="unknown export format 'gpx'"):
            export_session(store, sid, "gpx", tmp_path)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.data
def test_a_session_without_readings_still_exports_in_every_format(tmp_path: Path, tcx_schema: xmlschema.XMLSchema) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="owl", mode="boxing", level=None, flush_interval_s=0.05)
    sid = w.start()
    w.finish(0, {})
    out = tmp_path / "out"
    out.mkdir()
    with SessionStore(db, read_only=True) as store:
        files = {fmt: export_session(store, sid, fmt, out) for fmt in ("csv", "jsonl", "tcx", "fit")}
    tcx_schema.validate(str(files["tcx"][0]))
    messages, errors = decode(files["fit"][0])
    assert errors == [] and messages["session_mesgs"][0]["sport"] == "generic" and "record_mesgs" not in messages
    assert [p.name.endswith(("events.csv", "gaps.csv")) for p in files["csv"]] == [True, True]


def test_csv_leaves_the_gyroscope_empty_for_an_imu_without_one(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="owl", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    acc = np.array([[0.1, 0.2, 1.0], [0.0, -0.5, 0.98]], dtype=np.float32)
    w.record([ImuBatch(t_host_ns=S, source="wrist, left", rate_hz=104.16666, t_first_ns=S, acc_g=acc, placement="wrist")])
    w.record([ImuBatch(t_host_ns=2 * S, source="chest", rate_hz=50, t_first_ns=2 * S, acc_g=acc, gyr_dps=acc * 10)])
    w.finish(0, {})
    out = tmp_path / "out"
    out.mkdir()
    with SessionStore(db, read_only=True) as store:
        [imu_csv] = [p for p in export_session(store, sid, "csv", out) if p.name.endswith("-imu.csv")]
    with imu_csv.open(newline="") as f:
        rows = list(csv.reader(f))[1:]
    assert [r[7:10] for r in rows] == [["", "", ""]] * 2 + [["1", "2", "10"], ["0", "-5", "9.80000019"]]
    assert rows[0][10] == "104.16666" and rows[0][13:] == ["wrist", "wrist, left"]
    assert np.array_equal(np.array(rows[1][4:7], dtype=np.float64).astype(np.float32), acc[1])  # float32 exact
    assert int(rows[1][2]) - int(rows[0][2]) == round(1e9 / 104.16666)


def test_a_failed_export_leaves_no_file_that_looks_whole(tmp_path: Path) -> None:
    from game.sessions.exports.common import atomic_file

    path = tmp_path / "x.fit"
    with pytest.raises(OSError, match="No space left"), atomic_file(path, "wb") as f:
        f.write(b"half a file")
        raise OSError(28, "No space left on device")
    assert list(tmp_path.iterdir()) == []
