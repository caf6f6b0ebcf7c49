"""Views of a sweep's summary for plots: one metric against a parameter, cost against a
service level, readable names of parameters.

A sweep's ``summary.parquet`` has one block of rows per point, with the varied parameters as
columns named by their dotted paths. :func:`response_table` picks one metric against one
parameter, one line per value of a second parameter (``by``); any other parameter that varies
must be fixed (``where``), else it raises :class:`SweepViewError`: lines through points that
differ in an unnamed parameter would zig-zag without telling why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from carecap.analysis.figure_words import WORDS, FigureWords, figure_words
from carecap.sim.scenario.paths import named_path

RESPONSE_COLUMNS = ["x", "by", "mean", "ci_low", "ci_high", "unit", "point_id"]
FRONTIER_COLUMNS = [
    "point_id",
    "label",
    "cost",
    "cost_low",
    "cost_high",
    "cost_unit",
    "level",
    "level_low",
    "level_high",
    "level_unit",
    "efficient",
]
_KEYED = ("travel_min", "transport_min", "shares", "tier_shares", "care_level_shares")
"""Mappings whose keys (districts, tiers, levels) name an entry, not a field."""
_UNIT_SUFFIXES = {
    "_min": "min",
    "_days": "days",
    "_per_year": "per year",
    "_per_hour": "per hour",
    "_per_day": "per day",
}
"""A field name's unit suffix and the unit it stands for (drawn in words: ``unit.*`` of
:data:`~carecap.analysis.figure_words.WORDS`)."""


class SweepViewError(ValueError):
    """The view asked for does not fit the sweep (a parameter or metric it lacks, or varying
    parameters left unnamed)."""


def field_label(
    path: str, scenario_data: Mapping[str, Any] | None = None, lang: str | FigureWords = "en"
) -> str:
    """A readable name for the field at dotted ``path``: its last word in plain words with its
    unit, and the named items on the way (pools, teams, shifts) in brackets, e.g.
    ``caregivers.0.shifts.0.count`` -> ``units on shift (cg_xiaodian, shift 0)``,
    ``bathing_centre.stations`` -> ``bathing stations``,
    ``services.alarm.target_min_by_district.loufan`` -> ``alarm target (min) (loufan)``;
    in Chinese with ``lang="zh"`` (``在班人数（cg_xiaodian，班次0）``; a field the words table
    does not name is shown by its name)."""
    w = figure_words(lang)
    if path == "variant":
        return w("field.variant")
    shown = named_path(scenario_data, path) if scenario_data is not None else path
    parts = shown.split(".")
    key = None
    mapping = len(parts) > 1 and ("_by_" in parts[-2] or parts[-2] in _KEYED)
    if mapping:  # a key of a mapping: target_min_by_district.x, travel_min.x
        key, parts = parts[-1], [*parts[:-2], parts[-2].split("_by_")[0]]
    leaf = parts[-1]
    if f"field.{leaf}" in WORDS:
        words = w(f"field.{leaf}")
    else:
        suffix = next((s for s in _UNIT_SUFFIXES if leaf.endswith(s)), None)
        base = leaf[: -len(suffix)] if suffix else leaf
        words = w.get(f"field.{base}", base.replace("_", " "))
        if suffix:
            words = w("with_unit", name=words, unit=w.unit(_UNIT_SUFFIXES[suffix]))
    if parts[0] == "home_bathing" and leaf == "count":
        words = w("field.home_bathing.count")
    if parts[0] == "bathing_centre" and parts[-2:] == ["vans", "count"]:
        words = w("field.vans.count")
    if parts[0] == "services" and len(parts) > 2:
        service = w.get(f"field_service.{parts[1]}", parts[1].replace("_", " "))
        words = w("field.service_of", service=service, words=words)
    context = []
    for i, part in enumerate(parts[1:-1], start=1):
        if parts[i - 1] in ("caregivers", "teams", "classes") or parts[i - 1] == "shifts":
            context.append(w("field.shift", n=part) if parts[i - 1] == "shifts" else part)
    if key is not None:
        context.append(key)
    return w("field.context", words=words, context=w.list_sep().join(context)) if context else words


def is_integer_valued(values: pd.Series) -> bool:
    """All values are whole numbers (ticks then fall on whole numbers only)."""
    v = pd.to_numeric(values, errors="coerce")
    return bool(v.notna().all() and np.all(np.mod(v.to_numpy(np.float64), 1) == 0))


def response_table(
    summary: pd.DataFrame,
    parameters: list[str],
    x: str,
    service: str,
    metric: str,
    by: str | None = None,
    where: Mapping[str, Any] | None = None,
    slice_value: str = "all",
) -> pd.DataFrame:
    """Rows :data:`RESPONSE_COLUMNS` of ``metric`` of ``service`` (slice ``all``, or the slice
    value given) against parameter ``x``, one group per value of ``by``, after keeping the rows
    whose parameters equal ``where``; ordered by ``by``, then ``x``: numbers by value, names
    (variants) in the sweep file's order (the order of its points), never alphabetically.

    Raises:
        SweepViewError: ``x``, ``by`` or a ``where`` key is not a parameter of the sweep; the
            metric is not in the summary; or another parameter varies among the rows kept.
    """
    where = dict(where or {})
    for name in [x, *([by] if by else []), *where]:
        if name not in parameters:
            raise SweepViewError(
                f"{name!r} is not a parameter of this sweep; its parameters are "
                f"{', '.join(parameters)}"
            )
    rows = summary[(summary["service"] == service) & (summary["metric"] == metric)]
    rows = (
        rows[rows["slice_value"] == slice_value]
        if slice_value != "all"
        else rows[rows["slice"] == "all"]
    )
    if rows.empty:
        raise SweepViewError(f"the summary has no metric {metric!r} for service {service!r}")
    for name, value in where.items():
        rows = rows[rows[name].astype(str) == str(value)]
    if rows.empty:
        raise SweepViewError(f"no point has {', '.join(f'{k}={v}' for k, v in where.items())}")
    free = [p for p in parameters if p not in (x, by, *where) and rows[p].nunique() > 1]
    if free:
        raise SweepViewError(
            f"parameter(s) {', '.join(free)} also vary across these points, so a line against "
            f"{x} would mix them; fix each (where/--where PATH=VALUE) or draw one line per value"
            " (by/--line-by PATH)"
        )
    out = pd.DataFrame(
        {
            "x": rows[x].to_numpy(),
            "by": rows[by].to_numpy() if by else "",
            "mean": rows["mean"].to_numpy(np.float64),
            "ci_low": rows["ci_low"].to_numpy(np.float64),
            "ci_high": rows["ci_high"].to_numpy(np.float64),
            "unit": rows["unit"].to_numpy(),
            "point_id": rows["point_id"].to_numpy(),
        }
    )
    return out.sort_values(["by", "x"], kind="stable", key=_in_order).reset_index(drop=True)


def _in_order(values: pd.Series) -> pd.Series:
    """Sort keys of a parameter's values: the values themselves when all are numbers, else
    each value's first position (the points are in the sweep file's order)."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().all():
        return numbers
    first = {v: i for i, v in reversed(list(enumerate(values)))}
    return values.map(first)


def pareto_efficient(cost: np.ndarray, level: np.ndarray) -> np.ndarray:
    """Mask of the options no other option beats: none costs no more and serves at least as
    well while being strictly better in one of the two. NaN options are never efficient."""
    cost, level = np.asarray(cost, np.float64), np.asarray(level, np.float64)
    ok = ~np.isnan(cost) & ~np.isnan(level)
    out = np.zeros(len(cost), dtype=bool)
    for i in np.flatnonzero(ok):
        other = ok.copy()
        other[i] = False
        beaten = (
            (cost[other] <= cost[i])
            & (level[other] >= level[i])
            & ((cost[other] < cost[i]) | (level[other] > level[i]))
        )
        out[i] = not beaten.any()
    return out


def frontier_table(
    summary: pd.DataFrame,
    level_service: str,
    level_metric: str = "on_time_rate",
    cost_metric: str = "cost_per_year",
) -> pd.DataFrame:
    """Per sweep point: the cost (``cost_metric``, service ``all``) and service level
    (``level_metric`` of ``level_service``, slice ``all``) with their 95 % intervals, and
    whether the point is efficient (:func:`pareto_efficient` on the means; a wait or unmet
    count is better low, see :func:`lower_is_better`). Rows
    :data:`FRONTIER_COLUMNS`.

    Raises:
        SweepViewError: either metric is missing from the summary.
    """
    overall = summary[summary["slice"] == "all"]
    cost = overall[(overall["service"] == "all") & (overall["metric"] == cost_metric)]
    level = overall[(overall["service"] == level_service) & (overall["metric"] == level_metric)]
    if cost.empty:
        raise SweepViewError(
            f"the summary has no {cost_metric!r}: give the scenario unit costs (costs:)"
        )
    if level.empty:
        raise SweepViewError(f"the summary has no metric {level_metric!r} for {level_service!r}")
    keep = ["point_id", "label", "mean", "ci_low", "ci_high", "unit"]
    both = cost[keep].merge(level[keep], on=["point_id", "label"], suffixes=("_c", "_l"))
    out = pd.DataFrame(
        {
            "point_id": both["point_id"],
            "label": both["label"],
            "cost": both["mean_c"],
            "cost_low": both["ci_low_c"],
            "cost_high": both["ci_high_c"],
            "cost_unit": both["unit_c"],
            "level": both["mean_l"],
            "level_low": both["ci_low_l"],
            "level_high": both["ci_high_l"],
            "level_unit": both["unit_l"],
        }
    )
    sign = -1.0 if lower_is_better(level_metric) else 1.0
    out["efficient"] = pareto_efficient(out["cost"].to_numpy(), sign * out["level"].to_numpy())
    return out[FRONTIER_COLUMNS]


def lower_is_better(metric: str) -> bool:
    """Waits, unmet requests and backlogs are better low; shares served are better high."""
    return metric.startswith(("wait", "unmet", "backlog", "abandoned"))
