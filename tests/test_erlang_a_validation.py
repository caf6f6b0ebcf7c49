"""Validation tier: M/M/c+M (Erlang A: FIFO, exponential patience) — the abandonment share and the
mean waits of all and of served requests agree with queueing theory computed here, independently
of the engine and of :mod:`carecap.analysis.queueing_theory`.

Theory. With exponential patience of rate θ the number in system n is a birth–death chain: births
λ, deaths min(n, c)μ + max(n − c, 0)θ (truncated far in the tail). By PASTA an arrival sees the
stationary law π. Little's law on the queue gives the mean wait of all requests, E[queue] / λ, and
the abandonment rate θ·E[queue], so P(abandon) = θ·E[queue] / λ. The mean wait of the served comes
from the same chain: an arrival that finds n ≥ c is at place j = n − c + 1; it moves up at rate
cμ + (j − 1)θ (a start or an abandonment ahead of it: FIFO, so those behind never matter) and
leaves at rate θ; recursing on j gives P(served | j) and E[wait · 1{served} | j]. The recursion's
P(abandon) is checked against θ·E[queue] / λ as a consistency test of the theory itself.

Patience is ``give_up_days: {dist: exponential, mean: ...}``, each request's drawn from the
elder's own k-th draw (common random numbers).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from theory_checks import assert_in_interval

from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.scenario.loader import load_scenario
from carecap.sim.units import DAY_MIN
from carecap.sim.validation.mmc import mmc_scenario

SMALL = Path(__file__).parent / "data" / "small.yaml"


def erlang_a(lam: float, mu: float, c: int, theta: float, n_max: int = 2_000) -> dict[str, float]:
    """Stationary M/M/c+M: abandonment share, mean wait of all and of served requests."""
    n = np.arange(n_max + 1)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta
    log_pi = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    queue_mean = float((np.maximum(n - c, 0) * pi).sum())
    served = np.ones(n_max + 1)  # P(served | arrival finds n)
    wait_served = np.zeros(n_max + 1)  # E[wait · 1{served} | arrival finds n]
    p, m = 1.0, 0.0
    for j in range(1, n_max - c + 2):  # place in queue j = n - c + 1
        up, total = c * mu + (j - 1) * theta, c * mu + j * theta
        p, m = up / total * p, up / total * (p / total + m)
        served[c + j - 1], wait_served[c + j - 1] = p, m
    p_served = float((pi * served).sum())
    return {
        "abandon": theta * queue_mean / lam,
        "abandon_by_place": 1.0 - p_served,
        "wait_all": queue_mean / lam,
        "wait_served": float((pi * wait_served).sum()) / p_served,
    }


def test_erlang_a_limits():
    """θ → 0 is Erlang C's M/M/c wait; the recursion agrees with Little's law."""
    lam, mu, c = 1.0, 0.3, 4
    a = lam / mu
    erlang_b = stats.poisson.pmf(c, a) / stats.poisson.cdf(c, a)
    erlang_c = erlang_b / (1 - a / c * (1 - erlang_b))
    patient = erlang_a(lam, mu, c, 1e-9)
    assert patient["wait_all"] == pytest.approx(erlang_c / (c * mu - lam), rel=1e-5)
    assert patient["wait_served"] == pytest.approx(patient["wait_all"], rel=1e-5)
    for theta in (0.05, 0.2, 1.0):
        t = erlang_a(1.0, 1 / 4.4, 4, theta)
        assert t["abandon"] == pytest.approx(t["abandon_by_place"], rel=1e-9)


CASES = {  # (λ per min, mean service min, servers, mean patience min)
    "overloaded c=4 rho=1.1 patience 5": (1.0, 4.4, 4, 5.0),
    "busy c=2 rho=0.9 patience 3": (1.0, 1.8, 2, 3.0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_engine_matches_erlang_a(case):
    lam, mean_service, c, patience = CASES[case]
    scenario = mmc_scenario(lam, mean_service, c, horizon_days=8.0, warmup_days=1.0)
    scenario = scenario.with_overrides(
        {"services.care_visit.give_up_days": {"dist": "exponential", "mean": patience / DAY_MIN}}
    )
    runs = []
    for rep in range(12):
        m = replication_metrics(run_replication(scenario, rep), scenario)
        m = m[(m["service"] == "care_visit") & (m["slice"] == "all")]
        runs.append(dict(zip(m["metric"], m["value"], strict=True)))
    theory = erlang_a(lam, 1 / mean_service, c, 1 / patience)
    share = [r["abandoned"] / (r["requests"] - r["waiting_at_end"]) for r in runs]
    assert_in_interval(theory["abandon"], share, "abandoned share")
    assert_in_interval(theory["wait_all"], [r["wait_mean"] * DAY_MIN for r in runs], "wait_mean")
    served = [r["wait_mean_served"] * DAY_MIN for r in runs]
    assert_in_interval(theory["wait_served"], served, "wait_mean_served")


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
