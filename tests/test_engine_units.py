"""Unit tier: small deterministic scenarios of care visits and alarms, checked by hand.

Fixed distributions make every time exact; what stays random (an elder's phase in the first
interval, alarm times, tiers) is read from the records, never copied from a run. The calendar
starts on Monday 2022-01-03, so simulation day d is weekday d % 7.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from carecap.sim.engine.kernel import run_replication
from carecap.sim.scenario.model import Scenario

DAY = 1440.0
INTERVAL = 10 * DAY
TRAVEL, DURATION = 10.0, 30.0
WEEKDAYS_8_17 = {"mon-fri": ["08:00-17:00"]}


def scenario(**overrides) -> Scenario:
    """One elder in district a, level lv, tier hi; care visits every 10 days (calendar), 10 min
    travel + 30 min visit; one caregiver always on shift; 35 days, no warm-up."""
    base = Scenario.model_validate(
        {
            "name": "unit",
            "calendar": {"start_date": "2022-01-03", "horizon_days": 35},
            "tiers": ["hi", "lo"],
            "care_levels": {"lv": {}},
            "districts": {"a": {}},
            "population": {
                "elders_by_district": {"a": 1},
                "care_level_shares": {"lv": 1.0},
                "tier_shares": {"hi": 1.0},
            },
            "services": {
                "care_visit": {
                    "mode": "calendar",
                    "target_days": 1,
                    "by_care_level": {"lv": {"interval_days": 10, "duration_min": DURATION}},
                }
            },
            "caregivers": [
                {
                    "name": "cg",
                    "shifts": [{"count": 1, "hours": "always"}],
                    "travel_min": {"a": TRAVEL},
                }
            ],
        }
    )
    return base.with_overrides(overrides)


def requests(s: Scenario, replication: int = 0) -> pd.DataFrame:
    r = run_replication(s, replication).requests
    return r.sort_values(["request_min", "request_id"], ignore_index=True)


def next_weekday_8_17(t: float) -> float:
    """When a Mon-Fri 08:00-17:00 shift can first start something requested at ``t``."""
    d, m = divmod(t, DAY)
    d = int(d)
    if d % 7 < 5 and 480 <= m < 1020:
        return t
    if d % 7 < 5 and m < 480:
        return d * DAY + 480
    d += 1
    while d % 7 >= 5:
        d += 1
    return d * DAY + 480


def test_calendar_visits_every_interval_served_on_the_spot():
    r = requests(scenario())
    t0 = r.request_min[0]
    assert 0 <= t0 < INTERVAL
    expected = np.arange(t0, 35 * DAY, INTERVAL)
    np.testing.assert_allclose(r.request_min, expected, rtol=0, atol=1e-6)
    assert (r.outcome == "served").all()
    assert (r.start_min == r.request_min).all()
    assert (r.travel_min == TRAVEL).all()
    np.testing.assert_allclose(r.end_min, r.start_min + TRAVEL + DURATION, rtol=0, atol=1e-9)


def test_request_at_night_starts_when_the_shift_opens():
    """A visit on the waiting list at time 0 (Monday 00:00) starts at 08:00."""
    s = scenario(
        **{
            "caregivers.0.shifts.0.hours": WEEKDAYS_8_17,
            "initial_backlog": {"care_visit": {"hi": 1}},
        }
    )
    r = requests(s)
    assert r.request_min[0] == 0
    assert r.start_min[0] == 480
    assert r.end_min[0] == 480 + TRAVEL + DURATION


def test_every_request_starts_at_the_next_opening_of_the_shift():
    s = scenario(
        **{
            "population.elders_by_district.a": 30,
            "caregivers.0.shifts.0": {"count": 50, "hours": WEEKDAYS_8_17},
        }
    )
    r = requests(s)
    expected = [next_weekday_8_17(t) for t in r.request_min]
    assert (np.asarray(expected) > r.request_min).any(), "no request fell outside the shift"
    started = r.start_min.notna()
    np.testing.assert_allclose(r.start_min[started], np.asarray(expected)[started], atol=1e-9)


def test_after_delivery_next_visit_is_due_an_interval_after_the_last_ended():
    r = requests(scenario(**{"services.care_visit.mode": "after_delivery"}))
    assert len(r) >= 3
    np.testing.assert_allclose(r.request_min[1:], r.end_min[:-1] + INTERVAL, rtol=0, atol=1e-6)


def test_higher_tier_first_when_a_caregiver_comes_on_shift():
    """Six visits wait from Monday 00:00 (three per tier); the 08:00 caregiver takes the tier
    'hi' ones first, each tier in request order (ties broken by request id)."""
    s = scenario(
        **{
            "calendar.horizon_days": 2,
            "population.elders_by_district.a": 40,
            "population.tier_shares": {"hi": 0.5, "lo": 0.5},
            "services.care_visit.by_care_level.lv.interval_days": 1e5,  # nobody else falls due
            "caregivers.0.shifts.0.hours": WEEKDAYS_8_17,
            "initial_backlog": {"care_visit": {"hi": 3, "lo": 3}},
        }
    )
    r = requests(s)
    assert (r.request_min == 0).all() and len(r) == 6
    order = r.sort_values("start_min")
    assert order.tier.astype(str).tolist() == ["hi"] * 3 + ["lo"] * 3
    assert order.start_min.tolist() == [480 + 40 * i for i in range(6)]
    for _, tier in order.groupby("tier", observed=True):
        assert tier.request_id.is_monotonic_increasing


def test_alarm_outranks_a_care_visit_of_a_higher_tier():
    """Care visits of tier 'hi' wait from 00:00; alarms of tier 'lo' elders arrive overnight.
    From 08:00 on, no visit starts while an alarm that was already made is waiting."""
    s = scenario(
        **{
            "calendar.horizon_days": 1,
            "population.elders_by_district.a": 10,
            "population.tier_shares": {"hi": 0.5, "lo": 0.5},
            "services.care_visit.by_care_level.lv.interval_days": 1e5,
            "services.alarm": {
                "rate_per_bed_month": 50,
                "visit_share": 1,
                "duration_min": 10,
                "target_min": 30,
            },
            "caregivers.0.shifts.0.hours": WEEKDAYS_8_17,
            "initial_backlog": {"care_visit": {"hi": 3}},
        }
    )
    r = requests(s)
    alarms, visits = r[r.service == "alarm"], r[r.service == "care_visit"]
    assert (alarms.request_min < 480).any(), "precondition: an alarm waits at 08:00"
    assert len(visits) == 3
    assert r.loc[r.start_min.idxmin(), "service"] == "alarm"
    for t in visits.start_min.dropna():
        waiting = alarms[(alarms.request_min < t) & ~(alarms.start_min <= t)]
        assert waiting.empty, f"visit started at {t} while alarms waited:\n{waiting}"


def test_request_nobody_serves_is_abandoned_exactly_at_give_up():
    """No caregiver on shift; give up after 1 day. after_delivery: the next visit falls due an
    interval after the abandonment."""
    s = scenario(
        **{
            "services.care_visit.mode": "after_delivery",
            "services.care_visit.give_up_days": 1,
            "caregivers.0.shifts.0.count": 0,
        }
    )
    r = requests(s)
    assert len(r) >= 3
    assert (r.outcome[r.request_min + DAY < 35 * DAY] == "abandoned").all()
    done = r[r.outcome == "abandoned"]
    np.testing.assert_allclose(done.end_min, done.request_min + DAY, rtol=0, atol=1e-6)
    np.testing.assert_allclose(r.request_min[1:], r.end_min[:-1] + INTERVAL, rtol=0, atol=1e-6)


def test_calendar_give_up_does_not_move_the_next_due_date():
    s = scenario(**{"services.care_visit.give_up_days": 2, "caregivers.0.shifts.0.count": 0})
    r = requests(s)
    np.testing.assert_allclose(np.diff(r.request_min), INTERVAL, rtol=0, atol=1e-6)
    done = r[r.outcome == "abandoned"]
    assert len(done) >= 3
    np.testing.assert_allclose(done.end_min, done.request_min + 2 * DAY, rtol=0, atol=1e-6)


def test_waits_are_never_negative_even_by_a_rounding_error():
    """Requests start on the spot here (1000 units always on). The engine's clock, advanced by
    relative delays, must not put a start a float ulp before the request time it logged."""
    s = Scenario.model_validate(
        {
            "name": "ulp",
            "seed": 163,
            "calendar": {"start_date": "2021-01-01", "horizon_days": 5.0},
            "tiers": ["t0"],
            "districts": {"d0": {}},
            "care_levels": {"lv0": {"can_go_to_centre": False}, "lv1": {"can_go_to_centre": False}},
            "population": {
                "elders_by_district": {"d0": 32},
                "tier_shares": {"t0": 1.0},
                "care_level_shares": {"lv0": 0.0, "lv1": 1.0},
            },
            "services": {
                "bath": {
                    "mode": "calendar",
                    "target_days": 1.0,
                    "interval_days_by_level": {"lv0": 4.0, "lv1": 4.875},
                }
            },
            "home_bathing": {
                "setup_min": 5,
                "bath_min": 30,
                "packup_min": 5,
                "teams": [
                    {
                        "name": "teams",
                        "base_district": "d0",
                        "travel_min": {"d0": 10},
                        "shifts": [{"count": 1000, "hours": "always"}],
                    }
                ],
            },
        }
    )
    r = requests(s)
    assert (r.wait_min >= 0).all(), r[r.wait_min < 0][["request_min", "start_min", "wait_min"]]
    assert (r.start_min == r.request_min).all()
