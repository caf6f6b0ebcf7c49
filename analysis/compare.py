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

import math
import textwrap
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from carecap.analysis.stats import t_half_width

HEADLINE_METRICS = (
    "wait_mean",
    "on_time_rate",
    "request_coverage",
    "unmet",
    "elder_coverage",
    "utilisation",
    "starts_weekday_cv",
)
"""Metrics compared by default (slice ``all``, and ``pool`` for utilisation)."""
DEFAULT_SLICES = ("all", "pool")
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


def select_metrics(
    per_rep: pd.DataFrame,
    metrics: Sequence[str] | None = HEADLINE_METRICS,
    slices: Sequence[str] | None = DEFAULT_SLICES,
) -> pd.DataFrame:
    """The rows of ``per_rep`` to compare.

    ``metrics`` are names, either bare (``wait_mean``: every service) or qualified
    (``care_visit.wait_mean``: that service only); ``None`` keeps every metric. ``slices`` keeps
    those slice kinds (``None``: all of them).
    """
    keep = np.ones(len(per_rep), dtype=bool)
    if slices is not None:
        keep = keep & per_rep["slice"].isin(list(slices)).to_numpy()
    if metrics is not None:
        wanted = np.zeros(len(per_rep), dtype=bool)
        for name in metrics:
            service, _, metric = name.rpartition(".")
            hit = (per_rep["metric"] == metric).to_numpy()
            if service:
                hit = hit & (per_rep["service"] == service).to_numpy()
            wanted |= hit
        keep &= wanted
    return per_rep[keep]


def crn_problems(per_rep_a: pd.DataFrame, per_rep_b: pd.DataFrame) -> list[str]:
    """Why the two tables might not be paired under common random numbers (empty if fine).

    Checks that both hold the same replication numbers and, when a ``seed`` column is present,
    that replication ``r`` has the same root seed on both sides.
    """
    problems = []
    reps_a = set(per_rep_a["replication"].unique())
    reps_b = set(per_rep_b["replication"].unique())
    if reps_a != reps_b:
        only_a, only_b = sorted(reps_a - reps_b), sorted(reps_b - reps_a)
        problems.append(
            f"replications differ (only in A: {_short(only_a)}; only in B: {_short(only_b)});"
            " only the common ones are paired"
        )
    if "seed" in per_rep_a.columns and "seed" in per_rep_b.columns:
        seeds_a = per_rep_a.groupby("replication")["seed"].first()
        seeds_b = per_rep_b.groupby("replication")["seed"].first()
        seeds_a, seeds_b = seeds_a.align(seeds_b, join="inner")
        if (seeds_a != seeds_b).any():
            problems.append(
                "the root seeds differ between A and B: replications are not under common"
                " random numbers, the paired interval is valid but gains nothing"
            )
    return problems


def _short(values: list) -> str:
    if not values:
        return "none"
    text = ", ".join(str(v) for v in values[:5])
    return text + (", ..." if len(values) > 5 else "")


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


# --- the printed table ------------------------------------------------------------------------

WIDTH = 100
METRIC_WIDTH = 27
"""The metric column's width; wider when a label is longer (labels are never cut)."""


def _header(metric_width: int) -> str:
    return (
        f"{'service':<12}{'metric':<{metric_width}}{'A':>9}{'B':>9}  {'B - A  (95 % CI)':<21}"
        f"{'sig':<4}{'VR':>6}{'indep ±':>10}"
    )


def _digits(x: float) -> int:
    """Decimals for a value of size ``x``: 0-3 by size, more for tiny values (two significant
    digits, at most 6 decimals)."""
    x = abs(x)
    if x >= 100:
        return 0
    if x >= 10:
        return 1
    if x >= 1:
        return 2
    if x == 0:
        return 0
    if x >= 0.01:
        return 3
    return min(6, 1 - math.floor(math.log10(x)))


def format_number(x: float, unit: str, *, signed: bool = False, digits: int | None = None) -> str:
    """One value in its unit: shares in percent (differences in percentage points, ``pp``),
    others with 0-3 decimals by size. ``-`` for NaN."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    sign = "+" if signed else ""
    if unit == "share":
        return f"{x * 100:{sign},.1f}" + ("pp" if signed else "%")
    if abs(x) >= 1e6:  # costs per year: keep the columns narrow
        return f"{x / 1e6:{sign},.2f}M"
    d = _digits(x) if digits is None else digits
    return f"{x:{sign},.{d}f}"


def _diff_cell(row) -> str:
    if row.unit == "share":
        text = format_number(row.diff, "share", signed=True)
        if not math.isnan(row.half_width):
            text += f" ± {row.half_width * 100:.1f}"
        return text
    has_hw = not math.isnan(row.half_width) and row.half_width > 0
    d = _digits(row.half_width if has_hw else row.diff)
    text = format_number(row.diff, row.unit, signed=True, digits=d)
    if not math.isnan(row.half_width):
        text += f" ± {row.half_width:,.{d}f}"
    return text


def _vr_cell(vr: float) -> str:
    if math.isnan(vr):
        return "-"
    if math.isinf(vr):
        return "inf"
    return f"{vr:.1f}" if vr < 100 else f"{vr:.0f}"


def _welch_cell(row) -> str:
    if math.isnan(row.welch_half_width):
        return "-"
    if row.unit == "share":
        return f"± {row.welch_half_width * 100:.1f}"
    return f"± {row.welch_half_width:,.{_digits(row.welch_half_width)}f}"


def _metric_label(row) -> str:
    unit = "" if row.unit in ("share", "requests") else f" ({row.unit})"
    label = row.metric if row.slice == "all" else f"{row.metric} {row.slice_value}"
    return label + unit


def format_comparison(
    compare: pd.DataFrame,
    label_a: str,
    label_b: str,
    header_lines: Iterable[str] = (),
) -> str:
    """A plain-text table of :func:`compare_metrics` (≤ :data:`WIDTH` columns).

    One line per metric: means of A and B, ``B - A ± half-width`` (shares in percentage
    points), ``*`` when the paired interval excludes 0, the variance reduction factor VR and the
    Welch half-width an independent-samples comparison would have had. Notes for metrics
    without an interval or VR follow the table.
    """
    n = int(compare["n"].max()) if len(compare) else 0
    lines = [
        f"Paired comparison B - A under common random numbers: {n} replication pair(s)",
        f"  A = {label_a}",
        f"  B = {label_b}",
        *header_lines,
        "B - A: mean paired difference ± 95 % half-width (shares in percentage points, pp);",
        "sig *: the interval excludes 0. VR = (var A + var B) / var(B - A): how much CRN",
        "narrows the interval (by about sqrt(VR)); indep ±: Welch half-width without pairing.",
    ]
    labels = [_metric_label(row) for row in compare.itertuples(index=False)]
    metric_width = max([METRIC_WIDTH, *(len(label) + 1 for label in labels)])
    lines += ["", _header(metric_width)]
    if compare.empty:
        lines.append("(no metric common to A and B)")
        return "\n".join(lines)
    notes: dict[str, list[str]] = {}
    for row, label in zip(compare.itertuples(index=False), labels, strict=True):
        line = (
            f"{row.service[:11]:<12}{label:<{metric_width}}"
            f"{format_number(row.mean_a, row.unit):>9}{format_number(row.mean_b, row.unit):>9}"
            f"  {_diff_cell(row)[:20]:<21}{'*' if row.significant else '':<4}"
            f"{_vr_cell(row.variance_reduction):>6}{_welch_cell(row):>10}"
        )
        lines.append(line[: WIDTH + metric_width - METRIC_WIDTH])
        if row.note:
            notes.setdefault(row.note, []).append(f"{row.service}.{label.split(' (')[0]}")
    significant = int(compare["significant"].sum())
    lines += ["", f"{significant} of {len(compare)} differences are significant at 95 %."]
    finite = compare["variance_reduction"].replace([np.inf, -np.inf], np.nan).dropna()
    if len(finite):
        lines.append(
            f"Variance reduction from CRN: median {finite.median():.1f}"
            f" (range {finite.min():.1f} to {finite.max():.1f})."
        )
    for note, where in notes.items():
        lines += textwrap.wrap(f"Note: {note}: {', '.join(where)}.", WIDTH, subsequent_indent="  ")
    return "\n".join(lines)


def comparison_json(compare: pd.DataFrame) -> list[dict]:
    """Rows as JSON-ready dicts: NaN and infinities become ``None`` (the ``note`` says why)."""
    clean = compare.astype(object)
    records = []
    for row in clean.to_dict(orient="records"):
        for key, value in row.items():
            if isinstance(value, float) and not math.isfinite(value):
                row[key] = None
            elif isinstance(value, np.generic):
                row[key] = value.item()
        records.append(row)
    return records
