"""Closed-form results for Markovian queues, against which the simulator is validated.

MODEL.md §4.9: Markovian special cases must agree with queueing theory. Rates are per minute and
times in minutes: ``arrival_rate`` is λ, ``service_rate`` μ (1 / mean service time), ``servers``
c. The M/M/c functions need a stable queue, λ < c·μ, and raise ``ValueError`` otherwise; M/M/c+D
(:func:`mmc_deterministic_patience`, customers abandon after a fixed wait) is stable at any load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


def _check(arrival_rate: float, service_rate: float, servers: int) -> float:
    """The offered load a = λ/μ (in erlangs), after checking the queue is stable."""
    if arrival_rate < 0 or service_rate <= 0 or servers < 1:
        raise ValueError("need arrival_rate >= 0, service_rate > 0 and servers >= 1")
    load = arrival_rate / service_rate
    if load >= servers:
        raise ValueError(
            f"unstable queue: offered load {load:g} erlangs needs more than {servers} servers"
        )
    return load


def erlang_b(servers: int, load: float) -> float:
    """Blocking probability of M/M/c/c with offered load ``load`` erlangs (stable recursion)."""
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return b


def erlang_c(servers: int, load: float) -> float:
    """Probability that an arrival to M/M/c must wait (Erlang's C formula), ``load`` < c."""
    if load >= servers:
        raise ValueError(f"Erlang C needs load < servers, got {load:g} >= {servers}")
    if load == 0:
        return 0.0
    b = erlang_b(servers, load)
    return servers * b / (servers - load * (1 - b))


def mmc_utilisation(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Long-run share of time each server is busy: ρ = λ / (c·μ)."""
    return _check(arrival_rate, service_rate, servers) / servers


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue W_q = C(c, a) / (c·μ − λ), in minutes."""
    load = _check(arrival_rate, service_rate, servers)
    return erlang_c(servers, load) / (servers * service_rate - arrival_rate)


def mmc_mean_queue_length(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Time-average number waiting L_q = λ · W_q (Little's law)."""
    return arrival_rate * mmc_mean_wait(arrival_rate, service_rate, servers)


def mmc_wait_probability(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Share of arrivals that wait at all (Erlang C)."""
    return erlang_c(servers, _check(arrival_rate, service_rate, servers))


def mm1_mean_wait(arrival_rate: float, service_rate: float) -> float:
    """W_q of M/M/1: ρ / (μ − λ), the c = 1 case written out (a cross-check of Erlang C)."""
    _check(arrival_rate, service_rate, 1)
    rho = arrival_rate / service_rate
    return rho / (service_rate - arrival_rate)


@dataclass(frozen=True)
class PatienceQueue:
    """M/M/c+D (FIFO, every customer abandons after waiting a fixed time D): times in minutes.

    Let V be the virtual waiting time, the wait a customer would have if infinitely patient.
    With FIFO and deterministic patience the customers who will abandon never delay anyone, so a
    customer with V <= D starts after V and one with V > D leaves after D.
    """

    wait_mean_all: float
    """E[min(V, D)]: mean time in queue of all customers, served or abandoned."""
    wait_mean_served: float
    """E[V | V <= D]: mean wait of the customers who are served (NaN if none is)."""
    abandon_share: float
    """P(V > D): share of customers who abandon."""
    wait_probability: float
    """P(V > 0): share who find every server busy."""


def mmc_deterministic_patience(
    arrival_rate: float, service_rate: float, servers: int, patience_min: float
) -> PatienceQueue:
    """Waits and abandonment of M/M/c+D (stable at any load: abandonment bounds the queue).

    V has an atom ``P(V = 0) = sum_{n<c} pi_n`` and density ``f(v) = cμ pi_c e^{(λ − cμ)v}``
    (= ``λ pi_{c-1} e^{(λ − cμ)v}``) on ``(0, D]``, ``f(v) = f(D) e^{−cμ(v − D)}`` beyond, with
    ``pi_n = pi_0 (λ/μ)^n / n!`` for ``n <= c``, normalised to total mass 1. Below D the queue
    behaves as M/M/c (only customers with V <= D join it), so for D -> inf this is Erlang C:
    ``P(V > v) = C(c, a) e^{−(cμ − λ)v}``; above D nobody joins and V drains at rate cμ.
    """
    if arrival_rate < 0 or service_rate <= 0 or servers < 1 or patience_min < 0:
        raise ValueError(
            "need arrival_rate >= 0, service_rate > 0, servers >= 1 and patience_min >= 0"
        )
    lam, c, d = arrival_rate, servers, patience_min
    cmu = c * service_rate
    load = lam / service_rate
    # pi_n / pi_0 for n = 0..c, by the stable recursion a^n / n! = (a^{n-1} / (n-1)!) * a / n.
    pi = [1.0]
    for n in range(1, c + 1):
        pi.append(pi[-1] * load / n)
    atom = math.fsum(pi[:c])
    theta = lam - cmu
    # Everything is scaled by e^{-max(θD, 0)} so that an overloaded queue (θ > 0) with a long
    # patience does not overflow; the ratios below are unchanged.
    f0 = cmu * pi[c]  # density of V at 0+
    if abs(theta * d) < 1e-8:  # e^{θv} ≈ 1 + θv on [0, D]
        scale, i1, i2 = 1.0, d + theta * d * d / 2, d * d / 2 + theta * d**3 / 3
        tail = f0 * (1 + theta * d) / cmu
    elif theta < 0:
        e = math.exp(theta * d)
        scale, i1, i2 = 1.0, (e - 1) / theta, (e * (theta * d - 1) + 1) / theta**2
        tail = f0 * e / cmu  # mass beyond D
    else:
        e = math.exp(-theta * d)  # the scale
        scale, i1, i2 = e, (1 - e) / theta, (theta * d - 1 + e) / theta**2
        tail = f0 / cmu
    total = atom * scale + f0 * i1 + tail
    abandon = tail / total
    served_wait = f0 * i2 / total  # E[V; 0 < V <= D]
    atom_share = atom * scale / total
    return PatienceQueue(
        wait_mean_all=served_wait + d * abandon,
        wait_mean_served=served_wait / (1 - abandon) if abandon < 1 else math.nan,
        abandon_share=abandon,
        wait_probability=1 - atom_share,
    )
