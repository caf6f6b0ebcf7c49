"""The report's figures speak its language: with ``--lang zh`` every text drawn in a figure is
Chinese, with ``en`` the figures are those ``carecap plot`` draws, and every character of the
Chinese words has a glyph in the bundled font.

Texts are read from the matplotlib figures themselves (every :class:`~matplotlib.text.Text`:
titles, axis and tick labels, legends, annotations, the colour bar), for the small run and sweep
of :mod:`report_helpers`, as :func:`~carecap.analysis.report.build.report_input` draws them.
What may stay in Latin letters: numbers, units, and the scenario's own names (districts, tiers,
care levels, pools, teams, shifts, alarm classes, its name, a sweep's option labels, which are
parameter paths); a run of English words holding two of three letters or more left after those
is an untranslated label.
"""

from __future__ import annotations

import io
import re
import string
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import report_helpers
from plot_checks import english_runs, texts

from carecap.analysis import figures as f
from carecap.analysis import load
from carecap.analysis.figure_words import (
    DATE_FORMATS,
    WEEKDAYS,
    WORDS,
    FigureWords,
    figure_words,
)
from carecap.analysis.plots import fonts
from carecap.analysis.report.build import report_input
from carecap.analysis.summary_table import BY, slice_labels

small_run = report_helpers.small_run  # session fixtures
small_sweep = report_helpers.small_sweep

ZH, EN = FigureWords("zh"), FigureWords("en")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _scenario_names(data: Any, out: set[str]) -> set[str]:
    """Every name the scenario gives (its ``name`` fields, the Latin words of its ``label``
    fields, the keys of its districts and care levels, its tiers)."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "name" and isinstance(value, str):
                out.add(value)
            elif key == "label" and isinstance(value, str):
                out.update(w for w in value.split() if w.isascii())
            elif key in ("districts", "care_levels") and isinstance(value, dict):
                out.update(value)
            elif key == "tiers" and isinstance(value, list):
                out.update(str(t) for t in value)
            _scenario_names(value, out)
    elif isinstance(data, list):
        for item in data:
            _scenario_names(item, out)
    return out


class Drawn(NamedTuple):
    texts: list[list[str]]
    names: set[str]
    missing: list[str]


def _report_figures(folder: Path, lang: str) -> tuple[list[tuple[Any, str, str]], set[str]]:
    results = load(folder)
    data = report_input(results, [], lang=lang)
    names = _scenario_names(data.scenario, set())
    for by in ("district", "tier", "care_level"):  # as the figures label them: 低保 dibao
        labels = slice_labels(results.scenario, by).values()
        names |= {word for label in labels for word in label.split()}
    if results.kind != "run":
        names |= {str(label) for label in results.points["label"]}
        names.add(str(results.manifest.get("name", "")))
    return data.figures, names


@pytest.fixture(scope="module")
def drawn(small_run, small_sweep) -> dict[tuple[str, str], Drawn]:
    """(folder kind, lang) -> the texts of each report figure, the scenario's names, and the
    missing-glyph warnings drawing them raised."""
    out = {}
    for kind, folder in (("run", small_run), ("sweep", small_sweep)):
        for lang in ("zh", "en", "both"):
            figures, names = _report_figures(folder, lang)
            assert len(figures) == 4, [caption for _, _, caption in figures]
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                figure_texts = [texts(fig) for fig, _, _ in figures]
            missing = [str(w.message) for w in caught if "missing from" in str(w.message)]
            out[kind, lang] = Drawn(figure_texts, names, missing)
    return out


@pytest.mark.parametrize("kind", ["run", "sweep"])
def test_zh_figures_draw_no_english_words(drawn, kind):
    figure_texts, names, _ = drawn[kind, "zh"]
    found = [(t, run) for one in figure_texts for t in one for run in english_runs(t, names)]
    assert found == []


@pytest.mark.parametrize("kind", ["run", "sweep"])
def test_both_draws_the_chinese_figures(drawn, kind):
    assert drawn[kind, "both"].texts == drawn[kind, "zh"].texts


def test_the_check_finds_english_labels(drawn):
    """Not blind: the English figures fail it, and a name of the scenario does not."""
    for kind in ("run", "sweep"):
        figure_texts, names, _ = drawn[kind, "en"]
        for one in figure_texts:
            assert any(english_runs(t, names) for t in one), one
    assert english_runs("万柏林 Wanbailin Qingxu（照护员）", {"Wanbailin", "Qingxu"}) == []
    assert english_runs("city（照护员） hour of day", {"city"}) == ["hour of day"]


# Words every report figure draws (fields filled as the small folders fill them), by figure.
RUN_WORDS: list[list[tuple[str, dict[str, Any]]]] = [
    [("waits.y", {}), ("waits.x", {"unit": "days"}), ("waits.x", {"unit": "min"})],
    [("backlog.y", {}), ("backlog.mean", {}), ("backlog.band", {}), ("backlog.warmup", {})],
    [("utilisation.x", {}), ("utilisation.scale", {}), *((day, {}) for day in WEEKDAYS)],
    [("equity.wait", {"service": "alarm", "unit": "min"})],
]
SWEEP_WORDS: list[list[tuple[str, dict[str, Any]]]] = [
    [("sweep.band", {})],
    [("cost.efficient", {}), ("cost.y", {"million": "", "unit": "CNY/year"})],
    RUN_WORDS[0],
    RUN_WORDS[3],
]


def _filled(w: FigureWords, key: str, values: dict[str, Any]) -> str:
    """The word of ``key`` with its values, services and units in ``w``'s language."""
    values = dict(values)
    if "service" in values:
        values["service"] = w.service(values["service"])
    if "unit" in values:
        values["unit"] = w.unit(values["unit"])
    return w(key, **values)


def _unbroken(text: str) -> str:
    """``text`` without its spaces and line breaks (broken at a space or between hanzi)."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("kind", ["run", "sweep"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_each_figure_draws_the_words_of_its_language(drawn, kind, lang):
    """The English figures draw the table's English words (those ``carecap plot`` always
    drew), the Chinese figures its Chinese words, and the English figures no Chinese but the
    scenario's own labels."""
    w = FigureWords(lang)
    figure_texts, names, _ = drawn[kind, lang]
    expected = RUN_WORDS if kind == "run" else SWEEP_WORDS
    for one, words in zip(figure_texts, expected, strict=True):
        drawn_words = {_unbroken(t) for t in one}  # a caption may be broken into lines
        for key, values in words:
            assert _unbroken(_filled(w, key, values)) in drawn_words, (key, one)
    if lang == "en":
        labels = {label for label in names if CJK.search(label)}
        for one in figure_texts:
            for t in one:
                stripped = t
                for label in labels:
                    stripped = stripped.replace(label, "")
                assert not CJK.search(stripped), t


def test_english_is_the_default_and_draws_the_same_pixels(small_run):
    """``carecap plot`` and an analyst's call (no ``lang``) draw exactly what ``lang="en"``
    draws."""
    results = load(small_run)

    def png(fig) -> bytes:
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=40)
        return buffer.getvalue()

    assert png(f.utilisation_figure(results)) == png(f.utilisation_figure(results, lang="en"))
    assert png(f.equity_figure(results)) == png(f.equity_figure(results, lang="en"))
    assert png(f.equity_figure(results)) != png(f.equity_figure(results, lang="zh"))


@pytest.mark.parametrize("kind", ["run", "sweep"])
def test_every_character_of_the_chinese_figures_has_a_glyph(drawn, kind):
    """Every non-ASCII character drawn is in the bundled font, and drawing the figures raised
    no missing-glyph warning."""
    bundled = str(fonts.BUNDLED)
    for one in drawn[kind, "zh"].texts:
        for t in one:
            assert fonts._covers(bundled, t), [c for c in t if not fonts._covers(bundled, c)]
    assert drawn[kind, "zh"].missing == []


def test_every_chinese_word_of_the_table_has_a_glyph():
    """Also the words the small folders do not draw (e.g. a target of several districts)."""
    bundled = str(fonts.BUNDLED)
    chinese = [zh for zh, _ in WORDS.values()]
    chinese += [fmt for formats in DATE_FORMATS.values() for f in formats.values() for fmt in f]
    missing = {c for text in chinese for c in text if not fonts._covers(bundled, c)}
    assert missing == set()


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_the_table_is_whole():
    """Each entry has both languages with the same fields; ``both`` draws Chinese; a language
    the figures do not speak is refused."""
    for key, (zh, en) in WORDS.items():
        assert zh and en, key
        assert _fields(zh) == _fields(en), key
        if not _fields(en):  # a word without fields is translated, unless it is a name
            assert CJK.search(zh) or zh == en, key
    assert all(f"by.{by}" in WORDS for by in (*BY, "all"))  # every grouping of the wait curves
    assert figure_words("both") == ZH and figure_words("en") == EN
    assert figure_words(ZH) is ZH
    with pytest.raises(ValueError, match="zh"):
        figure_words("fr")
