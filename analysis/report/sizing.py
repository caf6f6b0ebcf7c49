"""For a sizing search's folder (``carecap size``): the "Sizing answer" section.

Read from the folder's ``size.json`` (the data of ``carecap size --json``, see
:mod:`carecap.analysis.sizing.answer_file`): the question in words (the varied paths with their
ranges, the targets, the confidence), the answer against the scenario as given, each target's
estimate ± half-width and one-sided bound at the answer and at each one-unit-smaller neighbour
(on the confirmation's fresh replications) with met / not met, the capacity cost per year and
its change; when nothing meets the targets, the binding one. Numbers are copied from
``size.json``, not recomputed.

:func:`sizing_targets` turns the search's targets into the report's own, so that the options
table ranks the candidates against them without ``--target``; :func:`answer_point` is the
candidate the detailed sections show.
"""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from carecap.analysis.report.html import Markup, table, tag
from carecap.analysis.report.numbers import fmt
from carecap.analysis.report.targets import Target
from carecap.analysis.report.text import Lang
from carecap.analysis.sizing.store import point_id

SIZE_JSON = "size.json"


def sizing_targets(sizing: dict[str, Any]) -> list[Target]:
    """The search's targets as report targets (``<`` judged as ``<=``, ``>`` as ``>=``: the
    options table judges on the 95 % interval, where the difference does not show)."""
    out = []
    for j in sizing.get("targets") or []:
        name, _, where = str(j["metric"]).partition("@")
        service, _, metric = name.partition(".")
        slice_, _, value = where.partition("=")
        op = "<=" if j["op"] in ("<", "<=") else ">="
        out.append(Target(service, metric, slice_ or "all", value or "all", op, j["threshold"]))
    return out


def answer_point(sizing: dict[str, Any] | None) -> str | None:
    """The point id of the answer, or of the best candidate found when there is none."""
    if not sizing:
        return None
    values = sizing.get("answer") or sizing.get("best_found")
    return point_id(tuple(values.values())) if values else None


def missing_note(manifest: dict[str, Any]) -> Markup | None:
    """A note for a sizing search's folder without ``size.json``."""
    spec = manifest.get("spec")
    if not (isinstance(spec, dict) and spec.get("kind") == "size"):
        return None
    return tag(
        "p",
        f"This folder holds a sizing search's runs (carecap size) but no answer ({SIZE_JSON}): "
        "the search was interrupted before writing it, or ran under an older carecap. It is "
        "shown as a sweep of the candidates evaluated. Run the same carecap size command again "
        "to get the answer: it reuses every finished replication.",
        class_="note warning",
    )


def _unit(summary: pd.DataFrame, metric_name: str) -> str:
    name = metric_name.partition("@")[0]
    service, _, metric = name.partition(".")
    units = summary.loc[(summary["service"] == service) & (summary["metric"] == metric), "unit"]
    return str(units.iloc[0]) if len(units) else ""


def _judged(j: dict[str, Any], unit: str, lang: Lang) -> Markup:
    """``89.9 % ± 2.3 (bound ≥ 87.6 %) meets``."""
    hw = j.get("half_width")
    spread = "" if hw is None or math.isnan(hw) else f" ± {fmt(hw, unit)}"
    if int(j.get("n") or 0) < 2 or j.get("bound") is None:
        text = f"{fmt(j.get('estimate'), unit)} (n={j.get('n')}, no bound)"
    else:
        side = "≤" if j["op"] in ("<", "<=") else "≥"
        text = f"{fmt(j['estimate'], unit)}{spread} (bound {side} {fmt(j['bound'], unit)})"
    verdict = "meets" if j.get("meets") else "fails"
    mark = tag(
        "span", lang.pair("达标", "met") if j.get("meets") else lang.pair("未达标", "not met")
    )
    return tag("span", [text, " ", mark], class_=verdict)


def _question(sizing: dict[str, Any], lang: Lang) -> list[Markup]:
    ranges = [
        tag(
            "li", [tag("code", v["path"]), f" from {v['low']} to {v['high']} (given: {v['given']})"]
        )
        for v in sizing.get("varied") or []
    ]
    texts = sizing.get("target_texts") or [j["target"] for j in sizing.get("targets") or []]
    several = len(sizing.get("varied") or []) > 1
    what = "cheapest combination" if several else "smallest value"
    return [
        tag(
            "p",
            lang.pair("问题：", "The question: ")
            + f"the {what} of the capacity below for which every target holds with "
            f"{float(sizing.get('confidence', 0.95)):.0%} one-sided confidence, confirmed on "
            "fresh replications.",
        ),
        tag("ul", ranges),
        tag("p", lang.pair("目标：", "Targets:")),
        tag("ul", [tag("li", tag("code", t)) for t in texts]),
    ]


def _verdict(sizing: dict[str, Any]) -> Markup:
    if sizing.get("status") != "complete":
        return tag(
            "p",
            "The search was interrupted: no answer yet. The candidates judged so far are in the "
            "options table; running the same carecap size command again reuses every finished "
            "replication and writes the answer.",
            class_="note warning",
        )
    if sizing.get("feasible"):
        return tag("p", "Feasible: an answer was found and confirmed.", class_="meets")
    binding = sizing.get("binding_target")
    why = (
        "nothing in the ranges meets every target"
        if sizing.get("pilot_answer") is None
        else "the pilots' answer failed the confirmation on fresh replications"
    )
    text = f"Not feasible: {why}." + (f" Binding target: {binding}." if binding else "")
    return tag("p", text, class_="fails")


def _answer_table(sizing: dict[str, Any], lang: Lang) -> Markup:
    answer = sizing.get("answer") or {}
    best = sizing.get("best_found") or {}
    head = lang.pair("结论", "Answer") if answer else lang.pair("最佳候选", "Best found")
    rows = []
    for v in sizing.get("varied") or []:
        value = answer.get(v["path"], best.get(v["path"]))
        rows.append(
            [tag("code", v["path"]), str(v["given"]), str(value), f"{v['low']}:{v['high']}"]
        )
    heads = [
        lang.pair("字段", "Field"),
        lang.pair("现状", "Given"),
        head,
        lang.pair("范围", "Range"),
    ]
    return table(heads, rows, numeric=[False, True, True, True], class_="sizing-answer")


def _cost(sizing: dict[str, Any], scenario: dict[str, Any]) -> Markup | None:
    cost, change = sizing.get("cost_per_year"), sizing.get("cost_change_per_year")
    if cost is None:
        if sizing.get("answer") is None:
            return None
        return tag("p", "The scenario states no costs: the answer adds the fewest units.")
    currency = (scenario.get("costs") or {}).get("currency") or ""
    text = f"Capacity cost per year at the answer: {cost:,.0f} {currency}"
    if change is not None:
        text += f" ({change:+,.0f} {currency} against the scenario as given)"
    fte = sizing.get("staff_fte") or {}
    if fte.get("caregiver_fte") is not None:
        text += (
            f"; staff: caregivers {fte['caregiver_fte']:.1f} FTE, bathing teams "
            f"{fte.get('bath_team_fte') or 0:.1f} team-FTE"
        )
    return tag("p", text + ".")


def _at_best(sizing: dict[str, Any]) -> list[dict[str, Any]]:
    """Without an answer: the targets at the best candidate found (its last evaluation)."""
    best = sizing.get("best_found")
    found = [c for c in sizing.get("candidates") or [] if c.get("values") == best]
    return list(found[-1]["targets"]) if found else []


def _targets_table(sizing: dict[str, Any], summary: pd.DataFrame, lang: Lang) -> Markup | None:
    at_answer = sizing.get("targets") or _at_best(sizing)
    if not at_answer:
        return None
    title = "at the answer" if sizing.get("answer") else "at the best found"
    columns = [(title, {j["target"]: j for j in at_answer})]
    for n in sizing.get("neighbours") or []:
        values = ", ".join(f"{k}={v}" for k, v in n["values"].items())
        columns.append((f"one less: {values}", {j["target"]: j for j in n["targets"]}))
    rows = []
    for j in at_answer:
        unit = _unit(summary, j["metric"])
        cells = [tag("code", j["target"])]
        cells += [
            _judged(col[j["target"]], unit, lang) if j["target"] in col else "–"
            for _, col in columns
        ]
        rows.append(cells)
    heads = [lang.pair("目标", "Target"), *[title for title, _ in columns]]
    caption = (
        "estimate ± half-width of the one-sided interval, and the bound that decides (at the "
        "answer and its neighbours: on the confirmation's fresh replications)"
    )
    return table(
        heads, rows, caption=caption, numeric=[False] * len(heads), class_="sizing-targets"
    )


def sizing_section(
    sizing: dict[str, Any], summary: pd.DataFrame, scenario: dict[str, Any], lang: Lang
) -> list[Markup]:
    """The "Sizing answer" section: see the module docstring."""
    out = [*_question(sizing, lang), _verdict(sizing)]
    if sizing.get("status") != "complete":
        return out
    out.append(_answer_table(sizing, lang))
    cost = _cost(sizing, scenario)
    out += [cost] if cost is not None else []
    targets = _targets_table(sizing, summary, lang)
    out += [targets] if targets is not None else []
    notes = []
    if sizing.get("proven_cheapest") is False and sizing.get("feasible"):
        notes.append("The candidate budget ran out: the cheapest found, not proven cheapest.")
    notes += [f"Monotonicity violated: {v}" for v in sizing.get("monotonicity_violations") or []]
    notes += list(sizing.get("notes") or [])
    out += [tag("p", n, class_="note") for n in notes]
    return out
