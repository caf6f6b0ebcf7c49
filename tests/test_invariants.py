"""Property tests: MODEL.md §4 invariants hold on random valid scenarios (tests/strategies.py).

Invariants 1-5 are read off the records by :mod:`carecap.sim.metrics.invariants`; the rest (which
pool served a
request, the shift table, elders' stays, give-up times) are checked here against the scenario
itself. Determinism, common random numbers and degenerate inputs are in
tests/test_invariants_runs.py.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from strategies import scenario_data, schedules

from carecap.sim.engine.kernel import run_replication
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.metrics import invariants
from carecap.sim.scenario.model import Scenario
from carecap.sim.services.registry import CODES, NO_POOL, pool_of
from carecap.sim.units import DAY_MIN

WEEK_MIN = 7 * DAY_MIN
TOL = 1e-6

PROPERTY = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def simulate(data: dict, replication: int = 0) -> tuple[Scenario, ReplicationRecords]:
    scenario = Scenario.model_validate(data)
    return scenario, run_replication(scenario, replication)


CHECKS = {
    "1-conservation": lambda rec, _scenario: invariants.conservation(rec),
    "2-ordering": lambda rec, _scenario: invariants.ordering(rec),
    "3-capacity": lambda rec, _scenario: invariants.capacity(rec),
    "4-on-shift": lambda rec, _scenario: invariants.on_shift(rec),
    "5-priority": invariants.priority,
    "3-5-vans": invariants.vans,
}
"""MODEL.md §4 invariants 1-5, each read off one replication's records."""


@PROPERTY
@given(
    data=scenario_data(drain=None),
    count=st.integers(1, 3),
    seats=st.integers(1, 4),
    stop=st.sampled_from([0.0, 5.0, 12.5]),
    hours=st.none() | schedules(),
)
def test_vans_are_vehicles_in_every_scenario(data, count, seats, stop, hours):
    """Every scenario with a centre, given vehicles: one run at a time per van, never more
    elders aboard than seats, one district per pick-up run, within van hours, stations held
    from arrival only, every started centre bath brought by van, and the van priority rule
    (``invariants.vans``); the other invariants still hold."""
    assume("bathing_centre" in data)
    data = {**data, "bathing_centre": dict(data["bathing_centre"])}
    vans = {"count": count, "seats": seats, "per_stop_min": stop}
    data["bathing_centre"]["vans"] = vans if hours is None else {**vans, "hours": hours}
    scenario, rec = simulate(data)
    assert invariants.check_all(rec, scenario) == []


def test_the_van_check_fails_on_a_pick_up_run_moved_out_of_van_hours(small_scenario_data):
    """The check can fail: the same records, with one pick-up run moved by hand to leave at
    03:00 of its day (van hours 09:00-12:00), break "within van hours" (and may break the
    priority rule too: who was waiting at 03:00 differs)."""
    small_scenario_data["bathing_centre"]["vans"]["hours"] = {"mon-fri": ["09:00-12:00"]}
    scenario, rec = simulate(small_scenario_data)
    assert invariants.vans(rec, scenario) == []
    trips = rec.van_trips.copy()
    pick = trips.kind == "pickup"
    assert pick.any()
    trip = trips.trip_id[pick][trips.depart_min[pick].idxmax()]
    on_it = trips.trip_id == trip
    day = np.floor(trips.depart_min[on_it].iloc[0] / DAY_MIN) * DAY_MIN
    trips.loc[on_it, "back_min"] -= trips.depart_min[on_it] - (day + 3 * 60)
    trips.loc[on_it, "depart_min"] = day + 3 * 60
    broken = replace(rec, van_trips=trips)
    assert "a pick-up run left outside van hours" in invariants.vans(broken, scenario)


def _request_pool(rec: ReplicationRecords, scenario: Scenario) -> pd.Series:
    """The pool whose queue each request joins, by the registry's ``pool_of`` (the function
    the engine builds its queues from): the district's caregivers for visits and alarms,
    ``centre`` for centre baths, the district's team for home baths (NaN: none)."""
    names = {
        (service, d): pool_of(scenario, service, d) for service in CODES for d in scenario.districts
    }
    pools = [
        None if names[key] == NO_POOL else names[key][1]
        for key in zip(
            rec.requests.service.astype(str), rec.requests.district.astype(str), strict=True
        )
    ]
    return pd.Series(pools, index=rec.requests.index, dtype=object)


def check_each_request_is_served_by_a_unit_of_its_own_pool(
    scenario: Scenario, rec: ReplicationRecords
) -> None:
    """Care visits and alarms by the district's caregivers, centre baths by a station, home baths
    by the district's team: a unit never serves another pool's queue."""
    started = rec.requests.start_min.notna()
    expected = _request_pool(rec, scenario)[started].to_numpy()
    unit_pool = rec.units.set_index("unit_id").pool.astype(str)
    actual = unit_pool.reindex(rec.requests.unit_id[started].to_numpy()).to_numpy()
    wrong = actual != expected
    assert not wrong.any(), rec.requests[started][wrong].head()


def _minus(spans: list[tuple[float, float]], busy: list[tuple[float, float]]) -> list:
    """``spans`` minus the union of ``busy`` (both sorted; spans disjoint)."""
    out = []
    for lo, hi in spans:
        for b_lo, b_hi in busy:
            if b_hi <= lo or b_lo >= hi:
                continue
            if b_lo > lo:
                out.append((lo, b_lo))
            lo = max(lo, b_hi)
        if lo < hi:
            out.append((lo, hi))
    return out


def check_no_unit_idles_on_shift_while_its_queue_waits(
    scenario: Scenario, rec: ReplicationRecords
) -> None:
    """Work conservation (the rule behind invariant 5): while a request waits, every unit of its
    pool that is on shift is busy. The centre is skipped when vans may hold it back."""
    r = rec.requests.assign(pool=_request_pool(rec, scenario))
    left = r.start_min.fillna(r.end_min).fillna(rec.observed_end_min)  # when it left the queue
    vans = scenario.bathing_centre is not None and scenario.bathing_centre.vans is not None
    units = rec.units.astype({"pool": str})
    for pool, ids in units.groupby("pool").unit_id:
        if pool == "centre" and vans:
            continue
        idle = []
        for unit in ids:
            sh = rec.shifts[rec.shifts.unit_id == unit].sort_values("start_min")
            b = r[(r.unit_id == unit) & r.start_min.notna()].sort_values("start_min")
            spans = list(zip(sh.start_min, sh.end_min, strict=True))
            idle += _minus(spans, list(zip(b.start_min, b.end_min, strict=True)))
        if not idle:
            continue
        lo, hi = np.array(idle).T
        mine = r.pool == pool
        for req, out in zip(r.request_min[mine], left[mine], strict=True):
            both = (np.maximum(lo, req) < np.minimum(hi, out) - TOL).nonzero()[0]
            assert both.size == 0, f"{pool}: waited {req:.2f}-{out:.2f}, idle unit {idle[both[0]]}"


def check_after_delivery_elder_has_one_request_at_a_time(
    scenario: Scenario, rec: ReplicationRecords
) -> None:
    """In after_delivery mode an elder's next request falls due only after the last one closed
    (served, or abandoned), so an elder's requests of that service never overlap."""
    sv = scenario.services
    chained = {"care_visit": sv.care_visit, "centre_bath": sv.bath, "home_bath": sv.bath}
    kinds = [k for k, plan in chained.items() if plan and plan.mode == "after_delivery"]
    r = rec.requests[rec.requests.service.isin(kinds)].copy()
    r["cls"] = r.service.astype(str).replace({"centre_bath": "bath", "home_bath": "bath"})
    r = r.sort_values(["cls", "elder_id", "request_min"])
    same = (r.cls.to_numpy()[1:] == r.cls.to_numpy()[:-1]) & (
        r.elder_id.to_numpy()[1:] == r.elder_id.to_numpy()[:-1]
    )
    closed = r.end_min.to_numpy()[:-1]
    early = same & ~(r.request_min.to_numpy()[1:] >= closed - TOL)
    assert not early.any(), r.iloc[np.flatnonzero(early)[:3]]


def _week_open(spans, start_weekday: int, t: np.ndarray) -> np.ndarray:
    """Whether each time (simulation minutes) falls in one of the week spans, read directly."""
    week_min = (t + start_weekday * DAY_MIN) % WEEK_MIN
    return np.any([(s <= week_min) & (week_min < e) for s, e in spans], axis=0)


def check_shift_table_follows_the_scenario(scenario: Scenario, rec: ReplicationRecords) -> None:
    """Each pool has as many units as its shift counts, and each unit's spans in the records are
    open exactly when its weekly schedule says (probed every 15 minutes, off the span edges)."""
    groups: dict[str, list] = {}
    teams = scenario.home_bathing.teams if scenario.home_bathing else []
    for pool in scenario.caregivers + teams:
        groups[pool.name] = [(x.count, x.hours) for x in pool.shifts]
    if scenario.bathing_centre:
        groups["centre"] = [(scenario.bathing_centre.stations, scenario.bathing_centre.hours)]
    probe = np.arange(7.5, rec.horizon_min, 15.0)
    weekday = scenario.calendar.start_date.weekday()
    units = rec.units.astype({"pool": str})
    for name, shifts in groups.items():
        ids = sorted(units.unit_id[units.pool == name])
        assert len(ids) == sum(count for count, _ in shifts), name
        hours = [h for count, h in shifts for _ in range(count)]
        for unit, schedule in zip(ids, hours, strict=True):
            sh = rec.shifts[rec.shifts.unit_id == unit]
            spans = zip(sh.start_min, sh.end_min, strict=True)
            recorded = np.any(
                [(lo <= probe) & (probe < hi) for lo, hi in spans] or [np.zeros(len(probe), bool)],
                axis=0,
            )
            wanted = (
                np.ones(len(probe), bool)
                if schedule.always
                else _week_open(schedule.spans, weekday, probe)
            )
            assert (recorded == wanted).all(), (name, unit, probe[recorded != wanted][:5])


def _patience_min(scenario: Scenario) -> dict[str, float]:
    sv, out = scenario.services, {}
    if sv.care_visit and sv.care_visit.give_up_days:
        out["care_visit"] = sv.care_visit.give_up_days.value * DAY_MIN  # fixed (strategies)
    if sv.alarm and sv.alarm.give_up_min:
        out["alarm"] = sv.alarm.give_up_min.value
    if sv.bath and sv.bath.give_up_days:
        out["centre_bath"] = out["home_bath"] = sv.bath.give_up_days.value * DAY_MIN
    return out


def check_requests_respect_the_elders_stay_and_give_up_times(
    scenario: Scenario, rec: ReplicationRecords
) -> None:
    """No request before enrolment or at/after exit; no service starts after exit; what an elder
    still waits for at exit is withdrawn then (abandoned, end = exit); any other abandonment
    happens exactly the give-up time after the request."""
    r = rec.requests.merge(rec.elders[["elder_id", "enrol_min", "exit_min"]], on="elder_id")
    assert (r.request_min >= r.enrol_min - TOL).all(), r[r.request_min < r.enrol_min].head()
    assert (r.request_min < r.exit_min).all(), r[r.request_min >= r.exit_min].head()
    started = r.start_min.notna()
    assert (r.start_min[started] <= r.exit_min[started] + TOL).all()
    left = np.isfinite(r.exit_min) & ~started
    bad = left & ~((r.outcome == "abandoned") & (r.end_min <= r.exit_min + TOL))
    assert not bad.any(), r[bad].head()
    ab = r[r.outcome == "abandoned"]
    at_exit = np.isclose(ab.end_min, ab.exit_min, rtol=0, atol=TOL)
    patience = ab.service.astype(str).map(_patience_min(scenario)).astype(float)
    gave_up = np.isclose(ab.end_min - ab.request_min, patience, rtol=0, atol=TOL)
    assert (at_exit | gave_up).all(), ab[~(at_exit | gave_up)].head()


def check_alarm_waits_include_travel(scenario: Scenario, rec: ReplicationRecords) -> None:
    """wait_min is start - request, plus the travel for alarms (arrival at the home)."""
    r = rec.requests[rec.requests.start_min.notna()]
    extra = np.where(r.service == "alarm", r.travel_min, 0.0)
    expected = pd.Series(r.start_min - r.request_min + extra, index=r.index)
    np.testing.assert_allclose(r.wait_min, expected, rtol=0, atol=TOL)


SCENARIO_CHECKS: dict[str, Callable[[Scenario, ReplicationRecords], None]] = {
    **{
        f"invariant {name}": lambda scenario, rec, name=name: _no_problems(
            CHECKS[name](rec, scenario)
        )
        for name in CHECKS
    },
    "own pool": check_each_request_is_served_by_a_unit_of_its_own_pool,
    "work conservation": check_no_unit_idles_on_shift_while_its_queue_waits,
    "after delivery": check_after_delivery_elder_has_one_request_at_a_time,
    "shift table": check_shift_table_follows_the_scenario,
    "stay and give-up": check_requests_respect_the_elders_stay_and_give_up_times,
    "alarm travel": check_alarm_waits_include_travel,
}
"""Every check of one replication against its scenario: the invariants of MODEL.md §4 and the
rules above."""


def _no_problems(problems: list[str]) -> None:
    assert problems == [], problems


@settings(PROPERTY, max_examples=80)
@given(data=scenario_data(drain=None))
def test_every_check_holds_on_random_scenarios(data):
    """One replication of each random scenario feeds every check (80 scenarios: each check
    sees twice the examples it had as a test of its own, for a sixth of the simulations)."""
    scenario, rec = simulate(data)
    for name, check in SCENARIO_CHECKS.items():
        try:
            check(scenario, rec)
        except AssertionError as exc:
            raise AssertionError(f"{name}: {exc}") from exc
