"""Confidence intervals of a metric's mean stay inside the range the metric can take.

Every per-replication metric is non-negative and a share (unit ``share``) is at most 1, except
utilisation (work past the shift end). The summaries cut the Student-t interval there and keep
``half_width`` symmetric; paired differences are never cut; the text table prints a cut interval
as ``mean [low, high]``. Expected values come from the definitions (scipy's t quantile), not
from a run.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from carecap.analysis.compare import compare_metrics
from carecap.analysis.daily import across_replications
from carecap.analysis.stats import paired_difference, paired_differences, summarise
from carecap.analysis.summary_table import CLIPPED_NOTE, format_summary, format_value
from carecap.analysis.validate import decide

METRICS = (
    ("on_time_rate", "share"),
    ("unmet_share", "share"),
    ("elder_coverage", "share"),
    ("abandoned", "requests"),
    ("waiting_at_end", "requests"),
    ("wait_mean", "days"),
    ("cost_per_year", "CNY/year"),
    ("utilisation", "share"),
)
"""Shares near 0 and 1, counts and waits near 0, and utilisation around 1."""


def upper_limit(metric: str, unit: str) -> float:
    """The definition under test: proportions are at most 1; utilisation and the rest unbounded."""
    return 1.0 if unit == "share" and metric != "utilisation" else math.inf


def t_interval(values: np.ndarray, confidence: float = 0.95) -> tuple[float, float, float]:
    """Mean and the plain two-sided Student-t interval of it (scipy.stats), NaN values dropped."""
    x = values[~np.isnan(values)]
    if len(x) < 2:
        return math.nan, math.nan, math.nan
    half = stats.t.ppf(0.5 + confidence / 2, len(x) - 1) * x.std(ddof=1) / math.sqrt(len(x))
    return x.mean(), x.mean() - half, x.mean() + half


def tidy(values_by_metric: dict[tuple[str, str], list[float]]) -> pd.DataFrame:
    """A per-replication table: one row per metric and replication (slice ``all``)."""
    parts = [
        pd.DataFrame(
            {
                "scenario": "s",
                "replication": range(len(values)),
                "seed": 0,
                "service": "care_visit",
                "slice": "all",
                "slice_value": "all",
                "metric": metric,
                "value": np.asarray(values, dtype=np.float64),
                "unit": unit,
            }
        )
        for (metric, unit), values in values_by_metric.items()
    ]
    return pd.concat(parts, ignore_index=True)


def _near(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def _value(metric: str, unit: str) -> st.SearchStrategy[float]:
    if metric == "utilisation":
        return _near(0.9, 1.1)
    if unit == "share":  # exactly 0 or 1, just inside them, anywhere; NaN: no request that time
        return st.one_of(
            st.sampled_from([0.0, 1.0, math.nan]), _near(0.0, 0.02), _near(0.98, 1.0), _near(0, 1)
        )
    if unit == "requests":
        return st.integers(0, 3).map(float)
    if unit == "days":
        return st.one_of(st.just(0.0), _near(0.0, 0.5))
    return _near(0.0, 2e6)


@st.composite
def per_rep_tables(draw) -> pd.DataFrame:
    n = draw(st.integers(2, 12))
    return tidy({(m, u): draw(st.lists(_value(m, u), min_size=n, max_size=n)) for m, u in METRICS})


@settings(max_examples=150, deadline=None)
@given(table=per_rep_tables(), confidence=st.sampled_from([0.8, 0.95, 0.99]))
def test_bounds_stay_in_range_and_equal_the_t_interval_inside_it(table, confidence):
    summary = summarise(table, confidence).set_index("metric")
    for metric, unit in METRICS:
        row = summary.loc[metric]
        values = table.loc[table["metric"] == metric, "value"].to_numpy()
        mean, low, high = t_interval(values, confidence)
        top = upper_limit(metric, unit)
        if math.isnan(low):
            assert math.isnan(row["ci_low"]) and math.isnan(row["ci_high"])
            continue
        # always within the range, exactly
        assert 0.0 <= row["ci_low"] <= row["ci_high"] <= top
        assert row["ci_low"] <= row["mean"] <= row["ci_high"]
        # the plain t-interval intersected with the range
        assert row["ci_low"] == pytest.approx(max(low, 0.0), rel=1e-9, abs=1e-12)
        assert row["ci_high"] == pytest.approx(min(high, top), rel=1e-9, abs=1e-12)
        # half_width stays the symmetric t half-width
        assert row["half_width"] == pytest.approx((high - low) / 2, rel=1e-9, abs=1e-15)
        assert row["mean"] == pytest.approx(mean, rel=1e-12, abs=1e-15)


def test_utilisation_above_one_keeps_its_upper_bound():
    values = [1.02, 1.05, 0.99, 1.04]
    row = summarise(tidy({("utilisation", "share"): values})).iloc[0]
    _, low, high = t_interval(np.array(values))
    assert high > 1 and row["ci_high"] == pytest.approx(high)
    assert row["ci_low"] == pytest.approx(low)
    # a share that is a proportion, with the same numbers clipped to [0, 1]
    share = summarise(tidy({("on_time_rate", "share"): [0.99, 1.0, 0.98, 1.0]})).iloc[0]
    assert share["ci_high"] == 1.0 and share["ci_high"] < share["mean"] + share["half_width"]


def test_paired_differences_are_not_clipped():
    a = [0.99, 1.0, 0.97, 1.0, 0.98]  # a share near 1 ...
    b = [0.1, 0.3, 0.0, 0.05, 0.2]  # ... against one near 0: B - A is near -0.8
    diffs = np.subtract(b, a)
    _, low, high = t_interval(diffs)
    assert high < 0  # the whole interval is below 0: clipping at 0 would empty it
    share = ("on_time_rate", "share")
    row = compare_metrics(tidy({share: a}), tidy({share: b}), metrics=None).iloc[0]
    assert row["ci_low"] == pytest.approx(low) and row["ci_high"] == pytest.approx(high)
    one = paired_difference(b, a)
    assert (one.ci_low, one.ci_high) == (pytest.approx(low), pytest.approx(high))
    table = paired_differences(tidy({share: b}), tidy({share: a})).iloc[0]
    assert (table["ci_low"], table["ci_high"]) == (pytest.approx(low), pytest.approx(high))
    # a count difference straddling 0 keeps its negative lower bound
    counts = ("abandoned", "requests")
    row = compare_metrics(tidy({counts: [0, 1, 0, 0]}), tidy({counts: [0, 0, 0, 1]}), None)
    assert row.iloc[0]["ci_low"] < 0 < row.iloc[0]["ci_high"]


def test_clipped_interval_prints_its_bounds():
    values = [0, 0, 0, 0, 0, 0, 0, 0, 1, 2]  # 0.3 abandoned requests a replication
    row = summarise(tidy({("abandoned", "requests"): values})).iloc[0]
    _, low, high = t_interval(np.array(values, dtype=float))
    assert round(low, 1) < 0 and row["ci_low"] == 0.0  # (0.3 ± 0.5 would print below 0)
    text = format_value(row["mean"], row["half_width"], "requests", 10, 0.0, row["ci_high"])
    assert text == f"0.3 [0.0, {high:.1f}]"
    assert "±" not in text and "-" not in text
    # without the bounds, or with bounds that were not cut: mean ± half-width
    assert format_value(row["mean"], row["half_width"], "requests", 10) == (
        f"0.3 ± {row['half_width']:.1f}"
    )
    assert format_value(4.25, 0.5, "requests", 4, 3.75, 4.75) == "4.2 ± 0.5"
    # a share near 100 %: percent, one decimal, never past 100
    shares = [1.0, 1.0, 0.95, 1.0, 0.9]
    row = summarise(tidy({("on_time_rate", "share"): shares})).iloc[0]
    assert row["mean"] + row["half_width"] > 1.001  # (the uncut bound prints past 100 %)
    text = format_value(row["mean"], row["half_width"], "share", 5, row["ci_low"], 1.0)
    assert text == f"{100 * row['mean']:.1f}% [{100 * row['ci_low']:.1f}, 100.0]"
    # cut, but printed to one decimal the uncut bound is 100.0 too: mean ± half-width reads true
    shares = [1.0, 1.0, 0.9999, 1.0, 0.9998]
    row = summarise(tidy({("on_time_rate", "share"): shares})).iloc[0]
    assert row["ci_high"] == 1.0 < row["mean"] + row["half_width"]
    text = format_value(row["mean"], row["half_width"], "share", 5, row["ci_low"], 1.0)
    assert text == f"{100 * row['mean']:.1f}% ± {100 * row['half_width']:.1f}" == "100.0% ± 0.0"


def test_summary_table_notes_cut_intervals_only_when_there_are_some():
    cut = tidy({("on_time_rate", "share"): [1.0, 0.99, 1.0], ("requests", "requests"): [9, 10, 11]})
    text = format_summary(summarise(cut))
    assert CLIPPED_NOTE in text and "[" in text and "100.0]" in text
    assert "10.0 ± " in text  # the count's interval is inside the range
    plain = tidy({("on_time_rate", "share"): [0.5, 0.6, 0.55]})
    text = format_summary(summarise(plain))
    assert CLIPPED_NOTE not in text and "55.0% ± " in text


@settings(max_examples=60, deadline=None)
@given(
    backlog=st.lists(
        st.lists(st.one_of(st.just(0.0), _near(0.0, 3.0)), min_size=3, max_size=3),
        min_size=2,
        max_size=6,
    )
)
def test_daily_backlog_interval_not_below_zero(backlog):
    per_rep = pd.DataFrame(
        [
            {"replication": r, "service": "alarm", "day": d, "value": v}
            for r, days in enumerate(backlog)
            for d, v in enumerate(days)
        ]
    )
    out = across_replications(per_rep, ["service", "day"])
    for row in out.itertuples(index=False):
        values = per_rep.loc[per_rep["day"] == row.day, "value"].to_numpy()
        _, low, high = t_interval(values)
        assert 0.0 <= row.ci_low <= row.mean <= row.ci_high
        assert row.ci_low == pytest.approx(max(low, 0.0), abs=1e-12)
        assert row.ci_high == pytest.approx(high, abs=1e-12)


def test_validation_interval_is_cut_but_not_its_verdict():
    values = [1.0, 0.999, 1.0, 0.998]
    check = decide("c", "P(wait <= 5 min)", "share", 0.9995, values, 0.99)
    mean, low, high = t_interval(np.array(values), 0.99)
    assert high > 1 and check.ci_high == 1.0 and check.ci_low == pytest.approx(low)
    assert check.passed == (abs(mean - 0.9995) <= (high - low) / 2 + 0.002)
    util = decide("c", "utilisation", "share", 1.0, [1.01, 1.03, 0.99], 0.95)
    assert util.ci_high == pytest.approx(t_interval(np.array([1.01, 1.03, 0.99]))[2])


def test_sweep_point_summary_is_cut_like_summarise(tmp_path):
    """The sweep's summary (one replication in memory at a time) applies the same range; two
    replications of a 20-day run give wide intervals, so some are cut."""
    from sweep_helpers import write_sweep

    from carecap.sim.cli.sweep_command import format_points
    from carecap.sim.experiments.executors import LocalExecutor
    from carecap.sim.experiments.sweep_results import point_summary, write_summary
    from carecap.sim.experiments.sweep_run import run_sweep
    from carecap.sim.experiments.sweep_spec import load_sweep
    from carecap.sim.experiments.sweep_store import open_store

    grid = {"caregivers.0.shifts.0.count": [1, 3]}
    sweep = load_sweep(write_sweep(tmp_path / "spec", grid=grid, replications=2))
    store = open_store(tmp_path / "out", sweep)
    run_sweep(sweep, store, LocalExecutor(1))
    summary = point_summary(store.dir, "p0000")
    ok = summary[summary["n"] >= 2]
    top = np.array([upper_limit(m, u) for m, u in zip(ok["metric"], ok["unit"], strict=True)])
    low, high = ok["mean"] - ok["half_width"], ok["mean"] + ok["half_width"]
    assert (ok["ci_low"] >= 0).all() and (ok["ci_high"] <= top).all()
    assert ((ok["ci_low"] > low) | (ok["ci_high"] < high)).any()  # something was cut
    np.testing.assert_allclose(ok["ci_low"], np.maximum(low, 0), rtol=1e-12)
    np.testing.assert_allclose(ok["ci_high"], np.minimum(high, top), rtol=1e-12)
    # the per-point table prints each on-time rate from the written summary, as the run's does
    write_summary(store.dir)
    text = format_points(store.dir)
    written = pd.read_parquet(store.dir / "summary.parquet")
    rates = written[(written["metric"] == "on_time_rate") & (written["slice"] == "all")]
    for r in rates.itertuples(index=False):
        cell = format_value(r.mean, r.half_width, r.unit, int(r.n), r.ci_low, r.ci_high)
        assert cell in text
        cut = r.ci_low > r.mean - r.half_width or r.ci_high < r.mean + r.half_width
        assert ("[" in cell) == bool(cut)
