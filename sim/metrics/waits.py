"""Waiting-time statistics of every request made, unserved ones included (Kaplan–Meier).

MODEL.md §3: every waiting-time statistic is over the requests *made* in the window, each followed
until it left the queue. A request's wait is the time from the request to its start (alarms: to
the caregiver's arrival at the home, start + travel); an abandoned request's wait is its time
until it was dropped (an observed time of leaving the queue, not a success); a request still
waiting when observation ends (``ReplicationRecords.observed_end_min``: the horizon, or the end of
the drain) is right-censored: its wait is at least ``observed_end_min - request_min``.

The distribution of the waits of all requests is estimated with the Kaplan–Meier product-limit
estimator ``S(t) = prod_{t_i <= t} (1 - d_i / n_i)`` (``d_i`` requests leaving the queue at
``t_i``, ``n_i`` still in it just before; at tied times, departures come before censorings).

- quantile ``q``: the smallest observed time ``t`` with ``S(t) <= 1 - q`` (``F(t) >= q``; with
  no censoring this is the plain empirical quantile, numpy's ``method="inverted_cdf"``). When the
  curve never falls that low (too many requests still waiting), the quantile is only known to
  exceed the largest follow-up time; that time is reported, a lower bound;
- mean: the restricted mean ``∫_0^tau S(t) dt`` up to the largest follow-up time ``tau``; with
  no censoring it is the plain mean, with censoring a lower bound (the censored waits go on).

Pure functions of arrays; no pandas, no records.
"""

from __future__ import annotations

import numpy as np

__all__ = ["QUANTILES", "grouped_km", "km_curve", "km_stats"]

QUANTILES = (0.5, 0.9, 0.95)
_TOL = 1e-9  # S(t) is a product of ratios: 0.5 must not become 0.5000000000000001


def km_stats(
    time: np.ndarray, observed: np.ndarray, qs: tuple[float, ...] = QUANTILES
) -> np.ndarray:
    """``[mean, *quantiles]`` of the Kaplan–Meier estimate of one sample.

    ``time``: each request's time in the queue (observed, or follow-up when censored);
    ``observed``: True where the request left the queue at ``time``, False where it was still
    waiting (right-censored). NaN for an empty sample. See the module docstring.
    """
    time = np.asarray(time, dtype=np.float64)
    observed = np.asarray(observed, dtype=bool)
    order = np.lexsort((~observed, time))  # by time; at ties departures first
    return _km_sorted(time[order], observed[order], qs)


def km_curve(time: np.ndarray, observed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The Kaplan–Meier step function: distinct times and ``S`` just after each (for plots of
    the waits of all requests: ``1 - S`` is the share that had left the queue by then). A curve
    that ends above 0 means requests were still waiting at the largest follow-up."""
    time = np.asarray(time, dtype=np.float64)
    observed = np.asarray(observed, dtype=bool)
    order = np.lexsort((~observed, time))
    t, e = time[order], observed[order]
    if len(t) == 0:
        return t, t
    first = np.flatnonzero(np.concatenate([[True], t[1:] != t[:-1]]))
    departed = np.add.reduceat(e.astype(np.float64), first)
    return t[first], np.cumprod(1.0 - departed / (len(t) - first))


def _km_sorted(t: np.ndarray, e: np.ndarray, qs: tuple[float, ...]) -> np.ndarray:
    n = len(t)
    out = np.full(1 + len(qs), np.nan)
    if n == 0:
        return out
    new = np.empty(n, dtype=bool)
    new[0] = True
    np.not_equal(t[1:], t[:-1], out=new[1:])
    first = np.flatnonzero(new)
    del new
    times = t[first]
    # In place, one array of the distinct times at a time (a million distinct waits: each array
    # is 8 MB); the same operations, element by element, as the textbook formulas.
    departed = np.add.reduceat(e, first, dtype=np.float64)  # d_i
    at_risk = np.subtract(n, first, out=first)  # n_i
    surv = np.divide(departed, at_risk, out=departed)
    del at_risk, first
    np.subtract(1.0, surv, out=surv)
    np.cumprod(surv, out=surv)  # S just after each distinct time
    # ∫_0^tau S(t) dt, tau = the largest time: sum of S before each time x the step to it (an
    # elementwise sum: BLAS dot is slow here)
    area = np.empty(len(times))
    area[0] = times[0] - 0.0
    np.subtract(times[1:], times[:-1], out=area[1:])
    area[0] *= 1.0
    np.multiply(area[1:], surv[:-1], out=area[1:])
    out[0] = float(np.sum(area))
    del area
    # S is non-increasing: the first time with S <= 1 - q, by bisection on -S
    levels = -(1.0 - np.asarray(qs, dtype=np.float64) + _TOL)
    hit = np.searchsorted(-surv, levels, side="left")
    out[1:] = times[np.minimum(hit, len(times) - 1)]  # past the end: the largest, a lower bound
    return out


def grouped_km(
    time: np.ndarray,
    observed: np.ndarray,
    groups: np.ndarray | None,
    n_groups: int,
    qs: tuple[float, ...] = QUANTILES,
    presorted: bool = False,
) -> np.ndarray:
    """:func:`km_stats` of each group: an array ``(n_groups, 1 + len(qs))`` (NaN rows for empty
    groups). ``groups`` are integer codes ``0 .. n_groups - 1``. ``presorted``: the samples are
    already ordered by time, departures before censorings at ties (then only a stable sort by
    group is needed)."""
    time = np.asarray(time, dtype=np.float64)
    observed = np.asarray(observed, dtype=bool)
    if groups is None:  # every sample in group 0 (no array of zeros)
        out = np.full((n_groups, 1 + len(qs)), np.nan)
        if len(time):
            out[0] = _km_sorted(time, observed, qs) if presorted else km_stats(time, observed, qs)
        return out
    groups = np.asarray(groups, dtype=np.int64)
    if presorted and not np.any(groups[1:] < groups[:-1]):
        t, e = time, observed  # (a stable sort would not move anything)
    else:
        if presorted:
            dtype = np.int16 if n_groups < np.iinfo(np.int16).max else np.int64
            order = np.argsort(groups.astype(dtype), kind="stable")
        else:
            order = np.lexsort((~observed, time, groups))
        t, e = time[order], observed[order]
        del order
    # Group k is rows bounds[k]:bounds[k + 1] of the sorted samples (from the group sizes: no
    # sorted copy of the codes)
    bounds = np.concatenate([[0], np.cumsum(np.bincount(groups, minlength=n_groups))])
    out = np.full((n_groups, 1 + len(qs)), np.nan)
    for k in range(n_groups):
        lo, hi = bounds[k], bounds[k + 1]
        if hi > lo:
            out[k] = _km_sorted(t[lo:hi], e[lo:hi], qs)
    return out
