"""The kiosk's log file: every record, in the user log folder, rotated by size.

A kiosk runs for months: the log must not fill the disk, and it is where a traceback goes (the
screen never shows one). :class:`logging.handlers.RotatingFileHandler` keeps :data:`BACKUPS`
older files of at most :data:`MAX_BYTES` each.
"""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

import platformdirs

MAX_BYTES = 2 * 1024 * 1024
BACKUPS = 5
LOG_NAME = "kiosk.log"


def default_log_folder() -> Path:
    return Path(platformdirs.user_log_dir("liike", appauthor=False))


def open_log(folder: Path | None = None, level: int = logging.INFO) -> tuple[logging.Handler | None, Path | None]:
    """Add a rotating file handler to the root logger; (None, None) when the folder is unusable
    (the kiosk then logs to stderr only, which the service manager keeps)."""
    folder = folder if folder is not None else default_log_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            folder / LOG_NAME, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True
        )
    except OSError as exc:
        logging.getLogger("liike.kiosk").warning("no log file in %s: %s", folder, exc)
        return None, None
    handler.setLevel(level)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    before = root.getEffectiveLevel()
    _restore.clear()
    if before > level:
        # The file takes more than the terminal did: the terminal's handlers keep their level.
        _restore.append((root, root.level))
        for existing in root.handlers:
            if existing.level == logging.NOTSET:
                _restore.append((existing, existing.level))
                existing.setLevel(before)
        root.setLevel(level)
    root.addHandler(handler)
    return handler, folder / LOG_NAME


#: Levels changed by :func:`open_log`, put back by :func:`close_log`.
_restore: list[tuple[logging.Logger | logging.Handler, int]] = []


def close_log(handler: logging.Handler | None) -> None:
    if handler is not None:
        logging.getLogger().removeHandler(handler)
        handler.close()
    while _restore:
        thing, level = _restore.pop()
        thing.setLevel(level)
