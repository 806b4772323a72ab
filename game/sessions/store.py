"""The session store: players, sessions, raw sample streams and events in one SQLite file.

Opened in WAL mode with ``synchronous=NORMAL``: a committed transaction survives the process
being killed (it is in the write-ahead log), and readers never block the writer thread.
"""

from __future__ import annotations

import contextlib
import dataclasses
import enum
import json
import logging
import os
import shutil
import sqlite3
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import platformdirs

from game.sessions.schema import MIGRATIONS, SCHEMA_VERSION, StoreError, check_version, migrate

log = logging.getLogger("liike.sessions")

#: Raw stream kinds as stored and counted per session (the values of ``sensors.samples.StreamKind``).
STREAM_KINDS = ("hr", "imu", "pose", "fitness")

#: Kinds always present in a session's ``samples`` counts, even at 0. Fitness machines are rare
#: in a class, so ``fitness`` is listed only for sessions that have such readings; this also keeps
#: the shape that scripts reading ``liike sessions list --json`` (and ``liike play``'s result) know.
ALWAYS_COUNTED = ("hr", "imu", "pose")

#: Measured quantities of a fitness reading, in ``fitness`` table column order (units in the names).
FITNESS_FIELDS = ("speed_mps", "cadence_spm", "cadence_rpm", "power_w", "distance_m", "incline_pct")

#: Seconds a connection waits for another connection's write lock before reporting "locked".
BUSY_TIMEOUT_S = 5.0


def default_db_path(create: bool = True) -> Path:
    """``liike.sqlite`` in the user data folder (the folder is created if missing, unless
    ``create`` is False: commands that only read must not write anything)."""
    folder = Path(platformdirs.user_data_dir("liike", appauthor=False))
    if create:
        folder.mkdir(parents=True, exist_ok=True)
    return folder / "liike.sqlite"


def writable(path: Path) -> bool:
    """Whether ``path`` (a store file) and its folder can be written by this process, as far as
    the operating system says (``os.access``: a read-only file system says no even to root)."""
    folder_ok = os.access(path.parent, os.W_OK | os.X_OK)
    return folder_ok and (not path.exists() or os.access(path, os.W_OK))


def read_only_message(where: str, doing: str) -> str:
    """The one message for a store that cannot be written (a backup on read-only media, a
    write-protected folder): nothing is wrong with it, it can be listed and shown."""
    return (
        f"{where} is read-only (the file or its folder cannot be written), so {doing}. "
        "`liike sessions list` and `show` still read it; to change it, copy it to a writable folder "
        "and pass --db with the copy"
    )


def utc_now_iso() -> str:
    """Wall-clock now as ISO-8601 UTC with milliseconds, e.g. ``2026-11-28T16:15:50.125+00:00``."""
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def json_default(obj: Any) -> Any:
    """``json.dumps`` fallback for values games put in event data and summaries.

    numpy scalars/arrays and enums become plain JSON; anything else its ``str`` - a session must
    never be lost (or the game crash) over one odd value in a summary.
    """
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, enum.Enum):
        return obj.value
    if isinstance(obj, (set, frozenset)):
        return sorted(obj, key=str)
    return str(obj)


def dumps(obj: Any) -> str:
    """JSON text as stored in ``data_json`` / ``summary_json`` (see :func:`json_default`)."""
    return json.dumps(obj, default=json_default)


#: What a store fault is, as every command names it: ``disk full``, ``read-only``, ``locked``; or
#: None for anything else (damage, or a file that is not a database).
FAULT_KINDS = ("disk full", "read-only", "locked")


def fault_kind(exc: BaseException) -> str | None:
    """``"disk full"``, ``"read-only"`` or ``"locked"`` for an SQLite error that says so (by its
    extended error name where Python gives it, else by its text); None otherwise. A full disk is
    never damage: nothing is wrong with the file, there is just no room for more of it."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    text = str(exc).lower()
    if name == "SQLITE_FULL" or "disk is full" in text or "no space left" in text:
        return "disk full"
    if name.startswith(("SQLITE_READONLY", "SQLITE_PERM")) or "readonly" in text or "read-only" in text:
        return "read-only"
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in text or "busy" in text:
        return "locked"
    return None


def fault_message(where: str, kind: str, doing: str) -> str:
    """One line for a store that cannot be written for ``kind`` (see :func:`fault_kind`)."""
    if kind == "disk full":
        return (
            f"the disk holding {where} is full, so {doing}. Nothing is wrong with the store: "
            "free some space (or pass --db FILE on another disk) and try again"
        )
    if kind == "read-only":
        return read_only_message(where, doing)
    return f"{where} is locked by another program, so {doing}; try again when it has finished (or pass --db FILE)"


def _is_access_problem(exc: sqlite3.Error) -> bool:
    # SQLite reports permission, read-only, locked, full-disk and bad-folder problems with these
    # phrases; anything else from a file that opened is damage or a file that is not a database.
    text = str(exc).lower()
    return fault_kind(exc) is not None or any(k in text for k in ("unable to open", "disk i/o"))


def shm_unwritable(path: Path) -> bool:
    """Whether the store's ``-shm`` companion exists and cannot be opened for writing (an
    immutable file, ``chattr +i``, refuses even root). SQLite maps that file into memory for WAL
    and would fail, or die of SIGBUS, writing it; :func:`connect` then keeps the WAL index in
    private memory instead (exclusive locking)."""
    shm = path.with_name(path.name + "-shm")
    if not shm.exists():
        return False
    try:
        with open(shm, "r+b"):
            return False
    except OSError:
        return True


def shm_note(path: Path) -> str | None:
    """One line to tell the player when :func:`connect` falls back to exclusive locking, else None."""
    if not shm_unwritable(path):
        return None
    shm = path.with_name(path.name + "-shm")
    return (
        f"{shm} cannot be written (immutable or write-protected), so Liike saves with exclusive locking: "
        "other programs cannot read the store while the game runs"
    )


_SHM_WARNED: set[str] = set()

#: Free space (bytes) below which :func:`probe_writable` calls the disk full before anyone plays.
MIN_FREE_BYTES = 1 << 20


def probe_writable(path: Path | str) -> None:
    """Prove that a session could be saved in the store at ``path`` (created if missing): open it,
    take the write lock and write a row in a transaction that is rolled back, and check the disk
    has room. Raise :class:`StoreError` with one line naming why not: read-only, locked, disk
    full, or damaged."""
    path = Path(path)
    where = str(path)
    doing = "the game could not save the session"
    conn = connect(path)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO players(pseudonym, created_at) VALUES (?, ?)", ("\0liike-write-probe", utc_now_iso()))
        conn.execute("ROLLBACK")
    except sqlite3.Error as exc:
        kind = fault_kind(exc)
        if kind is None:
            raise _damaged(where, exc) from None
        raise StoreError(fault_message(where, kind, doing)) from None
    finally:
        conn.close()
    try:
        free = shutil.disk_usage(path.parent).free
    except OSError:
        return
    if free < MIN_FREE_BYTES:
        raise StoreError(fault_message(where, "disk full", doing))


def connect(path: Path | str) -> sqlite3.Connection:
    """Open (creating if needed) and migrate a store; raise :class:`StoreError` with advice.

    Autocommit connection (explicit ``BEGIN IMMEDIATE`` transactions), WAL journal,
    ``synchronous=NORMAL`` (a commit survives the process being killed; only a power cut can
    lose the last commits, and the file stays consistent), foreign keys on, and
    ``secure_delete`` on so that deleted players' data is overwritten, not left in free pages.
    Waits up to :data:`BUSY_TIMEOUT_S` for another connection's write lock. Usable from any one thread at a time.
    """
    path = Path(path)
    where = str(path)
    if path.is_dir():
        raise StoreError(f"{where} is a folder, not a database file; pass a file path such as {path / 'liike.sqlite'}")
    if not path.parent.exists():
        raise StoreError(f"cannot create {where}: the folder {path.parent} does not exist; create it or choose another path")
    try:
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_S)
    except sqlite3.Error as exc:
        raise StoreError(f"cannot open {where}: {exc}; check the path and its permissions") from None
    try:
        if shm_unwritable(path):
            # Before the first access: SQLite then keeps the WAL index in this process's memory and
            # never touches the -shm file (one connection at a time can use the store).
            conn.execute("PRAGMA locking_mode=EXCLUSIVE")
            if where not in _SHM_WARNED:  # once per store and process: the game connects more than once
                _SHM_WARNED.add(where)
                log.warning("%s", shm_note(path))
        mode = conn.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        if str(mode).lower() != "wal":  # e.g. some network file systems: correct, but readers block the writer
            log.warning("%s: journal mode is %s, not WAL; saving may stall while the file is read", where, mode)
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA secure_delete=ON")
        migrate(conn, where)
    except StoreError:
        conn.close()
        raise
    except sqlite3.OperationalError as exc:
        conn.close()
        if not _is_access_problem(exc):
            raise _damaged(where, exc) from None
        kind = fault_kind(exc)
        if kind == "read-only" or _is_read_only(exc, path):
            raise StoreError(read_only_message(where, "Liike cannot record or delete in it")) from None
        if kind is not None:
            raise StoreError(fault_message(where, kind, "Liike cannot record or delete in it")) from None
        raise StoreError(
            f"cannot write the session store {where}: {exc}. Check that the file and its folder are writable "
            "and that no other program holds it locked, or choose another path with --db"
        ) from None
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _damaged(where, exc) from None
    return conn


def _is_read_only(exc: sqlite3.Error, path: Path) -> bool:
    return "readonly" in str(exc).lower() or not writable(path)


@dataclasses.dataclass(frozen=True)
class ReadOnlyOpen:
    """How :func:`connect_read_only` opened a store: ``snapshot`` when SQLite had to treat the
    file as unchanging (``immutable=1``: the folder cannot take the ``-shm`` index a shared read
    needs), ``note`` something worth telling the reader (changes in a ``-wal`` file that a
    snapshot cannot see), else None."""

    snapshot: bool
    note: str | None


def connect_read_only(path: Path | str) -> tuple[sqlite3.Connection, ReadOnlyOpen]:
    """Open an existing store for reading only: never created, upgraded or written.

    First as SQLite's ``mode=ro`` (sees a running game's newest commits; SQLite may create the
    ``-wal``/``-shm`` companions where the folder allows). Where even those cannot be created (a
    copy on read-only media or in a write-protected folder), as ``immutable=1``: a snapshot of
    the file as it is. A store of an older schema is read as it is; tables that version lacked
    read as empty (temporary tables on this connection only). Raises :class:`StoreError` for a
    missing file, a folder, a file that is not a Liike store, or one of a newer schema.
    """
    path = Path(path)
    where = str(path)
    if path.is_dir():
        raise StoreError(f"{where} is a folder, not a database file; pass a file path such as {path / 'liike.sqlite'}")
    if not path.exists():
        raise StoreError(f"no session database at {where}: play a session first, or pass --db FILE")
    uri = "file:" + urllib.parse.quote(str(path.resolve()))
    last: sqlite3.Error | None = None
    for snapshot in (False, True):
        try:
            conn = sqlite3.connect(
                uri + ("?mode=ro&immutable=1" if snapshot else "?mode=ro"),
                uri=True,
                isolation_level=None,
                check_same_thread=False,
                timeout=BUSY_TIMEOUT_S,
            )
        except sqlite3.Error as exc:
            last = exc
            continue
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except sqlite3.OperationalError as exc:
            conn.close()
            if not _is_access_problem(exc):
                raise _damaged(where, exc) from None
            text = str(exc).lower()
            if not snapshot and not ("unable to open" in text or "readonly" in text):
                # e.g. "locked": a snapshot would not wait for the writer and might read half of it
                raise StoreError(f"cannot read {where}: {exc}; try again when no other program writes it") from None
            last = exc
            continue
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise _damaged(where, exc) from None
        break
    else:
        raise StoreError(f"cannot read {where}: {last}; check that the file can be read") from None
    try:
        version = check_version(conn, where)
        # Tables a version before this one lacks read as empty: temporary ones, this connection only.
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                if "CREATE TABLE" in statement:
                    conn.execute(statement.replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
        conn.execute("PRAGMA query_only=ON")
    except StoreError:
        conn.close()
        raise
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise _damaged(where, exc) from None
    note = None
    wal = path.with_name(path.name + "-wal")
    if snapshot and wal.exists() and wal.stat().st_size > 0:
        note = (
            f"{wal} holds the newest changes, which SQLite reads only where it may write its index "
            f"beside them; what is shown is {where} without them. Copy both files to a writable folder to see them"
        )
    return conn, ReadOnlyOpen(snapshot=snapshot, note=note)


def _damaged(where: str, exc: BaseException) -> StoreError:
    return StoreError(
        f"{where} is not a usable Liike session store ({exc}). Nothing was deleted: move the file "
        "aside (or restore a backup) and Liike will start a new store there"
    )


def _f32(blob: bytes | None, cols: int) -> np.ndarray | None:
    """A little-endian float32 blob as a native float32 (N, cols) array (a writable copy)."""
    if blob is None:
        return None
    return np.frombuffer(blob, dtype="<f4").reshape(-1, cols).astype(np.float32)


class SessionStore:
    """Read side of the store, and deletion. One instance per thread; a context manager.

    Opening creates the file with the current schema if it does not exist, and raises
    :class:`StoreError` (naming the file and what to do) for a folder, an unwritable path, a file
    that is not a database or is damaged, or one written by a newer Liike. Nothing is ever
    deleted automatically. Damage found later, while reading, also raises :class:`StoreError`.
    """

    def __init__(self, path: Path | str, *, read_only: bool = False) -> None:
        self.path = Path(path)
        #: After a deletion: whether the write-ahead log was emptied into the file, so the deleted
        #: rows are gone from the ``-wal`` file as well (False while another program - a running
        #: game - holds a read open; the next checkpoint finishes the job). None before any deletion.
        self.wal_purged: bool | None = None
        #: Opened for reading only (see :func:`connect_read_only`): never created, upgraded or written.
        self.read_only = read_only
        #: For a read-only store: how it was opened (a snapshot, and anything worth saying); else None.
        self.opened: ReadOnlyOpen | None = None
        if read_only:
            self._conn, self.opened = connect_read_only(self.path)
        else:
            self._conn = connect(self.path)
        try:
            columns = {r[1] for r in self._conn.execute("PRAGMA table_info(sessions)")}
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise _damaged(str(self.path), exc) from None
        self._has_incomplete = "incomplete_json" in columns  # a version 2 store read as it is has none
        #: Version 4's identity and sequence columns: absent from an older store read as it is.
        self._has_identity = "uuid" in columns

    @contextlib.contextmanager
    def _reading(self) -> Iterator[None]:
        # A damaged page only shows when it is read: report it like damage found at open.
        try:
            yield
        except sqlite3.OperationalError as exc:
            if not _is_access_problem(exc):
                raise _damaged(str(self.path), exc) from None
            kind = fault_kind(exc)
            if kind is not None:
                raise StoreError(fault_message(str(self.path), kind, "Liike cannot use it right now")) from None
            raise StoreError(f"cannot read {self.path}: {exc}; try again when no other program writes it") from None
        except sqlite3.DatabaseError as exc:
            raise _damaged(str(self.path), exc) from None

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def integrity_ok(self) -> bool:
        """SQLite's full ``PRAGMA integrity_check`` passes (reads the whole file: slow on big stores)."""
        with self._reading():
            return bool(self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")

    # -- reading -----------------------------------------------------------------------------
    def _counts(self, session_id: int | None) -> dict[int, dict[str, int]]:
        """Running totals per session and kind (``hr``/``imu``/``pose``/``fitness``/``events``): one session,
        or all (one pass over the small ``session_counts`` table, no bound-parameter limit)."""
        if session_id is None:
            rows = self._conn.execute("SELECT session_id, kind, n FROM session_counts")
        else:
            rows = self._conn.execute("SELECT session_id, kind, n FROM session_counts WHERE session_id = ?", (session_id,))
        out: dict[int, dict[str, int]] = {}
        for sid, kind, n in rows:
            out.setdefault(sid, {})[kind] = int(n)
        return out

    def _row(self, r: tuple[Any, ...], counts: dict[str, int]) -> dict[str, Any]:
        sid, player, mode, level, started, ended, score = r[:7]
        return {
            "id": sid,
            "player": player,
            "mode": mode,
            "level": level,
            "started_at": started,
            "ended_at": ended,
            "score": score,
            "samples": {k: counts.get(k, 0) for k in STREAM_KINDS if k in ALWAYS_COUNTED or counts.get(k, 0)},
            "events": counts.get("events", 0),
        }

    _SELECT = (
        "SELECT s.id, p.pseudonym, s.mode, s.level, s.started_at, s.ended_at, s.score, s.summary_json, s.t0_ns, s.t_end_ns "
        "FROM sessions s JOIN players p ON p.id = s.player_id"
    )

    def list_sessions(self) -> list[dict[str, Any]]:
        """Every session, oldest first.

        Each dict: ``id``, ``player`` (pseudonym), ``mode``, ``level`` (or None), ``started_at`` and
        ``ended_at`` (ISO-8601 UTC; ``ended_at`` is None when the session never finished, e.g. the
        game was killed), ``score`` (None until finished), ``samples`` (``{"hr", "imu", "pose"}``,
        plus ``"fitness"`` when the session has fitness-machine readings -> individual readings;
        an IMU batch of 10 counts 10), ``events`` (game events) and ``incomplete`` (True when
        rows were lost: :meth:`get_session` says which). Counts come from per-session running
        totals, never from scanning the sample tables.
        """
        with self._reading():
            rows = self._conn.execute(self._SELECT + " ORDER BY s.id").fetchall()
            counts = self._counts(None)
            incomplete: set[int] = set()
            if self._has_incomplete:
                query = "SELECT id FROM sessions WHERE incomplete_json IS NOT NULL"
                incomplete = {i for (i,) in self._conn.execute(query)}
        return [{**self._row(r, counts.get(r[0], {})), "incomplete": r[0] in incomplete} for r in rows]

    def get_session(self, session_id: int) -> dict[str, Any] | None:
        """One session (None if there is none): the :meth:`list_sessions` fields plus ``summary``
        (dict, ``{}`` until finished), ``events_by_kind`` (kind -> count), ``session_s`` (the
        session's length, the one definition every command uses: seconds on the host monotonic
        clock from its start, the level chosen, to its end, the results shown or the game left,
        so calibration and pauses count; for a session that never finished, to its newest stored
        sample or event; None if it has none; the summary's ``played_s`` is the play within it,
        see :mod:`game.sessions.report`) and ``fitness``:
        None without fitness readings, else ``readings`` (count), ``sources`` (device ids),
        ``distance_m`` (metres covered in the session, from the devices' running totals, or
        None) and per quantity (``speed_mps`` m/s, ``cadence_spm`` steps/min, ``cadence_rpm``
        rev/min, ``power_w`` W, ``incline_pct`` %) ``{"avg", "max"}`` over the readings that
        carry it, or None when no device sent it; ``incomplete``: None when every recorded row was
        stored, else what was lost (see :mod:`game.sessions.schema`, version 3)."""
        with self._reading():
            return self._get_session(session_id)

    def _get_session(self, session_id: int) -> dict[str, Any] | None:
        r = self._conn.execute(self._SELECT + " WHERE s.id = ?", (session_id,)).fetchone()
        if r is None:
            return None
        out = self._row(r, self._counts(session_id).get(session_id, {}))
        out["summary"] = json.loads(r[7]) if r[7] else {}
        out["events_by_kind"] = dict(
            self._conn.execute(
                "SELECT kind, count(*) FROM events WHERE session_id = ? GROUP BY kind ORDER BY kind", (session_id,)
            ).fetchall()
        )
        t0, t_end = r[8], r[9]
        if t_end is None:  # killed: the last thing written tells how long it ran
            t_end = self._conn.execute(
                "SELECT max(t) FROM (SELECT max(t_host_ns) t FROM hr WHERE session_id=?1 UNION ALL "
                "SELECT max(t_host_ns) FROM imu WHERE session_id=?1 UNION ALL "
                "SELECT max(t_host_ns) FROM pose WHERE session_id=?1 "
                "UNION ALL SELECT max(t_host_ns) FROM fitness WHERE session_id=?1 "
                "UNION ALL SELECT max(t_ns) FROM events WHERE session_id=?1)",
                (session_id,),
            ).fetchone()[0]
        out["session_s"] = None if t_end is None else round(max(0, t_end - t0) / 1e9, 3)
        out["fitness"] = self._fitness_summary(session_id) if out["samples"].get("fitness") else None
        out["incomplete"] = None
        if self._has_incomplete:
            (text,) = self._conn.execute("SELECT incomplete_json FROM sessions WHERE id=?", (session_id,)).fetchone()
            out["incomplete"] = json.loads(text) if text else None
        return out

    def _fitness_summary(self, session_id: int) -> dict[str, Any] | None:
        """What fitness machines measured in a session (see :meth:`get_session`)."""
        stats = ", ".join(f"avg({f}), max({f})" for f in FITNESS_FIELDS if f != "distance_m")
        row = self._conn.execute(f"SELECT count(*), {stats} FROM fitness WHERE session_id=?", (session_id,)).fetchone()
        if not row[0]:
            return None
        out: dict[str, Any] = {"readings": int(row[0])}
        rest = iter(row[1:])
        for f in FITNESS_FIELDS:
            if f == "distance_m":
                continue
            avg, top = next(rest), next(rest)
            out[f] = None if avg is None else {"avg": round(avg, 3), "max": round(top, 3)}
        # distance_m is each device's running total since it was switched on, so what was covered
        # in the session is its rise per device, summed over devices (a treadmill and a foot pod
        # on the same run would count twice; a class has one device per player).
        per_source = self._conn.execute(
            "SELECT source, max(distance_m) - min(distance_m) FROM fitness WHERE session_id=? GROUP BY source ORDER BY source",
            (session_id,),
        ).fetchall()
        out["sources"] = [src for src, _ in per_source]
        covered = [d for _, d in per_source if d is not None]
        out["distance_m"] = round(sum(covered), 3) if covered else None
        return out

    _SAMPLE_SQL = {
        "hr": "SELECT t_host_ns, bpm, rr_json, contact, broadcast, source, energy_kj, t_device_ns, seq "
        "FROM hr WHERE session_id=? ORDER BY t_host_ns, rowid",
        "imu": "SELECT t_first_ns, rate_hz, placement, source, acc, gyr, t_host_ns, n, t_device_ns, seq "
        "FROM imu WHERE session_id=? ORDER BY t_first_ns, rowid",
        "pose": "SELECT t_host_ns, t_infer_ns, player, source, landmarks, world, seq "
        "FROM pose WHERE session_id=? ORDER BY t_host_ns, rowid",
        "fitness": "SELECT t_host_ns, source, speed_mps, cadence_spm, cadence_rpm, power_w, distance_m, incline_pct, seq "
        "FROM fitness WHERE session_id=? ORDER BY t_host_ns, rowid",
    }

    def _sql(self, query: str) -> str:
        # An older store read as it is has no seq column: number its rows as the version 4 upgrade
        # would (0, 1, 2 ... per session in stored order), so exports of it carry the same numbers.
        if self._has_identity:
            return query
        return query.replace(" seq ", " row_number() OVER (ORDER BY rowid) - 1 ", 1)

    def iter_samples(
        self, session_id: int, kind: str, *, chunk: int = 256, stored_order: bool = False
    ) -> Iterator[dict[str, Any]]:
        """Decoded raw samples of one stream in time order (for export and research).

        ``kind`` (a string or ``sensors.samples.StreamKind``):
        ``"hr"``: ``t_host_ns``, ``bpm``, ``rr_s`` (list of RR intervals, s), ``contact`` (bool or
        None), ``broadcast``, ``source``, ``energy_kj``, ``t_device_ns``.
        ``"imu"``: ``t_first_ns`` (first sample), ``rate_hz``, ``placement``, ``source``,
        ``acc_g`` (float32 (N, 3), g), ``gyr_dps`` (float32 (N, 3), deg/s, or None),
        ``t_host_ns`` (batch arrival), ``n``, ``t_device_ns``.
        ``"pose"``: ``t_host_ns`` (frame capture), ``t_infer_ns``, ``player``, ``source``,
        ``landmarks`` (float32 (33, 4)), ``world`` (float32 (33, 3) metres, or None).
        ``"fitness"``: ``t_host_ns``, ``source``, ``speed_mps`` (m/s), ``cadence_spm`` (steps/min),
        ``cadence_rpm`` (crank rev/min), ``power_w`` (W), ``distance_m`` (m, the device's total),
        ``incline_pct`` (%); each quantity None when the device did not send it.
        Every kind also has ``seq``: the row's number in its stream (0, 1, 2 ... in stored order).
        Rows are fetched lazily, ``chunk`` at a time, so a long session does not have to fit in memory.
        ``stored_order``: in the order they were stored (``seq``) instead of time order, as a replay
        hands them on.
        """
        kind = getattr(kind, "value", kind)
        if kind not in self._SAMPLE_SQL:
            raise ValueError(f"unknown stream kind {kind!r}; expected one of {', '.join(STREAM_KINDS)}")
        query = self._SAMPLE_SQL[kind]
        if stored_order:  # rowid order is seq order: both follow the writer's commits
            query = query.rsplit(" ORDER BY ", 1)[0] + " ORDER BY rowid"
        with self._reading():
            cur = self._conn.execute(self._sql(query), (session_id,))
            try:
                while rows := cur.fetchmany(chunk):
                    for r in rows:
                        yield _decode(kind, r)
            finally:
                cur.close()

    def iter_events(self, session_id: int, *, chunk: int = 256, stored_order: bool = False) -> Iterator[dict[str, Any]]:
        """Events of a session in time order, fetched lazily: :meth:`events` plus ``seq``;
        ``stored_order``: in the order they were stored instead."""
        order = "rowid" if stored_order else "t_ns, rowid"
        query = self._sql(f"SELECT t_ns, kind, data_json, seq FROM events WHERE session_id=? ORDER BY {order}")
        with self._reading():
            cur = self._conn.execute(query, (session_id,))
            try:
                while rows := cur.fetchmany(chunk):
                    for t, k, d, seq in rows:
                        yield {"t_ns": t, "kind": k, "data": json.loads(d) if d else None, "seq": seq}
            finally:
                cur.close()

    def identity(self, session_id: int) -> dict[str, Any] | None:
        """Who recorded a session and its clock (None if there is no such session): ``uuid``,
        ``installation_id``, ``wall_anchor_ns`` (Unix time, UTC, ns, read at host monotonic time
        ``mono_anchor_ns``), ``anchor_error_ns`` (bound on the anchor's error), ``t0_ns`` and
        ``t_end_ns`` (host monotonic ns; ``t_end_ns`` None if it never finished). An older store
        read as it is has no identity yet: ``uuid`` and ``installation_id`` are None and the
        anchor is read from ``started_at`` (to the millisecond), as the version 4 upgrade sets it."""
        cols = "uuid, installation_id, wall_anchor_ns, mono_anchor_ns, anchor_error_ns"
        if not self._has_identity:
            cols = (
                "NULL, NULL, CAST(round((julianday(started_at) - 2440587.5) * 86400000.0) AS INTEGER) * 1000000, t0_ns, 1000000"
            )
        with self._reading():
            r = self._conn.execute(f"SELECT {cols}, t0_ns, t_end_ns FROM sessions WHERE id=?", (session_id,)).fetchone()
        if r is None:
            return None
        keys = ("uuid", "installation_id", "wall_anchor_ns", "mono_anchor_ns", "anchor_error_ns", "t0_ns", "t_end_ns")
        return dict(zip(keys, r, strict=True))

    def devices(self, session_id: int) -> list[dict[str, Any]]:
        """Devices seen in a session, one dict per (``source``, ``stream``): ``device_kind``,
        ``model``, ``firmware`` (None where not known), ``placement`` and ``rate_hz`` (IMU: nominal
        Hz), ``n`` (readings), ``first_ns`` / ``last_ns`` (host ns of the first and last reading)."""
        keys = ("source", "stream", "device_kind", "model", "firmware", "placement", "rate_hz", "n", "first_ns", "last_ns")
        with self._reading():
            rows = self._conn.execute(
                f"SELECT {', '.join(keys)} FROM devices WHERE session_id=? ORDER BY source, stream", (session_id,)
            ).fetchall()
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def gaps(self, session_id: int) -> list[dict[str, Any]]:
        """Stretches of a session without data, in time order (see :mod:`game.sessions.gaps`):
        ``seq``, ``kind`` (link, stale, data, store), ``stream`` (None for a whole device),
        ``source``, ``t_from_ns``, ``t_to_ns`` (None: still open at the end), ``detail``."""
        keys = ("seq", "kind", "stream", "source", "t_from_ns", "t_to_ns", "detail")
        with self._reading():
            rows = self._conn.execute(
                f"SELECT {', '.join(keys)} FROM gaps WHERE session_id=? ORDER BY t_from_ns, seq", (session_id,)
            ).fetchall()
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def session_ids(self, player: str | None = None) -> list[int]:
        """Ids of every session, or of one player's (by pseudonym), oldest first."""
        with self._reading():
            if player is None:
                return [i for (i,) in self._conn.execute("SELECT id FROM sessions ORDER BY id")]
            query = "SELECT s.id FROM sessions s JOIN players p ON p.id = s.player_id WHERE p.pseudonym=? ORDER BY s.id"
            return [i for (i,) in self._conn.execute(query, (player,))]

    def events(self, session_id: int) -> list[dict[str, Any]]:
        """Events of a session in time order: ``t_ns`` (host monotonic clock), ``kind``, ``data`` (dict or None)."""
        with self._reading():
            rows = self._conn.execute(
                "SELECT t_ns, kind, data_json FROM events WHERE session_id=? ORDER BY t_ns, rowid", (session_id,)
            ).fetchall()
        return [{"t_ns": t, "kind": k, "data": json.loads(d) if d else None} for t, k, d in rows]

    def list_players(self) -> list[dict[str, Any]]:
        """Players by pseudonym: ``player``, ``created_at`` (ISO-8601 UTC), ``sessions`` (count)."""
        with self._reading():
            rows = self._conn.execute(
                "SELECT p.pseudonym, p.created_at, count(s.id) FROM players p "
                "LEFT JOIN sessions s ON s.player_id = p.id GROUP BY p.id ORDER BY p.pseudonym"
            ).fetchall()
        return [{"player": name, "created_at": created, "sessions": n} for name, created, n in rows]

    def get_player(self, pseudonym: str) -> dict[str, Any] | None:
        """One player (None if there is none): ``player``, ``created_at`` (ISO-8601 UTC),
        ``sessions`` (ids, oldest first) and ``samples`` (readings per stream kind summed over
        those sessions, every kind in :data:`STREAM_KINDS`), e.g. to say what a deletion removes."""
        with self._reading():
            row = self._conn.execute("SELECT id, created_at FROM players WHERE pseudonym=?", (pseudonym,)).fetchone()
            if row is None:
                return None
            pid, created = row
            ids = [sid for (sid,) in self._conn.execute("SELECT id FROM sessions WHERE player_id=? ORDER BY id", (pid,))]
            totals = dict(
                self._conn.execute(
                    "SELECT c.kind, sum(c.n) FROM session_counts c JOIN sessions s ON s.id = c.session_id "
                    "WHERE s.player_id=? GROUP BY c.kind",
                    (pid,),
                ).fetchall()
            )
        return {
            "player": pseudonym,
            "created_at": created,
            "sessions": ids,
            "samples": {k: int(totals.get(k, 0)) for k in STREAM_KINDS},
        }

    # -- labelling -------------------------------------------------------------------------------
    def set_session_player(self, session_id: int, label: str) -> bool:
        """File one session under the player ``label`` (a pseudonym, made when new); return
        whether the session exists. For a station whose player is named only after the play (a
        kiosk's nickname): done before the session is finished, so a sync sends it so labelled."""
        if not label.strip():
            raise ValueError("a player label must not be empty")
        with self._reading(), self._transaction():
            if self._conn.execute("SELECT 1 FROM sessions WHERE id=?", (session_id,)).fetchone() is None:
                return False  # no player row made for a session that is not there
            self._conn.execute(
                "INSERT INTO players(pseudonym, created_at) VALUES (?, ?) ON CONFLICT(pseudonym) DO NOTHING",
                (label, utc_now_iso()),
            )
            cur = self._conn.execute(
                "UPDATE sessions SET player_id=(SELECT id FROM players WHERE pseudonym=?) WHERE id=?", (label, session_id)
            )
            return cur.rowcount > 0

    # -- deletion (schools: a player's data must be removable) -----------------------------------
    def delete_session(self, session_id: int) -> bool:
        """Delete one session with its samples and events; return whether it existed."""
        with self._reading(), self._transaction():
            deleted = self._conn.execute("DELETE FROM sessions WHERE id=?", (session_id,)).rowcount > 0
        self._purge_wal()
        return deleted

    def delete_player(self, pseudonym: str) -> int:
        """Delete a player with all their sessions, samples and events; return sessions removed
        (0 also when there is no such player).

        ``ON DELETE CASCADE`` removes the rows; ``secure_delete`` zeroes the freed pages and the
        WAL is checkpointed so the old content does not linger in the ``-wal`` file. A session of
        this player still being written by a running game stops being saved (its writer reports it).
        """
        with self._reading(), self._transaction():
            n = self._conn.execute(
                "SELECT count(*) FROM sessions s JOIN players p ON p.id=s.player_id WHERE p.pseudonym=?", (pseudonym,)
            ).fetchone()[0]
            self._conn.execute("DELETE FROM players WHERE pseudonym=?", (pseudonym,))
        self._purge_wal()
        return int(n)

    def _purge_wal(self) -> None:
        # secure_delete zeroes the freed pages, but until a checkpoint the zeroed pages live only
        # in the -wal file and the old ones are still in the main file: copy them back and empty
        # the log. A reader holding an old snapshot (a running game) makes this partial; SQLite
        # then finishes it at a later checkpoint, and wal_purged tells the caller.
        try:
            busy = self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
        except sqlite3.Error as exc:
            log.info("%s: WAL checkpoint after a deletion deferred: %s", self.path, exc)
            self.wal_purged = False
            return
        self.wal_purged = busy == 0
        if not self.wal_purged:
            log.info("%s: WAL checkpoint after a deletion deferred: the file is being read", self.path)

    def _transaction(self) -> _Tx:
        return _Tx(self._conn)


def _decode(kind: str, row: tuple[Any, ...]) -> dict[str, Any]:
    *r, seq = row
    return {**_decode_values(kind, tuple(r)), "seq": seq}


def _decode_values(kind: str, r: tuple[Any, ...]) -> dict[str, Any]:
    if kind == "hr":
        t, bpm, rr, contact, broadcast, source, energy_kj, t_dev = r
        return {
            "t_host_ns": t,
            "bpm": bpm,
            "rr_s": json.loads(rr),
            "contact": None if contact is None else bool(contact),
            "broadcast": bool(broadcast),
            "source": source,
            "energy_kj": energy_kj,
            "t_device_ns": t_dev,
        }
    if kind == "imu":
        t_first, rate, placement, source, acc, gyr, t_host, n, t_dev = r
        return {
            "t_first_ns": t_first,
            "rate_hz": rate,
            "placement": placement,
            "source": source,
            "acc_g": _f32(acc, 3),
            "gyr_dps": _f32(gyr, 3),
            "t_host_ns": t_host,
            "n": n,
            "t_device_ns": t_dev,
        }
    if kind == "fitness":
        t, source, *values = r
        return {"t_host_ns": t, "source": source, **dict(zip(FITNESS_FIELDS, values, strict=True))}
    t, t_inf, player, source, lm, world = r
    return {
        "t_host_ns": t,
        "t_infer_ns": t_inf,
        "player": player,
        "source": source,
        "landmarks": _f32(lm, 4),
        "world": _f32(world, 3),
    }


class _Tx:
    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn

    def __enter__(self) -> None:
        self.conn.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: object, *_: object) -> None:
        if not exc_type:
            self.conn.execute("COMMIT")
        elif self.conn.in_transaction:  # SQLite rolls back by itself after some errors (a full disk)
            self.conn.execute("ROLLBACK")
