"""Forwarding finished sessions to one shared PostgreSQL server, and leaderboards across sites.

- :mod:`.url`: where the server is (``--url``, ``LIIKE_DATABASE_URL``, a private config file),
  and naming it without its password.
- :mod:`.server_schema`: the server's tables, roles and row-level security, versioned migrations.
- :mod:`.outbox`: which finished sessions of the local store a server still lacks.
- :mod:`.erasure`: sessions deleted here that a server still holds, erased there before any
  session is sent (``liike.erase_sessions``).
- :mod:`.forward`: the sync itself (COPY into staging, ``INSERT ... ON CONFLICT DO NOTHING``).
- :mod:`.background`: forwarding from a thread while the game runs, never waiting on the network.
- :mod:`.leaderboard`: the day's and the season's best scores across sites.
- :mod:`.admin`: the server administrator's commands (``python -m game.sessions.sync.admin``).
"""

from __future__ import annotations

from game.sessions.sync.forward import ServerUnavailable, SyncError, SyncResult, sync_store
from game.sessions.sync.leaderboard import Entry, Leaderboard, fetch_leaderboard
from game.sessions.sync.url import ServerUrl, SyncConfigError, resolve_url

__all__ = [
    "Entry",
    "Leaderboard",
    "ServerUnavailable",
    "ServerUrl",
    "SyncConfigError",
    "SyncError",
    "SyncResult",
    "fetch_leaderboard",
    "resolve_url",
    "sync_store",
]
