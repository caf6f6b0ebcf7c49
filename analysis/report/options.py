"""For a sweep: the options (points) ranked against the targets, with their costs.

An option meets the targets when every target is met on its whole 95 % interval
(:meth:`~carecap.analysis.report.targets.Target.judge`). Ranking: options meeting every target
first, then those not yet decided (some target ``unsure``), then those failing one; within each
group the cheapest first (``cost_per_year``, when the scenario has costs; otherwise in the
sweep's order, or in the order given: a sizing search's candidates by units in total).
Without targets, options are ordered by cost and each service's on-time rate is shown.
Values are the rows of the sweep's ``summary.parquet``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from carecap.analysis.report.equity import within_label
from carecap.analysis.report.html import Markup, esc, join, table, tag
from carecap.analysis.report.key_figures import SERVICES
from carecap.analysis.report.numbers import cell, fmt, lookup
from carecap.analysis.report.targets import Target
from carecap.analysis.report.text import WORDS as NAMES
from carecap.analysis.report.text import Lang, slice_label

_GROUP = {"meets": 0, "unsure": 1, "fails": 2}

WORDS: dict[str, tuple[str, str]] = {
    "targets": (
        "目标（方案的整个95%置信区间都在阈值的达标一侧，才算达到该目标；“尚不确定”表示需要"
        "更多重复运行才能判断）：",
        "Targets (an option meets one when its whole 95 % interval is on the right side; "
        "'undecided' means more replications are needed to tell):",
    ),
    "no_targets": (
        "未给出目标（carecap report --target 'SERVICE.METRIC>=X'）：各方案按成本排序，并列出"
        "各项服务的按时率。",
        "No targets were given (carecap report --target 'SERVICE.METRIC>=X'): options are "
        "ordered by cost, with each service's on-time rate.",
    ),
    "parameters": ("调整的参数：{parameters}", "Parameters varied: {parameters}"),
}
"""The section's sentences, (zh, en)."""


def _row(frame: pd.DataFrame, service: str, slice_: str, value: str, metric: str) -> Any:
    hit = frame[
        (frame["service"] == service)
        & (frame["slice"] == slice_)
        & (frame["slice_value"] == value)
        & (frame["metric"] == metric)
    ]
    return next(hit.itertuples(index=False), None)


def ranked_options(
    summary: pd.DataFrame, targets: list[Target], order_of: Mapping[str, float] | None = None
) -> list[tuple[str, str, Any, list[tuple[Any, str]], str]]:
    """(point_id, label, cost row, [(target row, verdict)], overall verdict), best first;
    ``order_of``: a number per point id ordering options of equal cost (default: sweep order)."""
    ranked = []
    for order, (point, frame) in enumerate(summary.groupby("point_id", sort=True)):
        label = str(frame["label"].iloc[0])
        cost = _row(frame, "all", "all", "all", "cost_per_year")
        judged = []
        for t in targets:
            r = _row(frame, t.service, t.slice, t.slice_value, t.metric)
            judged.append((r, t.judge(r)))
        overall = max((v for _, v in judged), key=_GROUP.__getitem__, default="meets")
        mean_cost = cost.mean if cost is not None and not math.isnan(cost.mean) else math.inf
        tie = (order_of or {}).get(str(point), math.inf), order
        ranked.append(((_GROUP[overall], mean_cost, *tie), point, label, cost, judged, overall))
    ranked.sort(key=lambda x: x[0])
    return [r[1:] for r in ranked]


def _target_label(t: Target, summary: pd.DataFrame, lang: Lang, with_threshold: bool) -> str:
    """``Centre baths: on time ≥ 90 %`` (the threshold in the metric's unit, shares in %)."""
    metric = within_label(t.metric, lang) if t.metric.startswith("within_") else lang.word(t.metric)
    name = f"{lang.word(t.service)}: {metric}"
    if t.slice != "all":
        where = lang.pair(NAMES.get(t.slice, ("", ""))[0], t.slice)
        name += f" ({where} {slice_label({}, t.slice, t.slice_value, lang)})"
    if not with_threshold:
        return name
    units = summary.loc[(summary["service"] == t.service) & (summary["metric"] == t.metric), "unit"]
    unit = str(units.iloc[0]) if len(units) else ""
    return f"{name} {'≥' if t.op == '>=' else '≤'} {fmt(t.threshold, unit)}"


def targets_table(summary: pd.DataFrame, targets: list[Target], lang: Lang) -> Markup:
    """A run's targets: each one's value with its interval and whether it is met."""
    rows_by = lookup(summary)
    rows = []
    for t in targets:
        r = rows_by.get((t.service, t.slice, t.slice_value, t.metric))
        verdict = t.judge(r)
        mark = tag("span", lang.word(verdict), class_=verdict if verdict != "unsure" else None)
        rows.append([_target_label(t, summary, lang, True), cell(r), mark])
    heads = [lang.pair("目标", "Target"), lang.word("value"), lang.pair("结论", "Verdict")]
    return table(heads, rows, numeric=[False, True, False], class_="targets")


def options_section(
    summary: pd.DataFrame,
    parameters: list[str],
    targets: list[Target],
    lang: Lang,
    order_of: Mapping[str, float] | None = None,
) -> list[Markup]:
    out: list[Markup] = []
    if targets:
        items = [tag("li", tag("code", t.text)) for t in targets]
        out += [
            lang.para(WORDS["targets"]),
            tag("ul", items),
        ]
    else:
        out.append(lang.para(WORDS["no_targets"], class_="note"))
    shown = targets or [
        Target(s, "on_time_rate", "all", "all", ">=", -math.inf)
        for s in SERVICES
        if s in set(summary["service"])
    ]
    heads = [lang.word("rank"), lang.word("option"), lang.word("cost_per_year")]
    heads += [_target_label(t, summary, lang, bool(targets)) for t in shown]
    if targets:
        heads.append(lang.pair("结论", "Verdict"))
    rows = []
    for rank, (point, label, cost, judged, overall) in enumerate(
        ranked_options(summary, shown, order_of), 1
    ):
        cells: list[Any] = [str(rank), f"{label} ({point})", cell(cost)]
        for r, verdict in judged:
            mark = (
                ""
                if not targets
                else tag(
                    "span",
                    f" {lang.word(verdict)}",
                    class_=verdict if verdict != "unsure" else None,
                )
            )
            cells.append(join([cell(r), esc(mark)]))
        if targets:
            cells.append(
                tag("span", lang.word(overall), class_=overall if overall != "unsure" else None)
            )
        rows.append(cells)
    numeric = [False, False, True, *[True] * len(shown)] + ([False] if targets else [])
    out.append(table(heads, rows, numeric=numeric, class_="options"))
    if parameters:
        out.append(lang.para(WORDS["parameters"], class_="note", parameters=", ".join(parameters)))
    return out
