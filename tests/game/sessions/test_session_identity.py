"""Schema version 4: session UUIDs, the installation id, the clock anchor, per-stream sequence
numbers, devices and gaps; and the upgrade of version 1, 2 and 3 files in place."""

from __future__ import annotations

import sqlite3
import stat
import time
import uuid
from pathlib import Path

import numpy as np
import pytest

from game.sessions import SCHEMA_VERSION, SessionStore, SessionWriter
from game.sessions.gaps import DATA_GAP_NS, GapTracker
from game.sessions.identity import IdentityError, installation_id, read_anchor
from sensors.clock import ManualClock
from sensors.samples import DeviceState, DeviceStatus, FitnessSample, HeartRateSample, ImuBatch, PoseFrame
from tests.game.sessions.test_session_fitness import V1_DDL, make_v1_store

# Versions 2 and 3 as they shipped (frozen here, like V1_DDL, so the upgrade is tested against
# the files in the field and not against the code's own copy).
V2_DDL = """
CREATE TABLE fitness (
    session_id INTEGER NOT NULL REFERENCES sessions(id) ON DELETE CASCADE, t_host_ns INTEGER NOT NULL,
    source TEXT NOT NULL, speed_mps REAL, cadence_spm REAL, cadence_rpm REAL, power_w REAL, distance_m REAL,
    incline_pct REAL);
CREATE INDEX fitness_session_t ON fitness(session_id, t_host_ns);
PRAGMA user_version = 2;
"""
V3_DDL = """
ALTER TABLE sessions ADD COLUMN incomplete_json TEXT;
PRAGMA user_version = 3;
"""

S = 1_000_000_000


def make_store(path: Path, version: int) -> None:
    """An old store with session 1 (2 HR readings, 1 event) and, from version 2, session 2 with an
    IMU batch, a pose frame and 2 fitness readings, in rowid order unlike time order."""
    make_v1_store(path)
    conn = sqlite3.connect(path)
    try:
        if version >= 2:
            conn.executescript(V2_DDL)
        if version >= 3:
            conn.executescript(V3_DDL)
        with conn:
            conn.execute(
                "INSERT INTO sessions(id, player_id, mode, level, started_at, t0_ns) "
                "VALUES (2, 1, 'runner', NULL, '2026-01-06T10:00:00.250+00:00', 5000)"
            )
            acc = np.arange(12, dtype="<f4").tobytes()
            conn.execute("INSERT INTO imu VALUES (2, 9000, 8000, 100.0, 4, 'waist', 'imu', ?, NULL, NULL)", (acc,))
            conn.execute("INSERT INTO pose VALUES (2, 9100, NULL, 0, 'camera:0', ?, NULL)", (bytes(33 * 16),))
            if version >= 2:
                conn.execute("INSERT INTO fitness VALUES (2, 7000, 'pod', 3.0, 160, NULL, NULL, 10, NULL)")
                conn.execute("INSERT INTO fitness VALUES (2, 6000, 'pod', 2.5, 150, NULL, NULL, 5, NULL)")
    finally:
        conn.close()


@pytest.mark.parametrize("version", [1, 2, 3])
def test_old_store_is_upgraded_in_place_with_identity_and_nothing_lost(tmp_path: Path, version: int) -> None:
    db = tmp_path / f"v{version}.sqlite"
    make_store(db, version)
    with SessionStore(db) as store:
        assert [r["id"] for r in store.list_sessions()] == [1, 2]
        one, two = store.identity(1), store.identity(2)
        assert one is not None and two is not None
        assert uuid.UUID(one["uuid"]).version == 4 and uuid.UUID(two["uuid"]).version == 4
        assert one["uuid"] != two["uuid"]
        assert one["installation_id"] is None  # recorded before stations had ids
        # started_at 2026-01-05T09:00:01.000Z at t0_ns 1000
        assert one["wall_anchor_ns"] == 1767603601 * S and one["mono_anchor_ns"] == 1000
        assert two["wall_anchor_ns"] == 1767693600 * S + 250_000_000 and one["anchor_error_ns"] == 1_000_000
        # Data kept, with sequence numbers in stored order.
        assert [(h["bpm"], h["seq"]) for h in store.iter_samples(1, "hr")] == [(120, 0), (121, 1)]
        assert [e["seq"] for e in store.iter_events(1)] == [0]
        [imu] = store.iter_samples(2, "imu")
        assert imu["seq"] == 0 and imu["acc_g"].tolist() == np.arange(12, dtype=np.float32).reshape(4, 3).tolist()
        devices = {(d["source"], d["stream"]): d for d in store.devices(2)}
        assert devices[("imu", "imu")]["n"] == 4 and devices[("imu", "imu")]["placement"] == "waist"
        assert devices[("imu", "imu")]["rate_hz"] == 100.0 and devices[("camera:0", "pose")]["n"] == 1
        assert [d["n"] for d in store.devices(1)] == [2]
        if version >= 2:
            # rowid order (7000 first) numbers them, time order reads them
            assert [(f["t_host_ns"], f["seq"]) for f in store.iter_samples(2, "fitness")] == [(6000, 1), (7000, 0)]
            assert devices[("pod", "fitness")]["first_ns"] == 6000 and devices[("pod", "fitness")]["last_ns"] == 7000
        assert store.gaps(1) == [] and store.integrity_ok()
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,) == (4,)
    finally:
        conn.close()
    # and it takes new sessions, which get identities of their own
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    w.finish(1, {})
    with SessionStore(db) as store:
        new = store.identity(sid)
        assert new is not None and new["uuid"] not in (one["uuid"], two["uuid"])


def test_an_old_store_read_only_reads_with_the_same_numbers_the_upgrade_gives(tmp_path: Path) -> None:
    db = tmp_path / "v3.sqlite"
    make_store(db, 3)
    with SessionStore(db, read_only=True) as store:
        assert [(f["t_host_ns"], f["seq"]) for f in store.iter_samples(2, "fitness")] == [(6000, 1), (7000, 0)]
        ident = store.identity(1)
        assert ident is not None and ident["uuid"] is None and ident["wall_anchor_ns"] == 1767603601 * S
        assert store.gaps(2) == [] and store.devices(2) == []
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (3,)  # read, never upgraded
    finally:
        conn.close()


def test_v1_ddl_is_still_the_shipped_layout() -> None:
    # Guard: the frozen copy above builds, so every version's test starts from a real old file.
    conn = sqlite3.connect(":memory:")
    conn.executescript(V1_DDL + V2_DDL + V3_DDL)
    assert conn.execute("PRAGMA user_version").fetchone() == (3,)


def test_a_new_session_has_a_uuid_the_installation_id_and_a_wall_clock_anchor(tmp_path: Path, installation_file: Path) -> None:
    db = tmp_path / "s.sqlite"
    clock = ManualClock(50 * S)
    w = SessionWriter(
        db, player="fox", mode="runner", level=None, flush_interval_s=0.05, clock=clock, wall=lambda: 1_800_000_000 * S
    )
    sid = w.start()
    clock.advance(2 * S)
    w.record([HeartRateSample(t_host_ns=clock(), source="strap", bpm=100, t_device_ns=123_456)])
    w.finish(5, {})
    assert w.intact
    with SessionStore(db) as store:
        ident = store.identity(sid)
        detail = store.get_session(sid)
        [hr] = store.iter_samples(sid, "hr")
    assert ident is not None and detail is not None
    assert ident["uuid"] == w.session_uuid and uuid.UUID(ident["uuid"]).version == 4
    assert ident["installation_id"] == installation_file.read_text().strip()
    assert ident["wall_anchor_ns"] == 1_800_000_000 * S and ident["mono_anchor_ns"] == 50 * S == ident["t0_ns"]
    assert 0 <= ident["anchor_error_ns"] < S
    assert detail["started_at"] == "2027-01-15T08:00:00.000+00:00"  # the same wall reading
    # the sample keeps both clocks; absolute time is the anchor plus its monotonic offset
    assert hr["t_device_ns"] == 123_456 and hr["t_host_ns"] - ident["mono_anchor_ns"] == 2 * S


def test_the_real_clocks_anchor_agrees_with_the_wall_clock() -> None:
    anchor = read_anchor(time.monotonic_ns)
    later = time.monotonic_ns()
    assert abs(anchor.wall_at(later) - time.time_ns()) < 50_000_000


def test_sequence_numbers_count_each_stream_from_zero_per_session(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    ids = []
    for _ in range(2):
        w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
        ids.append(w.start())
        for i in range(5):
            w.record([HeartRateSample(t_host_ns=i * S, source="strap", bpm=90 + i)])
            w.record([ImuBatch(t_host_ns=i * S, source="imu", rate_hz=50, t_first_ns=i * S, acc_g=np.zeros((50, 3)))])
            w.record_event(i * S, "step")
        w.finish(0, {})
    with SessionStore(db) as store:
        for sid in ids:
            assert [h["seq"] for h in store.iter_samples(sid, "hr")] == [0, 1, 2, 3, 4]
            assert [b["seq"] for b in store.iter_samples(sid, "imu")] == [0, 1, 2, 3, 4]
            assert [e["seq"] for e in store.iter_events(sid)] == [0, 1, 2, 3, 4]


def test_devices_record_kind_placement_rate_and_counts(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    w.record([DeviceStatus(0, "AA:BB", "heart_rate", DeviceState.STREAMING, "Polar H10", model="H10", firmware="5.0.0")])
    w.record([HeartRateSample(t_host_ns=i * S, source="AA:BB", bpm=100) for i in range(1, 4)])
    w.record([ImuBatch(t_host_ns=S, source="AA:BB", rate_hz=200, t_first_ns=S // 2, acc_g=np.zeros((100, 3)), placement="chest")])
    w.record([PoseFrame(t_host_ns=S, source="camera:0", landmarks=np.zeros((33, 4)))])
    w.record([FitnessSample(t_host_ns=S, source="ftms", speed_mps=2.0)])
    w.finish(0, {})
    with SessionStore(db) as store:
        devices = {(d["source"], d["stream"]): d for d in store.devices(sid)}
    assert set(devices) == {("AA:BB", "hr"), ("AA:BB", "imu"), ("camera:0", "pose"), ("ftms", "fitness")}
    hr, imu = devices[("AA:BB", "hr")], devices[("AA:BB", "imu")]
    assert hr["device_kind"] == "heart_rate" and hr["n"] == 3 and (hr["first_ns"], hr["last_ns"]) == (S, 3 * S)
    assert imu["placement"] == "chest" and imu["rate_hz"] == 200 and imu["n"] == 100
    assert devices[("camera:0", "pose")]["device_kind"] is None  # no status from it
    assert (hr["model"], hr["firmware"]) == (imu["model"], imu["firmware"]) == ("H10", "5.0.0")  # the device told
    assert devices[("ftms", "fitness")]["model"] is None  # this one did not


def status(t_s: float, state: DeviceState, source: str = "strap") -> DeviceStatus:
    return DeviceStatus(round(t_s * S), source, "heart_rate", state, state.value)


def test_link_and_stale_periods_and_data_dropouts_are_stored_as_gaps(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05)
    sid = w.start()
    w.record([status(0, DeviceState.SEARCHING), status(0.5, DeviceState.STREAMING)])  # searching at start: no gap
    w.record([HeartRateSample(t_host_ns=i * S, source="strap", bpm=100) for i in (1, 2, 3)])
    w.record([status(4, DeviceState.STALE), status(6, DeviceState.DISCONNECTED), status(9, DeviceState.STREAMING)])
    w.record([HeartRateSample(t_host_ns=i * S, source="strap", bpm=100) for i in (10, 11)])  # 3 -> 10: a data gap
    # IMU: 100 Hz batches of 10 (0.1 s); one batch missing is 0.1 s (not a gap), 1 s missing is
    imu = [
        ImuBatch(t_host_ns=0, source="imu", rate_hz=100, t_first_ns=round(t * S), acc_g=np.zeros((10, 3)))
        for t in (0, 0.1, 0.3, 1.4)
    ]
    w.record(imu)
    w.record([status(12, DeviceState.STALE)])  # never back before the end
    w.finish(0, {})
    with SessionStore(db) as store:
        gaps = store.gaps(sid)
    got = [(g["kind"], g["stream"], g["source"], g["t_from_ns"], g["t_to_ns"]) for g in gaps]
    assert got == [
        ("data", "imu", "imu", round(0.4 * S), round(1.4 * S)),
        ("data", "hr", "strap", 3 * S, 10 * S),
        ("link", None, "strap", 4 * S, 9 * S),  # stale, then disconnected: one gap, the link kind
        ("stale", None, "strap", 12 * S, None),
    ]
    assert sorted(g["seq"] for g in gaps) == [0, 1, 2, 3]
    assert gaps[2]["detail"] == "disconnected: disconnected"


def test_gap_tracker_rolls_back_with_a_failed_batch() -> None:
    tracker = GapTracker()
    tracker.feed(HeartRateSample(t_host_ns=0, source="s", bpm=90))
    state = tracker.snapshot()
    late = HeartRateSample(t_host_ns=DATA_GAP_NS["hr"] + 1, source="s", bpm=90)
    assert len(tracker.feed(late)) == 1
    tracker.restore(state)
    assert len(tracker.feed(late)) == 1  # retried: found again, once


def test_rows_lost_to_the_store_are_a_store_gap(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"

    def short_wait(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA busy_timeout = 50")  # report "locked" quickly

    w = SessionWriter(
        db, player="fox", mode="runner", level=None, flush_interval_s=0.05, max_pending_rows=2, on_connect=short_wait
    )
    sid = w.start()
    blocker = sqlite3.connect(db, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # the store is locked while these are recorded
    w.record([HeartRateSample(t_host_ns=i * S, source="strap", bpm=100) for i in range(5)])
    deadline = time.monotonic() + 30
    while w.unwritten == 0 and time.monotonic() < deadline:
        time.sleep(0.02)
    blocker.rollback()
    blocker.close()
    w.finish(0, {})
    with SessionStore(db) as store:
        gaps = store.gaps(sid)
    [gap] = [g for g in gaps if g["kind"] == "store"]
    assert gap["t_from_ns"] == 0 and gap["t_to_ns"] is not None and "hr" in gap["detail"]


# -- the installation id --------------------------------------------------------------------------
def test_installation_id_is_made_once_readable_by_its_owner_only(installation_file: Path) -> None:
    first = installation_id()
    assert installation_file.exists() and stat.S_IMODE(installation_file.stat().st_mode) == 0o600
    assert uuid.UUID(first).version == 4
    assert installation_id() == first == installation_id(installation_file)


def test_an_installation_id_readable_by_others_is_narrowed_to_its_owner(tmp_path: Path) -> None:
    path = tmp_path / "id"
    path.write_text("1B4E28BA-2FA1-41D2-883F-0016D3CCA427\n")
    path.chmod(0o644)
    assert installation_id(path) == "1b4e28ba-2fa1-41d2-883f-0016d3cca427"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_damaged_installation_id_is_refused_not_replaced(tmp_path: Path) -> None:
    path = tmp_path / "id"
    path.write_text("not an id")
    with pytest.raises(IdentityError, match=f"{path} does not hold an installation id.*delete it"):
        installation_id(path)
    assert path.read_text() == "not an id"


def test_a_session_is_still_saved_when_the_installation_id_cannot_be_read(tmp_path: Path) -> None:
    def broken() -> str:
        raise IdentityError("cannot create the installation id file /nowhere")

    db = tmp_path / "s.sqlite"
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05, installation=broken)
    sid = w.start()
    w.finish(0, {})
    with SessionStore(db) as store:
        ident = store.identity(sid)
    assert ident is not None and ident["installation_id"] is None and ident["uuid"] is not None


def test_devices_known_before_the_session_give_their_kind_and_gaps(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    clock = ManualClock(100 * S)
    w = SessionWriter(db, player="fox", mode="runner", level=None, flush_interval_s=0.05, clock=clock)
    before = [
        DeviceStatus(10 * S, "strap", "heart_rate", DeviceState.STREAMING, "Polar H10"),
        DeviceStatus(20 * S, "pod", "fitness", DeviceState.STALE, "no data"),
        DeviceStatus(30 * S, "camera:0", "camera", DeviceState.SEARCHING, "looking"),
    ]
    sid = w.start(devices=before)
    w.record([HeartRateSample(t_host_ns=101 * S, source="strap", bpm=100)])
    w.record([status(105, DeviceState.DISCONNECTED), status(107, DeviceState.STREAMING)])
    w.finish(0, {})
    with SessionStore(db) as store:
        devices = store.devices(sid)
        gaps = [(g["kind"], g["source"], g["t_from_ns"], g["t_to_ns"]) for g in store.gaps(sid)]
    assert [(d["source"], d["device_kind"]) for d in devices] == [("strap", "heart_rate")]
    assert gaps == [("stale", "pod", 100 * S, None), ("link", "strap", 105 * S, 107 * S)]
