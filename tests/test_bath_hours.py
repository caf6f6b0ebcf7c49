"""Service hours for baths (``services.bath.hours``, as ``care_visit.hours``): a bath starts
only inside them — a home team sets off, an elder coming by their own means sets off, a van
brings the elder to the centre — with or without vans and booking; work waiting at closing time
starts when they open again."""

from __future__ import annotations

import numpy as np
import pytest
from test_engine_baths import scenario

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.invariants import check_all

DAY = 1440.0
HOURS = {"mon-fri": ["10:00-14:00"]}  # the stations and teams work round the clock
CASES = {
    "own means": {},
    "vans": {"bathing_centre.vans": {"count": 2, "seats": 3}},
    "vans and booking": {
        "bathing_centre.vans": {"count": 2, "seats": 3},
        "bathing_centre.booking": {"slot_min": 30, "book_ahead_days": 7},
        "home_bathing.booking": {"slot_min": 30, "book_ahead_days": 7},
    },
}


@pytest.mark.parametrize("case", CASES)
def test_baths_start_only_inside_their_hours(case):
    s = scenario(**{"services.bath.hours": HOURS, **CASES[case]})
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []  # includes: no request starts outside its service's hours
    r = rec.requests
    started = r[r.start_min.notna()]
    for service in ("centre_bath", "home_bath"):
        t = started[started.service == service].start_min.to_numpy()
        assert len(t) > 0
        minute, weekday = t % DAY, (t // DAY).astype(np.int64) % 7  # day 0 is a Monday
        assert ((minute >= 600) & (minute < 840) & (weekday < 5)).all()
    # without the hours the same units start baths at other times too (the hours bind)
    free = run_replication(scenario(**CASES[case]), 0).requests
    t = free.start_min.dropna().to_numpy()
    assert ((t % DAY < 600) | (t % DAY >= 840)).any()


def test_idle_vans_leave_when_the_hours_open():
    """Centre baths waiting while the baths' hours are closed are fetched as soon as they open:
    on most weekdays with a bath waiting at 10:00 (19 of 22 here; the others: the vans were out),
    a pick-up run leaves at 10:00 sharp, when no other event need happen (without the wake-up
    at the opening: none of 22)."""
    s = scenario(**{"services.bath.hours": HOURS, **CASES["vans"]})
    rec = run_replication(s, 0)
    r, trips = rec.requests, rec.van_trips
    centre = r[r.service == "centre_bath"]
    left = centre.start_min.fillna(np.inf).to_numpy()
    openings = [d * DAY + 600 for d in range(30) if d % 7 < 5]
    waited = [t for t in openings if ((centre.request_min < t) & (left > t)).any()]
    pick = set(trips[trips.kind == "pickup"].depart_min)
    assert len(waited) > 10
    assert sum(t in pick for t in waited) >= 0.75 * len(waited)
