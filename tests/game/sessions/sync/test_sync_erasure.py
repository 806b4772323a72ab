"""Erasure reaches the shared server: a player deleted at one station leaves the server with every
row of theirs from that station, and nothing else does; a station cannot erase another site's
data or read any; erasing is idempotent, waits through an outage and survives a cut connection;
class erase and class retention go the same way."""

from __future__ import annotations

import json
import sqlite3
import uuid
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from game.classroom.board import ClassBoard
from game.classroom.lesson import Lesson
from game.classroom.roster import Pupil
from game.cli import main
from game.sessions.store import SessionStore
from game.sessions.sync import erasure
from game.sessions.sync.forward import ServerUnavailable, sync_store
from game.sessions.sync.url import ServerUrl, server_key
from sensors.ble.allowlist import AllowedSensor
from sensors.clock import s_to_ns
from sensors.motion.heart_zones import HeartProfile
from sensors.samples import HeartRateSample
from tests.game.sessions.sync.pg_cluster import ServerDb
from tests.game.sessions.sync.sync_helpers import TABLES, record_sessions
from tests.game.sessions.sync.tcp_proxy import CuttingProxy

#: Every server table holding session rows.
SERVER_TABLES = ("sessions", *TABLES)


def _run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


def _uuids(db: Path, player: str | None = None) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        if player is None:
            rows = conn.execute("SELECT uuid FROM sessions ORDER BY id").fetchall()
        else:
            rows = conn.execute(
                "SELECT s.uuid FROM sessions s JOIN players p ON p.id = s.player_id WHERE p.pseudonym = ? ORDER BY s.id",
                (player,),
            ).fetchall()
    finally:
        conn.close()
    return [str(u) for (u,) in rows]


def _server_rows(server_db: ServerDb, inst: str, uuids: list[str] | None = None) -> dict[str, int]:
    """Rows per server table of installation ``inst`` (of sessions ``uuids`` only, when given)."""
    out = {}
    with psycopg.connect(server_db.admin_url) as conn:
        for table in SERVER_TABLES:
            query = f"SELECT count(*) FROM liike.{table} WHERE installation_id = %s"
            args: tuple[object, ...] = (inst,)
            if uuids is not None:
                query += " AND session_uuid = ANY(%s::uuid[])"
                args = (inst, uuids)
            row = conn.execute(query.encode(), args).fetchone()
            assert row is not None
            out[table] = int(row[0])
    return out


def _pending(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return erasure.pending_count(conn)
    finally:
        conn.close()


def _audit(server_db: ServerDb) -> list[tuple[object, ...]]:
    with psycopg.connect(server_db.admin_url) as conn:
        return conn.execute(
            "SELECT site, installation_id::text, what, asked, sessions, rows FROM liike.erasures ORDER BY id"
        ).fetchall()


def test_a_player_erased_at_one_station_leaves_the_server_and_nothing_else_does(
    tmp_path: Path, server_db: ServerDb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url_a, url_b = server_db.site("hall_a"), server_db.site("hall_b")
    db_a, db_b = tmp_path / "a.sqlite", tmp_path / "b.sqlite"
    inst_a, inst_b = str(uuid.uuid4()), str(uuid.uuid4())
    record_sessions(db_a, inst_a, 2, player="fox", seconds=5)
    record_sessions(db_a, inst_a, 1, player="owl", seconds=5)
    record_sessions(db_b, inst_b, 2, player="fox", seconds=5)
    sync_store(db_a, ServerUrl(url_a, "--url"))
    sync_store(db_b, ServerUrl(url_b, "--url"))
    fox_a, owl_a = _uuids(db_a, "fox"), _uuids(db_a, "owl")
    b_before, owl_before = _server_rows(server_db, inst_b), _server_rows(server_db, inst_a, owl_a)
    assert _server_rows(server_db, inst_a, fox_a)["imu"] > 0 and b_before["imu"] > 0

    monkeypatch.setenv("LIIKE_DATABASE_URL", url_a)
    code, out, err = _run(capsys, "sessions", "delete", "--player", "fox", "--yes", "--db", str(db_a))
    assert code == 0, err
    assert "also erased on the server at the next sync (2 sessions" in out
    assert _pending(db_a) == 2
    conn = sqlite3.connect(db_a)
    try:  # what waits to be sent: the keys only, never the pseudonym
        kept = conn.execute("SELECT * FROM sync_erase").fetchall()
    finally:
        conn.close()
    assert sorted(row[1] for row in kept) == sorted(fox_a) and "fox" not in repr(kept)

    code, out, err = _run(capsys, "sessions", "sync", "--db", str(db_a))
    assert code == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert (result["erased"], result["erase_refused"], result["sessions"]) == (2, 0, 0)
    assert "2 deleted here and erased on the server now" in out.splitlines()[0]
    assert _pending(db_a) == 0
    assert set(_server_rows(server_db, inst_a, fox_a).values()) == {0}
    assert _server_rows(server_db, inst_a, owl_a) == owl_before  # another player of the same station
    assert _server_rows(server_db, inst_b) == b_before  # the same pseudonym at another site

    site_a = url_a.split("//", 1)[1].split(":", 1)[0]
    removed = sum(v for v in _server_rows(server_db, inst_b).values())  # B's fox has as many rows as A's had
    assert _audit(server_db) == [(site_a, inst_a, "sessions", 2, 2, removed)]

    code, out, _ = _run(capsys, "sessions", "sync", "--db", str(db_a))
    assert json.loads(out.strip().splitlines()[-1])["erased"] == 0  # nothing left to erase


def test_a_station_cannot_erase_or_read_another_sites_rows(tmp_path: Path, server_db: ServerDb) -> None:
    url_a, url_b = server_db.site("hall_a"), server_db.site("hall_b")
    db_a = tmp_path / "a.sqlite"
    inst_a = str(uuid.uuid4())
    record_sessions(db_a, inst_a, 1, seconds=3)
    sync_store(db_a, ServerUrl(url_a, "--url"))
    before = _server_rows(server_db, inst_a)
    uuids = _uuids(db_a)

    with psycopg.connect(url_b, autocommit=True) as b:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="belongs to another site"):
            b.execute("SELECT liike.erase_sessions(%s::uuid, %s::uuid[])", (inst_a, uuids))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="belongs to another site"):
            b.execute("SELECT liike.erase_player(%s::uuid, %s)", (inst_a, "fox"))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # the worker is nobody's to call
            b.execute("SELECT liike.erase_checked(%s::uuid, %s::uuid[], 'sessions', 1)", (inst_a, uuids))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):  # erasing gives no reading
            b.execute("SELECT count(*) FROM liike.sessions")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            b.execute("SELECT * FROM liike.erasures")
    assert _server_rows(server_db, inst_a) == before

    # A copy of A's store at B's station: its erasures are refused and stay pending, B's own go.
    db_b = tmp_path / "b.sqlite"
    record_sessions(db_b, str(uuid.uuid4()), 1, seconds=3)
    sync_store(db_b, ServerUrl(url_b, "--url"))
    conn = sqlite3.connect(db_b)
    try:
        erasure.queue(conn, server_key(url_b), inst_a, uuids[0])
        conn.commit()
    finally:
        conn.close()
    result = sync_store(db_b, ServerUrl(url_b, "--url"))
    assert (result.erased, result.erase_refused) == (0, 1)
    assert _pending(db_b) == 1 and _server_rows(server_db, inst_a) == before


def test_erasing_is_idempotent_and_a_session_never_forwarded_sends_nothing(
    tmp_path: Path, server_db: ServerDb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server_db.site("hall_a")
    db = tmp_path / "a.sqlite"
    inst = str(uuid.uuid4())
    record_sessions(db, inst, 2, seconds=3)
    sync_store(db, ServerUrl(url, "--url"))
    uuids = _uuids(db)
    with psycopg.connect(url, autocommit=True) as a:
        erase = "SELECT liike.erase_sessions(%s::uuid, %s::uuid[])"
        assert a.execute(erase, (inst, uuids[:1])).fetchone() == (1,)
        assert a.execute(erase, (inst, uuids[:1])).fetchone() == (0,)  # twice: nothing more
        assert a.execute(erase, (inst, [str(uuid.uuid4())])).fetchone() == (0,)  # never got it
        assert a.execute(erase, (str(uuid.uuid4()), uuids)).fetchone() == (0,)  # an installation nobody claimed
        assert a.execute("SELECT liike.erase_player(%s::uuid, 'fox')", (inst,)).fetchone() == (1,)
    assert set(_server_rows(server_db, inst).values()) == {0}

    # A session recorded after the last sync and deleted before the next: nothing to send, nothing said.
    record_sessions(db, inst, 1, player="late", seconds=3)
    monkeypatch.setenv("LIIKE_DATABASE_URL", url)
    code, out, err = _run(capsys, "sessions", "delete", "--player", "late", "--yes", "--db", str(db))
    assert code == 0, err
    assert "server" not in out and _pending(db) == 0

    # An erasure the server has already done (the session erased there by hand) is confirmed all the same.
    conn = sqlite3.connect(db)
    try:
        erasure.queue(conn, server_key(url), inst, uuids[0])
        conn.commit()
    finally:
        conn.close()
    result = sync_store(db, ServerUrl(url, "--url"))
    assert (result.erased, result.erase_refused, _pending(db)) == (0, 0, 0)


def test_a_store_that_never_forwarded_queues_nothing_and_says_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("LIIKE_DATABASE_URL", raising=False)
    db = tmp_path / "a.sqlite"
    ids = record_sessions(db, str(uuid.uuid4()), 1, seconds=2)
    code, out, err = _run(capsys, "sessions", "delete", str(ids[0]), "--yes", "--db", str(db))
    assert code == 0, err
    assert out.strip() == f"deleted session {ids[0]} from {db}"
    conn = sqlite3.connect(db)
    try:  # no sync state made in a store that never synced
        tables = {n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")}
    finally:
        conn.close()
    assert not tables & {"sync_sent", "sync_erase", "sync_erase_on_delete"}


def test_an_erasure_waits_through_an_outage_and_a_cut_connection_then_goes_before_any_session(
    tmp_path: Path, server_db: ServerDb, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server_db.site("hall_a")
    proxy = CuttingProxy(server_db.cluster.port)
    try:
        via_proxy = ServerUrl(url.replace(f":{server_db.cluster.port}/", f":{proxy.port}/"), "--url")
        db = tmp_path / "a.sqlite"
        inst = str(uuid.uuid4())
        record_sessions(db, inst, 3, seconds=3)
        sync_store(db, via_proxy)
        uuids = _uuids(db)
        with SessionStore(db) as store:
            store.delete_player("fox")
        assert _pending(db) == 3
        record_sessions(db, inst, 1, player="new", seconds=3)  # waits behind the erasures

        proxy.cut_after = proxy.sent  # the server is out of reach: everything waits
        with pytest.raises(ServerUnavailable):
            sync_store(db, via_proxy, connect_timeout_s=1)
        assert _pending(db) == 3 and proxy.cuts == 1
        assert _server_rows(server_db, inst, uuids)["sessions"] == 3

        monkeypatch.setattr(erasure, "BATCH", 1)
        forget = erasure._forget
        calls = []

        def forget_then_cut(local: sqlite3.Connection, server: str, batch: list[str]) -> None:
            forget(local, server, batch)
            calls.append(batch)
            if len(calls) == 1:
                proxy.cut()  # the link drops after the first erasure was answered

        monkeypatch.setattr(erasure, "_forget", forget_then_cut)
        with pytest.raises(ServerUnavailable, match="while erasing"):
            sync_store(db, via_proxy)
        assert _pending(db) == 2
        left = sum(_server_rows(server_db, inst, [u])["sessions"] for u in uuids)
        assert left == 2
        assert _server_rows(server_db, inst, _uuids(db))["sessions"] == 0  # no session went before the erasures

        result = sync_store(db, via_proxy)
        assert (result.erased, result.sessions, result.pending, _pending(db)) == (2, 1, 0, 0)
        assert set(_server_rows(server_db, inst, uuids).values()) == {0}
        assert _server_rows(server_db, inst)["sessions"] == 1
    finally:
        proxy.close()


def test_a_session_deleted_while_it_is_being_forwarded_is_erased_in_the_same_sync(tmp_path: Path, server_db: ServerDb) -> None:
    url = ServerUrl(server_db.site("hall_a"), "--url")
    db = tmp_path / "a.sqlite"
    inst = str(uuid.uuid4())
    ids = record_sessions(db, inst, 2, seconds=3)
    uuids = _uuids(db)

    def delete_midway(session_id: int, table: str) -> None:
        if session_id == ids[1] and table == "devices":
            with SessionStore(db) as store:
                store.delete_session(session_id)

    result = sync_store(db, url, progress=delete_midway)
    assert (result.sessions, result.erased, _pending(db)) == (2, 1, 0)
    assert _server_rows(server_db, inst, uuids[1:])["sessions"] == 0
    assert _server_rows(server_db, inst, uuids[:1])["sessions"] == 1


STRAPS = [AllowedSensor("A0:00:00:00:00:01", "Strap 1"), AllowedSensor("A0:00:00:00:00:02", "Strap 2")]


def _lesson(db: Path, inst: str, aliases: tuple[str, str]) -> None:
    """10 s of a lesson in which two pupils wear straps 1 and 2."""
    pupils = {s.address: Pupil(alias, s.address) for s, alias in zip(STRAPS, aliases, strict=True)}
    clock = [s_to_ns(0)]
    board = ClassBoard(STRAPS, HeartProfile(60, 200), pupils=pupils)
    lesson = Lesson(db, STRAPS, "7B", clock=lambda: clock[0], writer_options={"installation": lambda: inst})
    for t in range(1, 11):
        clock[0] = s_to_ns(t)
        items = [HeartRateSample(s_to_ns(t), s.address, 120 + k, rr_s=(0.5,), contact=True) for k, s in enumerate(STRAPS)]
        board.ingest(items)
        lesson.record(items)
        board.tick(s_to_ns(t), 1.0)
    lesson.finish(board.summary())


def _age(db: Path, days: float) -> None:
    """Move every stored lesson's start ``days`` back."""
    with SessionStore(db) as store:
        conn = store._conn  # the store has no API to rewrite history, rightly
        for sid, summary in conn.execute("SELECT id, summary_json FROM sessions").fetchall():
            about = json.loads(summary)
            began = datetime.fromisoformat(about["lesson"]["started_at"]) - timedelta(days=days)
            about["lesson"]["started_at"] = began.isoformat()
            conn.execute("UPDATE sessions SET summary_json=? WHERE id=?", (json.dumps(about), sid))


def test_class_erase_and_class_retention_erase_on_the_server_the_same_way(
    tmp_path: Path, server_db: ServerDb, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    url = server_db.site("school")
    sensors = str(tmp_path / "sensors.yaml")
    db = tmp_path / "s.sqlite"
    inst = str(uuid.uuid4())
    _lesson(db, inst, ("Quokka", "Lynx"))
    sync_store(db, ServerUrl(url, "--url"))
    first = _uuids(db)
    assert _server_rows(server_db, inst)["sessions"] == 2

    monkeypatch.setenv("LIIKE_DATABASE_URL", url)
    code, out, err = _run(capsys, "class", "erase", "Quokka", "--yes", "--db", str(db), "--sensors", sensors)
    assert code == 0, err
    assert "also erased on the server at the next sync (1 session forwarded before)" in out
    result = sync_store(db, ServerUrl(url, "--url"))
    assert result.erased == 1
    lynx = _uuids(db)
    assert _server_rows(server_db, inst, lynx)["sessions"] == 1  # the other pupil of the lesson stays
    assert _server_rows(server_db, inst, [u for u in first if u not in lynx])["sessions"] == 0

    _age(db, 365)  # last year's lesson
    _lesson(db, inst, ("Ibis", "Lynx"))  # today's, not forwarded yet
    monkeypatch.delenv("LIIKE_DATABASE_URL")
    code, out, err = _run(
        capsys,
        "class",
        "--headless",
        "--seconds",
        "0.5",
        "--sensors",
        str(tmp_path / "sensors.yaml"),
        "--db",
        str(db),
        "--keep-days",
        "30",
    )
    assert code == 0, err
    assert "liike: also erased on the server at the next sync (1 session forwarded before)" in err
    result = sync_store(db, ServerUrl(url, "--url"))
    assert (result.erased, result.sessions) == (1, 2)
    assert _server_rows(server_db, inst, lynx)["sessions"] == 0
    assert _server_rows(server_db, inst)["sessions"] == 2  # today's lesson only
    assert [row[2:5] for row in _audit(server_db)] == [("sessions", 1, 1), ("sessions", 1, 1)]
