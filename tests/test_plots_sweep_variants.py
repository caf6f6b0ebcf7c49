"""A sweep over named variants: the variants keep the sweep file's order (the order of its
points), never the alphabet; drawn as points with error bars and no line between them (nothing
lies between two variants); the legend fits the figure."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pandas as pd
import pytest
from matplotlib.lines import Line2D

from carecap.analysis.plots import plot_sweep_response
from carecap.analysis.sweep_views import response_table

VARIANTS = ["baseline", "night-cover-2-urban", "night-cover-2-all", "day-staff-minus-1"]
RATES = [1.5, 1.0]  # in the file's order, not ascending


def _summary() -> pd.DataFrame:
    """A variants x rate sweep's summary, points in the file's order (variants outer)."""
    rows = []
    for v, variant in enumerate(VARIANTS):
        for r, rate in enumerate(RATES):
            mean = 0.1 + 0.01 * v + 0.001 * r
            rows.append(
                {
                    "point_id": f"p{len(rows):04d}",
                    "variant": variant,
                    "services.alarm.rate_per_bed_month": rate,
                    "service": "care_visit",
                    "slice": "all",
                    "slice_value": "all",
                    "metric": "wait_mean",
                    "mean": mean,
                    "ci_low": mean - 0.02,
                    "ci_high": mean + 0.02,
                    "unit": "days",
                }
            )
    return pd.DataFrame(rows)


PARAMS = ["variant", "services.alarm.rate_per_bed_month"]


def test_variants_keep_the_files_order_numbers_their_value():
    table = response_table(_summary(), PARAMS, "variant", "care_visit", "wait_mean", PARAMS[1])
    assert list(dict.fromkeys(table["x"])) == VARIANTS  # not alphabetical
    assert list(dict.fromkeys(table["by"])) == sorted(RATES)  # numbers by value
    table = response_table(_summary(), PARAMS, PARAMS[1], "care_visit", "wait_mean", "variant")
    assert list(dict.fromkeys(table["by"])) == VARIANTS
    assert list(dict.fromkeys(table["x"])) == sorted(RATES)


def test_numbers_sort_by_value_not_as_text():
    summary = _summary()
    summary["services.alarm.rate_per_bed_month"] = summary["services.alarm.rate_per_bed_month"].map(
        {1.5: "10", 1.0: "2"}
    )
    table = response_table(summary, PARAMS, PARAMS[1], "care_visit", "wait_mean", "variant")
    assert list(dict.fromkeys(table["x"])) == ["2", "10"]


def _data_lines(ax) -> list[Line2D]:
    """Lines that join two data points or more (not error-bar caps, not one-point markers)."""
    return [
        ln
        for ln in ax.get_lines()
        if len(ln.get_xdata()) > 1 and ln.get_linestyle() not in ("None", "none", "", " ")
    ]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_variants_are_points_with_bars_in_order_without_a_joining_line(lang):
    table = response_table(_summary(), PARAMS, "variant", "care_visit", "wait_mean", PARAMS[1])
    fig = plot_sweep_response(table, "variant", "mean wait", "alarm rate", lang=lang)
    fig.canvas.draw()
    (ax,) = fig.axes
    assert [t.get_text() for t in ax.get_xticklabels()] == VARIANTS
    assert _data_lines(ax) == []  # nothing joins two variants
    assert len(ax.containers) == len(RATES)  # one series of points with error bars per rate
    for container in ax.containers:
        x = container.lines[0].get_xdata()
        assert np.all(np.diff(x) > 0) and len(x) == len(VARIANTS)
    # series side by side: no two points of the same variant on top of each other
    xs = np.concatenate([c.lines[0].get_xdata() for c in ax.containers])
    assert len(np.unique(np.round(xs, 9))) == len(xs)
    (legend,) = fig.legends
    assert legend.get_title().get_text() == (
        "bars: 95 % interval" if lang == "en" else "误差线：95%区间"
    )
    assert [t.get_text() for t in legend.get_texts()] == [
        f"alarm rate = {r}" for r in sorted(RATES)
    ]
    renderer = fig.canvas.get_renderer()
    labels = [t.get_window_extent(renderer) for t in ax.get_xticklabels()]
    assert all(not a.overlaps(b) for a, b in pairwise(labels))


def test_numeric_x_keeps_its_lines_and_a_wide_legend_fits_the_figure():
    table = response_table(_summary(), PARAMS, PARAMS[1], "care_visit", "wait_mean", "variant")
    fig = plot_sweep_response(table, "alarm rate", "mean wait", "variant")
    fig.canvas.draw()
    (ax,) = fig.axes
    assert len(_data_lines(ax)) == len(VARIANTS)  # one line per variant, along the rate
    (legend,) = fig.legends
    assert [t.get_text() for t in legend.get_texts()] == [f"variant = {v}" for v in VARIANTS]
    box = legend.get_window_extent(fig.canvas.get_renderer())
    assert box.x0 >= 0 and box.x1 <= fig.bbox.width
