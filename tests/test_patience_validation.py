"""Validation tier: M/M/c+D (FIFO, deterministic patience D) — the waits of ALL requests, of the
served ones, and the abandonment share agree with queueing theory.

With FIFO and a fixed patience D, customers who will abandon never delay anyone, so the virtual
waiting time V decides everything: served customers wait V (when V <= D), the others leave
after D. :func:`carecap.analysis.queueing_theory.mmc_deterministic_patience` gives E[min(V, D)],
E[V | V <= D] and P(V > D); it is checked here against its limits (Erlang C as D -> inf, Erlang
B as D -> 0) and against a brute-force simulation of the workload vector in numpy, then the
engine's metrics (``wait_mean``, ``wait_mean_served``, abandoned / requests) are checked against
it within the replications' 95 % intervals. Seeds are fixed, so the outcome is deterministic.
"""

from __future__ import annotations

import heapq

import numpy as np
import pytest
from theory_checks import assert_in_interval

from carecap.analysis import queueing_theory as qt
from carecap.sim.engine.kernel import run_replication
from carecap.sim.metrics.replication import replication_metrics
from carecap.sim.units import DAY_MIN
from carecap.sim.validation.mmc import mmc_scenario


def brute_force(lam, mu, c, patience, n, rng):
    """FIFO M/M/c+D by the servers' next-free times: (mean wait of all, of served, abandoned)."""
    arrivals = np.cumsum(rng.exponential(1 / lam, n))
    services = rng.exponential(1 / mu, n)
    free = [0.0] * c
    wait = np.empty(n)
    gone = np.zeros(n, dtype=bool)
    for i in range(n):
        t = arrivals[i]
        v = max(free[0] - t, 0.0)
        if v <= patience:
            heapq.heapreplace(free, t + v + services[i])
            wait[i] = v
        else:  # leaves after D, holding no server
            wait[i], gone[i] = patience, True
    keep = slice(n // 10, None)  # warm-up
    w, g = wait[keep], gone[keep]
    return w.mean(), w[~g].mean(), g.mean()


CASES = {  # (λ per min, mean service min, servers, patience min)
    "overloaded c=4 rho=1.1 D=5": (1.0, 4.4, 4, 5.0),
    "busy c=2 rho=0.9 D=3": (1.0, 1.8, 2, 3.0),
    "M/M/1 rho=1.3 D=2": (1.0, 1.3, 1, 2.0),
}


@pytest.mark.parametrize("case", list(CASES))
def test_theory_agrees_with_a_brute_force_simulation(case):
    lam, mean_service, c, d = CASES[case]
    theory = qt.mmc_deterministic_patience(lam, 1 / mean_service, c, d)
    rng = np.random.default_rng(20221130)
    runs = [brute_force(lam, 1 / mean_service, c, d, 40_000, rng) for _ in range(10)]
    assert_in_interval(theory.wait_mean_all, [r[0] for r in runs], "E[min(V, D)]")
    assert_in_interval(theory.wait_mean_served, [r[1] for r in runs], "E[V | V <= D]")
    assert_in_interval(theory.abandon_share, [r[2] for r in runs], "P(V > D)")


def test_theory_limits_are_erlang_c_and_erlang_b():
    lam, mu, c = 1.0, 0.3, 4
    patient = qt.mmc_deterministic_patience(lam, mu, c, 1e5)
    assert patient.abandon_share == pytest.approx(0.0, abs=1e-12)
    assert patient.wait_mean_all == pytest.approx(qt.mmc_mean_wait(lam, mu, c))
    assert patient.wait_probability == pytest.approx(qt.mmc_wait_probability(lam, mu, c))
    # D -> 0: whoever finds all servers busy leaves at once (M/M/c/c): Erlang B
    impatient = qt.mmc_deterministic_patience(lam, mu, c, 1e-12)
    assert impatient.abandon_share == pytest.approx(qt.erlang_b(c, lam / mu))
    # a heavily overloaded queue with long patience serves at capacity: P(abandon) -> 1 - cμ/λ
    flooded = qt.mmc_deterministic_patience(2.0, mu, c, 1e4)
    assert flooded.abandon_share == pytest.approx(1 - c * mu / 2.0, rel=1e-6)


ENGINE = (1.0, 4.4, 4, 5.0)  # overloaded: ρ = 1.1, 17 % abandon


@pytest.fixture(scope="module")
def engine_metrics():
    lam, mean_service, c, d = ENGINE
    scenario = mmc_scenario(lam, mean_service, c, horizon_days=8.0, warmup_days=1.0)
    scenario = scenario.with_overrides({"services.care_visit.give_up_days": d / DAY_MIN})
    out = []
    for rep in range(12):
        m = replication_metrics(run_replication(scenario, rep), scenario)
        m = m[(m["service"] == "care_visit") & (m["slice"] == "all")]
        out.append(dict(zip(m["metric"], m["value"], strict=True)))
    return out


def test_engine_waits_of_all_requests_match_m_m_c_plus_d(engine_metrics):
    lam, mean_service, c, d = ENGINE
    theory = qt.mmc_deterministic_patience(lam, 1 / mean_service, c, d)
    all_min = [m["wait_mean"] * DAY_MIN for m in engine_metrics]
    served_min = [m["wait_mean_served"] * DAY_MIN for m in engine_metrics]
    share = [m["abandoned"] / (m["requests"] - m["waiting_at_end"]) for m in engine_metrics]
    assert_in_interval(theory.wait_mean_all, all_min, "wait_mean (all requests)")
    assert_in_interval(theory.wait_mean_served, served_min, "wait_mean_served")
    assert_in_interval(theory.abandon_share, share, "abandoned share")
    # the served-only mean flatters the queue: it is well below the mean of all requests
    assert np.mean(served_min) < 0.9 * np.mean(all_min)
