"""Across replications: Student-t confidence intervals of each metric's mean.

Input is the tidy per-replication table of
:func:`carecap.sim.metrics.replication.replication_metrics` (columns ``scenario, replication,
seed, service, slice, slice_value, metric, value, unit``). Each replication is one independent
observation of each metric, so a metric's mean over ``n`` replications has the interval
``mean ± t(1 - alpha/2, n - 1) · sd / sqrt(n)``, cut at the range the metric can take
(:func:`metric_range`, :func:`clip_interval`): a share near 100 % gets no upper bound above 100 %,
a count near 0 no negative lower bound. ``half_width`` stays the symmetric t half-width, so a cut
bound is closer to the mean than ``half_width``. This is the third tier of results (records →
per-replication metrics → summaries), written by every results folder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

KEYS = ["scenario", "service", "slice", "slice_value", "metric", "unit"]
"""What identifies one metric of one scenario across its replications."""
SUMMARY_COLUMNS = ["n", "mean", "sd", "ci_low", "ci_high", "half_width"]
SHARES_ABOVE_ONE = frozenset({"utilisation"})
"""Metrics of unit ``share`` that may exceed 1: utilisation counts work finished past the end of
a shift (:mod:`carecap.sim.metrics.resources`), so its interval keeps its upper bound."""


def metric_range(metric: ArrayLike, unit: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """The lowest and highest value each metric can take, elementwise over ``metric`` and
    ``unit`` (arrays or scalars).

    Every per-replication metric is non-negative: counts (requests, elders, baths, beds), waits
    (MODEL.md §3: never negative), staff-hours, FTE, costs (unit costs are >= 0), the weekday CV
    and shares. Shares (unit ``share``) are proportions, at most 1, except those in
    :data:`SHARES_ABOVE_ONE`; everything else has no upper limit.
    """
    metric, unit = np.asarray(metric, dtype=object), np.asarray(unit, dtype=object)
    proportion = (unit == "share") & ~np.isin(metric, list(SHARES_ABOVE_ONE))
    low = np.zeros(np.broadcast(metric, unit).shape)
    return low, np.where(proportion, 1.0, np.inf)


def clip_interval(
    mean: ArrayLike, half_width: ArrayLike, metric: ArrayLike, unit: ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """``ci_low, ci_high``: ``mean ∓ half_width`` intersected with :func:`metric_range` (NaN
    stays NaN). Only for intervals of a metric's mean; a difference of two means may be negative
    and is never cut."""
    low, high = metric_range(metric, unit)
    mean = np.asarray(mean, dtype=np.float64)
    half_width = np.asarray(half_width, dtype=np.float64)
    return np.maximum(mean - half_width, low), np.minimum(mean + half_width, high)


def interval_clipped(
    mean: ArrayLike, half_width: ArrayLike, ci_low: ArrayLike, ci_high: ArrayLike
) -> np.ndarray:
    """Whether :func:`clip_interval` moved a bound of ``mean ± half_width``, elementwise (False
    where any of them is NaN). An uncut bound is ``mean ∓ half_width`` to the last bit, so the
    test is exact."""
    mean, half_width = np.asarray(mean, np.float64), np.asarray(half_width, np.float64)
    low, high = np.asarray(ci_low, np.float64), np.asarray(ci_high, np.float64)
    return (low > mean - half_width) | (high < mean + half_width)


def with_clipped_interval(summary: pd.DataFrame) -> pd.DataFrame:
    """``summary`` (columns ``metric, unit, mean, half_width``) with ``ci_low`` and ``ci_high``
    set by :func:`clip_interval`."""
    summary["ci_low"], summary["ci_high"] = clip_interval(
        summary["mean"].to_numpy(np.float64),
        summary["half_width"].to_numpy(np.float64),
        summary["metric"].to_numpy(object),
        summary["unit"].to_numpy(object),
    )
    return summary


def t_half_width(sd: np.ndarray, n: np.ndarray, confidence: float = 0.95) -> np.ndarray:
    """Half-width of the two-sided Student-t interval of a mean: ``t · sd / sqrt(n)``.

    NaN where ``n < 2`` (no spread can be estimated from one value).
    """
    n = np.asarray(n, dtype=np.float64)
    sd = np.asarray(sd, dtype=np.float64)
    ok = n >= 2
    # scipy.special's stdtrit is what scipy.stats.t.ppf evaluates (the same floats), without
    # loading scipy.stats (~0.5 s, 60 MB: a third of a short run's start-up)
    from scipy import special

    t = special.stdtrit(np.where(ok, n - 1, 1.0), 0.5 + confidence / 2)
    return np.where(ok, t * sd / np.sqrt(np.where(ok, n, 1.0)), np.nan)


def t_summary(values: pd.Series, by: list[str], confidence: float) -> pd.DataFrame:
    """n, mean, sd, interval per group of ``values`` (NaN values dropped, n counts the rest).

    The interval is the plain ``mean ± half_width``, not cut at any range (paired differences
    use it as is)."""
    groups = values.groupby(level=by, sort=False)
    out = pd.DataFrame({"n": groups.count(), "mean": groups.mean(), "sd": groups.std(ddof=1)})
    out["n"] = out["n"].astype(np.int64)
    out.loc[out["n"] < 2, "sd"] = np.nan
    out["half_width"] = t_half_width(out["sd"].to_numpy(), out["n"].to_numpy(), confidence)
    out["ci_low"] = out["mean"] - out["half_width"]
    out["ci_high"] = out["mean"] + out["half_width"]
    return out[SUMMARY_COLUMNS].reset_index()


def summarise(per_rep: pd.DataFrame, confidence: float = 0.95) -> pd.DataFrame:
    """Across replications, per (scenario, service, slice, slice_value, metric, unit).

    Returns those key columns and ``n`` (replications with a non-NaN value), ``mean``, ``sd``
    (sample standard deviation), ``ci_low``, ``ci_high``, ``half_width`` (the Student-t interval
    of the mean at ``confidence``, its bounds cut at the metric's range by
    :func:`clip_interval`; NaN when n < 2), all in the metric's ``unit``. NaN values (a
    wait mean with no started request) are dropped per group; a group with only NaN values keeps
    its row with ``n == 0``. Rows keep the order in which the groups first appear.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    missing = [k for k in [*KEYS, "value"] if k not in per_rep.columns]
    if missing:
        raise ValueError(f"per-replication table lacks column(s) {', '.join(missing)}")
    values = per_rep.set_index(KEYS)["value"].astype(np.float64)
    return with_clipped_interval(t_summary(values, KEYS, confidence))
