"""Who recorded a session, and when in absolute time: the installation id and the clock anchor.

The installation id is a random UUID made once per station and kept in the file
``installation_id`` in the user configuration folder (``LIIKE_INSTALLATION_FILE`` names another
file). It is created readable and writable by its owner only (mode 0600): it identifies the
station to a shared server, so other users of the machine have no business reading it. A file
that other users can read is narrowed to its owner when read.

The clock anchor pairs one wall-clock reading (Unix time, UTC, ns) with the host monotonic
clock that stamps every sample (:mod:`sensors.clock`), so absolute times can be rebuilt for any
sample of the session: ``wall_anchor_ns + (t_ns - mono_anchor_ns)``.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import stat
import time
import uuid
from pathlib import Path

import platformdirs

from sensors.clock import ClockNs
from sensors.settings import installation_file_override

log = logging.getLogger("liike.sessions")

INSTALLATION_FILE_NAME = "installation_id"


class IdentityError(Exception):
    """The installation id file cannot be read or made. The message names the file and what to do."""


def installation_file() -> Path:
    """Where this station's installation id is kept (see the module docstring)."""
    override = installation_file_override()
    if override is not None:
        return override
    return Path(platformdirs.user_config_dir("liike", appauthor=False)) / INSTALLATION_FILE_NAME


def installation_id(path: Path | None = None) -> str:
    """This station's installation id (a UUID in canonical lower-case text), made on first use.

    Raises :class:`IdentityError` when the file cannot be created or read, or holds something
    other than a UUID (never replaced silently: a new id would make this station look like
    another one to a server that has seen it).
    """
    path = installation_file() if path is None else path
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    new = str(uuid.uuid4())
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two programs starting at once must not each write their own id.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)  # the other one won; use its id
    except OSError as exc:
        raise IdentityError(
            f"cannot create the installation id file {path}: {exc.strerror or exc}; make its folder writable "
            "or set LIIKE_INSTALLATION_FILE to a writable path"
        ) from None
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(new + "\n")
    log.info("this station's installation id is %s (kept in %s)", new, path)
    return new


def _read(path: Path) -> str:
    try:
        mode = path.stat().st_mode
        text = path.read_text(encoding="ascii", errors="replace").strip()
    except FileNotFoundError:
        raise
    except OSError as exc:
        raise IdentityError(
            f"cannot read the installation id file {path}: {exc.strerror or exc}; check its permissions"
        ) from None
    try:
        value = str(uuid.UUID(text))
    except ValueError:
        raise IdentityError(
            f"{path} does not hold an installation id (expected one UUID such as "
            "1b4e28ba-2fa1-41d2-883f-0016d3cca427); restore it from a backup, or delete it to give this "
            "station a new id (a shared server will then see a new station)"
        ) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        try:
            path.chmod(stat.S_IRUSR | stat.S_IWUSR)
        except OSError as exc:
            log.warning("%s can be read by other users and could not be narrowed to its owner: %s", path, exc)
    return value


@dataclasses.dataclass(frozen=True)
class ClockAnchor:
    """A wall-clock reading paired with the host monotonic clock.

    ``wall_ns``: Unix time (UTC) in ns, read at host monotonic time ``mono_ns``; ``error_ns``:
    a bound on how far apart the two readings can be (the real time the pair of reads took).
    """

    wall_ns: int
    mono_ns: int
    error_ns: int

    def wall_at(self, t_ns: int) -> int:
        """Unix time (UTC, ns) of host monotonic time ``t_ns``."""
        return self.wall_ns + (t_ns - self.mono_ns)


def read_anchor(clock: ClockNs, wall: ClockNs = time.time_ns) -> ClockAnchor:
    """Pair ``wall`` (Unix ns) with one reading of ``clock`` (monotonic ns), taken back to back.

    ``clock`` is read exactly once (it may be a replay's manual clock or a test's list of ticks);
    the error bound is timed on the real monotonic clock around both reads.
    """
    before = time.monotonic_ns()
    mono_ns = clock()
    wall_ns = wall()
    return ClockAnchor(wall_ns=wall_ns, mono_ns=mono_ns, error_ns=time.monotonic_ns() - before)
