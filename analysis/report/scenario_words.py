"""The scenario in words: what was assumed, each with what the scenario file says of its source.

One row per assumption a director would question (period, population, demand, targets,
capacity, routing, costs), read from the resolved scenario of the results (plain data), with
the note of :mod:`.sources` beside it: ``ASSUMPTION``, sourced (the tags it cites, explained
under the table) or not stated. Settings given on the command line (``--set``) or by a sweep
point are marked as such.
"""

from __future__ import annotations

import re
from typing import Any

from carecap.analysis.report.html import Markup, esc, join, table, tag
from carecap.analysis.report.scenario_rows import scenario_rows
from carecap.analysis.report.sources import Note, Sources
from carecap.analysis.report.text import Lang

WORDS: dict[str, tuple[str, str]] = {
    "inherited": ("取自{parent}的注释", "comment on {parent}"),
    "see_above": ("同上", "see above"),
    "no_file": (
        "本次运行的情景文件已不在运行记录所写的位置（或无法读取）：以下只列取值，不列来源。",
        "The scenario file of this run is no longer where the manifest says (or cannot be "
        "read): the values are shown without their sources.",
    ),
    "stale": (
        "情景文件在本次运行之后已被修改：取值为本次运行所用，来源说明读自文件的当前内容。",
        "The scenario file has changed since this run: the values are the run's, the source "
        "notes are read from the file as it is now.",
    ),
    "settings": (
        "本次运行在情景文件之上另行设定（命令行或参数扫描方案）：",
        "Set for this run (command line or sweep point), over the scenario file:",
    ),
    "legend": ("情景文件引用的来源：", "Sources cited in the scenario file:"),
}
"""The section's sentences, (zh, en); the scenario's own comments are quoted as written."""

QUOTED = "quoted"
"""Class of the text quoted from the scenario file (its comments and description)."""


def _note_cell(note: Note | None, setting: bool, lang: Lang, shown: set[str]) -> Markup:
    if setting:
        return tag("span", lang.word("setting"), class_="tag setting")
    if note is None:
        return esc("")
    badge = tag("span", lang.word(note.kind), class_=f"tag {note.kind}")
    if not note.text:
        return badge
    where = note.where  # the file and line, written once in every language
    if note.inherited_from:
        parent = lang.fill(WORDS["inherited"], parent=note.inherited_from)
        where += lang.punct("，", ", ") + parent
    if note.where in shown:  # the same comment as a row above: say so instead of repeating it
        see = (
            f"{lang.fill(WORDS['see_above'])}{lang.punct('（', ' (')}{where}{lang.punct('）', ')')}"
        )
        return join([badge, " ", tag("span", see, class_="source")])
    shown.add(note.where)
    text = re.sub(r"^ASSUMPTION\b[:,]?\s*", "", note.text)  # the badge says it already
    quoted = tag("span", text, class_=QUOTED)
    return join([badge, " ", quoted, " ", tag("span", f"({where})", class_="source")])


def scenario_section(
    s: dict[str, Any],
    sources: Sources | None,
    settings: dict[str, Any],
    lang: Lang,
    stale: bool = False,
) -> list[Markup]:
    """The body of the scenario section: a lead paragraph, the table, the legend of sources."""
    out: list[Markup] = []
    if s.get("description"):
        out.append(tag("p", s["description"], class_=QUOTED))
    if sources is None:
        out.append(lang.para(WORDS["no_file"], class_="note"))
    elif stale:
        out.append(lang.para(WORDS["stale"], class_="note"))
    rows, shown = [], set[str]()
    for zh, en, value_zh, value_en, path in scenario_rows(s):
        setting = any(k == path or k.startswith(path + ".") for k in settings)
        note = sources.note(path) if sources is not None else None
        value = lang.lines(value_zh, value_en)
        rows.append([lang.pair(zh, en), value, _note_cell(note, setting, lang, shown)])
    heads = [lang.word("item"), lang.word("value"), lang.word("source")]
    out.append(table(heads, rows, class_="scenario"))
    if settings:
        items = [tag("li", [tag("code", k), f" = {v}"]) for k, v in settings.items()]
        out += [
            lang.para(WORDS["settings"]),
            tag("ul", items),
        ]
    if sources is not None and sources.legend:
        items = [
            tag("li", [tag("code", f"[{k}]"), " ", tag("span", v, class_=QUOTED)])
            for k, v in sources.legend.items()
        ]
        out += [lang.para(WORDS["legend"]), tag("ul", items)]
    return out
