"""Forwarding finished sessions from a background thread while the game runs.

The game never waits on the network: the thread connects, forwards and sleeps on its own, and
:meth:`BackgroundSync.stop` waits at most the time it is given (the thread is a daemon, so a
server that hangs cannot keep the program alive). A session that ends while the server is down
stays in the outbox and goes at the next pass, the next run, or ``liike sessions sync``.

The thread runs at a lower CPU priority (nice +10, Linux), so on a small machine the game's
frames come first. Nothing is printed: the game's stdout carries its JSON result. Passes are logged on the
``liike.sync`` logger, an outage once when it starts and once when it ends, never with a password.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from pathlib import Path

from game.sessions.sync.forward import CONNECT_TIMEOUT_S, ServerUnavailable, SyncError, SyncResult, sync_store
from game.sessions.sync.url import ServerUrl, SyncConfigError, resolve_url

log = logging.getLogger("liike.sync")

#: Seconds between passes when nothing kicks the thread: sessions that end during a long run
#: (a kiosk's day) reach the server within this time.
PERIOD_S = 60.0
#: Seconds :meth:`BackgroundSync.stop` waits by default for the last pass when the game ends.
STOP_WAIT_S = 3.0


class BackgroundSync:
    """A daemon thread forwarding the store's finished sessions to ``server`` (a URL, or a
    :class:`ServerUrl` from :func:`resolve_url`).

    ``start()`` runs a first pass at once (sessions left from offline runs), then one every
    ``period_s`` seconds or at each ``kick()`` (a session just ended); ``stop(timeout)`` asks for
    one last pass when ``flush`` and waits up to ``timeout`` seconds for the thread. ``last`` is
    the newest pass's result, ``error`` the newest failure's message (None after a good pass).
    """

    def __init__(
        self,
        db_path: Path | str,
        server: ServerUrl | str,
        *,
        period_s: float = PERIOD_S,
        connect_timeout_s: float = CONNECT_TIMEOUT_S,
    ) -> None:
        self.db_path = Path(db_path)
        self.server = server if isinstance(server, ServerUrl) else ServerUrl(server, "the caller")
        self.period_s = period_s
        self.connect_timeout_s = connect_timeout_s
        self.last: SyncResult | None = None
        self.error: str | None = None
        self.passes = 0
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._flush = True
        self._thread: threading.Thread | None = None

    def start(self) -> BackgroundSync:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="liike-sync", daemon=True)
            self._thread.start()
        return self

    def kick(self) -> None:
        """Forward soon (a session has just finished); returns at once."""
        self._wake.set()

    def stop(self, timeout: float = STOP_WAIT_S, *, flush: bool = True) -> bool:
        """Stop the thread, after one more pass begun now if ``flush`` (a session that has just
        ended goes with it); wait at most ``timeout`` seconds. Return whether the thread has
        finished (if not, it ends with the program; nothing is lost either way)."""
        if self._thread is None:
            return True
        self._flush = flush
        self._stopping.set()
        self._wake.set()
        self._thread.join(max(0.0, timeout))
        return not self._thread.is_alive()

    def _run(self) -> None:
        _lower_priority()
        while True:
            stop_seen = self._stopping.is_set()
            if stop_seen and not self._flush:
                return
            self._pass()
            if stop_seen:
                return
            self._wake.wait(self.period_s)
            self._wake.clear()

    def _pass(self) -> None:
        try:
            result = sync_store(self.db_path, self.server, connect_timeout_s=self.connect_timeout_s)
        except (ServerUnavailable, SyncError) as exc:
            if self.error != str(exc):
                log.warning("sync: %s; finished sessions wait in the outbox", exc)
            self.error = str(exc)
            return
        except Exception as exc:  # the game goes on whatever happens here
            log.exception("sync: pass failed")
            self.error = f"{type(exc).__name__}: {exc}"
            return
        finally:
            self.passes += 1
        if self.error is not None:
            log.info("sync: %s reachable again", self.server.label)
        self.error = None
        self.last = result
        if result.sessions:
            log.info(
                "sync: %d sessions (%d rows) forwarded to %s, %d pending",
                result.sessions,
                result.rows,
                result.server,
                result.pending,
            )


#: Niceness added to the forwarding thread, so the game's frames get the CPU first.
NICE = 10


def _lower_priority() -> None:
    # On Linux each thread has its own nice value (sched(7), "The nice value"), so this lowers
    # only the forwarding thread; elsewhere it would lower the whole program and is not done.
    if not sys.platform.startswith("linux"):
        return
    try:
        os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), os.getpriority(os.PRIO_PROCESS, 0) + NICE)
    except OSError as exc:
        log.debug("sync: cannot lower the forwarding thread's priority: %s", exc)


def start_if_configured(db_path: Path | str, url: str | None = None) -> BackgroundSync | None:
    """A started :class:`BackgroundSync` when a server URL is configured (``url``, the variable or
    the config file, see :mod:`game.sessions.sync.url`), else None. A configuration that cannot
    be used is logged and the game plays on without forwarding."""
    try:
        server = resolve_url(url)
    except SyncConfigError as exc:
        log.warning("sync: %s; sessions are kept locally only", exc)
        return None
    if server is None:
        return None
    return BackgroundSync(db_path, server).start()
