"""Counting the cycles of a repeated movement in a multi-channel signal, as a step function.

The core shared by the placement-general gait detector (:mod:`sensors.motion.gait`) and the
generic repetition counter (:mod:`sensors.motion.reps`). Nothing here knows about bodies: it
finds the dominant period of a vector signal and counts one event per cycle of it.

Method, on a trailing analysis window every ``hop_s`` of new samples:

1. Period: the autocorrelation of the vector signal (the sum of each mean-removed channel's
   autocorrelation, so it needs no choice of axis or sign) is searched for its highest local
   maximum within ``[min_period_s, max_period_s]``; a peak near a half or a third of that lag
   reaching 65 % of it is taken instead (the autocorrelation of a periodic signal is as high
   at two periods as at one, so the shortest of the comparable lags is the period), while a
   strong second harmonic (two bumps per repetition) stays below the fundamental. A window whose
   best normalised autocorrelation is below ``min_score`` is not periodic: the last good period
   is kept.
2. One signal: the channels are high-passed (minus their moving average over one period, which
   removes gravity, drift and posture without touching the fundamental) and projected on their
   first principal component (the direction of largest variance), its sign kept from one
   window with real movement to the next so that peaks do not become troughs. With
   ``posture_channels`` (the first k channels read a posture: a rotation, gravity's direction),
   the peaks are put on the side the posture signal is skewed to, averaged over about two
   periods: a repetition's turning point, which lies farther from the mean than the posture
   it rests in.
3. Band-pass to the fundamental: a moving average over half a period has a zero at twice the
   movement frequency (and every even harmonic), one over a third of a period a zero at three
   times it; together they leave close to one sinusoid per cycle, whatever the waveform of one
   repetition. Channels are band-passed before the principal direction is taken, so the axis
   that carries the fundamental wins over one with sharp impacts. Choosing twice the true
   period would put the half-period zero right on the movement: when the band at half the
   chosen period carries 1.6 times more, that half is taken.
4. Counting with hysteresis: a lobe starts when the signal rises above ``+h`` and ends when it
   falls below ``h / 2``; the cycle is counted at the lobe's highest point. The counter re-arms
   after the signal falls below ``-h``, or after 1.5 periods without a count (a new set starts
   from rest, where the signal never swings negative first);
   h = max(``abs_threshold``, ``rel_threshold`` x the window's amplitude (95th percentile of
   the absolute band-passed signal)). Two counts are at least ``min_gap`` x period apart.
   ``abs_threshold`` (in the channels' units) keeps sensor noise during rests from counting,
   and a new period is adopted only from a window whose band-passed amplitude is at least
   twice that (fidgeting between sets does not set the tempo).

Samples are judged once, ``latency`` = one period + 0.2 s behind the newest one (the band-pass
filters are centred and need that much of the future). Analysis frames sit on a fixed grid of
sample indices, so how a stream is cut into batches changes nothing.

A caller that knows a stretch is not the movement (a jump between strides) marks it with
:meth:`PeriodicCounter.gap`: what lies before it is judged at once, the stretch itself never,
and later windows start after it, so its own rhythm neither counts nor sets the period.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sensors.clock import NS_PER_S

#: Smallest skewness (third standardised moment) of the high-passed signal that sets the sign of
#: the peaks with ``excursion_peaks``; a weaker one keeps the previous window's sign.
EXCURSION_MIN_SKEW = 0.2


@dataclass(frozen=True, slots=True)
class Cycle:
    """One counted cycle: ``t_ns`` of its peak, the period then in force (s), the band-passed
    amplitude at the peak (channel units) and the window's periodicity score (0..1)."""

    t_ns: int
    period_s: float
    amplitude: float
    score: float


def moving_average(x: np.ndarray, width: int) -> np.ndarray:
    """Centred moving average along axis 0 over ``width`` samples; near the ends the mean of the
    samples available (no zero padding, which would pull the ends towards zero)."""
    n = x.shape[0]
    if width <= 1 or n == 0:
        return x.copy()
    half_lo, half_hi = (width - 1) // 2, width // 2
    c = np.concatenate((np.zeros((1,) + x.shape[1:]), np.cumsum(x, axis=0)))
    idx = np.arange(n)
    lo = np.maximum(idx - half_lo, 0)
    hi = np.minimum(idx + half_hi + 1, n)
    count = (hi - lo).reshape((-1,) + (1,) * (x.ndim - 1))
    mean: np.ndarray = (c[hi] - c[lo]) / count
    return mean


def vector_autocorrelation(x: np.ndarray, max_lag: int) -> np.ndarray:
    """Normalised autocorrelation r[0..max_lag] of an (N, C) signal: at each lag L, the
    correlation coefficient between the window without its last L samples and the window
    without its first L, pooled over channels (the channels' covariances summed over the
    geometric mean of their summed variances). Each of the two overlapping segments has its
    own mean removed, so a change of level within the window (a set starting after a rest,
    an integrated gyroscope's drift) does not correlate with itself at every lag.
    r[0] = 1; 0 where a segment does not vary."""
    x = np.asarray(x, dtype=np.float64)
    if x.ndim == 1:
        x = x[:, None]
    n = x.shape[0]
    max_lag = min(max_lag, n - 2)
    if max_lag < 0:
        return np.zeros(0)
    xc = x - x.mean(axis=0)  # numerically kinder; the per-segment means are removed below
    size = 1 << int(np.ceil(np.log2(2 * n)))
    f = np.fft.rfft(xc, size, axis=0)
    sab = np.fft.irfft((f * f.conj()).real.sum(axis=1), size)[: max_lag + 1]  # sum of x[i] x[i+L]
    c1 = np.concatenate((np.zeros((1, x.shape[1])), np.cumsum(xc, axis=0)))
    c2 = np.concatenate((np.zeros((1, x.shape[1])), np.cumsum(xc * xc, axis=0)))
    lags = np.arange(max_lag + 1)
    m = (n - lags)[:, None].astype(np.float64)
    sa, sb = c1[n - lags], c1[n] - c1[lags]  # sums of the head and the tail segment
    qa, qb = c2[n - lags], c2[n] - c2[lags]
    cov = sab - (sa * sb / m).sum(axis=1)
    va = (qa - sa * sa / m).sum(axis=1)
    vb = (qb - sb * sb / m).sum(axis=1)
    den = np.sqrt(np.maximum(va, 0.0) * np.maximum(vb, 0.0))
    ok = den > 1e-12 * max(float(den[0]), 1e-300)
    r = np.zeros(max_lag + 1)
    r[ok] = cov[ok] / den[ok]
    return r


def dominant_period(
    x: np.ndarray,
    rate_hz: float,
    min_period_s: float,
    max_period_s: float,
    divisors: tuple[int, ...] = (2, 3),
    prefer_s: float | None = None,
) -> tuple[float, float]:
    """(period in s, score) of an (N, C) signal; score = normalised autocorrelation there (0 if none).

    Lags beyond half the window are not searched (too few cycles overlap to trust them).
    ``divisors``: fractions of the highest peak's lag checked for a nearly-as-high peak (see the
    module docstring); ``()`` keeps the highest peak, for signals whose second harmonic may be
    strong but whose fundamental is known to be the cycle (a leg's stride).
    ``prefer_s``: the period in force; a peak within 15 % of it that reaches 80 % of the
    highest is kept, so the estimate does not flip between a period and its half when both
    correlate about equally (a rowing movement's acceleration has a strong second harmonic).
    The lag is refined by a parabola through the peak and its neighbours.
    """
    n = x.shape[0]
    lo = max(2, int(np.floor(min_period_s * rate_hz)))
    hi = min(int(np.ceil(max_period_s * rate_hz)), n // 2)
    if hi <= lo + 1:
        return 0.0, 0.0
    r = vector_autocorrelation(x, hi + 1)
    seg = r[lo - 1 : hi + 2]
    peaks = np.flatnonzero((seg[1:-1] > seg[:-2]) & (seg[1:-1] >= seg[2:])) + lo
    if peaks.size == 0:
        return 0.0, 0.0
    best = float(r[peaks].max())
    if best <= 0:
        return 0.0, 0.0
    k = int(peaks[np.argmax(r[peaks])])
    # A signal with period P correlates as well at 2P and 3P: when a peak near a half or a third
    # of the highest one is nearly as high, that shorter lag is the period.
    changed = True
    while changed:
        changed = False
        for div in divisors:
            near = peaks[(peaks >= 0.85 * k / div) & (peaks <= 1.15 * k / div)]
            if near.size and float(r[near].max()) >= 0.65 * float(r[k]):
                c = int(near[np.argmax(r[near])])
                if _multiples_agree(r, c, div, hi, 0.5 * float(r[k])):
                    k, changed = c, True
                    break
    if prefer_s is not None:
        near = peaks[np.abs(peaks / rate_hz - prefer_s) <= 0.15 * prefer_s]
        if near.size and float(r[near].max()) >= 0.8 * best:
            k = int(near[np.argmax(r[near])])
    a, b, c = r[k - 1], r[k], r[k + 1]
    denom = a - 2 * b + c
    shift = 0.5 * (a - c) / denom if denom < 0 else 0.0
    return (k + float(np.clip(shift, -0.5, 0.5))) / rate_hz, float(b)


def _multiples_agree(r: np.ndarray, lag: int, div: int, hi: int, floor: float) -> bool:
    """A signal whose period is ``lag`` correlates at every multiple of it, not only at the
    ``div``-th one: true when the autocorrelation ``r`` reaches ``floor`` near each multiple
    ``m * lag`` (m not a multiple of ``div``, up to ``hi``). A repetition with a strong second
    harmonic (a row's acceleration: the pull and the return) correlates at half its period but
    is in antiphase at one and a half, where a true half period correlates again."""
    m = 2
    while m * lag <= hi:
        if m % div:
            a, b = int(np.floor(0.9 * m * lag)), int(np.ceil(1.1 * m * lag))
            if float(r[a : b + 1].max()) < floor:
                return False
        m += 1
    return True


class PeriodicCounter:
    """Cycles of the dominant repeated movement in an (N, C) stream (see the module docstring).

    ``update(t_ns, x, rate_hz)`` takes the next samples (times in ns, values (N, C)) and returns
    the cycles newly judged, oldest first. The rate must stay the same for the whole stream.
    """

    def __init__(
        self,
        *,
        min_period_s: float,
        max_period_s: float,
        abs_threshold: float,
        rel_threshold: float = 0.3,
        min_score: float = 0.3,
        min_gap: float = 0.55,
        window_s: float | None = None,
        hop_s: float = 0.25,
        default_period_s: float | None = None,
        divisors: tuple[int, ...] = (2, 3),
        posture_channels: int = 0,
    ) -> None:
        if not 0 < min_period_s < max_period_s:
            raise ValueError(f"need 0 < min_period_s < max_period_s, got {min_period_s}, {max_period_s}")
        self.min_period_s, self.max_period_s = min_period_s, max_period_s
        self.abs_threshold, self.rel_threshold = abs_threshold, rel_threshold
        self.min_score, self.min_gap = min_score, min_gap
        self.window_s = window_s if window_s is not None else max(8.0, 3.0 * max_period_s)
        self.hop_s = hop_s
        self.divisors = divisors
        self.posture_channels = posture_channels
        self.default_period_s = default_period_s or float(np.sqrt(min_period_s * max_period_s))
        self.reset()

    def reset(self) -> None:
        self.rate_hz: float | None = None
        self.period_s: float | None = None  # last period from a periodic window
        self.score = 0.0
        self._t = np.empty(0, dtype=np.int64)
        self._x: np.ndarray | None = None
        self._start = 0  # absolute index of the buffer's first sample
        self._seen = 0  # samples received
        self._next_frame = 0  # absolute end index of the next analysis frame
        self._done = 0  # absolute index of the first sample not yet judged
        self._direction: np.ndarray | None = None  # principal direction of the last moving window
        self._polarity = 1.0  # sign of the output along it (posture_channels)
        self._skew_evidence = 0.0  # averaged skewness of the posture channels along it
        self._armed = True
        self._last_count_ns: int | None = None
        self._lobe: tuple[float, int] | None = None  # (highest value, its time) of the lobe above +h
        self._floor_ns: int | None = None  # end of the last gap: windows start after it
        self._periodic = False  # a periodic window with real movement since the start or the last gap

    def update(self, t_ns: np.ndarray, x: np.ndarray, rate_hz: float) -> list[Cycle]:
        x = np.asarray(x, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        if x.shape[0] == 0:
            return []
        if self.rate_hz is None:
            self.rate_hz = float(rate_hz)
            self._hop = max(1, int(round(self.hop_s * rate_hz)))
            self._win = int(round(self.window_s * rate_hz))
            self._next_frame = self._hop
        elif abs(rate_hz - self.rate_hz) > 1e-9 * self.rate_hz:
            raise ValueError(f"the rate changed from {self.rate_hz} to {rate_hz} Hz; reset() first")
        self._t = np.concatenate((self._t, np.asarray(t_ns, dtype=np.int64)))
        self._x = x.copy() if self._x is None else np.concatenate((self._x, x))
        self._seen += x.shape[0]
        out: list[Cycle] = []
        while self._next_frame <= self._seen:
            out.extend(self._frame(self._next_frame))
            self._next_frame += self._hop
        # Keep one window plus one hop: every later frame starts inside it.
        drop = max(0, self._seen - self._win - self._hop - self._start)
        if drop:
            self._t, self._x = self._t[drop:], self._x[drop:]
            self._start += drop
        return out

    def flush(self) -> list[Cycle]:
        """Judge every remaining sample (end of a recording): the last ones without their future."""
        if self._x is None or self._done >= self._seen:
            return []
        return self._frame(self._seen, final=True)

    def gap(self, start_ns: int, end_ns: int) -> list[Cycle]:
        """Samples from ``start_ns`` to ``end_ns`` (ns, the end may lie in the future) are not
        part of the movement. Returns the cycles judged now: the samples before ``start_ns``,
        judged without the future beyond it, as :meth:`flush` does. Samples in the gap are never
        judged, and analysis windows start after it: the period is estimated afresh from what
        follows (nothing is counted until a window of ``2 * min_period_s`` has come in)."""
        out: list[Cycle] = []
        if self._x is not None:
            k = self._start + int(np.searchsorted(self._t, start_ns))
            if k > self._done:
                out = self._frame(k, final=True)
        # A lobe that started before the gap would otherwise be closed by samples after it.
        self._lobe = None
        self._armed = True
        self._periodic = False
        self._floor_ns = end_ns if self._floor_ns is None else max(self._floor_ns, end_ns)
        return out

    def _frame(self, end: int, *, final: bool = False) -> list[Cycle]:
        assert self._x is not None and self.rate_hz is not None
        rate = self.rate_hz
        w0 = max(self._start, end - self._win)
        if self._floor_ns is not None:
            w0 = max(w0, self._start + int(np.searchsorted(self._t, self._floor_ns)))
        x = self._x[w0 - self._start : end - self._start]
        t = self._t[w0 - self._start : end - self._start]
        n = x.shape[0]
        if n < int(2 * self.min_period_s * rate) + 3:
            return []
        period, score = dominant_period(x, rate, self.min_period_s, self.max_period_s, self.divisors, self.period_s)
        self.score = score
        old = self.period_s or self.default_period_s
        y, amp, d, skew = self._project(x, period) if score >= self.min_score and period > 0 else self._project(x, old)
        if score >= self.min_score and period / 2 >= self.min_period_s:
            # Taking twice the period is the costly mistake: the half-period smoothing then has
            # its zero exactly on the movement, and nothing is counted. The movement's band
            # carrying far more than the chosen one gives that mistake away.
            half = self._project(x, period / 2)
            if half[1] > 1.6 * amp and self._half_correlates(x, period):
                period, (y, amp, d, skew) = period / 2, half
        if score >= self.min_score and period > 0 and amp >= 2 * self.abs_threshold:
            self.period_s = period  # a periodic window with real movement in it (not fidgeting)
            self._periodic = True
            # Only such windows steer the direction and polarity: fidgeting between sets
            # points anywhere and would break the chain from one set to the next.
            if self._commit(d, skew, period):
                y = -y
        elif period != old:
            y, amp, _, _ = self._project(x, old)
        p = self.period_s or self.default_period_s
        h = max(self.abs_threshold, self.rel_threshold * amp)
        latency = 0 if final else int(round((p + 0.2) * rate))
        stop = end - latency
        begin = max(self._done, w0 + 1)
        if stop <= begin:
            return []
        if not self._periodic:
            # Nothing periodic yet since the start or the last gap (the settling after a jump's
            # landing, shifting position): no cycle to count. The samples wait while the window
            # still holds them, so the first cycles of a movement are counted once it shows.
            if final:
                self._done = stop
            return []
        ys = y[begin - w0 : stop - w0].tolist()
        ts = t[begin - w0 : stop - w0].tolist()
        out: list[Cycle] = []
        min_gap_ns = int(self.min_gap * p * NS_PER_S)
        quiet_ns = int(1.5 * p * NS_PER_S)
        for v, tj in zip(ys, ts, strict=True):
            if not self._armed and v < -h:
                self._armed = True
            if self._lobe is not None:
                if v > self._lobe[0]:
                    self._lobe = (v, tj)
                if v < 0.5 * h:  # the lobe is over: count it at its highest point
                    out.append(Cycle(int(self._lobe[1]), p, self._lobe[0], score))
                    self._last_count_ns = int(self._lobe[1])
                    self._lobe = None
            elif v > h:
                since = None if self._last_count_ns is None else tj - self._last_count_ns
                # A quiet spell re-arms too: a new set starts from rest, where the signal does
                # not swing below -h before its first repetition.
                if since is None or (since >= min_gap_ns and (self._armed or since >= quiet_ns)):
                    self._lobe = (v, tj)
                    self._armed = False
        self._done = stop
        return out

    def _half_correlates(self, x: np.ndarray, period_s: float) -> bool:
        """Whether half of ``period_s`` repeats as a period would: correlating at three halves
        too (see :func:`_multiples_agree`). A strong second harmonic alone fills the half band
        as well, but its fundamental is in antiphase there."""
        assert self.rate_hz is not None
        k = int(round(period_s * self.rate_hz))
        hi = min(int(np.ceil(self.max_period_s * self.rate_hz)), x.shape[0] // 2)
        if 3 * (k // 2) > hi:  # three halves lie beyond what the window can tell
            return True
        r = vector_autocorrelation(x, hi + 1)
        return _multiples_agree(r, k // 2, 2, hi, 0.5 * float(r[k]))

    def _project(self, x: np.ndarray, period_s: float) -> tuple[np.ndarray, float, np.ndarray, float]:
        """Band-passed first principal component of the window for ``period_s``, its amplitude,
        the principal direction (signed to agree with the last committed one) and the skewness
        of the posture channels along it (0 without ``posture_channels``). The output is
        oriented by :attr:`_polarity`; nothing is committed here (see :meth:`_commit`)."""
        assert self.rate_hz is not None
        p_n = max(2, int(round(period_s * self.rate_hz)))
        # Band-pass every channel first, then take the direction of largest variance of what
        # is left: the axis that carries the fundamental, not the one with the sharpest impacts.
        hp = x - moving_average(x, p_n)
        bp = moving_average(moving_average(hp, max(1, int(round(p_n / 2)))), max(1, int(round(p_n / 3))))
        _, vecs = np.linalg.eigh(bp.T @ bp)
        d = vecs[:, -1]
        if self._direction is not None and d.shape == self._direction.shape and float(d @ self._direction) < 0:
            d = -d
        skew = 0.0
        k = self.posture_channels
        if k:
            # A repetition leaves a posture it rests in and comes back: the turning point lies
            # farther from the period's mean than the rest does, so a posture signal is skewed
            # towards it. Only posture channels: a movement's acceleration is near antiphase
            # with its position and about as long on both sides, so its skew says nothing.
            z = hp[:, :k] @ d[:k]
            sd = float(z.std())
            skew = float(np.mean(z**3)) / sd**3 if sd > 1e-12 else 0.0
        y = self._polarity * (bp @ d)
        return y, float(np.percentile(np.abs(y), 95)), d, skew

    def _commit(self, d: np.ndarray, skew: float, period_s: float) -> bool:
        """Adopt ``d`` as the reference direction of a window with real movement and add its
        skewness to the polarity evidence; True when the polarity flipped."""
        self._direction = d
        if not self.posture_channels:
            return False
        # One window's skewness swings with where the window cuts the cycles (to about zero
        # and back over one period): average it over about two periods before trusting it.
        keep = float(np.exp(-self.hop_s / (2.0 * period_s)))
        self._skew_evidence = keep * self._skew_evidence + (1.0 - keep) * skew
        sign = 1.0 if self._skew_evidence >= 0 else -1.0
        flipped = sign != self._polarity
        self._polarity = sign
        return flipped


__all__ = ["Cycle", "PeriodicCounter", "dominant_period", "moving_average", "vector_autocorrelation"]


class CycleTrain:
    """Keeps only cycles that come in trains: a repeated movement repeats.

    A cycle is released once another cycle lies within ``max_gap`` x its period of it (before
    or after) with an amplitude within a factor ``max_ratio``; one that stays alone for that
    long (a bump, a shift of stance, fidgeting between sets) is dropped. Released cycles keep
    their order.
    """

    def __init__(self, *, max_gap: float = 1.6, max_ratio: float = 3.0) -> None:
        self.max_gap, self.max_ratio = max_gap, max_ratio
        self.reset()

    def reset(self) -> None:
        self._last: Cycle | None = None
        self._last_released = False

    def _near(self, a: Cycle, b: Cycle) -> bool:
        gap = abs(b.t_ns - a.t_ns) / NS_PER_S
        lo, hi = sorted((abs(a.amplitude), abs(b.amplitude)))
        return gap <= self.max_gap * max(a.period_s, b.period_s) and hi <= self.max_ratio * max(lo, 1e-12)

    def push(self, cycles: list[Cycle]) -> list[Cycle]:
        out: list[Cycle] = []
        for c in cycles:
            if self._last is not None and self._near(self._last, c):
                if not self._last_released:
                    out.append(self._last)
                out.append(c)
                self._last, self._last_released = c, True
            else:
                self._last, self._last_released = c, False
        return out


__all__ += ["CycleTrain"]
