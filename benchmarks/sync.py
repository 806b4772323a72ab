"""Sync throughput: sessions and rows per second to a real PostgreSQL server, COPY + ON CONFLICT
against row-by-row INSERTs in the same run.

Starts its own cluster (``initdb`` + ``pg_ctl``, fsync on, as a server would run; as ``nobody``
when run as root), makes a local store of ``--sessions`` finished sessions of ``--minutes`` each
(heart rate 1 Hz, a 100 Hz IMU in batches of 10, pose at 15 Hz, an event a second), and forwards
it over loopback TCP as a station role (row-level security checked on every row):

- ``copy``: :func:`game.sessions.sync.sync_store` (COPY into staging, ``INSERT ... SELECT ... ON
  CONFLICT DO NOTHING``, one transaction per session);
- ``row-by-row``: the same rows, one ``INSERT ... ON CONFLICT DO NOTHING`` statement per row, one
  transaction per session (the baseline);
- ``copy, all already there``: a copy of the store forwarded again (every row a conflict).

Each method writes into its own fresh database. Rows are the server rows written (a session row,
and every reading batch, event, gap and device row).

With ``--during-play SECONDS`` it measures instead what forwarding costs the game: a headless
``liike play`` (runner, simulated player) of that length on a copy of the store, with no server
configured (the baseline) and with the server configured so the whole backlog is forwarded by
the background thread while the game runs, alternating, ``--repeat`` times each; it prints the
frame times from play's JSON.

Usage::

    .venv/bin/python benchmarks/sync.py [--sessions 20] [--minutes 5]
    .venv/bin/python benchmarks/sync.py --during-play 25 [--repeat 2]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import numpy as np
import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from game.sessions import SessionWriter  # noqa: E402
from game.sessions.sync.forward import _SESSION_COLUMNS, _STREAMS, connect, ready_server, sync_store  # noqa: E402
from game.sessions.sync.outbox import ensure_table, mark_sent, pending, tail  # noqa: E402
from game.sessions.sync.url import ServerUrl, server_key  # noqa: E402
from sensors.clock import ManualClock  # noqa: E402
from sensors.samples import HeartRateSample, ImuBatch, PoseFrame  # noqa: E402
from tests.game.sessions.sync.pg_cluster import new_database, running_cluster  # noqa: E402

S = 1_000_000_000


def build_store(path: Path, sessions: int, minutes: float) -> None:
    """One session through the writer, then copied in SQL under new UUIDs (same rows, same sizes)."""
    clock = ManualClock(0)
    inst = str(uuid.uuid4())
    w = SessionWriter(path, player="fox", mode="runner", level="Meadow", clock=clock, installation=lambda: inst)
    w.start()
    rng = np.random.default_rng(1)
    for second in range(int(minutes * 60)):
        t = (second + 1) * S
        clock.advance(S)
        w.record([HeartRateSample(t_host_ns=t, source="strap", bpm=120 + second % 40, rr_s=(0.5, 0.51))])
        w.record(
            [
                ImuBatch(
                    t_host_ns=t + k * S // 10,
                    source="imu",
                    rate_hz=100,
                    t_first_ns=t + k * S // 10,
                    acc_g=rng.normal(size=(10, 3)).astype(np.float32),
                    gyr_dps=rng.normal(size=(10, 3)).astype(np.float32),
                    placement="chest",
                )
                for k in range(10)
            ]
        )
        w.record(
            [
                PoseFrame(t_host_ns=t + k * S // 15, source="camera:0", landmarks=rng.random((33, 4), dtype=np.float32))
                for k in range(15)
            ]
        )
        w.record_event(t, "step", {"n": second})
    w.finish(1000, {"bench": True})
    conn = sqlite3.connect(path)
    try:
        cols = [r[1] for r in conn.execute("PRAGMA table_info(sessions)") if r[1] not in ("id", "uuid")]
        with conn:
            for _ in range(sessions - 1):
                new = conn.execute(
                    f"INSERT INTO sessions ({', '.join(cols)}, uuid) SELECT {', '.join(cols)}, ? FROM sessions WHERE id = 1",
                    (str(uuid.uuid4()),),
                ).lastrowid
                for table in ("hr", "imu", "pose", "events", "gaps", "devices", "session_counts"):
                    names = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] != "session_id"]
                    listed = ", ".join(names)
                    conn.execute(
                        f"INSERT INTO {table} (session_id, {listed}) SELECT ?, {listed} FROM {table} WHERE session_id = 1", (new,)
                    )
    finally:
        conn.close()


def row_by_row(db: Path, server: ServerUrl) -> tuple[int, int]:
    """The baseline: every row its own INSERT ... ON CONFLICT DO NOTHING; (sessions, rows written)."""
    conn = connect(server)
    local = sqlite3.connect(db, isolation_level=None)
    ready_server(conn, server)
    ensure_table(local)
    key = server_key(server.url)
    sessions = rows = 0
    try:
        for sid in pending(local, key):
            meta = local.execute(
                "SELECT s.installation_id, s.uuid, p.pseudonym, s.mode, s.level, s.started_at, s.ended_at, s.t0_ns, s.t_end_ns, "
                "s.score, s.summary_json, s.incomplete_json, s.wall_anchor_ns, s.mono_anchor_ns, s.anchor_error_ns "
                "FROM sessions s JOIN players p ON p.id = s.player_id WHERE s.id = ?",
                (sid,),
            ).fetchone()
            conn.execute("INSERT INTO liike.stations (installation_id) VALUES (%s) ON CONFLICT DO NOTHING", (meta[0],))
            before = tail(local, sid)
            written = 0
            with conn.transaction():
                marks = ", ".join(["%s"] * len(meta))
                written += conn.execute(
                    f"INSERT INTO liike.sessions ({_SESSION_COLUMNS}) VALUES ({marks}) ON CONFLICT DO NOTHING".encode(), meta
                ).rowcount
                for stream in _STREAMS:
                    n = len(stream.columns) + 2
                    query = (
                        f"INSERT INTO liike.{stream.table} (installation_id, session_uuid, {stream.names}) "
                        f"VALUES ({', '.join(['%s'] * n)}) ON CONFLICT DO NOTHING"
                    ).encode()
                    for row in local.execute(f"SELECT {stream.names} FROM {stream.table} WHERE session_id = ?", (sid,)):
                        kinds = [kind for _, kind in stream.columns]
                        values = tuple(bool(v) if kinds[i] == "boolean" and v is not None else v for i, v in enumerate(row))
                        written += conn.execute(query, (meta[0], meta[1], *values)).rowcount
            mark_sent(local, sid, key, written, before)
            sessions += 1
            rows += written
    finally:
        local.close()
        conn.close()
    return sessions, rows


def during_play(store: Path, url: str, seconds: float, repeat: int, tmp: Path, admin_url: str) -> None:
    """Frame times of a headless game without a server, and while the backlog is forwarded."""
    print("| run | server | frames | frame p50 ms | frame p99 ms | frames over 16.7 ms | sessions on the server after |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    game = ["play", "--headless", "--input", "sim", "--mode", "runner", "--level", "meadow", "--seconds", f"{seconds:g}"]
    for run in range(repeat):
        for server in (None, url):
            copy = tmp / "play.sqlite"
            for old in tmp.glob("play.sqlite*"):
                old.unlink()
            shutil.copy(store, copy)
            env = {
                **os.environ,
                "SDL_VIDEODRIVER": "dummy",
                "SDL_AUDIODRIVER": "dummy",
                "LIIKE_INSTALLATION_FILE": str(tmp / "inst"),
            }
            env.pop("LIIKE_DATABASE_URL", None)
            if server is not None:
                env["LIIKE_DATABASE_URL"] = server
            done = subprocess.run(
                [sys.executable, "-m", "game.cli", *game, "--db", str(copy)], capture_output=True, text=True, env=env, check=True
            )
            result = json.loads(done.stdout.strip().splitlines()[-1])
            with psycopg.connect(admin_url, autocommit=True) as conn:
                row = conn.execute("SELECT count(*) FROM liike.sessions").fetchone()
                conn.execute("TRUNCATE liike.sessions CASCADE")
            label = "backlog forwarded during play" if server else "none (baseline)"
            print(
                f"| {run + 1} | {label} | {result['frames']} | {result['frame_ms_p50']:.1f} | {result['frame_ms_p99']:.1f} | "
                f"{100 * result['frames_over_16_7ms']:.1f} % | {row[0] if row else '?'} |"
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--during-play", type=float, metavar="SECONDS", help="measure frame times while forwarding instead")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each condition with --during-play")
    args = parser.parse_args()
    python = platform.python_version()
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {python}, psycopg {psycopg.__version__}")
    with tempfile.TemporaryDirectory() as tmp, running_cluster(durable=True) as cluster:
        with psycopg.connect(cluster.admin_url()) as conn:
            print(f"server: {conn.execute('SHOW server_version').fetchone()[0]} (fsync on, loopback TCP, scram-sha-256)")  # type: ignore[index]
        store = Path(tmp) / "store.sqlite"
        t0 = time.perf_counter()
        build_store(store, args.sessions, args.minutes)
        size_mb = sum(p.stat().st_size for p in Path(tmp).glob("store.sqlite*")) / 1e6
        built = time.perf_counter() - t0
        print(f"local store: {args.sessions} sessions of {args.minutes:g} min, {size_mb:.1f} MB, built in {built:.1f} s")
        if args.during_play:
            db = new_database(cluster, "bench_play")
            during_play(store, db.site("hall"), args.during_play, args.repeat, Path(tmp), db.admin_url)
            db.drop()
            return 0
        print("| method | sessions | rows written | already there | seconds | sessions/s | rows/s |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        copies = {name: Path(tmp) / f"{name}.sqlite" for name in ("copy", "rows", "again")}
        for path in copies.values():
            path.write_bytes(store.read_bytes())
        for name, label in (("copy", "COPY + ON CONFLICT"), ("rows", "row-by-row INSERT")):
            db = new_database(cluster, f"bench_{name}")
            server = ServerUrl(db.site("hall"), "benchmark")
            t0 = time.perf_counter()
            if name == "copy":
                result = sync_store(copies[name], server)
                sessions, rows, there = result.sessions, result.rows, result.already_there
            else:
                (sessions, rows), there = row_by_row(copies[name], server), 0
            took = time.perf_counter() - t0
            print(f"| {label} | {sessions} | {rows} | {there} | {took:.2f} | {sessions / took:.1f} | {rows / took:.0f} |")
            if name == "copy":
                t0 = time.perf_counter()
                again = sync_store(copies["again"], server)
                took = time.perf_counter() - t0
                print(
                    f"| COPY + ON CONFLICT, all already there | {again.sessions} | {again.rows} | {again.already_there} | "
                    f"{took:.2f} | {again.sessions / took:.1f} | {again.already_there / took:.0f} |"
                )
            db.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
