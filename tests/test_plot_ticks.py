"""Tick labels of shares (as %) and costs have as many decimals as their ticks' step needs:
adjacent labels always differ, and each label writes its tick's value."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from plot_checks import assert_not_blank
from results_helpers import small_sweep_folder

from carecap.analysis import figures, load
from carecap.analysis.plots import plot_cost_frontier
from carecap.analysis.plots.style import as_percent, figure, finish, styled
from carecap.analysis.plots.ticks import tick_decimals

SERVICES = ("care_visit", "alarm", "centre_bath", "home_bath")


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> Path:
    return small_sweep_folder(tmp_path_factory)


def _number(label: str) -> float:
    return float(label.replace("\u2212", "-").replace(",", "").rstrip("%"))


def drawn_labels(ax, axis: str) -> list[tuple[float, str]]:
    """(tick value, label) of the ticks inside the axis's view, the canvas drawn first."""
    ax.figure.canvas.draw()
    target = ax.xaxis if axis == "x" else ax.yaxis
    low, high = sorted(target.get_view_interval())
    pairs = zip(target.get_majorticklocs(), target.get_majorticklabels(), strict=True)
    return [(float(v), t.get_text()) for v, t in pairs if low <= v <= high and t.get_text()]


def assert_distinct_exact(pairs: list[tuple[float, str]], percent: bool) -> None:
    """Pairwise distinct labels, each writing its tick's value to its last decimal."""
    labels = [label for _, label in pairs]
    assert len(pairs) >= 2, labels
    assert len(set(labels)) == len(labels), labels
    for value, label in pairs:
        assert label.endswith("%") == percent, label
        decimals = len(label.rstrip("%").partition(".")[2])
        shown = value * 100 if percent else value
        assert _number(label) == pytest.approx(shown, abs=0.5 * 10**-decimals + 1e-9), label


def test_tick_decimals_are_the_fewest_that_write_each_tick():
    assert tick_decimals([0, 20, 40, 60]) == 0
    assert tick_decimals([99.0, 99.25, 99.5, 99.75, 100.0]) == 2
    assert tick_decimals([99.0, 99.2, 99.4]) == 1
    assert tick_decimals([0.99 * 100, 0.9925 * 100]) == 2  # float noise (99.25000000000001)
    assert tick_decimals([12_000, 12_500, 13_000]) == 0
    assert tick_decimals([1.0, 1.0025]) == 4
    assert tick_decimals([]) == 0 and tick_decimals([float("nan"), 3.5]) == 1


@settings(max_examples=40, deadline=None)
@given(
    low=st.floats(0.0, 1.0),
    width=st.floats(1e-4, 1.0),
)
def test_percent_ticks_of_any_view_are_distinct_and_exact(low, width):
    with styled():
        fig = figure(4, 3)
        ax = fig.add_subplot()
        ax.plot([0, 1], [0, 1])
        as_percent(ax, "x")
        ax.set_xlim(low, low + width)
        finish(fig)
    assert_distinct_exact(drawn_labels(ax, "x"), percent=True)


def _frontier(levels: list[float], costs: list[float]) -> pd.DataFrame:
    """A cost frontier frame (columns of frontier_table) with narrow intervals."""
    level, cost = np.asarray(levels), np.asarray(costs)
    return pd.DataFrame(
        {
            "point_id": [f"p{i:04d}" for i in range(len(levels))],
            "label": [f"stations={10 + i}" for i in range(len(levels))],
            "cost": cost,
            "cost_low": cost * 0.999,
            "cost_high": cost * 1.001,
            "cost_unit": "CNY/year",
            "level": level,
            "level_low": level - 0.0005,
            "level_high": np.minimum(level + 0.0005, 1.0),
            "level_unit": "share",
            "efficient": [True] + [False] * (len(levels) - 1),
        }
    )


def test_cost_figure_of_service_levels_within_one_percent():
    """The tester's case: on-time rates of 99.1-100 % (ticks 0.25 % apart) read 99% 99% 100%
    ... before; costs within a few thousand CNY a year around 13 million."""
    frame = _frontier([0.991, 0.994, 0.997, 1.0], [13.204e6, 13.206e6, 13.208e6, 13.21e6])
    fig = plot_cost_frontier(frame, "centre baths: on time")
    (ax,) = fig.axes
    assert_distinct_exact(drawn_labels(ax, "x"), percent=True)
    assert_distinct_exact(drawn_labels(ax, "y"), percent=False)
    assert_not_blank(fig)


@pytest.mark.parametrize("service", SERVICES)
def test_cost_figure_of_the_small_sweep_distinct_ticks(small_sweep, service):
    fig = figures.cost_figure(load(small_sweep), level=f"{service}.on_time_rate")
    (ax,) = fig.axes
    assert_distinct_exact(drawn_labels(ax, "x"), percent=True)
    assert_distinct_exact(drawn_labels(ax, "y"), percent=False)


@pytest.mark.parametrize("service", SERVICES)
def test_sweep_figure_of_the_small_sweep_distinct_ticks(small_sweep, service):
    fig = figures.sweep_figure(
        load(small_sweep), x="caregivers.0.shifts.0.count", metric=f"{service}.on_time_rate"
    )
    (ax,) = fig.axes
    assert_distinct_exact(drawn_labels(ax, "y"), percent=True)
    assert all(re.fullmatch(r"\d+", label) for _, label in drawn_labels(ax, "x"))
