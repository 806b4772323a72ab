"""The same log message once, then a count (game/cli/logs.py)."""

from __future__ import annotations

import io
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.cli.logs import RepeatFilter, log_repeats_once

REPO = Path(__file__).resolve().parents[3]
REFUSED = "HCI_LE_CREATE_CONNECTION_COMMAND failed (CONNECTION_LIMIT_EXCEEDED_ERROR)"


class Clock:
    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t


@pytest.fixture
def logged() -> Iterator[tuple[logging.Logger, io.StringIO, RepeatFilter, Clock]]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("liike: %(message)s"))
    clock = Clock()
    repeats = RepeatFilter(every_s=60.0, clock=clock)
    handler.addFilter(repeats)
    logger = logging.getLogger("test.repeats")
    logger.propagate = False
    logger.addHandler(handler)
    try:
        yield logger, stream, repeats, clock
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def test_a_message_is_printed_once_then_counted(logged: tuple[logging.Logger, io.StringIO, RepeatFilter, Clock]) -> None:
    logger, stream, repeats, _ = logged
    for _ in range(119):
        logger.warning("%s", REFUSED)
    logger.warning("something else")
    assert stream.getvalue().splitlines() == [f"liike: {REFUSED}", "liike: something else"]
    repeats.report()
    assert stream.getvalue().splitlines()[-1] == f"liike: {REFUSED} (repeated 118 times)"
    repeats.report()  # told once
    assert len(stream.getvalue().splitlines()) == 3


def test_a_message_that_keeps_coming_is_told_again_with_its_count(
    logged: tuple[logging.Logger, io.StringIO, RepeatFilter, Clock],
) -> None:
    logger, stream, repeats, clock = logged
    for _ in range(10):
        logger.warning(REFUSED)
        clock.t += 7.0  # 10 copies over 70 s
    lines = stream.getvalue().splitlines()
    assert lines == [f"liike: {REFUSED}", f"liike: {REFUSED} (repeated 9 times)"]
    assert repeats.pending() == []


def test_levels_and_loggers_are_told_apart(logged: tuple[logging.Logger, io.StringIO, RepeatFilter, Clock]) -> None:
    logger, stream, _, _ = logged
    logger.warning("same words")
    logger.error("same words")
    logging.getLogger("test.repeats.child").warning("same words")
    assert len(stream.getvalue().splitlines()) == 3


def test_installing_twice_keeps_one_filter_per_handler(monkeypatch: pytest.MonkeyPatch) -> None:
    root = logging.getLogger()
    terminal = io.StringIO()
    monkeypatch.setattr(sys, "stderr", terminal)
    handler = logging.StreamHandler(terminal)  # as logging.basicConfig(stream=sys.stderr) makes it
    collector = logging.StreamHandler(io.StringIO())  # a capture or a file keeps every record
    root.addHandler(handler)
    root.addHandler(collector)
    try:
        first = log_repeats_once()
        second = log_repeats_once()
        assert first is second and handler.filters.count(first) == 1
        assert first not in collector.filters
    finally:
        root.removeHandler(handler)
        root.removeHandler(collector)


def test_the_count_is_told_at_exit_for_every_logger() -> None:
    program = f"""
import logging, sys
logging.basicConfig(level=logging.WARNING, format="liike: %(message)s", stream=sys.stderr)
from game.cli.logs import log_repeats_once
log_repeats_once()
for _ in range(119):
    logging.getLogger("bumble.host").warning({REFUSED!r})
logging.getLogger("liike.class").warning("Strap 8: The Bluetooth adapter holds no more connections")
"""
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines() == [
        f"liike: {REFUSED}",
        "liike: Strap 8: The Bluetooth adapter holds no more connections",
        f"liike: {REFUSED} (repeated 118 times)",
    ]
