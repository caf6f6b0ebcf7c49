"""Capacity that changes over time (MODEL §2 "Change over time"): a shift group with
``from_date`` / ``to_date`` works only on ``[from_date, to_date)``; nothing starts on its units
before or after, and every invariant holds across the change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from test_engine_units import DAY, scenario

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.invariants import check_all
from carecap.sim.scenario.loader import load_scenario

FROM, TO = 7 * DAY, 21 * DAY  # 2022-01-10 and 2022-01-24 from the start on 2022-01-03


def dated(**overrides):
    """Pool cg: group 0 always (1 caregiver), group 1 (3 caregivers, always on shift) from
    2022-01-10 to 2022-01-24; 40 elders, alarms, 35 days."""
    return scenario(
        **{
            "population.elders_by_district.a": 40,
            "services.care_visit.by_care_level.lv.interval_days": 2,
            "services.alarm": {
                "rate_per_bed_month": 10,
                "visit_share": 1,
                "duration_min": 30,
                "target_min": 30,
            },
            "caregivers.0.shifts": [
                {"count": 1, "hours": "always"},
                {
                    "name": "extra",
                    "count": 3,
                    "hours": "always",
                    "from_date": "2022-01-10",
                    "to_date": "2022-01-24",
                },
            ],
            **overrides,
        }
    )


def test_nothing_starts_on_a_unit_outside_its_dates():
    s = dated()
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []
    extra = set(range(1, 4))  # unit ids of group 1 (numbered after group 0's single unit)
    r = rec.requests
    on_extra = r[r.unit_id.isin(extra) & r.start_min.notna()]
    assert len(on_extra) > 0
    assert on_extra.start_min.min() >= FROM and on_extra.start_min.max() < TO
    sh = rec.shifts[rec.shifts.unit_id.isin(extra)]
    assert sh.start_min.min() == FROM and sh.end_min.max() == TO
    # the always-on unit's spans are untouched
    assert rec.shifts[rec.shifts.unit_id == 0].start_min.min() == 0


def test_added_capacity_shortens_waits_only_while_it_exists():
    """Under common random numbers, the same demand with and without the dated group: waits of
    requests made before FROM (and served before it) are identical; waits while it works are
    shorter on average."""
    with_group = run_replication(dated(), 0).requests
    without = run_replication(
        dated(**{"caregivers.0.shifts.1.count": 0}), 0
    ).requests  # same demand: capacity never changes it
    key = ["service", "elder_id", "request_min"]
    both = with_group.merge(without, on=key, suffixes=("", "_none"))
    assert len(both) == len(with_group) == len(without)
    early = both[both.start_min_none < FROM]
    assert (early.wait_min == early.wait_min_none).all()
    during = both[(both.request_min >= FROM) & (both.request_min < TO - 2 * DAY)]
    assert during.wait_min.mean() < during.wait_min_none.mean()


def test_to_date_must_come_after_from_date():
    with pytest.raises(Exception, match="to_date"):
        dated(**{"caregivers.0.shifts.1.to_date": "2022-01-10"})


def test_shipped_variant_runs_across_the_change():
    path = Path(__file__).parent.parent / "scenarios" / "taiyuan-2023-centre-opens.yaml"
    s = load_scenario(path)
    assert s.calendar.start_date == dt.date(2023, 1, 1)
    s = s.with_overrides({"calendar.horizon_days": 240})
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []
    july = (dt.date(2023, 7, 1) - dt.date(2023, 1, 1)).days * DAY
    units = rec.units
    late = set(units.unit_id[units.pool.astype(str).str.startswith("home_")])
    sh = rec.shifts
    starts = sh.groupby("unit_id").start_min.min()
    added = [u for u in late if starts.get(u, 0) >= july]
    assert added, "the variant adds home-bathing teams from July"
    r = rec.requests
    assert not ((r.unit_id.isin(added)) & (r.start_min < july)).any()
    # the centre opens on 1 April: no bath is routed there or started there before
    april = (dt.date(2023, 4, 1) - dt.date(2023, 1, 1)).days * DAY
    centre = r[r.service == "centre_bath"]
    assert len(centre) > 0 and centre.start_min.min() >= april
    assert (centre.request_min >= april).all()
    assert (r[r.service == "home_bath"].request_min < april).any()
    stations = set(units.unit_id[units.kind == "station"])
    assert sh[sh.unit_id.isin(stations)].start_min.min() >= april


def test_a_service_opening_later_makes_no_request_before_and_the_same_after():
    """care_visit (calendar) opening on 2022-01-17 (day 14): no visit before; the visits from
    then on are exactly those of the same scenario without an opening (common random numbers).
    Alarms opening on the same day: none before it, the same ones after."""
    opens = {
        "services.care_visit.opens_on": "2022-01-17",
        "services.alarm.opens_on": "2022-01-17",
    }
    base = dated(**{"caregivers.0.shifts.1.count": 0})
    late = base.with_overrides(opens)
    r0, r1 = (run_replication(s, 0).requests for s in (base, late))
    day14 = 14 * DAY
    assert (r1.request_min >= day14).all() and (r0.request_min < day14).any()
    key = ["service", "elder_id", "request_min"]
    after = r0[r0.request_min >= day14][key].sort_values(key, ignore_index=True)
    pd.testing.assert_frame_equal(after, r1[key].sort_values(key, ignore_index=True))


def test_an_after_delivery_service_opening_later_starts_each_chain_at_the_opening():
    s = dated(
        **{
            "services.care_visit.mode": "after_delivery",
            "services.care_visit.opens_on": "2022-01-17",
        }
    )
    r = run_replication(s, 0).requests
    visits = r[r.service == "care_visit"]
    first = visits.groupby("elder_id").request_min.min()
    assert (first >= 14 * DAY).all() and (first == 14 * DAY).any()
