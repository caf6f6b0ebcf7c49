"""A plain-text summary for planners, from the table of :func:`carecap.analysis.stats.summarise`.

Per scenario: for each service, the headline metrics for all requests and per priority tier
(one column each); then utilisation per resource pool and the yearly cost. Values read
``mean ± half-width`` (the 95 % interval across replications) when there is more than one
replication, shares as percentages. Lines are at most :data:`WIDTH` characters.
"""

from __future__ import annotations

import math

import pandas as pd

WIDTH = 100
SERVICE_ORDER = ("care_visit", "alarm", "centre_bath", "home_bath", "bath")
SERVICE_TITLES = {
    "care_visit": "Care-plan visits",
    "alarm": "Alarm responses",
    "centre_bath": "Centre baths",
    "home_bath": "Home baths",
    "bath": "Bathing, centre and home together",
}
HEADLINE = (
    ("requests", "requests"),
    ("wait_mean", "wait mean"),
    ("wait_p90", "wait p90"),
    ("on_time_rate", "on time"),
    ("request_coverage", "request coverage"),
    ("elder_coverage", "elder coverage"),
    ("unmet", "unmet"),
    ("backlog_mean", "backlog mean"),
)
_LABEL = 24
_CELL = 18
_MISSING = "-"


_COUNT_UNITS = ("requests", "elders")


def _digits(x: float, unit: str, n: int) -> int:
    """Decimals for a non-share value: fewer as it grows; none for a single whole count."""
    if abs(x) >= 100 or x == 0 or (unit in _COUNT_UNITS and n < 2 and float(x).is_integer()):
        return 0
    return 1 if abs(x) >= 10 or unit in _COUNT_UNITS else 2


def format_value(mean: float, half_width: float, unit: str, n: int) -> str:
    """``mean ± half_width`` (just the mean when n < 2 or no interval).

    Shares (unit ``share``) in percent with one decimal, the half-width in percentage points;
    other values with 0-2 decimals depending on their size, thousands separated.
    """
    if n == 0 or mean is None or math.isnan(mean):
        return _MISSING
    scale, suffix = (100.0, "%") if unit == "share" else (1.0, "")
    m = mean * scale
    digits = 1 if suffix else _digits(m, unit, n)
    text = f"{m:,.{digits}f}{suffix}"
    if n >= 2 and half_width is not None and not math.isnan(half_width):
        text += f" ± {half_width * scale:,.{digits}f}"
    return text


def _cell(row) -> str:
    """A summary row (a named tuple) as ``mean ± half-width``; missing rows as ``-``."""
    if row is None:
        return _MISSING
    return format_value(row.mean, row.half_width, row.unit, int(row.n))


def _grid(title: str, rows: list[tuple[str, list[str]]], columns: list[str]) -> list[str]:
    """A titled table: a label column, then value columns, wrapped to stay within WIDTH."""
    per_chunk = max(1, (WIDTH - _LABEL) // _CELL)
    lines = [title]
    for first in range(0, len(columns), per_chunk):
        cols = range(first, min(first + per_chunk, len(columns)))
        lines.append(" " * _LABEL + "".join(f"{columns[c][: _CELL - 1]:>{_CELL}}" for c in cols))
        for label, cells in rows:
            body = "".join(f"{cells[c][: _CELL - 1]:>{_CELL}}" for c in cols)
            lines.append(f"{label[: _LABEL - 1]:<{_LABEL}}{body}")
    return lines


def _service_section(frame: pd.DataFrame, service: str) -> list[str]:
    mine = frame[(frame["service"] == service) & frame["slice"].isin(["all", "tier"])]
    tiers = list(dict.fromkeys(mine.loc[mine["slice"] == "tier", "slice_value"]))
    columns = ["all", *tiers]
    lookup = {(r.slice_value, r.metric): r for r in mine.itertuples(index=False)}
    rows = []
    for metric, label in HEADLINE:
        found = [lookup.get((c, metric)) for c in columns]
        if all(f is None for f in found):
            continue
        unit = next(f.unit for f in found if f is not None)
        if metric.startswith("wait_"):
            label = f"{label} ({unit})"
        rows.append((label, [_cell(f) for f in found]))
    title = SERVICE_TITLES.get(service, service)
    return _grid(f"{title}: all, then by priority tier", rows, columns) if rows else []


def _utilisation_section(frame: pd.DataFrame) -> list[str]:
    util = frame[(frame["slice"] == "pool") & (frame["metric"] == "utilisation")]
    if util.empty:
        return []
    lines = ["Utilisation (busy / on-shift time)"]
    for r in util.itertuples(index=False):
        label = f"  {r.slice_value} ({r.service})"
        lines.append(f"{label[: _LABEL + _CELL - 1]:<{_LABEL + _CELL}}{_cell(r):>{_CELL}}")
    return lines


def _cost_section(frame: pd.DataFrame) -> list[str]:
    cost = frame[(frame["service"] == "all") & (frame["slice"] == "all")]
    if cost.empty:
        return []
    lines = ["Staff-hours and cost per year"]
    for r in cost.itertuples(index=False):
        label = f"  {r.metric.replace('_', ' ')} ({r.unit})"
        lines.append(f"{label[: _LABEL + 2 * _CELL - 1]:<{_LABEL + 2 * _CELL}}{_cell(r):>{_CELL}}")
    return lines


def format_summary(summary: pd.DataFrame) -> str:
    """A readable plain-text table of a summary (see the module docstring), ≤ 100 columns."""
    if summary is None or len(summary) == 0:
        return "No metrics to summarise."
    blocks = []
    for scenario, frame in summary.groupby("scenario", sort=False):
        n = int(frame["n"].max())
        lines = [f"Scenario {scenario}: {n} replication(s); ± is the 95 % confidence half-width"]
        present = list(dict.fromkeys(frame["service"]))
        # Services outside SERVICE_ORDER come last; pool-only services (utilisation) and the
        # cost rows (service "all") yield no section of their own.
        services = [s for s in SERVICE_ORDER if s in present]
        services += [s for s in present if s not in services and s != "all"]
        for service in services:
            section = _service_section(frame, service)
            if section:
                lines += ["", *section]
        for section in (_utilisation_section(frame), _cost_section(frame)):
            if section:
                lines += ["", *section]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
