"""Getting sessions out of the store: CSV, JSON Lines, TCX and FIT files, written as they are read.

Every format reads the store in chunks and writes as it goes (:mod:`game.sessions.exports.common`),
so a long session with a fast IMU exports in bounded memory. ``export_session`` writes one
session in one format and returns the paths written.
"""

from game.sessions.exports.common import FORMATS, ExportError, export_session

__all__ = ["FORMATS", "ExportError", "export_session"]
