"""Unit tier for :mod:`carecap.analysis.queueing` (Erlang B/C, priority classes, square-root
staffing): each formula against published table values or a computation written here,
independently of the module (a truncated Markov chain solved with numpy, a sum of gamma tails),
at several parameter points, with the edge cases (c = 1, ρ → 1, unstable load)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import sparse, stats
from scipy.sparse.linalg import spsolve

from carecap.analysis import queueing_theory as qt


def stationary(rates: dict[tuple[int, int], float], n: int) -> np.ndarray:
    """Stationary law of a CTMC on 0..n-1 given {(from, to): rate}: solve πG = 0, Σπ = 1."""
    (rows, cols), vals = zip(*rates.keys(), strict=True), list(rates.values())
    g = sparse.coo_matrix((vals, (rows, cols)), shape=(n, n)).tocsr()
    g = g - sparse.diags(np.asarray(g.sum(axis=1)).ravel())
    a = g.T.tolil()
    a[0, :] = 1.0  # replace one balance equation by the normalisation
    b = np.zeros(n)
    b[0] = 1.0
    return spsolve(a.tocsr(), b)


def mmc_chain(lam: float, mu: float, c: int, cap: int = 3000) -> np.ndarray:
    """π_n of M/M/c truncated at ``cap`` in the system, from the generator."""
    rates = {}
    for n in range(cap):
        rates[(n, n + 1)] = lam
        rates[(n + 1, n)] = min(n + 1, c) * mu
    return stationary(rates, cap + 1)


# --- Erlang B and C ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("servers", "load", "blocking"),
    [  # Erlang B tables (10 trunks: 1 %, 2 %, 5 % grade of service) and hand values
        (10, 4.461, 0.01),
        (10, 5.084, 0.02),
        (10, 6.216, 0.05),
        (1, 1.0, 0.5),
        (2, 1.0, 0.2),
    ],
)
def test_erlang_b_matches_the_tables(servers, load, blocking):
    assert qt.erlang_b(servers, load) == pytest.approx(blocking, abs=5e-5)


def test_erlang_c_hand_values():
    assert qt.erlang_c(2, 1.0) == pytest.approx(1 / 3)  # π_2+ of M/M/2 at a = 1
    assert qt.erlang_c(1, 0.7) == pytest.approx(0.7)
    assert qt.erlang_c(3, 0.0) == 0.0


MMC_POINTS = [(1.0, 0.3, 4), (0.7, 1.0, 1), (0.95, 1.0, 1), (9.0, 1.0, 10), (2.0, 0.11, 20)]


@pytest.mark.parametrize(("lam", "mu", "c"), MMC_POINTS)
def test_mean_wait_and_delay_probability_match_the_chain(lam, mu, c):
    pi = mmc_chain(lam, mu, c)
    n = np.arange(len(pi))
    assert qt.mmc_wait_probability(lam, mu, c) == pytest.approx(pi[c:].sum(), rel=1e-9)
    queue = float(np.sum(np.maximum(n - c, 0) * pi))
    assert qt.mmc_mean_queue_length(lam, mu, c) == pytest.approx(queue, rel=1e-8)
    assert qt.mmc_mean_wait(lam, mu, c) == pytest.approx(queue / lam, rel=1e-8)
    assert qt.mmc_utilisation(lam, mu, c) == pytest.approx(np.sum(np.minimum(n, c) * pi) / c)
    assert qt.mmc_mean_wait_of_waiting(lam, mu, c) == pytest.approx(
        queue / lam / pi[c:].sum(), rel=1e-8
    )


@pytest.mark.parametrize(("lam", "mu", "c"), MMC_POINTS)
@pytest.mark.parametrize("t", [0.0, 0.5, 3.0, 20.0])
def test_wait_tail_is_the_mixture_of_erlang_waits(lam, mu, c, t):
    """An arrival finding n >= c waits for n - c + 1 completions at rate cμ (gamma tails)."""
    pi = mmc_chain(lam, mu, c)
    n = np.arange(c, len(pi))
    tail = float(np.sum(pi[c:] * stats.gamma.sf(t, a=n - c + 1, scale=1 / (c * mu))))
    assert qt.mmc_wait_tail(lam, mu, c, t) == pytest.approx(tail, rel=1e-7, abs=1e-15)


@pytest.mark.parametrize(("lam", "mu", "c"), MMC_POINTS)
@pytest.mark.parametrize("q", [0.5, 0.9, 0.99])
def test_wait_quantile_inverts_the_tail(lam, mu, c, q):
    t = qt.mmc_wait_quantile(lam, mu, c, q)
    if t == 0:
        assert qt.mmc_wait_probability(lam, mu, c) <= 1 - q
    else:
        assert qt.mmc_wait_tail(lam, mu, c, t) == pytest.approx(1 - q)


def test_heavy_traffic_and_single_server_limits():
    for rho in (0.9, 0.99, 0.999):  # ρ → 1: W_q = ρ/(μ − λ) grows without bound
        assert qt.mmc_mean_wait(rho, 1.0, 1) == pytest.approx(rho / (1 - rho))
        assert qt.mmc_wait_tail(rho, 1.0, 1, 5.0) == pytest.approx(rho * math.exp(-(1 - rho) * 5))
    assert qt.mmc_mean_wait(0.999 * 8, 1.0, 8) > 100 * qt.mmc_mean_wait(0.8 * 8, 1.0, 8)


@pytest.mark.parametrize(
    "call",
    [
        lambda: qt.mmc_mean_wait(4.0, 1.0, 4),
        lambda: qt.mmc_wait_tail(5.0, 1.0, 4, 1.0),
        lambda: qt.mmc_wait_quantile(1.0, 0.5, 2, 0.9),
        lambda: qt.mmc_priority_mean_waits([1.0, 3.5], 1.0, 4),
        lambda: qt.mmc_mean_wait_of_waiting(2.0, 1.0, 1),
    ],
)
def test_unstable_load_is_refused(call):
    with pytest.raises(ValueError, match="unstable"):
        call()


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="wait_min"):
        qt.mmc_wait_tail(1.0, 1.0, 2, -1.0)
    with pytest.raises(ValueError, match="probability"):
        qt.mmc_wait_quantile(1.0, 1.0, 2, 1.0)
    with pytest.raises(ValueError, match="servers >= 1"):
        qt.mmc_mean_wait(1.0, 1.0, 0)


# --- priority classes ------------------------------------------------------------------------


def priority_chain(lams: list[float], mu: float, c: int, cap: int) -> list[float]:
    """Mean waits per class from the Markov chain (busy servers, waiting per class), each queue
    truncated at ``cap``: E[q_k] / λ_k (Little)."""
    k = len(lams)
    states = [(b, (0,) * k) for b in range(c)]
    states += [(c, qs) for qs in itertools.product(range(cap + 1), repeat=k)]
    index = {s: i for i, s in enumerate(states)}
    rates: dict[tuple[int, int], float] = {}
    for (b, qs), i in index.items():
        for cls, lam in enumerate(lams):
            if b < c:
                to = (b + 1, qs)
            elif qs[cls] < cap:
                to = (b, (*qs[:cls], qs[cls] + 1, *qs[cls + 1 :]))
            else:
                continue
            rates[(i, index[to])] = rates.get((i, index[to]), 0.0) + lam
        if b:
            first = next((j for j, q in enumerate(qs) if q), None)
            if first is None:
                to = (b - 1, qs)
            else:
                to = (b, (*qs[:first], qs[first] - 1, *qs[first + 1 :]))
            rates[(i, index[to])] = b * mu
    pi = stationary(rates, len(states))
    waiting = np.array([qs for _, qs in states], dtype=float)
    return list(pi @ waiting / np.array(lams))


@pytest.mark.parametrize(
    ("lams", "mu", "c", "cap"),
    [
        ([0.3, 0.4], 1.0, 1, 70),  # M/M/1, ρ = 0.7
        ([0.5, 1.5], 0.7, 4, 70),  # ρ = 0.71
        ([1.0, 1.6], 1.0, 3, 90),  # ρ = 0.87, the lower class waits long
        ([0.2, 0.3, 0.5], 0.5, 3, 28),  # three classes, ρ = 0.67
    ],
)
def test_priority_waits_match_the_chain(lams, mu, c, cap):
    chain = priority_chain(lams, mu, c, cap)
    assert qt.mmc_priority_mean_waits(lams, mu, c) == pytest.approx(chain, rel=2e-4)


def test_priority_waits_keep_the_work_and_reduce_to_fifo():
    lams, mu, c = [0.4, 0.9, 0.5], 0.25, 8
    waits = qt.mmc_priority_mean_waits(lams, mu, c)
    fifo = qt.mmc_mean_wait(sum(lams), mu, c)
    assert np.dot(lams, waits) == pytest.approx(sum(lams) * fifo)  # conservation law
    assert waits == sorted(waits)  # higher class, shorter wait
    assert qt.mmc_priority_mean_waits([1.3], mu, 8) == pytest.approx([qt.mmc_mean_wait(1.3, mu, 8)])
    # an empty top class changes nothing for the others
    assert qt.mmc_priority_mean_waits([0.0, 1.3], mu, 8)[1] == pytest.approx(
        qt.mmc_mean_wait(1.3, mu, 8)
    )


def test_priority_top_class_near_saturation_of_the_whole():
    """ρ → 1 through the low class: the top class stays bounded, the bottom class explodes."""
    top, bottom = qt.mmc_priority_mean_waits([0.5, 0.4999], 1.0, 1)
    assert top < 1.0 / 0.5 and bottom > 1000


# --- square-root staffing ---------------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.25, 0.5, 1.0, 2.0])
def test_halfin_whitt_is_the_limit_of_erlang_c(beta):
    """At c = R + β√R, Erlang C tends to α(β) as R grows (error O(1/√R))."""
    load = 40_000.0
    servers = int(load + beta * math.sqrt(load))
    assert qt.erlang_c(servers, load) == pytest.approx(
        qt.halfin_whitt_delay_probability(beta), rel=0.02
    )


@pytest.mark.parametrize("target", [0.05, 0.2, 0.5, 0.8])
def test_halfin_whitt_beta_inverts_alpha(target):
    beta = qt.halfin_whitt_beta(target)
    assert beta > 0
    assert qt.halfin_whitt_delay_probability(beta) == pytest.approx(target, rel=1e-9)


@pytest.mark.parametrize("load", [2.0, 10.0, 50.0, 300.0])
@pytest.mark.parametrize("target", [0.05, 0.2, 0.5])
def test_square_root_staffing_is_within_one_server_of_erlang_c(load, target):
    exact = qt.smallest_servers_for_delay(load, 1.0, target)
    assert qt.erlang_c(exact, load) <= target
    assert exact - 1 <= load or qt.erlang_c(exact - 1, load) > target  # the smallest
    assert abs(qt.square_root_staffing(load, 1.0, target) - exact) <= 1


def test_staffing_edge_cases():
    assert qt.square_root_staffing(0.0, 1.0, 0.2) == 1  # no load: one server, stable
    assert qt.square_root_staffing(3.0, 1.0, 0.999) >= 4  # never below stability
    with pytest.raises(ValueError, match="target"):
        qt.halfin_whitt_beta(1.0)
    with pytest.raises(ValueError, match="beta"):
        qt.halfin_whitt_delay_probability(0.0)
