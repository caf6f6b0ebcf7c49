"""Functional and unit tier: booked slots for home bathing (``home_bathing.booking``,
:mod:`carecap.sim.engine.booking`), checked against the invariants and, paired on the same seed,
against queueing without booking."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.invariants import check_all
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.scenario.model import Scenario

DAY = 1440.0
SMALL = Path(__file__).parent / "data" / "small.yaml"
BOOKING = {"slot_min": 30, "book_ahead_days": 14}


def bunching(booking: dict | None = None, bath_min: object = None) -> Scenario:
    """150 bedridden elders bathed at home every 30 days after the last bath, by two teams
    working Monday to Friday 08:00-17:00; the service opens on Monday 10 Jan, so every first bath
    falls due at that instant (they cluster), and closed weekends push the rest along."""
    home: dict = {
        "setup_min": 10,
        "bath_min": bath_min or {"dist": "uniform", "low": 40, "high": 60},
        "packup_min": 10,
        "teams": [
            {
                "name": "team",
                "base_district": "a",
                "travel_min": {"a": 20},
                "shifts": [{"count": 2, "hours": {"mon-fri": ["08:00-17:00"]}}],
            }
        ],
    }
    if booking is not None:
        home["booking"] = booking
    return Scenario.model_validate(
        {
            "name": "bunching",
            "calendar": {"start_date": "2022-01-03", "horizon_days": 240},  # a Monday
            "tiers": ["t0", "t1"],
            "care_levels": {"bed": {"can_go_to_centre": False}},
            "districts": {"a": {}},
            "population": {
                "elders_by_district": {"a": 150},
                "care_level_shares": {"bed": 1.0},
                "tier_shares": {"t0": 0.3, "t1": 0.7},
            },
            "services": {
                "bath": {
                    "target_days": 7,
                    "interval_days_by_level": {"bed": 30},
                    "opens_on": "2022-01-10",
                }
            },
            "home_bathing": home,
        }
    )


def weekday_cv(requests: pd.DataFrame) -> float:
    """Coefficient of variation of home-bath starts per weekday, Monday to Friday (day 0 of the
    calendar is a Monday; the teams do not work at weekends)."""
    start = requests.start_min.dropna().to_numpy()
    per_day = np.bincount((start // DAY).astype(np.int64) % 7, minlength=7)
    assert per_day[5:].sum() == 0
    counts = per_day[:5]
    return float(counts.std() / counts.mean())


def test_booking_flattens_the_weekday_profile_paired_on_the_same_seed():
    queued, booked = bunching(), bunching(BOOKING)
    for rep in range(2):
        a, b = run_replication(queued, rep), run_replication(booked, rep)
        assert check_all(b, booked) == []
        assert weekday_cv(b.requests) < weekday_cv(a.requests)
        r = b.requests
        started = r[r.start_min.notna()]
        assert len(started) > 0
        assert (started.start_min >= started.request_min).all()  # never before it falls due


def test_booked_starts_lie_on_the_slot_grid_inside_shifts():
    """With a window far longer than the backlog, every bath due a month before the horizon is
    booked: it starts on a slot (08:00 + a multiple of 30 minutes) and its whole visit ends by
    17:00. (Baths due in the last days find no shift, hence no slot, before the horizon: they
    queue.)"""
    s = bunching({"slot_min": 30, "book_ahead_days": 60})
    r = run_replication(s, 0).requests
    started = r[r.start_min.notna() & (r.request_min < (240 - 30) * DAY)]
    assert len(started) > 0
    minute_of_day = started.start_min.to_numpy() % DAY
    assert np.allclose((minute_of_day - 480) % 30, 0)
    assert ((started.end_min.to_numpy() - started.start_min.to_numpy() // DAY * DAY) <= 1020).all()


def test_same_instant_is_booked_highest_tier_first():
    """All first baths fall due at the opening; with equal visit lengths, every first bath of
    tier t0 gets a slot no later than any of tier t1."""
    s = bunching({"slot_min": 30, "book_ahead_days": 60}, bath_min=50)
    r = run_replication(s, 0).requests
    first = r[(r.request_min == 7 * DAY) & r.start_min.notna()]
    t0 = first[first.tier == "t0"].start_min
    t1 = first[first.tier == "t1"].start_min
    assert len(t0) and len(t1)
    assert t0.max() <= t1.min()


def test_booked_and_queued_work_never_overlap():
    """A window of minutes sends many baths to the queue while others are booked: the capacity,
    on-shift, ordering and conservation invariants hold for the mix."""
    s = bunching({"slot_min": 15, "book_ahead_days": 0.05})
    for rep in range(2):
        rec = run_replication(s, rep)
        assert check_all(rec, s) == []
        r = rec.requests
        off_grid = (r.start_min.dropna() % 15 != 0).sum()
        assert off_grid > 0  # some queued work really ran


def test_invariants_hold_with_booking_in_the_small_scenario():
    """Exits, give-ups, a waiting list, a centre with vans and overflow routing, with booking."""
    s = load_scenario(SMALL).with_overrides({"home_bathing.booking": BOOKING})
    for rep in range(3):
        rec = run_replication(s, rep)
        assert check_all(rec, s) == []


def test_booking_keeps_every_request_paired():
    """Common random numbers: booking moves when baths happen, never what the first ones are."""
    a, b = run_replication(bunching(), 0), run_replication(bunching(BOOKING), 0)
    ra = a.requests[a.requests.request_min == 7 * DAY]
    rb = b.requests[b.requests.request_min == 7 * DAY]
    assert sorted(ra.elder_id) == sorted(rb.elder_id)


def centre_bunching(booking: dict | None = None) -> Scenario:
    """The bunching case at the centre: 150 elders who may go there, two stations open Monday to
    Friday 08:00-17:00, elders coming by their own means (no vans)."""
    centre: dict = {
        "district": "a",
        "stations": 2,
        "hours": {"mon-fri": ["08:00-17:00"]},
        "bath_duration_min": {"dist": "uniform", "low": 50, "high": 70},
        "transport_min": {"a": 20},
    }
    if booking is not None:
        centre["booking"] = booking
    base = bunching().model_dump(mode="json", exclude_none=True)
    base["care_levels"] = {"bed": {"can_go_to_centre": True}}
    base["home_bathing"] = None
    base["bathing_centre"] = centre
    return Scenario.model_validate({k: v for k, v in base.items() if v is not None})


def test_centre_booking_flattens_the_weekday_profile_paired_on_the_same_seed():
    queued, booked = centre_bunching(), centre_bunching(BOOKING)
    for rep in range(2):
        a, b = run_replication(queued, rep), run_replication(booked, rep)
        assert (b.requests.service == "centre_bath").all()
        assert check_all(b, booked) == []
        assert weekday_cv(b.requests) < weekday_cv(a.requests)
        started = b.requests[b.requests.start_min.notna()]
        assert (started.start_min >= started.request_min).all()


def test_invariants_hold_with_centre_and_home_booking_in_the_small_scenario():
    s = load_scenario(SMALL).with_overrides(
        {
            "home_bathing.booking": BOOKING,
            "bathing_centre.vans": None,
            "bathing_centre.booking": {"slot_min": 60, "book_ahead_days": 7},
        }
    )
    for rep in range(3):
        rec = run_replication(s, rep)
        assert check_all(rec, s) == []
