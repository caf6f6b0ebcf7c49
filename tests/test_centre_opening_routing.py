"""Baths before the centre opens (``bathing_centre.opens_on``): routed home where a home service
serves the elder's district, else queued at the centre for its opening. (Without a home service
they once went to "no resource" and waited forever; an elder's next bath, made after the last
was delivered, then never came, so a centre opening a month late showed no centre bath all
run.)"""

from __future__ import annotations

import datetime as dt

from test_van_hours_open import START, centre_scenario

from carecap.sim.engine.kernel import run_replication

DAY_MIN = 1440.0
OPENS_ON = "2022-02-01"


def _late_centre(with_home_team: bool):
    overrides: dict = {"bathing_centre.opens_on": OPENS_ON}
    if with_home_team:
        team = {"name": "home_a", "base_district": "a", "travel_min": {"a": 20}}
        team["shifts"] = [{"count": 1, "hours": {"mon-fri": ["08:00-17:00"]}}]
        overrides["home_bathing"] = {
            "teams": [team],
            "setup_min": 15,
            "bath_min": 40,
            "packup_min": 15,
        }
    return centre_scenario(None).with_overrides(overrides)


def test_without_a_home_service_baths_wait_for_the_opening():
    scenario = _late_centre(with_home_team=False)
    requests = run_replication(scenario, 0).requests
    assert set(requests.service) == {"centre_bath"}  # no bath sent to a home service it lacks
    open_min = (dt.date.fromisoformat(OPENS_ON) - START).days * DAY_MIN
    served = requests[requests.outcome == "served"]
    assert len(served) > 0 and (served.start_min >= open_min).all()
    early = requests[requests.request_min < open_min]
    assert len(early) > 0 and (early.outcome == "served").all()  # each early bath is taken later


def test_with_a_home_service_baths_before_the_opening_go_home():
    scenario = _late_centre(with_home_team=True)
    requests = run_replication(scenario, 0).requests
    open_min = (dt.date.fromisoformat(OPENS_ON) - START).days * DAY_MIN
    early = requests[requests.request_min < open_min]
    assert len(early) > 0 and (early.service == "home_bath").all()
