"""``liike kiosk`` through its command line: the JSON contract, bad kiosk files (exit 2),
``hash-pin``, ``install-service``, a SIGKILL in the middle of a round and a restart, and a
session store that turns read-only while the kiosk runs."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from game.cli import main
from game.kiosk.config import load_kiosk_config
from game.kiosk.leaderboard import Leaderboard, leaderboard_path
from game.kiosk.pin import verify_pin
from game.sessions import SessionStore

REPO = Path(__file__).resolve().parents[3]
#: Simulated visitors on a virtual clock, small and at 20 frames a second: a minute in seconds.
FAST = ("--input", "sim", "--fast", "--size", "320x240", "--fps", "20")
CONTRACT_KEYS = {"rounds", "attract_s", "walkups", "games", "restarts_of_camera", "frame_ms_p99", "rss_mb_start", "rss_mb_end"}


def env(tmp: Path) -> dict[str, str]:
    e = {**os.environ, "PYTHONPATH": str(REPO), "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy"}
    e["LIIKE_INSTALLATION_FILE"] = str(tmp / "installation-id")
    e.pop("NOTIFY_SOCKET", None)
    return e


def kiosk_cmd(tmp: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "game.cli", "kiosk", "--headless", "--db", str(tmp / "s.sqlite"), "--log-dir", str(tmp), *args]


def test_the_contract_exit_0_and_one_json_object_on_the_last_line(tmp_path: Path) -> None:
    done = subprocess.run(
        kiosk_cmd(tmp_path, "--input", "sim", "--seconds", "4"), capture_output=True, text=True, env=env(tmp_path),
        cwd=REPO, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert CONTRACT_KEYS <= set(result)
    assert isinstance(result["games"], dict) and result["attract_s"] > 0 and result["rss_mb_end"] > 0
    assert "Traceback" not in done.stderr


def test_a_bad_kiosk_file_exits_2_naming_file_line_and_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "kiosk.yaml"
    path.write_text("round_s: 60\nlanguages: [fi, klingon]\n", encoding="utf-8")
    code = main(["kiosk", "--headless", "--config", str(path), "--db", str(tmp_path / "s.sqlite"), "--seconds", "1"])
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"liike: {path}:2: languages[1]: must be one of: fi, en, sv, de, ru, got 'klingon'"]


def test_hash_pin_prints_a_line_that_the_kiosk_file_accepts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    import io

    monkeypatch.setattr(sys, "stdin", io.StringIO("0042\n"))
    assert main(["kiosk", "hash-pin", "--stdin"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith('admin_pin_hash: "scrypt$') and "0042" not in line.split("$", 5)[-1]
    path = tmp_path / "kiosk.yaml"
    path.write_text(line + "\n", encoding="utf-8")
    cfg = load_kiosk_config(path, ["runner"])
    assert cfg.admin_pin_hash is not None and verify_pin("0042", cfg.admin_pin_hash)
    monkeypatch.setattr(sys, "stdin", io.StringIO("12\n"))
    assert main(["kiosk", "hash-pin", "--stdin"]) == 2


def test_install_service_writes_a_notify_unit_with_a_watchdog_and_says_what_is_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = tmp_path / "kiosk.yaml"
    cfg.write_text("round_s: 90\n", encoding="utf-8")
    units = tmp_path / "units"
    assert main(["kiosk", "install-service", "--config", str(cfg), "--unit-dir", str(units)]) == 0
    unit = (units / "liike-kiosk.service").read_text(encoding="utf-8")
    for line in (
        "Type=notify",
        "Restart=always",
        "WatchdogSec=30",
        "RestartPreventExitStatus=0",
        "WantedBy=graphical-session.target",
    ):
        assert f"\n{line}\n" in unit, line
    exec_line = next(x for x in unit.splitlines() if x.startswith("ExecStart="))
    assert exec_line.endswith(f"kiosk --config {cfg.resolve()}")
    out = capsys.readouterr().out
    assert "loginctl enable-linger" in out and "systemctl --user enable --now liike-kiosk.service" in out
    assert main(["kiosk", "install-service", "--config", str(tmp_path / "missing.yaml"), "--unit-dir", str(units)]) == 2


def wait_for_log(log: Path, proc: subprocess.Popen[str], predicate: str, count: int, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        if text.count(predicate) >= count:
            return
        if proc.poll() is not None:
            raise AssertionError(f"the kiosk ended early ({proc.returncode}):\n{text}")
        time.sleep(0.1)
    raise AssertionError(f"no {count} x {predicate!r} in the log within {timeout_s} s")


def test_sigkill_mid_round_then_a_restart_keeps_the_leaderboard_and_finished_sessions(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.yaml"
    cfg.write_text("games: [runner]\nround_s: 10\n", encoding="utf-8")
    log = tmp_path / "kiosk.log"
    args = kiosk_cmd(tmp_path, *FAST, "--config", str(cfg), "--seconds", "600")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(tmp_path), cwd=REPO)
    try:
        wait_for_log(log, proc, "filed on the leaderboard", 1, 240)
        wait_for_log(log, proc, "round of runner started", 2, 240)  # the second round is under way
        time.sleep(0.3)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.communicate()
    filed = log.read_text(encoding="utf-8").count("filed on the leaderboard")
    db = tmp_path / "s.sqlite"
    board = Leaderboard(
        leaderboard_path(db), load_kiosk_config(cfg, ["runner"]).reset_at, load_kiosk_config(cfg, ["runner"]).zone()
    )
    before = board.season("runner", limit=100)
    assert len(before) == filed >= 1
    with SessionStore(db) as store:
        rows = [store.get_session(r["id"]) for r in store.list_sessions()]
    finished = [r for r in rows if r is not None and r.get("ended_at")]
    assert {e.session_id for e in before} <= {r["id"] for r in finished}
    assert all((r.get("summary") or {}).get("completed") for r in finished if r["id"] in {e.session_id for e in before})
    # Started again, the kiosk runs on the same files and keeps what was there.
    again = subprocess.run(
        kiosk_cmd(tmp_path, *FAST, "--config", str(cfg), "--seconds", "10"),
        capture_output=True, text=True, env=env(tmp_path), cwd=REPO, timeout=240,
    )  # fmt: skip
    assert again.returncode == 0, again.stderr
    after = board.season("runner", limit=100)
    assert {(e.nickname, e.score, e.t_utc_s) for e in before} <= {(e.nickname, e.score, e.t_utc_s) for e in after}
    with SessionStore(db) as store:
        assert len(list(store.list_sessions())) >= len(finished)


def _unprivileged() -> list[str]:
    """Root ignores file permissions: as root, run without the capabilities that let it."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: nothing can be made read-only here")
    return [setpriv, "--bounding-set=-dac_override,-dac_read_search,-fowner,-linux_immutable"]


@pytest.fixture
def folder() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="liike-kiosk-ro-"))  # readable by an unprivileged child
    path.chmod(0o777)
    try:
        yield path
    finally:
        for p in [path, *path.iterdir()]:
            p.chmod(0o755)
        shutil.rmtree(path)


def test_the_store_turning_read_only_mid_session_does_not_stop_the_kiosk(folder: Path) -> None:
    cfg = folder / "kiosk.yaml"
    cfg.write_text("games: [runner]\nround_s: 10\n", encoding="utf-8")
    log = folder / "kiosk.log"
    args = [*_unprivileged(), *kiosk_cmd(folder, *FAST, "--config", str(cfg), "--seconds", "60")]
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(folder), cwd=REPO)
    try:
        wait_for_log(log, proc, "round of runner started", 1, 240)
        for p in folder.iterdir():
            if p.name.startswith("s.sqlite"):
                p.chmod(0o444)
        folder.chmod(0o555)
        probe = subprocess.run([*_unprivileged(), "sh", "-c", f"touch {folder}/probe"], capture_output=True)
        out, err = proc.communicate(timeout=300)
    finally:
        folder.chmod(0o777)
        if proc.poll() is None:
            proc.kill()
    if probe.returncode == 0:
        pytest.skip("file permissions are not enforced here (the folder could still be written)")
    assert proc.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["rounds"] >= 1 and result["errors"] == 0  # the round under way played to its end
    assert "Traceback" not in err
    assert result["leaderboard_unsaved"] >= 1  # kept in memory, shown on the board


def test_the_unit_passes_systemd_s_own_check(tmp_path: Path) -> None:
    from game.kiosk.service import UNIT_NAME, unit_text

    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed here")
    unit = tmp_path / UNIT_NAME
    unit.write_text(unit_text([shutil.which("true") or "/bin/true", "kiosk", "--config", str(tmp_path / "kiosk.yaml")]))
    done = subprocess.run([analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60)
    if "Failed to initialize manager" in done.stderr:
        pytest.skip(f"systemd-analyze cannot run here: {done.stderr.strip()}")
    assert done.returncode == 0, done.stderr
    assert UNIT_NAME not in done.stderr  # no complaint about the unit itself


def test_sigterm_from_the_supervisor_ends_cleanly_closing_the_round_s_session(tmp_path: Path) -> None:
    cfg = tmp_path / "kiosk.yaml"
    cfg.write_text("games: [runner]\nround_s: 60\n", encoding="utf-8")
    log = tmp_path / "kiosk.log"
    args = kiosk_cmd(tmp_path, *FAST, "--config", str(cfg), "--seconds", "600")
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env(tmp_path), cwd=REPO)
    try:
        wait_for_log(log, proc, "round of runner started", 1, 240)
        time.sleep(0.5)
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    result = json.loads(out.strip().splitlines()[-1])
    assert result["interrupted"] is False and result["abandoned"] == 1
    with SessionStore(tmp_path / "s.sqlite") as store:
        (row,) = store.list_sessions()
        detail = store.get_session(row["id"])
    assert detail is not None and detail["ended_at"] and (detail.get("summary") or {}).get("completed") is False
