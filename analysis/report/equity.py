"""The equity view: each service by district and by priority tier, on one ruler.

Per service, a table whose rows are the districts (or tiers, highest first) with their labels
from the scenario, and whose columns are requests, mean wait, on-time rate against each one's
own target, and the service's common thresholds (``within_30min``...) that let districts with
different targets compare. Every value is a row of ``summary.parquet``.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from carecap.analysis.report.html import Markup, tag
from carecap.analysis.report.html import table as html_table
from carecap.analysis.report.key_figures import SERVICES
from carecap.analysis.report.numbers import cell, lookup
from carecap.analysis.report.text import Lang, slice_label
from carecap.analysis.summary_table import _within_key  # the thresholds' order, shared

BASE = ("requests", "wait_mean", "on_time_rate")
NOTE = (
    "按时率以各区自己的时限计算；比较各区请看统一阈值列（如“30分钟内”）。",
    "On time is against each district's own target; compare districts on the common "
    "thresholds (the 'within' columns), which are the same ruler for all.",
)
"""The note above the tables, (zh, en)."""


def within_label(metric: str, lang: Lang) -> str:
    x = metric.removeprefix("within_")
    if x.endswith("min"):
        return lang.pair(f"{x[:-3]}分钟内", f"within {x[:-3]} min")
    return lang.pair(f"{x[:-1]}天内", f"within {x[:-1]} d")


def equity_tables(
    summary: pd.DataFrame, scenario: dict[str, Any], by: str, lang: Lang
) -> list[tuple[str, Markup]]:
    """(service, table) for every service that has the ``by`` slice (``district`` or ``tier``)."""
    rows_by = lookup(summary)
    order = list(scenario.get("tiers" if by == "tier" else "districts", []))
    out = []
    for service in SERVICES:
        mine = summary[(summary["service"] == service) & (summary["slice"] == by)]
        if mine.empty:
            continue
        values = [v for v in order if v in set(mine["slice_value"])]
        values += [v for v in dict.fromkeys(mine["slice_value"]) if v not in values]
        within = sorted({m for m in mine["metric"] if m.startswith("within_")}, key=_within_key)
        metrics = [*BASE, *within]
        heads = [lang.word(by)] + [
            within_label(m, lang) if m.startswith("within_") else lang.word(m) for m in metrics
        ]
        rows = [
            [slice_label(scenario, by, v, lang)]
            + [cell(rows_by.get((service, "all" if v == "all" else by, v, m))) for m in metrics]
            for v in ["all", *values]
        ]
        out.append(
            (
                service,
                html_table(heads, rows, numeric=[False] + [True] * len(metrics), class_="equity"),
            )
        )
    return out


def equity_section(summary: pd.DataFrame, scenario: dict[str, Any], lang: Lang) -> list[Markup]:
    out: list[Markup] = [lang.para(NOTE, class_="note")]
    for by, key in (("district", "by_district"), ("tier", "by_tier")):
        tables = equity_tables(summary, scenario, by, lang)
        if not tables:
            continue
        out.append(tag("h3", lang.head(key)))
        for service, html in tables:
            out += [tag("h4", lang.head(service)), html]
    return out
