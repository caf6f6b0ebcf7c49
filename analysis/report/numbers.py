"""Numbers of the summary as table cells: the mean and, under it, the 95 % interval
``[ci_low, ci_high]`` exactly as ``summary.parquet`` holds them (only rounded for display).

Shares are shown in percent; the unit of each figure is the summary's own ``unit`` column.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from carecap.analysis.report.html import Markup, esc, join, tag

UNIT_SHORT = {"days": "d", "min": "min", "share": "%"}
"""Units written after a number in a cell (counts and money are left bare: the header says)."""


def _digits(value: float, unit: str) -> int:
    if unit == "share":
        return 1
    size = abs(value)
    if size >= 100 or unit in ("requests", "elders", "beds"):
        return 0
    return 1 if size >= 10 else 2


def fmt(value: Any, unit: str) -> str:
    """One number in its unit: ``83.4 %``, ``2.49 d``, ``32.2 min``, ``15,542,968``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    x = float(value) * (100 if unit == "share" else 1)
    text = f"{x:,.{_digits(float(value), unit)}f}"
    short = UNIT_SHORT.get(unit)
    return f"{text} {short}" if short else text


def cell(row: Any) -> Markup:
    """A summary row (named tuple or mapping with mean, ci_low, ci_high, n, unit) as a cell:
    the mean, and under it the 95 % interval when there are two replications or more."""
    if row is None:
        return esc("–")
    get = row.get if isinstance(row, dict) else lambda k: getattr(row, k)
    unit, mean = str(get("unit")), get("mean")
    parts: list[Any] = [fmt(mean, unit)]
    low, high = get("ci_low"), get("ci_high")
    if int(get("n")) >= 2 and not any(v is None or math.isnan(v) for v in (low, high)):
        interval = f"[{fmt(low, unit)} – {fmt(high, unit)}]".replace(" %", "").replace(" d", "")
        interval = interval.replace(" min", "")
        parts += [" ", tag("span", interval, class_="ci")]
    return join(parts)


def lookup(summary: pd.DataFrame) -> dict[tuple[str, str, str, str], Any]:
    """Rows of a summary by (service, slice, slice_value, metric)."""
    return {
        (r.service, r.slice, r.slice_value, r.metric): r for r in summary.itertuples(index=False)
    }
