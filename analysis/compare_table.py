"""The paired comparison (:func:`carecap.analysis.compare_paired.compare_metrics`) as a
plain-text table, as ``carecap compare`` prints it: values in their units, shares in percent and
their differences in percentage points."""

from __future__ import annotations

import math
import textwrap
from collections.abc import Iterable

import numpy as np
import pandas as pd

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
    """A plain-text table (≤ :data:`WIDTH` columns) of
    :func:`~carecap.analysis.compare_paired.compare_metrics`.

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
