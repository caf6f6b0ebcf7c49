"""Property tests over pairs of runs: determinism (MODEL.md §4.6), common random numbers (§4.7)
and degenerate inputs (§4.8), on random valid scenarios from tests/strategies.py."""

from __future__ import annotations

import copy
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from strategies import capacity_variant, routing_variant, scenario_data

from carecap.sim.engine.kernel import CareSystem, run_replication
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.scenario.model import Scenario
from carecap.sim.services.registry import CODES, DEMAND_ID, SERVICES

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def simulate(data: dict, replication: int = 0) -> ReplicationRecords:
    return run_replication(Scenario.model_validate(data), replication)


# --- 6. determinism --------------------------------------------------------------------------


@PROPERTY
@given(data=scenario_data(drain=None))
def test_same_seed_and_replication_give_identical_records(data):
    scenario = Scenario.model_validate(data)
    a, b = run_replication(scenario, 3), run_replication(scenario, 3)
    for table in ("requests", "elders", "units", "shifts"):
        assert_frame_equal(getattr(a, table), getattr(b, table))


@PROPERTY
@given(data=scenario_data(drain=None))
def test_another_replication_draws_differently(data):
    """Without a waiting list every request time hangs on a random phase or a Poisson time, so
    two replications with any demand cannot make the same requests."""
    data = {**data, "initial_backlog": {}}
    a, b = simulate(data, 0), simulate(data, 1)
    if len(a.requests) or len(b.requests):
        assert not np.array_equal(np.sort(a.requests.request_min), np.sort(b.requests.request_min))


SMALL = Path(__file__).parent / "data" / "small.yaml"
RUN_IN_CHILD = """
import pickle, sys, yaml
from carecap.sim.engine.kernel import run_replication
from carecap.sim.scenario.model import Scenario
from carecap.sim.services.registry import CODES, DEMAND_ID, SERVICES
s = Scenario.model_validate(yaml.safe_load(open(sys.argv[1], encoding="utf-8")))
pickle.dump(run_replication(s, 2).requests, open(sys.argv[2], "wb"))
"""


def test_records_do_not_depend_on_the_process(tmp_path):
    """A fresh interpreter with another string-hash seed (what a process-pool worker is) makes
    the same records as this one."""
    scenario = Scenario.model_validate(yaml.safe_load(SMALL.read_text(encoding="utf-8")))
    here = run_replication(scenario, 2).requests
    for hash_seed in ("1", "2"):
        out = tmp_path / f"requests-{hash_seed}.pkl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        subprocess.run(
            [sys.executable, "-c", RUN_IN_CHILD, str(SMALL), str(out)],
            env=env,
            check=True,
            timeout=120,
        )
        assert_frame_equal(pd.read_pickle(out), here)


# --- 7. common random numbers ----------------------------------------------------------------
#
# Every request takes its draws from its elder's own sequence: the k-th request of an elder for a
# demand (care visit, alarm, bath) takes the k-th travel/transport and duration, on whichever
# route it is sent. So for every (service, elder, k) made in two runs that differ only in capacity
# or routing, the drawn travel and duration are identical. Each break of that rule (a duration
# drawn from a counter shared by all baths, say) makes a test here fail: see CONTRIBUTING.md.

DEMAND_OF = {s.code: s.demand for s in SERVICES}


def _draws(rec: ReplicationRecords) -> pd.DataFrame:
    """Each request's (service, demand, elder, k): k is its order among the elder's requests of
    the same demand (a bath's k counts the elder's baths on both routes), ties in request order;
    with its request time, drawn travel and, when served, drawn duration."""
    r = rec.requests
    # with vans, a centre bath's start..end is the bath alone (start: the van's arrival)
    by_van = r.request_id.isin(rec.van_trips.request_id) if rec.van_trips is not None else False
    out = pd.DataFrame(
        {
            "service": r.service.astype(str),
            "demand": r.service.astype(str).map(DEMAND_OF),
            "elder_id": r.elder_id,
            "request_min": r.request_min,
            "request_id": r.request_id,
            "travel_min": r.travel_min,
            "duration_min": np.where(
                r.outcome == "served",
                r.end_min - r.start_min - np.where(by_van, 0.0, r.travel_min),
                np.nan,
            ),
        }
    ).sort_values(["demand", "elder_id", "request_min", "request_id"], ignore_index=True)
    out["k"] = out.groupby(["demand", "elder_id"]).cumcount()
    return out


def assert_same_draws(a: pd.DataFrame, b: pd.DataFrame) -> dict[str, int]:
    """For every (service, elder, k) in both runs: identical travel, and identical duration when
    served in both. Returns how many durations were compared, by service."""
    m = a.merge(b, on=["service", "elder_id", "k"], suffixes=("_a", "_b"))
    np.testing.assert_array_equal(m.travel_min_a, m.travel_min_b, err_msg="travel differs")
    both = m.duration_min_a.notna() & m.duration_min_b.notna()
    np.testing.assert_allclose(
        m.duration_min_a[both], m.duration_min_b[both], rtol=0, atol=1e-6, err_msg="duration"
    )
    return m[both].groupby("service").size().to_dict()


def assert_same_demand(a: pd.DataFrame, b: pd.DataFrame, demands: list[str]) -> None:
    """Demands whose times do not depend on capacity (calendar mode, alarms): the same requests
    (demand, elder, k) at the same times in both runs."""
    key = ["demand", "elder_id", "k", "request_min"]
    pick = [x[x.demand.isin(demands)][key].reset_index(drop=True) for x in (a, b)]
    assert_frame_equal(*pick)


def _fixed_demands(data: dict) -> list[str]:
    sv = data["services"]
    out = ["alarm"]
    out += [name for name, cfg in (("care_visit", sv.get("care_visit")), ("bath", sv.get("bath")))
            if cfg is not None and cfg["mode"] == "calendar"]  # fmt: skip
    return out


@PROPERTY
@given(st.data())
def test_capacity_leaves_calendar_demand_unchanged(data):
    """Calendar-mode visits and baths and alarms: changing counts, hours, stations, teams, vans
    and routing keeps every request (demand, elder, k, time) and the draws of each."""
    base = data.draw(
        scenario_data(care_mode="calendar", bath_mode="calendar", alarm=True, drain=None)
    )
    variant = data.draw(routing_variant(data.draw(capacity_variant(base))))
    ra, rb = simulate(base), simulate(variant)
    a, b = _draws(ra), _draws(rb)
    assert_same_demand(a, b, ["care_visit", "alarm", "bath"])
    assert_same_draws(a, b)


@PROPERTY
@given(st.data())
def test_capacity_and_routing_leave_every_kth_draw_unchanged(data):
    """Any mode: the elders are the same, demand fixed in advance is the same, and an elder's
    k-th request of every service (care visit, alarm, centre bath, home bath) asks for the same
    travel and duration whenever capacity and routing let it be made."""
    base = data.draw(scenario_data(drain=None))
    variant = data.draw(capacity_variant(base))
    if data.draw(st.booleans()):
        variant = data.draw(routing_variant(variant))
    ra, rb = simulate(base), simulate(variant)
    assert_frame_equal(ra.elders, rb.elders)
    a, b = _draws(ra), _draws(rb)
    assert_same_demand(a, b, _fixed_demands(base))
    assert_same_draws(a, b)


def _expected_draws(scenario: Scenario, replication: int, d: pd.DataFrame) -> pd.DataFrame:
    """For each request of ``_draws``: the travel and duration its elder's k-th draws of its
    service hold (read from the run's demand plan, rebuilt from the seed: the draws are fixed
    before the run)."""
    plan = CareSystem(scenario, replication, scenario.seed).plan
    care, alarm, bath = (plan.draws[DEMAND_ID[name]] for name in ("care_visit", "alarm", "bath"))
    travel, dur = np.full(len(d), np.nan), np.full(len(d), np.nan)
    elders, ks = d.elder_id.to_numpy(), d.k.to_numpy()
    for service, pair in {
        "care_visit": care and (care.travel, care.duration),
        "centre_bath": bath and bath.centre and (bath.centre.transport, bath.centre.duration),
        "home_bath": bath and bath.home and (bath.home.travel, bath.home.duration),
    }.items():
        rows = np.flatnonzero(d.service.to_numpy() == service)
        if not len(rows):
            continue
        if pair is None:  # home baths with no teams at all: nothing to draw, never served
            travel[rows] = dur[rows] = 0.0
            continue
        travel[rows] = pair[0].take(elders[rows], ks[rows])
        dur[rows] = pair[1].take(elders[rows], ks[rows])
    rows = np.flatnonzero(d.service.to_numpy() == "alarm")
    if len(rows):  # an elder's k-th alarm (in time order) carries the k-th of its drawn alarms
        drawn = pd.DataFrame(
            {"elder_id": alarm.elder, "request_min": alarm.time_min, "travel": alarm.travel_min,
             "dur": alarm.duration_min}
        ).sort_values(["elder_id", "request_min"], kind="stable")  # fmt: skip
        drawn["k"] = drawn.groupby("elder_id").cumcount()
        got = d.iloc[rows][["elder_id", "k"]].merge(drawn, on=["elder_id", "k"], how="left")
        travel[rows], dur[rows] = got.travel.to_numpy(), got.dur.to_numpy()
    return d.assign(expected_travel=travel, expected_duration=dur)


@PROPERTY
@given(data=scenario_data(drain=None))
def test_every_request_takes_its_elders_kth_draws(data):
    """The rule behind common random numbers, read directly: each request's travel (transport)
    and, when served, its duration are the k-th draws of its elder's sequences for its service,
    on whichever route a bath went, whatever capacity did to the order of requests."""
    scenario = Scenario.model_validate(data)
    d = _expected_draws(scenario, 0, _draws(run_replication(scenario, 0)))
    np.testing.assert_array_equal(d.travel_min, d.expected_travel, err_msg="travel")
    served = d.duration_min.notna()
    np.testing.assert_allclose(
        d.duration_min[served], d.expected_duration[served], rtol=0, atol=1e-6, err_msg="duration"
    )


def _busy_and_idle(n_units: int, stations: int, prefer: str) -> dict:
    """tests/data/small.yaml with after_delivery visits and baths, alarms that all need a visit
    (random durations), and the given capacity and routing preference."""
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data["services"]["care_visit"]["mode"] = "after_delivery"
    data["services"]["bath"]["mode"] = "after_delivery"
    data["services"]["bath"]["interval_days_by_level"] = {
        lv: {"dist": "uniform", "low": 4, "high": 10} for lv in data["care_levels"]
    }
    data["services"]["alarm"]["visit_share"] = 1.0
    data["services"]["alarm"]["duration_min"] = {"dist": "exponential", "mean": 30}
    data["caregivers"][0]["shifts"][0]["count"] = n_units
    data["home_bathing"]["teams"][0]["shifts"][0]["count"] = n_units
    data["bathing_centre"]["stations"] = stations
    data["bathing_centre"].pop("vans")
    data["routing"] = {"prefer": prefer, "overflow_to_home_when_centre_queue_over": 3,
                       "overflow_to_centre_when_home_queue_over": 3}  # fmt: skip
    return data


@pytest.mark.parametrize(("n_units", "stations", "prefer"), [(4, 4, "centre"), (1, 1, "home")])
def test_every_service_keeps_its_kth_draws_when_capacity_and_routing_change(
    n_units, stations, prefer
):
    """A fixed pair of runs that surely reorders requests: after_delivery visits and baths under
    scarce vs ample capacity (and, in the second case, the other routing preference). Every
    service's k-th draws agree, and the comparison covers at least 20 served requests of each
    service, so it cannot pass by comparing nothing."""
    a = _draws(simulate(_busy_and_idle(1, 1, "centre")))
    b = _draws(simulate(_busy_and_idle(n_units, stations, prefer)))
    assert not np.array_equal(a.request_min, b.request_min)  # the runs do differ
    assert_same_demand(a, b, ["alarm"])
    compared = assert_same_draws(a, b)
    for service in CODES:
        assert compared.get(service, 0) >= 20, compared


# --- 8. degenerate inputs --------------------------------------------------------------------


@PROPERTY
@given(data=scenario_data(max_elders=0, enrolment=False))
def test_no_elders_no_requests(data):
    rec = simulate(data)
    assert len(rec.elders) == 0
    assert len(rec.requests) == 0


def _zero_capacity(data: dict) -> dict:
    out = copy.deepcopy(data)
    for pool in out["caregivers"] + out.get("home_bathing", {}).get("teams", []):
        for shift in pool["shifts"]:
            shift["count"] = 0
    if "bathing_centre" in out:
        out["bathing_centre"]["stations"] = 0
    return out


@PROPERTY
@given(data=scenario_data().map(_zero_capacity))
def test_zero_capacity_serves_nothing(data):
    r = simulate(data).requests
    assert r.start_min.isna().all()
    assert r.outcome.isin(["waiting", "abandoned"]).all(), r.outcome.value_counts()


def _infinite_capacity(data: dict) -> dict:
    """500 units always on shift wherever anything is served; no van limit."""
    out = copy.deepcopy(data)
    travel = {d: 10 for d in out["districts"]}
    always = [{"count": 500, "hours": "always"}]
    out["caregivers"] = [{"name": "all", "shifts": always, "travel_min": travel}]
    home = out.setdefault("home_bathing", {"setup_min": 5, "bath_min": 30, "packup_min": 5})
    home["teams"] = [
        {
            "name": "teams",
            "base_district": next(iter(travel)),
            "shifts": always,
            "travel_min": travel,
        }
    ]
    if "bathing_centre" in out:
        out["bathing_centre"].update(stations=500, hours="always")
        out["bathing_centre"].pop("vans", None)
    return out


@PROPERTY
@given(data=scenario_data().map(_infinite_capacity))
def test_infinite_capacity_means_no_queueing(data):
    """Every request starts when it is made (an alarm's wait is then its travel alone).

    Compared to 1e-9 min: the engine's clock can sit one float ulp off a request's logged time
    (the exact equality is pinned down by a unit test in tests/test_engine_units.py)."""
    r = simulate(data).requests
    late = ~np.isclose(r.start_min, r.request_min, rtol=0, atol=1e-9)
    assert not late.any(), r[late].head()
    wait = np.where(r.service == "alarm", r.travel_min, 0.0)
    np.testing.assert_allclose(r.wait_min, wait, rtol=0, atol=1e-9)
