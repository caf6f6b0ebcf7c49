"""Statistics across replications: Student-t confidence intervals and paired differences.

Input is the tidy per-replication table of :func:`sim.metrics.replication_metrics` (columns
``scenario, replication, seed, service, slice, slice_value, metric, value, unit``). Each
replication is one independent observation of each metric, so a metric's mean over ``n``
replications has the interval ``mean ± t(1 - alpha/2, n - 1) · sd / sqrt(n)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

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
    t = stats.t.ppf(0.5 + confidence / 2, np.where(ok, n - 1, 1.0))
    return np.where(ok, t * sd / np.sqrt(np.where(ok, n, 1.0)), np.nan)


def _t_summary(values: pd.Series, by: list[str], confidence: float) -> pd.DataFrame:
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
    return _t_summary(values, KEYS, confidence)


@dataclass(frozen=True)
class PairedDifference:
    """Mean of per-replication differences ``a - b`` and its Student-t interval."""

    n: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float
    half_width: float

    @property
    def significant(self) -> bool:
        """The interval excludes 0 (False when it is undefined)."""
        return bool(self.ci_low > 0 or self.ci_high < 0)


def paired_difference(a, b, confidence: float = 0.95) -> PairedDifference:
    """Paired comparison of two scenarios run under common random numbers.

    ``a`` and ``b`` are one metric's per-replication values (same unit). Two ``pd.Series`` are
    paired by index (the replication number; unmatched replications are dropped); anything else
    is paired by position and must have equal lengths. Pairs with a NaN on either side are
    dropped. Common random numbers make the two values of a pair positively correlated, so the
    interval of the mean difference is much narrower than that of two independent means.
    """
    if isinstance(a, pd.Series) and isinstance(b, pd.Series):
        a, b = a.align(b, join="inner")
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    if a.shape != b.shape or a.ndim != 1:
        raise ValueError(f"need two 1-d samples of equal length, got {a.shape} and {b.shape}")
    d = a - b
    d = d[~np.isnan(d)]
    n = len(d)
    mean = float(d.mean()) if n else np.nan
    sd = float(d.std(ddof=1)) if n >= 2 else np.nan
    hw = float(t_half_width(sd, n, confidence))
    return PairedDifference(n, mean, sd, mean - hw, mean + hw, hw)


def paired_differences(
    per_rep_a: pd.DataFrame, per_rep_b: pd.DataFrame, confidence: float = 0.95
) -> pd.DataFrame:
    """:func:`paired_difference` for every metric two per-replication tables share.

    Pairs rows on (service, slice, slice_value, metric, unit, replication); returns those keys
    (without replication), ``scenario_a``, ``scenario_b`` and the summary columns of ``a - b``.
    """
    keys = [k for k in KEYS if k != "scenario"]
    on = [*keys, "replication"]
    merged = per_rep_a[[*on, "value", "scenario"]].merge(
        per_rep_b[[*on, "value", "scenario"]], on=on, suffixes=("_a", "_b")
    )
    diff = (merged["value_a"] - merged["value_b"]).set_axis(pd.MultiIndex.from_frame(merged[keys]))
    out = _t_summary(diff, keys, confidence)
    names = merged.groupby(keys, sort=False)[["scenario_a", "scenario_b"]].first().reset_index()
    return names.merge(out, on=keys)[[*keys, "scenario_a", "scenario_b", *SUMMARY_COLUMNS]]
