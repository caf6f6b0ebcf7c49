"""Words of the report in Chinese and English: headings, service and metric names, and the
labels of districts, tiers and care levels (from the scenario's own ``label`` fields).

``--lang zh|en|both`` picks one language or both (``万柏林 Wanbailin``, ``关键数字 Key figures``).
A label the scenario gives only in one language is shown as given.

Each report module keeps its sentences in one table of ``(zh, en)`` templates, filled with
:meth:`Lang.fill`. Text built from several pieces (a schedule, a list of pools) is built in one
language at a time and put together by :meth:`Lang.compose`, so that ``both`` shows the whole
Chinese text, then the whole English one, rather than the pieces interleaved.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from carecap.analysis.report.html import Markup, esc, join, tag

LANGS = ("zh", "en", "both")

WORDS: dict[str, tuple[str, str]] = {
    "title": ("养老服务能力模拟报告", "Elderly-care capacity simulation report"),
    "contents": ("目录", "Contents"),
    "scenario": ("情景说明：假设与来源", "The scenario in words: assumptions and sources"),
    "key_figures": ("关键数字", "Key figures"),
    "resources": ("资源利用率与成本", "Resources and cost"),
    "equity": ("公平性：各区与各优先级", "Equity by district and priority tier"),
    "by_district": ("按区", "By district"),
    "by_tier": ("按优先级", "By priority tier"),
    "figures": ("图表", "Figures"),
    "sizing": ("容量测算结论", "Sizing answer"),
    "options": ("方案比较", "Options ranked against the targets"),
    "method": ("方法附录（STRESS-DES）", "Method appendix (STRESS-DES)"),
    "glossary": ("术语表", "Glossary of the metrics"),
    "service": ("服务", "Service"),
    "item": ("项目", "Item"),
    "value": ("取值", "Value"),
    "source": ("来源", "Source"),
    "pool": ("资源", "Pool"),
    "district": ("区县", "District"),
    "tier": ("优先级", "Tier"),
    "option": ("方案", "Option"),
    "rank": ("排名", "Rank"),
    "care_visit": ("照护上门", "Care-plan visits"),
    "alarm": ("报警响应", "Alarm responses"),
    "centre_bath": ("中心助浴", "Centre baths"),
    "home_bath": ("上门助浴", "Home baths"),
    "bath": ("助浴合计", "Baths, centre and home"),
    "care": ("照护员", "Caregivers"),
    "transport": ("接送车辆", "Vans"),
    "all": ("全部", "all"),
    "requests": ("请求数", "requests"),
    "wait_mean": ("平均等待", "wait mean"),
    "wait_p90": ("90%分位等待", "wait p90"),
    "on_time_rate": ("按时率", "on time"),
    "unmet_share": ("未满足比例", "unmet share"),
    "elder_coverage": ("老人覆盖率", "elder coverage"),
    "utilisation": ("利用率", "utilisation"),
    "fte": ("全职当量", "FTE"),
    "cost_per_year": ("年度总成本", "cost per year"),
    "cost_per_bed_year": ("每床年成本", "cost per bed-year"),
    "cost_per_elder_served": ("人均服务成本", "cost per elder served"),
    "assumption": ("假设", "ASSUMPTION"),
    "sourced": ("有来源", "sourced"),
    "unstated": ("未注明", "not stated"),
    "setting": ("命令行设定", "set for this run"),
    "meets": ("达标", "meets"),
    "fails": ("未达标", "fails"),
    "unsure": ("尚不确定", "undecided"),
}

STATUS: dict[str, tuple[str, str]] = {
    "complete": ("已完成", "complete"),
    "interrupted": ("已中断", "interrupted"),
    "failed": ("失败", "failed"),
    "partial": ("部分完成", "partial"),
}
"""A run's or sweep's status (manifest ``status``) in words; another is shown as written."""

TIER_ZH = {"tekun": "特困", "dibao": "低保", "other": "其他"}
"""Chinese names of the default tiers (the scenario format has no tier labels)."""


@dataclass(frozen=True)
class Lang:
    """The report's language: ``zh``, ``en`` or ``both``."""

    mode: str = "both"

    @property
    def html_lang(self) -> str:
        return "zh-Hans" if self.mode == "zh" else "en"

    def pair(self, zh: str, en: str) -> str:
        """Plain text in the chosen language(s); ``both`` gives ``zh en``."""
        if self.mode == "zh":
            return zh or en
        if self.mode == "en" or not zh or zh == en:
            return en or zh
        return f"{zh} {en}"

    def heading(self, zh: str, en: str) -> Markup:
        """Heading text: with ``both``, the English after the Chinese in a quieter style."""
        if self.mode != "both" or not zh:
            return esc(self.pair(zh, en))
        return Markup(f"{esc(zh)} {tag('span', en, class_='en-sub')}")

    def fill(self, words: tuple[str, str], **values: Any) -> str:
        """One ``(zh, en)`` entry of a module's table, its ``{fields}`` filled with ``values``,
        in the chosen language(s); a value given as a ``(zh, en)`` tuple is filled in each
        language with its own."""
        return self.pair(*_filled(words, values))

    def compose(self, build: Callable[[Lang], str], sep: str = " ") -> str:
        """Text that ``build`` puts together in one language; with ``both``, the Chinese text
        then the English one, joined by ``sep`` (once when they are the same)."""
        if self.mode != "both":
            return build(self)
        zh, en = build(ZH), build(EN)
        return zh if zh == en else f"{zh}{sep}{en}"

    def lines(self, zh: str, en: str) -> Markup:
        """A table cell's text in the chosen language(s), a line break for each newline (markup
        as it is); with ``both``, the English under the Chinese in a quieter style (once when
        the same)."""
        if self.mode != "both" or not zh or not en or zh == en:
            return _broken(self.pair(zh, en))
        english = tag("span", _broken(en), class_="en-sub")
        return join([_broken(zh), Markup("<br>"), english])

    def para(self, words: tuple[str, str], class_: str | None = None, **values: Any) -> Markup:
        """A paragraph from a ``(zh, en)`` entry filled with ``values``; with ``both``, the
        Chinese paragraph then the English one."""
        zh, en = _filled(words, values)
        if self.mode == "both" and zh and zh != en:
            return join([tag("p", zh, class_=class_), tag("p", en, class_=class_)])
        return tag("p", self.pair(zh, en), class_=class_)

    def paragraph(self, build: Callable[[Lang], str], class_: str | None = None) -> Markup:
        """A paragraph whose text ``build`` puts together in one language; with ``both``, the
        Chinese paragraph then the English one."""
        return self.para(("{text}", "{text}"), class_=class_, text=(build(ZH), build(EN)))

    def label(self, zh: str, en: str) -> str:
        """A label before a value that is the same in every language (a list of versions, a
        command): ``软件：``, ``Software: ``, with ``both`` ``软件 Software: `` (the value once)."""
        return f"{zh}：" if self.mode == "zh" else f"{self.pair(zh, en)}: "

    def punct(self, zh: str, en: str) -> str:
        """Punctuation around a value written once: Chinese with ``zh``, else English."""
        return zh if self.mode == "zh" else en

    def stop(self) -> str:
        """The end of a sentence after such a value: ``。`` in Chinese, else ``.``."""
        return self.punct("。", ".")

    def word(self, key: str) -> str:
        zh, en = WORDS.get(key, ("", key.replace("_", " ")))
        return self.pair(zh, en)

    def head(self, key: str) -> Markup:
        zh, en = WORDS.get(key, ("", key.replace("_", " ")))
        return self.heading(zh, en)


def _broken(text: str) -> Markup:
    """Text with a ``<br>`` for each newline; markup as it is."""
    return text if isinstance(text, Markup) else join(text.split("\n"), Markup("<br>"))


def _filled(words: tuple[str, str], values: dict[str, Any]) -> tuple[str, str]:
    """``words`` (zh, en) with their fields filled; ``(zh, en)`` values in their language."""
    return (
        words[0].format(**{k: v[0] if isinstance(v, tuple) else v for k, v in values.items()}),
        words[1].format(**{k: v[1] if isinstance(v, tuple) else v for k, v in values.items()}),
    )


ZH, EN = Lang("zh"), Lang("en")
"""The two single languages, for text built in one language at a time (:meth:`Lang.compose`)."""


def _split_label(label: str | None) -> tuple[str, str]:
    """``万柏林区 Wanbailin`` -> (``万柏林区``, ``Wanbailin``): the non-ASCII words and the rest."""
    words = (label or "").split()
    zh = " ".join(w for w in words if not w.isascii())
    en = " ".join(w for w in words if w.isascii())
    return zh, en


def slice_label(scenario: dict[str, Any], by: str, value: str, lang: Lang) -> str:
    """The label of a district, tier or care level in the chosen language(s), from the
    scenario's ``label`` (the name when it has none); ``all`` as a word. ``scenario`` is the
    resolved scenario as plain data (as in the manifest)."""
    if value == "all":
        return lang.word("all")
    if by == "tier":
        return lang.pair(TIER_ZH.get(value, ""), value)
    entries = scenario.get({"district": "districts", "care_level": "care_levels"}.get(by, ""), {})
    entry = entries.get(value) or {}
    zh, en = _split_label(entry.get("label"))
    return lang.pair(zh, en or value)
