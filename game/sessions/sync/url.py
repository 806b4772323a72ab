"""Where the shared server is, and how to name it without its password.

The server URL is a libpq connection string, usually a URL such as
``postgresql://hall_a@db.example.org/liike?sslmode=verify-full`` (PostgreSQL 15 manual,
section 34.1.1 "Connection Strings"). It is looked up in this order, the first found wins:

1. ``--url`` on the command line (visible to other users in the process list: prefer 2 or 3,
   or keep the password in ``~/.pgpass``, which libpq reads by itself);
2. the ``LIIKE_DATABASE_URL`` environment variable;
3. the file ``database_url`` in the user configuration folder (one line), which must be
   readable by its owner only (``chmod 600``); any other file is refused, since it may hold a
   password.

TLS: the URL's own ``sslmode`` (and ``sslrootcert``...) are passed to libpq unchanged, so
``sslmode=verify-full`` refuses a server whose certificate does not match, and ``require``
refuses a server without TLS. Without ``sslmode`` libpq's default ``prefer`` applies.

Nothing here ever puts a password in a message: :func:`server_label` names a server by host,
port, database and user only, and :func:`scrub` removes the password from any text (a driver's
error message) before it is shown or logged.
"""

from __future__ import annotations

import dataclasses
import os
import stat
from pathlib import Path

import platformdirs
import psycopg.conninfo

from sensors.settings import DATABASE_URL_ENV, database_url_override

#: The configuration file holding the server URL, in the user configuration folder.
URL_FILE_NAME = "database_url"


class SyncConfigError(Exception):
    """The server URL is missing, unreadable or malformed; the message says where and what to do."""


@dataclasses.dataclass(frozen=True)
class ServerUrl:
    """A server URL and where it came from (``--url``, the variable, or the file's path)."""

    url: str
    origin: str

    @property
    def label(self) -> str:
        """The server without credentials, e.g. ``hall_a@db.example.org:5432/liike``."""
        return server_label(self.url)

    def __repr__(self) -> str:  # never the password, even in a traceback or a debugger
        return f"ServerUrl({self.label!r}, origin={self.origin!r})"


def url_file() -> Path:
    """Where the server URL file is looked for (see the module docstring)."""
    return Path(platformdirs.user_config_dir("liike", appauthor=False)) / URL_FILE_NAME


def resolve_url(given: str | None, *, config_file: Path | None = None) -> ServerUrl | None:
    """The server URL from ``given`` (``--url``), else ``LIIKE_DATABASE_URL``, else the config
    file; None when none of them names one. Raises :class:`SyncConfigError` for a config file
    that other users could read, that cannot be read, or a URL libpq cannot parse."""
    if given is not None and given.strip():
        return _checked(given.strip(), "--url")
    env = database_url_override()
    if env is not None:
        return _checked(env, DATABASE_URL_ENV)
    path = url_file() if config_file is None else config_file
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise SyncConfigError(f"cannot read the server URL file {path}: {exc.strerror or exc}") from None
    if info.st_mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SyncConfigError(
            f"{path} can be read by other users ({stat.filemode(info.st_mode)}) and may hold a password, so it is "
            f"not used: run `chmod 600 {path}` (and change the password if others may have read it)"
        )
    if hasattr(os, "getuid") and info.st_uid != os.getuid():
        raise SyncConfigError(f"{path} belongs to another user (uid {info.st_uid}), so it is not used: make it yours (chown)")
    try:
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
    except (OSError, UnicodeDecodeError) as exc:
        raise SyncConfigError(f"cannot read the server URL file {path}: {exc}") from None
    found = [ln for ln in lines if ln and not ln.startswith("#")]
    if len(found) != 1:
        raise SyncConfigError(
            f"{path} should hold one server URL on one line (such as postgresql://hall_a@db.example.org/liike); "
            f"it holds {len(found)} non-comment lines"
        )
    return _checked(found[0], str(path))


def _checked(url: str, origin: str) -> ServerUrl:
    try:
        psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        # libpq's message may quote the string itself, password included: say only where it is.
        raise SyncConfigError(
            f"the server URL from {origin} cannot be read as a PostgreSQL connection string; "
            "write it as postgresql://USER@HOST:PORT/DATABASE?sslmode=verify-full"
        ) from None
    return ServerUrl(url, origin)


def server_label(url: str) -> str:
    """``user@host:port/dbname`` of a connection string, never its password (``?`` for parts it
    does not name; a URL that cannot be parsed is named ``(unreadable URL)``)."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "(unreadable URL)"
    user = f"{parts['user']}@" if parts.get("user") else ""
    host = str(parts.get("host") or parts.get("hostaddr") or "localhost")
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"{user}{host}{port}/{parts.get('dbname') or '?'}"


def server_key(url: str) -> str:
    """What identifies a server in the local outbox: ``host:port/dbname`` (no user, no password),
    so a changed password or role still finds the sessions already forwarded there."""
    try:
        parts = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "?"
    host = str(parts.get("host") or parts.get("hostaddr") or "localhost")
    return f"{host}:{parts.get('port') or 5432}/{parts.get('dbname') or parts.get('user') or '?'}"


def scrub(text: str, url: str) -> str:
    """``text`` with the URL's password (and the URL itself) replaced by ``***``."""
    try:
        password = psycopg.conninfo.conninfo_to_dict(url).get("password")
    except psycopg.ProgrammingError:
        password = None
    text = text.replace(url, server_label(url))
    if password:
        text = text.replace(str(password), "***")
    return text
