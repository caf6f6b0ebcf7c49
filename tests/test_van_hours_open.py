"""The centre's vans work from the day the centre opens (``bathing_centre.opens_on``), as its
stations do: van hours, and so van cost and utilisation, count nothing before it (they once
counted the van hours from the start of the run, so a centre opening mid-year showed vans paid
for and idle for months)."""

from __future__ import annotations

import datetime as dt

import pytest

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.common import Window
from carecap.sim.metrics.resources import van_hours_min
from carecap.sim.scenario.model import Scenario

DAY_MIN = 1440.0
START = dt.date(2022, 1, 3)  # a Monday
HORIZON_DAYS = 60
OPEN_MIN_PER_WEEKDAY = 4.5 * 60  # 08:00-12:30, Monday to Friday
VANS = 2


def centre_scenario(opens_on: str | None) -> Scenario:
    centre = {
        "district": "a",
        "stations": 3,
        "hours": {"mon-fri": ["08:00-12:30"]},
        "bath_duration_min": 50,
        "transport_min": {"a": 30},
        "vans": {"count": VANS, "seats": 2, "per_stop_min": 5},
    }
    bath = {"target_days": 7, "interval_days_by_level": {"walk": 14}}
    if opens_on is not None:  # the bath service opens with it (baths due before would go home)
        centre["opens_on"] = bath["opens_on"] = opens_on
    return Scenario.model_validate(
        {
            "name": "centre-opens-later",
            "calendar": {"start_date": START.isoformat(), "horizon_days": HORIZON_DAYS},
            "tiers": ["t0"],
            "care_levels": {"walk": {}},
            "districts": {"a": {}},
            "population": {
                "elders_by_district": {"a": 40},
                "care_level_shares": {"walk": 1.0},
                "tier_shares": {"t0": 1.0},
            },
            "services": {"bath": bath},
            "bathing_centre": centre,
        }
    )


def weekdays_between(first: dt.date, end: dt.date) -> int:
    """Monday-to-Friday days in ``[first, end)``."""
    return sum((first + dt.timedelta(d)).weekday() < 5 for d in range((end - first).days))


@pytest.mark.parametrize("opens_on", [None, "2022-02-01", "2022-02-26"])
def test_van_hours_start_when_the_centre_opens(opens_on):
    scenario = centre_scenario(opens_on)
    end = START + dt.timedelta(HORIZON_DAYS)
    first = START if opens_on is None else dt.date.fromisoformat(opens_on)
    expected = VANS * OPEN_MIN_PER_WEEKDAY * weekdays_between(first, end)
    window = Window(0.0, HORIZON_DAYS * DAY_MIN)
    assert van_hours_min(scenario, window) == pytest.approx(expected)


def test_no_van_leaves_before_the_centre_opens():
    """The clipped van hours are true of the run: every pick-up run leaves on or after the
    opening (baths due before it go home, per MODEL.md)."""
    scenario = centre_scenario("2022-02-01")
    records = run_replication(scenario, 0)
    trips = records.van_trips
    assert trips is not None and len(trips) > 0
    open_min = (dt.date(2022, 2, 1) - START).days * DAY_MIN
    assert (trips.depart_min >= open_min).all()
