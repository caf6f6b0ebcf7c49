"""Plots take frames and return a matplotlib Figure (analysis/plots.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from carecap.analysis.plots import (
    plot_backlog,
    plot_comparison,
    plot_sweep_response,
    plot_waits_by_tier,
    plot_warmup,
)


def data_lines(ax) -> list:
    """Lines other than vertical reference lines (axvline: constant x data)."""
    return [ln for ln in ax.get_lines() if len(set(np.asarray(ln.get_xdata(), float))) > 1]


def test_plot_warmup_one_panel_per_series_with_truncation_lines():
    days = np.arange(20)
    frame = pd.concat(
        [
            pd.DataFrame({"series": s, "day": days, "value": np.exp(-days / 3.0), "unit": u})
            for s, u in (("backlog care_visit", "requests"), ("wait care_visit", "days"))
        ]
    )
    fig = plot_warmup(frame, {"backlog care_visit": 5, "wait care_visit": 10}, 14, 10)
    assert isinstance(fig, Figure)
    assert len(fig.axes) == 2
    for ax in fig.axes:
        assert len(data_lines(ax)) == 1
        assert len(ax.get_lines()) == 4  # the series, its truncation, recommended, current
    truncations = pd.DataFrame({"series": ["backlog care_visit"], "truncation_days": [5.0]})
    fig = plot_warmup(frame, truncations)
    assert [len(ax.get_lines()) for ax in fig.axes] == [2, 1]


def test_plot_backlog_one_step_line_per_service():
    frame = pd.DataFrame(
        {
            "service": ["care_visit"] * 3 + ["alarm"] * 3,
            "time_min": [0.0, 1440.0, 2880.0] * 2,
            "waiting": [0, 3, 1, 0, 1, 0],
        }
    )
    fig = plot_backlog(frame)
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    assert len(fig.axes[0].get_lines()) == 2
    assert len(plot_backlog(frame.drop(columns="service")).axes[0].get_lines()) == 1


def test_plot_waits_by_tier_one_panel_per_service_one_ecdf_per_tier():
    tiers = pd.Categorical(["tekun", "dibao", "other"] * 4, categories=["tekun", "dibao", "other"])
    frame = pd.DataFrame(
        {
            "service": ["care_visit"] * 6 + ["alarm"] * 6,
            "tier": tiers,
            "wait_min": [100.0, 200, 300, 400, 500, np.nan, 10, 20, 30, 40, 50, 60],
        }
    )
    fig = plot_waits_by_tier(frame)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [len(ax.get_lines()) for ax in fig.axes] == [3, 3]
    assert fig.axes[1].get_xlabel() == "wait (min)"


def test_plot_sweep_response_mean_line_and_band():
    frame = pd.DataFrame(
        {
            "stations": [16, 8, 12, 8],
            "service": ["centre_bath", "centre_bath", "centre_bath", "home_bath"],
            "slice": "all",
            "metric": "wait_mean",
            "unit": "days",
            "mean": [0.5, 3.0, 1.2, 9.0],
            "ci_low": [0.4, 2.5, 1.0, 8.0],
            "ci_high": [0.6, 3.5, 1.4, 10.0],
        }
    )
    fig = plot_sweep_response(frame, "stations", "wait_mean", "centre_bath")
    assert isinstance(fig, Figure) and len(fig.axes) == 1
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_xdata()) == [8, 12, 16]  # in increasing order of the parameter
    assert len(fig.axes[0].collections) == 1  # the interval band


def test_plot_comparison_one_panel_per_unit():
    frame = pd.DataFrame(
        {
            "service": ["care_visit", "care_visit", "care"],
            "slice": ["all", "all", "pool"],
            "slice_value": ["all", "all", "city"],
            "metric": ["wait_mean", "on_time_rate", "utilisation"],
            "unit": ["days", "share", "share"],
            "diff": [0.3, -0.02, -0.06],
            "half_width": [0.1, 0.01, np.nan],
            "significant": [True, True, False],
        }
    )
    fig = plot_comparison(frame)
    assert isinstance(fig, Figure) and len(fig.axes) == 2
    assert [len(ax.get_yticks()) for ax in fig.axes] == [1, 2]
