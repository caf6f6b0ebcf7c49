"""A figure's title fits the figure: a long one (two sweep points' labels, a long scenario name,
a run of hanzi without spaces) is broken into lines, none cut at the image's edges, none over
the panels, its words unchanged."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from plot_checks import assert_not_blank
from results_helpers import small_sweep_folder

from carecap.analysis import figures, load
from carecap.analysis.plots import plot_comparison
from carecap.analysis.plots.style import figure, finish, styled

LONG_LABEL = "bathing_centre.routing=queue, bathing_centre.stations=10, home_core.shifts.0.count=2"


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> Path:
    return small_sweep_folder(tmp_path_factory)


def assert_title_inside(fig, want: str) -> None:
    """The drawn title lies within the figure, above every panel, and says ``want`` (lines
    broken at spaces, or between hanzi)."""
    fig.canvas.draw()
    title = fig.texts[0]
    box = title.get_window_extent()
    page = fig.bbox
    assert page.x0 <= box.x0 and box.x1 <= page.x1, (box, page)
    assert page.y0 <= box.y0 and box.y1 <= page.y1, (box, page)
    renderer = fig.canvas.get_renderer()
    panels_top = max(ax.get_tightbbox(renderer).y1 for ax in fig.axes)
    assert box.y0 >= panels_top - 1, (box, panels_top)
    drawn = title.get_text()
    assert " ".join(drawn.split()) == " ".join(want.split()) or drawn.replace("\n", "") == want


def _comparison_frame(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "service": ["alarm"] * n,
            "metric": [f"wait_p{q}" for q in range(n)],
            "slice": "all",
            "slice_value": "",
            "unit": "min",
            "diff": [1.0, -2.0, 0.5][:n],
            "half_width": [0.5, 0.5, 1.0][:n],
            "significant": [True, True, False][:n],
        }
    )


def test_compare_figure_of_two_sweep_points_keeps_its_title_inside(small_sweep):
    res = load(small_sweep)
    fig = figures.compare_figure(res, points=["p0000", "p0005"])
    labels = [res.point(p)["label"] for p in ("p0000", "p0005")]
    assert all(labels)
    want = f"B - A: A = p0000 ({labels[0]}), B = p0005 ({labels[1]})"
    assert_title_inside(fig, want)
    assert_not_blank(fig)


def test_a_deliberately_long_title_is_wrapped_inside_the_figure():
    want = f"B - A: A = p0000 ({LONG_LABEL}), B = p0008 ({LONG_LABEL.replace('=2', '=5')})"
    fig = plot_comparison(_comparison_frame(), title=want)
    assert_title_inside(fig, want)
    assert fig.texts[0].get_text().count("\n") >= 1


def test_one_word_wider_than_the_figure_and_hanzi_without_spaces_are_broken():
    for want in ("x" * 300, "娄烦县清徐县万柏林区小店区" * 8):
        with styled():
            fig = figure(4, 3)
            fig.add_subplot().plot([0, 1], [0, 1])
            finish(fig, want)
        assert_title_inside(fig, want)
        assert fig.texts[0].get_text().replace("\n", "") == want


def test_a_short_title_stays_on_one_line():
    fig = plot_comparison(_comparison_frame(), title="B - A: A = base, B = more")
    assert fig.texts[0].get_text() == "B - A: A = base, B = more"
