"""Alarm urgency classes and the per-service ``priority`` rule (MODEL §2, §4 #5).

Alarms pile up overnight (caregivers work 08:00-17:00 only); when the shift opens, the order in
which they start is read from the records and compared with the rule: most urgent class first,
earliest within the class (``priority: urgency``, the default); arrival only (``fifo``); welfare
tier (``tier``). The invariant check :func:`carecap.sim.metrics.invariants.priority` must pass on
the rule in force and fail on the others (so it has the power to catch a broken queue).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.invariants import check_all, priority
from carecap.sim.scenario.model import Scenario

CLASSES = {
    "urgent": {"share": 0.3, "target_min": 30, "duration_min": 20},
    "routine": {"share": 0.7, "target_min": 120},
}


def scenario(**overrides) -> Scenario:
    """60 bed holders of three tiers raising many alarms, all needing a visit; two caregivers
    on weekdays 08:00-17:00, so alarms wait overnight."""
    base = Scenario.model_validate(
        {
            "name": "alarm-classes",
            "calendar": {"start_date": "2022-01-03", "horizon_days": 5},
            "tiers": ["hi", "mid", "lo"],
            "care_levels": {"lv": {}},
            "districts": {"a": {}},
            "population": {
                "elders_by_district": {"a": 60},
                "care_level_shares": {"lv": 1.0},
                "tier_shares": {"hi": 0.3, "mid": 0.3, "lo": 0.4},
            },
            "services": {
                "alarm": {
                    "rate_per_bed_month": 10,
                    "visit_share": 1,
                    "duration_min": 30,
                    "target_min": 30,
                    "classes": CLASSES,
                }
            },
            "caregivers": [
                {
                    "name": "cg",
                    "shifts": [{"count": 2, "hours": {"mon-fri": ["08:00-17:00"]}}],
                    "travel_min": {"a": 10},
                }
            ],
        }
    )
    return base.with_overrides(overrides)


def morning_order(rec) -> pd.DataFrame:
    """Alarms that waited at a shift opening, in the order they started (caregivers starting
    at the same instant: more urgent, then earlier, first)."""
    r = rec.requests
    r = r[(r.service == "alarm") & r.start_min.notna()]
    day_open = (r.start_min // 1440) * 1440 + 480
    waited = r[r.request_min < day_open].assign(code=lambda x: x.alarm_class.cat.codes)
    return waited.sort_values(["start_min", "code", "request_min"])


def test_records_carry_the_class_drawn_with_its_share():
    s = scenario()
    r = run_replication(s, 0).requests
    alarms = r[r.service == "alarm"]
    assert list(r.alarm_class.cat.categories) == ["urgent", "routine"]
    assert r.alarm_class[r.service != "alarm"].isna().all()
    urgent = int((alarms.alarm_class == "urgent").sum())
    lo, hi = stats.binom.ppf([0.0005, 0.9995], len(alarms), 0.3)
    assert lo <= urgent <= hi, (urgent, len(alarms))
    # a class's own duration applies to it; the others take the service's
    served = alarms[alarms.outcome == "served"]
    length = served.end_min - served.start_min - served.travel_min
    np.testing.assert_allclose(length[served.alarm_class == "urgent"], 20, atol=1e-6)
    np.testing.assert_allclose(length[served.alarm_class == "routine"], 30, atol=1e-6)


def test_most_urgent_class_first_earliest_within_the_class():
    s = scenario()
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []
    order = morning_order(rec)
    assert (order.alarm_class == "routine").any() and (order.alarm_class == "urgent").any()
    for day, g in order.groupby(order.start_min // 1440):
        # at each opening: all urgent alarms waiting since the night start before any routine
        opening = g[g.request_min < day * 1440 + 480]
        cls = opening.alarm_class.cat.codes.to_numpy()
        first_routine = np.argmax(cls == 1) if (cls == 1).any() else len(cls)
        assert (cls[:first_routine] == 0).all() and (cls[first_routine:] == 1).all()
        for _, same in opening.groupby("alarm_class", observed=True):
            assert same.request_min.is_monotonic_increasing
    # the tier plays no part: the class rule holds, the tier rule does not
    as_tier = s.with_overrides({"services.alarm.priority": "tier"})
    assert priority(rec, as_tier) != []


def test_fifo_is_arrival_order_only():
    s = scenario(**{"services.alarm.priority": "fifo"})
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []
    order = morning_order(rec).sort_values(["start_min", "request_min"])
    assert (order.alarm_class == "routine").any() and (order.alarm_class == "urgent").any()
    for _, g in order.groupby(order.start_min // 1440):
        assert g.request_min.is_monotonic_increasing
    assert priority(rec, s.with_overrides({"services.alarm.priority": "urgency"})) != []


def test_tier_orders_alarms_only_when_asked():
    s = scenario(**{"services.alarm.priority": "tier"})
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []
    assert priority(rec, s.with_overrides({"services.alarm.priority": "fifo"})) != []


def test_classes_are_the_alarms_own_draws_whatever_the_capacity():
    """Common random numbers: the same alarms, with the same classes, with 0, 2 or 9 caregivers."""
    runs = [
        run_replication(scenario(**{"caregivers.0.shifts.0.count": n}), 0).requests
        for n in (0, 2, 9)
    ]
    key = ["elder_id", "request_min"]
    base = runs[0].set_index(key).alarm_class.astype(str)
    for r in runs[1:]:
        assert r.set_index(key).alarm_class.astype(str).equals(base)


def test_single_class_form_still_valid():
    s = scenario(**{"services.alarm.classes": None})
    r = run_replication(s, 0).requests
    assert set(r.alarm_class[r.service == "alarm"].astype(str)) == {"any"}


@pytest.mark.parametrize(
    ("path", "value", "fragment"),
    [
        ("services.alarm.classes.urgent.share", 0.5, "add up to 1.2"),
        ("services.alarm.classes", {}, "services.alarm.classes"),
        ("services.alarm.priority", "tier-then-fifo", "services.alarm.priority"),
        ("services.alarm.classes.urgent.target_min", 0, "services.alarm.classes.urgent.target_min"),
    ],
)
def test_bad_classes_are_reported_with_their_path(path, value, fragment):
    from carecap.sim.errors import ScenarioError

    with pytest.raises((ScenarioError, ValueError)) as err:
        scenario(**{path: value})
    assert fragment in str(err.value)


def test_metrics_slice_by_class_uses_each_class_target():
    """On-time per class is judged against that class's target: with the routine target far
    above every wait, routine alarms are all on time; urgent ones are on time only within 30 min
    (checked against the records directly)."""
    from carecap.sim.metrics.replication import replication_metrics

    s = scenario(**{"services.alarm.classes.routine.target_min": 1e5})
    rec = run_replication(s, 0)
    m = replication_metrics(rec, s)
    m = m[(m.service == "alarm") & (m.slice == "alarm_class")]
    rate = m[m.metric == "on_time_rate"].set_index("slice_value").value
    assert rate["routine"] == pytest.approx(1.0)
    r = rec.requests
    urgent = r[(r.service == "alarm") & (r.alarm_class == "urgent") & (r.request_min < 5 * 1440)]
    on_time = (urgent.wait_min <= 30).sum() / (
        len(urgent) - ((urgent.outcome == "waiting") & (5 * 1440 - urgent.request_min < 30)).sum()
    )
    assert rate["urgent"] == pytest.approx(on_time)
    assert 0 < rate["urgent"] < 1
