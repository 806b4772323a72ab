"""Movement to game action: the time from the true movement to the game's InputFrame showing it.

The simulated player (``sensors.sim``) moves; its samples go the game's real way, on a clock of
their own (no sleeping, no wall clock: the run is a deterministic function of the seeds):

1. each sample reaches the SensorBus (``sensors.bus``) when it would live: a pose frame its
   capture time plus the measured capture-to-bus delay of the pose worker (POSE_DELAY_MS, the
   p95 in BENCHMARKS.md, "Pose"); a chest IMU batch (100 Hz) the time of its last sample plus
   the measured notification-to-bus time of the Bluetooth stack (BENCHMARKS.md, "Bluetooth")
   plus a wait of 0..BLE_INTERVAL_MS for the radio's next connection event, which the
   emulated stack does not model;
2. the game loop runs at 60 frames/s (first frame at a seeded random phase): each frame drains
   the bus, feeds the items to one ``MotionTracker``, hands its events and state to the
   ``InputMapper`` (``game/input/mapper.py``), then runs the game's two 120 Hz fixed updates,
   each taking an ``InputFrame`` (the order of ``game`` engine's app loop);
3. two mappers read the same events: the OLD bindings (``jump`` and ``start`` pressed by the
   landing ``jump`` event) and the NEW ones of ``game/input/bindings.yaml`` (pressed by
   ``takeoff``), so both come from the same run.

Latency = time of the first InputFrame with the action pressed (``duck``: held) minus the true
instant of the movement, from the simulator's ground truth: take-off for ``jump``; full
extension for ``punch``; landing in the open posture (feet apart, hands over the head) for
``jack``; for ``duck`` the moment the noise-free hips drop below the bindings' ``crouch_hold``
(18 % of standing hip height) in a squat. Presses are matched one-to-one to the nearest true
movement within [instant - 0.25..0.4 s, end of the movement (+ 0.6 s for a jump's landing)].

Runs, seeds 0-2:

- ``runner``: jogging at 165 then 178 steps/min for 240 s with jumps and squats asked for at
  random every 2.5-4.5 s (as the game's autopilot does), and ``standing``: 130 s of standing
  with a jump every 2.5-4.5 s; jump and duck latency, from pose and from the chest IMU;
- ``exercise``: jumping jacks at 47 and 53 per minute and punches at 37 and 29 per minute
  (rates chosen not to fall on the camera's frame grid); jack and punch latency, pose only;
- false actions: 120 s jogging at 150, 175 and 200 steps/min; 180 s of squats at 20 per minute;
  120 s of jumping jacks at 31, 47 and 59 per minute; every press of ``jump`` there is false,
  and so is (NEW bindings, pose) every press of ``duck``, ``punch`` or ``jack`` the activity is
  not (a squat is a duck, a jack a jack).

``start`` is bound like ``jump`` and gives the same figures. Unmatched ``duck`` presses in the
latency runs are counted apart when they fall in the 0.8 s before a jump's take-off: the
countermovement dips the hips below ``crouch_hold`` (a real crouch, which the game may ignore).
Movements a trunk IMU cannot see (squats, punches, jacks) are scored from pose only.

Sources: pose frames only (30 fps), or chest IMU batches only, split into single-sample
notifications (the lowest latency a 100 Hz sensor can give) or left in the simulated player's
10-sample batches (100 ms, as sensors that pack their samples send them).

Usage: python benchmarks/action_latency.py [--seeds 3] [--false-seconds 120] [--landmark-noise 0.0]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import platform
import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from game.input.bindings import Bindings, load_bindings  # noqa: E402
from game.input.mapper import InputMapper  # noqa: E402
from sensors.bus import SensorBus  # noqa: E402
from sensors.motion.tracker import MotionTracker  # noqa: E402
from sensors.samples import ImuBatch, PoseFrame  # noqa: E402
from sensors.sim import SimulatedPlayer, TruthEvent  # noqa: E402

#: Capture -> pose frame on the bus, p95, lite model in the worker thread (BENCHMARKS.md, "Pose").
POSE_DELAY_MS = 13.41
#: BLE notification sent -> sample ready for the bus over the emulated stack, median
#: (BENCHMARKS.md, "Bluetooth").
BLE_STACK_MS = 0.705
#: A notification waits up to one connection interval for the radio's next connection event
#: (7.5 ms: the shortest the Bluetooth LE specification allows, which a 100 Hz stream of
#: single samples needs); uniform over 0..interval, seeded.
BLE_INTERVAL_MS = 7.5
GAME_FPS = 60.0
#: The game's fixed updates per frame (120 Hz updates at 60 frames/s), after each frame's drain.
UPDATES_PER_FRAME = 2
IMU_RATE_HZ = 100.0
ACTIONS = ("jump", "duck", "punch", "jack")
#: Window around the true instant in which a press counts for it: (before s, after the end s).
WINDOWS_S = {"jump": (0.25, 0.6), "duck": (0.25, 0.0), "punch": (0.3, 0.0), "jack": (0.4, 0.0)}
TRUTH_KIND = {"jump": "jump", "punch": "punch", "jack": "jumping_jack"}
#: A duck press this long before a take-off is the jump's countermovement (the simulated dip and
#: push take 0.6 s).
DIP_S = 0.8


# -- what the player does ------------------------------------------------------------------------


def injected(seed: int, script: str, kinds: tuple[str, ...], start_s: float, stop_s: float) -> SimulatedPlayer:
    """A player following ``script`` who is also asked for one of ``kinds`` every 2.5-4.5 s."""
    player = SimulatedPlayer(seed=seed, script=script, loop=False)
    rng = np.random.default_rng((seed, 4242))
    t = start_s
    while t < stop_s:
        player.inject(str(rng.choice(kinds)), round(t * 1e9))
        t += float(rng.uniform(2.5, 4.5))
    return player


def latency_runs(seed: int) -> dict[str, SimulatedPlayer]:
    return {
        "runner": injected(seed, "idle:4,jog:120@165,jog:120@178,idle:3", ("jump", "squat"), 6.0, 240.0),
        "standing": injected(seed, "idle:130", ("jump",), 5.0, 126.0),
        "exercise": SimulatedPlayer(
            seed=seed, loop=False, script=("idle:4,jack:40@47,rest:4,punch:40@37,rest:4,jack:40@53,rest:4,punch:40@29,rest:3")
        ),
    }


def false_runs(seed: int, seconds: float) -> dict[str, list[SimulatedPlayer]]:
    s = f"{seconds:g}"
    return {
        "jogging": [SimulatedPlayer(seed=seed, loop=False, script=f"idle:4,jog:{s}@{c},idle:2") for c in (150, 175, 200)],
        "squats": [SimulatedPlayer(seed=seed, loop=False, script=f"idle:4,squat:{1.5 * seconds:g}@20,idle:2")],
        "jumping jacks": [SimulatedPlayer(seed=seed, loop=False, script=f"idle:4,jack:{s}@{r},idle:2") for r in (31, 47, 59)],
    }


def run_length_s(player: SimulatedPlayer) -> float:
    return sum(seg.duration_s for seg in player.script) + 1.0


def duck_truth(player: SimulatedPlayer, squats: list[TruthEvent], crouch_hold: float) -> list[tuple[int, int]]:
    """(instant the noise-free hips drop below ``crouch_hold`` of standing hip height, squat end)
    for each squat, on a 2 ms grid before its bottom."""
    hip = player.body.hip_height_m
    out = []
    for sq in squats:
        bottom_s = (sq.t_ns - player.t0_ns) / 1e9
        for t in np.arange(max(0.0, bottom_s - 2.0), bottom_s, 0.002):
            if -(player.state(float(t)).pelvis[1] - hip) / hip >= crouch_hold:
                out.append((player.t0_ns + round(float(t) * 1e9), sq.t_end_ns))
                break
    return out


# -- the game's path -----------------------------------------------------------------------------


def old_bindings(new: Bindings) -> Bindings:
    """The bindings before take-off events: ``jump`` and ``start`` pressed by the landing ``jump``."""
    actions = dict(new.actions)
    for name in ("jump", "start"):
        actions[name] = dataclasses.replace(actions[name], motion_events=("jump",))
    return dataclasses.replace(new, actions=actions)


def arrivals(samples: list[Any], source: str, seed: int, imu_batch: int, landmark_noise: float = 0.0) -> list[tuple[int, Any]]:
    """(time on the bus, item) for the samples of one source, in arrival order. ``landmark_noise``:
    extra Gaussian noise (normalised image units) on every landmark's x and y."""
    rng = np.random.default_rng((seed, 99))
    out: list[tuple[int, Any]] = []
    if source == "pose":
        for s in samples:
            if isinstance(s, PoseFrame):
                t = s.t_host_ns + round(POSE_DELAY_MS * 1e6)
                lm = s.landmarks
                if landmark_noise > 0:
                    lm = lm.copy()
                    lm[:, :2] += rng.normal(0.0, landmark_noise, (lm.shape[0], 2))
                out.append((t, dataclasses.replace(s, landmarks=lm, t_infer_ns=t)))
        return out
    for b in samples:
        if not isinstance(b, ImuBatch):
            continue
        times = b.times_ns()
        for i in range(0, b.n_values, imu_batch):
            j = min(b.n_values, i + imu_batch)
            t = int(times[j - 1]) + round((BLE_STACK_MS + rng.uniform(0.0, BLE_INTERVAL_MS)) * 1e6)
            out.append(
                (
                    t,
                    ImuBatch(
                        t_host_ns=t,
                        source=b.source,
                        rate_hz=b.rate_hz,
                        t_first_ns=int(times[i]),
                        acc_g=b.acc_g[i:j],
                        placement=b.placement,
                    ),
                )
            )
    out.sort(key=lambda x: x[0])
    return out


def play(items: list[tuple[int, Any]], end_ns: int, seed: int, bindings: dict[str, Bindings]) -> dict[str, dict[str, list[int]]]:
    """Run the game loop over ``items``; for each bindings, each action's press times (ns)."""
    bus = SensorBus()
    tracker = MotionTracker(image_aspect_wh=4 / 3)  # the simulated camera's picture
    mappers = {name: InputMapper(b) for name, b in bindings.items()}
    presses: dict[str, dict[str, list[int]]] = {name: {a: [] for a in ACTIONS} for name in bindings}
    frame_ns = 1e9 / GAME_FPS
    phase_ns = float(np.random.default_rng((seed, 7)).uniform(0.0, frame_ns))
    i, k = 0, 0
    while True:
        now = round(phase_ns + k * frame_ns)
        if now > end_ns:
            break
        k += 1
        while i < len(items) and items[i][0] <= now:
            bus.push(items[i][1])
            i += 1
        drained = bus.drain()
        events = [e for item in drained for e in tracker.feed(item)]
        for name, mapper in mappers.items():
            for e in events:
                mapper.motion_event(e)
            if drained:
                mapper.motion_state(tracker.state)
            for _ in range(UPDATES_PER_FRAME):
                frame = mapper.step()
                for a in frame.pressed:
                    if a in presses[name]:
                        presses[name][a].append(now)
    return presses


# -- scoring -------------------------------------------------------------------------------------


@dataclass
class Tally:
    truth: int = 0
    latency_ms: list[float] = field(default_factory=list)
    false: int = 0
    in_jump_dip: int = 0  # unmatched duck presses in the countermovement before a jump's take-off


def score(truth: list[tuple[int, int]], presses: list[int], window_s: tuple[float, float], tally: Tally) -> list[int]:
    """Match presses one-to-one to true instants (t, end), nearest first, within the window;
    return the presses left unmatched."""
    before, after = (round(w * 1e9) for w in window_s)
    pairs = sorted(
        (abs(p - t), i, j) for i, (t, end) in enumerate(truth) for j, p in enumerate(presses) if t - before <= p <= end + after
    )
    used_t: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in pairs:
        if i in used_t or j in used_p:
            continue
        used_t.add(i)
        used_p.add(j)
        tally.latency_ms.append((presses[j] - truth[i][0]) / 1e6)
    tally.truth += len(truth)
    tally.false += len(presses) - len(used_p)
    return [p for j, p in enumerate(presses) if j not in used_p]


def pct(values: list[float], q: int) -> float:
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def truths(player: SimulatedPlayer, crouch_hold: float) -> dict[str, list[tuple[int, int]]]:
    gt = player.ground_truth()
    out = {a: [(x.t_ns, x.t_end_ns) for x in gt if x.kind == kind] for a, kind in TRUTH_KIND.items()}
    out["duck"] = duck_truth(player, [x for x in gt if x.kind == "squat"], crouch_hold)
    return out


SOURCES = (("pose", "pose", 1), ("imu:chest, 1-sample notifications", "imu", 1), ("imu:chest, 10-sample batches", "imu", 10))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, default=3)
    ap.add_argument("--false-seconds", type=float, default=120.0)
    ap.add_argument(
        "--landmark-noise",
        type=float,
        default=0.0,
        help="extra noise (normalised image units, standard deviation) on the pose landmarks' x and y; "
        "the simulated camera has 0.002",
    )
    args = ap.parse_args()
    new = load_bindings()
    bindings = {"old": old_bindings(new), "new": new}
    lat: dict[tuple[str, str, str], Tally] = {}
    false: dict[tuple[str, str, str], Tally] = {}
    false_min: dict[str, float] = {}
    for seed in range(args.seeds):
        for run, player in latency_runs(seed).items():
            end_s = run_length_s(player)
            samples = player.advance_to(round(end_s * 1e9))
            truth = truths(player, new.crouch_hold)
            for label, source, batch in SOURCES:
                if source == "imu" and run == "exercise":
                    continue  # jacks and punches are pose-only movements
                items = arrivals(samples, source, seed, batch, args.landmark_noise)
                presses = play(items, round(end_s * 1e9), seed, bindings)
                for name in bindings:
                    for action in ACTIONS:
                        if source == "imu" and action != "jump":
                            continue
                        if not truth[action]:
                            continue
                        tally = lat.setdefault((action, label, name), Tally())
                        unmatched = score(truth[action], presses[name][action], WINDOWS_S[action], tally)
                        if action == "duck":
                            tally.in_jump_dip += sum(any(t - DIP_S * 1e9 <= p <= t for t, _ in truth["jump"]) for p in unmatched)
        for activity, players in false_runs(seed, args.false_seconds).items():
            for player in players:
                end_s = run_length_s(player)
                samples = player.advance_to(round(end_s * 1e9))
                moving_s = sum(seg.duration_s for seg in player.script if seg.activity.value not in ("idle", "rest"))
                false_min[activity] = false_min.get(activity, 0.0) + moving_s / 60.0
                for label, source, batch in SOURCES:
                    items = arrivals(samples, source, seed, batch, args.landmark_noise)
                    presses = play(items, round(end_s * 1e9), seed, bindings)
                    for name in bindings:
                        t = false.setdefault((activity, label, name), Tally())
                        t.false += len(presses[name]["jump"])
                    # Other actions the activity should not press (a squat is a duck, a jack a jack).
                    wrong = [
                        a
                        for a in ("duck", "punch", "jack")
                        if (a, activity) not in (("duck", "squats"), ("jack", "jumping jacks"))
                    ]
                    others = false.setdefault((activity, label, "other"), Tally())
                    others.false += sum(len(presses["new"][a]) for a in wrong)

    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        cpu = next(
            (ln.split(":", 1)[1].strip() for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("model name")),
            cpu,
        )
    print(
        f"Machine: {os.cpu_count()} cores (nproc), {cpu}, Python {platform.python_version()}, "
        f"{datetime.date.today().isoformat()}; seeds 0-{args.seeds - 1}, "
        f"extra landmark noise {args.landmark_noise:g}."
    )
    print()
    print("| action | source | true | OLD found | OLD p50 ms | OLD p95 ms | NEW found | NEW p50 ms | NEW p95 ms |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for action in ACTIONS:
        for label, _, _ in SOURCES:
            old, nw = lat.get((action, label, "old")), lat.get((action, label, "new"))
            if old is None or nw is None:
                continue

            def cells(t: Tally) -> str:
                if not t.latency_ms:
                    return f"{0} | - | -"
                return f"{len(t.latency_ms)} | {pct(t.latency_ms, 50):.0f} | {pct(t.latency_ms, 95):.0f}"

            print(f"| {action} | {label} | {nw.truth} | {cells(old)} | {cells(nw)} |")
    print()
    print(
        "Unmatched presses in the latency runs (false actions), OLD / NEW:",
        ", ".join(
            f"{a} {lbl.split(',')[0]} {lat[(a, lbl, 'old')].false}/{lat[(a, lbl, 'new')].false}"
            for a in ACTIONS
            for lbl, _, _ in SOURCES
            if (a, lbl, "old") in lat
        ),
    )
    duck = lat[("duck", "pose", "new")]
    print(
        f"Of the {duck.false} unmatched duck presses, {duck.in_jump_dip} fell in the {DIP_S:g} s before a "
        f"jump's take-off (its countermovement dip)."
    )
    print()
    print("| activity | minutes | source | OLD false jumps / min | NEW false jumps / min | NEW other false actions / min |")
    print("| --- | ---: | --- | ---: | ---: | ---: |")
    for activity, minutes in false_min.items():
        for label, source, _ in SOURCES:
            o, n = false[(activity, label, "old")].false, false[(activity, label, "new")].false
            x = false[(activity, label, "other")].false
            other = f"{x / minutes:.2f} ({x})" if source == "pose" else "-"
            print(f"| {activity} | {minutes:.1f} | {label} | {o / minutes:.2f} ({o}) | {n / minutes:.2f} ({n}) | {other} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
