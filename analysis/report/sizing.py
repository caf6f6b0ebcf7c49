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
import re
from typing import Any

import pandas as pd

from carecap.analysis.report.html import Markup, table, tag
from carecap.analysis.report.numbers import fmt
from carecap.analysis.report.targets import Target
from carecap.analysis.report.text import EN, ZH, Lang
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


WORDS: dict[str, tuple[str, str]] = {
    "missing": (
        "此文件夹保存了一次容量测算（carecap size）的运行结果，但没有结论文件（{file}）："
        "测算在写出结论前被中断，或由较早版本的 carecap 运行。以下按参数扫描展示已评估的候选"
        "方案。再次运行相同的 carecap size 命令即可得到结论：它会重用所有已完成的重复运行。",
        "This folder holds a sizing search's runs (carecap size) but no answer ({file}): the "
        "search was interrupted before writing it, or ran under an older carecap. It is shown "
        "as a sweep of the candidates evaluated. Run the same carecap size command again to get "
        "the answer: it reuses every finished replication.",
    ),
    "no_bound": ("{estimate}（n={n}，无置信界）", "{estimate} (n={n}, no bound)"),
    "bound": (
        "{estimate}{spread}（置信界 {side} {bound}）",
        "{estimate}{spread} (bound {side} {bound})",
    ),
    "range": (" 从{low}到{high}（现状：{given}）", " from {low} to {high} (given: {given})"),
    "question": (
        "问题：求下列能力的{what}，使每个目标在{confidence}单侧置信水平下成立，并经新的重复"
        "运行确认。",
        "The question: the {what} of the capacity below for which every target holds with "
        "{confidence} one-sided confidence, confirmed on fresh replications.",
    ),
    "cheapest": ("最低成本组合", "cheapest combination"),
    "smallest": ("最小值", "smallest value"),
    "targets": ("目标：", "Targets:"),
    "interrupted": (
        "测算被中断：尚无结论。目前已评估的候选方案见方案比较表；再次运行相同的 carecap size "
        "命令会重用所有已完成的重复运行，并写出结论。",
        "The search was interrupted: no answer yet. The candidates judged so far are in the "
        "options table; running the same carecap size command again reuses every finished "
        "replication and writes the answer.",
    ),
    "feasible": ("可行：已找到结论并经确认。", "Feasible: an answer was found and confirmed."),
    "not_feasible": ("不可行：{why}。", "Not feasible: {why}."),
    "nothing_meets": ("范围内没有任何组合满足全部目标", "nothing in the ranges meets every target"),
    "confirmation_failed": (
        "试算阶段的结论在新的重复运行中未通过确认",
        "the pilots' answer failed the confirmation on fresh replications",
    ),
    "binding": ("约束目标：{target}。", " Binding target: {target}."),
    "no_costs": (
        "情景未给出成本：结论为增加单位最少的方案。",
        "The scenario states no costs: the answer adds the fewest units.",
    ),
    "cost": (
        "结论方案的年度能力成本：{cost} {currency}",
        "Capacity cost per year at the answer: {cost} {currency}",
    ),
    "change": (
        "（较情景现状{change} {currency}）",
        " ({change} {currency} against the scenario as given)",
    ),
    "staff": (
        "；人员：照护员{caregivers}个全职当量，助浴队{teams}个队全职当量",
        "; staff: caregivers {caregivers} FTE, bathing teams {teams} team-FTE",
    ),
    "end": ("。", "."),
    "at_answer": ("结论处", "at the answer"),
    "at_best": ("最佳候选处", "at the best found"),
    "one_less": ("少一个：{values}", "one less: {values}"),
    "caption": (
        "单侧区间的估计值 ± 半宽，以及据以判定的置信界（结论及其相邻方案：基于确认阶段的新"
        "重复运行）",
        "estimate ± half-width of the one-sided interval, and the bound that decides (at the "
        "answer and its neighbours: on the confirmation's fresh replications)",
    ),
    "budget": (
        "候选方案的评估次数已用完：此为找到的最低成本方案，但未证明是最低。",
        "The candidate budget ran out: the cheapest found, not proven cheapest.",
    ),
    "monotonicity": ("单调性不成立：{violation}", "Monotonicity violated: {violation}"),
    "violation": (
        "{smaller}达到目标，而更大的{larger}明显未达到",
        "{smaller} meets the targets but the larger {larger} clearly fails them",
    ),
}
"""The section's sentences, (zh, en)."""

SEARCH_NOTES: dict[str, str] = {
    "the scenario has no costs: the cheapest combination is the fewest units": (
        "情景未给出成本：最低成本组合即增加单位最少的组合"
    ),
    "no varied path has a unit cost: the cheapest combination is the fewest units": (
        "所调整的字段都没有单位成本：最低成本组合即增加单位最少的组合"
    ),
}
"""The notes a sizing search writes to size.json (:mod:`carecap.analysis.sizing.size`), in
Chinese; a note not listed is shown as written."""

_VIOLATION = re.compile(
    r"^(?P<smaller>.+) meets the targets but the larger (?P<larger>.+) clearly fails them$"
)


def missing_note(manifest: dict[str, Any]) -> tuple[str, str] | None:
    """A note (zh, en) for a sizing search's folder without ``size.json``."""
    spec = manifest.get("spec")
    if not (isinstance(spec, dict) and spec.get("kind") == "size"):
        return None
    zh, en = WORDS["missing"]
    return zh.format(file=SIZE_JSON), en.format(file=SIZE_JSON)


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
        text = lang.fill(WORDS["no_bound"], estimate=fmt(j.get("estimate"), unit), n=j.get("n"))
    else:
        side = "≤" if j["op"] in ("<", "<=") else "≥"
        bound = fmt(j["bound"], unit)
        estimate = fmt(j["estimate"], unit)
        text = lang.fill(WORDS["bound"], estimate=estimate, spread=spread, side=side, bound=bound)
    verdict = "meets" if j.get("meets") else "fails"
    mark = tag(
        "span", lang.pair("达标", "met") if j.get("meets") else lang.pair("未达标", "not met")
    )
    return tag("span", [text, " ", mark], class_=verdict)


def _question(sizing: dict[str, Any], lang: Lang) -> list[Markup]:
    ranges = [
        tag(
            "li",
            [
                tag("code", v["path"]),
                lang.fill(WORDS["range"], low=v["low"], high=v["high"], given=v["given"]),
            ],
        )
        for v in sizing.get("varied") or []
    ]
    texts = sizing.get("target_texts") or [j["target"] for j in sizing.get("targets") or []]
    several = len(sizing.get("varied") or []) > 1
    what = WORDS["cheapest"] if several else WORDS["smallest"]
    confidence = f"{float(sizing.get('confidence', 0.95)):.0%}"
    return [
        lang.para(WORDS["question"], what=what, confidence=confidence),
        tag("ul", ranges),
        lang.para(WORDS["targets"]),
        tag("ul", [tag("li", tag("code", t)) for t in texts]),
    ]


def _verdict(sizing: dict[str, Any], lang: Lang) -> Markup:
    if sizing.get("status") != "complete":
        return lang.para(WORDS["interrupted"], class_="note warning")
    if sizing.get("feasible"):
        return lang.para(WORDS["feasible"], class_="meets")
    binding = sizing.get("binding_target")
    why = WORDS["nothing_meets" if sizing.get("pilot_answer") is None else "confirmation_failed"]

    def text(one: Lang) -> str:
        verdict = one.fill(WORDS["not_feasible"], why=why)
        return verdict + (one.fill(WORDS["binding"], target=binding) if binding else "")

    return lang.paragraph(text, class_="fails")


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


def _cost(sizing: dict[str, Any], scenario: dict[str, Any], lang: Lang) -> Markup | None:
    cost, change = sizing.get("cost_per_year"), sizing.get("cost_change_per_year")
    if cost is None:
        if sizing.get("answer") is None:
            return None
        return lang.para(WORDS["no_costs"])
    currency = (scenario.get("costs") or {}).get("currency") or ""
    fte = sizing.get("staff_fte") or {}

    def text(one: Lang) -> str:
        out = one.fill(WORDS["cost"], cost=f"{cost:,.0f}", currency=currency)
        if change is not None:
            out += one.fill(WORDS["change"], change=f"{change:+,.0f}", currency=currency)
        if fte.get("caregiver_fte") is not None:
            caregivers = f"{fte['caregiver_fte']:.1f}"
            teams = f"{fte.get('bath_team_fte') or 0:.1f}"
            out += one.fill(WORDS["staff"], caregivers=caregivers, teams=teams)
        return out + one.fill(WORDS["end"])

    return lang.paragraph(text)


def _at_best(sizing: dict[str, Any]) -> list[dict[str, Any]]:
    """Without an answer: the targets at the best candidate found (its last evaluation)."""
    best = sizing.get("best_found")
    found = [c for c in sizing.get("candidates") or [] if c.get("values") == best]
    return list(found[-1]["targets"]) if found else []


def _targets_table(sizing: dict[str, Any], summary: pd.DataFrame, lang: Lang) -> Markup | None:
    at_answer = sizing.get("targets") or _at_best(sizing)
    if not at_answer:
        return None
    title = lang.fill(WORDS["at_answer" if sizing.get("answer") else "at_best"])
    columns = [(title, {j["target"]: j for j in at_answer})]
    for n in sizing.get("neighbours") or []:
        values = ", ".join(f"{k}={v}" for k, v in n["values"].items())
        head = lang.fill(WORDS["one_less"], values=values)
        columns.append((head, {j["target"]: j for j in n["targets"]}))
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
    caption = lang.fill(WORDS["caption"])
    return table(
        heads, rows, caption=caption, numeric=[False] * len(heads), class_="sizing-targets"
    )


def sizing_section(
    sizing: dict[str, Any], summary: pd.DataFrame, scenario: dict[str, Any], lang: Lang
) -> list[Markup]:
    """The "Sizing answer" section: see the module docstring."""
    out = [*_question(sizing, lang), _verdict(sizing, lang)]
    if sizing.get("status") != "complete":
        return out
    out.append(_answer_table(sizing, lang))
    cost = _cost(sizing, scenario, lang)
    out += [cost] if cost is not None else []
    targets = _targets_table(sizing, summary, lang)
    out += [targets] if targets is not None else []
    notes: list[tuple[str, str]] = []
    if sizing.get("proven_cheapest") is False and sizing.get("feasible"):
        notes.append(WORDS["budget"])
    notes += [_violation(v) for v in sizing.get("monotonicity_violations") or []]
    notes += [(SEARCH_NOTES.get(n, n), n) for n in sizing.get("notes") or []]
    out += [lang.para(("{zh}", "{en}"), class_="note", zh=zh, en=en) for zh, en in notes]
    return out


def _violation(text: str) -> tuple[str, str]:
    """A monotonicity violation the search wrote (:mod:`carecap.analysis.sizing.search`), as
    a note (zh, en); one not in the search's words is quoted as written."""
    match = _VIOLATION.match(text)
    zh = ZH.fill(WORDS["violation"], **match.groupdict()) if match else text
    return (
        ZH.fill(WORDS["monotonicity"], violation=zh),
        EN.fill(WORDS["monotonicity"], violation=text),
    )
