"""Words of a figure that must stay readable once it is laid out: the cost figure's point
names overlap neither each other nor the axes and stay inside the figure; the utilisation
figure's colour-bar caption lies inside the figure (window extents after a draw, in display
coordinates)."""

from __future__ import annotations

from itertools import combinations

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from carecap.analysis.plots import plot_cost_frontier

LONG = "booking, bathing_centre.stations={i}, home_bathing.teams.home_core.shifts.0.count=2"


def _inside(box: Bbox, outer: Bbox) -> bool:
    return (
        box.x0 >= outer.x0 - 0.5
        and box.y0 >= outer.y0 - 0.5
        and box.x1 <= outer.x1 + 0.5
        and box.y1 <= outer.y1 + 0.5
    )


def _crowded_frontier(n: int = 6) -> pd.DataFrame:
    """Efficient points crowded near 100 % at nearly the same cost (as a sweep over capacity
    that is ample everywhere), each with a label as wide as half the figure."""
    level = np.linspace(0.9990, 1.0, n)
    cost = np.linspace(13.30e6, 13.36e6, n)
    frame = pd.DataFrame(
        {
            "point_id": [f"p{i:04d}" for i in range(n)],
            "label": [LONG.format(i=i) for i in range(n)],
            "cost": cost,
            "cost_low": cost - 1e5,
            "cost_high": cost + 1e5,
            "cost_unit": "CNY/year",
            "level": level,
            "level_low": level - 0.003,
            "level_high": np.minimum(level + 0.003, 1.0),
            "level_unit": "share",
            "efficient": True,
        }
    )
    dominated = frame.assign(
        point_id=[f"q{i:04d}" for i in range(n)], cost=cost + 1e6, efficient=False
    )
    dominated[["cost_low", "cost_high"]] += 1e6
    return pd.concat([frame, dominated], ignore_index=True)


def _word_boxes(fig: Figure) -> tuple[list[Bbox], list[Bbox], list[Bbox]]:
    """After a draw: the boxes of the texts inside the axes, of the legend's texts, and of the
    axes with their tick labels and axis labels."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (ax,) = fig.axes
    inner = [t.get_window_extent(renderer) for t in ax.texts]
    legend = [t.get_window_extent(renderer) for lg in fig.legends for t in lg.get_texts()]
    return inner, legend, [ax.get_tightbbox(renderer)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_cost_figure_names_every_efficient_point_without_overlap(lang):
    frontier = _crowded_frontier()
    fig = plot_cost_frontier(frontier, "centre baths: on time", lang=lang)
    inner, legend, (axes_box,) = _word_boxes(fig)
    (ax,) = fig.axes
    names = [t.get_text() for lg in fig.legends for t in lg.get_texts()]
    efficient = frontier[frontier["efficient"]].sort_values("level")
    assert [n for n in names if n.startswith("booking")] == list(efficient["label"])
    assert len(inner) == len(efficient)  # one mark beside each efficient point
    for a, b in combinations(inner + legend, 2):
        assert not a.overlaps(b), (a, b)
    plot_box = ax.get_window_extent()
    assert all(_inside(box, plot_box) for box in inner)  # the marks stay inside the axes
    assert all(not box.overlaps(axes_box) for box in legend)  # the names under the axes
    assert all(_inside(box, fig.bbox) for box in inner + legend + [axes_box])


def _hours(pools: int) -> pd.DataFrame:
    """A week of hours for ``pools`` caregiver pools, utilisation rising through the day."""
    weekday, hour = np.divmod(np.arange(168), 24)
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "pool": f"pool_{p}",
                    "kind": "caregiver",
                    "weekday": weekday,
                    "hour": hour,
                    "utilisation": hour / 24,
                }
            )
            for p in range(pools)
        ],
        ignore_index=True,
    )


@pytest.mark.parametrize("pools", [1, 4, 17])
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_utilisation_colour_bar_caption_lies_inside_the_figure(pools, lang):
    """The caption under the colour scale, whole: inside the figure's edges (a figure of many
    rows had it cut at the bottom; one column is narrower than the caption), and clear of the
    panels."""
    from carecap.analysis.plots import plot_utilisation_heatmap

    fig = plot_utilisation_heatmap(_hours(pools), lang=lang)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    (bar,) = [ax for ax in fig.axes if not ax.get_images()]
    caption = bar.xaxis.label
    assert caption.get_text()
    box = caption.get_window_extent(renderer)
    assert _inside(box, fig.bbox), (box, fig.bbox)
    for ax in fig.axes:
        if ax is not bar:
            assert not ax.get_tightbbox(renderer).overlaps(bar.get_tightbbox(renderer))
