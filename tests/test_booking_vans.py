"""Functional and property tier: centre booking with vans (``bathing_centre.booking`` together
with ``bathing_centre.vans``, :mod:`carecap.sim.engine.booked_runs`): booked elders of one slot
and district ride one van run that arrives at the slot; vans stay vehicles; paired on the same
seed, booking flattens the weekday profile of a case built to bunch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import scenario_data
from test_booking import BOOKING, centre_bunching, weekday_cv

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics import invariants
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.model import Scenario

DAY = 1440.0
SMALL = Path(__file__).parent / "data" / "small.yaml"
VANS = {"count": 3, "seats": 3}


def bunching_with_vans(booking: dict | None = None) -> Scenario:
    """The centre's bunching case (tests/test_booking.py: 150 elders, all first baths due at
    one instant, two stations Monday to Friday 08:00-17:00) with three 3-seat vans and a
    5-minute ride, so that the vans are no bottleneck and the queue bunches behind weekends."""
    return centre_bunching(booking).with_overrides(
        {"bathing_centre.vans": VANS, "bathing_centre.transport_min.a": 5}
    )


def test_booking_with_vans_flattens_the_weekday_profile_paired_on_the_same_seed():
    queued, booked = bunching_with_vans(), bunching_with_vans(BOOKING)
    for rep in range(3):
        a, b = run_replication(queued, rep), run_replication(booked, rep)
        assert invariants.check_all(b, booked) == []
        assert len(b.van_trips) > 0
        assert weekday_cv(b.requests) < weekday_cv(a.requests)
        started = b.requests[b.requests.start_min.notna()]
        assert (started.start_min >= started.request_min).all()


def _pickups(rec):
    trips = rec.van_trips
    pick = trips[trips.kind == "pickup"]
    r = rec.requests.set_index("request_id")
    return pick.join(r[["district", "start_min", "request_min"]], on="request_id")


def test_booked_elders_of_one_run_share_district_and_slot():
    """Two districts, a window long enough that every bath due well before the horizon is
    booked: each pick-up run carries elders of one district, who all start at the run's
    arrival, and that arrival is a slot of the centre's grid (08:00 + a multiple of 30 min)."""
    s = bunching_with_vans({"slot_min": 30, "book_ahead_days": 60}).with_overrides(
        {
            "districts": {"a": {}, "b": {}},
            "population.elders_by_district": {"a": 90, "b": 60},
            "bathing_centre.transport_min": {"a": 5, "b": 25},
        }
    )
    rec = run_replication(s, 0)
    assert invariants.check_all(rec, s) == []
    pick = _pickups(rec)
    pick = pick[pick.request_min < (240 - 30) * DAY]
    assert pick.trip_id.nunique() > 50
    runs = pick.groupby("trip_id")
    assert (runs.district.nunique() == 1).all()
    assert (pick.start_min == pick.back_min).all()
    assert (runs.size() > 1).any(), "some runs fetch several elders of one slot"
    assert np.allclose((pick.back_min.to_numpy() % DAY - 480) % 30, 0)
    # and a run's elders were booked into the same slot: one start per run
    assert (runs.start_min.nunique() == 1).all()


def test_invariants_hold_with_centre_booking_and_vans_in_the_small_scenario():
    """Exits, give-ups, waiting lists, overflow routing, one van, booking at home and centre."""
    s = load_scenario(SMALL).with_overrides(
        {"home_bathing.booking": BOOKING, "bathing_centre.booking": BOOKING}
    )
    for rep in range(3):
        rec = run_replication(s, rep)
        assert invariants.check_all(rec, s) == []
        assert len(rec.van_trips) > 0


def test_a_zero_length_booked_bath_is_not_booked_at_the_end_of_the_stations_shift():
    """Regression (the property test below, count=1, seats=1, stop=5, slot=15, ahead=1): a
    zero-length bath fits ``[t, t + 0)`` in a span even at ``t`` = the span's end, so the slot
    grid offered 09:00 of an 08:00-09:00 station; its van run (leaving 08:55, within van hours)
    arrived as the station went off shift and the bath started off shift. A slot must start
    before its span ends."""
    s = centre_bunching({"slot_min": 15, "book_ahead_days": 1}).with_overrides(
        {
            "bathing_centre.stations": 1,
            "bathing_centre.hours": {"mon-fri": ["08:00-09:00"]},
            "bathing_centre.bath_duration_min": 0,
            "bathing_centre.transport_min.a": 0,
            "bathing_centre.vans": {"count": 1, "seats": 1, "per_stop_min": 5},
        }
    )
    rec = run_replication(s, 0)
    assert invariants.check_all(rec, s) == []
    pick = _pickups(rec)
    assert len(pick) > 100
    assert (pick.back_min % DAY < 540).all(), "no van arrives at 09:00, when the station closes"


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    data=scenario_data(drain=None),
    count=st.integers(1, 3),
    seats=st.integers(1, 4),
    stop=st.sampled_from([0.0, 5.0, 12.5]),
    slot=st.sampled_from([5.0, 15.0, 30.0, 60.0]),
    ahead=st.sampled_from([0.05, 1.0, 14.0]),
)
def test_vans_are_vehicles_with_booking_in_every_scenario(data, count, seats, stop, slot, ahead):
    """Every scenario with a centre, given vans and booking: one run at a time per van, never
    more elders aboard than seats, one district per pick-up run, pick-ups within van hours,
    stations held from arrival only, every started centre bath brought by van; and every other
    invariant (``invariants.check_all``)."""
    assume("bathing_centre" in data)
    centre = dict(data["bathing_centre"])
    centre["vans"] = {"count": count, "seats": seats, "per_stop_min": stop}
    centre["booking"] = {"slot_min": slot, "book_ahead_days": ahead}
    scenario = Scenario.model_validate({**data, "bathing_centre": centre})
    rec = run_replication(scenario, 0)
    assert invariants.check_all(rec, scenario) == []
    pick = _pickups(rec)
    assert (pick.groupby("trip_id").size() <= seats).all()
    assert (pick.start_min >= pick.back_min - 1e-9).all()
