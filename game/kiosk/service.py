"""The systemd user unit that keeps the kiosk running, and where it goes.

The unit (systemd.service(5)): ``Type=notify`` (the kiosk says READY=1 once its first frame is
drawn, :mod:`game.kiosk.notify`), ``WatchdogSec=`` (a loop that stops pinging is killed and
started again), ``Restart=always`` with a short ``RestartSec=`` (a crash is back in seconds),
except after staff quit it from the admin screen (exit status 0, ``RestartPreventExitStatus=``).
It belongs to the graphical session (``graphical-session.target``), which the desktop starts
after the kiosk user's automatic login.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import platformdirs

UNIT_NAME = "liike-kiosk.service"
WATCHDOG_S = 30
RESTART_S = 3


def default_unit_folder() -> Path:
    """``~/.config/systemd/user`` (the user's own units, systemd.unit(5) "User Unit Search Path")."""
    return Path(platformdirs.user_config_dir("systemd", appauthor=False)) / "user"


def unit_text(command: list[str], working_dir: Path | None = None) -> str:
    """The unit file for running ``command`` (the kiosk's full command line)."""
    exec_start = " ".join(shlex.quote(part) for part in command)
    lines = [
        "# Written by `liike kiosk install-service`; run it again to rewrite this file.",
        "[Unit]",
        "Description=Liike resort kiosk",
        "After=graphical-session.target",
        "PartOf=graphical-session.target",
        "StartLimitIntervalSec=0",
        "",
        "[Service]",
        "Type=notify",
        "NotifyAccess=main",
        f"ExecStart={exec_start}",
        "Restart=always",
        f"RestartSec={RESTART_S}",
        "# Staff quit from the admin screen (exit 0): stay stopped until started again.",
        "RestartPreventExitStatus=0",
        f"WatchdogSec={WATCHDOG_S}",
        "TimeoutStartSec=120",
        "Environment=PYTHONUNBUFFERED=1",
    ]
    if working_dir is not None:
        lines.append(f"WorkingDirectory={working_dir}")
    lines += ["", "[Install]", "WantedBy=graphical-session.target", ""]
    return "\n".join(lines)


def install_steps(unit_path: Path) -> list[str]:
    """What the operator does next, one command or step per line."""
    return [
        f"unit written: {unit_path}",
        "next steps:",
        "  systemctl --user daemon-reload",
        f"  systemctl --user enable --now {UNIT_NAME}",
        "  sudo loginctl enable-linger $USER      # the user's services run from boot, not only while logged in",
        "  set the desktop to log this user in automatically (GDM: AutomaticLoginEnable=true in /etc/gdm3/custom.conf)",
        "  and turn off screen blanking and the lock screen in the desktop's settings",
        f"check it with: systemctl --user status {UNIT_NAME}   and the log: journalctl --user -u {UNIT_NAME}",
    ]
