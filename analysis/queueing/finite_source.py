"""Finite-source M/M/c (the machine-repair model): N sources, each asking for service at rate λ
while it is not in the system (idle), c servers with exponential service μ, FIFO. Rates per
minute, times in minutes. Stable at any load: at most N are ever in the system.

The number in the system is a birth–death chain with births (N − n)λ and deaths min(n, c)μ. An
arrival sees n with probability proportional to (N − n) π_n (arrival theorem); one that finds
n ≥ c waits for n − c + 1 service completions at rate cμ (nobody can overtake it), an
Erlang(n − c + 1, cμ) time. Throughput λ_eff = λ(N − L), and W_q = L_q / λ_eff (Little).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import special


@dataclass(frozen=True)
class FiniteSourceQueue:
    """Stationary finite-source M/M/c (times in minutes)."""

    wait_mean: float
    """Mean time in queue of the requests made (W_q)."""
    wait_probability: float
    """Share of requests that find every server busy."""
    utilisation: float
    """Mean number of busy servers / c."""
    queue_mean: float
    """Time-average number waiting (L_q)."""
    throughput_per_min: float
    """Requests made (and served) per minute, λ(N − L)."""
    servers: int
    service_rate: float
    arrival_view: np.ndarray = field(repr=False)
    """P(a request finds n in the system), n = 0..N − 1."""

    def wait_tail(self, wait_min: float) -> float:
        """P(W_q > t): share of requests waiting longer than t minutes."""
        n = np.arange(len(self.arrival_view))
        busy = n >= self.servers
        stages = n[busy] - self.servers + 1
        rate = self.servers * self.service_rate
        tail = special.gammaincc(stages, rate * wait_min) if wait_min > 0 else 1.0
        return float(np.sum(self.arrival_view[busy] * tail))


def finite_source_mmc(
    sources: int, arrival_rate_per_source: float, service_rate: float, servers: int
) -> FiniteSourceQueue:
    """The machine-repair model: ``sources`` N ≥ 1, each asking at ``arrival_rate_per_source`` λ
    per minute while idle; ``servers`` c ≥ 1 with service rate μ."""
    if sources < 1 or arrival_rate_per_source <= 0 or service_rate <= 0 or servers < 1:
        raise ValueError(
            "need sources >= 1, arrival_rate_per_source > 0, service_rate > 0 and servers >= 1"
        )
    n = np.arange(sources + 1)
    # log π_n − log π_0: Σ_{m=1..n} log((N − m + 1)λ / (min(m, c)μ))
    steps = np.log((sources - n[1:] + 1) * arrival_rate_per_source) - np.log(
        np.minimum(n[1:], servers) * service_rate
    )
    log_pi = np.concatenate([[0.0], np.cumsum(steps)])
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    in_system = float(np.sum(n * pi))
    queue = float(np.sum(np.maximum(n - servers, 0) * pi))
    busy = float(np.sum(np.minimum(n, servers) * pi))
    throughput = arrival_rate_per_source * (sources - in_system)
    view = (sources - n[:-1]) * pi[:-1]
    view /= view.sum()
    return FiniteSourceQueue(
        wait_mean=queue / throughput,
        wait_probability=float(view[servers:].sum()),
        utilisation=busy / servers,
        queue_mean=queue,
        throughput_per_min=throughput,
        servers=servers,
        service_rate=service_rate,
        arrival_view=view,
    )
