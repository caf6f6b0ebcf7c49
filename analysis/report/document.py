"""The report as one HTML document: the sections in order, from plain inputs.

:class:`ReportInput` holds what the sections read — the summary rows, the resolved scenario
and the manifest as plain data, the scenario files, the settings over them, and for a sweep its
parameters — and :func:`report_html` turns it into the page. Built from a results folder by
:func:`carecap.analysis.report.build.report_input`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from carecap.analysis.report.equity import equity_section
from carecap.analysis.report.glossary import glossary_section
from carecap.analysis.report.html import Markup, figure, page, tag
from carecap.analysis.report.key_figures import key_figures_table, resources_table
from carecap.analysis.report.method import method_section
from carecap.analysis.report.options import options_section, targets_table
from carecap.analysis.report.scenario_words import scenario_section
from carecap.analysis.report.sizing import sizing_section
from carecap.analysis.report.sources import read_sources
from carecap.analysis.report.targets import Target
from carecap.analysis.report.text import STATUS, Lang

SECTION_IDS = (
    "sizing",
    "scenario",
    "key-figures",
    "equity",
    "figures",
    "options",
    "method",
    "glossary",
)
"""The ``id`` of every section, in order (``sizing`` only for a sizing search with its answer,
``options`` only for a sweep or sizing search, ``figures`` only when there are figures)."""


@dataclass
class ReportInput:
    """Everything a report shows, as read from a results folder."""

    kind: str  # "run" or "sweep" (a sizing search is a sweep with ``sizing``)
    summary: pd.DataFrame  # summary rows of the run, or of the sweep option shown in detail
    scenario: dict[str, Any]  # resolved scenario, plain data
    manifest: dict[str, Any]  # manifest.json of a run, sweep.json of a sweep
    scenario_files: list[str] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # --set or the point's overrides
    sweep_summary: pd.DataFrame | None = None  # every option of a sweep
    parameters: list[str] = field(default_factory=list)
    detail_label: str = ""  # which sweep option the detailed sections show
    figures: list[tuple[Any, str, str]] = field(default_factory=list)  # (Figure, zh, en caption)
    figure_notes: list[tuple[str, str]] = field(default_factory=list)  # left out: (zh, en) why
    stale_sources: bool = False  # the scenario file no longer gives the scenario that was run
    status: str = "complete"  # a sweep's: complete, or partial while runs are pending
    sizing: dict[str, Any] | None = None  # a sizing search's size.json
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en), atop the key figures
    option_order: dict[str, float] | None = None  # options of equal cost: a size's by units


WORDS: dict[str, tuple[str, str]] = {
    "run_status": (
        "本次运行状态为“{status}”：{requested}次重复中完成了{finished}次，以下数字只基于已完成的重复。",
        "This run is {status}: {finished} of {requested} replications finished, and the "
        "figures below are over those only.",
    ),
    "sweep_status": (
        "此参数扫描尚未完成：以下数字只基于目前已完成的运行。",
        "This sweep is not finished: the figures are over the runs done so far.",
    ),
    "detail_option": ("以下为方案 {label} 的详细数字。", "Detailed figures for option {label}."),
    "detail_size": (
        "以下为{which}的详细数字：{label}，基于其全部重复运行。",
        "Detailed figures for {which}: {label}, over all its replications.",
    ),
    "the_answer": ("结论方案", "the answer"),
    "the_best": ("找到的最佳候选方案", "the best candidate found"),
    "sizing_options": (
        "测算评估过的候选方案及其目标判定。此处每个方案按其全部重复运行（试算与确认合计）的"
        "双侧95%置信区间判定；上文的结论则由测算的单侧检验决定，因此接近阈值的方案在此处"
        "可能显示为“尚不确定”。",
        "The candidates the search evaluated, against its targets. Here each is judged on the "
        "two-sided 95 % interval over all its replications (pilots and confirmation together); "
        "the answer above was decided by the search's one-sided test, so an option near a "
        "threshold may read 'undecided' here.",
    ),
}
"""The document's own sentences, (zh, en)."""


def _section(key: str, anchor: str, lang: Lang, body: list[Markup], first: bool = False) -> Markup:
    heading = tag("h2", lang.head(key), id=anchor, class_="first" if first else None)
    return tag("section", [heading, *body], class_=f"section-{anchor}")


def _status_note(data: ReportInput, lang: Lang) -> list[Markup]:
    """A warning when the results are not those of a finished run or sweep."""
    status = data.manifest.get("status", "complete") if data.kind == "run" else data.status
    if status == "complete" or data.sizing is not None:  # the sizing section says it
        return []
    if data.kind == "run":
        done = data.manifest.get("replications_finished") or []
        asked = data.manifest.get("replications_requested") or []
        words = STATUS.get(status, (status, status))
        note = lang.para(
            WORDS["run_status"],
            class_="note warning",
            status=words,
            finished=len(done),
            requested=len(asked),
        )
    else:
        note = lang.para(WORDS["sweep_status"], class_="note warning")
    return [note]


def _detail_text(data: ReportInput, lang: Lang) -> Markup:
    if data.sizing is None:
        return lang.para(WORDS["detail_option"], class_="note", label=data.detail_label)
    which = WORDS["the_answer" if data.sizing.get("answer") else "the_best"]
    return lang.para(WORDS["detail_size"], class_="note", which=which, label=data.detail_label)


def _sizing_options_note(data: ReportInput, lang: Lang) -> list[Markup]:
    if data.sizing is None:
        return []
    return [lang.para(WORDS["sizing_options"], class_="note")]


def _subtitle(data: ReportInput, lang: Lang) -> str:
    """What was run and when, in words: ``3 replications · run on 2026-11-30 · carecap``."""
    m = data.manifest
    day = str(m.get("created", ""))[:10]
    if data.sizing is not None:
        n_options = len(m.get("points", []))
        zh = f"容量测算，评估了{n_options}个候选方案"
        en = f"sizing search, {n_options} candidates evaluated"
    elif data.kind == "sweep":
        n_options, reps = len(m.get("points", [])), m.get("replications", "?")
        zh = f"{n_options}个方案，每个{reps}次重复"
        en = f"sweep of {n_options} options, {reps} replications each"
    else:
        reps = len(m.get("replications_finished") or [])
        zh, en = f"{reps}次重复", f"{reps} replications"
    return f"{lang.pair(zh, en)} · {day} · carecap"


def report_html(data: ReportInput, lang: Lang, targets: list[Target] | None = None) -> str:
    """The whole report page."""
    s = data.scenario
    sections: list[tuple[str, str, list[Markup]]] = []
    if data.sizing is not None:
        body = sizing_section(data.sizing, data.sweep_summary, s, lang)
        sections.append(("sizing", "sizing", body))
    sources = read_sources(data.scenario_files)
    sections.append(
        (
            "scenario",
            "scenario",
            scenario_section(s, sources, data.settings, lang, stale=data.stale_sources),
        )
    )
    detail = [_detail_text(data, lang)] if data.detail_label else []
    notes = [
        lang.para(("{zh}", "{en}"), class_="note warning", zh=zh, en=en) for zh, en in data.notes
    ]
    key = [*notes, *detail, *_status_note(data, lang), key_figures_table(data.summary, s, lang)]
    if targets and data.kind == "run":
        key += [tag("h3", lang.pair("目标", "Targets")), targets_table(data.summary, targets, lang)]
    resources = resources_table(data.summary, lang)
    if resources is not None:
        key += [tag("h3", lang.head("resources")), resources]
    sections.append(("key_figures", "key-figures", key))
    sections.append(("equity", "equity", [*detail, *equity_section(data.summary, s, lang)]))
    if data.figures:
        shown = [figure(f, lang.pair(zh, en), lang.pair(zh, en)) for f, zh, en in data.figures]
        notes = [
            lang.para(("{zh}", "{en}"), class_="note", zh=zh, en=en) for zh, en in data.figure_notes
        ]
        sections.append(("figures", "figures", [*shown, *notes]))
    if data.kind == "sweep" and data.sweep_summary is not None:
        sections.append(
            (
                "options",
                "options",
                [
                    *options_section(
                        data.sweep_summary, data.parameters, targets or [], lang, data.option_order
                    ),
                    *_sizing_options_note(data, lang),
                ],
            )
        )
    sections.append(("method", "method", method_section(data.manifest, s, lang)))
    sections.append(("glossary", "glossary", glossary_section(lang)))

    title = f"{lang.word('title')}: {s.get('name', '')}"
    toc = tag(
        "nav",
        [
            tag("h2", lang.head("contents"), class_="first"),
            tag("ol", [tag("li", tag("a", lang.head(k), href=f"#{a}")) for k, a, _ in sections]),
        ],
        class_="toc",
    )
    header = tag("header", [tag("h1", title), tag("p", _subtitle(data, lang), class_="subtitle")])
    body = [header, toc]
    body += [_section(k, a, lang, b, first=(i == 0)) for i, (k, a, b) in enumerate(sections)]
    return page(title, lang.html_lang, body)
