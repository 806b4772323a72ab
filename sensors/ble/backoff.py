"""Reconnect delays: a pure function, apart from the link that uses it (bleak-retry-connector's split)."""

from __future__ import annotations

import random


def reconnect_delay_s(
    attempt: int,
    *,
    first_s: float = 0.25,
    factor: float = 2.0,
    cap_s: float = 10.0,
    jitter: float = 0.2,
    rng: random.Random | None = None,
) -> float:
    """Seconds to wait before reconnect ``attempt`` (1 = first retry after a drop).

    Exponential: ``first_s * factor**(attempt-1)``, capped at ``cap_s``, then spread by +-``jitter``
    (a share of the delay) so that 30 straps dropped by one glitch do not all retry at the same
    instant. ``attempt`` < 1 gives 0 (connect at once).
    """
    if attempt < 1:
        return 0.0
    base = min(cap_s, first_s * factor ** min(attempt - 1, 60))
    if jitter <= 0:
        return base
    r = (rng or random).uniform(-jitter, jitter)
    return max(0.0, base * (1.0 + r))
