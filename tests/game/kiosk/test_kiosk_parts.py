"""The kiosk's pure parts: who is in view, lean steps, frame-time histograms, the camera watch,
and the systemd notifications over a real datagram socket."""

from __future__ import annotations

import logging.handlers
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from game.kiosk.advice import FEET, HEAD, advice_key
from game.kiosk.frametimes import FrameTimes
from game.kiosk.logfile import BACKUPS, MAX_BYTES, close_log, open_log
from game.kiosk.notify import SystemdNotifier
from game.kiosk.presence import ARMS_DIP_S, LEAN_REPEAT_S, WALKUP_HOLD_S, LeanSteps, Presence
from game.kiosk.runtime import CAMERA_RESTART_AFTER_S, CameraWatch, Kiosk
from sensors.samples import DeviceState, DeviceStatus

DT = 1 / 60


def steps(presence: Presence, seconds: float, in_view: bool, arms: bool) -> None:
    for _ in range(round(seconds / DT)):
        presence.update(DT, in_view, arms)


def test_arms_held_up_for_a_second_is_a_walk_up_and_a_short_dip_does_not_restart_it() -> None:
    p = Presence()
    steps(p, 0.6, True, True)
    assert not p.walked_up
    steps(p, ARMS_DIP_S * 0.5, True, False)  # a wave dips the arms briefly
    steps(p, 0.45, True, True)
    assert p.walked_up and p.arms_up_s >= WALKUP_HOLD_S
    p.reset_gesture()
    steps(p, 0.6, True, True)
    steps(p, ARMS_DIP_S + 0.05, True, False)
    assert p.arms_up_s == 0.0


def test_nobody_time_counts_while_no_one_is_in_view_and_a_key_counts_as_someone() -> None:
    p = Presence()
    steps(p, 3.0, False, False)
    assert p.nobody_s == pytest.approx(3.0, abs=0.05)
    p.seen()
    assert p.nobody_s == 0.0
    steps(p, 1.0, False, True)  # arms "up" without anyone in view means nothing
    assert p.arms_up_s == 0.0
    steps(p, 0.1, True, False)
    assert p.nobody_s == 0.0 and p.in_view


def test_a_held_lean_steps_once_then_repeats_slowly_and_a_wobble_does_not_step() -> None:
    s = LeanSteps()
    got = [s.update(DT, 0.8) for _ in range(round(LEAN_REPEAT_S / DT) + 2)]
    assert got[0] == 1 and sum(got) == 2  # one at once, one after the repeat time
    assert s.update(DT, 0.3) == 0 and s.update(DT, 0.8) == 0  # not back under the release
    assert s.update(DT, 0.1) == 0 and s.update(DT, -0.6) == -1
    wobble = [s.update(DT, 0.35 * np.sin(k / 3)) for k in range(300)]
    assert not any(wobble)


def test_frame_times_keep_constant_memory_and_read_percentiles() -> None:
    ft = FrameTimes()
    size = ft.counts.nbytes
    for i in range(100_000):
        ft.add(2.0 + (i % 100) * 0.1)  # 2.0 .. 11.9 ms evenly
    ft.add(400.0)
    assert ft.counts.nbytes == size and ft.n == 100_001
    assert ft.percentile(50) == pytest.approx(7.0, abs=0.1)
    assert ft.percentile(99) == pytest.approx(11.9, abs=0.1)
    assert ft.percentile(100) == 250.0 and ft.max_ms == 400.0 and ft.over_16_7 == 1
    assert FrameTimes().percentile(99) == 0.0


def status(state: DeviceState) -> dict[str, DeviceStatus]:
    return {"cam": DeviceStatus(0, "cam", "camera", state, "unplugged" if state is not DeviceState.STREAMING else "")}


def test_the_camera_watch_restarts_a_camera_that_stays_lost_with_growing_waits() -> None:
    restarts: list[float] = []
    t = [0.0]
    watch = CameraWatch(lambda: restarts.append(t[0]))
    watch.update(0.1, status(DeviceState.STREAMING))
    assert not watch.lost
    for _ in range(round(200 / 0.1)):
        t[0] += 0.1
        watch.update(0.1, status(DeviceState.ERROR))
    assert watch.lost and watch.message == "unplugged"
    assert restarts[0] == pytest.approx(CAMERA_RESTART_AFTER_S, abs=0.2)
    gaps = np.diff(restarts)
    assert len(restarts) >= 3 and all(b >= a for a, b in zip(gaps, gaps[1:], strict=False))
    watch.update(0.1, status(DeviceState.STREAMING))
    assert not watch.lost and watch.recoveries == 1 and watch.restart_attempts == len(restarts)


def test_no_camera_device_is_not_a_lost_camera() -> None:
    watch = CameraWatch()
    watch.update(1.0, {"kbd": DeviceStatus(0, "kbd", "keyboard", DeviceState.DISCONNECTED)})
    assert not watch.lost


@pytest.fixture
def listener(tmp_path: Path) -> Iterator[socket.socket]:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(tmp_path / "notify.sock"))
    sock.settimeout(2.0)
    with sock:
        yield sock


def test_ready_watchdog_and_stopping_reach_the_notify_socket(tmp_path: Path, listener: socket.socket) -> None:
    env = {"NOTIFY_SOCKET": str(tmp_path / "notify.sock"), "WATCHDOG_USEC": "2000000", "WATCHDOG_PID": str(os.getpid())}
    n = SystemdNotifier(env)
    assert n.enabled and n.watchdog_s == 2.0
    n.ready("attract screen up")
    assert listener.recv(256) == b"READY=1\nSTATUS=attract screen up"
    n.tick(10.0)
    n.tick(10.5)  # within half the interval: no second ping
    n.tick(11.0)
    assert listener.recv(64) == b"WATCHDOG=1" and listener.recv(64) == b"WATCHDOG=1"
    n.stopping()
    assert listener.recv(64) == b"STOPPING=1"
    assert n.sent == 4
    n.close()


def test_an_abstract_socket_address_is_used_as_such() -> None:
    name = f"liike-test-{os.getpid()}"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(2.0)
    n = SystemdNotifier({"NOTIFY_SOCKET": "@" + name})
    n.ready()
    assert sock.recv(64) == b"READY=1"
    sock.close()
    n.close()


def test_without_systemd_nothing_is_sent_and_a_watchdog_meant_for_another_process_is_ignored() -> None:
    assert not SystemdNotifier({}).enabled
    n = SystemdNotifier({"NOTIFY_SOCKET": "/nonexistent/sock", "WATCHDOG_USEC": "1000", "WATCHDOG_PID": "1"})
    assert n.watchdog_s is None
    assert not n.send("READY=1")  # an unreachable socket is logged, never raised
    n.close()


def standing(height: float = 0.6, vis: float = 0.9) -> np.ndarray:
    """33 landmarks of someone standing: y from the head (top) to the feet (bottom)."""
    lm = np.zeros((33, 4))
    lm[:, 0] = 0.5
    lm[:, 1] = np.linspace(0.2, 0.2 + height, 33)
    lm[:, 3] = vis
    return lm


def test_advice_names_what_to_fix_lighting_then_feet_head_and_distance() -> None:
    assert advice_key(standing()) is None
    assert advice_key(standing(vis=0.2)) == "advice.too_dark"
    lm = standing()
    lm[list(FEET), 3] = 0.1
    assert advice_key(lm) == "advice.no_feet"
    lm = standing()
    lm[list(HEAD), 3] = 0.1
    assert advice_key(lm) == "advice.no_head"
    assert advice_key(standing(height=0.98)) == "advice.step_back"
    assert advice_key(standing(height=0.2)) == "advice.come_closer"


def test_the_log_file_rotates_by_size(tmp_path: Path) -> None:
    handler, path = open_log(tmp_path)
    try:
        assert isinstance(handler, logging.handlers.RotatingFileHandler) and path == tmp_path / "kiosk.log"
        assert handler.maxBytes == MAX_BYTES and handler.backupCount == BACKUPS
        handler.maxBytes = 2000  # small, to see it roll over here
        for i in range(200):
            logging.getLogger("liike.kiosk").warning("line %d of the kiosk log, long enough to fill it", i)
        files = sorted(p.name for p in tmp_path.iterdir())
        assert files[:2] == ["kiosk.log", "kiosk.log.1"] and len(files) <= BACKUPS + 1
        assert all(p.stat().st_size <= 2100 for p in tmp_path.iterdir())
    finally:
        close_log(handler)


def test_quiet_hours_follow_the_kiosk_s_own_time_zone() -> None:
    import datetime as dt

    from game.kiosk.config import KioskConfig, QuietHours
    from game.kiosk.leaderboard import Leaderboard

    t = [dt.datetime(2026, 12, 1, 20, 30, tzinfo=dt.UTC).timestamp()]  # 22:30 in Helsinki
    cfg = KioskConfig(timezone="Europe/Helsinki", quiet_hours=QuietHours(dt.time(22), dt.time(7)))
    kiosk = Kiosk(cfg, [], Leaderboard(Path("/nonexistent/b.sqlite"), dt.time(5), cfg.zone()), wall=lambda: t[0])
    assert kiosk.quiet_now()
    t[0] += 9 * 3600  # 07:30
    assert not kiosk.quiet_now()
    assert not Kiosk(KioskConfig(), [], kiosk.board).quiet_now()


def test_closing_the_log_puts_the_levels_back(tmp_path: Path) -> None:
    root = logging.getLogger()
    before = root.level
    root.setLevel(logging.WARNING)
    try:
        handler, _ = open_log(tmp_path)
        assert root.level == logging.INFO
        close_log(handler)
        assert root.level == logging.WARNING
    finally:
        root.setLevel(before)


def test_the_attract_demo_figure_moves_and_starts_afresh_so_it_never_grows_for_long() -> None:
    from game.kiosk.scenes import DemoFigure

    fig = DemoFigure()
    first = fig.player
    for _ in range(90):
        fig.update(1 / 30)
    assert fig.landmarks is not None and fig.landmarks.shape == (33, 4)
    fig.update(DemoFigure.DEMO_RESTART_S)
    assert fig.player is not first
    fig.update(1 / 30)
    assert fig.landmarks is not None
