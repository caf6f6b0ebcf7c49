"""``carecap report --lang``: with ``zh`` every sentence the report writes itself is Chinese, with
``en`` none is, with ``both`` each comes in Chinese and then in English.

The report's visible text is read block by block (paragraphs, list items, table cells, captions,
glossary entries) with the standard library's HTML parser. Left aside: text quoted from the
scenario file (its comments and description, class ``quoted``) and code (``<code>``: field
paths, targets, commands). What remains may hold names (carecap, SimPy, package names, pool and
shift names, units) but no run of four English words (with ``zh``) and no Chinese character
(with ``en``, apart from the scenario's own labels, which the small scenario gives in both).
Folders: the small run and sweep of :mod:`report_helpers`, and the sizing search of
:mod:`test_size_report`; rarer states (an interrupted run or search, a search with no answer,
scenario files gone or changed) are made by editing the report's input.
"""

from __future__ import annotations

import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
import report_helpers

from carecap.analysis import load
from carecap.analysis.report.build import report_input, report_targets
from carecap.analysis.report.document import report_html
from carecap.analysis.report.text import EN, ZH, Lang
from carecap.sim.cli.main import main

small_run = report_helpers.small_run  # session fixtures
small_sweep = report_helpers.small_sweep

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
ENGLISH_RUN = re.compile(r"[A-Za-z][A-Za-z'’-]*(?:[ ,;:()/]+[A-Za-z][A-Za-z'’-]*){3,}")
"""Four or more English words in a row (digits, ``_``, ``=`` and ``.`` end a run: numbers,
keys like ``cg_xiaodian`` and dotted paths are not prose)."""
NAMES = re.compile(r"\b(carecap|SimPy|STRESS-DES|SeedSequence|Kaplan–Meier|MSER-5|MODEL\.md)\b")
"""Names that stay as they are in every language."""
BLOCKS = {"p", "li", "td", "th", "caption", "figcaption", "dt", "dd", "h1", "h2", "h3", "h4"}


class VisibleText(HTMLParser):
    """The text of each block the report writes itself, in order: text inside ``<code>``,
    ``<style>`` or an element of class ``quoted`` (from the scenario file) is left out."""

    def __init__(self) -> None:
        super().__init__()
        self.blocks: list[tuple[str, str]] = []  # (tag, text)
        self._open: list[tuple[str, bool, list[str] | None]] = []  # (tag, skipped, text)

    def handle_starttag(self, name, attrs):
        if name in ("br", "img", "meta"):
            return
        classes = (dict(attrs).get("class") or "").split()
        skipped = name in ("code", "style", "title") or "quoted" in classes
        skipped = skipped or any(s for _, s, _ in self._open)
        self._open.append((name, skipped, [] if name in BLOCKS else None))

    def handle_endtag(self, name):
        while self._open:
            tag, _, text = self._open.pop()
            if text is not None:
                self.blocks.append((tag, " ".join("".join(text).split())))
            if tag == name:
                return

    def handle_data(self, data):
        if not self._open or self._open[-1][1]:
            return
        inner = next((t for _, _, t in reversed(self._open) if t is not None), None)
        if inner is not None:
            inner.append(data)


def visible(html: str) -> list[tuple[str, str]]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return [(tag, text) for tag, text in parser.blocks if text]


def english_runs(html: str) -> list[str]:
    """The blocks holding a run of four English words once names are set aside."""
    return [text for _, text in visible(html) if ENGLISH_RUN.search(NAMES.sub("", text))]


def chinese(html: str) -> list[str]:
    return [text for _, text in visible(html) if CJK.search(text)]


def report(folder: Path, out: Path, lang: str, *options: str) -> str:
    assert main(["report", str(folder), "-o", str(out), "--lang", lang, *options]) == 0
    return out.read_text(encoding="utf-8")


LANGS = ("zh", "en", "both")
RUN_TARGETS = ("--target", "alarm.on_time_rate>=0.5", "--target", "care_visit.wait_p90<=30")
SWEEP_TARGETS = ("--target", "centre_bath.on_time_rate@tier=tekun>=0.5")


@pytest.fixture(scope="session")  # (reads session fixtures only: made once per worker, like them)
def reports(small_run, small_sweep, sized, tmp_path_factory) -> dict[tuple[str, str], str]:
    """(folder kind, lang) -> the report, for the run (with targets), the sweep (with a
    target on a slice) and the sizing search, in each language."""
    out = tmp_path_factory.mktemp("lang-reports")
    folders = {
        "run": (small_run, RUN_TARGETS),
        "sweep": (small_sweep, SWEEP_TARGETS),
        "size": (sized[0], ()),
    }
    return {
        (kind, lang): report(folder, out / f"{kind}-{lang}.html", lang, *options)
        for kind, (folder, options) in folders.items()
        for lang in ("zh", "en", "both")
    }


@pytest.mark.parametrize("kind", ["run", "sweep", "size"])
def test_zh_writes_no_english_sentence(reports, kind):
    assert english_runs(reports[kind, "zh"]) == []


@pytest.mark.parametrize("kind", ["run", "sweep", "size"])
def test_en_writes_no_chinese(reports, kind):
    assert chinese(reports[kind, "en"]) == []


@pytest.mark.parametrize("kind", ["run", "sweep", "size"])
def test_figures_alternative_text_is_in_the_reports_language(reports, kind):
    # (read aloud by screen readers in place of the figure)
    alts = {lang: re.findall(r'<img [^>]*alt="([^"]*)"', reports[kind, lang]) for lang in LANGS}
    assert len(alts["zh"]) == len(alts["en"]) == len(alts["both"]) > 0
    for zh, en, both in zip(alts["zh"], alts["en"], alts["both"], strict=True):
        assert CJK.search(zh) and not ENGLISH_RUN.search(NAMES.sub("", zh)), zh
        assert not CJK.search(en), en
        assert both.startswith(zh) and both.endswith(en), both


def test_no_markup_is_escaped_twice(reports):
    for html in reports.values():
        assert not re.search(r"&lt;/?(code|span|br|p)\b", html)


def test_the_checks_catch_what_they_look_for(reports):
    """The two checks are not blind: the English report fails the Chinese one and the other
    way round, and the quoted scenario text and code they leave aside are really there."""
    assert english_runs(reports["run", "en"])
    assert chinese(reports["run", "zh"])
    both = reports["run", "both"]
    assert english_runs(both) and chinese(both)
    assert "<code>" in reports["size", "zh"]
    aside = '<p>中文 <code>a.b c d e f</code><span class="quoted">four words of English</span></p>'
    assert visible(aside) == [("p", "中文")]


def test_the_scenarios_comments_are_quoted_as_written(small_run, tmp_path):
    """A comment of the scenario file stays in its own words, set aside as quoted."""
    run = load(small_run)
    source = Path(run.manifest["scenario_files"][0])
    lines = source.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("calendar:"))
    comment = "ASSUMPTION: a quiet year with nothing special [report]"
    legend = ["# Sources:", "#   [report]  the city paper of the year, page one"]
    lines = [*legend, *lines[:at], f"# {comment}", *lines[at:]]
    copy = tmp_path / source.name
    copy.write_text("\n".join(lines) + "\n", encoding="utf-8")
    zh = _html(run, "zh", scenario_files=[str(copy)])
    assert english_runs(zh) == []
    assert 'class="quoted">a quiet year with nothing special [report]<' in zh
    assert 'class="quoted">the city paper of the year, page one<' in zh


@pytest.mark.parametrize("kind", ["run", "sweep", "size"])
def test_both_has_every_paragraph_of_each_language_chinese_first(reports, kind):
    """Each paragraph the report writes in one language is in the ``both`` report, and a
    paragraph written in the two comes Chinese first."""
    zh, en, both = (
        [text for tag, text in visible(reports[kind, lang]) if tag == "p"]
        for lang in ("zh", "en", "both")
    )
    translated = [
        (z, e) for z, e in zip(zh, en, strict=True) if z != e and " · carecap" not in z
    ]  # the subtitle is a line of short phrases, each paired
    assert translated, "some paragraph differs between the languages"
    labelled = ("软件", "carecap（")  # a label before a value written once: 软件 Software: ...
    for z, e in translated:
        if z.startswith(labelled):
            assert f"{z.split('：')[0]} {e.split(':')[0]}:" in " ".join(both)
            continue
        assert z in both and e in both, (z, e)
        assert both.index(z) < both.index(e)


def _html(results, lang: str, **changes) -> str:
    """The report of ``results`` (no figures) with fields of its input changed."""
    targets = report_targets(results, [])
    data = report_input(results, targets, with_figures=False)
    for name, value in changes.items():
        setattr(data, name, value)
    return report_html(data, Lang(lang), targets)


def test_rarer_states_are_written_in_the_chosen_language(small_run, sized, tmp_path):
    """An interrupted run, scenario files gone or changed, a sizing search interrupted, with no
    feasible answer, or with notes and monotonicity violations, a folder without size.json, a
    figure left out."""
    run = load(small_run)
    manifest = {
        **run.manifest,
        "status": "interrupted",
        "replications_requested": [*run.manifest["replications_finished"], 99],
        "platform": None,
    }
    search = load(sized[0])
    answer = search.sizing
    label = "stations=3"
    cases = [
        (run, {"manifest": manifest}),
        (run, {"scenario_files": [str(tmp_path / "gone.yaml")]}),
        (run, {"stale_sources": True}),
        (run, {"figure_notes": [("等待时间图：未列出（x）", "Waits: left out (x)")]}),
        (search, {"sizing": {**answer, "status": "interrupted"}}),
        (
            search,
            {
                "sizing": {
                    **answer,
                    "feasible": False,
                    "pilot_answer": None,
                    "binding_target": "care_visit.on_time_rate>=0.8",
                    "answer": None,
                    "best_found": answer["answer"],
                    "cost_per_year": None,
                }
            },
        ),
        (search, {"sizing": {**answer, "feasible": False, "pilot_answer": answer["answer"]}}),
        (
            search,
            {
                "sizing": {
                    **answer,
                    "proven_cheapest": False,
                    "monotonicity_violations": [
                        f"{label} meets the targets but the larger stations=4 clearly fails them"
                    ],
                    "notes": [
                        "the scenario has no costs: the cheapest combination is the fewest units"
                    ],
                    "staff_fte": {"caregiver_fte": 4.5, "bath_team_fte": None},
                }
            },
        ),
        (search, {"sizing": None, "notes": [("无结论文件", "no size.json")]}),
    ]
    for results, changes in cases:
        zh, en = _html(results, "zh", **changes), _html(results, "en", **changes)
        assert english_runs(zh) == [], changes
        assert chinese(en) == [], changes
    interrupted = _html(run, "zh", manifest=manifest)
    n = len(manifest["replications_finished"])
    assert f"{n + 1}次重复中完成了{n}次" in interrupted and "未记录" in interrupted


def test_missing_size_json_note_in_each_language(sized, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(sized[0], folder)
    (folder / "size.json").unlink()
    zh = report(folder, tmp_path / "zh.html", "zh")
    en = report(folder, tmp_path / "en.html", "en")
    assert "没有结论文件（size.json）" in zh and english_runs(zh) == []
    assert "no answer (size.json)" in en and chinese(en) == []


def test_lang_helpers():
    words = ("{n}天内{what}", "within {n} days{what}")
    assert ZH.fill(words, n=3, what=("，已放弃", ", given up")) == "3天内，已放弃"
    assert EN.fill(words, n=3, what=("，已放弃", ", given up")) == "within 3 days, given up"
    both = Lang("both")
    assert both.compose(lambda one: one.fill(words, n=3, what="")) == "3天内 within 3 days"
    assert both.compose(lambda one: "16") == "16"  # the same in both: once
    assert str(both.para(words, n=3, what="")) == "<p>3天内</p><p>within 3 days</p>"
    assert str(ZH.para(words, n=3, what="")) == "<p>3天内</p>"
    assert str(both.lines("十", "ten")) == '十<br><span class="en-sub">ten</span>'
    assert str(both.lines("16", "16")) == "16"
    assert ZH.label("软件", "Software") == "软件："
    assert both.label("软件", "Software") == "软件 Software: "


def test_values_in_words_in_each_language():
    """The scenario table's values: schedules, distributions and targets in Chinese words."""
    from carecap.analysis.report import describe as d

    week = {"spans": [[480, 720], [780, 1020], [1920, 2160]]}
    assert d.schedule(week, ZH) == "周一 08:00–12:00，13:00–17:00；周二 08:00–12:00"
    assert d.schedule(week, EN) == "Mon 08:00–12:00, 13:00–17:00; Tue 08:00–12:00"
    weekdays = {"spans": [[480 + 1440 * k, 1020 + 1440 * k] for k in range(5)]}
    assert d.schedule(weekdays, ZH) == "周一至周五 08:00–17:00"
    tri = {"dist": "triangular", "low": 30, "high": 60, "mode": 40}
    assert d.dist(tri, "min", ZH) == "三角分布30–60分钟，众数40"
    assert d.dist(tri, "min", EN) == "triangular 30–60 min, mode 40"
    assert d.dist({"dist": "fixed", "value": 7}, "days", ZH) == "7天"
