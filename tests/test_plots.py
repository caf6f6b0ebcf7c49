"""The run figures (analysis/plots/), each drawn from a small real run through the loader: the
axes, labels and ticks a reader needs, and content on the canvas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from plot_checks import assert_not_blank, texts
from results_helpers import RUN_WARMUP_DAYS, small_run_folder

from carecap.analysis import figures, load
from carecap.analysis.plots import plot_comparison, plot_warmup
from carecap.analysis.plots.style import NOT_SIGNIFICANT, SIGNIFICANT


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    return small_run_folder(tmp_path_factory)


def test_waits_figure_one_panel_per_service_tiers_targets_censoring(small_run):
    fig = figures.waits_figure(load(small_run))
    assert isinstance(fig, Figure)
    axes = fig.axes
    assert [ax.get_title().split(":")[0] for ax in axes] == [
        "care visits",
        "alarms",
        "centre baths",
        "home baths",
    ]
    assert axes[1].get_xlabel() == "wait (min)" and axes[0].get_xlabel() == "wait (days)"
    all_text = texts(fig)
    assert {"特困 tekun", "低保 dibao", "other"} <= set(all_text)  # tiers, highest first
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == ["特困 tekun", "低保 dibao", "other"]
    for ax in axes:
        assert "100%" in [t.get_text() for t in ax.get_yticklabels()]
        steps = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 2]
        assert steps, ax.get_title()
        for line in steps:  # a share of requests: from 0, never decreasing, at most 1
            y = np.asarray(line.get_ydata(), float)
            assert y[0] == 0 and np.all(np.diff(y) >= -1e-12) and y.max() <= 1 + 1e-9
    # targets: alarms 30 min and, for district b (清徐), 60 min
    alarm_targets = [t for t in axes[1].texts if t.get_text().startswith("target")]
    assert {t.get_text() for t in alarm_targets} == {"target 30 min", "target 60 min (清徐 b)"}
    assert_not_blank(fig)


def test_waits_figure_shows_requests_still_waiting(small_run):
    res = load(small_run)
    # the censored requests the figure reports are those the metrics count as censored
    censored = res.metrics[
        (res.metrics["metric"] == "wait_censored") & (res.metrics["slice"] == "all")
    ]
    fig = figures.waits_figure(res, by="all")
    notes = [t.get_text() for ax in fig.axes for t in ax.texts if "still waiting" in t.get_text()]
    marked = sum(int(line.rsplit(": ", 1)[1]) for note in notes for line in note.splitlines()[1:])
    assert marked == int(censored["value"].sum())


def test_backlog_figure_dates_band_and_warmup(small_run):
    res = load(small_run)
    fig = figures.backlog_figure(res)
    axes = fig.axes
    assert len(axes) == 4 and all(ax.get_ylabel() == "requests waiting" for ax in axes)
    for ax in axes:
        spans = [p for p in ax.patches]
        assert len(spans) == 1  # the warm-up
        x0, x1 = spans[0].get_x(), spans[0].get_x() + spans[0].get_width()
        assert x1 - x0 == pytest.approx(RUN_WARMUP_DAYS)  # matplotlib dates are in days
        assert len(ax.collections) == 1  # the band across replications
        (line,) = ax.get_lines()
        assert len(line.get_xdata()) == res.scenario.calendar.horizon_days  # one point a day
    labels = [t.get_text() for t in axes[-1].get_xticklabels()]
    assert any(label.startswith("Jan") or label == "Feb" for label in labels), labels
    assert "warm-up" in texts(fig)
    assert_not_blank(fig)


def test_utilisation_figure_week_grid_per_pool(small_run):
    fig = figures.utilisation_figure(load(small_run))
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title(loc="left") for ax in panels] == [
        "city (caregivers)",
        "t1 (bathing teams)",
        "centre (centre stations)",
        "vans (centre vans)",
    ]
    for ax in panels:
        assert [t.get_text() for t in ax.get_yticklabels()] == [
            "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"
        ]  # fmt: skip
        grid = ax.get_images()[0].get_array()
        assert grid.shape == (7, 24)
    (bar,) = [ax for ax in fig.axes if not ax.get_images()]  # one colour scale for all pools
    assert all(t.get_text().endswith("%") for t in bar.get_xticklabels() if t.get_text())
    centre = panels[2].get_images()[0].get_array()
    assert centre.mask[5:].all()  # the centre is closed at weekends: no one on shift
    assert not centre.mask[0, 10]  # Monday 10:00 it is open
    assert_not_blank(fig)


def test_equity_figure_districts_in_chinese_on_one_ruler(small_run):
    fig = figures.equity_figure(load(small_run))
    axes = fig.axes
    assert len(axes) == 8  # four services x (wait, share)
    left = axes[0::2]
    right = axes[1::2]
    for ax in left:
        assert [t.get_text() for t in ax.get_yticklabels()] == ["万柏林 a", "清徐 b"]
    for ax in right:
        assert ax.get_xlim() == pytest.approx((0, 1.02))
        assert "100%" in [t.get_text() for t in ax.get_xticklabels()]
    assert (
        axes[3].get_title(loc="left") == "alarms: started within 30 min"
    )  # common, not per district
    assert_not_blank(fig)


def test_warmup_plot_keeps_its_contract():
    days = np.arange(20)
    frame = pd.concat(
        [
            pd.DataFrame({"series": s, "day": days, "value": np.exp(-days / 3.0), "unit": u})
            for s, u in (("backlog care_visit", "requests"), ("wait care_visit", "days"))
        ]
    )
    fig = plot_warmup(frame, {"backlog care_visit": 5, "wait care_visit": 10}, 14, 10)
    assert len(fig.axes) == 2
    assert [len(ax.get_lines()) for ax in fig.axes] == [4, 4]  # series + 3 reference lines
    assert fig.axes[0].get_title() == "backlog care_visit: truncate 5 d"
    assert_not_blank(fig)


def test_comparison_one_panel_per_unit_significant_in_red():
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
    assert len(fig.axes) == 2
    assert [t.get_text() for t in fig.axes[1].get_yticklabels()] == [
        "care visits: on time rate",
        "caregivers: utilisation city",
    ]
    assert fig.axes[1].get_xlabel() == "B - A (percentage points)"
    points = fig.axes[1].collections[-1].get_offsets()
    assert list(points[:, 0]) == pytest.approx([-2.0, -6.0])  # shares shown in points
    colours = fig.axes[1].collections[-1].get_facecolors()
    assert to_hex(colours[0]) == SIGNIFICANT and to_hex(colours[1]) == NOT_SIGNIFICANT
    assert_not_blank(fig)


def test_utilisation_scale_is_not_stretched_by_hours_over_100_percent():
    """An hour over 100 % (work running past a shift's end) is drawn in the over-colour and
    leaves the 0-100 % scale alone: a 50 % hour keeps the colour of the scale's middle."""
    from matplotlib import colormaps

    from carecap.analysis.plots import plot_utilisation_heatmap
    from carecap.analysis.plots.utilisation import OVER_COLOUR

    hours = pd.DataFrame(
        {
            "pool": "p",
            "kind": "caregiver",
            "weekday": [0, 0, 1, 2],
            "hour": [12, 10, 10, 8],
            "utilisation": [2.7, 0.5, 1.0, 480.00000000001 / 480],
        }
    )
    fig = plot_utilisation_heatmap(hours)
    (image,) = [im for ax in fig.axes for im in ax.get_images()]
    assert image.norm.vmin == 0 and image.norm.vmax == 1.0
    rgba = image.to_rgba(image.get_array())
    assert to_hex(rgba[0, 12]) == OVER_COLOUR
    assert to_hex(rgba[0, 10]) == to_hex(colormaps["viridis"](0.5))
    assert to_hex(rgba[1, 10]) == to_hex(colormaps["viridis"](1.0))  # 100 % is on the scale
    assert to_hex(rgba[2, 8]) == to_hex(colormaps["viridis"](1.0))  # so is 100 % + rounding
