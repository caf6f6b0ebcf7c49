"""Equity by district: each district's wait and share served in time, on one common ruler.

From a summary (``summary.parquet``: slice ``district``), per service: the mean wait with its
95 % interval, and the share of requests started within one threshold that is the same for every
district. ``on_time_rate`` would not do when districts have their own targets (alarms: 60 min in
the counties), so the share is a ``within_<x>`` metric (``report_within_min`` /
``report_within_days`` in the scenario): the one whose threshold equals the service's target,
else the smallest above it, else the largest. Without any, ``on_time_rate`` is used and the
label says "each district's own target" when the targets differ.
"""

from __future__ import annotations

import re

import pandas as pd

from carecap.analysis.figure_words import FigureWords, figure_words
from carecap.analysis.summary_table import slice_labels
from carecap.sim.scenario.model import Scenario

EQUITY_COLUMNS = [
    "service",
    "district",
    "label",
    "wait_mean",
    "wait_low",
    "wait_high",
    "wait_unit",
    "share_metric",
    "share_label",
    "share_mean",
    "share_low",
    "share_high",
]
_WITHIN = re.compile(r"^within_([0-9.]+)(min|d)$")


def _targets(scenario: Scenario) -> dict[str, tuple[float, bool]]:
    """service -> (target in its reporting unit, whether districts have targets of their own)."""
    sv, out = scenario.services, {}
    if sv.care_visit is not None:
        out["care_visit"] = (float(sv.care_visit.target_days), False)
    if sv.alarm is not None:
        own = bool(sv.alarm.target_min_by_district) or sv.alarm.classes is not None
        out["alarm"] = (float(sv.alarm.target_min), own)
    if sv.bath is not None:
        out["centre_bath"] = out["home_bath"] = (float(sv.bath.target_days), False)
    return out


def common_ruler(
    metrics: list[str], target: float, own_targets: bool, lang: str | FigureWords = "en"
) -> tuple[str, str]:
    """The share metric compared across districts and its label in ``lang`` (see the module
    docstring)."""
    w = figure_words(lang)
    within = sorted(
        (float(m.group(1)), name, m.group(2))
        for name in metrics
        if (m := _WITHIN.match(name)) is not None
    )
    if within:
        above = [w for w in within if w[0] >= target]
        value, name, unit = above[0] if above else within[-1]
        words = w.unit("min" if unit == "min" else "days")
        return name, w("share.within", value=value, unit=words)
    if own_targets:
        return "on_time_rate", w("share.own_targets")
    return "on_time_rate", w("share.target", target=target)


def equity_table(
    summary: pd.DataFrame, scenario: Scenario, lang: str | FigureWords = "en"
) -> pd.DataFrame:
    """:data:`EQUITY_COLUMNS`, one row per service and district (districts in the scenario's
    order, labelled as in the printed summary: ``万柏林 wanbailin``; ``share_label`` in
    ``lang``)."""
    rows = summary[summary["slice"] == "district"]
    labels = slice_labels(scenario, "district")
    targets = _targets(scenario)
    out = []
    for service, (target, own) in targets.items():
        mine = rows[rows["service"] == service]
        if mine.empty:
            continue
        share_metric, share_label = common_ruler(list(mine["metric"].unique()), target, own, lang)
        wait = mine[mine["metric"] == "wait_mean"].set_index("slice_value")
        share = mine[mine["metric"] == share_metric].set_index("slice_value")
        for district in scenario.districts:
            if district not in wait.index or district not in share.index:
                continue
            w, s = wait.loc[district], share.loc[district]
            out.append(
                (
                    service,
                    district,
                    labels.get(district, district),
                    w["mean"],
                    w["ci_low"],
                    w["ci_high"],
                    w["unit"],
                    share_metric,
                    share_label,
                    s["mean"],
                    s["ci_low"],
                    s["ci_high"],
                )
            )
    return pd.DataFrame(out, columns=EQUITY_COLUMNS)
