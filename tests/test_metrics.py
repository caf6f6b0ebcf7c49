"""Metrics on small hand-built records, checked against values worked out by hand.

Times: the scenario (tests/data/small.yaml) runs 60 days with a 10-day warm-up, so the window is
days [10, 60): 50 days. Targets there: care visits 2 days, alarms 30 min, baths 7 days.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from carecap.sim.engine.records import OUTCOMES, ReplicationRecords
from carecap.sim.engine.vans import TRIP_KINDS
from carecap.sim.metrics.backlog import step_stats
from carecap.sim.metrics.common import Window
from carecap.sim.metrics.replication import (
    backlog_series,
    grouped_quantiles,
    occupancy_series,
    replication_metrics,
)
from carecap.sim.scenario.model import SERVICES, Scenario

DAY = 1440.0
HOUR = 60.0
HORIZON = 60 * DAY
WARMUP = 10 * DAY
WINDOW_DAYS = 50.0
TIERS = ["tekun", "dibao", "other"]
INF = math.inf

# elder_id, district, care_level, tier, has_bed, enrol_min, exit_min
ELDERS = [
    (0, "a", "disabled", "tekun", True, 0.0, INF),
    (1, "b", "bedridden", "other", True, 0.0, INF),
    (2, "a", "semi_disabled", "dibao", False, 0.0, INF),
]


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    path = Path(__file__).parent / "data" / "small.yaml"
    return Scenario.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))


# --- building records by hand ----------------------------------------------------------------


def served(service, elder, request, start, end, unit=-1, travel=0.0):
    return dict(service=service, elder=elder, request=request, start=start, end=end,
                outcome="served", unit=unit, travel=travel)  # fmt: skip


def in_service(service, elder, request, start, end, unit=-1, travel=0.0):
    return served(service, elder, request, start, end, unit, travel) | {"outcome": "in_service"}


def waiting(service, elder, request):
    return dict(service=service, elder=elder, request=request, start=np.nan, end=np.nan,
                outcome="waiting", unit=-1, travel=0.0)  # fmt: skip


def abandoned(service, elder, request, dropped):
    return waiting(service, elder, request) | {"end": dropped, "outcome": "abandoned"}


def make_records(requests, elders=ELDERS, units=(), shifts=(), horizon=HORIZON, warmup=WARMUP):
    """ReplicationRecords with the dtypes of carecap.sim.engine.records, from plain rows."""
    el = pd.DataFrame(
        elders,
        columns=["elder_id", "district", "care_level", "tier", "has_bed", "enrol_min", "exit_min"],
    )
    el = el.astype({"elder_id": np.int32, "district": "category", "care_level": "category"})
    el["tier"] = pd.Categorical(el["tier"], categories=TIERS, ordered=True)
    el.index = pd.Index(el["elder_id"].to_numpy())
    rows = pd.DataFrame(
        list(requests),
        columns=["service", "elder", "request", "start", "end", "outcome", "unit", "travel"],
    )
    by_id = el.set_index("elder_id")
    elder = rows["elder"].to_numpy(np.int32)
    service = pd.Categorical(rows["service"], categories=SERVICES)
    wait = rows["start"].to_numpy(float) - rows["request"].to_numpy(float)
    is_alarm = np.asarray(service == "alarm")
    wait[is_alarm] += rows["travel"].to_numpy(float)[is_alarm]
    req = pd.DataFrame(
        {
            "request_id": np.arange(len(rows), dtype=np.int32),
            "service": service,
            "elder_id": elder,
            "district": by_id["district"].to_numpy()[elder] if len(rows) else [],
            "care_level": by_id["care_level"].to_numpy()[elder] if len(rows) else [],
            "tier": pd.Categorical(
                by_id["tier"].astype(str).to_numpy()[elder] if len(rows) else [],
                categories=TIERS,
                ordered=True,
            ),
            "request_min": rows["request"].to_numpy(float),
            "start_min": rows["start"].to_numpy(float),
            "travel_min": rows["travel"].to_numpy(float),
            "end_min": rows["end"].to_numpy(float),
            "wait_min": wait,
            "outcome": pd.Categorical(rows["outcome"], categories=OUTCOMES),
            "unit_id": rows["unit"].to_numpy(np.int16),
        }
    ).astype({"district": "category", "care_level": "category"})
    un = pd.DataFrame(list(units), columns=["unit_id", "pool", "kind"])
    un = un.astype({"unit_id": np.int16})
    sh = pd.DataFrame(list(shifts), columns=["unit_id", "start_min", "end_min"])
    return ReplicationRecords(
        scenario="small",
        replication=0,
        seed=7,
        horizon_min=horizon,
        warmup_min=warmup,
        requests=req,
        elders=el,
        units=un,
        shifts=sh,
    )


def value(table, service, metric, slice_kind="all", slice_value="all") -> float:
    hit = table[
        (table["service"] == service)
        & (table["metric"] == metric)
        & (table["slice"] == slice_kind)
        & (table["slice_value"] == slice_value)
    ]
    assert len(hit) == 1, f"{service}/{metric}/{slice_kind}={slice_value}: {len(hit)} rows"
    return float(hit["value"].iloc[0])


def unit_of(table, service, metric) -> str:
    hit = table[(table["service"] == service) & (table["metric"] == metric)]
    return str(hit["unit"].iloc[0])


# --- request metrics -------------------------------------------------------------------------


def test_waits_of_planned_visits_are_in_days(scenario):
    recs = make_records(
        [
            served("care_visit", 0, 20 * DAY, 20 * DAY, 20 * DAY + 45),
            served("care_visit", 0, 21 * DAY, 22 * DAY, 22 * DAY + 45),
            served("care_visit", 0, 22 * DAY, 24 * DAY, 24 * DAY + 45),
        ]
    )
    m = replication_metrics(recs, scenario)
    assert value(m, "care_visit", "wait_mean") == pytest.approx(1.0)
    assert value(m, "care_visit", "wait_median") == pytest.approx(1.0)
    # waits 0, 1, 2 days: the empirical CDF first reaches 0.9 at 2 (numpy's "inverted_cdf")
    assert value(m, "care_visit", "wait_p90") == pytest.approx(2.0)
    assert value(m, "care_visit", "wait_p95") == pytest.approx(2.0)
    assert unit_of(m, "care_visit", "wait_mean") == "days"
    assert value(m, "care_visit", "on_time_rate") == 1.0  # target 2 days; a 2-day wait is on time
    tighter = scenario.with_overrides({"services.care_visit.target_days": 1.5})
    m = replication_metrics(recs, tighter)
    assert value(m, "care_visit", "on_time_rate") == pytest.approx(2 / 3)
    assert value(m, "care_visit", "request_coverage") == pytest.approx(2 / 3)


def test_alarm_wait_is_in_minutes_and_includes_travel(scenario):
    t = 20 * DAY
    recs = make_records(
        [
            served("alarm", 0, t, t + 10, t + 70, travel=15),  # arrives after 25 min
            served("alarm", 1, t, t + 20, t + 90, travel=20),  # arrives after 40 min
        ]
    )
    m = replication_metrics(recs, scenario)
    assert unit_of(m, "alarm", "wait_mean") == "min"
    assert value(m, "alarm", "wait_mean") == pytest.approx(32.5)
    assert value(m, "alarm", "on_time_rate") == pytest.approx(0.5)  # target 30 min


def test_requests_made_during_warmup_are_excluded(scenario):
    recs = make_records(
        [
            served("centre_bath", 0, 5 * DAY, 20 * DAY, 20 * DAY + 60),  # warm-up: excluded
            served("centre_bath", 1, 30 * DAY, 31 * DAY, 31 * DAY + 60),
        ]
    )
    m = replication_metrics(recs, scenario)
    assert value(m, "centre_bath", "requests") == 1
    assert value(m, "centre_bath", "wait_mean") == pytest.approx(1.0)
    # ... but it waited in the queue for the first 10 days of the window, the other for 1 day.
    assert value(m, "centre_bath", "backlog_mean") == pytest.approx(11 / WINDOW_DAYS)


def test_request_coverage_censors_open_requests_whose_deadline_is_after_the_horizon(scenario):
    recs = make_records(
        [
            served("care_visit", 0, 20 * DAY, 21 * DAY, 21 * DAY + 45),  # success
            served("care_visit", 0, 30 * DAY, 33 * DAY, 33 * DAY + 45),  # late: failure
            waiting("care_visit", 1, 50 * DAY),  # deadline day 52 passed: failure, unmet
            abandoned("care_visit", 1, 40 * DAY, 41 * DAY),  # failure, unmet
            waiting("care_visit", 0, 59 * DAY),  # deadline day 61: censored
            in_service("care_visit", 1, 59.5 * DAY, 59.9 * DAY, 60.1 * DAY),  # success
        ]
    )
    m = replication_metrics(recs, scenario)
    assert value(m, "care_visit", "requests") == 6
    assert value(m, "care_visit", "served") == 2
    assert value(m, "care_visit", "abandoned") == 1
    assert value(m, "care_visit", "waiting_at_end") == 2
    assert value(m, "care_visit", "in_service_at_end") == 1
    # of the 6 made, 1 censored (its deadline is after the horizon); the rest count
    assert value(m, "care_visit", "on_time_rate") == pytest.approx(2 / 5)
    assert value(m, "care_visit", "request_coverage") == pytest.approx(2 / 5)
    assert value(m, "care_visit", "on_time_rate_served") == pytest.approx(2 / 3)  # of 3 started
    assert value(m, "care_visit", "wait_censored") == 2
    assert value(m, "care_visit", "unmet") == 2
    assert value(m, "care_visit", "unmet_share") == pytest.approx(2 / 6)


def test_counts_are_conserved_in_every_slice(scenario):
    recs = make_records(
        [
            served("home_bath", 0, 20 * DAY, 21 * DAY, 21 * DAY + 90),
            waiting("home_bath", 1, 50 * DAY),
            abandoned("home_bath", 2, 15 * DAY, 45 * DAY),
            in_service("home_bath", 2, 59 * DAY, 59.99 * DAY, 60.05 * DAY),
        ]
    )
    m = replication_metrics(recs, scenario)
    m = m[m["service"] == "home_bath"]
    parts = ["served", "abandoned", "waiting_at_end", "in_service_at_end"]
    wide = m.pivot_table(index=["slice", "slice_value"], columns="metric", values="value")
    assert (wide["requests"] == wide[parts].sum(axis=1)).all()
    assert value(m, "home_bath", "requests", "tier", "dibao") == 2
    assert value(m, "home_bath", "requests", "district", "a") == 3
    assert value(m, "home_bath", "requests", "care_level", "bedridden") == 1


def test_every_declared_slice_value_is_reported_even_when_empty(scenario):
    recs = make_records([served("care_visit", 0, 20 * DAY, 20 * DAY, 20 * DAY + 45)])
    m = replication_metrics(recs, scenario)
    assert value(m, "care_visit", "requests", "tier", "dibao") == 0
    assert math.isnan(value(m, "care_visit", "wait_mean", "tier", "dibao"))
    assert math.isnan(value(m, "care_visit", "on_time_rate", "tier", "dibao"))
    assert value(m, "care_visit", "requests", "care_level", "semi_disabled") == 0
    assert set(m.loc[m["slice"] == "district", "slice_value"]) == {"a", "b"}


def test_table_shape_and_units(scenario):
    recs = make_records([served("alarm", 0, 20 * DAY, 20 * DAY, 20 * DAY + 30)])
    m = replication_metrics(recs, scenario)
    expected = ["scenario", "replication", "seed", "service", "slice", "slice_value"]
    assert list(m.columns) == [*expected, "metric", "value", "unit"]
    assert set(m["scenario"]) == {"small"} and set(m["seed"]) == {7}
    assert set(m["slice"]) <= {"all", "tier", "district", "care_level", "pool"}
    assert not m.duplicated(["service", "slice", "slice_value", "metric"]).any()
    assert set(m["service"]) >= {"care_visit", "alarm", "centre_bath", "home_bath", "bath"}
    waits = m[m["metric"].str.startswith("wait_") & (m["metric"] != "wait_censored")]
    assert set(waits.loc[waits["service"] == "alarm", "unit"]) == {"min"}
    assert set(waits.loc[waits["service"] != "alarm", "unit"]) == {"days"}


def test_zero_demand_reports_zeros_and_nans(scenario):
    m = replication_metrics(make_records([]), scenario)
    assert value(m, "centre_bath", "requests") == 0
    assert math.isnan(value(m, "centre_bath", "wait_mean"))
    assert math.isnan(value(m, "centre_bath", "request_coverage"))
    assert value(m, "centre_bath", "backlog_mean") == 0
    assert value(m, "centre_bath", "backlog_max") == 0


def test_zero_capacity_leaves_everything_unmet(scenario):
    recs = make_records(
        [
            waiting("care_visit", 0, 20 * DAY),
            waiting("care_visit", 1, 30 * DAY),
            waiting("care_visit", 1, 59 * DAY),  # deadline after the horizon: censored
        ]
    )
    m = replication_metrics(recs, scenario)
    assert value(m, "care_visit", "unmet") == 2
    assert value(m, "care_visit", "request_coverage") == 0
    assert value(m, "care_visit", "on_time_rate") == 0  # every request counts, started or not
    assert math.isnan(value(m, "care_visit", "on_time_rate_served"))
    assert value(m, "care_visit", "backlog_max") == 3
    # waiting from days 20, 30 and 59 until day 60: 40 + 30 + 1 request-days
    assert value(m, "care_visit", "backlog_mean") == pytest.approx(71 / WINDOW_DAYS)


# --- backlog -------------------------------------------------------------------------------


BACKLOG = [
    served("centre_bath", 0, 5 * DAY, 20 * DAY, 20 * DAY + 60),  # waits days 10-20 of window
    served("centre_bath", 1, 30 * DAY, 40 * DAY, 40 * DAY + 60),  # days 30-40
    waiting("centre_bath", 2, 35 * DAY),  # days 35-60
    served("centre_bath", 2, 45 * DAY, 45 * DAY, 45 * DAY + 60),  # no wait: no spike
    abandoned("centre_bath", 0, 1 * DAY, 3 * DAY),  # gone before the window
]


def test_backlog_is_time_weighted_over_the_window(scenario):
    m = replication_metrics(make_records(BACKLOG), scenario)
    # 10 + 10 + 25 request-days over 50 days; two waiting during days 35-40
    assert value(m, "centre_bath", "backlog_mean") == pytest.approx(45 / WINDOW_DAYS)
    assert value(m, "centre_bath", "backlog_max") == 2
    assert value(m, "centre_bath", "backlog_mean", "tier", "dibao") == pytest.approx(25 / 50)
    assert value(m, "centre_bath", "backlog_mean", "tier", "tekun") == pytest.approx(10 / 50)


def test_backlog_series_is_the_step_function():
    series = backlog_series(make_records(BACKLOG), "centre_bath")
    assert list(series.columns) == ["time_min", "waiting"]
    expected = [
        (0, 0),
        (1 * DAY, 1),
        (3 * DAY, 0),
        (5 * DAY, 1),
        (20 * DAY, 0),
        (30 * DAY, 1),
        (35 * DAY, 2),
        (40 * DAY, 1),
        (45 * DAY, 1),  # joined and started at once
        (60 * DAY, 1),  # the horizon
    ]
    assert [(t, w) for t, w in series.itertuples(index=False)] == expected


def test_step_stats_counts_the_level_at_the_window_start():
    window = Window(10.0, 20.0)
    # +2 before the window, -1 at 15: level 2 on [10, 15), 1 on [15, 20)
    mean, peak = step_stats(
        np.array([1.0, 2.0, 15.0]), np.array([1, 1, -1]), np.zeros(3, np.int64), 1, window
    )
    assert mean[0] == pytest.approx(1.5)
    assert peak[0] == 2


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 15), st.integers(0, 2)),
        min_size=0,
        max_size=25,
    )
)
def test_step_stats_agree_with_brute_force(spans):
    """Queue spans [join, join + stay) in three groups; compare with a minute-by-minute count."""
    window = Window(5.0, 35.0)
    join = np.array([s[0] for s in spans], dtype=float)
    leave = join + np.array([s[1] for s in spans], dtype=float)
    group = np.array([s[2] for s in spans], dtype=np.int64)
    times = np.concatenate([join, leave])
    deltas = np.concatenate([np.ones(len(join), np.int64), -np.ones(len(join), np.int64)])
    mean, peak = step_stats(times, deltas, np.concatenate([group, group]), 3, window)
    grid = np.arange(5, 35) + 0.5  # integer event times: the level is constant on each minute
    for g in range(3):
        mine = group == g
        level = ((join[mine, None] <= grid) & (grid < leave[mine, None])).sum(axis=0)
        assert mean[g] == pytest.approx(level.mean())
        assert peak[g] == level.max(initial=0)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(st.floats(0, 100, allow_nan=False), st.integers(0, 3)), min_size=0, max_size=30
    )
)
def test_grouped_quantiles_match_numpy(pairs):
    values = np.array([p[0] for p in pairs], dtype=float)
    groups = np.array([p[1] for p in pairs], dtype=np.int64)
    p50, p90 = grouped_quantiles(values, groups, 4, (0.5, 0.9))
    for g in range(4):
        mine = values[groups == g]
        if len(mine) == 0:
            assert math.isnan(p50[g]) and math.isnan(p90[g])
        else:
            assert p50[g] == pytest.approx(np.quantile(mine, 0.5))
            assert p90[g] == pytest.approx(np.quantile(mine, 0.9))


# --- elder coverage --------------------------------------------------------------------------

COVERAGE_ELDERS = [
    (0, "a", "disabled", "tekun", True, 0.0, INF),
    (1, "b", "bedridden", "other", True, 0.0, INF),
    (2, "a", "semi_disabled", "dibao", False, 0.0, INF),  # no care-plan visits at this level
    (3, "b", "disabled", "dibao", False, 0.0, INF),  # no bed: no care-plan visits
    (4, "a", "bedridden", "tekun", True, 55 * DAY, INF),  # 5 days in window: excluded
    (5, "b", "disabled", "other", True, 0.0, 13 * DAY),  # 3 days in window: excluded
]


def _visits(elder, n, first_day):
    return [
        served("care_visit", elder, (first_day + 7 * i) * DAY, (first_day + 7 * i) * DAY,
               (first_day + 7 * i) * DAY + 45)
        for i in range(n)
    ]  # fmt: skip


def test_elder_coverage_of_care_visits(scenario):
    # Target 2 days; covered = at least 90 % of the elder's due visits started within target.
    late = served("care_visit", 1, 50 * DAY, 53 * DAY, 53 * DAY + 45)  # 3 days: late
    requests = [
        *_visits(0, 5, 11),  # 5 of 5 on time: covered
        *_visits(1, 4, 11),
        late,  # 4 of 5 = 80 % on time: not covered
        served("care_visit", 1, 9 * DAY, 9 * DAY, 9 * DAY + 45),  # in warm-up: does not count
        *_visits(3, 5, 11),  # no bed: not entitled
        waiting("care_visit", 4, 59 * DAY),  # deadline after the horizon: censored, not due
        abandoned("care_visit", 5, 11 * DAY, 13 * DAY),  # due and never given: not covered
    ]
    m = replication_metrics(make_records(requests, elders=COVERAGE_ELDERS), scenario)
    assert value(m, "care_visit", "elders_entitled") == 3  # elders 0, 1 and 5
    assert value(m, "care_visit", "elder_coverage") == pytest.approx(1 / 3)
    assert value(m, "care_visit", "elder_coverage", "tier", "tekun") == 1.0
    assert value(m, "care_visit", "elder_coverage", "tier", "other") == 0.0
    assert math.isnan(value(m, "care_visit", "elder_coverage", "tier", "dibao"))
    assert unit_of(m, "care_visit", "elder_coverage") == "share"


def test_elder_coverage_of_baths_is_about_gaps_between_baths(scenario):
    # Interval 30 days + target 7: covered when no gap (window start, baths, window end) > 37.
    requests = [
        served("centre_bath", 0, 24 * DAY, 25 * DAY, 25 * DAY + 60),  # gaps 15, 35: covered
        served("home_bath", 1, 30 * DAY, 30 * DAY, 30 * DAY + 90),  # gaps 20, 30: covered
        abandoned("centre_bath", 2, 20 * DAY, 50 * DAY),  # no bath in 50 days: not covered
        served("home_bath", 3, 25 * DAY, 25 * DAY, 25 * DAY + 90),
        in_service("home_bath", 3, 59 * DAY, 59.99 * DAY, 60.05 * DAY),  # started: counts
    ]
    m = replication_metrics(make_records(requests, elders=COVERAGE_ELDERS), scenario)
    assert value(m, "bath", "elders_entitled") == 4  # elders 4 and 5 stayed too briefly
    assert value(m, "bath", "elder_coverage") == pytest.approx(0.75)
    assert value(m, "bath", "elder_coverage", "district", "b") == 1.0
    assert value(m, "bath", "elder_coverage", "district", "a") == pytest.approx(0.5)
    # At one bath per 25 days the limit is 32 days: the disabled elders 0 and 3 (last gaps 35
    # and 34.99 days) are not covered; the bedridden elder 1, still at 30 days, is.
    faster = scenario.with_overrides({"services.bath.interval_days_by_level.disabled": 25})
    m = replication_metrics(make_records(requests, elders=COVERAGE_ELDERS), faster)
    assert value(m, "bath", "elder_coverage", "care_level", "disabled") == 0.0
    assert value(m, "bath", "elder_coverage", "care_level", "bedridden") == 1.0
    assert value(m, "bath", "elder_coverage") == pytest.approx(1 / 4)


def test_two_baths_with_a_long_gap_between_them_are_not_coverage(scenario):
    requests = [
        served("home_bath", 1, 12 * DAY, 12 * DAY, 12 * DAY + 90),
        served("home_bath", 1, 42 * DAY, 52 * DAY, 52 * DAY + 90),  # 40 days after the first
    ]
    m = replication_metrics(make_records(requests, elders=COVERAGE_ELDERS), scenario)
    assert value(m, "bath", "elder_coverage", "tier", "other") == 0.0


# --- utilisation, occupancy, cost ------------------------------------------------------------

UNITS = [
    (0, "city", "caregiver"),
    (1, "city", "caregiver"),
    (2, "t1", "team"),
    (3, "centre", "station"),
]


def _day_shift(unit, day):
    return (unit, day * DAY + 8 * HOUR, day * DAY + 16 * HOUR)


def test_utilisation_is_busy_over_on_shift_time(scenario):
    d = 20 * DAY
    requests = [
        served("care_visit", 0, d, d + 9 * HOUR, d + 13 * HOUR, unit=0),  # 4 h of 0's 8 h
        served("care_visit", 0, 5 * DAY, 5 * DAY + 9 * HOUR, 5 * DAY + 10 * HOUR, unit=0),
        served("home_bath", 1, d, d + 8 * HOUR, d + 16 * HOUR, unit=2),  # whole shift
        served("home_bath", 1, d, d + 16 * HOUR, d + 17 * HOUR, unit=2),  # overtime
    ]
    shifts = [_day_shift(0, 20), _day_shift(1, 20), _day_shift(0, 5), _day_shift(2, 20)]
    m = replication_metrics(make_records(requests, units=UNITS, shifts=shifts), scenario)
    assert value(m, "care", "utilisation", "pool", "city") == pytest.approx(4 / 16)
    assert value(m, "home_bath", "utilisation", "pool", "t1") == pytest.approx(9 / 8)
    assert math.isnan(value(m, "centre_bath", "utilisation", "pool", "centre"))  # never open
    assert unit_of(m, "care", "utilisation") == "share"


def test_utilisation_finds_the_pool_of_units_numbered_with_gaps(scenario):
    """Unit ids need not be row numbers: pools are found by id (ids 7 and 300 here); a request
    of no unit (-1) or of a unit the table does not list (5) counts for no pool."""
    d = 20 * DAY
    units = [(7, "city", "caregiver"), (300, "t1", "team")]
    requests = [
        served("care_visit", 0, d, d + 9 * HOUR, d + 11 * HOUR, unit=7),  # 2 h of 8
        served("home_bath", 1, d, d + 8 * HOUR, d + 12 * HOUR, unit=300),  # 4 h of 8
        served("care_visit", 0, d, d + 12 * HOUR, d + 13 * HOUR, unit=5),
        served("care_visit", 0, d, d + 13 * HOUR, d + 14 * HOUR, unit=-1),
    ]
    shifts = [_day_shift(7, 20), _day_shift(300, 20)]
    m = replication_metrics(make_records(requests, units=units, shifts=shifts), scenario)
    assert value(m, "care", "utilisation", "pool", "city") == pytest.approx(2 / 8)
    assert value(m, "home_bath", "utilisation", "pool", "t1") == pytest.approx(4 / 8)


def test_utilisation_is_clipped_to_the_window(scenario):
    # Shift from day 9 20:00 to day 10 04:00 (4 h in the window); a job 22:00-02:00 (2 h in it).
    requests = [served("care_visit", 0, 9 * DAY, 9 * DAY + 22 * HOUR, 10 * DAY + 2 * HOUR, unit=0)]
    shifts = [(0, 9 * DAY + 20 * HOUR, 10 * DAY + 4 * HOUR)]
    m = replication_metrics(make_records(requests, units=UNITS[:1], shifts=shifts), scenario)
    assert value(m, "care", "utilisation", "pool", "city") == pytest.approx(0.5)


def test_occupancy_series_counts_busy_units():
    d = 20 * DAY
    requests = [
        served("care_visit", 0, d, d + 60, d + 120, unit=0),
        served("care_visit", 1, d, d + 90, d + 150, unit=1),
        served("home_bath", 1, d, d + 90, d + 150, unit=2),  # another pool
    ]
    series = occupancy_series(make_records(requests, units=UNITS), "city")
    expected = [(0, 0), (d + 60, 1), (d + 90, 2), (d + 120, 1), (d + 150, 0), (HORIZON, 0)]
    assert [(t, b) for t, b in series.itertuples(index=False)] == expected


def test_cost_per_year(scenario):
    d = 20 * DAY
    requests = [
        served("centre_bath", 0, d, d + HOUR, d + 2 * HOUR, unit=3),
        served("centre_bath", 1, d, d + 3 * HOUR, d + 4 * HOUR, unit=3),
        served("centre_bath", 1, 2 * DAY, 3 * DAY, 3 * DAY + 60, unit=3),  # in warm-up
    ]
    shifts = [_day_shift(0, 20), _day_shift(1, 20), _day_shift(2, 20), _day_shift(3, 20)]
    shifts.append(_day_shift(0, 5))  # in warm-up
    m = replication_metrics(make_records(requests, units=UNITS, shifts=shifts), scenario)
    per_year = 365 / WINDOW_DAYS
    # small.yaml: caregiver 30/h, bath team 90/h, stations free, 20 per centre bath
    assert value(m, "all", "caregiver_hours_per_year") == pytest.approx(16 * per_year)
    assert value(m, "all", "bath_team_hours_per_year") == pytest.approx(8 * per_year)
    assert value(m, "all", "cost_per_year_caregivers") == pytest.approx(16 * 30 * per_year)
    assert value(m, "all", "cost_per_year_bath_teams") == pytest.approx(8 * 90 * per_year)
    assert value(m, "all", "cost_per_year_stations") == 0
    assert value(m, "all", "cost_per_year_services") == pytest.approx(2 * 20 * per_year)
    assert value(m, "all", "cost_per_year") == pytest.approx((480 + 720 + 40) * per_year)
    assert unit_of(m, "all", "cost_per_year") == "CNY/year"


def test_no_costs_no_cost_rows(scenario):
    data = scenario.model_dump(mode="json", by_alias=True) | {"costs": None}
    m = replication_metrics(make_records([]), Scenario.model_validate(data))
    assert not (m["service"] == "all").any()


def test_scenario_without_services_gives_only_resource_rows(scenario):
    no_services = {"services": {}, "costs": None, "initial_backlog": {}}
    data = scenario.model_dump(mode="json", by_alias=True) | no_services
    m = replication_metrics(make_records([], units=UNITS), Scenario.model_validate(data))
    # (vans: busy hours, and those outside van hours)
    assert set(m["metric"]) == {
        "utilisation",
        "busy_hours_per_year",
        "busy_hours_outside_van_hours_per_year",
    }


def test_van_utilisation_is_run_time_over_van_hours(scenario):
    # small.yaml: 1 van x 4 seats. A pick-up run of two elders leaves at day 20 and is back 40
    # min later; their return run takes 50 min: 90 van-minutes, each run counted once (not per
    # elder aboard).
    t = 20 * DAY
    rows = [
        ("centre_bath", 0, t - 60, t + 40, t + 100.0, "served", 3, 30.0),
        ("centre_bath", 1, t - 60, t + 40, t + 100.0, "served", 3, 25.0),
    ]
    trips = pd.DataFrame(
        {
            "trip_id": [0, 0, 1, 1],
            "van": [0, 0, 0, 0],
            "kind": pd.Categorical(["pickup"] * 2 + ["return"] * 2, categories=TRIP_KINDS),
            "depart_min": [t, t, t + 150, t + 150],
            "back_min": [t + 40, t + 40, t + 200, t + 200],
            "request_id": [0, 1, 0, 1],
        }
    )
    rec = dataclasses.replace(make_records(rows, units=UNITS), van_trips=trips)
    m = replication_metrics(rec, scenario)
    vans = m[(m.service == "transport") & (m.slice_value == "vans")].set_index("metric")
    # Van hours default to the centre's (mon-fri 09:00-17:00): weekdays of days [10, 60) after
    # Sat 1 Jan 2022, i.e. 11 Jan - 1 Mar, 8 hours each, one van.
    weekdays = len(pd.bdate_range("2022-01-11", "2022-03-01"))
    assert weekdays == 36
    assert vans.loc["utilisation", "value"] == pytest.approx(90.0 / (weekdays * 8 * HOUR))
    assert vans.loc["utilisation", "unit"] == "share"
    assert vans.loc["busy_hours_per_year", "value"] == pytest.approx(1.5 * 365 / 50)
    # every minute of both runs (00:00-00:40 and 02:30-03:20) is outside van hours
    outside = vans.loc["busy_hours_outside_van_hours_per_year", "value"]
    assert outside == pytest.approx(1.5 * 365 / 50)


def test_van_busy_hours_outside_van_hours_are_the_runs_past_the_hours(scenario):
    """Van hours (the centre's: Mon-Fri 09:00-17:00): a run 10:00-10:40 is inside them, one
    16:30-17:20 is 20 min past them, one on a Sunday 10:00-10:30 wholly outside, one before the
    window (day 5) not counted."""
    friday, sunday = 20 * DAY, 22 * DAY  # (day 0 is Saturday 1 January 2022)
    runs = [
        (friday + 10 * HOUR, friday + 10 * HOUR + 40),
        (friday + 16 * HOUR + 30, friday + 17 * HOUR + 20),
        (sunday + 10 * HOUR, sunday + 10 * HOUR + 30),
        (5 * DAY + 16 * HOUR, 5 * DAY + 18 * HOUR),
    ]
    trips = pd.DataFrame(
        {
            "trip_id": np.arange(len(runs)),
            "van": np.zeros(len(runs), dtype=np.int16),
            "kind": pd.Categorical(["return"] * len(runs), categories=TRIP_KINDS),
            "depart_min": [a for a, _ in runs],
            "back_min": [b for _, b in runs],
            "request_id": np.arange(len(runs)),
        }
    )
    rec = dataclasses.replace(make_records([]), van_trips=trips)
    m = replication_metrics(rec, scenario)
    vans = m[(m.service == "transport") & (m.slice_value == "vans")].set_index("metric")
    per_year = 365 / 50  # (the window: days 10 to 60)
    busy = vans.loc["busy_hours_per_year", "value"]
    assert busy == pytest.approx((40 + 50 + 30) / 60 * per_year)
    outside = vans.loc["busy_hours_outside_van_hours_per_year", "value"]
    assert outside == pytest.approx((20 + 30) / 60 * per_year)
    assert vans.loc["busy_hours_outside_van_hours_per_year", "unit"] == "hours/year"
