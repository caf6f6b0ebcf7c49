"""Statistics across replications: paired differences (and, re-exported from
:mod:`carecap.sim.metrics.summary`, the Student-t summary of each metric).

Input is the tidy per-replication table of
:func:`carecap.sim.metrics.replication.replication_metrics`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from carecap.sim.metrics.summary import KEYS, SUMMARY_COLUMNS, summarise, t_half_width, t_summary

__all__ = [
    "KEYS",
    "SUMMARY_COLUMNS",
    "PairedDifference",
    "paired_difference",
    "paired_differences",
    "summarise",
    "t_half_width",
]


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
    out = t_summary(diff, keys, confidence)
    names = merged.groupby(keys, sort=False)[["scenario_a", "scenario_b"]].first().reset_index()
    return names.merge(out, on=keys)[[*keys, "scenario_a", "scenario_b", *SUMMARY_COLUMNS]]
