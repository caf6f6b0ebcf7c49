"""Full costs: vans, capital, FTE, cost per bed-year and per elder served, against hand-computed
values on a small deterministic scenario (fixed durations, always-open schedules, no exits)."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from carecap.analysis.summary_table import format_summary
from carecap.sim.errors import ScenarioError
from carecap.sim.experiments.replications import simulate
from carecap.sim.metrics.summary import summarise
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.model import Scenario

DAYS = 28
PER_YEAR = 365 / DAYS  # window totals are annualised to a 365-day budget year
ELDERS = 10

SCENARIO = {
    "name": "cost-check",
    "calendar": {"start_date": "2022-01-03", "horizon_days": DAYS, "warmup_days": 0},
    "tiers": ["other"],
    "care_levels": {"lvl": {}},
    "districts": {"a": {}},
    "population": {
        "elders_by_district": {"a": ELDERS},
        "care_level_shares": {"lvl": 1.0},
        "tier_shares": {"other": 1.0},
    },
    "services": {
        # fixed intervals on the calendar: every elder has exactly 4 visits and 2 baths due in
        # the 28 days (first due date in the first interval), all started at once (ample capacity)
        "care_visit": {
            "mode": "calendar",
            "by_care_level": {"lvl": {"interval_days": 7, "duration_min": 30}},
            "target_days": 3,
        },
        "bath": {"mode": "calendar", "interval_days_by_level": {"lvl": 14}, "target_days": 7},
    },
    "caregivers": [
        {
            "name": "cg",
            "shifts": [{"name": "all", "count": 2, "hours": "always"}],
            "travel_min": {"a": 0},
        }
    ],
    "bathing_centre": {
        "district": "a",
        "stations": 2,
        "hours": "always",
        "bath_duration_min": 60,
        "transport_min": {"a": 0},
        "vans": {"count": 3, "seats": 2},
    },
    "home_bathing": {
        "teams": [
            {
                "name": "team",
                "base_district": "a",
                "shifts": [{"count": 1, "hours": "always"}],
                "travel_min": {"a": 10},
            }
        ],
        "setup_min": 10,
        "bath_min": 30,
        "packup_min": 10,
    },
    "costs": {
        "caregiver_per_hour": 10,
        "bath_team_per_hour": 20,
        "station_per_open_hour": 5,
        "van_per_hour": 7,
        "per_service": {"care_visit": 3, "centre_bath": 11},
        "capital": {
            "centre_per_year": 1000,
            "bed_fitout_per_bed_year": 50,
            "platform_per_bed_year": 25,
        },
        "hours_per_fte_year": 2000,
    },
}


def _metrics(scenario: Scenario):
    _, metrics = simulate(scenario, 0, 7)
    return metrics


def _all(metrics) -> dict[str, float]:
    rows = metrics[(metrics["service"] == "all") & (metrics["slice"] == "all")]
    return dict(zip(rows["metric"], rows["value"], strict=True))


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return Scenario.model_validate(SCENARIO)


@pytest.fixture(scope="module")
def metrics(scenario):
    return _metrics(scenario)


def test_cost_metrics_equal_hand_computed_values(metrics):
    got = _all(metrics)
    year_h = 24 * 365  # an always-on unit: 24 h x 28 days, annualised
    expected = {
        "caregiver_hours_per_year": 2 * year_h,  # 17,520
        "caregiver_fte": 2 * year_h / 2000,  # 8.76
        "bath_team_hours_per_year": 1 * year_h,
        "bath_team_fte": year_h / 2000,
        "station_open_hours_per_year": 2 * year_h,
        "van_hours_per_year": 3 * year_h,  # the centre's opening hours x 3 vans
        "beds_mean": ELDERS,  # all present the whole window
        "elders_served": ELDERS,
        "cost_per_year_caregivers": 2 * year_h * 10,
        "cost_per_year_bath_teams": year_h * 20,
        "cost_per_year_stations": 2 * year_h * 5,
        "cost_per_year_vans": 3 * year_h * 7,
        # 4 visits and 2 baths per elder, annualised
        "cost_per_year_services": (ELDERS * 4 * 3 + ELDERS * 2 * 11) * PER_YEAR,
        "cost_per_year_capital": 1000 + (50 + 25) * ELDERS,
    }
    parts = [k for k in expected if k.startswith("cost_per_year_")]
    expected["cost_per_year"] = sum(expected[k] for k in parts)
    expected["cost_per_bed_year"] = expected["cost_per_year"] / ELDERS
    expected["cost_per_elder_served"] = expected["cost_per_year"] * DAYS / 365 / ELDERS
    for name, value in expected.items():
        assert got[name] == pytest.approx(value, rel=1e-9), name
    assert set(expected) <= set(got)


def test_fte_per_pool_is_hours_over_hours_per_fte_year(scenario, metrics):
    pools = metrics[metrics["slice"] == "pool"]
    hours = pools[pools["metric"] == "hours_per_year"].set_index("slice_value")
    fte = pools[pools["metric"] == "fte"].set_index("slice_value")
    assert sorted(hours.index) == ["cg", "team"]  # staff pools only: no "centre" stations
    assert sorted(fte.index) == ["cg", "team"]
    for pool in hours.index:
        assert fte.loc[pool, "value"] == pytest.approx(
            hours.loc[pool, "value"] / scenario.costs.hours_per_fte_year, rel=1e-12
        )
    assert fte.loc["cg", "unit"] == "FTE" and fte.loc["team", "unit"] == "team-FTE"
    got = _all(metrics)
    assert hours.loc["cg", "value"] == pytest.approx(got["caregiver_hours_per_year"])
    assert hours.loc["team", "value"] == pytest.approx(got["bath_team_hours_per_year"])


def test_no_vans_no_van_cost_and_no_centre_no_centre_capital(scenario):
    no_vans = _all(_metrics(scenario.with_overrides({"bathing_centre.vans": None})))
    assert no_vans["van_hours_per_year"] == 0 and no_vans["cost_per_year_vans"] == 0
    data = scenario.model_dump(mode="json")
    data["bathing_centre"] = None
    data["routing"]["prefer"] = "home"
    home_only = _all(_metrics(Scenario.model_validate(data)))
    assert home_only["cost_per_year_capital"] == pytest.approx((50 + 25) * ELDERS)
    assert home_only["station_open_hours_per_year"] == 0


def test_beds_mean_counts_bed_holders_present_in_the_window(scenario):
    """Half the elders hold no bed: they do not count; the beds' capital follows."""
    data = scenario.model_dump(mode="json")
    data["population"]["care_level_shares"] = {"lvl": 0.5, "nobed": 0.5}
    data["care_levels"]["nobed"] = {}
    data["population"]["family_bed_share_by_level"] = {"nobed": 0.0}
    records, metrics = simulate(Scenario.model_validate(data), 0, 7)
    got = _all(metrics)
    beds = int(records.elders["has_bed"].sum())
    assert 0 < beds < ELDERS
    assert got["beds_mean"] == pytest.approx(beds)
    assert got["cost_per_bed_year"] == pytest.approx(got["cost_per_year"] / beds)


def test_summary_shows_fte_beside_hours(metrics):
    text = format_summary(summarise(metrics))
    hours_line = next(x for x in text.splitlines() if x.strip().startswith("caregiver hours"))
    assert hours_line.rstrip().endswith("8.76 FTE")
    assert "Staff per pool" in text
    assert max(len(x) for x in text.splitlines()) <= 100


def test_taiyuan_baseline_gives_every_new_unit_cost():
    costs = load_scenario(Path(__file__).parents[1] / "scenarios" / "taiyuan-2022.yaml").costs
    assert costs.van_per_hour > 0
    assert min(costs.capital.model_dump().values()) > 0
    assert "hours_per_fte_year" in costs.model_fields_set  # set for China, not the default


@pytest.mark.parametrize(
    ("costs", "path", "words"),
    [
        ({"hours_per_fte_year": 0}, "costs.hours_per_fte_year", ["greater than 0"]),
        ({"hours_per_fte_year": 9000}, "costs.hours_per_fte_year", ["at most 8784"]),
        ({"hours_per_fte_year": "full"}, "costs.hours_per_fte_year", ["expected a number"]),
        ({"van_per_hour": -1}, "costs.van_per_hour", ["at least 0"]),
        ({"van_per_hour": ".inf"}, "costs.van_per_hour", ["finite"]),
        (
            {"capital": {"centre_per_yer": 1}},
            "costs.capital.centre_per_yer",
            ["did you mean 'centre_per_year'?"],
        ),
        ({"capital": 5}, "costs.capital", ["expected a mapping"]),
    ],
)
def test_bad_cost_fields_name_file_line_and_path(write_scenario, tmp_path, costs, path, words):
    import yaml

    data = {**SCENARIO, "costs": {**SCENARIO["costs"], **costs}}
    text = yaml.safe_dump(data, sort_keys=False).replace("'.inf'", ".inf")
    file = write_scenario(text)
    with pytest.raises(ScenarioError) as err:
        load_scenario(file)
    problem = err.value.problems[0]
    assert problem.field_path == path
    assert problem.line is not None
    for word in words:
        assert word in str(err.value)


def test_every_run_reports_the_same_cost_rows(scenario):
    """Cost rows do not depend on what happened: a run where nothing is served has them too."""
    idle = scenario.with_overrides({"services.care_visit": None, "services.bath": None})
    got = _all(_metrics(idle))
    assert got["elders_served"] == 0
    assert math.isnan(got["cost_per_elder_served"])
    assert set(got) == set(_all(_metrics(scenario)))
