"""Validation tier (MODEL.md §4.9): Markovian special cases of the care model agree with queueing
theory, and Little's law holds.

``carecap.sim.validation.mmc.mmc_scenario`` builds M/M/c out of ordinary care-plan visits (Poisson
requests,
exponential service, zero travel, always-on caregivers). Each check compares the 95 % Student-t
interval of per-replication estimates (observation window after warm-up) with the closed form in
:mod:`carecap.analysis.queueing_theory`. The seeds are fixed, so the outcome is deterministic; by
design
a correct engine would miss a 95 % interval for about one seed in twenty.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from theory_checks import assert_in_interval

from carecap.analysis import queueing_theory as qt
from carecap.sim.engine.kernel import run_replication
from carecap.sim.engine.records import ReplicationRecords
from carecap.sim.validation.mmc import mmc_scenario

ARRIVAL_RATE = 1.0  # per minute
REPLICATIONS = 20
HORIZON_DAYS, WARMUP_DAYS = 20.0, 1.0


@dataclass(frozen=True)
class Estimates:
    """Per-replication estimates over the observation window [warm-up, horizon)."""

    arrival_rate: float  # arrivals per minute
    mean_wait: float  # W_q of arrivals in the window, minutes
    waiting: float  # time-average number waiting, L_q
    utilisation: float  # busy server-minutes / (c · window minutes)
    censored_wait: float  # mean of min(start, horizon) - request over arrivals in the window


def estimate(rec: ReplicationRecords, servers: int) -> Estimates:
    r = rec.requests
    lo, hi = rec.warmup_min, rec.horizon_min
    window = hi - lo
    arrived = r[(r.request_min >= lo) & (r.request_min < hi)]
    # time in queue: from request to start, or to the horizon if still waiting
    left = r.start_min.fillna(hi).to_numpy()
    queued = np.clip(left, lo, hi) - np.clip(r.request_min.to_numpy(), lo, hi)
    busy = np.clip(r.end_min.where(r.start_min.notna(), lo), lo, hi) - np.clip(
        r.start_min.fillna(lo), lo, hi
    )
    return Estimates(
        arrival_rate=len(arrived) / window,
        mean_wait=float(arrived.wait_min.mean()),
        waiting=float(queued.sum() / window),
        utilisation=float(busy.sum() / (servers * window)),
        censored_wait=float((arrived.start_min.fillna(hi) - arrived.request_min).mean()),
    )


def replicate(
    service_mean_min: float,
    servers: int,
    reps: int = REPLICATIONS,
    horizon_days: float = HORIZON_DAYS,
) -> list[Estimates]:
    scenario = mmc_scenario(
        ARRIVAL_RATE,
        service_mean_min,
        servers,
        horizon_days=horizon_days,
        warmup_days=WARMUP_DAYS,
        replications=reps,
    )
    return [estimate(run_replication(scenario, rep), servers) for rep in range(reps)]


MMC = {  # name: (mean service minutes, servers)
    "M/M/4 rho=0.83": (10 / 3, 4),
    "M/M/1 rho=0.7": (0.7, 1),
}


@pytest.fixture(scope="module", params=list(MMC))
def mmc(request) -> tuple[float, int, list[Estimates]]:
    service_mean, servers = MMC[request.param]
    return service_mean, servers, replicate(service_mean, servers)


def test_arrivals_are_poisson_at_the_built_rate(mmc):
    *_, est = mmc
    assert_in_interval(ARRIVAL_RATE, [e.arrival_rate for e in est], "arrival rate")


def test_mean_wait_matches_erlang_c(mmc):
    service_mean, servers, est = mmc
    theory = qt.mmc_mean_wait(ARRIVAL_RATE, 1 / service_mean, servers)
    assert_in_interval(theory, [e.mean_wait for e in est], "W_q")


def test_utilisation_is_lambda_over_c_mu(mmc):
    service_mean, servers, est = mmc
    theory = qt.mmc_utilisation(ARRIVAL_RATE, 1 / service_mean, servers)
    assert_in_interval(theory, [e.utilisation for e in est], "utilisation")


def test_time_average_queue_matches_theory(mmc):
    service_mean, servers, est = mmc
    theory = qt.mmc_mean_queue_length(ARRIVAL_RATE, 1 / service_mean, servers)
    assert_in_interval(theory, [e.waiting for e in est], "L_q")


def test_littles_law_holds_on_each_replication(mmc):
    """L_q = λ · W_q on the sample path, up to the edges of the window (requests already
    waiting at the warm-up's end): within 2 % on 19 days of Poisson traffic."""
    *_, est = mmc
    for e in est:
        assert e.waiting == pytest.approx(e.arrival_rate * e.censored_wait, rel=0.02)


def test_mm1_is_the_c1_case_of_erlang_c():
    for rho in (0.1, 0.5, 0.7, 0.95):
        assert qt.mmc_mean_wait(rho, 1.0, 1) == pytest.approx(qt.mm1_mean_wait(rho, 1.0))
        assert qt.erlang_c(1, rho) == pytest.approx(rho)


def test_unstable_queue_is_refused():
    with pytest.raises(ValueError, match="unstable"):
        qt.mmc_mean_wait(4.0, 1.0, 4)


def test_many_servers_never_queue():
    """M/M/∞ in practice: 60 servers for 3.3 erlangs (Erlang C ~ 1e-52): no request waits."""
    assert qt.erlang_c(60, 10 / 3) < 1e-40
    scenario = mmc_scenario(ARRIVAL_RATE, 10 / 3, 60, horizon_days=3.0, warmup_days=0.5)
    for rep in range(3):
        r = run_replication(scenario, rep).requests
        assert len(r) > 3000
        assert (r.outcome != "waiting").all()
        np.testing.assert_allclose(r.wait_min, 0.0, rtol=0, atol=1e-9)
