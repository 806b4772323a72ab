"""The systemd watchdog contract without systemd: a datagram socket stands in for
``NOTIFY_SOCKET`` (sd_notify(3)) and records what arrives and when.

What is checked: READY=1 comes first and STOPPING=1 last; WATCHDOG=1 keep-alives come from the
game loop itself, no further apart than half the watchdog interval plus the longest frame
(sd_watchdog_enabled(3) advises a ping every half interval); a loop that hangs sends nothing
for as long as it hangs (systemd would kill and restart it); the unit's WatchdogSec is what the
kiosk is told through ``WATCHDOG_USEC``. What a real systemd does with these (the SIGABRT and
the restart) is not tested here; README's kiosk section says so.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.kiosk.app import KioskApp
from game.kiosk.config import KioskConfig
from game.kiosk.notify import SystemdNotifier
from game.kiosk.service import WATCHDOG_S, unit_text
from tests.game.kiosk.kiosk_runs import kiosk_run

#: The test's watchdog interval (s): short, so a run of a few seconds holds many intervals.
INTERVAL_S = 0.2


class Listener:
    """A NOTIFY_SOCKET: every datagram with its arrival time (monotonic s), on a thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(str(path))
        self.sock.settimeout(0.1)
        self.got: list[tuple[float, str]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                data = self.sock.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            self.got.append((time.monotonic(), data.decode()))

    def close(self) -> None:
        time.sleep(0.2)  # the last datagrams are in the socket's buffer already: let them be read
        self._stop.set()
        self._thread.join(2.0)
        self.sock.close()


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[Listener]:
    lst = Listener(tmp_path / "notify.sock")
    yield lst
    lst.close()


class RecordingNotifier(SystemdNotifier):
    """The kiosk's notifier, noting when each datagram was sent (monotonic s): the gaps are
    judged at the sender, free of the listener thread's own scheduling delays."""

    def __init__(self, listener: Listener) -> None:
        env = {
            "NOTIFY_SOCKET": str(listener.path),
            "WATCHDOG_USEC": str(round(INTERVAL_S * 1e6)),
            "WATCHDOG_PID": str(os.getpid()),
        }
        super().__init__(env)
        self.sent_at: list[tuple[float, str]] = []

    def send(self, message: str) -> bool:
        self.sent_at.append((time.monotonic(), message))
        return super().send(message)


@pytest.mark.slow
def test_the_loop_pings_at_half_the_interval_and_a_hung_loop_stops(tmp_path: Path, listener: Listener) -> None:
    frames: list[float] = []
    hang: list[float] = []

    def on_frame(app: KioskApp) -> None:
        now = time.monotonic()
        if frames and not hang and now - frames[0] > 1.0:
            hang.append(now)
            time.sleep(5 * INTERVAL_S)  # the loop hangs (a deadlock, a driver call that never returns)
            hang.append(time.monotonic())
        frames.append(time.monotonic())

    notifier = RecordingNotifier(listener)
    kiosk_run(tmp_path, 40.0, kcfg=KioskConfig(round_s=10), on_frame=on_frame, notifier=notifier)
    notifier.close()
    listener.close()
    messages = [m for _, m in listener.got]
    assert messages[0].startswith("READY=1") and messages[-1] == "STOPPING=1"
    assert messages == [m for _, m in notifier.sent_at]  # every datagram sent arrived, in order
    pings = [t for t, m in notifier.sent_at if m == "WATCHDOG=1"]
    assert len(pings) >= 5
    # While the loop hung, nothing came: the pings are the loop's own, not a helper thread's.
    assert not [t for t in pings if hang[0] < t < hang[1]]
    assert any(b - a >= 4 * INTERVAL_S for a, b in zip(pings, pings[1:], strict=False))  # systemd would act here
    # Outside the hang, pings are no further apart than half the interval plus the longest frame.
    longest_frame = max((b - a for a, b in zip(frames, frames[1:], strict=False) if not (a <= hang[0] < b)), default=0.0)
    for a, b in zip(pings, pings[1:], strict=False):
        if a <= hang[0] <= b:
            continue
        assert b - a <= INTERVAL_S / 2 + longest_frame + 0.01


def test_the_units_watchdog_is_what_the_kiosk_is_told() -> None:
    unit = unit_text(["liike", "kiosk"])
    assert f"WatchdogSec={WATCHDOG_S}" in unit and "Type=notify" in unit and "NotifyAccess=main" in unit
    # systemd passes WatchdogSec in microseconds as WATCHDOG_USEC (sd_watchdog_enabled(3)).
    n = SystemdNotifier({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": str(WATCHDOG_S * 1_000_000)})
    assert n.watchdog_s == WATCHDOG_S
    # WATCHDOG_PID names the process meant: another's watchdog is not this one's.
    other = SystemdNotifier({"NOTIFY_SOCKET": "/run/x", "WATCHDOG_USEC": "1000000", "WATCHDOG_PID": str(os.getpid() + 1)})
    assert other.watchdog_s is None


@pytest.mark.slow
def test_the_command_started_as_systemd_starts_it_says_ready_pings_and_stopping(tmp_path: Path, listener: Listener) -> None:
    env = dict(os.environ)
    env.update(
        NOTIFY_SOCKET=str(listener.path),
        WATCHDOG_USEC=str(round(INTERVAL_S * 1e6)),  # no WATCHDOG_PID: not known before the start
        SDL_VIDEODRIVER="dummy",
        SDL_AUDIODRIVER="dummy",
        LIIKE_INSTALLATION_FILE=str(tmp_path / "installation-id"),
    )
    env.pop("LIIKE_DATABASE_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "game.cli",
        "kiosk",
        "--headless",
        "--input",
        "sim",
        "--seconds",
        "3",
        "--db",
        str(tmp_path / "k.db"),
        "--log-dir",
        str(tmp_path),
    ]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120, cwd=Path(__file__).resolve().parents[3])
    assert done.returncode == 0, done.stderr[-2000:]
    listener.close()
    messages = [m for _, m in listener.got]
    assert messages and messages[0].startswith("READY=1") and messages[-1] == "STOPPING=1"
    assert "WATCHDOG=1" in messages[1:-1]
