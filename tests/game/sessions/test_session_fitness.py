"""Fitness-machine readings in the store, the version 1 -> 2 upgrade, and items the writer cannot store."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import game.sessions.schema as schema
from game.sessions import SCHEMA_VERSION, SessionStore, SessionWriter, StoreError, format_session_detail, format_sessions_table
from sensors.samples import DeviceState, DeviceStatus, FitnessSample, HeartRateSample, StreamKind

# The version 1 layout exactly as Liike shipped it, so the upgrade is tested against real old
# files even if the code's own copy were ever edited by mistake.
V1_DDL = """
CREATE TABLE players (id INTEGER PRIMARY KEY, pseudonym TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL);
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY, player_id INTEGER NOT NULL REFERENCES players(id) ON DELETE CASCADE,
    mode TEXT NOT NULL, level TEXT, started_at TEXT NOT NULL, ended_at TEXT, t0_ns INTEGER NOT NULL,
    t_end_ns INTEGER, score REAL, summary_json TEXT);
CREATE INDEX sessions_player ON sessions(player_id);
CREATE TABLE session_counts (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, kind TEXT NOT NULL, n INTEGER NOT NULL,
    PRIMARY KEY (session_id, kind)) WITHOUT ROWID;
CREATE TABLE hr (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, t_host_ns INTEGER NOT NULL,
    bpm INTEGER NOT NULL, rr_json TEXT NOT NULL, contact INTEGER, broadcast INTEGER NOT NULL, source TEXT NOT NULL,
    energy_kj INTEGER, t_device_ns INTEGER);
CREATE INDEX hr_session_t ON hr(session_id, t_host_ns);
CREATE TABLE imu (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, t_host_ns INTEGER NOT NULL,
    t_first_ns INTEGER NOT NULL, rate_hz REAL NOT NULL, n INTEGER NOT NULL, placement TEXT NOT NULL,
    source TEXT NOT NULL, acc BLOB NOT NULL, gyr BLOB, t_device_ns INTEGER);
CREATE INDEX imu_session_t ON imu(session_id, t_first_ns);
CREATE TABLE pose (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, t_host_ns INTEGER NOT NULL,
    t_infer_ns INTEGER, player INTEGER NOT NULL, source TEXT NOT NULL, landmarks BLOB NOT NULL, world BLOB);
CREATE INDEX pose_session_t ON pose(session_id, t_host_ns);
CREATE TABLE events (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, t_ns INTEGER NOT NULL,
    kind TEXT NOT NULL, data_json TEXT);
CREATE INDEX events_session_t ON events(session_id, t_ns);
PRAGMA user_version = 1;
PRAGMA application_id = 1279871307;  -- "LIIK"
"""


def make_v1_store(path: Path) -> None:
    """A version 1 file holding player "fox" with one finished session: 2 HR readings, 1 event."""
    conn = sqlite3.connect(path)
    conn.executescript(V1_DDL)
    with conn:
        conn.execute("INSERT INTO players VALUES (1, 'fox', '2026-01-05T09:00:00.000+00:00')")
        conn.execute(
            "INSERT INTO sessions VALUES (1, 1, 'runner', 'meadow', '2026-01-05T09:00:01.000+00:00', "
            "'2026-01-05T09:05:01.000+00:00', 1000, 300000001000, 420, '{\"completed\": true}')"
        )
        conn.executemany("INSERT INTO hr VALUES (1, ?, ?, '[0.5]', 1, 0, 'strap', NULL, NULL)", [(2_000, 120), (3_000, 121)])
        conn.execute("INSERT INTO events VALUES (1, 2500, 'jump', '{\"height_m\": 0.3}')")
        conn.executemany("INSERT INTO session_counts VALUES (1, ?, ?)", [("hr", 2), ("events", 1)])
    conn.close()


def treadmill(t: int, speed: float | None = 2.5, distance: float | None = 100.0, source: str = "ftms:treadmill") -> FitnessSample:
    return FitnessSample(t_host_ns=t, source=source, speed_mps=speed, cadence_spm=150.0, distance_m=distance, incline_pct=1.5)


def record_fitness_session(db: Path, player: str = "fox", source: str = "ftms:treadmill") -> int:
    w = SessionWriter(db, player=player, mode="runner", level="meadow", flush_interval_s=0.05)
    sid = w.start()
    w.record(
        [treadmill(1_000, speed=2.0, distance=100.0, source=source), HeartRateSample(t_host_ns=1_500, source="strap", bpm=130)]
    )
    w.record(
        [
            treadmill(2_000, speed=3.0, distance=103.0, source=source),
            FitnessSample(t_host_ns=3_000, source="csc:crank", cadence_rpm=82.0, power_w=np.float32(150.0)),  # type: ignore[arg-type]
        ]
    )
    assert w.counts() == {"hr": 1, "imu": 0, "pose": 0, "fitness": 3, "events": 0}
    w.finish(10, {"completed": True})
    assert w.intact, w.error
    return sid


def test_fitness_round_trip_with_absent_fields_as_null(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sid = record_fitness_session(db)
    with SessionStore(db) as store:
        rows = list(store.iter_samples(sid, StreamKind.FITNESS))
        [row] = store.list_sessions()
    assert [r["t_host_ns"] for r in rows] == [1_000, 2_000, 3_000]
    assert rows[0] == {
        "t_host_ns": 1_000,
        "source": "ftms:treadmill",
        "speed_mps": 2.0,
        "cadence_spm": 150.0,
        "cadence_rpm": None,
        "power_w": None,
        "distance_m": 100.0,
        "incline_pct": 1.5,
        "seq": 0,
    }
    # The cadence sensor sent crank cadence and power only (power as a numpy scalar, as parsers may).
    assert rows[2]["cadence_rpm"] == 82.0 and rows[2]["power_w"] == 150.0 and type(rows[2]["power_w"]) is float
    assert rows[2]["speed_mps"] is None and rows[2]["distance_m"] is None
    assert row["samples"] == {"hr": 1, "imu": 0, "pose": 0, "fitness": 3}
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("SELECT n FROM session_counts WHERE session_id=? AND kind='fitness'", (sid,)).fetchone() == (3,)
        assert conn.execute("SELECT count(*) FROM fitness WHERE speed_mps IS NULL").fetchone() == (1,)
    finally:
        conn.close()


def test_values_a_device_garbles_become_null_not_a_lost_batch(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    w.record(
        [
            FitnessSample(
                t_host_ns=1,
                source="pod",
                speed_mps=float("nan"),
                cadence_spm=float("inf"),
                power_w="fast",  # type: ignore[arg-type]
                distance_m=np.float64(12.5),
            )
        ]
    )
    w.finish(0, {})
    assert w.intact, w.error
    with SessionStore(db) as store:
        [r] = list(store.iter_samples(sid, "fitness"))
    assert r["speed_mps"] is None and r["cadence_spm"] is None and r["power_w"] is None and r["distance_m"] == 12.5


def test_detail_and_report_show_fitness_only_when_present(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    sid = record_fitness_session(db)
    w = SessionWriter(db, player="owl", mode="runner", level=None, flush_interval_s=0.05)
    plain = w.start()
    w.record([HeartRateSample(t_host_ns=5, source="strap", bpm=90)])
    w.finish(1, {})
    with SessionStore(db) as store:
        detail = store.get_session(sid)
        plain_detail = store.get_session(plain)
        rows = store.list_sessions()
    assert detail is not None and plain_detail is not None
    fitness = detail["fitness"]
    assert fitness["readings"] == 3 and fitness["sources"] == ["csc:crank", "ftms:treadmill"]
    assert fitness["distance_m"] == 3.0  # 100 m -> 103 m on the treadmill's running total
    assert fitness["speed_mps"] == {"avg": 2.5, "max": 3.0} and fitness["cadence_rpm"] == {"avg": 82.0, "max": 82.0}
    assert fitness["power_w"] == {"avg": 150.0, "max": 150.0} and fitness["incline_pct"] == {"avg": 1.5, "max": 1.5}
    assert plain_detail["fitness"] is None and "fitness" not in plain_detail["samples"]
    text = format_session_detail(detail)
    assert "fitness=3" in text
    [fitness_line] = [line for line in text.splitlines() if line.strip().startswith("fitness ")]
    assert "3 readings" in fitness_line and "ftms:treadmill" in fitness_line and "distance 0.00 km" in fitness_line
    assert "speed avg 2.5 / max 3.0 m/s" in fitness_line and "power avg 150 / max 150 W" in fitness_line
    assert "fitness" not in format_session_detail(plain_detail)
    lines = format_sessions_table(rows).splitlines()
    assert "fitness=3" in lines[1] and "fitness" not in lines[2]


def test_unfinished_session_duration_counts_fitness_readings(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05, clock=lambda: 0)
    sid = w.start()
    w.record([treadmill(7_000_000_000)])
    w.finish(0, {})
    conn = sqlite3.connect(db)
    with conn:  # as if the game had been killed: no end time
        conn.execute("UPDATE sessions SET ended_at = NULL, t_end_ns = NULL WHERE id = ?", (sid,))
    conn.close()
    with SessionStore(db) as store:
        detail = store.get_session(sid)
    assert detail is not None and detail["session_s"] == 7.0


def test_fitness_table_layout(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    SessionStore(db).close()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        cols = {name: (ctype, notnull) for _, name, ctype, notnull, _, _ in conn.execute("PRAGMA table_info(fitness)")}
        assert cols == {
            "session_id": ("INTEGER", 1),
            "t_host_ns": ("INTEGER", 1),
            "source": ("TEXT", 1),
            **{f: ("REAL", 0) for f in ("speed_mps", "cadence_spm", "cadence_rpm", "power_w", "distance_m", "incline_pct")},
            "seq": ("INTEGER", 0),  # version 4
        }
        [fk] = conn.execute("PRAGMA foreign_key_list(fitness)").fetchall()
        assert fk[2] == "sessions" and fk[3] == "session_id" and fk[6] == "CASCADE"
        [index] = [r for r in conn.execute("PRAGMA index_list(fitness)")]
        assert [c for _, _, c in conn.execute(f"PRAGMA index_info({index[1]})")] == ["session_id", "t_host_ns"]
    finally:
        conn.close()


def test_version_1_file_is_upgraded_in_place_keeping_its_data(tmp_path: Path) -> None:
    db = tmp_path / "old.sqlite"
    make_v1_store(db)
    with SessionStore(db) as store:
        [old] = store.list_sessions()
        assert old["player"] == "fox" and old["score"] == 420 and old["samples"] == {"hr": 2, "imu": 0, "pose": 0}
        assert [h["bpm"] for h in store.iter_samples(1, "hr")] == [120, 121]
        assert store.events(1) == [{"t_ns": 2500, "kind": "jump", "data": {"height_m": 0.3}}]
        detail = store.get_session(1)
        assert detail is not None and detail["session_s"] == 300.0 and detail["fitness"] is None
        assert store.integrity_ok()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        assert conn.execute("PRAGMA application_id").fetchone() == (schema.APPLICATION_ID,)
        assert conn.execute("SELECT count(*) FROM fitness").fetchone() == (0,)
    finally:
        conn.close()
    # The upgraded file takes new sessions with fitness readings, for the same player.
    sid = record_fitness_session(db)
    with SessionStore(db) as store:
        assert [r["id"] for r in store.list_sessions()] == [1, sid]
        assert store.get_player("fox") is not None
        assert store.get_player("fox")["sessions"] == [1, sid]  # type: ignore[index]


def test_failed_upgrade_leaves_the_version_1_file_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "old.sqlite"
    make_v1_store(db)
    monkeypatch.setitem(schema.MIGRATIONS, 2, [*schema.MIGRATIONS[2], "CREATE TABLE hr (oops INTEGER)"])
    with pytest.raises(StoreError):
        SessionStore(db)
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (1,)
        assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='fitness'").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM hr").fetchone() == (2,)
    finally:
        conn.close()
    monkeypatch.undo()
    with SessionStore(db) as store:  # the real upgrade still works afterwards
        assert store.list_sessions()[0]["samples"]["hr"] == 2


@dataclass(frozen=True)
class FutureSample:
    """A sample type from a newer sensor that this version of the store does not know."""

    t_host_ns: int
    source: str


def test_unknown_items_are_skipped_with_one_warning_per_type(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    with caplog.at_level(logging.WARNING, logger="liike.sessions"):
        for t in range(5):
            w.record([FutureSample(t, "x"), HeartRateSample(t_host_ns=t, source="strap", bpm=100), "odd", treadmill(t)])  # type: ignore[list-item]
        w.record([DeviceStatus(t_host_ns=9, source="x", device_kind="future", state=DeviceState.STREAMING)])
    w.finish(0, {})
    assert w.intact, w.error
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2, warnings
    assert "FutureSample" in warnings[0] and "str" in warnings[1]
    assert w.counts() == {"hr": 5, "imu": 0, "pose": 0, "fitness": 5, "events": 1}
    with SessionStore(db) as store:
        [row] = store.list_sessions()
    assert row["samples"] == {"hr": 5, "imu": 0, "pose": 0, "fitness": 5} and row["events"] == 1
    assert sid == row["id"]


def test_deleting_a_player_removes_their_fitness_rows_from_the_file(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    marker = "zz-treadmill-4711"
    record_fitness_session(db, player="fox", source=marker)
    keep = record_fitness_session(db, player="owl")
    with SessionStore(db) as store:
        assert store.delete_player("fox") == 1
        assert store.wal_purged is True
    conn = sqlite3.connect(db)
    try:
        assert {sid for (sid,) in conn.execute("SELECT DISTINCT session_id FROM fitness")} == {keep}
    finally:
        conn.close()
    files = [p for p in tmp_path.iterdir() if p.name.startswith("s.sqlite")]
    assert all(marker.encode() not in p.read_bytes() for p in files), files
