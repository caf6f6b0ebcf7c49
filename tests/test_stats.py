"""Cross-replication statistics: t-intervals against scipy, their coverage, paired differences,
and the planners' text table."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from carecap.analysis.stats import paired_difference, paired_differences, summarise
from carecap.analysis.summary_table import WIDTH, format_summary, format_value


def per_rep(values, metric="wait_mean", unit="days", scenario="s", service="care_visit"):
    """A per-replication table holding one metric's values, one row per replication."""
    return pd.DataFrame(
        {
            "scenario": scenario,
            "replication": range(len(values)),
            "seed": 0,
            "service": service,
            "slice": "all",
            "slice_value": "all",
            "metric": metric,
            "value": np.asarray(values, dtype=float),
            "unit": unit,
        }
    )


def test_interval_matches_scipy():
    data = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    row = summarise(per_rep(data)).iloc[0]
    low, high = stats.t.interval(0.95, df=4, loc=data.mean(), scale=stats.sem(data))
    assert row["n"] == 5
    assert row["mean"] == pytest.approx(3.0)
    assert row["sd"] == pytest.approx(math.sqrt(2.5))
    assert row["ci_low"] == pytest.approx(low)
    assert row["ci_high"] == pytest.approx(high)
    assert row["half_width"] == pytest.approx(stats.t.ppf(0.975, 4) * math.sqrt(2.5 / 5))


def test_other_confidence_levels():
    data = np.array([2.0, 4.0, 4.0, 5.0, 9.0, 1.0])
    row = summarise(per_rep(data), confidence=0.9).iloc[0]
    low, high = stats.t.interval(0.9, df=5, loc=data.mean(), scale=stats.sem(data))
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(low), pytest.approx(high))


def test_single_replication_has_no_interval():
    row = summarise(per_rep([4.0])).iloc[0]
    assert row["n"] == 1 and row["mean"] == 4.0
    assert math.isnan(row["sd"]) and math.isnan(row["half_width"])
    assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])


def test_nan_values_are_dropped_and_not_counted():
    row = summarise(per_rep([1.0, np.nan, 3.0])).iloc[0]
    assert row["n"] == 2 and row["mean"] == pytest.approx(2.0)
    empty = summarise(per_rep([np.nan, np.nan])).iloc[0]
    assert empty["n"] == 0 and math.isnan(empty["mean"])


def test_groups_are_kept_apart():
    table = pd.concat(
        [
            per_rep([1.0, 2.0, 3.0]),
            per_rep([10.0, 20.0, 30.0], metric="requests", unit="requests"),
            per_rep([5.0, 5.0, 5.0], scenario="t"),
        ]
    )
    out = summarise(table).set_index(["scenario", "metric"])
    assert out.loc[("s", "wait_mean"), "mean"] == pytest.approx(2.0)
    assert out.loc[("s", "requests"), "mean"] == pytest.approx(20.0)
    assert out.loc[("t", "wait_mean"), "half_width"] == 0.0
    assert out.loc[("s", "requests"), "unit"] == "requests"


def test_interval_covers_the_true_mean_about_95_percent_of_the_time():
    rng = np.random.default_rng(20220828)
    samples = rng.normal(loc=7.0, scale=3.0, size=(1000, 10))
    table = pd.DataFrame(
        {
            "scenario": "s",
            "replication": np.tile(np.arange(10), 1000),
            "seed": 0,
            "service": "alarm",
            "slice": "all",
            "slice_value": np.repeat([f"trial{i}" for i in range(1000)], 10),
            "metric": "wait_mean",
            "value": samples.ravel(),
            "unit": "min",
        }
    )
    out = summarise(table)
    assert len(out) == 1000 and (out["n"] == 10).all()
    covered = ((out["ci_low"] <= 7.0) & (out["ci_high"] >= 7.0)).mean()
    assert 0.93 <= covered <= 0.97


def test_paired_difference_of_known_values():
    a = np.array([5.0, 7.0, 6.0, 9.0])
    b = np.array([4.0, 5.0, 5.0, 6.0])
    d = a - b  # 1, 2, 1, 3
    res = paired_difference(a, b)
    assert res.n == 4 and res.mean == pytest.approx(1.75)
    assert res.sd == pytest.approx(np.std(d, ddof=1))
    low, high = stats.t.interval(0.95, df=3, loc=d.mean(), scale=stats.sem(d))
    assert (res.ci_low, res.ci_high) == (pytest.approx(low), pytest.approx(high))
    assert res.significant


def test_paired_difference_aligns_series_on_replication_and_drops_nan():
    a = pd.Series([1.0, 2.0, 3.0, np.nan], index=[0, 1, 2, 3])
    b = pd.Series([0.0, 1.0, 2.0, 0.0, 9.0], index=[2, 1, 0, 3, 4])
    res = paired_difference(a, b)  # pairs 0: 1-2, 1: 2-1, 2: 3-0; 3 has a NaN; 4 unmatched
    assert res.n == 3 and res.mean == pytest.approx((-1 + 1 + 3) / 3)


def test_paired_difference_needs_equal_lengths():
    with pytest.raises(ValueError, match="equal length"):
        paired_difference([1.0, 2.0], [1.0])


def test_common_random_numbers_narrow_the_interval():
    rng = np.random.default_rng(7)
    shared = rng.normal(0, 10, 20)  # replication-to-replication noise both scenarios share
    a, b = shared + 1.0 + rng.normal(0, 0.5, 20), shared + rng.normal(0, 0.5, 20)
    res = paired_difference(a, b)
    independent = summarise(per_rep(a)).iloc[0]["half_width"]
    assert res.half_width < independent / 5
    assert res.significant  # a true difference of 1 against pair noise of sd 0.7, n = 20


def test_paired_differences_of_tables():
    a = per_rep([5.0, 7.0, 6.0, 9.0], scenario="more_staff")
    b = per_rep([4.0, 5.0, 5.0, 6.0], scenario="base")
    row = paired_differences(a, b).iloc[0]
    assert (row["scenario_a"], row["scenario_b"]) == ("more_staff", "base")
    assert row["n"] == 4 and row["mean"] == pytest.approx(1.75)
    assert row["half_width"] == pytest.approx(paired_difference(a["value"], b["value"]).half_width)


# --- the text table --------------------------------------------------------------------------


def test_format_value():
    assert format_value(0.9234, 0.0121, "share", 10) == "92.3% ± 1.2"
    assert format_value(1234.5, 56.7, "requests", 10) == "1,234 ± 57"
    assert format_value(1.234, 0.1, "days", 1) == "1.23"
    assert format_value(4.0, float("nan"), "requests", 1) == "4"
    assert format_value(4.25, 0.5, "requests", 4) == "4.2 ± 0.5"
    assert format_value(float("nan"), float("nan"), "days", 0) == "-"


def test_format_summary_is_readable_and_narrow():
    rows = []
    for service, unit in (("care_visit", "days"), ("alarm", "min")):
        for value, metric, u in (
            (100.0, "requests", "requests"),
            (1.5, "wait_mean", unit),
            (0.9, "on_time_rate", "share"),
        ):
            for slice_kind, slice_value in (("all", "all"), ("tier", "tekun"), ("tier", "other")):
                rows.append((service, slice_kind, slice_value, metric, value, u))
    rows.append(("care", "pool", "city", "utilisation", 0.8, "share"))
    rows.append(("all", "all", "all", "cost_per_year", 1e6, "CNY/year"))
    table = pd.concat(
        [
            per_rep([v, v * 1.1, v * 0.9], metric=m, unit=u, service=s).assign(
                slice=k, slice_value=sv
            )
            for s, k, sv, m, v, u in rows
        ]
    )
    text = format_summary(summarise(table))
    assert max(len(line) for line in text.splitlines()) <= WIDTH
    assert "Care-plan visits" in text and "Alarm responses" in text
    assert "wait mean (days)" in text and "wait mean (min)" in text
    # 90 % ± 22 points (three replications) would pass 100 %: printed as the cut interval
    assert "90.0% [" in text and "100.0]" in text
    assert "city (care)" in text and "cost per year" in text
    header = next(line for line in text.splitlines() if "tekun" in line)
    assert header.split() == ["all", "tekun", "other"]
