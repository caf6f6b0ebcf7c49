"""Unit tier: when requests fall due (carecap.sim.engine.demand, carecap.sim.engine.timewarp),
checked against renewal theory
and the seasonal time change, not against numbers from a run.

Demand does not depend on capacity, so these scenarios have nobody on shift: the engine only
makes requests. Counts are compared with their expectation within 4 Poisson standard errors.
"""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from carecap.sim.engine.kernel import run_replication
from carecap.sim.scenario.model import Scenario

DAY = 1440.0


def scenario(**overrides) -> Scenario:
    """400 elders (one district, level, tier) with calendar care visits every 5 days
    (exponential: a Poisson stream per elder) and 6 alarms a month each that all need a visit;
    one caregiver pool with nobody on shift; 90 days from Saturday 2022-01-01."""
    base = Scenario.model_validate(
        {
            "name": "demand",
            "calendar": {"start_date": "2022-01-01", "horizon_days": 90},
            "tiers": ["t"],
            "care_levels": {"lv": {}},
            "districts": {"a": {}},
            "population": {
                "elders_by_district": {"a": 400},
                "care_level_shares": {"lv": 1.0},
                "tier_shares": {"t": 1.0},
            },
            "services": {
                "care_visit": {
                    "target_days": 1,
                    "by_care_level": {
                        "lv": {
                            "interval_days": {"dist": "exponential", "mean": 5},
                            "duration_min": 30,
                        }
                    },
                },
                "alarm": {
                    "rate_per_bed_month": 6,
                    "visit_share": 1,
                    "duration_min": 20,
                    "target_min": 30,
                },
            },
            "caregivers": [
                {"name": "cg", "shifts": [{"count": 0, "hours": "always"}], "travel_min": {"a": 5}}
            ],
        }
    )
    return base.with_overrides(overrides)


def request_days(s: Scenario, service: str) -> np.ndarray:
    r = run_replication(s, 0).requests
    return r.request_min[r.service == service].to_numpy() / DAY


def per_day(days: np.ndarray, lo: float, hi: float) -> tuple[float, float]:
    """Requests per day in [lo, hi) (days), with its Poisson standard error."""
    n = int(((days >= lo) & (days < hi)).sum())
    return n / (hi - lo), np.sqrt(n) / (hi - lo)


@pytest.mark.parametrize(
    "interval",
    [5, {"dist": "exponential", "mean": 5}, {"dist": "gamma", "mean": 5, "sd": 4}],
    ids=["fixed", "exponential", "gamma"],
)
def test_calendar_visits_are_a_stationary_renewal_stream_from_time_zero(interval):
    """Renewal theory: a stationary stream with mean interval m makes t/m requests in any window
    of length t, from time 0 on (with exponential intervals it is a Poisson stream, as the
    scenario documentation promises). The first due date must therefore follow the equilibrium
    law of the interval, not a uniform share of an ordinary interval, which for a variable
    interval adds CV²/2 requests per elder at the start (0.5 for exponential)."""
    s = scenario(
        **{
            "population.elders_by_district.a": 4000,
            "calendar.horizon_days": 12,
            "services.care_visit.by_care_level.lv.interval_days": interval,
        }
    )
    days = request_days(s, "care_visit")
    for lo, hi in ((0, 5), (5, 10)):
        rate, se = per_day(days, lo, hi)
        assert abs(rate - 4000 / 5) < 4 * se, f"days {lo}-{hi}: {rate:.0f} a day, expected 800"


@pytest.mark.parametrize("service", ["care_visit", "alarm"])
def test_seasonal_factor_2_doubles_the_request_rate_of_its_month(service):
    """January, February (factor 2) and March 2022 are days 0-31, 31-59 and 59-90; both streams
    make 400 / 5 = 400 x 6 / (365.25 / 12) ≈ 80 requests a day outside February."""
    factor = {2: 2.0}
    s = scenario(
        **{
            "services.care_visit.seasonal_factor_by_month": factor,
            "services.alarm.seasonal_factor_by_month": factor,
        }
    )
    days = request_days(s, service)
    base = 80 if service == "care_visit" else 400 * 6 / (365.25 / 12)
    # from day 15 on: any start-up transient of the first due dates has died out
    for lo, hi in ((15, 31), (59, 90)):
        rate, se = per_day(days, lo, hi)
        assert abs(rate - base) < 4 * se, (lo, hi, rate)
    rate, se = per_day(days, 31, 59)
    assert abs(rate - 2 * base) < 4 * se, rate


def test_seasonal_factor_0_stops_calendar_requests_in_its_month():
    s = scenario(**{"services.care_visit.seasonal_factor_by_month": {2: 0.0}})
    days = request_days(s, "care_visit")
    assert ((days >= 15) & (days < 31)).any()
    assert not ((days >= 31) & (days < 59)).any()
    assert ((days >= 59) & (days < 90)).any()


@pytest.mark.parametrize(
    ("path", "interval"),
    [
        ("services.care_visit.by_care_level.lv.interval_days", 0),
        ("services.care_visit.by_care_level.lv.interval_days", {"dist": "exponential", "mean": 0}),
        ("services.bath", {"interval_days_by_level": {"lv": {"dist": "empirical", "values": [0]}}}),
    ],
    ids=["care-fixed-0", "care-exponential-0", "bath-empirical-0"],
)
def test_a_zero_interval_is_refused(path, interval):
    """An interval that is always 0 asks for infinitely many requests at one instant (calendar
    mode never finishes drawing the tape; after_delivery with zero service loops at one time):
    validation must refuse it."""
    if path == "services.bath":
        interval = {"mode": "calendar", "target_days": 7, **interval}
        scenario(**{path: {**interval, "interval_days_by_level": {"lv": 7}}})  # valid otherwise
    with pytest.raises(ValidationError):
        scenario(**{path: interval})


def test_alarm_stream_is_poisson_per_bed():
    """Alarms that need a visit: rate x beds x time, within 4 standard errors, every month."""
    days = request_days(scenario(), "alarm")
    expected = 400 * 6 / (365.25 / 12)
    for lo, hi in ((0, 30), (30, 60), (60, 90)):
        rate, se = per_day(days, lo, hi)
        assert abs(rate - expected) < 4 * se, (lo, hi, rate)


def ulp_due_dates_scenario() -> Scenario:
    """Gamma intervals of shape (mean / sd)² ≈ 0.02, which put many due dates within a few float
    ulps of each other: 20 elders, care visits only, one caregiver on shift, 40 days (about 700
    requests). Also timed by ``python -m benchmarks.bench_edge_cases``."""
    return scenario(
        **{
            "population.elders_by_district.a": 20,
            "calendar.horizon_days": 40,
            "services.care_visit.by_care_level.lv.interval_days": {
                "dist": "gamma",
                "mean": 2,
                "sd": 15,
            },
            "services.alarm": None,
            "caregivers.0.shifts.0.count": 1,
        }
    )


def test_a_run_with_due_dates_a_float_ulp_apart_finishes():
    """Due dates a few float ulps apart (:func:`ulp_due_dates_scenario`): the run must finish
    (the clock must not get stuck an ulp short of a due date; how fast it finishes is timed by
    ``python -m benchmarks.bench_edge_cases``, not here), and every request must start no
    earlier than it was made."""
    r = run_replication(ulp_due_dates_scenario(), 0).requests
    assert len(r) > 100
    assert (r.start_min.dropna() >= r.request_min[r.start_min.notna()]).all()
