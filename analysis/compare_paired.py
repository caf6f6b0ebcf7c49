"""Paired comparison of two alternatives under common random numbers (CRN).

Input: the tidy per-replication metrics of two alternatives A and B (columns ``replication,
service, slice, slice_value, metric, value, unit``, as in ``metrics.parquet``) whose replication
``r`` used the same random streams (same root seed, same replication number). Replication ``r``
of A and of B then see the same demand, so their results are positively correlated and the
per-replication difference ``B - A`` varies much less than either alone.

Per metric, :func:`compare_metrics` reports the two means, the mean paired difference ``B - A``
with its Student-t interval (``carecap.analysis.stats.t_half_width`` on the ``n`` differences), and
how
much CRN gained: the *variance reduction factor*

    VR = (var(A) + var(B)) / var(B - A)

which is the ratio of the variance of the difference of two independent means (same ``n``) to
that of the paired mean difference; the paired interval is roughly ``sqrt(VR)`` times narrower.
For reference the table also carries the half-width of the Welch (independent samples) interval
that the same numbers would give if A and B had been run with independent streams.

Everything is in the metric's own unit (days, minutes, requests, share); the frames are pure
functions of the inputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from carecap.analysis.compare_inputs import DEFAULT_SLICES, HEADLINE_METRICS, select_metrics
from carecap.analysis.stats import t_half_width

KEYS = ["service", "slice", "slice_value", "metric", "unit"]
"""What identifies one metric of an alternative across its replications."""
COLUMNS = [
    *KEYS,
    "n",
    "mean_a",
    "mean_b",
    "diff",
    "sd_diff",
    "ci_low",
    "ci_high",
    "half_width",
    "significant",
    "var_a",
    "var_b",
    "var_diff",
    "variance_reduction",
    "welch_half_width",
    "note",
]
"""Columns of :func:`compare_metrics` (``diff`` = mean of ``B - A``)."""

NOTE_ONE_REP = "one replication: no interval"
NOTE_IDENTICAL = "B = A in every replication: no difference, VR undefined"
NOTE_CONSTANT = "B - A is the same in every replication: VR infinite"
NOTE_NO_SPREAD = "A and B do not vary across replications: VR undefined"


def compare_metrics(
    per_rep_a: pd.DataFrame,
    per_rep_b: pd.DataFrame,
    metrics: Sequence[str] | None = HEADLINE_METRICS,
    slices: Sequence[str] | None = DEFAULT_SLICES,
    confidence: float = 0.95,
) -> pd.DataFrame:
    """Per metric, the paired comparison ``B - A`` (see the module docstring).

    Rows are joined on (service, slice, slice_value, metric, unit, replication); a pair with a
    NaN on either side (e.g. a wait mean with nothing started) is dropped, so ``n`` counts the
    usable pairs and every column is computed from the same pairs. Returns :data:`COLUMNS`:
    the keys; ``n``; ``mean_a``, ``mean_b``; ``diff`` (mean of B - A), ``sd_diff``, ``ci_low``,
    ``ci_high``, ``half_width`` (Student-t interval of ``diff``, NaN if n < 2); ``significant``
    (the interval excludes 0); ``var_a``, ``var_b``, ``var_diff`` (sample variances, ddof 1);
    ``variance_reduction`` ((var_a + var_b) / var_diff: inf when B - A is a non-zero constant,
    NaN when B = A in every replication, when A and B do not vary, or when n < 2);
    ``welch_half_width`` (half-width of the independent-samples Welch interval from the same
    values); ``note`` (why VR or the interval is missing, else "").
    Rows keep the order in which the metrics appear in A.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence}")
    for name, frame in (("A", per_rep_a), ("B", per_rep_b)):
        missing = [k for k in [*KEYS, "replication", "value"] if k not in frame.columns]
        if missing:
            raise ValueError(f"per-replication table {name} lacks column(s) {', '.join(missing)}")
    a = select_metrics(per_rep_a, metrics, slices)
    b = select_metrics(per_rep_b, metrics, slices)
    on = [*KEYS, "replication"]
    merged = a[[*on, "value"]].merge(b[[*on, "value"]], on=on, suffixes=("_a", "_b"))
    merged = merged.astype({"value_a": np.float64, "value_b": np.float64})
    merged = merged[merged["value_a"].notna() & merged["value_b"].notna()]
    if merged.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in COLUMNS})
    merged = merged.assign(diff=merged["value_b"] - merged["value_a"])
    groups = merged.groupby(KEYS, sort=False, observed=True)
    out = pd.DataFrame(
        {
            "n": groups["diff"].count(),
            "mean_a": groups["value_a"].mean(),
            "mean_b": groups["value_b"].mean(),
            "diff": groups["diff"].mean(),
            "var_a": groups["value_a"].var(ddof=1),
            "var_b": groups["value_b"].var(ddof=1),
            "var_diff": groups["diff"].var(ddof=1),
        }
    ).reset_index()
    out = _add_intervals(out, confidence)
    return _ordered(out, a, metrics)[COLUMNS].reset_index(drop=True)


def _ordered(out: pd.DataFrame, a: pd.DataFrame, metrics: Sequence[str] | None) -> pd.DataFrame:
    """Per-pool rows last; otherwise by service (as first met in A), then metric (in the order
    asked for, else as first met in A)."""
    services = {s: i for i, s in enumerate(dict.fromkeys(a["service"]))}
    names = [m.rpartition(".")[2] for m in metrics] if metrics is not None else []
    names += list(a["metric"])
    rank = {m: i for i, m in reversed(list(enumerate(names)))}
    keys = pd.DataFrame(
        {
            "pool": (out["slice"] == "pool").to_numpy(),
            "service": out["service"].map(services).to_numpy(),
            "metric": out["metric"].map(rank).to_numpy(),
        }
    )
    order = np.lexsort((keys["metric"], keys["service"], keys["pool"]))
    return out.iloc[order]


def _add_intervals(out: pd.DataFrame, confidence: float) -> pd.DataFrame:
    """Paired and Welch intervals, variance reduction and notes for the grouped moments."""
    n = out["n"].to_numpy(np.float64)
    out["n"] = out["n"].astype(np.int64)
    few = n < 2
    for col in ("var_a", "var_b", "var_diff"):
        out.loc[few, col] = np.nan
    var_a, var_b, var_diff = (out[c].to_numpy(np.float64) for c in ("var_a", "var_b", "var_diff"))
    # Rounding leaves var(B - A) at 1e-30 instead of 0 when B - A is constant: treat a variance
    # that small against the metric's own spread as zero.
    scale = np.maximum(var_a + var_b, np.abs(out["diff"].to_numpy(np.float64)) ** 2)
    var_diff = np.where(var_diff <= 1e-24 * np.maximum(scale, 1e-300), 0.0, var_diff)
    out["var_diff"] = var_diff
    # Likewise a constant B - A of a few ulps (the same busy time summed in another order) is
    # no difference: zero it, or an interval of half-width 0 would call 1e-16 significant.
    size = np.maximum(np.abs(out["mean_a"]), np.abs(out["mean_b"])).to_numpy(np.float64)
    noise = (var_diff == 0) & (np.abs(out["diff"].to_numpy(np.float64)) <= 1e-12 * size)
    out.loc[noise, "diff"] = 0.0
    sd_diff = np.sqrt(var_diff)
    out["sd_diff"] = sd_diff
    hw = t_half_width(sd_diff, n, confidence)
    out["half_width"] = hw
    out["ci_low"] = out["diff"] - hw
    out["ci_high"] = out["diff"] + hw
    out["significant"] = (out["ci_low"] > 0) | (out["ci_high"] < 0)
    out["welch_half_width"] = welch_half_width(var_a, var_b, n, n, confidence)
    with np.errstate(divide="ignore", invalid="ignore"):
        vr = (var_a + var_b) / var_diff
    total = var_a + var_b
    identical = (var_diff == 0) & (out["diff"].to_numpy(np.float64) == 0)
    vr = np.where(var_diff > 0, vr, np.where(total > 0, np.inf, np.nan))
    vr = np.where(few | identical, np.nan, vr)
    out["variance_reduction"] = vr
    note = np.full(len(out), "", dtype=object)
    note[(var_diff == 0) & (total > 0)] = NOTE_CONSTANT
    note[identical & (total > 0)] = NOTE_IDENTICAL
    note[(var_diff == 0) & (total == 0)] = NOTE_NO_SPREAD
    note[few] = NOTE_ONE_REP
    out["note"] = note
    return out


def welch_half_width(
    var_a: np.ndarray | float,
    var_b: np.ndarray | float,
    n_a: np.ndarray | float,
    n_b: np.ndarray | float,
    confidence: float = 0.95,
) -> np.ndarray:
    """Half-width of the Welch interval of ``mean(B) - mean(A)`` for independent samples.

    ``t(df) · sqrt(var_a / n_a + var_b / n_b)`` with the Welch–Satterthwaite ``df``. Zero when
    both variances are 0; NaN when a sample has fewer than 2 values.
    """
    var_a, var_b = np.asarray(var_a, np.float64), np.asarray(var_b, np.float64)
    n_a, n_b = np.asarray(n_a, np.float64), np.asarray(n_b, np.float64)
    ok = (n_a >= 2) & (n_b >= 2)
    safe_a, safe_b = np.where(ok, n_a, 2.0), np.where(ok, n_b, 2.0)
    sa, sb = var_a / safe_a, var_b / safe_b
    se2 = sa + sb
    with np.errstate(divide="ignore", invalid="ignore"):
        df = se2**2 / (sa**2 / (safe_a - 1) + sb**2 / (safe_b - 1))
    df = np.where(se2 > 0, df, 1.0)
    t = stats.t.ppf(0.5 + confidence / 2, df)
    return np.where(ok, t * np.sqrt(se2), np.nan)
