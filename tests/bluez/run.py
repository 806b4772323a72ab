"""Boot a virtme-ng VM (the host's Debian kernel, BlueZ and D-Bus, unmodified), run the scenarios
of :mod:`scenarios` in it and print a table of their results. Exit status 0 only when every
scenario passed. Used by ``make test-bluez``; see tests/bluez/README.md.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]


def kernel() -> str:
    kernels = sorted(
        glob.glob("/boot/vmlinuz-*-amd64"), key=lambda p: [int(x) if x.isdigit() else x for x in re.split(r"(\d+)", p)]
    )
    if not kernels:
        sys.exit("test-bluez: no Debian kernel in /boot (apt-get install linux-image-amd64)")
    return kernels[-1]


def table(results: list[dict[str, object]]) -> str:
    head = ("scenario", "result", "first HR s", "drop -> next HR s", "HR sent", "HR lost", "wall s", "note")
    rows = [head]
    for r in results:
        recover = r.get("recover_s") or []
        assert isinstance(recover, list)
        rows.append(
            (
                str(r["scenario"]),
                "pass" if r["ok"] else "FAIL",
                "-" if r.get("first_hr_s") is None else f"{r['first_hr_s']:.1f}",
                ", ".join(f"{x:.1f}" for x in recover) or "-",
                str(r.get("sent") or "-"),
                str(r.get("lost")) if r.get("sent") else "-",
                str(r.get("wall_s", "-")),
                str(r.get("note", ""))[:110],
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(head) - 1)]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(row[:-1], widths, strict=False)) + "  " + row[-1] for row in rows)


def phases(marks: list[tuple[str, float]], end_s: float) -> str:
    """Where the wall time went: each phase from its mark to the next (host clock, seconds)."""
    rows = [(name, nxt - t) for (name, t), (_, nxt) in zip(marks, [*marks[1:], ("end", end_s)], strict=True)]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name.ljust(width)}  {s:6.1f}" for name, s in rows)


def precompile() -> None:
    """Byte-compile the project on the host: inside the VM its files are read-only, so a module
    without a cached .pyc would be compiled again, under emulation, at every start."""
    for folder in ("game", "sensors", "liike_emulation"):
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / folder)], check=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("scenarios", nargs="*", help="scenario names (default: all)")
    parser.add_argument("--vng", default=str(REPO / ".venv-vng" / "bin" / "vng"), help="the vng program")
    parser.add_argument("--logs", type=Path, default=Path("/tmp/liike-bluez"), help="bluetoothd and monitor logs")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--kvm", action="store_true", help="let qemu use KVM (default: pure emulation)")
    parser.add_argument("--full", action="store_true", help="all scenarios, the five-minute holds too (about 35 min)")
    parser.add_argument("--limit-s", type=float, help="the VM is stopped after this long (default 1200 s, 3600 s with --full)")
    args = parser.parse_args()
    limit_s = args.limit_s or (3600.0 if args.full else 1200.0)
    precompile()
    args.logs.mkdir(parents=True, exist_ok=True)
    for pattern in ("*.log", "*.err", "*.out"):
        for old in args.logs.glob(pattern):
            old.unlink()
    command = [
        args.vng,
        "--run",
        kernel(),
        "--memory",
        "2G",
        "--cpus",
        str(min(2, os.cpu_count() or 1)),
        "--rwdir",
        str(args.logs),
        "--cwd",
        str(REPO),
        "--exec",
        f"env LIIKE_BLUEZ_LOGS={args.logs} sh {HERE / 'guest.sh'} {'--full ' if args.full else ''}{' '.join(args.scenarios)}",
    ]
    if not args.kvm:
        # A /dev/kvm node may exist where KVM does not work (nested virtualisation off): qemu
        # then waits forever. The emulator (TCG) always works, ten times slower.
        command.insert(1, "--disable-kvm")
    print("test-bluez:", " ".join(command), flush=True)
    started = time.monotonic()
    results: list[dict[str, object]] = []
    plan: list[str] = []
    marks: list[tuple[str, float]] = [("VM boot (kernel, virtme init, guest shell)", 0.0)]
    with open(args.logs / "console.txt", "w") as console:
        # vng runs its helpers (virtme-run) from its own bin directory.
        env = {**os.environ, "PATH": f"{Path(args.vng).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
        # A session of its own, so that the whole tree (vng, virtme-run, qemu) is stopped together.
        proc = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            start_new_session=True,
        )
        assert proc.stdout is not None
        try:
            deadline = started + limit_s
            for line in proc.stdout:
                t_s = time.monotonic() - started
                console.write(f"{t_s:7.1f} {line}")
                sys.stdout.write(line)
                sys.stdout.flush()
                if "BLUEZ-RESULT " in line:
                    results.append(json.loads(line.split("BLUEZ-RESULT ", 1)[1]))
                elif "BLUEZ-PLAN " in line:
                    plan = json.loads(line.split("BLUEZ-PLAN ", 1)[1])
                elif "BLUEZ-GUEST up" in line:
                    marks.append(("harness start-up (Python, bumble, controller on /dev/vhci)", t_s))
                elif "BLUEZ-PHASE " in line:
                    marks.append((line.split("BLUEZ-PHASE ", 1)[1].strip(), t_s))
                elif "BLUEZ-GUEST done" in line:
                    marks.append(("VM shutdown", t_s))
                if time.monotonic() > deadline:
                    print(f"test-bluez: stopping the VM after {limit_s:.0f} s", flush=True)
                    break
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    wall_s = time.monotonic() - started
    print(f"\nWhere the time went (s, host clock):\n{phases(marks, wall_s)}")
    print(f"\nBlueZ scenarios in a VM ({kernel()}, {wall_s:.0f} s wall time; logs in {args.logs}):\n")
    missing = [name for name in plan if name not in {r["scenario"] for r in results}]
    results += [{"scenario": name, "ok": False, "note": "no result: the VM stopped before it reported"} for name in missing]
    print(table(results) if results else "no scenario reported a result", flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    passed = sum(1 for r in results if r["ok"])
    print(f"\ntest-bluez: {passed} passed, {len(results) - passed} failed", flush=True)
    return 0 if results and passed == len(results) and plan else 1


if __name__ == "__main__":
    sys.exit(main())
