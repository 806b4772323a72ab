"""Step, take-off and jump detectors over a trunk-worn accelerometer
(:class:`~sensors.samples.ImuBatch`).

Placement assumptions: one IMU on the trunk (chest strap or waist/belt clip), firmly attached,
any mounting orientation. The vertical is not hard-coded to a sensor axis: at rest the
accelerometer reads +1 g along "up", and over any stretch of exercise in place the body's own
acceleration averages to zero, so a running low-pass of the acceleration vector points up
(:class:`GravityEstimator`). Projecting on that direction gives the vertical acceleration;
this includes, as a special case, "the sensor axis most aligned with gravity is vertical",
and also handles a tilted mount. Gyroscope data is not needed.

Wrist, ankle or hand-held placements break these assumptions (arm swing dominates) and are
not supported here; :data:`TRUNK_PLACEMENTS` lists the accepted ones.

Squats are not detected from the IMU: a trunk accelerometer sees a squat only as a slow,
small vertical acceleration (about +-0.1 g for a 1-2 s squat), indistinguishable from bending
or sitting without a gyroscope-based tilt model; the pose camera covers squats and ``crouch``.

All functions are pure step functions over timestamped samples: ``update(...)`` takes a batch
and returns events; vectorised with numpy except for short loops over detected candidates.
"""

from __future__ import annotations

import math

import numpy as np

from sensors.clock import NS_PER_S
from sensors.motion.cadence import CadenceEstimator
from sensors.motion.events import MotionEvent
from sensors.motion.pose_detectors import G_MPS2, jump_height_from_flight_m
from sensors.motion.walking import WalkingStepDetector
from sensors.samples import ImuBatch

#: Placements on the trunk, where vertical acceleration follows the centre of mass.
TRUNK_PLACEMENTS = frozenset(
    {"chest", "sternum", "trunk", "back", "upper_back", "lower_back", "waist", "hip", "pelvis", "belt", "sacrum"}
)

#: Free fall: |acc| below this (g). A body in ballistic flight reads ~0 g whatever the mounting.
FREE_FALL_G = 0.4
#: Below this cadence (steps/min) the walking detector's cadence may stand in for the step
#: detector's (:meth:`ImuMotionDetector.slow_cadence_spm`): walking and slow jogging.
SLOW_CADENCE_SPM = 110.0


class GravityEstimator:
    """Running low-pass of the acceleration vector (g), giving "up" in the sensor frame.

    First-order low-pass with time constant ``tau_s``; until ``tau_s`` of data has been seen
    it is the plain mean, so it settles quickly from a cold start. The update is made once per
    chunk of at most ``chunk_s`` with the chunk mean (exact enough because tau >> chunk), so
    no per-sample Python loop is needed; samples are projected with the estimate from before
    their chunk (causal).
    """

    def __init__(self, *, tau_s: float = 2.0, chunk_s: float = 0.1) -> None:
        self.tau_s = tau_s
        self.chunk_s = chunk_s
        self.reset()

    def reset(self) -> None:
        self.lowpass: np.ndarray | None = None
        self._seen_s = 0.0
        self._acc_sum = np.zeros(3)
        self._acc_n = 0

    def vertical_g(self, acc_g: np.ndarray, rate_hz: float) -> np.ndarray:
        """Vertical acceleration in g, up positive, gravity removed (0 at rest).

        Chunk boundaries are counted in samples across batches, so the result does not depend
        on how the stream was cut into batches.
        """
        n = acc_g.shape[0]
        out = np.empty(n, dtype=np.float64)
        chunk = max(1, int(self.chunk_s * rate_hz))
        i = 0
        while i < n:
            j = min(n, i + chunk - self._acc_n)
            part = acc_g[i:j]
            if self.lowpass is None:
                self.lowpass = part.mean(axis=0).astype(np.float64)
            norm = float(np.linalg.norm(self.lowpass))
            out[i:j] = part @ (self.lowpass / norm) - norm if norm > 1e-6 else 0.0
            self._acc_sum += part.sum(axis=0)
            self._acc_n += j - i
            if self._acc_n >= chunk:
                span = self._acc_n / rate_hz
                self._seen_s += span
                alpha = max(1.0 - math.exp(-span / self.tau_s), span / self._seen_s)
                self.lowpass += alpha * (self._acc_sum / self._acc_n - self.lowpass)
                self._acc_sum[:] = 0.0
                self._acc_n = 0
            i = j
        return out


class ImuStepDetector:
    """Steps from peaks of vertical trunk acceleration (the foot-contact loading peaks).

    Vertical acceleration is band-limited by a centred FIR: a ``smooth_s`` moving average (noise,
    heel-strike transients) minus a ``highpass_s`` moving average (slow trunk motion such as
    squatting, bending or a mount settling, all below ~1 Hz, while steps are 1.5-3.5 Hz).
    A local maximum is a step when it exceeds the adaptive threshold
    ``max(min_peak_g, rel_threshold * recent peak height)`` (the recent peak height decays with
    ``peak_tau_s`` so a switch from jogging to walking is followed), at least ``refractory_s``
    after the previous step, and the signal has dipped below ``rearm_g`` since that step (vertical
    acceleration must swing below gravity between contacts, which rejects double peaks).

    Steps come in trains: a peak with no other peak within ``max_step_gap_s`` (1.0 s, i.e.
    cadence >= 60 spm) is not a step.

    Events are held ``hold_s`` before release so that :class:`ImuMotionDetector` can withdraw
    the push-off and landing peaks of a jump (:meth:`veto`). Event time = the peak (mid-stance,
    typically 50-100 ms after foot contact).
    """

    def __init__(
        self,
        *,
        min_peak_g: float = 0.15,
        rel_threshold: float = 0.45,
        refractory_s: float = 0.25,
        rearm_g: float = 0.0,
        smooth_s: float = 0.05,
        highpass_s: float = 0.5,
        hold_s: float = 0.75,
        peak_tau_s: float = 1.0,
        max_step_gap_s: float = 1.0,
        source: str = "imu",
    ) -> None:
        self.max_gap_ns = int(max_step_gap_s * NS_PER_S)
        self.highpass_s = highpass_s
        self.min_peak_g, self.rel_threshold, self.rearm_g = min_peak_g, rel_threshold, rearm_g
        self.refractory_ns = int(refractory_s * NS_PER_S)
        self.smooth_s = smooth_s
        self.hold_ns = int(hold_s * NS_PER_S)
        self.peak_tau_s = peak_tau_s
        self.source = source
        self.cadence = CadenceEstimator(latency_s=hold_s + 0.1)
        self.reset()

    def reset(self) -> None:
        self.cadence.reset()
        self._raw_tail = np.empty(0)
        self._raw_tail_t = np.empty(0, dtype=np.int64)
        self._sm_tail = np.empty(0)  # last 2 smoothed values (peak test spans batches)
        self._sm_tail_t = np.empty(0, dtype=np.int64)
        self._armed = True
        self._last_peak_ns: int | None = None
        self._peak_ref = 0.0
        self._pending: list[MotionEvent] = []
        self._peaks: list[int] = []  # accepted peak times, for the rhythm test
        self._vetoes: dict[int, tuple[int, bool]] = {}  # start -> (end, provisional)

    def cadence_spm(self, now_ns: int) -> float:
        return self.cadence.cadence_spm(now_ns)

    def veto(self, t_from_ns: int, t_to_ns: int, *, provisional: bool = False) -> None:
        """Withdraw held steps in [t_from, t_to] and reject new peaks in that span.

        A ``provisional`` veto (a free fall not yet confirmed as a jump) keeps the held steps
        in the span until it is made final (same ``t_from``, ``provisional=False``) or lifted
        (:meth:`lift_veto`).
        """
        self._vetoes[t_from_ns] = (t_to_ns, provisional)
        if not provisional:
            self._pending = [e for e in self._pending if not t_from_ns <= e.t_ns <= t_to_ns]

    def lift_veto(self, t_from_ns: int) -> None:
        self._vetoes.pop(t_from_ns, None)

    def _vetoed(self, t_ns: int, *, provisional: bool = True) -> bool:
        return any(a <= t_ns <= b and (provisional or not p) for a, (b, p) in self._vetoes.items())

    def update(self, t_ns: np.ndarray, vert_g: np.ndarray, rate_hz: float) -> list[MotionEvent]:
        if vert_g.size == 0:
            return []
        hw = max(0, int(round(self.smooth_s * rate_hz / 2)))  # half widths, samples
        hh = max(hw + 1, int(round(self.highpass_s * rate_hz / 2)))
        big = 2 * hh + 1
        raw = np.concatenate((self._raw_tail, vert_g))
        raw_t = np.concatenate((self._raw_tail_t, t_ns))
        now = int(t_ns[-1])
        if raw.size >= big:
            # Centred windows around sample c = j - hh, for every j whose big window is complete.
            c = np.concatenate(([0.0], np.cumsum(raw)))
            centres = np.arange(hh, raw.size - hh)
            short = (c[centres + hw + 1] - c[centres - hw]) / (2 * hw + 1)
            long_ = (c[centres + hh + 1] - c[centres - hh]) / big
            sm_new, t_new = short - long_, raw_t[centres]
            self._raw_tail, self._raw_tail_t = raw[-(big - 1) :], raw_t[-(big - 1) :]
        else:
            sm_new, t_new = np.empty(0), np.empty(0, dtype=np.int64)
            self._raw_tail, self._raw_tail_t = raw, raw_t
        sm = np.concatenate((self._sm_tail, sm_new))
        ts = np.concatenate((self._sm_tail_t, t_new))
        if sm.size >= 3:
            mid = sm[1:-1]
            cand = np.flatnonzero((mid > sm[:-2]) & (mid >= sm[2:]) & (mid > self.min_peak_g)) + 1
            rearm_from = 0
            for j in cand.tolist():
                tj = int(ts[j])
                if self._last_peak_ns is not None and tj <= self._last_peak_ns:
                    continue  # already judged in the previous batch
                if not self._armed and sm[rearm_from:j].size and float(sm[rearm_from:j].min()) < self.rearm_g:
                    self._armed = True
                if not self._armed or self._vetoed(tj, provisional=False):
                    continue
                if self._last_peak_ns is not None and tj - self._last_peak_ns < self.refractory_ns:
                    continue
                ref = self._peak_ref
                if self._last_peak_ns is not None:
                    ref *= math.exp(-(tj - self._last_peak_ns) / (self.peak_tau_s * NS_PER_S))
                thr = max(self.min_peak_g, self.rel_threshold * ref)
                v = float(sm[j])
                if v < thr:
                    continue
                self._peaks.append(tj)
                self._pending.append(MotionEvent(tj, "step", min(1.0, max(0.3, v / (2 * thr))), 1.0, self.source))
                self._peak_ref = v if self._peak_ref == 0.0 else 0.7 * self._peak_ref + 0.3 * v
                self._last_peak_ns, self._armed, rearm_from = tj, False, j + 1
            if not self._armed and sm[rearm_from:].size and float(sm[rearm_from:].min()) < self.rearm_g:
                self._armed = True
        self._sm_tail, self._sm_tail_t = sm[-2:], ts[-2:]
        out: list[MotionEvent] = []
        keep: list[MotionEvent] = []
        self._peaks = [p for p in self._peaks if p >= now - 3 * self.max_gap_ns]
        # A peak is seen this long after it happened (the centred filter looks ahead).
        partner_wait_ns = self.max_gap_ns + int(round((hh + 1) * NS_PER_S / rate_hz))
        for e in self._pending:
            if now - e.t_ns < self.hold_ns or self._vetoed(e.t_ns):
                keep.append(e)  # too fresh, or awaiting a free fall's verdict
            elif any(0 < abs(p - e.t_ns) <= self.max_gap_ns for p in self._peaks):
                out.append(e)
                self.cadence.add_step(e.t_ns)
            elif now - e.t_ns < partner_wait_ns:
                # The first step of a walk: its partner, up to max_step_gap_s later, may not be
                # visible yet (slow walking has 0.6-1.0 s between steps).
                keep.append(e)
            # else: an isolated peak (a bump, a squat's turn, a shift of stance): no rhythm, no step
        self._pending = keep
        self._vetoes = {a: (b, p) for a, (b, p) in self._vetoes.items() if p or b >= now - 2 * self.hold_ns}
        return out


class ImuJumpDetector:
    """Jumps from free fall: |acc| < ``free_fall_g`` sustained >= ``min_free_fall_s``, then impact.

    In flight the body is ballistic, so a body-worn accelerometer reads ~0 g whatever its
    orientation; the take-off and landing are the moments the ground reaction force leaves
    and returns. The free-fall run's edges are extrapolated from the threshold crossing down
    to the run's own floor level (sensor noise, small rotations) so flight time is not
    inflated by the threshold. Dips back above threshold shorter than ``merge_gap_s`` without
    an impact are merged (arm swing in flight). Landing is confirmed by |acc| >= ``impact_g``
    within ``impact_window_s``; a free fall with no impact (a sensor dropped on a bed...) is no
    jump. Flights lower than ``min_height_m`` (4 cm, 0.18 s) are not reported: vigorous running
    in place has real flight phases of 0.1-0.15 s that are steps, not jumps. Event at take-off,
    magnitude h = g t^2 / 8 (Bosco et al. 1983), metres.
    ``airborne`` is True from confirmed free fall to landing.
    """

    def __init__(
        self,
        *,
        free_fall_g: float = FREE_FALL_G,
        min_free_fall_s: float = 0.12,
        max_free_fall_s: float = 1.0,
        impact_g: float = 1.5,
        impact_window_s: float = 0.2,
        merge_gap_s: float = 0.03,
        min_height_m: float = 0.04,
        source: str = "imu",
    ) -> None:
        self.free_fall_g, self.impact_g = free_fall_g, impact_g
        self.min_height_m = min_height_m
        self.min_ff_ns = int(min_free_fall_s * NS_PER_S)
        self.max_ff_ns = int(max_free_fall_s * NS_PER_S)
        self.impact_window_ns = int(impact_window_s * NS_PER_S)
        self.merge_gap_ns = int(merge_gap_s * NS_PER_S)
        self.source = source
        self.reset()

    def reset(self) -> None:
        self.airborne = False
        self.takeoff_ns: int | None = None
        self.last_flight: tuple[int, int] | None = None
        self._state = "idle"  # idle -> fall -> gap -> idle; cooldown after an over-long fall
        self._prev: tuple[int, float] | None = None
        self._entry: tuple[int, float, int, float] = (0, 0.0, 0, 0.0)  # last above, first below
        self._exit: tuple[int, float, int, float] = (0, 0.0, 0, 0.0)  # last below, first above
        self._sum = 0.0
        self._n = 0
        self._gap_max = 0.0

    def _floor(self) -> float:
        return self._sum / self._n if self._n else 0.0

    def _t_start(self) -> int:
        ta, ma, tb, mb = self._entry
        return _cross(ta, ma, tb, mb, self._floor())

    def update(self, t_ns: np.ndarray, mag_g: np.ndarray) -> list[MotionEvent]:
        if mag_g.size == 0:
            return []
        below = mag_g < self.free_fall_g
        if self._state == "idle" and not below.any():
            self._prev = (int(t_ns[-1]), float(mag_g[-1]))  # the common case: no loop at all
            return []
        start = int(np.argmax(below)) if self._state == "idle" else 0
        if start > 0:
            self._prev = (int(t_ns[start - 1]), float(mag_g[start - 1]))
        events: list[MotionEvent] = []
        for t, m in zip(t_ns[start:].tolist(), mag_g[start:].tolist(), strict=True):
            ev = self._step(t, m)
            if ev is not None:
                events.append(ev)
            self._prev = (t, m)
        return events

    def _step(self, t: int, m: float) -> MotionEvent | None:
        low = m < self.free_fall_g
        st = self._state
        if st == "cooldown":
            if not low:
                self._state = "idle"
            return None
        if st == "idle":
            if low:
                pt, pm = self._prev if self._prev is not None else (t, m)
                self._entry = (pt, pm, t, m)
                self._sum, self._n, self._state = m, 1, "fall"
            return None
        if st == "fall":
            if low:
                self._sum += m
                self._n += 1
                dur = t - self._entry[2]
                if dur > self.max_ff_ns:
                    self.airborne, self._state = False, "cooldown"
                elif not self.airborne and dur >= self.min_ff_ns:
                    self.airborne, self.takeoff_ns = True, self._t_start()
                return None
            pt, pm = self._prev if self._prev is not None else (t, m)
            self._exit = (pt, pm, t, m)
            self._gap_max, self._state = m, "gap"
        else:  # gap: just left free fall
            self._gap_max = max(self._gap_max, m)
            if low and t - self._exit[2] <= self.merge_gap_ns and self._gap_max < self.impact_g:
                self._sum += m
                self._n += 1
                self._state = "fall"
                return None
        if self._gap_max >= self.impact_g:
            self._state = "idle"
            was_airborne, self.airborne = self.airborne, False
            if not was_airborne:
                return None  # too short to be a jump (e.g. the flight phase of running)
            t_off = self._t_start()
            ta, ma, tb, mb = self._exit
            t_land = _cross(ta, ma, tb, mb, self._floor())
            flight_s = (t_land - t_off) / NS_PER_S
            height = jump_height_from_flight_m(flight_s)
            if height < self.min_height_m:
                return None  # the flight phase of vigorous running in place, not a jump
            self.last_flight = (t_off, t_land)
            conf = min(1.0, max(0.3, 1.0 - self._floor() / self.free_fall_g))
            return MotionEvent(t_off, "jump", conf, height, self.source)
        if t - self._exit[2] > self.impact_window_ns:
            self.airborne, self._state = False, "idle"
        return None


class ImuTakeoffDetector:
    """The take-off of a jump from a trunk IMU, as soon as the flight is recognisable, not at
    landing: for a game that must answer a jump while the player is still in the air.

    Flight: free fall, |acc| < ``free_fall_g`` for ``min_free_fall_s`` (20 ms: the third sample
    below the threshold at 100 Hz), timed like :class:`ImuJumpDetector` (from the first sample
    below). Running steps and jumping-jack hops also leave the floor, for 0.1-0.2 s; what tells a
    jump from them this early is how fast the body left the floor. The take-off speed is the
    impulse of the push-off: by the impulse-momentum theorem the change in vertical velocity is
    the integral of the support force beyond body weight over mass, dv = g (f - 1) dt with f the
    specific force in g (Linthorne NP. Analysis of standing vertical jumps using a force platform.
    Am J Phys 2001;69:1198-1204, eq. 2). |acc| stands for f: it needs no orientation (the trunk
    pitches by ~30 deg in a countermovement) and the sideways part of a push is small. A leaky
    integrator (time constant ``speed_tau_s``) forgets the unknown starting velocity and any error
    in the accelerometer's scale, at the price of reading a 2 m/s take-off as ~1.8 m/s.

    A take-off is reported when the free fall is confirmed and the speed just before it reached
    ``min_speed_mps`` (1.5: on the simulated player, 20-30 cm jumps from standing or jogging read
    1.9-2.2, jumping-jack hops at most 1.2, jogging at up to 200 steps/min at most 0.7), or,
    whatever the speed, once the free fall has lasted ``sure_free_fall_s`` (0.24 s: longer than a
    jack's hop or a running step's flight, and as long as the flight of a 7 cm jump,
    h = g t^2 / 8, Bosco et al. 1983), so that a low jump still counts, later. One event per
    free fall; ``MotionEvent("takeoff")`` at the first sample below the threshold, magnitude 1.0
    (the height comes with the ``jump`` event at landing), confidence from the speed.
    ``in_flight``: a reported take-off whose free fall goes on.
    """

    def __init__(
        self,
        *,
        free_fall_g: float = FREE_FALL_G,
        min_free_fall_s: float = 0.02,
        min_speed_mps: float = 1.5,
        sure_free_fall_s: float = 0.24,
        speed_tau_s: float = 0.5,
        source: str = "imu",
    ) -> None:
        self.free_fall_g = free_fall_g
        self.min_ff_ns = int(min_free_fall_s * NS_PER_S)
        self.sure_ff_ns = int(sure_free_fall_s * NS_PER_S)
        self.min_speed_mps = min_speed_mps
        self.speed_tau_s = speed_tau_s
        self.source = source
        self.reset()

    def reset(self) -> None:
        self.speed_mps = 0.0  # the integrator's vertical speed after the last sample
        self.in_flight = False
        self._last_t: int | None = None
        self._run_start: int | None = None  # first sample of the run below free_fall_g
        self._run_speed = 0.0  # speed just before that run began
        self._reported = False

    def _speeds(self, t_ns: np.ndarray, mag_g: np.ndarray, rate_hz: float) -> np.ndarray:
        """Leaky integral of g (|acc| - 1) after each sample: v[k] = a v[k-1] + g (f[k] - 1) dt,
        a = exp(-dt / tau), vectorised in chunks short enough for a^-k to stay well-conditioned."""
        dt = 1.0 / rate_hz
        a = math.exp(-dt / self.speed_tau_s)
        v0 = self.speed_mps
        if self._last_t is not None:  # samples lost between batches: the integrator only leaks
            gap_s = (int(t_ns[0]) - self._last_t) / NS_PER_S - dt
            if gap_s > 0:
                v0 *= math.exp(-gap_s / self.speed_tau_s)
        x = G_MPS2 * (mag_g - 1.0) * dt
        out = np.empty_like(x)
        chunk = 64
        powers = a ** np.arange(1, chunk + 1)
        for i in range(0, x.size, chunk):
            p = powers[: min(chunk, x.size - i)]
            out[i : i + p.size] = p * (v0 + np.cumsum(x[i : i + p.size] / p))
            v0 = float(out[i + p.size - 1])
        return out

    def update(self, t_ns: np.ndarray, mag_g: np.ndarray, rate_hz: float) -> list[MotionEvent]:
        if mag_g.size == 0:
            return []
        if self._last_t is not None and int(t_ns[0]) - self._last_t > 2.5 * NS_PER_S / rate_hz:
            self._run_start, self.in_flight = None, False  # samples lost: a run cannot go on over them
        speeds = self._speeds(t_ns, mag_g, rate_hz)
        before = self.speed_mps
        self.speed_mps, self._last_t = float(speeds[-1]), int(t_ns[-1])
        below = mag_g < self.free_fall_g
        if self._run_start is None and not below.any():
            return []  # the common case: no loop at all
        first = 0 if self._run_start is not None else int(np.argmax(below))
        out: list[MotionEvent] = []
        for i in range(first, mag_g.size):
            t = int(t_ns[i])
            if not below[i]:
                self._run_start, self.in_flight = None, False
                continue
            if self._run_start is None:
                self._run_start, self._reported = t, False
                self._run_speed = float(speeds[i - 1]) if i > 0 else before
            if self._reported:
                continue
            dur = t - self._run_start
            fast = dur >= self.min_ff_ns and self._run_speed >= self.min_speed_mps
            if fast or dur >= self.sure_ff_ns:
                self._reported = self.in_flight = True
                conf = min(1.0, max(0.3, self._run_speed / (1.3 * self.min_speed_mps))) if fast else 0.6
                out.append(MotionEvent(self._run_start, "takeoff", conf, 1.0, self.source))
        return out


def _cross(t_a: int, m_a: float, t_b: int, m_b: float, level: float) -> int:
    """Time the line (t_a, m_a)-(t_b, m_b) reaches ``level``, kept within [t_a, t_b]."""
    if m_b == m_a:
        return t_b
    frac = min(1.0, max(0.0, (level - m_a) / (m_b - m_a)))
    return t_a + round(frac * (t_b - t_a))


class ImuMotionDetector:
    """Steps, take-offs and jumps from one trunk IMU, coordinated so that a jump is never also a
    step.

    ``takeoff`` comes from :class:`ImuTakeoffDetector` while the player is in the air; ``jump``
    (with the height) from :class:`ImuJumpDetector` once they have landed. When a free fall is
    confirmed, held steps from ``push_off_s`` before take-off are withdrawn
    (a countermovement's unweighting, braking and push-off take ~0.5-0.8 s) and new peaks are
    rejected until ``landing_s`` after landing (impact, absorption and recovery). The step
    detector's hold (0.75 s) is longer than push-off plus the free-fall confirmation time.
    ``airborne``: from a reported take-off, or a free fall long enough for the jump detector,
    to landing. ``source`` defaults to ``"imu:<placement>"`` of the first batch.

    Beside them runs the walking detector (:class:`~sensors.motion.walking.WalkingStepDetector`)
    on the same vertical acceleration. Its steps are not events (they come seconds late); its
    cadence is :meth:`slow_cadence_spm`, for a slow walker whose soft steps the step detector's
    0.15 g floor misses (VALIDATION.md: a third of everyday steps, all of them on the simulated
    player below 90 steps/min).
    """

    def __init__(self, source: str | None = None, *, push_off_s: float = 0.6, landing_s: float = 0.7) -> None:
        self._fixed_source = source
        self.source = source or "imu"
        self.push_off_ns = int(push_off_s * NS_PER_S)
        self.landing_ns = int(landing_s * NS_PER_S)
        self.gravity = GravityEstimator()
        self.steps = ImuStepDetector(source=self.source)
        self.jumps = ImuJumpDetector(source=self.source)
        self.takeoffs = ImuTakeoffDetector(source=self.source)
        self.walking = WalkingStepDetector(source=self.source)
        self.reset()

    def reset(self) -> None:
        self.gravity.reset()
        self.steps.reset()
        self.jumps.reset()
        self.takeoffs.reset()
        self.walking.reset()
        self.last_t_ns: int | None = None
        self._veto_from: int | None = None

    @property
    def airborne(self) -> bool:
        return self.jumps.airborne or self.takeoffs.in_flight

    def cadence_spm(self, now_ns: int) -> float:
        return self.steps.cadence_spm(now_ns)

    def slow_cadence_spm(self, now_ns: int) -> float:
        """The walking detector's cadence (steps/min) when it is below :data:`SLOW_CADENCE_SPM`,
        else 0. It lags the player by the walking detector's delay (up to ``walking.delay_s``, 4.1 s,
        plus up to two steps): it appears about 5 s after a slow walk starts and fades out
        5-7 s after it stops. A faster cadence is left to the low-latency step detector, which
        counts jogging fully, so a stop after jogging is not drawn out."""
        interval_s = self.walking.cadence.median_interval_s()
        if interval_s is None or 60.0 / interval_s >= SLOW_CADENCE_SPM:
            return 0.0  # judged on the rhythm itself, not on its fading after a stop
        return self.walking.cadence_spm(now_ns)

    def update(self, batch: ImuBatch) -> list[MotionEvent]:
        if batch.n_values == 0:
            return []
        if self._fixed_source is None and self.last_t_ns is None:
            self.source = f"imu:{batch.placement}"
            self.steps.source = self.jumps.source = self.takeoffs.source = self.source
        t = batch.times_after(self.last_t_ns)  # overlapping / repeated samples dropped
        if t.size == 0:
            return []
        acc = batch.acc_g[-t.size :].astype(np.float64)
        self.last_t_ns = int(t[-1])
        mag = np.sqrt(np.einsum("ij,ij->i", acc, acc))
        vert = self.gravity.vertical_g(acc, batch.rate_hz)
        events = self.takeoffs.update(t, mag, batch.rate_hz)
        events += self.jumps.update(t, mag)
        if self.jumps.airborne and self.jumps.takeoff_ns is not None:
            # In free fall: push-off and landing peaks must not become steps, unless the
            # free fall turns out to be no jump (no landing impact).
            self._veto_from = self.jumps.takeoff_ns - self.push_off_ns
            self.steps.veto(self._veto_from, 2**62, provisional=True)
        elif self._veto_from is not None:
            if events and self.jumps.last_flight is not None:
                self.steps.veto(self._veto_from, self.jumps.last_flight[1] + self.landing_ns)
            else:
                self.steps.lift_veto(self._veto_from)
            self._veto_from = None
        events.extend(self.steps.update(t, vert, batch.rate_hz))
        self.walking.update(t, vert, batch.rate_hz)  # its cadence only: see slow_cadence_spm
        events.sort(key=lambda e: e.t_ns)
        return events


__all__ = [
    "FREE_FALL_G",
    "SLOW_CADENCE_SPM",
    "TRUNK_PLACEMENTS",
    "GravityEstimator",
    "ImuJumpDetector",
    "ImuMotionDetector",
    "ImuStepDetector",
    "ImuTakeoffDetector",
]
