"""Initial contacts of walking from a trunk (lower-back, waist, chest) IMU: recall first, with
seconds of delay.

The game's trunk detector (:class:`~sensors.motion.imu_detectors.ImuStepDetector`) answers a
step within a fraction of a second, and to stay quiet while a player stands it needs a loading
peak of 0.15 g; slow, everyday steps (0.05-0.5 g) slip under that floor. This detector is for
counting (``liike analyze imu``, session summaries, research export) and for the cadence of a
slow walker, where a delay of a few seconds does not matter.

Method: McCamley et al. 2012 as modified by Paraschiv-Ionescu et al. 2020, the initial-contact
detector of the Mobilise-D recommended pipeline benchmarked by Micó-Amigo et al. 2023:

1. vertical acceleration of the lower back (g, gravity removed; the caller gives it, from an
   AHRS with a gyroscope or a low-pass estimate of "up" without one);
2. integrated over time (a velocity up to a drift);
3. a continuous wavelet transform at one scale with the second derivative of a Gaussian. The
   published scale is 9 samples at 40 Hz with the wavelet exp(-t^2) in units of the scale, a
   Gaussian of standard deviation 9 / sqrt(2) / 40 = 0.16 s (:data:`WAVELET_SIGMA_S`); taken in
   seconds it does not depend on the sampling rate. A kernel with zero mean and zero first
   moment also removes the integral's offset and linear drift, the job of the published
   0.15 Hz high-pass;
4. each minimum between a falling and the next rising zero crossing of the result is an
   initial contact.

References: J. McCamley, M. Donati, E. Grimpampi, C. Mazzà, "An enhanced estimate of initial
contact and final contact instants of time using lower trunk inertial sensor data", Gait &
Posture 36(2):316-318, 2012. A. Paraschiv-Ionescu, A. Soltani, K. Aminian, "Real-world speed
estimation using single trunk IMU: methodological challenges for impaired gait patterns", IEEE
EMBC 2020:4596-4599. F. Micó-Amigo et al., "Assessing real-world gait with digital technology?
Validation, insights and recommendations from the Mobilise-D consortium", J NeuroEng Rehabil
20:78, 2023.

Our additions, measured on the Mobilise-D recordings in mobgap's example data (VALIDATION.md):

- timing: the wavelet's minimum comes on average 0.09 s before the reference contact (it
  smooths over 0.16 s), and in slow steps the sinking of the trunk before a contact can deepen
  the same negative lobe further from it. Each contact is moved to the steepest rise of the
  lightly smoothed vertical acceleration (Gaussian, :data:`JERK_SIGMA_S`) within its lobe: the
  heel strike's jolt, which on the same recordings lies at the reference contact (median
  0.00 s, half of them within 0.04 s);
- the published method runs inside walking bouts found by a separate detector; here it runs
  on everything, so what is not walking must be left out: a contact needs a jolt of
  :data:`MIN_JERK_G_PER_S` (standing sway reads 0.06-0.2 g/s), at least
  :data:`REL_LOCAL` of the median jolt of the contacts within :data:`LOCAL_S` (a wobble
  between two firm steps is not one), :data:`MIN_STEP_S` from a stronger contact and more
  than :data:`DOUBLE_FRACTION` of the recent step interval from its neighbour (one foot lands
  once), and a train of :data:`MIN_TRAIN` contacts each at most :data:`MAX_STEP_GAP_S`
  after the previous one (a single shift of weight is no walking).

Pure step function over timestamped samples: ``update(t_ns, vert_g, rate_hz)`` returns the
contacts that became certain; :func:`walking_contacts` does a whole recording at once.
"""

from __future__ import annotations

import math

import numpy as np

from sensors.clock import NS_PER_S
from sensors.motion.cadence import CadenceEstimator
from sensors.motion.events import MotionEvent

#: Standard deviation of the wavelet's Gaussian (s): scale 9 at 40 Hz (Paraschiv-Ionescu 2020).
WAVELET_SIGMA_S = 9.0 / math.sqrt(2.0) / 40.0
#: The kernels reach this many standard deviations either side (the Gaussian is < 0.04 % there).
KERNEL_SIGMAS = 4.0
#: Smoothing of the vertical acceleration before its slope is taken (s, Gaussian sigma).
JERK_SIGMA_S = 0.04
#: A lobe of the wavelet's response longer than this (s) is no step's rise (half a step at 30
#: steps/min): it is not looked into, and a streaming analysis waits this long for a lobe to close.
MAX_LOBE_S = 1.5
#: The smallest jolt of a contact (g/s, slope of the smoothed vertical acceleration).
MIN_JERK_G_PER_S = 0.5
#: Two contacts closer than this (s) are one: the stronger stays (a cadence of 240 steps/min).
MIN_STEP_S = 0.25
#: A contact's jolt must reach this share of the median jolt within +-LOCAL_S (s).
REL_LOCAL, LOCAL_S = 0.3, 1.5
#: A contact closer to the one before than this share of the recent step interval (the median
#: interval of the contacts from DOUBLE_BACK_S before it to LOCAL_S after it) is a slow step's
#: second peak: the weaker of the two goes. Judging doubles by the rhythm instead of a fixed
#: spacing keeps running at 180-200 steps/min (0.30-0.33 s apart) whole.
DOUBLE_FRACTION, DOUBLE_BACK_S = 0.5, 3.0
#: Walking is a train of at least this many contacts ...
MIN_TRAIN = 3
#: ... each at most this long after the previous one (s): 30 steps/min. Everyday bouts in the
#: Mobilise-D recordings pause 1.3-2.7 s between two contacts while turning; a longer pause
#: splits the bout in two trains, each of which must then be long enough on its own.
MAX_STEP_GAP_S = 2.0


def _gaussian(sigma_s: float, rate_hz: float, derivative: int) -> np.ndarray:
    """Samples of a Gaussian of standard deviation ``sigma_s`` (unit area) or of its first or
    second derivative with respect to time, over +-KERNEL_SIGMAS sigma."""
    half = max(1, int(math.ceil(KERNEL_SIGMAS * sigma_s * rate_hz)))
    t = np.arange(-half, half + 1) / rate_hz
    g = np.exp(-0.5 * (t / sigma_s) ** 2)
    g /= g.sum() * (1.0 / rate_hz)  # unit area in seconds: convolution then approximates the integral
    if derivative == 1:
        return -t / sigma_s**2 * g
    if derivative == 2:
        return (t**2 / sigma_s**4 - 1.0 / sigma_s**2) * g
    return g


def contact_candidates(vert_g: np.ndarray, rate_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Every contact the wavelet finds in ``vert_g`` (vertical acceleration, g, gravity removed),
    moved to its jolt (the steepest rise within the wavelet's negative lobe): (sample indices,
    jolt in g/s), in time order, before any of the tests that tell walking from other movement.
    Contacts less than a kernel's half width from either end
    are unreliable; streaming callers leave a margin (:class:`WalkingStepDetector`)."""
    v = np.asarray(vert_g, dtype=np.float64)
    n = v.size
    dt = 1.0 / rate_hz
    wavelet = _gaussian(WAVELET_SIGMA_S, rate_hz, 2)
    if n < wavelet.size:
        return np.empty(0, dtype=np.int64), np.empty(0)
    velocity = np.cumsum(v - v.mean()) * dt
    # The wavelet's response of the integrated signal is the smoothed slope of the acceleration;
    # negated so that its minima are the rises of vertical acceleration at heel strike.
    w = -np.convolve(velocity, wavelet, mode="same") * dt
    w -= w.mean()
    negative = w < 0
    falls = np.flatnonzero(~negative[:-1] & negative[1:]) + 1  # first negative sample
    rises = np.flatnonzero(negative[:-1] & ~negative[1:]) + 1  # first non-negative sample
    smooth = np.convolve(v, _gaussian(JERK_SIGMA_S, rate_hz, 0), mode="same") * dt
    jerk = np.gradient(smooth) * rate_hz
    idx: list[int] = []
    strength: list[float] = []
    k = 0
    for f in falls.tolist():
        while k < rises.size and rises[k] <= f:
            k += 1
        if k == rises.size:
            break  # the lobe is not closed yet
        r = int(rises[k])
        if r - f > MAX_LOBE_S * rate_hz:
            continue
        j = f + int(np.argmax(jerk[f:r]))
        idx.append(j)
        strength.append(float(jerk[j]))
    return np.asarray(idx, dtype=np.int64), np.asarray(strength)


def select_contacts(
    idx: np.ndarray,
    strength: np.ndarray,
    rate_hz: float,
    *,
    min_jerk: float = MIN_JERK_G_PER_S,
    rel_local: float = REL_LOCAL,
    double_fraction: float = DOUBLE_FRACTION,
) -> np.ndarray:
    """The candidates (:func:`contact_candidates`) that are firm, not doubled and not outshone
    by their neighbours: a boolean mask, trains not yet considered. The keywords default to the
    module's thresholds; other values are for measuring what the thresholds trade
    (``tools/validate.py --mobgap-sweep``)."""
    keep = strength >= min_jerk
    # One contact per MIN_STEP_S, the strongest first.
    gap = MIN_STEP_S * rate_hz
    chosen = np.zeros(idx.size, dtype=bool)
    for k in np.argsort(-strength, kind="stable").tolist():
        if keep[k] and not np.any(chosen & (np.abs(idx - idx[k]) < gap)):
            chosen[k] = True
    local = LOCAL_S * rate_hz
    out = chosen.copy()
    for k in np.flatnonzero(chosen).tolist():
        near = chosen & (np.abs(idx - idx[k]) <= local)
        out[k] = strength[k] >= rel_local * float(np.median(strength[near]))
    kept = np.flatnonzero(out)
    t = idx[kept] / rate_hz
    for i in range(1, kept.size):
        around = t[(t >= t[i] - DOUBLE_BACK_S) & (t <= t[i] + LOCAL_S)]
        intervals = np.diff(around)
        intervals = intervals[intervals <= MAX_STEP_GAP_S]
        if intervals.size >= 2 and t[i] - t[i - 1] < double_fraction * float(np.median(intervals)):
            weaker = kept[i] if strength[kept[i]] < strength[kept[i - 1]] else kept[i - 1]
            out[weaker] = False
    return out


def in_trains(times: np.ndarray, max_gap: float, min_train: int = MIN_TRAIN) -> np.ndarray:
    """Mask of the ``times`` (sorted) that belong to a run of at least ``min_train`` with no
    gap longer than ``max_gap`` (same unit as ``times``)."""
    out = np.zeros(times.size, dtype=bool)
    if times.size == 0:
        return out
    breaks = np.flatnonzero(np.diff(times) > max_gap) + 1
    for run in np.split(np.arange(times.size), breaks):
        if run.size >= min_train:
            out[run] = True
    return out


def walking_contacts(
    vert_g: np.ndarray,
    rate_hz: float,
    *,
    min_jerk: float = MIN_JERK_G_PER_S,
    rel_local: float = REL_LOCAL,
    double_fraction: float = DOUBLE_FRACTION,
) -> np.ndarray:
    """Initial contacts of walking in a whole recording of vertical acceleration (g): times in
    seconds from the first sample. The same tests as :class:`WalkingStepDetector`, all at once;
    the keywords as in :func:`select_contacts`."""
    idx, strength = contact_candidates(vert_g, rate_hz)
    chosen = select_contacts(idx, strength, rate_hz, min_jerk=min_jerk, rel_local=rel_local, double_fraction=double_fraction)
    idx = idx[chosen]
    t: np.ndarray = idx / rate_hz
    walking: np.ndarray = t[in_trains(t, MAX_STEP_GAP_S)]
    return walking


class WalkingStepDetector:
    """:func:`walking_contacts` over a stream, in bounded memory.

    The last ``window_s`` of vertical acceleration is kept; every ``hop_s`` of new samples it is
    analysed again, and the contacts at least :attr:`settle_s` before its end (the kernels' half
    width, the longest lobe and the neighbourhood of the local test) are final: they no
    longer change when more samples arrive. A final contact becomes a ``"step"`` event once it
    is in a train of :data:`MIN_TRAIN`, so a step is reported ``settle_s`` (3.6 s) to
    :attr:`delay_s` (``settle_s`` + ``hop_s``, 4.1 s) after it happened once a walk is under
    way (3.9-4.0 s median on the simulated player, BENCHMARKS.md); the first contacts of a walk
    also wait for the train's next ones. Event time = the initial contact.

    ``cadence_spm(now)`` comes from these steps (a :class:`CadenceEstimator` that allows for the
    delay). Samples are taken as evenly spaced at ``rate_hz``; a gap longer than
    :data:`MAX_STEP_GAP_S` between batches starts the analysis afresh.
    """

    def __init__(self, *, window_s: float = 10.0, hop_s: float = 0.5, source: str = "imu") -> None:
        self.source = source
        self.window_s, self.hop_s = window_s, hop_s
        self.settle_s = KERNEL_SIGMAS * WAVELET_SIGMA_S + MAX_LOBE_S + LOCAL_S
        # A contact made final needs DOUBLE_BACK_S of contacts before it, each a kernel from the edge.
        least = self.settle_s + hop_s + DOUBLE_BACK_S + KERNEL_SIGMAS * WAVELET_SIGMA_S
        if window_s < least:
            raise ValueError(f"window_s must be at least {least:.1f} s")
        self.cadence = CadenceEstimator(latency_s=self.delay_s, max_gap_s=self.delay_s + 2.0)
        self.reset()

    @property
    def delay_s(self) -> float:
        """The longest delay of a step within a walk (s): settling plus one hop. The first steps of
        a walk come later still, by the time to the train's next contacts."""
        return self.settle_s + self.hop_s

    def reset(self) -> None:
        self.cadence.reset()
        self._v: list[np.ndarray] = []
        self._n = 0  # samples buffered
        self._t0_ns: int | None = None  # time of the first buffered sample
        self._last_ns: int | None = None
        self._new = 0  # samples since the last analysis
        self._final_until_ns: int | None = None  # contacts up to here are final
        self._open: list[int] = []  # final contacts not yet in a train of MIN_TRAIN (times)
        self._last_final_ns: int | None = None
        self._reported: list[int] = []  # the latest reported contacts (for trains across hops)
        self._rate_hz = 0.0

    def cadence_spm(self, now_ns: int) -> float:
        return self.cadence.cadence_spm(now_ns)

    def update(self, t_ns: np.ndarray, vert_g: np.ndarray, rate_hz: float) -> list[MotionEvent]:
        """Feed samples (times in ns, vertical acceleration in g); the steps that became certain."""
        if vert_g.size == 0:
            return []
        gap_ns = int(MAX_STEP_GAP_S * NS_PER_S)
        out: list[MotionEvent] = []
        if self._last_ns is not None and (int(t_ns[0]) - self._last_ns > gap_ns or rate_hz != self._rate_hz):
            out += self.flush()  # a pause or a new rate: what was buffered is analysed to its end
            self._restart()
        if self._t0_ns is None:
            self._t0_ns = int(t_ns[0])
        self._rate_hz = rate_hz
        self._v.append(np.asarray(vert_g, dtype=np.float64))
        self._n += vert_g.size
        self._new += vert_g.size
        self._last_ns = int(t_ns[-1])
        if self._new >= self.hop_s * rate_hz:
            out += self._analyse(final=False)
        return out

    def flush(self) -> list[MotionEvent]:
        """End of a recording: every buffered contact is final."""
        if self._n == 0:
            return []
        out = self._analyse(final=True)
        self._restart()
        return out

    def _restart(self) -> None:
        self._v, self._n, self._new = [], 0, 0
        self._t0_ns = self._final_until_ns = self._last_final_ns = None
        self._open, self._reported = [], []

    def _analyse(self, *, final: bool) -> list[MotionEvent]:
        assert self._t0_ns is not None and self._last_ns is not None
        rate = self._rate_hz
        v = np.concatenate(self._v) if len(self._v) > 1 else self._v[0]
        self._new = 0
        idx, strength = contact_candidates(v, rate)
        idx = idx[select_contacts(idx, strength, rate)]
        times = [self._t0_ns + int(round(i * NS_PER_S / rate)) for i in idx.tolist()]
        settle_ns = int(self.settle_s * NS_PER_S)
        until = self._last_ns if final else self._last_ns - settle_ns
        lower = self._final_until_ns
        min_step_ns = int(MIN_STEP_S * NS_PER_S)
        for t in times:
            if t > until or (lower is not None and t <= lower):
                continue
            if self._last_final_ns is not None and t - self._last_final_ns < min_step_ns:
                continue  # its stronger neighbour was made final in the previous analysis
            self._open.append(t)
            self._last_final_ns = t
        self._final_until_ns = until if lower is None else max(lower, until)
        out = self._release(final=final)
        # Keep the window: what lies before it can no longer change a contact still to come.
        keep = int(self.window_s * rate)
        if self._n > keep:
            v = v[-keep:]
            self._t0_ns += int(round((self._n - keep) * NS_PER_S / rate))
            self._n = keep
        self._v = [v]
        return out

    def _release(self, *, final: bool) -> list[MotionEvent]:
        gap_ns = int(MAX_STEP_GAP_S * NS_PER_S)
        chain = self._reported[-(MIN_TRAIN - 1) :] + self._open
        mask = in_trains(np.asarray(chain, dtype=np.int64), gap_ns)
        n_prev = len(chain) - len(self._open)
        out: list[MotionEvent] = []
        still_open: list[int] = []
        for t, ok in zip(self._open, mask[n_prev:].tolist(), strict=True):
            if ok:
                out.append(MotionEvent(t, "step", 1.0, 1.0, self.source))
                self.cadence.add_step(t)
                self._reported.append(t)
            elif not final and self._final_until_ns is not None and self._final_until_ns - t <= gap_ns * MIN_TRAIN:
                still_open.append(t)  # later contacts may still make it a train
        self._reported = self._reported[-(MIN_TRAIN - 1) :]
        self._open = still_open
        return out


__all__ = [
    "DOUBLE_FRACTION",
    "MAX_STEP_GAP_S",
    "MIN_TRAIN",
    "WAVELET_SIGMA_S",
    "WalkingStepDetector",
    "contact_candidates",
    "in_trains",
    "select_contacts",
    "walking_contacts",
]
