"""A figure's legend covers none of its data: no error bar, cap, marker, line or point label
lies under it once the figure is drawn (its window extent against the drawn shapes, in
display coordinates)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.path import Path as MplPath
from matplotlib.transforms import Bbox
from plot_checks import assert_not_blank
from results_helpers import small_sweep_folder

from carecap.analysis import figures, load
from carecap.analysis.plots import plot_cost_frontier

SERVICES = ("care_visit", "alarm", "centre_bath", "home_bath")


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> Path:
    return small_sweep_folder(tmp_path_factory)


def _drawn_shapes(ax: Axes) -> Iterator[MplPath | Bbox]:
    """Every data shape of ``ax`` in display coordinates: the segments of its lines and of its
    line collections (error bars), a box around each marker (caps, points), each text's box."""
    for line in ax.get_lines():
        points = line.get_transform().transform(line.get_xydata())
        points = points[np.isfinite(points).all(axis=1)]
        if line.get_linestyle() not in ("None", "none", "", " ") and len(points) > 1:
            yield MplPath(points)
        if line.get_marker() not in (None, "None", "none", "", " "):
            r = line.get_markersize() / 2 * ax.figure.dpi / 72
            for x, y in points:
                yield Bbox([[x - r, y - r], [x + r, y + r]])
    for collection in ax.collections:
        transform = collection.get_transform()
        for path in collection.get_paths():
            yield transform.transform_path(path)
    renderer = ax.figure.canvas.get_renderer()
    for text in ax.texts:
        yield text.get_window_extent(renderer)


def covered_shapes(fig: Figure) -> list[object]:
    """The data shapes lying (partly) under a legend of ``fig``, after a draw."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    legends = [*fig.legends, *(ax.get_legend() for ax in fig.axes if ax.get_legend())]
    assert legends, "the figure has no legend"
    covered = []
    for legend in legends:
        box = legend.get_window_extent(renderer)
        for ax in fig.axes:
            for shape in _drawn_shapes(ax):
                if isinstance(shape, Bbox):
                    hit = shape.overlaps(box)
                else:
                    hit = shape.intersects_bbox(box, filled=False)
                if hit:
                    covered.append(shape)
    return covered


def _wide_frontier(n: int = 9) -> pd.DataFrame:
    """Points whose level intervals span the whole axis at evenly spread costs: every place
    inside the axes a legend could take lies over some error bar."""
    level = np.linspace(0.1, 0.9, n)
    cost = np.linspace(1e6, 2e6, n)
    return pd.DataFrame(
        {
            "point_id": [f"p{i:04d}" for i in range(n)],
            "label": [f"stations={i}" for i in range(n)],
            "cost": cost,
            "cost_low": cost - 0.6e5,
            "cost_high": cost + 0.6e5,
            "cost_unit": "CNY/year",
            "level": level,
            "level_low": np.zeros(n),
            "level_high": np.ones(n),
            "level_unit": "share",
            "efficient": [i % 2 == 0 for i in range(n)],
        }
    )


def test_the_check_sees_a_legend_over_error_bars():
    """Not blind: a legend placed by hand over the bars is found."""
    fig = plot_cost_frontier(_wide_frontier(), "centre baths: on time")
    for legend in fig.legends:
        legend.remove()
    fig.axes[0].legend(loc="center")
    assert covered_shapes(fig)


def test_cost_legend_covers_no_error_bar_where_the_bars_fill_the_axes():
    fig = plot_cost_frontier(_wide_frontier(), "centre baths: on time")
    assert covered_shapes(fig) == []
    assert_not_blank(fig)


@pytest.mark.parametrize("service", SERVICES)
def test_cost_legend_of_the_small_sweep_covers_no_data(small_sweep, service):
    fig = figures.cost_figure(load(small_sweep), level=f"{service}.on_time_rate")
    assert covered_shapes(fig) == []


def test_sweep_response_legend_lies_outside_the_axes_over_no_band():
    from carecap.analysis.plots import plot_sweep_response

    # bands as wide as the axes: anywhere inside them a legend would cover one
    x = np.arange(6, dtype=float)
    response = pd.DataFrame(
        {
            "x": np.tile(x, 2),
            "by": np.repeat(["a", "b"], 6),
            "mean": np.r_[x + 1, x + 2],
            "ci_low": 0.0,
            "ci_high": 10.0,
            "unit": "days",
        }
    )
    fig = plot_sweep_response(response, "stations", "wait mean", by_label="teams")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (legend,) = fig.legends
    (ax,) = fig.axes
    assert not legend.get_window_extent(renderer).overlaps(ax.get_window_extent(renderer))
    assert_not_blank(fig)
