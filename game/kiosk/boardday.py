"""Which leaderboard day an instant belongs to, when the daily list resets at a local time.

A board day ``D`` runs from the reset on calendar day ``D`` (local) to the reset on ``D + 1``.
Daylight saving time makes a local time of day ambiguous once a year and impossible once a
year (PEP 495), so the reset instant of a day is found on the UTC time line, never by
subtracting hours from a wall time:

- a reset time that occurs twice (the autumn hour repeated) resets at its first occurrence
  (``fold=0``); the repeat does not reset again, nor does wall time stepping back undo it;
- a reset time that never occurs (the spring hour skipped) resets at the first instant after
  the gap, when the clocks jump past it.

Instants are UTC seconds since the epoch (``time.time()``); durations elsewhere come from the
monotonic clock. A wall clock that jumps (NTP, a wrong setting put right) only moves which day
a new entry is filed under; it never makes one negative.
"""

from __future__ import annotations

import datetime as dt


def reset_instant(day: dt.date, reset_at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant the board of ``day`` begins: ``reset_at`` local on ``day``, or, when that
    local time does not exist that day, the end of the gap it falls in."""
    first = dt.datetime.combine(day, reset_at, tzinfo=zone).replace(fold=0).astimezone(dt.UTC)
    if _local_wall(first, zone) == dt.datetime.combine(day, reset_at):
        return first  # exists (fold=0: its first occurrence when it is repeated)
    # In the spring gap: fold=0 reads the wall time with the offset before the jump, fold=1 with
    # the one after; the jump itself lies between them. Find it to the second by bisection.
    lo = dt.datetime.combine(day, reset_at, tzinfo=zone).replace(fold=1).astimezone(dt.UTC)
    hi = first
    if lo > hi:
        lo, hi = hi, lo
    target = dt.datetime.combine(day, reset_at)
    while (hi - lo) > dt.timedelta(seconds=1):
        mid = lo + (hi - lo) / 2
        if _local_wall(mid, zone) >= target:
            hi = mid
        else:
            lo = mid
    return hi.replace(microsecond=0) + (dt.timedelta(seconds=1) if hi.microsecond else dt.timedelta(0))


def _local_wall(instant: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    return instant.astimezone(zone).replace(tzinfo=None, fold=0)


def board_day(t_utc_s: float, reset_at: dt.time, zone: dt.tzinfo) -> dt.date:
    """The board day the instant ``t_utc_s`` (seconds since the epoch) belongs to."""
    instant = dt.datetime.fromtimestamp(t_utc_s, dt.UTC)
    day = instant.astimezone(zone).date()
    if instant >= reset_instant(day, reset_at, zone):
        return day
    return day - dt.timedelta(days=1)


def next_reset(t_utc_s: float, reset_at: dt.time, zone: dt.tzinfo) -> dt.datetime:
    """The UTC instant of the next reset after ``t_utc_s``."""
    day = board_day(t_utc_s, reset_at, zone)
    return reset_instant(day + dt.timedelta(days=1), reset_at, zone)
