"""Runs over several calendar years: the ``year`` slice, invariants, and a stationary projection
whose year k reads like a one-year run of the same system."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from carecap.analysis.summary_table import format_summary
from carecap.sim import run_replication, simulate
from carecap.sim.engine.population import draw_elders
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.engine.streams import Streams
from carecap.sim.metrics.common import Window, service_targets
from carecap.sim.metrics.invariants import check_all
from carecap.sim.metrics.replication import request_metrics
from carecap.sim.metrics.summary import summarise
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN

SMALL = yaml.safe_load((Path(__file__).parent / "data" / "small.yaml").read_text())


def small(**calendar) -> dict:
    data = copy.deepcopy(SMALL)
    data["calendar"] = {**data["calendar"], **calendar}
    return data


TWO_YEARS = pytest.mark.xdist_group("years-two-year-runs")
"""The tests reading ``two_year_runs`` run on one pytest-xdist worker, so it is made once."""


@pytest.fixture(scope="module")
def two_year_runs() -> tuple[Scenario, list[tuple[ReplicationRecords, pd.DataFrame]]]:
    """small.yaml from 2022-11-01 over 120 days (10 of warm-up), seed 7: (scenario, [(records,
    metrics) of replications 0 and 1]), simulated once for the four tests that read them (they
    only read them: a test that changes records works on a copy)."""
    s = Scenario.model_validate(small(start_date="2022-11-01", horizon_days=120, warmup_days=10))
    return s, [simulate(s, rep, 7) for rep in range(2)]


@TWO_YEARS
def test_year_slice_partitions_the_requests_of_a_run_over_two_years(two_year_runs):
    s, ((records, m), _) = two_year_runs
    years = m[m["slice"] == "year"]
    assert set(years["slice_value"]) == {"2022", "2023"}
    whole = m[m["slice"] == "all"]
    # every metric of slice all has a row per year
    keys = set(zip(whole["service"], whole["metric"], strict=True))
    for _year, rows in years.groupby("slice_value"):
        assert set(zip(rows["service"], rows["metric"], strict=True)) == keys
    # requests are counted in the year they were made: the years add up to the whole window
    for metric in ("requests", "served", "abandoned", "unmet"):
        w = whole[whole["metric"] == metric].set_index("service")["value"]
        y = years[years["metric"] == metric].groupby("service")["value"].sum()
        assert np.allclose(w.sort_index(), y.sort_index()), metric
    # a year's rows are the metrics of the run's records with the window narrowed to the year
    targets = service_targets(records, s)
    for year, lo, hi in ((2022, 10 * DAY_MIN, 61 * DAY_MIN), (2023, 61 * DAY_MIN, 120 * DAY_MIN)):
        narrowed = request_metrics(records, s, targets, Window(lo, hi))
        want = narrowed[narrowed["slice"] == "all"].set_index(["service", "metric"])["value"]
        got = years[years["slice_value"] == str(year)].set_index(["service", "metric"])["value"]
        assert np.allclose(want, got.reindex(want.index), equal_nan=True)
    pools = m[m["slice"] == "pool_year"]
    assert set(pools["slice_value"]) == {
        f"{p}/{y}" for p in m.loc[m["slice"] == "pool", "slice_value"] for y in ("2022", "2023")
    }


def test_no_year_slice_within_one_calendar_year():
    s = Scenario.model_validate(small())
    _records, m = simulate(s, 0, 7)
    assert not m["slice"].isin(["year", "pool_year"]).any()


def projected(**projection) -> dict:
    data = small(start_date="2022-01-01", horizon_days=3 * 365 + 1, warmup_days=10)
    data["population"]["projection"] = projection
    data["calendar"]["drain_days"] = 20
    return data


def test_invariants_hold_on_a_multi_year_run_with_a_projection():
    data = projected(
        growth_per_year=0.2,
        transitions_per_year={"semi_disabled": {"disabled": 0.5}, "disabled": {"bedridden": 0.5}},
        exit_rate_per_year_by_level={"bedridden": 0.6},
        targets=[{"year": 2023, "elders": 200}],
    )
    s = Scenario.model_validate(data)
    records = run_replication(s, 0)
    assert records.elders["exit_min"].notna().all()
    assert check_all(records, s) == []
    # a move is not a departure: no request is withdrawn (abandoned) at the instant its elder
    # moved on to another care level, while departures do withdraw some
    e = draw_elders(s, Streams(s.seed, 0))
    req = records.requests
    end = req["end_min"].to_numpy()
    elder = req["elder_id"].to_numpy()
    abandoned = (req["outcome"] == "abandoned").to_numpy()
    at_exit = abandoned & (end == e.exit_min[elder])
    assert e.moves_on.sum() > 20
    assert not (at_exit & e.moves_on[elder]).any()
    assert (at_exit & ~e.moves_on[elder]).any()


def stationary_scenario(start: str, days: float, warmup: float) -> Scenario:
    """Elders at the stationary care-level mix of their transitions, exits and entries, and a
    projection that keeps their expected number constant: every year reads the same."""
    move = np.array([[0, 0.3, 0.0], [0, 0, 0.4], [0, 0, 0]])
    exit_ = np.array([0.1, 0.2, 0.5])
    p_new = np.array([0.7, 0.3, 0.0])
    a = move.T - np.diag(move.sum(axis=1) + exit_)
    mix = np.linalg.solve(a, -p_new)
    mix /= mix.sum()
    data = small(start_date=start, horizon_days=days, warmup_days=warmup)
    data["calendar"]["drain_days"] = 20
    data["initial_backlog"] = {}
    data["population"]["enrolment"] = []
    data["population"]["elders_by_district"] = {"a": 180, "b": 120}
    levels = ["semi_disabled", "disabled", "bedridden"]
    data["population"]["care_level_shares"] = dict(zip(levels, mix.round(12).tolist(), strict=True))
    data["population"]["care_level_shares"]["bedridden"] = 1.0 - sum(mix[:2].round(12))
    data["population"]["projection"] = {
        "growth_per_year": 0.0,
        "transitions_per_year": {
            "semi_disabled": {"disabled": 0.3},
            "disabled": {"bedridden": 0.4},
        },
        "exit_rate_per_year_by_level": dict(zip(levels, exit_.tolist(), strict=True)),
        "new_level_shares": dict(zip(levels, p_new.tolist(), strict=True)),
    }
    return Scenario.model_validate(data)


COMPARED = [
    ("care_visit", "requests"),
    ("alarm", "requests"),
    ("alarm", "wait_mean"),
    ("alarm", "on_time_rate"),
    ("care_visit", "on_time_rate"),
    ("care_visit", "wait_mean"),
    ("all", "beds_mean"),
]


@pytest.mark.parametrize("reps", [16])
def test_year_three_of_a_stationary_run_reads_like_a_one_year_run(reps):
    """Year 2024 of a 2022-2024 run and a one-year run of 2024 from the stationary state have
    the same law: their metrics agree within the interval of the difference of their means.
    (Warm-up 0 in the one-year run: only alarms and care visits are compared, whose queues empty
    within hours, so a start with no queue does not bias them.)"""
    long = stationary_scenario("2022-01-01", 3 * 365 + 1, 10)
    one = stationary_scenario("2024-01-01", 366, 0)

    def metrics(s: Scenario) -> list[pd.DataFrame]:
        return [simulate(s, rep, 99)[1] for rep in range(reps)]

    def values(frames: list[pd.DataFrame], slice_kind: str, slice_value: str) -> pd.DataFrame:
        rows = []
        for m in frames:
            mine = m[(m["slice"] == slice_kind) & (m["slice_value"] == slice_value)]
            rows.append(mine.set_index(["service", "metric"])["value"])
        return pd.DataFrame(rows)

    long_metrics = metrics(long)
    a = values(long_metrics, "year", "2024")
    b = values(metrics(one), "all", "all")
    for key in COMPARED:
        x, y = a[key].to_numpy(), b[key].to_numpy()
        se = np.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
        assert abs(x.mean() - y.mean()) <= 4 * se + 1e-9, (key, x.mean(), y.mean(), se)
    # and the number of elders does stay put: the mean beds of each year of the long run
    beds = values(long_metrics, "year", "2022")[("all", "beds_mean")].mean()
    assert abs(beds - 300) < 0.08 * 300


@TWO_YEARS
def test_summary_by_year_shows_the_years_side_by_side(two_year_runs):
    frames = [m for _, m in two_year_runs[1]]
    text = format_summary(summarise(pd.concat(frames)), by="year")
    assert "then by year" in text
    header = next(line for line in text.splitlines() if "2022" in line)
    assert "all" in header and "2023" in header
    # pools, staff and cost by year too, each pool's row with both years
    util = text[text.index("Utilisation by year") :]
    assert "2022" in util.splitlines()[1] and "2023" in util.splitlines()[1]
    assert any(line.strip().startswith("city") for line in util.splitlines())
    assert "Staff, beds and cost by year" in text and "cost a year" in text
    assert "Utilisation by year" not in format_summary(summarise(pd.concat(frames)), by="tier")


@TWO_YEARS
def test_year_slice_does_not_depend_on_the_order_of_the_request_rows(two_year_runs):
    """The engine's rows are in request order and a year is read as one run of them; rows in any
    other order (records built by hand, or read back and reordered) give the same year rows."""
    from dataclasses import replace

    from carecap.sim.metrics.replication import replication_metrics

    s, ((records, m), _) = two_year_runs
    t = records.requests["request_min"].to_numpy()
    assert np.all(t[1:] >= t[:-1])  # (the engine's order: what the slice relies on)
    shuffled = records.requests.sample(frac=1.0, random_state=np.random.default_rng(3))
    mixed = replace(records, requests=shuffled.reset_index(drop=True))
    again = replication_metrics(mixed, s)
    keys = ["service", "slice", "slice_value", "metric"]
    years = m[m["slice"].isin(["year", "pool_year"])].set_index(keys)["value"]
    got = again[again["slice"].isin(["year", "pool_year"])].set_index(keys)["value"]
    assert len(years) > 0
    assert np.allclose(years, got.reindex(years.index), equal_nan=True, rtol=1e-12)


@TWO_YEARS
def test_wait_curves_by_year_are_the_year_slices_waits(two_year_runs):
    # (carecap plot waits --by year): each year's Kaplan-Meier curve holds the requests made in
    # that year, and its median is the year slice's wait_median
    from carecap.analysis.wait_curves import wait_curves

    s, ((records, m), _) = two_year_runs
    curves, counts = wait_curves([records], s, by="year")
    years = m[m["slice"] == "year"].set_index(["service", "slice_value", "metric"])["value"]
    assert list(dict.fromkeys(counts["group"])) == ["2022", "2023"]
    for (service, year), one in curves.groupby(["service", "group"]):
        n = counts.loc[(counts["service"] == service) & (counts["group"] == year), "requests"]
        assert n.item() == years[(service, year, "requests")], (service, year)
        reached = one[one["share"] >= 0.5 - 1e-9]
        median = reached["wait"].iloc[0] if len(reached) else one["wait"].iloc[-1]
        assert median == pytest.approx(years[(service, year, "wait_median")]), (service, year)


def test_by_year_of_a_run_within_one_year_says_why_it_has_no_year_columns():
    from carecap.analysis.summary_table import ONE_YEAR_NOTE, WIDTH

    s = Scenario.model_validate(small(start_date="2022-02-01", horizon_days=60, warmup_days=5))
    metrics = pd.concat([simulate(s, rep, 3)[1] for rep in range(2)], ignore_index=True)
    assert not (metrics["slice"] == "year").any()
    text = format_summary(summarise(metrics), by="year")
    assert ONE_YEAR_NOTE in text.splitlines()[:3] and len(ONE_YEAR_NOTE) <= WIDTH
    assert text.count(ONE_YEAR_NOTE) == 1
    several = Scenario.model_validate(small(start_date="2022-11-01", horizon_days=120))
    both = pd.concat([simulate(several, rep, 3)[1] for rep in range(2)], ignore_index=True)
    assert ONE_YEAR_NOTE not in format_summary(summarise(both), by="year")
    assert ONE_YEAR_NOTE not in format_summary(summarise(metrics), by="tier")
