"""Capacity that changes over time (MODEL §2 "Change over time"): a shift group with
``from_date`` / ``to_date`` works only on ``[from_date, to_date)``; nothing starts on its units
before or after, and every invariant holds across the change."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from test_engine_baths import scenario as baths
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


# --- the centre's stations, the vans, and a pool as a whole ---------------------------------

JAN_10, JAN_24 = "2022-01-10", "2022-01-24"  # days 7 and 21 of the baths case (from 2022-01-03)


def _outside(starts: pd.Series) -> pd.Series:
    return (starts < FROM) | (starts >= TO)


def _units_started(rec, units: set[int]) -> pd.DataFrame:
    r = rec.requests
    return r[r.unit_id.isin(units) & r.start_min.notna()]


@pytest.mark.parametrize("vans", [None, {"count": 2, "seats": 3}])
def test_dated_station_groups_work_only_on_their_dates(vans):
    """Stations as dated groups: one station always, two more from 10 to 24 January; nothing
    starts on the extra stations outside those dates (with or without vans), their shift spans
    lie inside them, and the invariants hold across both changes."""
    s = baths(
        **{
            "bathing_centre.stations": [
                {"count": 1},
                {"name": "extra", "count": 2, "from_date": JAN_10, "to_date": JAN_24},
            ],
            "bathing_centre.vans": vans,
            "services.bath.interval_days_by_level": {"walk": 2, "bed": 2},
        }
    )
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []
    stations = rec.units[rec.units.kind == "station"].unit_id.tolist()
    assert len(stations) == 3
    extra = set(stations[1:])
    on_extra = _units_started(rec, extra)
    assert len(on_extra) > 0 and not _outside(on_extra.start_min).any()
    sh = rec.shifts[rec.shifts.unit_id.isin(extra)]
    assert sh.start_min.min() >= FROM and sh.end_min.max() <= TO


def test_a_plain_station_count_is_one_undated_group():
    a = baths(**{"bathing_centre.stations": 2})
    b = baths(**{"bathing_centre.stations": [{"count": 2}]})
    ra, rb = (run_replication(s, 0).requests for s in (a, b))
    pd.testing.assert_frame_equal(ra, rb)


def test_dated_vans_leave_on_pick_up_runs_only_on_their_dates():
    s = baths(
        **{
            "bathing_centre.vans": {
                "count": 2,
                "seats": 3,
                "from_date": JAN_10,
                "to_date": JAN_24,
            },
            "services.bath.interval_days_by_level": {"walk": 2, "bed": 2},
        }
    )
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []
    pick = rec.van_trips[rec.van_trips.kind == "pickup"]
    assert len(pick) > 0 and not _outside(pick.depart_min).any()
    # every centre bath came by a run that left inside the dates (arriving up to a ride later)
    centre = rec.requests[rec.requests.service == "centre_bath"].start_min.dropna()
    assert centre.min() >= FROM and centre.max() <= pick.back_min.max()
    assert rec.requests.outcome.eq("waiting").any()  # after 24 January nobody is fetched


@pytest.mark.parametrize("pool", ["home_bathing.teams.team", "caregivers.cg"])
def test_a_pool_dated_as_a_whole_works_only_on_its_dates(pool):
    """A home-bathing team pool (or a caregiver pool) with ``from_date`` / ``to_date``: every
    shift group of it works only inside the pool's dates (and its own)."""
    if pool.startswith("home"):
        s = baths(
            **{
                f"{pool}.from_date": JAN_10,
                f"{pool}.to_date": JAN_24,
                f"{pool}.shifts": [
                    {"count": 1, "hours": "always"},
                    {"count": 1, "hours": "always", "from_date": "2022-01-17"},
                ],
            }
        )
        kind, late = "team", 14 * DAY
    else:
        s = dated(**{f"{pool}.from_date": JAN_10, f"{pool}.to_date": JAN_24})
        kind, late = "caregiver", FROM
    rec = run_replication(s, 0)
    assert check_all(rec, s) == []
    units = rec.units[rec.units.kind == kind].unit_id.tolist()
    started = _units_started(rec, set(units))
    assert len(started) > 0 and not _outside(started.start_min).any()
    starts = rec.shifts[rec.shifts.unit_id.isin(units)].groupby("unit_id").start_min.min()
    assert starts.min() == FROM and starts.max() == late
    assert rec.shifts[rec.shifts.unit_id.isin(units)].end_min.max() == TO
