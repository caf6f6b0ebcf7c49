"""The drain (``calendar.drain_days``): after the horizon no new demand, capacity as scheduled,
until every request made before the horizon has started or been abandoned (or the drain ends).

Checked against what the rule implies, never against numbers from a seeded run: nothing is
requested after the horizon; the drain changes nothing that happened before it; requests made
while every shift is closed are served when the shifts reopen; a run with nothing left waiting
stops at once; give-ups and exits go on; invariants 1-5 hold (also on random scenarios with
drains, in tests/test_invariants.py).
"""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from pandas.testing import assert_frame_equal

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.invariants import check_all
from carecap.sim.scenario.model import Scenario
from carecap.sim.units import DAY_MIN

SMALL = Path(__file__).parent / "data" / "small.yaml"
HOUR = 60.0


def _small(drain_days: float, after_delivery: bool = False) -> Scenario:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["calendar"]["drain_days"] = drain_days
    if after_delivery:
        data["services"]["care_visit"]["mode"] = "after_delivery"
        data["services"]["bath"]["mode"] = "after_delivery"
    return Scenario.model_validate(data)


def _weekdays(
    count: int, drain_days: float, horizon_days: float = 13.5, hours: object = None
) -> Scenario:
    """30 elders, Poisson care visits (mean interval 2 days, 30 min, no travel), caregivers
    working Monday to Friday 08:00-17:00 (or ``hours``). Day 0 is Monday 3 Jan 2022, so the
    default horizon is Sunday noon: requests made since Friday 17:00 wait for Monday."""
    return Scenario.model_validate(
        {
            "name": "weekdays",
            "calendar": {
                "start_date": "2022-01-03",
                "horizon_days": horizon_days,
                "warmup_days": 0,
                "drain_days": drain_days,
            },
            "tiers": ["all"],
            "care_levels": {"any": {}},
            "districts": {"city": {}},
            "population": {
                "elders_by_district": {"city": 30},
                "care_level_shares": {"any": 1.0},
                "tier_shares": {"all": 1.0},
            },
            "services": {
                "care_visit": {
                    "by_care_level": {
                        "any": {
                            "interval_days": {"dist": "exponential", "mean": 2},
                            "duration_min": 30,
                        }
                    },
                    "target_days": 3,
                }
            },
            "caregivers": [
                {
                    "name": "day",
                    "shifts": [{"count": count, "hours": hours or {"mon-fri": ["08:00-17:00"]}}],
                    "travel_min": {"city": 0},
                }
            ],
        }
    )


MONDAY_8 = 14 * DAY_MIN + 8 * HOUR
FRIDAY_17 = 11 * DAY_MIN + 17 * HOUR


def test_weekend_requests_are_served_on_monday_during_the_drain():
    scenario = _weekdays(count=5, drain_days=3)
    rec = run_replication(scenario, 0)
    r, h = rec.requests, rec.horizon_min
    weekend = r[r.request_min > FRIDAY_17]
    assert len(weekend) >= 5  # ~ 15 a day over 1.8 days: there is something to drain
    assert (r.request_min < h).all()  # no new demand after the horizon
    assert (weekend.start_min >= MONDAY_8).all(), weekend
    assert (weekend.start_min < MONDAY_8 + 9 * HOUR).all()  # within Monday's shift
    assert (r.outcome != "waiting").all()
    # following stopped when the last waiting request started, not at the end of the drain
    assert rec.followed_until_min == r.start_min.max() < h + 3 * DAY_MIN
    assert check_all(rec, scenario) == []
    # without a drain the same requests are censored at the horizon
    plain = run_replication(_weekdays(count=5, drain_days=0), 0).requests
    assert (plain.outcome[plain.request_min > FRIDAY_17] == "waiting").all()


def test_drain_shorter_than_the_closure_leaves_requests_censored_at_its_end():
    """Sunday noon + 0.5 day: Monday's shift has not opened, so nothing more can happen; the
    waiting requests stay waiting, followed until the drain's end."""
    rec = run_replication(_weekdays(count=5, drain_days=0.5), 0)
    assert rec.followed_until_min == rec.horizon_min + 0.5 * DAY_MIN
    r = rec.requests
    assert (r.outcome[r.request_min > FRIDAY_17] == "waiting").all()
    assert r.start_min.max() < rec.horizon_min


def test_with_ample_capacity_nothing_waits_and_an_idle_drain_is_not_simulated():
    """Always-on caregivers, more than ever needed: nothing waits at the horizon, so following
    stops there at once (an in-service visit runs past it, as without a drain)."""
    rec = run_replication(_weekdays(count=50, drain_days=30, horizon_days=12, hours="always"), 0)
    assert (rec.requests.outcome.isin(["served", "in_service"])).all()
    assert rec.followed_until_min == rec.horizon_min
    assert rec.shifts.end_min.max() == rec.horizon_min


@pytest.mark.parametrize("after_delivery", [False, True])
def test_the_drain_changes_nothing_before_the_horizon(after_delivery):
    """Same scenario with and without a drain: the same requests (no new ones), the same
    starts, ends and outcomes before the horizon; what waited at the horizon without a drain is
    now started or dropped after it, or still waiting; shift spans extend past the horizon."""
    base = run_replication(_small(0, after_delivery), 1)
    drained = run_replication(_small(20, after_delivery), 1)
    h = base.horizon_min
    assert base.followed_until_min == h
    assert h <= drained.followed_until_min <= h + 20 * DAY_MIN
    a, b = base.requests, drained.requests
    assert_frame_equal(a[["request_id", "service", "elder_id", "request_min"]],
                       b[["request_id", "service", "elder_id", "request_min"]])  # fmt: skip
    before = a.outcome.isin(["served", "abandoned"]) | (a.outcome == "in_service")
    for col in ("start_min", "travel_min", "unit_id"):
        assert_frame_equal(a.loc[before, [col]], b.loc[before, [col]])
    same_end = a.outcome.isin(["served", "abandoned", "in_service"])
    assert_frame_equal(a.loc[same_end, ["end_min"]], b.loc[same_end, ["end_min"]])
    assert (b.outcome[a.outcome == "served"] == "served").all()
    assert (b.outcome[a.outcome == "abandoned"] == "abandoned").all()
    was_waiting = a.outcome == "waiting"
    assert was_waiting.any()  # small.yaml is busy enough to leave requests at the horizon
    later = b[was_waiting]
    assert (later.start_min.isna() | (later.start_min >= h)).all()
    assert ((later.outcome != "abandoned") | (later.end_min >= h)).all()
    # elders: the same, except exits during the drain are now known
    assert_frame_equal(
        base.elders.drop(columns="exit_min"),
        drained.elders.drop(columns="exit_min"),
    )
    ea, eb = base.elders.exit_min, drained.elders.exit_min
    assert (ea[np.isfinite(ea)] == eb[np.isfinite(ea)]).all()
    assert (eb[~np.isfinite(ea)] >= h).all()
    # shift spans: the drained run's, clipped to the horizon, are the plain run's
    clipped = drained.shifts[drained.shifts.start_min < h].assign(
        end_min=lambda s: s.end_min.clip(upper=h)
    )
    assert_frame_equal(clipped.reset_index(drop=True), base.shifts)
    assert check_all(drained, _small(20, after_delivery)) == []


def test_give_ups_and_exits_go_on_during_the_drain():
    """No capacity at all: every request waits until its elder leaves or it gives up, both
    of which continue after the horizon; following stops at the last of them."""
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["calendar"]["drain_days"] = 60
    data["services"]["care_visit"]["give_up_days"] = 5
    data["population"]["exit_rate_per_year"] = 6.0
    for pool in data["caregivers"] + data["home_bathing"]["teams"]:
        for shift in pool["shifts"]:
            shift["count"] = 0
    data["bathing_centre"]["stations"] = 0
    scenario = Scenario.model_validate(data)
    rec = run_replication(scenario, 0)
    r, h = rec.requests, rec.horizon_min
    assert r.start_min.isna().all()
    late = r[(r.outcome == "abandoned") & (r.end_min > h)]
    patience = {"care_visit": 5 * DAY_MIN, "alarm": 240.0, "centre_bath": 30 * DAY_MIN,
                "home_bath": 30 * DAY_MIN}  # fmt: skip
    gave_up = np.isclose(late.end_min - late.request_min, late.service.astype(str).map(patience))
    exits = rec.elders.set_index("elder_id").exit_min
    left = np.isclose(late.end_min, exits.reindex(late.elder_id).to_numpy())
    assert gave_up.any() and left.any()
    assert (gave_up | left).all()
    assert (r.outcome != "waiting").all()
    assert rec.followed_until_min == r.end_min.max() <= h + 60 * DAY_MIN
    assert check_all(rec, scenario) == []


def test_drain_zero_is_the_run_without_a_drain():
    """``drain_days: 0`` is the model without a drain: following stops at the horizon, and the
    records equal those of the scenario that does not mention the field (the golden back-test
    pins those to the records made before the drain existed)."""
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    without = run_replication(Scenario.model_validate(data), 2)
    data = copy.deepcopy(data)
    data["calendar"]["drain_days"] = 0
    zero = run_replication(Scenario.model_validate(data), 2)
    assert zero.followed_until_min == zero.horizon_min
    for table in ("requests", "elders", "units", "shifts"):
        assert_frame_equal(getattr(zero, table), getattr(without, table))
    assert (zero.shifts.end_min <= zero.horizon_min).all()
    assert np.isinf(zero.elders.exit_min[zero.elders.exit_min >= zero.horizon_min]).all()
    assert pd.isna(zero.requests.start_min[zero.requests.outcome == "waiting"]).all()


def test_work_started_at_the_horizon_itself_lies_on_a_recorded_shift():
    """A team whose shift begins exactly at the horizon serves, during the drain, a bath that
    waited over the closed days, in zero time: following stops at the horizon itself, and the
    shift span it started on must still be in the records (found by hypothesis)."""
    data = {
        "name": "edge",
        "calendar": {"start_date": "2021-01-01", "horizon_days": 5.0, "drain_days": 0.5},
        "tiers": ["t0"],
        "care_levels": {"lv0": {"can_go_to_centre": False}},
        "districts": {"d0": {}},
        "population": {
            "elders_by_district": {"d0": 2},
            "care_level_shares": {"lv0": 1.0},
            "tier_shares": {"t0": 1.0},
        },
        "services": {
            "bath": {
                "mode": "calendar",
                "interval_days_by_level": {"lv0": 4.0},
                "target_days": 1.0,
            }
        },
        "home_bathing": {
            "teams": [
                {
                    "name": "team0",
                    "base_district": "d0",
                    # Friday start: the horizon is Wednesday 00:00, when this shift begins
                    "shifts": [
                        {"count": 1, "hours": {"mon": ["00:00-00:30"], "wed": ["00:00-00:30"]}}
                    ],
                    "travel_min": {"d0": 0},
                }
            ],
            "setup_min": 0,
            "bath_min": 0,
            "packup_min": 0,
        },
    }
    scenario = Scenario.model_validate(data)
    found = False
    for rep in range(20):
        rec = run_replication(scenario, rep, 0)
        found |= bool(
            (rec.requests["start_min"] == rec.horizon_min).any()
            and rec.followed_until_min == rec.horizon_min
        )
        assert check_all(rec, scenario) == []
    assert found, "no replication started work at the horizon itself: the case is not exercised"
