"""The computations behind the figures, against the metrics of the same run or by hand:
daily backlog, utilisation by hour of week, wait curves, sweep views, equity's common ruler."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from results_helpers import small_run_folder

from carecap.analysis import load
from carecap.analysis.daily import daily_backlog
from carecap.analysis.equity import common_ruler, equity_table
from carecap.analysis.hour_of_week import binned_minutes, hour_of_week_utilisation
from carecap.analysis.sweep_views import (
    SweepViewError,
    field_label,
    is_integer_valued,
    pareto_efficient,
    response_table,
)
from carecap.analysis.wait_curves import wait_curves


@pytest.fixture(scope="session")
def small_run(tmp_path_factory) -> Path:
    return small_run_folder(tmp_path_factory)


def metric(res, name: str, slice_: str = "all", rep: int | None = None) -> pd.DataFrame:
    m = res.metrics
    m = m[(m["metric"] == name) & (m["slice"] == slice_)]
    return m if rep is None else m[m["replication"] == rep]


def test_daily_backlog_averages_to_the_backlog_metric(small_run):
    # the window is whole days, so the mean of the daily means over the window equals the
    # time-weighted mean backlog of the metrics, replication by replication, hence on average
    res = load(small_run)
    daily = daily_backlog((res.records(r) for r in res.replications), res.scenario)
    warmup = res.scenario.calendar.warmup_days
    window = daily[daily["day"] >= warmup].groupby("service")["mean"].mean()
    expected = metric(res, "backlog_mean").groupby("service")["value"].mean()
    for service, value in window.items():
        assert value == pytest.approx(expected[service], rel=1e-9, abs=1e-12), service
    assert (daily["replications"] == len(res.replications)).all()
    assert str(daily["date"].iloc[0].date()) == str(res.scenario.calendar.start_date)


def test_hour_of_week_utilisation_adds_up_to_the_utilisation_metric(small_run):
    res = load(small_run)
    hours = hour_of_week_utilisation([res.records(1)], res.scenario)
    pooled = hours.groupby("pool")[["busy_hours", "on_shift_hours"]].sum()
    util = metric(res, "utilisation", "pool", rep=1).set_index("slice_value")["value"]
    for pool, row in pooled.iterrows():
        assert row["busy_hours"] / row["on_shift_hours"] == pytest.approx(util[pool], rel=1e-9)
    assert len(hours) == 168 * len(pooled)


def test_binned_minutes_by_hand():
    edges = np.array([0.0, 60.0, 120.0, 180.0])
    # [30, 90) and [50, 200) and a span never ended (NaN, left out)
    got = binned_minutes(np.array([30.0, 50.0, 10.0]), np.array([90.0, 200.0, np.nan]), edges)
    assert got == pytest.approx([30 + 10, 30 + 60, 60])


def test_wait_curve_median_is_the_metrics_median(small_run):
    res = load(small_run)
    curves, counts = wait_curves([res.records(0)], res.scenario, by="all")
    medians = metric(res, "wait_median", rep=0).set_index("service")["value"]
    requests = metric(res, "requests", rep=0).set_index("service")["value"]
    for service, one in curves.groupby("service"):
        reached = one[one["share"] >= 0.5 - 1e-9]
        median = reached["wait"].iloc[0] if len(reached) else one["wait"].iloc[-1]
        assert median == pytest.approx(medians[service]), service
        n = counts.loc[counts["service"] == service, "requests"].item()
        assert n == requests[service]


def test_response_table_refuses_a_silent_zig_zag():
    summary = pd.DataFrame(
        {
            "point_id": ["p0", "p1", "p2", "p3"],
            "a": [1, 2, 1, 2],
            "b": [10, 10, 20, 20],
            "service": "alarm",
            "slice": "all",
            "slice_value": "all",
            "metric": "wait_mean",
            "mean": [4.0, 3.0, 2.0, 1.0],
            "ci_low": 0.0,
            "ci_high": 5.0,
            "unit": "min",
        }
    )
    with pytest.raises(SweepViewError, match="b also vary"):
        response_table(summary, ["a", "b"], "a", "alarm", "wait_mean")
    by = response_table(summary, ["a", "b"], "a", "alarm", "wait_mean", by="b")
    assert list(by["by"]) == [10, 10, 20, 20] and list(by["x"]) == [1, 2, 1, 2]
    fixed = response_table(summary, ["a", "b"], "a", "alarm", "wait_mean", where={"b": 20})
    assert list(fixed["mean"]) == [2.0, 1.0]
    with pytest.raises(SweepViewError, match="not a parameter"):
        response_table(summary, ["a", "b"], "c", "alarm", "wait_mean")


def test_pareto_efficient_options():
    cost = np.array([1.0, 2.0, 2.0, 3.0, 1.5, np.nan])
    level = np.array([0.5, 0.9, 0.8, 0.9, 0.4, 1.0])
    # 0 cheapest; 1 best at its cost; 2 beaten by 1; 3 beaten by 1; 4 beaten by 0; NaN never
    assert list(pareto_efficient(cost, level)) == [True, True, False, False, False, False]


def test_field_labels_name_the_field_not_the_path(small_run):
    data = load(small_run).scenario.model_dump(mode="json", by_alias=True)
    assert field_label("caregivers.0.shifts.0.count", data) == "units on shift (city, shift 0)"
    assert field_label("bathing_centre.stations", data) == "bathing stations"
    assert field_label("services.alarm.target_min", data) == "alarm target (min)"
    assert field_label("home_bathing.teams.0.shifts.0.count", data).startswith("bathing teams")
    assert is_integer_valued(pd.Series([1, 2.0, 3])) and not is_integer_valued(pd.Series([0.5]))


def test_equity_uses_one_threshold_for_every_district(small_run):
    res = load(small_run)
    table = equity_table(res.summary, res.scenario)
    alarms = table[table["service"] == "alarm"]
    assert set(alarms["share_metric"]) == {"within_30min"}  # not on_time_rate: b has 60 min
    assert list(alarms["label"]) == ["万柏林 a", "清徐 b"]
    rows = res.summary[
        (res.summary["slice"] == "district") & (res.summary["metric"] == "within_30min")
    ].set_index(["service", "slice_value"])
    for r in alarms.itertuples(index=False):
        assert r.share_mean == rows.loc[("alarm", r.district), "mean"]
    assert common_ruler(["within_15min", "within_60min"], 30, True)[0] == "within_60min"
    assert common_ruler([], 30, True) == ("on_time_rate", "on time (each district's own target)")
