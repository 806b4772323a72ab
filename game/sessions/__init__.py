"""Session store: players (pseudonyms), sessions, raw sample streams and events in SQLite."""

from game.sessions.report import format_session_detail, format_sessions_table, to_jsonable
from game.sessions.schema import SCHEMA_VERSION, StoreError
from game.sessions.store import STREAM_KINDS, SessionStore, default_db_path
from game.sessions.writer import SessionWriter

__all__ = [
    "SCHEMA_VERSION",
    "STREAM_KINDS",
    "SessionStore",
    "SessionWriter",
    "StoreError",
    "default_db_path",
    "format_session_detail",
    "format_sessions_table",
    "to_jsonable",
]
