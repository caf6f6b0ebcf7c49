"""Across replications: Student-t confidence intervals of each metric's mean.

Input is the tidy per-replication table of
:func:`carecap.sim.metrics.replication.replication_metrics` (columns ``scenario, replication,
seed, service, slice, slice_value, metric, value, unit``). Each replication is one independent
observation of each metric, so a metric's mean over ``n`` replications has the interval
``mean ± t(1 - alpha/2, n - 1) · sd / sqrt(n)``. This is the third tier of results (records →
per-replication metrics → summaries), written by every results folder.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEYS = ["scenario", "service", "slice", "slice_value", "metric", "unit"]
"""What identifies one metric of one scenario across its replications."""
SUMMARY_COLUMNS = ["n", "mean", "sd", "ci_low", "ci_high", "half_width"]


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
    """n, mean, sd, interval per group of ``values`` (NaN values dropped, n counts the rest)."""
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
    of the mean at ``confidence``; NaN when n < 2), all in the metric's ``unit``. NaN values (a
    wait mean with no started request) are dropped per group; a group with only NaN values keeps
    its row with ``n == 0``. Rows keep the order in which the groups first appear.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    missing = [k for k in [*KEYS, "value"] if k not in per_rep.columns]
    if missing:
        raise ValueError(f"per-replication table lacks column(s) {', '.join(missing)}")
    values = per_rep.set_index(KEYS)["value"].astype(np.float64)
    return t_summary(values, KEYS, confidence)
