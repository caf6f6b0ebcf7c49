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
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pandas.testing import assert_frame_equal
from strategies import capacity_variant, scenario_data

from carecap.sim.engine.kernel import run_replication
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.scenario.model import Scenario

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
CLASS = {"care_visit": "care", "alarm": "alarm", "centre_bath": "bath", "home_bath": "bath"}


def simulate(data: dict, replication: int = 0) -> ReplicationRecords:
    return run_replication(Scenario.model_validate(data), replication)


# --- 6. determinism --------------------------------------------------------------------------


@PROPERTY
@given(data=scenario_data())
def test_same_seed_and_replication_give_identical_records(data):
    scenario = Scenario.model_validate(data)
    a, b = run_replication(scenario, 3), run_replication(scenario, 3)
    for table in ("requests", "elders", "units", "shifts"):
        assert_frame_equal(getattr(a, table), getattr(b, table))


@PROPERTY
@given(data=scenario_data())
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


def _demand(rec: ReplicationRecords) -> pd.DataFrame:
    """Each request's (class, elder, request time), its k (order among the elder's requests of
    that class), tie (order among the elder's requests of that class at that very time: an
    interval can be too short to move the clock), drawn travel and, when served, drawn
    duration; sorted, ties in request order."""
    r = rec.requests
    out = pd.DataFrame(
        {
            "cls": r.service.astype(str).map(CLASS),
            "elder_id": r.elder_id,
            "request_min": r.request_min,
            "travel_min": r.travel_min,
            "duration_min": np.where(
                r.outcome == "served", r.end_min - r.start_min - r.travel_min, np.nan
            ),
        }
    ).sort_values(["cls", "elder_id", "request_min"], kind="stable", ignore_index=True)
    out["k"] = out.groupby(["cls", "elder_id"]).cumcount()
    out["tie"] = out.groupby(["cls", "elder_id", "request_min"]).cumcount()
    return out


def _same_draws(a: pd.DataFrame, b: pd.DataFrame, on: list[str]) -> None:
    """Care visits and alarms matched on ``on`` carry the same travel and (if served in both)
    the same service duration."""
    keep = ["travel_min", "duration_min"]
    m = a[a.cls != "bath"].merge(b[b.cls != "bath"], on=on, suffixes=("_a", "_b"))[
        [f"{c}_{s}" for c in keep for s in "ab"]
    ]
    np.testing.assert_array_equal(m.travel_min_a, m.travel_min_b)
    both = m.duration_min_a.notna() & m.duration_min_b.notna()
    np.testing.assert_allclose(m.duration_min_a[both], m.duration_min_b[both], atol=1e-6)


@PROPERTY
@given(st.data())
def test_capacity_leaves_calendar_demand_unchanged(data):
    """Calendar-mode visits and baths and alarms: changing counts, hours, stations, teams and
    vans keeps every request (class, elder, time) and the travel and duration drawn for it."""
    base = data.draw(scenario_data(care_mode="calendar", bath_mode="calendar", alarm=True))
    variant = data.draw(capacity_variant(base))
    a, b = _demand(simulate(base)), _demand(simulate(variant))
    key = ["cls", "elder_id", "request_min", "tie"]
    assert_frame_equal(a[key], b[key])
    _same_draws(a, b, key)


@PROPERTY
@given(st.data())
def test_capacity_leaves_elders_and_their_kth_draws_unchanged(data):
    """Any mode: the elders are the same, and an elder's k-th care visit or alarm asks for the
    same travel and duration whenever capacity lets it be made."""
    base = data.draw(scenario_data())
    variant = data.draw(capacity_variant(base))
    ra, rb = simulate(base), simulate(variant)
    assert_frame_equal(ra.elders, rb.elders)
    a, b = _demand(ra), _demand(rb)
    # an alarm's draws belong to the alarm (its time is fixed); a visit's to its k
    _same_draws(a[a.cls == "alarm"], b[b.cls == "alarm"], ["cls", "elder_id", "request_min", "tie"])
    _same_draws(a[a.cls == "care"], b[b.cls == "care"], ["cls", "elder_id", "k"])


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
