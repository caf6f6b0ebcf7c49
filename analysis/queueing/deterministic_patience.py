"""M/M/c+D: FIFO, Poisson arrivals, exponential service, every customer abandons after waiting
a fixed time D (minutes). Stable at any load: abandonment bounds the queue."""

from __future__ import annotations

import math
from dataclasses import dataclass


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
