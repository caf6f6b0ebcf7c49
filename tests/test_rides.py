"""Unit and property tier: the ride home from the bathing centre (:mod:`carecap.sim.metrics.rides`).

A hand-timed case (one van, one seat, fixed durations) checks every figure against a timeline
worked out from the van rules of :mod:`carecap.sim.engine.vans`; small scenarios with queued and
booked baths check the invariants (waits non-negative, time away from home = ride in + bath +
wait + ride home, shares in [0, 1])."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.common import Window
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.metrics.rides import after_close, ride_times
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.model import Scenario

DAY = 1440.0
SMALL = Path(__file__).parent / "data" / "small.yaml"


def hand_timed(close: str = "12:30") -> Scenario:
    """Three elders of one district whose first baths all fall due when the service opens
    (Tue 1 Mar 2022, 00:00: every first due date, at most one 30-day interval after the start,
    is earlier and so moves to the opening); one van with one seat, a 60-min ride, a 5-min stop,
    50-min baths, three stations; the centre (and so the vans) open 08:00-``close``; the run
    ends three days after the opening (no second bath falls due)."""
    return Scenario.model_validate(
        {
            "name": "hand-timed",
            "calendar": {"start_date": "2022-01-03", "horizon_days": 60},
            "tiers": ["t0"],
            "care_levels": {"walk": {}},
            "districts": {"a": {}},
            "population": {
                "elders_by_district": {"a": 3},
                "care_level_shares": {"walk": 1.0},
                "tier_shares": {"t0": 1.0},
            },
            "services": {
                "bath": {
                    "target_days": 7,
                    "interval_days_by_level": {"walk": 30},
                    "opens_on": "2022-03-01",
                }
            },
            "bathing_centre": {
                "district": "a",
                "stations": 3,
                "hours": {"mon-fri": [f"08:00-{close}"]},
                "bath_duration_min": 50,
                "transport_min": {"a": 60},
                "vans": {"count": 1, "seats": 1, "per_stop_min": 5},
            },
        }
    )


def rows(m: pd.DataFrame, service: str, slice_kind: str = "all") -> pd.Series:
    sel = m[(m.service == service) & (m.slice == slice_kind)]
    return sel.set_index(["slice_value", "metric"])["value"]


def test_hand_timed_ride_home():
    """Day 1 (Tue), t = minutes after 08:00. A run takes 2 x 60 + 5 = 125 min.
    A: picked up t=0 (boards 65), at the centre 125, bath to 175.
    B: the van is back at 125 with nothing to take home: picks B up, at the centre 250, bath to
    300. At 250 A's group is ready (since 175): A goes home at 250 (wait 75), home 315, van back
    at 375; B goes at 375 (wait 75; 14:15, after the 12:30 close), home 440.
    C: a pick-up at 500 would arrive at 16:05, after the stations close: C goes on day 2, at the
    centre 125, bath to 175, home at 175 (wait 0), home 240.
    Away from home: A 315 - 65 = 250, B 440 - 190 = 250, C 240 - 65 = 175."""
    s = hand_timed()
    rec = run_replication(s, 0)
    assert (rec.requests.outcome == "served").sum() == 3
    rides = ride_times(rec, Window.of(rec))
    assert sorted(rides.ride_home_wait_min) == pytest.approx([0, 75, 75])
    assert sorted(rides.door_to_door_min) == pytest.approx([175, 250, 250])

    centre = rows(replication_metrics(rec, s), "centre_bath")
    assert centre["all", "ride_home_wait_mean_min"] == pytest.approx(50.0)
    assert centre["all", "ride_home_wait_p90_min"] == pytest.approx(75.0)
    assert centre["all", "door_to_door_mean_min"] == pytest.approx(225.0)
    assert centre["all", "door_to_door_p90_min"] == pytest.approx(250.0)
    assert centre["all", "rides_home"] == 3
    van = rows(replication_metrics(rec, s), "transport", "pool")
    assert van["vans", "return_after_close_share"] == pytest.approx(1 / 3)


def test_a_later_close_brings_the_late_return_inside_opening_hours():
    """The same timeline with the centre open to 15:00: B's return (14:15) is inside."""
    s = hand_timed(close="15:00")
    van = rows(replication_metrics(run_replication(s, 0), s), "transport", "pool")
    assert van["vans", "return_after_close_share"] == 0.0


def test_after_close_counts_departures_outside_the_open_spans():
    spans = [(480.0, 1020.0), (1920.0, 2460.0)]
    depart = np.array([479.9, 480.0, 1019.9, 1020.0, 1500.0, 2000.0, 3000.0])
    assert after_close(depart, spans).tolist() == [True, False, False, True, True, False, True]
    assert after_close(depart, []).all()


def _cases() -> list[Scenario]:
    small = load_scenario(SMALL)
    return [
        small,
        small.with_overrides({"bathing_centre.vans": {"count": 2, "seats": 3, "per_stop_min": 4}}),
        small.with_overrides({"bathing_centre.booking": {"slot_min": 60, "book_ahead_days": 7}}),
    ]


@pytest.mark.parametrize("case", range(3))
def test_ride_invariants(case):
    """Waits and times away are non-negative; time away = ride in + bath + wait for the ride
    home + ride home (each computed from its own columns), so at least bath + two rides; every
    ride is at least one stop; the share is in [0, 1]; the slices add up to ``all``."""
    s = _cases()[case]
    for rep in range(2):
        rec = run_replication(s, rep)
        trips, r = rec.van_trips, rec.requests.set_index("request_id")
        pick = trips[trips.kind == "pickup"].set_index("request_id")
        back = trips[trips.kind == "return"].set_index("request_id")
        rides = ride_times(rec, Window.of(rec)).set_index("request_id")
        assert len(rides) > 0
        rid = rides.index
        ride_in = pick.loc[rid, "back_min"] - pick.loc[rid, "home_min"]
        ride_home = back.loc[rid, "home_min"] - back.loc[rid, "depart_min"]
        bath = r.loc[rid, "end_min"] - r.loc[rid, "start_min"]
        stop = s.bathing_centre.vans.per_stop_min
        assert (rides.ride_home_wait_min >= 0).all()
        assert (ride_in >= stop - 1e-9).all() and (ride_home >= stop - 1e-9).all()
        assert (r.loc[rid, "start_min"] == pick.loc[rid, "back_min"]).all()
        total = ride_in + bath + rides.ride_home_wait_min + ride_home
        assert np.allclose(rides.door_to_door_min, total)
        assert (rides.door_to_door_min >= bath + ride_in + ride_home - 1e-9).all()

        m = replication_metrics(rec, s)
        share = rows(m, "transport", "pool")["vans", "return_after_close_share"]
        assert 0.0 <= share <= 1.0
        centre = m[(m.service == "centre_bath") & (m.metric == "rides_home")]
        total_rides = centre[centre.slice == "all"].value.item()
        assert total_rides == len(rides)
        for kind in ("tier", "district", "care_level"):
            assert centre[centre.slice == kind].value.sum() == total_rides
        means = m[(m.service == "centre_bath") & m.metric.str.endswith("_min")]
        assert (means.value.dropna() >= 0).all()


def test_no_ride_rows_without_vans():
    s = load_scenario(SMALL).with_overrides({"bathing_centre.vans": None})
    m = replication_metrics(run_replication(s, 0), s)
    assert not m.metric.isin(["ride_home_wait_mean_min", "return_after_close_share"]).any()
