"""Test-wide set-up: no window, no sound device, no banner, no wall-clock limits on Hypothesis
examples; and a summary of what did not run."""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from typing import Any

os.environ["SDL_VIDEODRIVER"] = "dummy"
os.environ["SDL_AUDIODRIVER"] = "dummy"
os.environ["PYGAME_HIDE_SUPPORT_PROMPT"] = "1"

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # only the property-based tests need it
    pass
else:
    # No wall-clock limits: a busy machine makes examples slower, not wrong. (Hypothesis would
    # otherwise fail an example that takes over 200 ms, or inputs that are slow to generate.)
    settings.register_profile("liike", deadline=None, suppress_health_check=[HealthCheck.too_slow])
    settings.load_profile("liike")

#: The group of every skipped ``data`` test whose recording or picture could not be fetched.
DATA_OFFLINE = "data not available offline"


def skip_group(reason: str, data: bool) -> tuple[str, str | None]:
    """The group a skip with ``reason`` is counted in, and the detail it adds to the group
    (what was missing), if any. ``data``: the test is marked ``data``."""
    reason = reason.removeprefix("Skipped: ").strip()
    if data and " not available" in reason:
        return DATA_OFFLINE, reason.split(" not available", 1)[0].strip()
    missing = re.match(r"could not import '([^']+)'", reason)
    if missing:
        return f"{missing.group(1)} not installed", None
    return reason.splitlines()[0] if reason else "no reason given", None


def pytest_terminal_summary(terminalreporter: Any) -> None:
    """One line per reason for skipping: how many tests it skipped (a module skipped as a whole
    counts once) and, for missing data, which data."""
    counts: Counter[str] = Counter()
    details: defaultdict[str, dict[str, None]] = defaultdict(dict)  # insertion-ordered set
    for report in terminalreporter.stats.get("skipped", []):
        if not isinstance(report.longrepr, tuple):
            continue
        group, detail = skip_group(str(report.longrepr[2]), "data" in getattr(report, "keywords", {}))
        counts[group] += 1
        if detail:
            details[group][detail] = None
    total = sum(counts.values())
    terminalreporter.ensure_newline()
    terminalreporter.section(f"skipped: {total}" + (", by reason" if total else ""), sep="-")
    for group, n in counts.most_common():
        what = f" ({', '.join(details[group])})" if details[group] else ""
        terminalreporter.write_line(f"{group}: {n}{what}")
