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


def _note_cell(note: Note | None, setting: bool, lang: Lang, shown: set[str]) -> Markup:
    if setting:
        return tag("span", lang.word("setting"), class_="tag setting")
    if note is None:
        return esc("")
    badge = tag("span", lang.word(note.kind), class_=f"tag {note.kind}")
    if not note.text:
        return badge
    where = note.where + (f", comment on {note.inherited_from}" if note.inherited_from else "")
    if note.where in shown:  # the same comment as a row above: say so instead of repeating it
        return join([badge, " ", tag("span", f"see above ({where})", class_="source")])
    shown.add(note.where)
    text = re.sub(r"^ASSUMPTION\b[:,]?\s*", "", note.text)  # the badge says it already
    return join([badge, " ", tag("span", text), " ", tag("span", f"({where})", class_="source")])


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
        out.append(tag("p", s["description"]))
    if sources is None:
        out.append(
            tag(
                "p",
                "The scenario file of this run is no longer where the manifest says "
                "(or cannot be read): the values are shown without their sources.",
                class_="note",
            )
        )
    elif stale:
        out.append(
            tag(
                "p",
                "The scenario file has changed since this run: the values are the run's, "
                "the source notes are read from the file as it is now.",
                class_="note",
            )
        )
    rows, shown = [], set[str]()
    for zh, en, value, path in scenario_rows(s, lang):
        setting = any(k == path or k.startswith(path + ".") for k in settings)
        note = sources.note(path) if sources is not None else None
        lines = join(value.split("\n"), "<br>")
        rows.append([lang.pair(zh, en), lines, _note_cell(note, setting, lang, shown)])
    heads = [lang.word("item"), lang.word("value"), lang.word("source")]
    out.append(table(heads, rows, class_="scenario"))
    if settings:
        items = [tag("li", [tag("code", k), f" = {v}"]) for k, v in settings.items()]
        out += [
            tag("p", "Set for this run (command line or sweep point), over the scenario file:"),
            tag("ul", items),
        ]
    if sources is not None and sources.legend:
        items = [tag("li", [tag("code", f"[{k}]"), " ", v]) for k, v in sources.legend.items()]
        out += [tag("p", "Sources cited in the scenario file:"), tag("ul", items)]
    return out
