"""The sweep figures (response, cost frontier, paired differences), each drawn from a small
real sweep through the loader."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from plot_checks import assert_not_blank, texts
from results_helpers import small_run_folder, small_sweep_folder

from carecap.analysis import figures, load
from carecap.analysis.figures import FigureError

X = "caregivers.0.shifts.0.count"
BY = "bathing_centre.stations"


@pytest.fixture(scope="session")
def small_sweep(tmp_path_factory) -> Path:
    return small_sweep_folder(tmp_path_factory)


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    return small_run_folder(tmp_path_factory)


def test_sweep_response_readable_axes_integer_ticks_one_line_per_value(small_sweep):
    res = load(small_sweep)
    fig = figures.sweep_figure(res, x=X, metric="centre_bath.on_time_rate")
    (ax,) = fig.axes
    assert ax.get_xlabel() == "units on shift (city, shift 0)"  # not the dotted path
    assert ax.get_ylabel() == "centre baths: on time"
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert ticks and all(float(t).is_integer() for t in ticks)  # staff counts: no 2.5
    assert all(t.get_text().endswith("%") for t in ax.get_yticklabels() if t.get_text())
    lines = [ln for ln in ax.get_lines() if len(ln.get_xdata()) > 1]
    assert len(lines) == 2  # one per number of stations, each through 3 staff counts
    for line in lines:
        assert list(line.get_xdata()) == [1, 2, 3]
    assert len(ax.collections) == 2  # a band each
    (legend_box,) = fig.legends  # under the axes (tests/test_plot_legends.py)
    legend = [t.get_text() for t in legend_box.get_texts()]
    assert legend == ["bathing stations = 1", "bathing stations = 2"]
    # the lines hold the summary's means, point by point
    s = res.summary
    s = s[(s["service"] == "centre_bath") & (s["metric"] == "on_time_rate") & (s["slice"] == "all")]
    for line, stations in zip(lines, (1, 2), strict=True):
        want = s[s[BY] == stations].sort_values(X)["mean"].to_numpy()
        assert np.asarray(line.get_ydata(), float) == pytest.approx(want)
    assert_not_blank(fig)


def test_sweep_response_fixed_parameter_and_bad_names(small_sweep):
    res = load(small_sweep)
    fig = figures.sweep_figure(res, x=X, metric="alarm.wait_mean", where={BY: 2})
    lines = [ln for ln in fig.axes[0].get_lines() if len(ln.get_xdata()) > 1]
    assert len(lines) == 1 and "bathing stations = 2" in fig.texts[0].get_text()
    with pytest.raises(FigureError) as info:
        figures.sweep_figure(res, x="bathing_centre.vans.count")
    assert info.value.option == "--x" and "not a parameter" in info.value.message
    with pytest.raises(FigureError) as info:
        figures.sweep_figure(res, x=X, metric="alarm.no_such_metric")
    assert info.value.option == "--metric"


def test_cost_frontier_marks_the_efficient_points(small_sweep):
    res = load(small_sweep)
    fig = figures.cost_figure(res, level="centre_bath.on_time_rate")
    (ax,) = fig.axes
    assert ax.get_xlabel() == "centre baths: on time"
    assert ax.get_ylabel().startswith("cost (")
    (legend,) = fig.legends  # under the axes (tests/test_plot_legends.py)
    assert "efficient" in [t.get_text() for t in legend.get_texts()]
    # efficient points numbered in order of service level, named under the axes by number
    numbers = [t.get_text() for t in ax.texts]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)] and numbers
    named = [t.get_text() for t in legend.get_texts() if "stations=" in t.get_text()]
    assert len(named) == len(numbers)
    assert_not_blank(fig)


def test_compare_figure_of_two_points(small_sweep):
    fig = figures.compare_figure(load(small_sweep), points=["p0000", "p0005"])
    assert "A = p0000" in fig.texts[0].get_text() and "B = p0005" in fig.texts[0].get_text()
    assert any(ax.get_xlabel() == "B - A (percentage points)" for ax in fig.axes)
    assert_not_blank(fig)


def test_sweep_figures_refuse_a_run_folder_and_run_figures_need_a_point(small_run, small_sweep):
    with pytest.raises(FigureError, match="compares the points of a sweep"):
        figures.sweep_figure(load(small_run))
    with pytest.raises(FigureError, match="compares the points of a sweep"):
        figures.cost_figure(load(small_run))
    with pytest.raises(FigureError) as info:
        figures.backlog_figure(load(small_sweep))
    assert info.value.option == "--point"
    fig = figures.backlog_figure(load(small_sweep), point_id="p0002")
    assert "point p0002" in texts(fig)[0] or any("p0002" in t for t in texts(fig))


def test_sweep_figure_without_the_base_scenario_labels_by_path(small_sweep, tmp_path):
    folder = tmp_path / "moved"
    shutil.copytree(small_sweep, folder)
    info = json.loads((folder / "sweep.json").read_text())
    info["base_files"] = [str(tmp_path / "gone.yaml")]
    (folder / "sweep.json").write_text(json.dumps(info))
    fig = figures.sweep_figure(load(folder), x=X)
    assert fig.axes[0].get_xlabel() == "units on shift (0, shift 0)"
