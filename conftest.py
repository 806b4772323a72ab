"""Test-wide set-up: no window, no sound device, no banner, no wall-clock limits on Hypothesis
examples; the order of tests in parallel runs (pytest-xdist, ``-n auto``); and a summary of
what did not run."""

from __future__ import annotations

import os
import re
from collections import Counter, defaultdict
from typing import Any

import pytest

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


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """In a parallel run (pytest-xdist: ``-n auto`` with the configured ``--dist loadfile``, each
    test file in one worker, so a module-scoped fixture is built once) the files holding a
    ``slow`` test come first: the long tests start while the short ones fill the gaps, instead
    of ending the run on one worker while the other waits."""
    if not hasattr(config, "workerinput"):  # only an xdist worker collects for a parallel run
        return  # a serial run keeps the files' order
    slow_files = {item.nodeid.split("::", 1)[0] for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.nodeid.split("::", 1)[0] not in slow_files)  # stable: files stay whole


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
