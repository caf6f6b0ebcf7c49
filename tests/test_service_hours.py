"""Service hours (MODEL §2, §4 #4): a care-plan visit starts only inside the service's own
``hours`` and a caregiver's shift; alarms any time; visits waiting when the hours open start
then. Times are worked out by hand from fixed durations (10 min travel + 30 min visit)."""

from __future__ import annotations

import numpy as np
from test_engine_units import DAY, WEEKDAYS_8_17, requests, scenario

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.invariants import check_all, service_hours_respected

VISIT = 40.0  # travel + visit, minutes


def test_visits_waiting_overnight_start_when_the_hours_open():
    """Three visits due Monday 00:00, caregiver on shift round the clock: they start at 08:00,
    back to back, not at midnight."""
    s = scenario(
        **{
            "calendar.horizon_days": 2,
            "population.elders_by_district.a": 40,
            "services.care_visit.by_care_level.lv.interval_days": 1e5,
            "services.care_visit.hours": WEEKDAYS_8_17,
            "initial_backlog": {"care_visit": {"hi": 3}},
        }
    )
    r = requests(s)
    assert len(r) == 3 and (r.request_min == 0).all()
    assert sorted(r.start_min) == [480 + VISIT * i for i in range(3)]
    assert check_all(run_replication(s, 0), s) == []


def test_no_visit_starts_after_closing_the_rest_wait_for_the_next_day():
    """20 visits due Monday 00:00, 08:00-17:00: starts every 40 min while before 17:00 (i = 0..13,
    the last at 16:40 runs past closing and is finished), the other six on Tuesday from 08:00."""
    s = scenario(
        **{
            "calendar.horizon_days": 3,
            "population.elders_by_district.a": 40,
            "services.care_visit.by_care_level.lv.interval_days": 1e5,
            "services.care_visit.hours": WEEKDAYS_8_17,
            "initial_backlog": {"care_visit": {"hi": 20}},
        }
    )
    starts = np.sort(requests(s).start_min.to_numpy())
    expected = [480 + VISIT * i for i in range(14)] + [DAY + 480 + VISIT * i for i in range(6)]
    np.testing.assert_allclose(starts, expected, rtol=0, atol=1e-6)


def test_alarms_are_answered_at_any_hour():
    s = scenario(
        **{
            "calendar.horizon_days": 7,
            "population.elders_by_district.a": 20,
            "services.care_visit.hours": WEEKDAYS_8_17,
            "services.alarm": {
                "rate_per_bed_month": 20,
                "visit_share": 1,
                "duration_min": 10,
                "target_min": 30,
            },
        }
    )
    rec = run_replication(s, 0)
    r = rec.requests
    minute = r.start_min % DAY
    night = (minute < 480) | (minute >= 1020)
    weekend = (r.start_min // DAY) % 7 >= 5
    visits = r[r.service == "care_visit"]
    assert len(visits) > 10
    assert not (night | weekend)[r.service == "care_visit"].any()
    assert (night & (r.service == "alarm")).any()
    assert check_all(rec, s) == []


def test_the_invariant_catches_a_start_outside_the_hours():
    """The records of a run without hours break the invariant for a scenario with hours."""
    s = scenario(**{"calendar.horizon_days": 14, "population.elders_by_district.a": 30})
    rec = run_replication(s, 0)
    with_hours = s.with_overrides({"services.care_visit.hours": {"mon": ["08:00-09:00"]}})
    assert service_hours_respected(rec, s) == []
    assert service_hours_respected(rec, with_hours) != []
