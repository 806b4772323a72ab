"""What every ``liike`` command shares: exit codes, the one-line error, argument types.

One exit-code table for every command (the README has it; ``tests/game/cli/test_exit_codes.py``
runs every subcommand against it):

- 0 (:data:`EXIT_OK`): did what was asked;
- 1 (:data:`EXIT_PARTIAL`): ran, but the result is missing or partial (no data from the
  monitored sensor, a session not stored in full, a deletion declined at the prompt);
- 2 (:data:`EXIT_BAD_INPUT`): bad input or usage (a broken level or allow-list, bad arguments,
  an unknown session), with one line on stderr naming what is wrong and what to do;
- 3 (:data:`EXIT_UNAVAILABLE`): a service or device is unavailable (Bluetooth off, no adapter,
  no display);
- 130 (:data:`EXIT_INTERRUPTED`): interrupted with Ctrl-C; what was recorded until then is kept
  and reported as usual. SIGTERM (a supervisor or ``timeout`` stopping the program) is a
  requested stop, like ``--seconds``, and does not change the code.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable

from game.engine.stop import StopRequested as Stop

EXIT_OK = 0
EXIT_PARTIAL = 1
EXIT_BAD_INPUT = 2
EXIT_UNAVAILABLE = 3
EXIT_INTERRUPTED = 130


def fail(message: str, code: int = EXIT_BAD_INPUT) -> int:
    """Print ``liike: MESSAGE`` on stderr and return ``code`` for the command to exit with."""
    print(f"liike: {message}", file=sys.stderr)
    return code


def raise_keyboard_interrupt(signum: int, frame: object) -> None:
    """SIGTERM handler: end like Ctrl-C, so sessions are closed with their summaries."""
    raise Stop


def window_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1280x720, got {text!r}") from None
    if not (320 <= w <= 7680 and 240 <= h <= 4320):
        raise argparse.ArgumentTypeError(f"window size {text} out of range: width 320-7680 and height 240-4320 pixels")
    return w, h


def rate_hz(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a sampling rate in Hz, got {text!r}") from None
    if not 0 < value <= 100_000:
        raise argparse.ArgumentTypeError(f"expected a sampling rate above 0 Hz (e.g. 100), got {text}")
    return value


def positive(unit: str) -> Callable[[str], float]:
    """An argument type for a positive number of ``unit`` ("seconds", "years", "bpm")."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number of {unit}, got {text!r}") from None
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(f"expected a positive number of {unit}, got {text}")
        return value

    parse.__name__ = unit  # argparse names the type in its messages
    return parse


positive_seconds = positive("seconds")


def emulation_missing(flag: str) -> str:
    """The message for a hidden emulation flag when bumble (a test extra) is not installed."""
    return (
        f"{flag} runs against an emulated Bluetooth room, which needs the test extras: "
        "pip install 'liike[test]' (or, in a source checkout, pip install -e '.[test]')"
    )
