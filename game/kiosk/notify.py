"""Readiness and watchdog messages to systemd, written by us (no new dependency).

The protocol (sd_notify(3)): the service manager puts the path of a datagram socket in
``NOTIFY_SOCKET``; a path starting with ``@`` is in the abstract namespace (the ``@`` stands for
a leading NUL byte). Each message is one datagram of newline-separated ``VARIABLE=value``
assignments: ``READY=1`` once start-up is done (``Type=notify``), ``WATCHDOG=1`` as a keep-alive,
``STATUS=...`` as free text for ``systemctl status``, ``STOPPING=1`` when shutting down.

The watchdog (sd_watchdog_enabled(3)): with ``WatchdogSec=`` set, systemd passes
``WATCHDOG_USEC`` (and ``WATCHDOG_PID``, the process meant); a service that sends no
``WATCHDOG=1`` within that time is killed (SIGABRT) and, with ``Restart=always``, started again.
The man page advises a keep-alive every half of the interval; :meth:`SystemdNotifier.tick` is
called once per frame from the game loop, so a hung loop stops the pings.

Without ``NOTIFY_SOCKET`` (not run by systemd) every call is a cheap no-op.
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Mapping

log = logging.getLogger("liike.kiosk")


class SystemdNotifier:
    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        env = os.environ if environ is None else environ
        self.address = env.get("NOTIFY_SOCKET") or None
        self.watchdog_s: float | None = None
        usec = env.get("WATCHDOG_USEC", "")
        pid = env.get("WATCHDOG_PID", "")
        if usec.isdigit() and int(usec) > 0 and (not pid or pid == str(os.getpid())):
            self.watchdog_s = int(usec) / 1e6
        self._last_ping_s: float | None = None
        self._sock: socket.socket | None = None
        self.sent = 0

    @property
    def enabled(self) -> bool:
        return self.address is not None

    def send(self, message: str) -> bool:
        """Send one datagram; False (and logged once) when it cannot be sent."""
        if self.address is None:
            return False
        target = "\0" + self.address[1:] if self.address.startswith("@") else self.address
        try:
            if self._sock is None:
                self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.sendto(message.encode(), target)
        except OSError as exc:
            log.warning("cannot notify systemd at %s: %s", self.address, exc)
            return False
        self.sent += 1
        return True

    def ready(self, status: str = "") -> None:
        self.send("READY=1" + (f"\nSTATUS={status}" if status else ""))

    def status(self, text: str) -> None:
        self.send(f"STATUS={text}")

    def stopping(self) -> None:
        self.send("STOPPING=1")

    def tick(self, now_s: float) -> None:
        """Called every frame (monotonic seconds): a keep-alive every half watchdog interval."""
        if self.watchdog_s is None or self.address is None:
            return
        if self._last_ping_s is None or now_s - self._last_ping_s >= self.watchdog_s / 2 or now_s < self._last_ping_s:
            self._last_ping_s = now_s
            self.send("WATCHDOG=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None
