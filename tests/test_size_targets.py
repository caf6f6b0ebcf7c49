"""Targets of ``carecap size``: syntax, and the one-sided t-bound that decides whether one is met
(checked against scipy's t quantiles computed here, and against hand-made samples)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from carecap.analysis.sizing.targets import judge, parse_target, target_unit
from carecap.sim.errors import UsageError


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("home_bath.wait_p90<=3", ("home_bath", "wait_p90", "all", "all", "<=", 3.0)),
        (
            "alarm.on_time_rate@district=xiaodian>=0.8",
            ("alarm", "on_time_rate", "district", "xiaodian", ">=", 0.8),
        ),
        (" bath.elder_coverage > .98 ", ("bath", "elder_coverage", "all", "all", ">", 0.98)),
        ("care.utilisation@pool=cg_a<8.5e-1", ("care", "utilisation", "pool", "cg_a", "<", 0.85)),
    ],
)
def test_targets_parse(text, parts):
    t = parse_target(text)
    assert (t.service, t.metric, t.slice, t.slice_value, t.op, t.threshold) == parts


@pytest.mark.parametrize(
    "text",
    [
        "wait_p90<=3",
        "home_bath.wait_p90=3",
        "home_bath.wait_p90<=",
        "home_bath.wait_p90 <= x",
        "home_bath.wait_p90@district<=3",
        "home_bath.wait_p90=<3",
        "",
    ],
)
def test_bad_target_syntax_is_a_usage_error_naming_the_option_and_the_form(text):
    with pytest.raises(UsageError) as err:
        parse_target(text)
    assert err.value.option == "--target"
    assert "SERVICE.METRIC[@SLICE=VALUE] OP NUMBER" in str(err.value)


def test_the_bound_is_the_one_sided_student_t_bound():
    values = np.array([2.0, 2.4, 1.8, 2.6, 2.2])
    n, mean, sd = len(values), values.mean(), values.std(ddof=1)
    for confidence in (0.9, 0.95, 0.99):
        half = stats.t.ppf(confidence, n - 1) * sd / math.sqrt(n)
        upper = judge(parse_target("x.m<=3"), values, confidence)
        assert upper.bound == pytest.approx(mean + half)
        lower = judge(parse_target("x.m>=1"), values, confidence)
        assert lower.bound == pytest.approx(mean - half)
    # met only when the bound (not the mean) is on the right side
    just = mean + stats.t.ppf(0.95, n - 1) * sd / math.sqrt(n)
    assert judge(parse_target(f"x.m<={just + 1e-9}"), values, 0.95).meets
    assert not judge(parse_target(f"x.m<={just - 1e-9}"), values, 0.95).meets
    assert not judge(parse_target(f"x.m<={mean + 1e-9}"), values, 0.95).meets  # mean alone: no


def test_clear_failures_and_undecided_cases():
    values = [5.0, 5.1, 4.9, 5.0]
    assert judge(parse_target("x.m<=3"), values, 0.95).fails
    verdict = judge(parse_target("x.m<=5.05"), values, 0.95)
    assert verdict.undecided
    # strict and non-strict operators differ at a degenerate sample
    assert judge(parse_target("x.m<=1"), [1.0, 1.0, 1.0], 0.95).meets
    assert not judge(parse_target("x.m<1"), [1.0, 1.0, 1.0], 0.95).meets


def test_one_replication_or_only_nan_values_give_no_bound_and_no_verdict_of_met():
    assert not judge(parse_target("x.m<=3"), [1.0], 0.95).meets
    j = judge(parse_target("x.m>=0.5"), [math.nan, math.nan, 0.9], 0.95)
    assert j.n == 1 and not j.meets


def test_bounds_are_cut_at_the_range_the_metric_can_take():
    near_one = [1.0, 1.0, 0.97, 1.0, 0.99]
    uncut = judge(parse_target("s.on_time_rate<=1"), near_one, 0.95)
    assert uncut.bound > 1 and not uncut.meets  # (a share's bound past 100 %: no statement)
    cut = judge(parse_target("s.on_time_rate<=1"), near_one, 0.95, unit="share")
    assert cut.bound == 1.0 and cut.meets
    assert cut.half_width == uncut.half_width  # (the t half-width itself is not cut)
    near_zero = [0.0, 0.0, 0.002, 0.0]
    low = judge(parse_target("s.unmet_share>=0"), near_zero, 0.95, unit="share")
    assert low.bound == 0.0 and low.meets
    waits = judge(parse_target("s.wait_mean>=0"), near_zero, 0.95, unit="days")
    assert waits.bound == 0.0  # every metric is non-negative
    busy = judge(parse_target("p.utilisation<=1"), near_one, 0.95, unit="share")
    assert busy.bound > 1  # utilisation may exceed 1: not cut (as in the summary)


def test_the_unit_is_read_from_the_metrics_rows():
    metrics = pd.DataFrame(
        {
            "service": ["alarm", "alarm", "bath"],
            "metric": ["on_time_rate", "wait_mean", "on_time_rate"],
            "unit": ["share", "min", "share"],
        }
    )
    assert target_unit(parse_target("alarm.wait_mean<=30"), metrics) == "min"
    assert target_unit(parse_target("alarm.on_time_rate>=0.9"), metrics) == "share"
    assert target_unit(parse_target("alarm.wait_p90<=30"), metrics) is None
