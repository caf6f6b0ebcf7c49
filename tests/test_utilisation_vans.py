"""The centre's vans in the utilisation figure and the report: a panel of their own that adds up
to their utilisation metric, hours of driving outside van hours drawn as over 100 %, and the
report saying what a utilisation above 100 % means."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_hex
from results_helpers import small_run_folder

from carecap.analysis import figures, load
from carecap.analysis.hour_of_week import hour_of_week_utilisation
from carecap.analysis.plots import plot_utilisation_heatmap
from carecap.analysis.plots.utilisation import NO_SHIFT_COLOUR, OVER_COLOUR
from carecap.analysis.report.glossary import glossary_section
from carecap.analysis.report.key_figures import resources_table
from carecap.analysis.report.text import EN, ZH
from carecap.sim.units import ANNUAL_DAYS


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    return small_run_folder(tmp_path_factory)


def _metric(res, name: str) -> pd.DataFrame:
    m = res.metrics
    return m[(m["service"] == "transport") & (m["metric"] == name)]


def test_vans_panel_adds_up_to_the_vans_utilisation_metric(small_run):
    res = load(small_run)
    for rep in res.replications:
        hours = hour_of_week_utilisation([res.records(rep)], res.scenario)
        vans = hours[hours["pool"] == "vans"]
        assert len(vans) == 168 and set(vans["kind"]) == {"van"}
        util = _metric(res, "utilisation")
        want = util.loc[util["replication"] == rep, "value"].item()
        got = vans["busy_hours"].sum() / vans["on_shift_hours"].sum()
        assert got == pytest.approx(want, rel=1e-9)
        # the driving outside van hours is the busy time of the hours with no van hours
        outside = _metric(res, "busy_hours_outside_van_hours_per_year")
        per_year = outside.loc[outside["replication"] == rep, "value"].item()
        window_days = res.scenario.calendar.horizon_days - res.scenario.calendar.warmup_days
        no_hours = vans["on_shift_hours"] == 0
        assert vans.loc[no_hours, "busy_hours"].sum() <= per_year * window_days / ANNUAL_DAYS * (
            1 + 1e-9
        )


def test_vans_panel_is_drawn_with_the_pools(small_run):
    fig = figures.utilisation_figure(load(small_run))
    titles = [ax.get_title(loc="left") for ax in fig.axes if ax.get_images()]
    assert titles[-1] == "vans (centre vans)"
    zh = figures.utilisation_figure(load(small_run), lang="zh")
    assert [ax.get_title(loc="left") for ax in zh.axes if ax.get_images()][-1] == (
        "vans（中心接送车辆）"
    )


def test_work_in_an_hour_with_no_one_on_shift_is_over_not_blank():
    """busy / on shift with nothing on shift: over 100 % (red), not the grey of an hour with
    no one on shift and no work."""
    hours = pd.DataFrame(
        {
            "pool": "vans",
            "kind": "van",
            "weekday": [0, 0, 0],
            "hour": [10, 18, 20],
            "utilisation": [0.5, np.inf, np.nan],
        }
    )
    fig = plot_utilisation_heatmap(hours)
    (image,) = [im for ax in fig.axes for im in ax.get_images()]
    rgba = image.to_rgba(image.get_array())
    assert to_hex(rgba[0, 18]) == OVER_COLOUR
    assert to_hex(rgba[0, 20]) == NO_SHIFT_COLOUR


def test_hours_with_driving_but_no_van_hours_are_infinitely_over(small_run):
    res = load(small_run)
    hours = hour_of_week_utilisation([res.records(r) for r in res.replications], res.scenario)
    idle = hours["on_shift_hours"] == 0
    assert np.isinf(hours.loc[idle & (hours["busy_hours"] > 0), "utilisation"]).all()
    assert hours.loc[idle & (hours["busy_hours"] == 0), "utilisation"].isna().all()


def test_report_says_what_over_100_percent_means_and_shows_the_hours_outside(small_run):
    res = load(small_run)
    text = str(resources_table(res.summary, EN))
    outside = res.summary[
        (res.summary["metric"] == "busy_hours_outside_van_hours_per_year")
        & (res.summary["slice"] == "pool")
    ]
    (mean,) = outside["mean"]
    assert f"{mean:,.0f}" in text and "h/year outside van hours" in text
    assert "Utilisation above 100 %" in text and "outside van hours" in text
    assert "超过100%" in str(resources_table(res.summary, ZH))
    for lang, words in ((EN, "Above 100 %"), (ZH, "超过100%")):
        glossary = "".join(str(m) for m in glossary_section(lang))
        assert words in glossary and ("van hours" in glossary or "运营时间" in glossary)
