"""Every subcommand against the one exit-code table (game/cli/common.py, README), and the JSON
field names the commands share for the same things."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from game.cli.common import EXIT_BAD_INPUT, EXIT_OK, EXIT_PARTIAL, EXIT_UNAVAILABLE

DEMO_STRAP = "E0:11:22:00:00:01"  # a heart-rate strap that does not broadcast
ABSENT = "E0:11:22:00:00:99"

SUBCOMMANDS = [
    ["play"],
    ["levels"],
    ["levels", "list"],
    ["levels", "schema"],
    ["pose"],
    ["models"],
    ["class"],
    ["sensors"],
    ["sensors", "scan"],
    ["sensors", "monitor"],
    ["sensors", "allow"],
    ["sensors", "forget"],
    ["sensors", "list"],
    ["analyze"],
    ["analyze", "imu"],
    ["analyze", "video"],
    ["analyze", "rr"],
    ["analyze", "session"],
    ["sessions"],
    ["sessions", "list"],
    ["sessions", "show"],
    ["sessions", "delete"],
    ["replay"],
]


@pytest.mark.parametrize("argv", SUBCOMMANDS, ids=" ".join)
def test_every_subcommand_has_help(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    assert main([*argv, "--help"]) == EXIT_OK
    assert capsys.readouterr().out.startswith("usage: liike")


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    monkeypatch.setenv("LIIKE_SENSORS_FILE", str(tmp_path / "default-sensors.yaml"))
    broken = tmp_path / "broken.yaml"
    broken.write_text("sensors: [\n")
    rr = tmp_path / "rr.txt"
    rr.write_text("\n".join(str(800 + 10 * (i % 5)) for i in range(120)) + "\n")
    return {"db": tmp_path / "s.sqlite", "sensors": tmp_path / "sensors.yaml", "broken": broken, "rr": rr, "tmp": tmp_path}


def _no_bluetooth(monkeypatch: pytest.MonkeyPatch) -> None:
    import sensors.ble.discovery as discovery

    async def fails(*args: object, **kwargs: object) -> list[object]:
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr(discovery, "scan", fails)


Case = tuple[str, Callable[[dict[str, Path]], list[str]], int]

CASES: list[Case] = [
    ("version", lambda f: ["--version"], EXIT_OK),
    ("no command", lambda f: [], EXIT_OK),
    ("unknown command", lambda f: ["dance"], EXIT_BAD_INPUT),
    ("play keyboard", lambda f: ["play", "--headless", "--input", "keyboard", "--seconds", "1", "--db", str(f["db"])], EXIT_OK),
    ("play unknown level", lambda f: ["play", "--headless", "--level", "nope", "--db", str(f["db"])], EXIT_BAD_INPUT),
    (
        "play broken allow-list",
        lambda f: ["play", "--headless", "--input", "ble", "--sensors", str(f["broken"]), "--db", str(f["db"])],
        EXIT_BAD_INPUT,
    ),
    ("play bad size", lambda f: ["play", "--size", "10x10"], EXIT_BAD_INPUT),
    ("levels list", lambda f: ["levels", "list"], EXIT_OK),
    ("levels schema", lambda f: ["levels", "schema", "runner"], EXIT_OK),
    ("levels schema unknown", lambda f: ["levels", "schema", "nope"], EXIT_BAD_INPUT),
    ("pose missing file", lambda f: ["pose", str(f["tmp"] / "none.png")], EXIT_BAD_INPUT),
    ("models", lambda f: ["models"], EXIT_OK),
    ("class", lambda f: ["class", "--headless", "--seconds", "1", "--sensors", str(f["sensors"]), "--db", str(f["db"])], EXIT_OK),
    ("class bad age", lambda f: ["class", "--age", "abc"], EXIT_BAD_INPUT),
    ("class broken allow-list", lambda f: ["class", "--headless", "--sensors", str(f["broken"])], EXIT_BAD_INPUT),
    ("scan emulated", lambda f: ["sensors", "scan", "--emulate", "--seconds", "1", "--sensors", str(f["sensors"])], EXIT_OK),
    (
        "monitor absent sensor",
        lambda f: ["sensors", "monitor", ABSENT, "--emulate", "--seconds", "2", "--sensors", str(f["sensors"])],
        EXIT_PARTIAL,
    ),
    (
        "monitor broadcast of a strap that does not broadcast",
        lambda f: [
            "sensors",
            "monitor",
            DEMO_STRAP,
            "--broadcast",
            "--emulate",
            "--seconds",
            "2",
            "--sensors",
            str(f["sensors"]),
        ],
        EXIT_PARTIAL,
    ),
    ("allow", lambda f: ["sensors", "allow", DEMO_STRAP, "--label", "Strap 1", "--sensors", str(f["sensors"])], EXIT_OK),
    ("allow bad address", lambda f: ["sensors", "allow", "nope", "--sensors", str(f["sensors"])], EXIT_BAD_INPUT),
    ("allow no address", lambda f: ["sensors", "allow", "--sensors", str(f["sensors"])], EXIT_BAD_INPUT),
    (
        "allow a name-like label off a terminal",
        lambda f: ["sensors", "allow", DEMO_STRAP, "--label", "Matti Virtanen", "--sensors", str(f["sensors"])],
        EXIT_BAD_INPUT,
    ),
    ("forget unknown", lambda f: ["sensors", "forget", DEMO_STRAP, "--sensors", str(f["sensors"])], EXIT_BAD_INPUT),
    ("list", lambda f: ["sensors", "list", "--sensors", str(f["sensors"])], EXIT_OK),
    ("list broken", lambda f: ["sensors", "list", "--sensors", str(f["broken"])], EXIT_BAD_INPUT),
    ("analyze rr", lambda f: ["analyze", "rr", str(f["rr"])], EXIT_OK),
    ("analyze rr missing", lambda f: ["analyze", "rr", str(f["tmp"] / "none.txt")], EXIT_BAD_INPUT),
    ("analyze imu missing", lambda f: ["analyze", "imu", str(f["tmp"] / "none.csv"), "--rate", "100"], EXIT_BAD_INPUT),
    ("analyze video missing", lambda f: ["analyze", "video", str(f["tmp"] / "none.mp4")], EXIT_BAD_INPUT),
    ("sessions list without a store", lambda f: ["sessions", "list", "--db", str(f["db"])], EXIT_BAD_INPUT),
    ("sessions show without a store", lambda f: ["sessions", "show", "1", "--db", str(f["db"])], EXIT_BAD_INPUT),
    ("sessions delete without a store", lambda f: ["sessions", "delete", "1", "--yes", "--db", str(f["db"])], EXIT_BAD_INPUT),
    ("replay without a store", lambda f: ["replay", "1", "--headless", "--db", str(f["db"])], EXIT_BAD_INPUT),
    ("analyze session without a store", lambda f: ["analyze", "session", "1", "--db", str(f["db"])], EXIT_BAD_INPUT),
]


@pytest.mark.parametrize(("name", "argv", "code"), CASES, ids=[c[0] for c in CASES])
def test_exit_codes(
    name: str, argv: Callable[[dict[str, Path]], list[str]], code: int, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(argv(files)) == code, capsys.readouterr().err
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if code == EXIT_BAD_INPUT and name not in ("unknown command", "play bad size", "levels schema unknown"):
        assert [line for line in err.splitlines() if line.startswith("liike")], err


def test_without_bluetooth_scan_and_monitor_exit_3(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    _no_bluetooth(monkeypatch)
    assert main(["sensors", "scan", "--seconds", "0.1"]) == EXIT_UNAVAILABLE
    assert main(["sensors", "allow", "--from-scan", "--seconds", "0.1", "--sensors", str(files["sensors"])]) == EXIT_UNAVAILABLE


def test_sessions_read_and_delete_with_a_store(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    db = str(files["db"])
    # A level named on the command line skips the menu: the session starts with the calibration.
    assert main(["play", "--headless", "--input", "sim", "--level", "meadow", "--seconds", "3", "--db", db]) == EXIT_OK
    capsys.readouterr()
    assert main(["sessions", "list", "--db", db, "--json"]) == EXIT_OK
    (row,) = json.loads(capsys.readouterr().out)
    assert main(["sessions", "show", str(row["id"]), "--db", db]) == EXIT_OK
    assert main(["sessions", "show", "999", "--db", db]) == EXIT_BAD_INPUT
    assert main(["sessions", "delete", "999", "--yes", "--db", db]) == EXIT_BAD_INPUT
    assert main(["sessions", "delete", str(row["id"]), "--db", db]) == EXIT_BAD_INPUT  # no --yes and no terminal
    assert main(["sessions", "delete", str(row["id"]), "--yes", "--db", db]) == EXIT_OK


def _json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def test_the_same_field_names_for_the_same_things(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    sensors = str(files["sensors"])
    h10 = "E0:11:22:00:00:02"
    assert main(["sensors", "allow", h10, "--label", "Strap 9", "--broadcast", "--sensors", sensors]) == EXIT_OK
    capsys.readouterr()
    assert main(["sensors", "list", "--json", "--sensors", sensors]) == EXIT_OK
    (listed,) = json.loads(capsys.readouterr().out)
    assert listed == {"address": h10, "label": "Strap 9", "mode": "broadcast", "placement": "chest", "adapter": None}
    assert main(["sensors", "scan", "--emulate", "--json", "--seconds", "2", "--sensors", sensors]) == EXIT_OK
    scanned = {row["address"]: row for row in _json_lines(capsys.readouterr().out)}
    assert scanned[h10]["label"] == "Strap 9" and scanned[h10]["allowed"] is True
    assert all({"address", "label", "name", "kind", "rssi_dbm"} <= row.keys() for row in scanned.values())
    assert main(["sensors", "monitor", h10, "--broadcast", "--emulate", "--json", "--seconds", "3", "--sensors", sensors]) == 0
    rows = _json_lines(capsys.readouterr().out)
    hr = [r for r in rows if r["type"] == "hr"]
    assert hr and all(r["address"] == h10 and r["label"] == "Strap 9" and r["mode"] == "broadcast" for r in hr)
    status = [r for r in rows if r["type"] == "status"]
    assert all({"address", "label", "state", "message"} <= r.keys() for r in status)


def test_an_emulated_class_of_30_set_up_from_a_scan_then_shown(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from liike_emulation.room import CLASS_SIZE, class_addresses

    sensors = str(files["sensors"])
    assert main(["sensors", "allow", "--from-scan", "--emulate", "--seconds", "3", "--broadcast", "--sensors", sensors]) == 0
    capsys.readouterr()
    assert main(["sensors", "list", "--json", "--sensors", sensors]) == 0
    listed = json.loads(capsys.readouterr().out)
    class_straps = [s for s in listed if s["address"] in set(class_addresses(CLASS_SIZE))]
    assert len(class_straps) == CLASS_SIZE
    labels = [s["label"] for s in listed]
    assert labels == [f"Strap {i + 1}" for i in range(len(listed))] and all(s["mode"] == "broadcast" for s in listed)
    # A second scan adds nobody twice.
    assert main(["sensors", "allow", "--from-scan", "--emulate", "--seconds", "1", "--sensors", sensors]) == EXIT_PARTIAL
    capsys.readouterr()
    assert main(["class", "--emulate", "--headless", "--seconds", "8", "--sensors", sensors, "--db", str(files["db"])]) == 0
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])
    read = {s["address"] for s in summary["straps"] if s["readings"] >= 1}
    assert len(summary["straps"]) == len(listed)
    # Every worn class strap is read from its broadcasts; the last one is not worn.
    assert set(class_addresses(CLASS_SIZE)[:-1]) <= read
