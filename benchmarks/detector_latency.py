"""Latency from movement to event for every detector, on the simulated player's ground truth.

For each detector (pose: step, jump, squat, jumping jack, arms up, punch, arm swing; trunk IMU:
step, jump) the samples of the simulated player are fed one by one to the game's
MotionTracker (pose frames only, or IMU batches only). An event is matched one-to-one to the
nearest true movement of its kind within +-0.25 s of the event's own time. For a match:

- latency = the capture time of the sample whose feeding returned the event (a pose frame's
  time; an IMU batch's last sample) minus the true time of the movement (take-off, foot
  contact, squat bottom, jack open posture, full punch extension, hands at the hips...). It is
  what the game waits beyond the sensor's own delay: for pose, add camera exposure, transfer
  and inference (see BENCHMARKS.md, pose); for BLE, the radio.
- timing error = the event's reported time minus the true time.

Scripts: the default one (jogging, jumps, squats) and the exercise one (jumping jacks among
arm waves and wide steps, punches, double-pole swings), seeds 0-2, pose at 30 fps, IMU at 100 Hz
on the chest in batches of 10.

Limb steps: the default script, seeds 0-2, the simulated left ankle, thigh and wrist IMUs
(accelerometer, 100 Hz, batches of 10) through gait.StepDetector; truth = every foot contact
of either foot (the detector emits two steps per stride and does not say which foot), the
wrist included. Repetitions: rep_synth recordings (tests/sensors/motion/rep_synth.py; three
sets of 20, 50 Hz, gyroscope and accelerometer) of every exercise at several tempos, seeds
0-2, through reps.RepCounter in batches of 25; truth = each repetition's turning point.

Walking detector (walking.WalkingStepDetector, the detector behind ``liike analyze imu`` on
the trunk and the game's cadence for a slow walker): the chest IMU batches of the default
script and of a slow script (on-the-spot stepping at 60, 80 and 100 steps/min, each 30 s
between rests), seeds 0-2, vertical acceleration from the same low-pass estimate of "up" the
game's trunk detector uses; the game's trunk detector is scored on the slow script too.

Usage: python benchmarks/detector_latency.py
"""

from __future__ import annotations

import statistics
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "sensors" / "motion"))  # rep_synth: seeded repetition sets

from sensors.motion.events import MotionEvent  # noqa: E402
from sensors.motion.gait import StepDetector  # noqa: E402
from sensors.motion.imu_detectors import GravityEstimator  # noqa: E402
from sensors.motion.reps import RepCounter  # noqa: E402
from sensors.motion.tracker import MotionTracker  # noqa: E402
from sensors.motion.walking import WalkingStepDetector  # noqa: E402
from sensors.samples import ImuBatch, PoseFrame  # noqa: E402
from sensors.sim import DEFAULT_SCRIPT, EXERCISE_SCRIPT, SimulatedPlayer, TruthEvent  # noqa: E402
from sensors.sim.script import parse_script  # noqa: E402

from rep_synth import rep_recording  # noqa: E402

WINDOW_NS = 250_000_000
SEEDS = (0, 1, 2)
POSE_KINDS = ("step", "jump", "squat", "jumping_jack", "arms_up", "punch", "arm_swing")
IMU_KINDS = ("step", "jump")
LIMB_PLACEMENTS = ("ankle", "thigh", "wrist")
#: (exercise, seconds per repetition): every rep_synth exercise, fast to slow tempos.
REP_SETS = (
    ("curl", 1.6),
    ("lateral_raise", 2.4),
    ("front_raise", 3.3),
    ("row", 2.8),
    ("rotation", 4.2),
    ("press", 2.0),
    ("curl", 4.9),
)
REP_BATCH = 25  # samples per batch at 50 Hz: 0.5 s, as a BLE wearable sends them
#: Slow stepping on the spot, where the game's trunk detector misses soft steps.
SLOW_SCRIPT = "idle:3,jog:30@60,idle:4,jog:30@80,idle:4,jog:30@100,idle:5"


@dataclass
class Tally:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    latency_ms: list[float] = field(default_factory=list)
    timing_ms: list[float] = field(default_factory=list)


def simulate(script: Any, seed: int) -> tuple[list[Any], list[TruthEvent]]:
    player = SimulatedPlayer(seed=seed, script=script, loop=False)
    end_s = sum(seg.duration_s for seg in player.script) + 2.0
    samples: list[Any] = []
    t = 0.05
    while t <= end_s:
        samples += player.advance_to(round(t * 1e9))
        t += 0.05
    return samples, player.ground_truth()


def simulate_limb(script: Any, seed: int, placement: str) -> tuple[list[ImuBatch], list[TruthEvent]]:
    """The IMU batches (100 Hz, accelerometer only) of one limb placement, and the truth."""
    player = SimulatedPlayer(seed=seed, script=script, imu_placement=placement, loop=False)
    end_s = sum(seg.duration_s for seg in player.script) + 2.0
    batches = [s for s in player.advance_to(round(end_s * 1e9)) if isinstance(s, ImuBatch)]
    return batches, player.ground_truth()


def detect_limb(batches: list[ImuBatch], placement: str) -> list[tuple[MotionEvent, int]]:
    """Steps from gait.StepDetector, with the capture time of the batch that returned each."""
    det = StepDetector("foot" if placement == "ankle" else placement)
    out: list[tuple[MotionEvent, int]] = []
    for b in batches:
        out += [(e, b.t_host_ns) for e in det.update(b)]
    return out + [(e, batches[-1].t_host_ns) for e in det.flush()]


def detect_reps(exercise: str, period_s: float, seed: int) -> tuple[list[TruthEvent], list[tuple[MotionEvent, int]]]:
    """Repetitions of a rep_synth recording (three sets of 20, gyroscope and accelerometer at
    50 Hz) through RepCounter, fed in batches of REP_BATCH; truth = each repetition's turning
    point. A batch's capture time is its last sample's."""
    rec = rep_recording(seed, exercise, period_s)
    truth = [TruthEvent("rep", round(t * 1e9), 1.0, round(t * 1e9)) for reps in rec.rep_times_s for t in reps]
    rc = RepCounter()
    out: list[tuple[MotionEvent, int]] = []
    n = len(rec.acc_g)
    for i in range(0, n, REP_BATCH):
        j = min(n, i + REP_BATCH)
        b = ImuBatch(
            t_host_ns=round((j - 1) * 1e9 / rec.rate_hz),
            source="synth",
            rate_hz=rec.rate_hz,
            t_first_ns=round(i * 1e9 / rec.rate_hz),
            acc_g=rec.acc_g[i:j],
            gyr_dps=rec.gyr_dps[i:j],
            placement="wrist",
        )
        out += [(e, b.t_host_ns) for e in rc.update(b)]
    return truth, out + [(e, round((n - 1) * 1e9 / rec.rate_hz)) for e in rc.flush()]


def detect_walking(batches: list[ImuBatch]) -> list[tuple[MotionEvent, int]]:
    """Steps of the walking detector, with the capture time of the batch that returned each."""
    gravity = GravityEstimator()
    det = WalkingStepDetector()
    out: list[tuple[MotionEvent, int]] = []
    for b in batches:
        vertical_g = gravity.vertical_g(b.acc_g.astype(float), b.rate_hz)
        out += [(e, b.t_host_ns) for e in det.update(b.times_ns(), vertical_g, b.rate_hz)]
    return out + [(e, batches[-1].t_host_ns) for e in det.flush()]


def detect(samples: list[Any], kind: type[PoseFrame | ImuBatch]) -> list[tuple[MotionEvent, int]]:
    """(event, capture time of the sample that returned it) for samples of type ``kind``."""
    tracker = MotionTracker(image_aspect_wh=4 / 3)  # the simulated camera's picture
    out = []
    for s in samples:
        if isinstance(s, kind):
            out += [(e, s.t_host_ns) for e in tracker.feed(s)]
    return out


def score(truth: list[TruthEvent], found: list[tuple[MotionEvent, int]], kind: str, tally: Tally) -> None:
    tr = [x for x in truth if x.kind == kind]
    ev = [(e, t) for e, t in found if e.kind == kind]
    pairs = sorted(
        (abs(e.t_ns - x.t_ns), i, j) for i, x in enumerate(tr) for j, (e, _) in enumerate(ev) if abs(e.t_ns - x.t_ns) <= WINDOW_NS
    )
    used_t: set[int] = set()
    used_e: set[int] = set()
    for _, i, j in pairs:
        if i in used_t or j in used_e:
            continue
        used_t.add(i)
        used_e.add(j)
        e, emitted = ev[j]
        tally.latency_ms.append((emitted - tr[i].t_ns) / 1e6)
        tally.timing_ms.append((e.t_ns - tr[i].t_ns) / 1e6)
    tally.tp += len(used_t)
    tally.fp += len(ev) - len(used_e)
    tally.fn += len(tr) - len(used_t)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[-1] if len(values) > 1 else values[0]


def main() -> int:
    tallies: dict[str, Tally] = {}
    for script in (DEFAULT_SCRIPT, EXERCISE_SCRIPT):
        for seed in SEEDS:
            samples, truth = simulate(script, seed)
            pose = detect(samples, PoseFrame)
            for kind in POSE_KINDS:
                score(truth, pose, kind, tallies.setdefault(f"pose {kind}", Tally()))
            if script is DEFAULT_SCRIPT:  # the exercise script's jack hops are jumps to a trunk IMU
                imu = detect(samples, ImuBatch)
                for kind in IMU_KINDS:
                    score(truth, imu, kind, tallies.setdefault(f"imu:chest {kind}", Tally()))
    for name, walk_script in (("default", DEFAULT_SCRIPT), ("slow", parse_script(SLOW_SCRIPT))):
        for seed in SEEDS:
            batches, truth = simulate_limb(walk_script, seed, "chest")
            if name == "slow":
                game = detect(list(batches), ImuBatch)
                score(truth, game, "step", tallies.setdefault("imu:chest step, slow script", Tally()))
            walking = detect_walking(batches)
            score(truth, walking, "step", tallies.setdefault(f"imu:chest walking step, {name} script", Tally()))
    for placement in LIMB_PLACEMENTS:
        for seed in SEEDS:
            batches, truth = simulate_limb(DEFAULT_SCRIPT, seed, placement)
            score(truth, detect_limb(batches, placement), "step", tallies.setdefault(f"imu:{placement} step", Tally()))
    for exercise, period_s in REP_SETS:
        for seed in SEEDS:
            truth, found = detect_reps(exercise, period_s, seed)
            score(truth, found, "rep", tallies.setdefault("imu:wrist rep", Tally()))
    print("| detector | true | found | precision | recall | latency median (ms) | latency p95 (ms) | timing error median (ms) |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, t in tallies.items():
        n_found = t.tp + t.fp
        prec = t.tp / n_found if n_found else float("nan")
        rec = t.tp / (t.tp + t.fn) if t.tp + t.fn else float("nan")
        lat = f"{statistics.median(t.latency_ms):.0f} | {p95(t.latency_ms):.0f}" if t.latency_ms else "- | -"
        tim = f"{statistics.median(t.timing_ms):+.0f}" if t.timing_ms else "-"
        print(f"| {name} | {t.tp + t.fn} | {n_found} | {prec:.3f} | {rec:.3f} | {lat} | {tim} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
