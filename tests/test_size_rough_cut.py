"""The rough-cut capacity estimate and the capacity hours behind sizing costs.

The rough-cut is checked against a hand computation on a small scenario with fixed durations and
fixed visit intervals (so the offered work is known exactly); the capacity hours and cost per
year computed from the schedules against the cost metrics of a simulated replication
(:mod:`carecap.sim.metrics.resources`, which counts the shift records).
"""

from __future__ import annotations

import math

import pytest
from size_helpers import mmc_data

from carecap.analysis.sizing.capacity_hours import capacity_cost_per_year, group_hours
from carecap.analysis.sizing.rough_cut import rough_cut
from carecap.analysis.sizing.vary import parse_vary
from carecap.sim.experiments.replications import simulate
from carecap.sim.scenario.loader import validate_scenario_data

ELDERS, VISIT_MIN, TRAVEL_MIN = 100, 30.0, 10.0


def _fixed_load_scenario(servers: int):
    """100 elders, one visit a day each (fixed interval), 30 min on site + 10 min travel."""
    data = mmc_data(0.5, 10.0, 60.0)
    data["calendar"] = {"start_date": "2022-01-03", "horizon_days": 29, "warmup_days": 1}
    data["population"]["elders_by_district"] = {"city": ELDERS}
    data["services"]["care_visit"]["by_care_level"]["any"] = {
        "interval_days": 1.0,
        "duration_min": VISIT_MIN,
    }
    data["caregivers"][0]["shifts"][0]["count"] = servers
    data["caregivers"][0]["travel_min"] = {"city": TRAVEL_MIN}
    return validate_scenario_data(data, "fixed-load")


def test_rough_cut_matches_the_hand_computation():
    scenario = _fixed_load_scenario(servers=10)
    # by hand: 100 visits a day x 40 min = 66.7 busy hours a day = 24,333 hours a year;
    # one always-on caregiver is on shift 8,760 hours a year; at 85 %: 24,333 / (8,760 x 0.85)
    # = 3.27, so 4 caregivers.
    offered_by_hand = ELDERS * (VISIT_MIN + TRAVEL_MIN) / 60.0 * 365.0
    hours_by_hand = 365.0 * 24.0
    units_by_hand = math.ceil(offered_by_hand / (hours_by_hand * 0.85))
    assert units_by_hand == 4
    _, metrics = simulate(scenario, 0, 11)
    util = metrics[(metrics["metric"] == "utilisation") & (metrics["slice"] == "pool")]
    by_pool = dict(zip(util["slice_value"].astype(str), util["value"], strict=True))
    varied = parse_vary(["caregivers.servers.shifts.0.count=1:10"], scenario)
    (cut,) = rough_cut(scenario, varied, by_pool, target_utilisation=0.85)
    assert cut is not None
    assert cut.hours_per_unit_per_year == pytest.approx(hours_by_hand)
    # the first visits of the window's edges fall anywhere in a day: within 1 %
    assert cut.load.offered_busy_hours_per_year == pytest.approx(offered_by_hand, rel=0.01)
    assert cut.units == units_by_hand
    assert not cut.load.saturated


def test_rough_cut_subtracts_the_hours_of_the_pools_other_groups():
    scenario = _fixed_load_scenario(servers=10)
    data = scenario.model_dump(mode="json", by_alias=True)
    data["caregivers"][0]["shifts"].append(
        {"name": "cover", "count": 2, "hours": "always", "serves": ["care_visit", "alarm"]}
    )
    scenario = validate_scenario_data(data, "two groups")
    varied = parse_vary(["caregivers.servers.shifts.0.count=1:10"], scenario)
    (cut,) = rough_cut(scenario, varied, {"servers": 24333.3 / (12 * 8760.0)}, 0.85)
    assert cut is not None
    assert cut.other_hours_per_year == pytest.approx(2 * 8760.0)
    assert cut.units == math.ceil((24333.3 / 0.85 - 2 * 8760.0) / 8760.0)


def test_capacity_cost_equals_the_simulated_capacity_cost_metrics():
    data = mmc_data(0.2, 10.0, 60.0)
    data["calendar"] = {"start_date": "2022-01-05", "horizon_days": 20, "warmup_days": 3}
    data["caregivers"][0]["shifts"] = [
        {"name": "day", "count": 3, "hours": {"mon-fri": ["08:00-12:00", "13:00-17:00"]}},
        {"name": "later", "count": 2, "hours": "always", "from_date": "2022-01-12"},
    ]
    data["costs"] = {"caregiver_per_hour": 30.0, "hours_per_fte_year": 1960}
    scenario = validate_scenario_data(data, "costed")
    _, metrics = simulate(scenario, 0, 3)
    rows = metrics[metrics["slice"] == "all"].set_index("metric")["value"]
    simulated = sum(
        rows[f"cost_per_year_{kind}"] for kind in ("caregivers", "bath_teams", "stations", "vans")
    )
    assert capacity_cost_per_year(scenario) == pytest.approx(simulated, rel=1e-9)
    per_unit = {g.group: g.hours_per_unit_per_year for g in group_hours(scenario)}
    # by hand: the window is Sat 8 Jan to Mon 24 Jan 2022 (17 days): 11 weekdays of 8 hours
    # for the day group; the later group works round the clock from 12 Jan: 13 of its days
    assert per_unit[0] == pytest.approx(11 * 8.0 * 365 / 17)
    assert per_unit[1] == pytest.approx(13 * 24.0 * 365 / 17)
