"""Validation tier: M/M/c+M (Erlang A: FIFO, exponential patience) — the abandonment share and the
mean waits of all and of served requests agree with :func:`carecap.analysis.queueing.erlang_a`
(itself checked against the place-in-queue recursion and the tagged customer's chain in
``tests/test_queueing_theory_models.py``).

The scenario is :func:`carecap.sim.validation.configurations.erlang_a_scenario` (the one
``carecap validate`` runs): patience is ``give_up_days: {dist: exponential, mean: ...}``, each
request's drawn from the elder's own k-th draw (common random numbers), and every request is
followed to its end (a drain), so none is censored.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from theory_checks import assert_in_interval

from carecap.analysis import queueing_theory as qt
from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.units import DAY_MIN
from carecap.sim.validation.configurations import RunLength, erlang_a_scenario

SMALL = Path(__file__).parent / "data" / "small.yaml"

CASES = {  # (λ per min, mean service min, servers, mean patience min)
    "overloaded c=4 rho=1.1 patience 5": (1.0, 4.4, 4, 5.0),
    "busy c=2 rho=0.9 patience 3": (1.0, 1.8, 2, 3.0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_engine_matches_erlang_a(case):
    lam, mean_service, c, patience = CASES[case]
    target_min = 2.0
    length = RunLength(horizon_days=8.0, warmup_days=1.0, replications=12)
    scenario = erlang_a_scenario(lam, mean_service, c, patience, target_min, length)
    runs = []
    for rep in range(length.replications):
        m = replication_metrics(run_replication(scenario, rep), scenario)
        m = m[(m["service"] == "care_visit") & (m["slice"] == "all")]
        runs.append(dict(zip(m["metric"], m["value"], strict=True)))
    assert all(r["waiting_at_end"] == 0 for r in runs)  # the drain followed everyone
    theory = qt.erlang_a(lam, 1 / mean_service, c, 1 / patience)
    share = [r["abandoned"] / r["requests"] for r in runs]
    assert_in_interval(theory.abandon_share, share, "abandoned share")
    assert_in_interval(theory.wait_mean_all, [r["wait_mean"] * DAY_MIN for r in runs], "wait_mean")
    served = [r["wait_mean_served"] * DAY_MIN for r in runs]
    assert_in_interval(theory.wait_mean_served, served, "wait_mean_served")
    on_time = [r["on_time_rate"] for r in runs]
    assert_in_interval(theory.served_within(target_min), on_time, "served within the target")


def _patience_of_abandoned(scenario, service: str) -> pd.Series:
    r = run_replication(scenario, 0).requests
    r = r[(r.service == service) & (r.outcome == "abandoned")]
    return (r.end_min - r.request_min).set_axis(pd.MultiIndex.from_frame(r[KEY]))


KEY = ["elder_id", "request_min"]


@pytest.mark.parametrize(
    ("service", "path", "patience"),
    [
        ("care_visit", "services.care_visit.give_up_days", {"dist": "exponential", "mean": 0.5}),
        ("alarm", "services.alarm.give_up_min", {"dist": "uniform", "low": 10, "high": 200}),
    ],
)
def test_patience_is_the_requests_own_draw_whatever_the_capacity(service, path, patience):
    """Common random numbers: a request abandoned with no caregiver, one always on or
    four in the daytime gives up after the
    same patience (with no caregiver every request shows its patience); patience varies."""
    base = load_scenario(SMALL).with_overrides({path: patience, "calendar.drain_days": 0})
    runs = [
        _patience_of_abandoned(base.with_overrides(overrides), service)
        for overrides in (
            {"caregivers.0.shifts.0.count": 0, "caregivers.0.shifts.1.count": 0},
            {"caregivers.0.shifts.0.count": 0, "caregivers.0.shifts.1.count": 1},
            {"caregivers.0.shifts.0.count": 4, "caregivers.0.shifts.1.count": 0},
        )
    ]
    everyone = runs[0]
    assert len(everyone) > 20 and everyone.std() > 0
    for some in runs[1:]:
        assert len(some) > 0
        common = some.index.intersection(everyone.index)
        assert len(common) == len(some)  # capacity changes no request time either
        np.testing.assert_allclose(some[common], everyone[common], rtol=0, atol=1e-6)
