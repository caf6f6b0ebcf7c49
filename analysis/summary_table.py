"""A plain-text summary for planners, from the table of :func:`carecap.analysis.stats.summarise`.

Per scenario: for each service, the headline metrics for all requests and per slice asked for
(``by``: priority tier by default, or district, or care level; one column each); then
utilisation per resource pool, staff per pool (on-shift hours a year and full-time equivalents),
and staff, beds and cost per year (FTE beside the staff-hours). Values read
``mean ± half-width`` (the 95 % interval across replications) when there is more than one
replication, or ``mean [low, high]`` when the interval was cut at the metric's range (a share
near 100 %, a count near 0: :func:`carecap.sim.metrics.summary.clip_interval`); shares as
percentages.
Lines are at most :data:`WIDTH` display columns (a Chinese character takes two).
:func:`summary_json` is the same content, every slice, as a JSON-ready mapping;
:func:`slice_labels` makes column labels from a scenario (``万柏林区 wanbailin``).
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Mapping
from typing import Any

import pandas as pd

from carecap.analysis.summary_years import year_sections
from carecap.sim.metrics.summary import interval_clipped

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
    ("wait_censored", "still waiting at end"),
    ("wait_mean_served", "wait mean served"),
    ("on_time_rate", "on time"),
    ("on_time_rate_served", "on time served"),
    ("within_*", ""),
    ("elder_coverage", "elder coverage"),
    ("unmet", "unmet"),
    ("backlog_mean", "backlog mean"),
    ("starts_weekday_cv", "weekday CV of starts"),
)
"""Rows of a service section: metric and label; ``within_*`` stands for the service's common
thresholds (``within_30min`` reads "within 30 min"). ``on time`` counts every request made
(MODEL.md §3), ``... served`` only those that started; the waits are over all requests made,
lower bounds when some were still waiting at the end."""
BY = ("tier", "district", "care_level", "year")
TIER_LABELS = {"tekun": "特困", "dibao": "低保"}
_ADMIN_SUFFIX = "区县市"  # district, county, county-level city
"""Chinese names of the default tiers (the scenario format has no tier labels)."""
_LABEL = 24
_CELL = 14
_MISSING = "-"


_COUNT_UNITS = ("requests", "elders")
CLIPPED_NOTE = (
    "[low, high]: that interval cut where it would pass 0 or 100 % (counts, waits and shares "
    "cannot)"
)
"""The summary's note under its first line when some interval was cut at its metric's range."""
ONE_YEAR_NOTE = (
    "by year: the run lies within one calendar year (no year slice: column all is that year)"
)
"""The note of a ``by="year"`` table of a run within one calendar year."""


def _digits(x: float, unit: str, n: int) -> int:
    """Decimals for a non-share value: fewer as it grows; none for a single whole count."""
    if abs(x) >= 100 or x == 0 or (unit in _COUNT_UNITS and n < 2 and float(x).is_integer()):
        return 0
    return 1 if abs(x) >= 10 or unit in _COUNT_UNITS else 2


def format_value(
    mean: float,
    half_width: float,
    unit: str,
    n: int,
    ci_low: float | None = None,
    ci_high: float | None = None,
) -> str:
    """``mean ± half_width`` (just the mean when n < 2 or no interval); ``mean [low, high]``
    when the range cut a bound of the interval (``ci_low``/``ci_high`` given:
    :func:`carecap.sim.metrics.summary.interval_clipped`) and ``± half_width`` would print a
    bound past it (``0.3 ± 0.5`` requests reads as below zero; ``100.0% ± 0.0`` is kept).

    Shares (unit ``share``) in percent with one decimal, the half-width and bounds in percent
    without the sign; other values with 0-2 decimals depending on their size (of the mean),
    thousands separated.
    """
    if n == 0 or mean is None or math.isnan(mean):
        return _MISSING
    scale, digits, text = _printed_mean(mean, unit, n)
    if n < 2 or half_width is None or math.isnan(half_width):
        return text
    if shows_bounds(mean, half_width, unit, n, ci_low, ci_high):
        low, high = (b * scale for b in (ci_low, ci_high))  # type: ignore[operator]
        return f"{text} [{low:,.{digits}f}, {high:,.{digits}f}]"
    return f"{text} ± {half_width * scale:,.{digits}f}"


def _printed_mean(mean: float, unit: str, n: int) -> tuple[float, int, str]:
    """The scale of the unit (100 for shares), the decimals, and the mean as printed."""
    scale, suffix = (100.0, "%") if unit == "share" else (1.0, "")
    m = mean * scale
    digits = 1 if suffix else _digits(m, unit, n)
    return scale, digits, f"{m:,.{digits}f}{suffix}"


def shows_bounds(
    mean: float,
    half_width: float,
    unit: str,
    n: int,
    ci_low: float | None,
    ci_high: float | None,
) -> bool:
    """Whether :func:`format_value` prints ``[low, high]``: the range cut a bound, and the cut
    bound and the uncut one differ as printed."""
    if n < 2 or None in (mean, half_width, ci_low, ci_high):
        return False
    if not interval_clipped(mean, half_width, ci_low, ci_high):
        return False
    scale, digits, _ = _printed_mean(mean, unit, n)
    cut = (round(b * scale, digits) for b in (ci_low, ci_high))
    uncut = (round(b * scale, digits) for b in (mean - half_width, mean + half_width))
    return any(a != b for a, b in zip(cut, uncut, strict=True))


def _cell(row) -> str:
    """A summary row (a named tuple) as ``mean ± half-width`` or, cut at the metric's range,
    ``mean [low, high]``; missing rows as ``-``."""
    if row is None:
        return _MISSING
    return format_value(row.mean, row.half_width, row.unit, int(row.n), row.ci_low, row.ci_high)


def _width(text: str) -> int:
    """Display columns of ``text`` (wide East Asian characters take two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _fit(text: str, width: int, right: bool) -> str:
    """``text`` cut to ``width - 1`` display columns, then padded to ``width``."""
    while _width(text) > width - 1:
        text = text[:-1]
    pad = " " * (width - _width(text))
    return pad + text if right else text + pad


def _grid(title: str, rows: list[tuple[str, list[str]]], columns: list[str]) -> list[str]:
    """A titled table: a label column, then value columns, each as wide as its widest heading or
    value (at least :data:`_CELL`) with two spaces before it, wrapped to stay within WIDTH: a
    column of cut intervals (``mean [low, high]``) widens only itself."""
    room = WIDTH - _LABEL
    widths = [
        min(max([_CELL, _width(head) + 2, *(_width(cells[c]) + 2 for _, cells in rows)]), room)
        for c, head in enumerate(columns)
    ]
    chunks: list[list[int]] = []
    for c, width in enumerate(widths):
        if chunks and sum(widths[k] for k in chunks[-1]) + width <= room:
            chunks[-1].append(c)
        else:
            chunks.append([c])
    lines = [title]
    for cols in chunks:
        lines.append(" " * _LABEL + "".join(_fit(columns[c], widths[c], True) for c in cols))
        for label, cells in rows:
            body = "".join(_fit(cells[c], widths[c], True) for c in cols)
            lines.append(_fit(label, _LABEL, False) + body)
    return lines


def _within_label(metric: str) -> str:
    """``within_30min`` -> ``within 30 min``; ``within_7d`` -> ``within 7 days``."""
    x = metric.removeprefix("within_")
    if x.endswith("min"):
        return f"within {x[:-3]} min"
    return f"within {x[:-1]} day{'' if x[:-1] == '1' else 's'}"


def _within_key(metric: str) -> float:
    x = metric.removeprefix("within_").removesuffix("min").removesuffix("d")
    try:
        return float(x)
    except ValueError:
        return math.inf


_BY_TITLE = {
    "tier": "priority tier",
    "district": "district",
    "care_level": "care level",
    "year": "year",
}


def _service_section(
    frame: pd.DataFrame, service: str, by: str, labels: Mapping[str, str]
) -> list[str]:
    mine = frame[(frame["service"] == service) & frame["slice"].isin(["all", by])]
    values = list(dict.fromkeys(mine.loc[mine["slice"] == by, "slice_value"]))
    columns = ["all", *values]
    lookup = {(r.slice_value, r.metric): r for r in mine.itertuples(index=False)}
    within = sorted({m for m in mine["metric"] if str(m).startswith("within_")}, key=_within_key)
    rows = []
    for metric, label in HEADLINE:
        metrics = [(m, _within_label(m)) for m in within] if metric == "within_*" else []
        for name, text in metrics or [(metric, label)]:
            found = [lookup.get((c, name)) for c in columns]
            if all(f is None for f in found):
                continue
            if name == "wait_censored" and all(f is None or not f.mean for f in found):
                continue  # nothing censored: every wait is known
            unit = next(f.unit for f in found if f is not None)
            if name.startswith("wait_") and name != "wait_censored":
                text = f"{text} ({unit})"
            rows.append((text, [_cell(f) for f in found]))
    title = SERVICE_TITLES.get(service, service)
    heads = ["all", *(labels.get(v, v) for v in values)]
    return _grid(f"{title}: all, then by {_BY_TITLE[by]}", rows, heads) if rows else []


def _utilisation_section(frame: pd.DataFrame) -> list[str]:
    util = frame[(frame["slice"] == "pool") & (frame["metric"] == "utilisation")]
    if util.empty:
        return []
    outside = frame[(frame["slice"] == "pool") & (frame["metric"] == OUTSIDE_VAN_HOURS)]
    beside = {(r.service, r.slice_value): r for r in outside.itertuples(index=False)}
    title = "Utilisation (busy / time it can work: on-shift; vans: van hours"
    lines = [f"{title}{', and busy hours outside them' if beside else ''})"]
    for r in util.itertuples(index=False):
        label = f"  {r.slice_value} ({r.service})"
        line = f"{label[: _LABEL + _CELL - 1]:<{_LABEL + _CELL}}{_cell(r):>{_CELL}}"
        extra = beside.get((r.service, r.slice_value))
        if extra is not None:  # the vans: the busy hours their van hours do not count
            line += f"  ({_cell(extra)} h/year outside)"
        lines.append(line)
    return lines


OUTSIDE_VAN_HOURS = "busy_hours_outside_van_hours_per_year"
"""Shown beside the vans' utilisation (sim/metrics/resources.py ``van_metrics``)."""


FTE_OF = {"caregiver_hours_per_year": "caregiver_fte", "bath_team_hours_per_year": "bath_team_fte"}
"""Staff-hour rows of the cost section and the FTE shown beside each."""


def _with_unit(row) -> str:
    """A cell followed by its unit when the unit is a count of staff (``71.9 FTE``)."""
    text = _cell(row)
    return f"{text} {row.unit}" if row is not None and text != _MISSING else text


def _cost_section(frame: pd.DataFrame) -> list[str]:
    cost = frame[(frame["service"] == "all") & (frame["slice"] == "all")]
    if cost.empty:
        return []
    rows = {r.metric: r for r in cost.itertuples(index=False)}
    beside = set(FTE_OF.values())
    lines = ["Staff, beds and cost per year (staff as hours and full-time equivalents)"]
    width = _LABEL + 2 * _CELL
    for r in cost.itertuples(index=False):
        if r.metric in beside:
            continue
        label = f"  {r.metric.replace('_', ' ')} ({r.unit})"
        line = f"{label[: width - 1]:<{width}}{_cell(r):>{_CELL}}"
        if r.metric in FTE_OF and FTE_OF[r.metric] in rows:
            line += f"{_with_unit(rows[FTE_OF[r.metric]]):>{WIDTH - width - _CELL}}"
        lines.append(line)
    return lines


def _staff_section(frame: pd.DataFrame) -> list[str]:
    """On-shift hours and FTE per caregiver or team pool."""
    staff = frame[(frame["slice"] == "pool") & frame["metric"].isin(["hours_per_year", "fte"])]
    if staff.empty:
        return []
    rows = {(r.slice_value, r.metric): r for r in staff.itertuples(index=False)}
    width, fte_width = _LABEL + _CELL, _CELL + 8
    lines = [
        f"{'Staff per pool (on-shift hours a year, FTE)':<{width}}"
        f"{'hours/year':>{_CELL}}{'FTE':>{fte_width}}"
    ]
    for pool in dict.fromkeys(staff["slice_value"]):
        hours, fte = rows.get((pool, "hours_per_year")), rows.get((pool, "fte"))
        service = (hours or fte).service
        label = f"  {pool} ({service})"
        lines.append(
            f"{label[: width - 1]:<{width}}{_cell(hours):>{_CELL}}{_with_unit(fte):>{fte_width}}"
        )
    return lines


def format_summary(
    summary: pd.DataFrame, by: str = "tier", labels: Mapping[str, str] | None = None
) -> str:
    """A readable plain-text table of a summary (see the module docstring), ≤ 100 columns.

    ``by``: the slice shown beside ``all`` (``tier``, ``district``, ``care_level`` or ``year``:
    the yearly trend of a run over several calendar years);
    ``labels``: column headings by slice value (e.g. from :func:`slice_labels`); values not
    in it are shown as they are.
    """
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    labels = labels or {}
    if summary is None or len(summary) == 0:
        return "No metrics to summarise."
    blocks = []
    for scenario, frame in summary.groupby("scenario", sort=False):
        n = int(frame["n"].max())
        lines = [f"Scenario {scenario}: {n} replication(s); ± is the 95 % confidence half-width"]
        if any(
            shows_bounds(r.mean, r.half_width, r.unit, int(r.n), r.ci_low, r.ci_high)
            for r in frame.itertuples()
        ):
            lines.append(CLIPPED_NOTE)
        if by == "year" and not (frame["slice"] == "year").any():
            lines.append(ONE_YEAR_NOTE)
        present = list(dict.fromkeys(frame["service"]))
        # Services outside SERVICE_ORDER come last; pool-only services (utilisation) and the
        # cost rows (service "all") yield no section of their own.
        services = [s for s in SERVICE_ORDER if s in present]
        services += [s for s in present if s not in services and s != "all"]
        for service in services:
            section = _service_section(frame, service, by, labels)
            if section:
                lines += ["", *section]
        for section in (_utilisation_section(frame), _staff_section(frame), _cost_section(frame)):
            if section:
                lines += ["", *section]
        if by == "year":  # the yearly trend of pools, staff, beds and cost
            for section in year_sections(frame, _grid, _cell):
                lines += ["", *section]
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)


def slice_labels(scenario: Any, by: str) -> dict[str, str]:
    """Column headings for ``by`` from a scenario: the Chinese word of the label (when it has
    one; a district's trailing 区/县/市 dropped, so headings fit a column) and the name, e.g.
    district ``wanbailin`` labelled ``万柏林区 Wanbailin`` -> ``万柏林 wanbailin``; tiers
    ``tekun``/``dibao`` -> ``特困 tekun``/``低保 dibao``."""
    if by not in BY:
        raise ValueError(f"by must be one of {', '.join(BY)}, got {by!r}")
    if by == "year":
        return {}  # the years label themselves
    if by == "tier":
        return {t: f"{TIER_LABELS[t]} {t}" if t in TIER_LABELS else t for t in scenario.tiers}
    entries = scenario.districts if by == "district" else scenario.care_levels
    out = {}
    for name, entry in entries.items():
        label = getattr(entry, "label", None) or ""
        words = [w for w in label.split() if not w.isascii()]
        word = words[0] if words else ""
        if by == "district" and len(word) > 2 and word[-1] in _ADMIN_SUFFIX:
            word = word[:-1]
        out[name] = f"{word} {name}" if word else name
    return out


def _number(x: Any) -> Any:
    if isinstance(x, float) and math.isnan(x):
        return None
    return x.item() if hasattr(x, "item") else x


def summary_json(
    summary: pd.DataFrame, labels: Mapping[str, Mapping[str, str]] | None = None
) -> dict[str, Any]:
    """Every row of a summary, every slice, as a JSON-ready nested mapping.

    ``{scenario: {service: {slice: {slice_value: {metric: {"mean", "half_width", "ci_low",
    "ci_high", "sd", "n", "unit"}}}}}}`` (NaN -> ``None``), plus ``"labels"`` when given
    (``{by: {slice_value: heading}}``, e.g. from :func:`slice_labels` per slice kind).
    """
    out: dict[str, Any] = {}
    for r in summary.itertuples(index=False):
        node = out.setdefault(r.scenario, {}).setdefault(r.service, {})
        node = node.setdefault(r.slice, {}).setdefault(r.slice_value, {})
        node[r.metric] = {
            "mean": _number(r.mean),
            "half_width": _number(r.half_width),
            "ci_low": _number(r.ci_low),
            "ci_high": _number(r.ci_high),
            "sd": _number(r.sd),
            "n": int(r.n),
            "unit": r.unit,
        }
    result: dict[str, Any] = {"scenarios": out}
    if labels:
        result["labels"] = {k: dict(v) for k, v in labels.items()}
    return result
