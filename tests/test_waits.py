"""Waits of every request made (Kaplan–Meier, ``carecap.sim.metrics.waits``) and the shares that
count unserved requests: worked examples, and the no-censoring case equal to the plain
empirical statistics."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_metrics import DAY, abandoned, in_service, make_records, served, value, waiting
from test_metrics import scenario as scenario

from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.metrics.waits import grouped_km, km_curve, km_stats


def test_km_worked_example_with_a_censored_middle_value():
    # 1, 2, 3+ (censored), 4, 5: S = 0.8, 0.6, (0.6), 0.3, 0
    mean, p50, p90, p95 = km_stats([1, 2, 3, 4, 5], [True, True, False, True, True])
    assert mean == pytest.approx(1 + 0.8 + 0.6 * 2 + 0.3)
    assert (p50, p90, p95) == (4, 5, 5)


def test_km_curve_steps_down_at_departures_only():
    times, surv = km_curve([3, 1, 2, 4, 5], [False, True, True, True, True])
    assert list(times) == [1, 2, 3, 4, 5]
    assert surv == pytest.approx([0.8, 0.6, 0.6, 0.3, 0.0])


def test_km_quantile_beyond_the_curve_is_the_largest_follow_up_a_lower_bound():
    # 1, 2, 3+: S = 2/3, 1/3, and stays 1/3 from 3 on: p90 is only known to exceed 3
    mean, p50, p90, _ = km_stats([1, 2, 3], [True, True, False])
    assert mean == pytest.approx(1 + 2 / 3 + 1 / 3)  # restricted to 3: a lower bound
    assert p50 == 2
    assert p90 == 3


def test_km_of_censored_only_sample_is_its_follow_up():
    mean, p50, *_ = km_stats([2.0, 5.0], [False, False])
    assert mean == 5.0 and p50 == 5.0  # nobody left the queue: all waited at least 5


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(0, 20).map(float) | st.floats(0, 1e4), min_size=1, max_size=60),
    st.integers(1, 4),
)
def test_without_censoring_km_equals_the_plain_empirical_statistics(values, n_groups):
    x = np.array(values)
    groups = np.arange(len(x)) % n_groups
    out = grouped_km(x, np.ones(len(x), bool), groups, n_groups)
    for g in range(n_groups):
        mine = x[groups == g]
        if len(mine) == 0:
            assert np.isnan(out[g]).all()
            continue
        assert out[g, 0] == pytest.approx(mine.mean(), rel=1e-12, abs=1e-9)
        for k, q in enumerate((0.5, 0.9, 0.95)):
            assert out[g, 1 + k] == np.quantile(mine, q, method="inverted_cdf")


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 100), st.booleans()),
        min_size=1,
        max_size=40,
    )
)
def test_km_lies_between_dropping_and_ignoring_the_censoring(pairs):
    """Censored waits are at least their follow-up: the KM mean is at least the mean that treats
    them as finished there, and at most the largest follow-up."""
    t = np.array([p[0] for p in pairs])
    e = np.array([p[1] for p in pairs])
    mean = km_stats(t, e)[0]
    assert mean >= t.mean() - 1e-9
    assert mean <= t.max() + 1e-9


# --- in the metrics table ---------------------------------------------------------------------


def test_every_request_made_counts_in_the_waits(scenario):
    recs = make_records(
        [
            served("care_visit", 0, 20 * DAY, 21 * DAY, 21 * DAY + 45),  # wait 1 day
            served("care_visit", 0, 30 * DAY, 33 * DAY, 33 * DAY + 45),  # 3 days
            abandoned("care_visit", 1, 40 * DAY, 44 * DAY),  # left after 4 days: not on time
            waiting("care_visit", 1, 55 * DAY),  # censored at 5 days (horizon day 60)
        ]
    )
    m = replication_metrics(recs, scenario)
    # KM: 1, 3, 4, 5+ -> S = 3/4, 1/2, 1/4, (1/4); restricted mean to 5
    assert value(m, "care_visit", "wait_mean") == pytest.approx(1 + 0.75 * 2 + 0.5 + 0.25)
    assert value(m, "care_visit", "wait_median") == pytest.approx(3.0)
    assert value(m, "care_visit", "wait_p90") == pytest.approx(5.0)  # lower bound
    assert value(m, "care_visit", "wait_censored") == 1
    assert value(m, "care_visit", "wait_mean_served") == pytest.approx(2.0)
    assert value(m, "care_visit", "wait_median_served") == pytest.approx(1.0)
    # target 2 days: 1 on time of 4 made (the waiting one's deadline, day 57, has passed)
    assert value(m, "care_visit", "on_time_rate") == pytest.approx(1 / 4)
    assert value(m, "care_visit", "on_time_rate_served") == pytest.approx(1 / 2)


def test_waits_follow_requests_to_the_end_of_the_drain(scenario):
    recs = make_records([waiting("home_bath", 0, 55 * DAY)])
    assert value(replication_metrics(recs, scenario), "home_bath", "wait_mean") == 5.0
    drained = recs.__class__(**{**recs.__dict__, "followed_until_min": 70 * DAY})
    m = replication_metrics(drained, scenario)
    assert value(m, "home_bath", "wait_mean") == pytest.approx(15.0)
    assert value(m, "home_bath", "on_time_rate") == 0.0  # 15 days > 7-day target: late
    assert value(m, "home_bath", "requests") == 1


def test_within_thresholds_use_one_ruler_and_the_same_censoring(scenario):
    sc = scenario.with_overrides(
        {
            "services.alarm.report_within_min": [15, 30, 60],
            "services.alarm.target_min_by_district": {"b": 60},
        }
    )
    t = 20 * DAY
    end = 60 * DAY
    recs = make_records(
        [
            served("alarm", 0, t, t + 5, t + 60, travel=5),  # on site after 10 min, district a
            served("alarm", 1, t, t + 20, t + 90, travel=25),  # 45 min, district b (target 60)
            abandoned("alarm", 1, t, t + 240),  # never reached
            waiting("alarm", 0, end - 20),  # 20 min so far: censored for 30 and 60, late for 15
        ]
    )
    m = replication_metrics(recs, sc)
    assert value(m, "alarm", "within_15min") == pytest.approx(1 / 4)
    assert value(m, "alarm", "within_30min") == pytest.approx(1 / 3)
    assert value(m, "alarm", "within_60min") == pytest.approx(2 / 3)
    # own targets: a within 30 (10 min: yes), b within 60 (45 min: yes)
    assert value(m, "alarm", "on_time_rate") == pytest.approx(2 / 3)
    assert value(m, "alarm", "on_time_rate", "district", "b") == pytest.approx(1 / 2)
    assert value(m, "alarm", "within_30min", "district", "b") == 0.0


def test_in_service_requests_have_known_waits(scenario):
    recs = make_records(
        [in_service("alarm", 0, 60 * DAY - 10, 60 * DAY - 5, 60 * DAY + 50, travel=40)]
    )
    m = replication_metrics(recs, scenario)
    assert value(m, "alarm", "wait_mean") == pytest.approx(45.0)
    assert value(m, "alarm", "wait_censored") == 0
    assert value(m, "alarm", "on_time_rate") == 0.0  # on site after 45 min: known to be late
    assert not math.isnan(value(m, "alarm", "wait_p95"))
