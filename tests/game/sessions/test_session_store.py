from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import numpy as np
import pytest

from game.sessions import SCHEMA_VERSION, SessionStore, SessionWriter, StoreError
from sensors.samples import DeviceState, DeviceStatus, HeartRateSample, ImuBatch, PoseFrame


def samples(rng: np.random.Generator) -> list:
    return [
        HeartRateSample(t_host_ns=1_000, source="strap", bpm=121, rr_s=(0.496, 0.5), contact=True),
        HeartRateSample(t_host_ns=2_000, source="strap", bpm=122, rr_s=(), contact=None, broadcast=True),
        ImuBatch(
            t_host_ns=3_000,
            source="imu",
            rate_hz=100.0,
            t_first_ns=2_500,
            acc_g=rng.normal(size=(10, 3)),
            gyr_dps=rng.normal(size=(10, 3)),
            placement="waist",
        ),
        PoseFrame(
            t_host_ns=4_000, source="camera:0", landmarks=rng.random((33, 4)), world=rng.normal(size=(33, 3)), t_infer_ns=4_020
        ),
    ]


def write_session(path: Path, player: str = "fox", n: int = 1) -> list[int]:
    rng = np.random.default_rng(1)
    ids = []
    for _ in range(n):
        w = SessionWriter(path, player=player, mode="runner", level="meadow", flush_interval_s=0.05)
        ids.append(w.start())
        w.record(samples(rng))
        w.record(
            [DeviceStatus(t_host_ns=5_000, source="strap", device_kind="heart_rate", state=DeviceState.STALE, message="quiet")]
        )
        w.record_event(4_500, "jump", {"height_m": 0.3})
        assert w.counts() == {"hr": 2, "imu": 10, "pose": 1, "fitness": 0, "events": 2}
        w.finish(321, {"completed": True})
    return ids


def test_round_trip_every_kind(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    [sid] = write_session(db)
    expected = samples(np.random.default_rng(1))
    with SessionStore(db) as store:
        hr = list(store.iter_samples(sid, "hr"))
        assert [h["bpm"] for h in hr] == [121, 122]
        assert hr[0]["rr_s"] == [0.496, 0.5] and hr[0]["contact"] is True
        assert hr[1]["contact"] is None and hr[1]["broadcast"] is True
        [imu] = list(store.iter_samples(sid, "imu"))
        np.testing.assert_array_equal(imu["acc_g"], expected[2].acc_g)
        np.testing.assert_array_equal(imu["gyr_dps"], expected[2].gyr_dps)
        assert imu["placement"] == "waist" and imu["rate_hz"] == 100.0 and imu["t_first_ns"] == 2_500
        [pose] = list(store.iter_samples(sid, "pose"))
        np.testing.assert_array_equal(pose["landmarks"], expected[3].landmarks)
        np.testing.assert_array_equal(pose["world"], expected[3].world)
        assert pose["t_infer_ns"] == 4_020
        events = store.events(sid)
        assert [e["kind"] for e in events] == ["jump", "device_status"]
        assert events[0]["data"] == {"height_m": 0.3}
        with pytest.raises(ValueError):
            list(store.iter_samples(sid, "video"))


def test_list_and_show_fields(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    ids = write_session(db, n=2)
    with SessionStore(db) as store:
        rows = store.list_sessions()
        assert [r["id"] for r in rows] == ids
        r = rows[0]
        assert r["mode"] == "runner" and r["level"] == "meadow" and r["player"] == "fox"
        assert r["score"] == 321 and r["ended_at"] is not None and r["started_at"] <= r["ended_at"]
        assert r["samples"] == {"hr": 2, "imu": 10, "pose": 1} and r["events"] == 2
        d = store.get_session(ids[1])
        assert d is not None
        assert d["summary"] == {"completed": True}
        assert d["events_by_kind"] == {"device_status": 1, "jump": 1}
        assert d["session_s"] is not None and d["session_s"] >= 0
        assert store.get_session(999) is None


def test_delete_player_removes_everything(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    write_session(db, player="fox", n=2)
    [keep] = write_session(db, player="owl")
    with SessionStore(db) as store:
        assert store.delete_player("fox") == 2
        assert [r["id"] for r in store.list_sessions()] == [keep]
    conn = sqlite3.connect(db)
    for table in ("hr", "imu", "pose", "events", "session_counts"):
        assert {sid for (sid,) in conn.execute(f"SELECT DISTINCT session_id FROM {table}")} == {keep}
    assert [p for (p,) in conn.execute("SELECT pseudonym FROM players")] == ["owl"]
    conn.close()
    with SessionStore(db) as store:
        assert store.delete_session(keep) and not store.list_sessions()


def test_corrupt_file_is_refused_with_advice(tmp_path: Path) -> None:
    db = tmp_path / "corrupt.sqlite"
    db.write_bytes(os.urandom(8192))
    before = db.read_bytes()
    with pytest.raises(StoreError) as err:
        SessionStore(db)
    assert str(db) in str(err.value) and "move the file aside" in str(err.value)
    assert db.read_bytes() == before  # nothing touched


def test_unusable_paths(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="folder"):
        SessionStore(tmp_path)
    with pytest.raises(StoreError, match="does not exist"):
        SessionWriter(tmp_path / "no" / "such" / "x.sqlite", player="p", mode="runner", level=None).start()


def test_newer_schema_and_foreign_database_are_refused(tmp_path: Path) -> None:
    db = tmp_path / "new.sqlite"
    write_session(db)
    conn = sqlite3.connect(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer Liike"):
        SessionStore(db)
    other = tmp_path / "other.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE recipes (name TEXT)")
    conn.close()
    with pytest.raises(StoreError, match="not a Liike session store"):
        SessionStore(other)


def test_finish_is_idempotent_and_safe_without_start(tmp_path: Path) -> None:
    w = SessionWriter(tmp_path / "s.sqlite", player="p", mode="runner", level=None)
    w.finish(0, {})  # never started
    w.record_event(1, "x")
    assert w.counts()["events"] == 0
    w2 = SessionWriter(tmp_path / "s.sqlite", player="p", mode="runner", level=None)
    w2.start()
    w2.finish(1, {})
    w2.finish(2, {})
    with SessionStore(tmp_path / "s.sqlite") as store:
        assert store.list_sessions()[0]["score"] == 1


def test_unwritable_path_names_the_file(tmp_path: Path) -> None:
    a_file = tmp_path / "notes.txt"
    a_file.write_text("not a folder")
    target = a_file / "liike.sqlite"  # its "folder" is a regular file: nothing can be created there
    with pytest.raises(StoreError) as err:
        SessionStore(target)
    assert str(target) in str(err.value)
    with pytest.raises(StoreError):
        SessionWriter(target, player="p", mode="runner", level=None).start()


def test_damage_inside_a_database_is_refused_with_advice(tmp_path: Path) -> None:
    db = tmp_path / "damaged.sqlite"
    write_session(db)
    raw = bytearray(db.read_bytes())
    assert raw.startswith(b"SQLite format 3\x00")
    raw[100:4096] = os.urandom(3996)  # keep the header, wreck page 1 (the schema table)
    db.write_bytes(bytes(raw))
    with pytest.raises(StoreError) as err:
        with SessionStore(db) as store:
            store.list_sessions()
    assert str(db) in str(err.value) and "move the file aside" in str(err.value)


def test_deleted_player_leaves_no_trace_in_the_files(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite"
    marker = "zz-pseudonym-4711"
    w = SessionWriter(db, player=marker, mode="runner", level=None, flush_interval_s=0.05)
    w.start()
    w.record([HeartRateSample(t_host_ns=1, source=f"{marker}-strap", bpm=99)])
    w.record_event(2, "jump", {"who": marker})
    w.finish(1, {"note": marker})
    write_session(db, player="owl")
    with SessionStore(db) as store:
        assert {p["player"] for p in store.list_players()} == {marker, "owl"}
        assert store.delete_player(marker) == 1
        assert store.delete_player(marker) == 0
        assert [p["player"] for p in store.list_players()] == ["owl"]
        # secure_delete zeroes freed content and the WAL was checkpointed and truncated.
        files = [p for p in tmp_path.iterdir() if p.name.startswith("s.sqlite")]
        assert all(marker.encode() not in p.read_bytes() for p in files), files


def test_report_text_and_json(tmp_path: Path) -> None:
    import json

    from game.sessions import format_session_detail, format_sessions_table, to_jsonable

    db = tmp_path / "s.sqlite"
    [sid] = write_session(db)
    [killed_id] = write_session(db, player="owl")
    conn = sqlite3.connect(db)
    with conn:  # as if the game had been killed: no end time, no score
        conn.execute("UPDATE sessions SET ended_at = NULL, score = NULL WHERE id = ?", (killed_id,))
    conn.close()
    with SessionStore(db) as store:
        rows = store.list_sessions()
        detail = store.get_session(sid)
        sample = next(store.iter_samples(sid, "imu"))
    assert detail is not None
    table = format_sessions_table(rows)
    lines = table.splitlines()
    assert len(lines) == 3 and "fox" in lines[1] and "runner" in lines[1] and "321" in lines[1]
    assert "imu=10" in lines[1] and "events=2" in lines[1] and "not finished" not in lines[1]
    assert "owl" in lines[2] and "(not finished)" in lines[2] and str(killed_id) in lines[2]
    assert format_sessions_table([]).startswith("no sessions")
    text = format_session_detail(detail)
    assert "fox" in text and "jump 1" in text and "completed       yes" in text and "True" not in text and "hr=2" in text
    exported = json.loads(json.dumps(to_jsonable(sample)))
    assert np.array_equal(np.array(exported["acc_g"], dtype=np.float32), sample["acc_g"])
