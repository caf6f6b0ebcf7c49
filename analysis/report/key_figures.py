"""Key figures per service, then resources and cost, each with its 95 % interval.

Rows come straight from ``summary.parquet`` (slice ``all``): requests made, mean and 90th
percentile wait over every request made, on-time rate (against each service's target, given
beside it), unmet share and elder coverage; then utilisation and staff per pool and the cost
lines (service ``all``).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pandas as pd

from carecap.analysis.report import describe as d
from carecap.analysis.report.html import Markup, join, table
from carecap.analysis.report.numbers import cell, lookup
from carecap.analysis.report.text import EN, Lang

SERVICES = ("care_visit", "alarm", "centre_bath", "home_bath")
KEY_METRICS = ("requests", "wait_mean", "wait_p90", "on_time_rate", "unmet_share", "elder_coverage")
COST_METRICS = (
    ("cost_per_year", "年度总成本", "cost per year"),
    ("cost_per_bed_year", "每床年成本", "cost per bed-year"),
    ("cost_per_elder_served", "人均服务成本", "cost per elder served"),
    ("caregiver_fte", "照护员全职当量", "caregivers, full-time equivalents"),
    ("bath_team_fte", "助浴队全职当量", "bathing teams, team full-time equivalents"),
    ("beds_mean", "平均床位数", "beds (mean present)"),
    ("elders_served", "服务老人数", "elders served"),
)


OUTSIDE_VAN_HOURS = "busy_hours_outside_van_hours_per_year"
OUTSIDE_WORDS = ("小时/年在运营时间之外", "h/year outside van hours")
OVER_100_NOTE = (
    "利用率超过100%：资源在计入的时间之外工作——人员完成班次结束前开始的工作；车辆在运营"
    "时间之外行驶（最后一个接人时段之后的返程），其每年小时数列在车辆一行，运营时间和车辆成本"
    "都不计入。",
    "Utilisation above 100 %: work outside the hours counted — staff finishing work begun "
    "before their shift's end; vans driving outside van hours (return runs after the last "
    "pick-up hour), their hours a year given in the vans' row, counted neither in the van "
    "hours nor in the van cost.",
)
"""The note under the resources table when a utilisation passes 100 % or there are vans."""

TARGET_WORDS: dict[str, tuple[str, str]] = {
    "min": ("{name} ≤ {x}分钟", "{name} ≤ {x} min"),
    "days": ("≤ {x}天", "≤ {x} days"),
    "list": ("，", ", "),
    "longer": ("（部分区县时限更长）", " (longer in some districts)"),
}
"""The targets in words, (zh, en)."""


def target_text(scenario: dict[str, Any], service: str, lang: Lang = EN) -> str:
    """The service's target as the scenario states it (``30 min``, ``7 days``)."""
    services = scenario.get("services") or {}
    w = lang.fill
    if service == "alarm" and services.get("alarm"):
        alarm = services["alarm"]
        # with urgency classes, each alarm is on time against its own class's target
        classes = alarm.get("classes") or {"": alarm}
        parts = [
            w(TARGET_WORDS["min"], name=name, x=d.number(c["target_min"])).strip()
            for name, c in classes.items()
        ]
        longer = any(c.get("target_min_by_district") for c in classes.values())
        return w(TARGET_WORDS["list"]).join(parts) + (w(TARGET_WORDS["longer"]) if longer else "")
    key = "care_visit" if service == "care_visit" else "bath"
    if services.get(key):
        return w(TARGET_WORDS["days"], x=d.number(services[key]["target_days"]))
    return ""


def key_figures_table(summary: pd.DataFrame, scenario: dict[str, Any], lang: Lang) -> Markup:
    """One row per service present: the headline metrics with their intervals."""
    rows_by = lookup(summary)
    present = set(summary["service"])
    heads = [lang.word("service"), lang.pair("目标", "target")]
    heads += [lang.word(m) for m in KEY_METRICS]
    rows = []
    for service in SERVICES:
        if service not in present:
            continue
        cells = [rows_by.get((service, "all", "all", m)) for m in KEY_METRICS]
        rows.append(
            [
                lang.word(service),
                lang.compose(partial(target_text, scenario, service)),
                *map(cell, cells),
            ]
        )
    numeric = [False, False, *[True] * len(KEY_METRICS)]
    caption = lang.pair(
        "均值，方括号内为95%置信区间（各次重复之间）",
        "mean, and under it the 95 % confidence interval across replications",
    )
    return table(heads, rows, caption=caption, numeric=numeric, class_="key-figures")


def resources_table(summary: pd.DataFrame, lang: Lang) -> Markup | None:
    """Utilisation and staff of each pool, then the cost lines; ``None`` when there are none."""
    pools = summary[summary["slice"] == "pool"]
    rows_by = lookup(summary)
    rows: list[Any] = []
    over = False  # any utilisation (or its interval) above 100 %
    for (service, pool), _ in pools.groupby(["service", "slice_value"], sort=False):
        util = rows_by.get((service, "pool", pool, "utilisation"))
        fte = rows_by.get((service, "pool", pool, "fte"))
        outside = rows_by.get((service, "pool", pool, OUTSIDE_VAN_HOURS))
        if fte is not None:
            staff = join([cell(fte), f" {fte.unit}"])
        elif outside is not None:  # the vans: their driving that the van hours do not count
            staff = join([cell(outside), " ", lang.fill(OUTSIDE_WORDS)])
        else:
            staff = "–"
        over |= util is not None and _above_one(util)
        rows.append([f"{pool} ({lang.word(service)})", cell(util), staff])
    costs = [(m, zh, en, rows_by.get(("all", "all", "all", m))) for m, zh, en in COST_METRICS]
    costs = [c for c in costs if c[3] is not None]
    if costs:
        rows.append(("group", lang.pair("成本与人员（每年）", "Cost and staff (per year)")))
        for _, zh, en, r in costs:
            rows.append([f"{lang.pair(zh, en)} ({r.unit})", cell(r), ""])
    if not rows:
        return None
    heads = [lang.word("pool"), lang.word("utilisation"), lang.word("fte")]
    out = table(heads, rows, numeric=[False, True, True], class_="resources")
    if over or any(key[3] == OUTSIDE_VAN_HOURS for key in rows_by):
        out = join([out, lang.para(OVER_100_NOTE, class_="note")])
    return out


def _above_one(row: Any) -> bool:
    return any(float(v) > 1.0 for v in (row.mean, row.ci_high) if v is not None and v == v)
