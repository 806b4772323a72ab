"""``liike sensors``: scan, monitor and the allow-list, against the emulated room."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from game.engine.stop import StopRequested
from sensors.bus import SensorBus
from sensors.samples import DeviceStatus, FitnessSample, HeartRateSample, ImuBatch

DEMO_H10 = "E0:11:22:00:00:02"
DEMO_TREADMILL = "E0:11:22:00:00:04"


#: The commands below run until what a test checks has arrived, up to this many real seconds:
#: generous, so that a busy machine only makes them slower.
PATIENCE_S = 60.0


@pytest.fixture(autouse=True)
def _own_allowlist(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "sensors.yaml"
    monkeypatch.setenv("LIIKE_SENSORS_FILE", str(path))
    return path


def monitor_until(monkeypatch: pytest.MonkeyPatch, done: Callable[[list[Any]], bool]) -> None:
    """``liike sensors monitor`` (run with ``--seconds PATIENCE_S``) ends as on Ctrl-C once ``done``
    holds for everything it has taken off the bus so far, instead of after a fixed time."""
    drain = SensorBus.drain
    drained: list[Any] = []

    def drain_until_done(bus: SensorBus) -> list[Any]:
        if done(drained):
            raise StopRequested  # as a supervisor's SIGTERM: a requested stop, exit 0
        items = drain(bus)
        drained.extend(items)
        return items

    monkeypatch.setattr(SensorBus, "drain", drain_until_done)


def scan_until(monkeypatch: pytest.MonkeyPatch, done: Callable[[list[Any]], bool]) -> None:
    """``liike sensors scan`` scans again (each scan as long as asked) until ``done`` holds for one
    scan's results, up to PATIENCE_S; the command reports that scan."""
    import asyncio

    import sensors.ble.discovery as discovery

    scan = discovery.scan

    async def scan_until_done(seconds: float, **kwargs: Any) -> list[Any]:
        deadline = asyncio.get_running_loop().time() + PATIENCE_S
        while True:
            results = await scan(seconds, **kwargs)
            if done(results) or asyncio.get_running_loop().time() > deadline:
                return results

    monkeypatch.setattr(discovery, "scan", scan_until_done)


def _demo_sensors_found(results: list[Any]) -> bool:
    by_address = {r.address: r for r in results}
    return (
        DEMO_H10 in by_address
        and DEMO_TREADMILL in by_address
        and by_address[DEMO_H10].kind.value == "polar_pmd"
        and by_address[DEMO_TREADMILL].kind.value == "treadmill"
        and (by_address[DEMO_H10].broadcast_bpm or 0) > 0
    )


def test_scan_json_lists_the_emulated_sensors(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("bumble")
    scan_until(monkeypatch, _demo_sensors_found)
    assert main(["sensors", "scan", "--emulate", "--json", "--seconds", "0.5"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = {r["address"]: r["kind"] for r in rows}
    assert kinds[DEMO_H10] == "polar_pmd" and kinds[DEMO_TREADMILL] == "treadmill"
    assert all(r["allowed"] is False for r in rows)
    assert next(r for r in rows if r["address"] == DEMO_H10)["broadcast_bpm"] > 0


def test_monitor_json_prints_one_object_per_sample_and_status(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("bumble")
    monitor_until(
        monkeypatch,
        lambda items: all(
            any(isinstance(i, kind) for i in items) for kind in (DeviceStatus, HeartRateSample, ImuBatch, FitnessSample)
        ),
    )
    assert main(["sensors", "monitor", "--emulate", "--json", "--seconds", f"{PATIENCE_S:g}", DEMO_H10, DEMO_TREADMILL]) == 0
    captured = capsys.readouterr()
    rows = [json.loads(line) for line in captured.out.splitlines()]
    types = {r["type"] for r in rows}
    assert {"status", "hr", "imu", "fitness"} <= types
    imu = next(r for r in rows if r["type"] == "imu")
    assert imu["n"] == len(imu["acc_g"]) == 36 and imu["rate_hz"] == 200
    hr = next(r for r in rows if r["type"] == "hr")
    assert hr["address"] == DEMO_H10 and hr["rr_ms"] and hr["mode"] == "connect" and "label" in hr
    assert [r["t_s"] for r in rows if r["type"] == "hr"] == sorted(r["t_s"] for r in rows if r["type"] == "hr")
    assert "0 malformed" in captured.err and "MTU 247" in captured.err


def test_monitor_readable_lines(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("bumble")
    monitor_until(
        monkeypatch,
        lambda items: (
            any(isinstance(i, DeviceStatus) and i.state.value == "connected" for i in items)
            and any(isinstance(i, FitnessSample) and i.speed_mps is not None for i in items)
        ),
    )
    assert main(["sensors", "monitor", "--emulate", "--seconds", f"{PATIENCE_S:g}", DEMO_TREADMILL]) == 0
    out = capsys.readouterr().out
    assert "[connected]" in out and "km/h" in out


def test_monitor_broadcast_reads_without_connecting(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("bumble")
    monitor_until(monkeypatch, lambda items: any(isinstance(i, HeartRateSample) for i in items))
    assert main(["sensors", "monitor", "--emulate", "--broadcast", "--json", "--seconds", f"{PATIENCE_S:g}", DEMO_H10]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    hr = [r for r in rows if r["type"] == "hr"]
    assert hr and all(r["mode"] == "broadcast" for r in hr)


def test_allow_list_forget_and_bad_input(capsys: pytest.CaptureFixture[str], _own_allowlist: Path) -> None:
    assert main(["sensors", "allow", "a0:9e:1a:12:34:56", "--label", "Strap 7", "--broadcast"]) == 0
    assert main(["sensors", "allow", DEMO_H10, "--placement", "waist"]) == 0
    capsys.readouterr()
    assert main(["sensors", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed == [
        {"address": "A0:9E:1A:12:34:56", "label": "Strap 7", "placement": "chest", "mode": "broadcast", "adapter": None},
        {"address": DEMO_H10, "label": None, "placement": "waist", "mode": "connect", "adapter": None},
    ]
    assert main(["sensors", "allow", DEMO_H10, "--adapter", "hci1"]) == 0
    assert main(["sensors", "allow", DEMO_H10, "--adapter", "usb"]) == 2
    assert main(["sensors", "forget", "A0:9E:1A:12:34:56"]) == 0
    assert main(["sensors", "forget", "A0:9E:1A:12:34:56"]) == 2
    assert main(["sensors", "allow", "not-an-address"]) == 2
    assert main(["sensors", "allow", DEMO_H10, "--placement", "nose"]) == 2
    assert "is not a Bluetooth address" in capsys.readouterr().err
    _own_allowlist.write_text("sensors: [\n")
    assert main(["sensors", "list"]) == 2
    assert "not valid YAML" in capsys.readouterr().err


def test_scan_without_bluetooth_says_what_to_do(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import sensors.ble.discovery as discovery

    async def no_bluetooth(*args: object, **kwargs: object) -> list[object]:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(discovery, "scan", no_bluetooth)
    assert main(["sensors", "scan", "--seconds", "0.1"]) == 3
    lines = capsys.readouterr().err.splitlines()
    problems = [line for line in lines if line.startswith("liike:")]
    assert len(problems) == 1 and "Bluetooth is not available" in problems[0] and "keyboard" in problems[0]


@pytest.mark.slow
def test_monitor_ends_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    pytest.importorskip("bumble")
    import os
    import signal
    import subprocess
    import sys
    import time

    # faulthandler: a run that does not end is made to print every thread's stack (SIGABRT).
    env = {**os.environ, "LIIKE_SENSORS_FILE": str(tmp_path / "none.yaml"), "PYTHONFAULTHANDLER": "1"}
    import queue
    import threading

    lines: queue.Queue[str] = queue.Queue()
    seen: list[str] = []
    with subprocess.Popen(
        [sys.executable, "-m", "game.cli", "sensors", "monitor", "--emulate", "--json", DEMO_H10],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
        # Ctrl-C as in a terminal, however these tests were started: a shell starting them in the
        # background (`cmd &`) passes SIGINT on ignored, and Python then raises no KeyboardInterrupt.
        preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_DFL)) if os.name == "posix" else None,
    ) as proc:
        try:
            assert proc.stdout is not None and proc.stderr is not None
            stdout = proc.stdout

            def read_lines() -> None:
                for x in iter(stdout.readline, ""):
                    lines.put(x)

            reader = threading.Thread(target=read_lines, daemon=True)
            reader.start()
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                try:
                    line = lines.get(timeout=1.0)
                except queue.Empty:
                    continue
                seen.append(line)
                if '"type": "hr"' in line:
                    break
            else:
                pytest.fail("no heart rate before Ctrl-C")
            proc.send_signal(signal.SIGINT)
            try:
                # Generous: the stop is bounded at about 5 s, and a loaded machine only slows it.
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGABRT)
                _, stacks = proc.communicate(timeout=20)
                pytest.fail(f"still running 60 s after Ctrl-C; its threads:\n{stacks[-8000:]}")
            err = proc.stderr.read()
            reader.join(5)
            while not lines.empty():
                seen.append(lines.get())
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130  # interrupted (the exit-code table), after a clean stop
    assert "Traceback" not in err
    assert f"liike: {DEMO_H10}:" in err and "1 connection(s)" in err
    for line in seen:
        json.loads(line)  # every line printed is whole JSON, even the last before the stop


def test_scan_names_a_broken_allow_list_and_still_scans(
    capsys: pytest.CaptureFixture[str], _own_allowlist: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("bumble")
    scan_until(monkeypatch, lambda results: any(r.address == DEMO_H10 for r in results))
    _own_allowlist.write_text("sensors: [\n")
    assert main(["sensors", "scan", "--emulate", "--json", "--seconds", "0.3"]) == 0
    captured = capsys.readouterr()
    assert f"liike: ignoring the allow-list: {_own_allowlist}:" in captured.err
    assert any(json.loads(line)["address"] == DEMO_H10 for line in captured.out.splitlines())
