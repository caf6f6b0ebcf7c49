"""The paired-differences and warm-up figures speak the figures' languages: with ``lang="zh"``
their words are the Chinese of :data:`~carecap.analysis.figure_words.WORDS`, no English run is
drawn but names (pools, point ids, parameter paths, MSER-5), every character has a glyph in the
bundled font; with no ``lang`` they draw exactly what ``lang="en"`` draws."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from plot_checks import english_runs, rendered, texts
from results_helpers import small_sweep_folder

from carecap.analysis import figures, load
from carecap.analysis.figure_words import FigureWords
from carecap.analysis.plots import fonts, plot_comparison, plot_warmup

ZH, EN = FigureWords("zh"), FigureWords("en")


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> Path:
    return small_sweep_folder(tmp_path_factory)


def _comparison_frame() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": ["care_visit", "centre_bath", "care", "alarm"],
            "slice": ["all", "all", "pool", "all"],
            "slice_value": ["all", "all", "city", "all"],
            "metric": ["wait_mean", "request_coverage", "utilisation", "unmet"],
            "unit": ["days", "share", "share", "requests"],
            "diff": [0.3, -0.02, -0.06, 4.0],
            "half_width": [0.1, 0.01, np.nan, 1.0],
            "significant": [True, True, False, True],
        }
    )


def _warmup_frame() -> pd.DataFrame:
    days = np.arange(30)
    parts = [
        pd.DataFrame(
            {
                "series": f"{kind} {service}",
                "service": service,
                "kind": kind,
                "day": days,
                "value": np.exp(-days / 4.0),
                "unit": unit,
            }
        )
        for kind, service, unit in (
            ("backlog", "care_visit", "requests"),
            ("wait", "care_visit", "days"),
            ("wait", "alarm", "min"),
        )
    ]
    return pd.concat(parts, ignore_index=True)


def _warmup(lang: str | None = None):
    truncation = {"backlog care_visit": 5, "wait care_visit": 10, "wait alarm": 0}
    kwargs = {"lang": lang} if lang else {}
    return plot_warmup(_warmup_frame(), truncation, 14, 7, "taiyuan-2022", **kwargs)


def _assert_chinese(fig, names: set[str]) -> list[str]:
    """No English run but ``names``; every hanzi in the bundled font (the rest, such as the
    minus sign of negative ticks, in DejaVu Sans), no missing glyph."""
    drawn = texts(fig)
    assert [(t, run) for t in drawn for run in english_runs(t, names)] == []
    bundled = str(fonts.BUNDLED)
    hanzi = {c for t in drawn for c in t if fonts.has_hanzi(c)}
    assert hanzi and {c for c in hanzi if not fonts._covers(bundled, c)} == set()
    rendered(fig)  # fails on a missing-glyph warning
    return drawn


def test_comparison_in_chinese():
    drawn = _assert_chinese(plot_comparison(_comparison_frame(), lang="zh"), {"city"})
    assert ZH("compare.title") in drawn
    assert ZH("compare.x", unit=ZH("compare.points")) in drawn
    assert ZH("compare.x", unit=ZH.unit("requests")) in drawn
    assert "照护上门：平均等待" in drawn
    assert f"{ZH.service('care')}：{ZH('metric.utilisation')} city" in drawn
    assert "中心助浴：请求覆盖率" in drawn  # not 按时率: request_coverage is its own row


def test_comparison_in_english_is_the_default_and_names_metrics_as_carecap_compare_does():
    drawn = texts(plot_comparison(_comparison_frame()))
    assert "care visits: wait mean" in drawn and "centre baths: request coverage" in drawn
    assert EN("compare.x", unit="percentage points") in drawn
    assert _png(plot_comparison(_comparison_frame())) == _png(
        plot_comparison(_comparison_frame(), lang="en")
    )


def test_compare_figure_of_two_points_in_chinese(small_sweep):
    res = load(small_sweep)
    fig = figures.compare_figure(res, points=["p0000", "p0005"], lang="zh")
    pools = {"city", "centre", "t1", "vans"}
    _assert_chinese(fig, pools)
    title = fig.texts[0].get_text().replace("\n", "")
    assert title.startswith(ZH("compare.heading") + "A = p0000 (")
    assert f"){ZH.list_sep()}B = p0005 (" in title


def test_warmup_in_chinese():
    drawn = _assert_chinese(_warmup("zh"), {"taiyuan-2022"})
    for word in (
        ZH("warmup.truncation"),
        ZH("warmup.recommended", days=14),
        ZH("warmup.current", days=7),
        ZH("warmup.x"),
        ZH.unit("requests"),
        "照护上门积压：截断5天",
    ):
        assert word in drawn, word


def test_warmup_in_english_is_the_default():
    drawn = texts(_warmup())
    assert "backlog care visits: truncate 5 d" in drawn
    assert "recommended: 14 d" in drawn and "day" in drawn
    assert _png(_warmup()) == _png(_warmup("en"))


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=40)
    return buffer.getvalue()
