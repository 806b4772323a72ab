"""The same log message once, then a count: no screen of 119 identical lines on stderr.

A library that retries (bumble's host reporting each refused LE connection, bleak, a session
writer whose file is locked) can log one condition many times a second. :func:`log_repeats_once`
puts a :class:`RepeatFilter` on the handlers of the root logger, so it sees the records of every
logger that reaches them. A message (the same logger, level and text) is printed the first time;
later copies are counted, not printed, and the count is told as ``MESSAGE (repeated N times)``:

- at most every ``every_s`` seconds while the copies keep coming (only when one arrives: no
  timer thread), so a long lesson still shows that the condition goes on;
- and at exit, for the copies not yet told (:meth:`RepeatFilter.report`, run by ``atexit``).

Advice worth acting on (the adapter holds no more connections, ...) is logged by the code that
knows it once per condition (for example :class:`game.classroom.board.ClassBoard`); this filter
keeps the noise around it down.
"""

from __future__ import annotations

import atexit
import logging
import sys
import threading
import time
from collections.abc import Callable

#: Seconds between two reports of a message that keeps repeating.
EVERY_S = 60.0


class RepeatFilter(logging.Filter):
    """Lets a message through once, counts its repeats, and lets it through again with the count
    at most every ``every_s`` seconds (``clock``: monotonic seconds, replaceable in tests)."""

    def __init__(self, every_s: float = EVERY_S, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__()
        self.every_s = every_s
        self.clock = clock
        self._lock = threading.Lock()
        # key -> [repeats not yet told, time it was last printed]
        self._seen: dict[tuple[str, int, str], list[float]] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "liike_repeat_report", False):
            return True
        try:
            text = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format is logging's to report, not ours
            return True
        key = (record.name, record.levelno, text)
        now = self.clock()
        with self._lock:
            seen = self._seen.get(key)
            if seen is None:
                self._seen[key] = [0, now]
                return True
            seen[0] += 1
            if now - seen[1] < self.every_s:
                return False
            repeats, seen[0], seen[1] = int(seen[0]), 0, now
        # Said again, with how often it came since it was last printed (this copy included).
        record.msg, record.args = f"{text} (repeated {repeats} times)", None
        return True

    def pending(self) -> list[tuple[str, int, str, int]]:
        """Messages with repeats not yet told: (logger, level, text, repeats)."""
        with self._lock:
            return [(name, level, text, int(seen[0])) for (name, level, text), seen in self._seen.items() if seen[0]]

    def report(self) -> None:
        """Log ``MESSAGE (repeated N times)`` for every message with repeats not yet told, through
        the logger that logged it, and start counting afresh."""
        for name, level, text, repeats in self.pending():
            logging.getLogger(name).log(level, "%s (repeated %d times)", text, repeats, extra={"liike_repeat_report": True})
        self.clear()

    def clear(self) -> None:
        """Forget every message seen (their repeats untold)."""
        with self._lock:
            self._seen.clear()


_installed: RepeatFilter | None = None


def log_repeats_once(every_s: float = EVERY_S) -> RepeatFilter:
    """Print each log message once and then how often it repeated (see the module docstring),
    for every logger: the filter goes on each handler of the root logger (call it after
    ``logging.basicConfig``), and its report runs at exit. Idempotent: a second call (``main()``
    run again in one process, as the tests do) returns the filter already installed, on any
    root handler added since as well."""
    global _installed
    if _installed is None:
        _installed = RepeatFilter(every_s)
        atexit.register(_installed.report)
    else:  # a new run in the same process counts afresh
        _installed.every_s = every_s
        _installed.clear()
    for handler in logging.getLogger().handlers:
        # Only the handlers that print on the terminal: a handler that collects records (a
        # test's log capture, a file) keeps every one of them.
        if getattr(handler, "stream", None) in (sys.stderr, sys.__stderr__) and _installed not in handler.filters:
            handler.addFilter(_installed)
    return _installed
