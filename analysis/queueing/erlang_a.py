"""Erlang A (M/M/c+M): FIFO, Poisson arrivals (λ), exponential service (μ), c servers, and each
customer abandons after an exponential patience of rate θ (mean patience 1/θ). Rates per minute,
times in minutes. Stable at any load: abandonment bounds the queue.

The number in system is a birth–death chain, births λ, deaths min(n, c)μ + (n − c)⁺θ, so
``π_n ∝ a^n / n!`` for n ≤ c and ``π_{c+k} = π_c Π_{i=1..k} λ / (cμ + iθ)``. An arrival sees π
(PASTA). One who finds k others waiting has the *offered* wait V_k (the wait it would have with
infinite patience): the k + 1 departures from the queue ahead of it happen at rates cμ + jθ,
j = k, ..., 0, a sum of exponentials with rates θ(β + i), i = 0..k, β = cμ/θ, so that
``1 − e^{−θ V_k} ~ Beta(k + 1, β)`` (its Laplace transform is ``Π (β + i)/(β + i + s/θ)``). With
its own patience τ ~ Exp(θ) independent of V:

- P(served | k) = E[e^{−θ V_k}] = β / (β + k + 1);
- E[V_k; served] = β / (β + k + 1) · (1/θ) Σ_{i=1..k+1} 1 / (β + i);
- P(V_k > t) = 1 − I_x(k + 1, β) and P(V_k ≤ t, served) = β / (β + k + 1) · I_x(k + 1, β + 1),
  with x = 1 − e^{−θt} and I the regularised incomplete beta function;
- the time in queue of everyone is min(V, τ), so P(W > t) = e^{−θt} P(V > t), its mean is
  E[queue] / λ (Little) and the abandonment share θ · E[queue] / λ.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from scipy import special

_NEGLIGIBLE_LOG = -60.0  # terms below e^-60 of the largest are dropped


@dataclass(frozen=True)
class ErlangAQueue:
    """Stationary M/M/c+M seen by an arrival (times in minutes)."""

    wait_probability: float
    """P(V > 0): share of arrivals that find every server busy."""
    abandon_share: float
    """Share of arrivals that abandon."""
    wait_mean_all: float
    """E[min(V, τ)]: mean time in queue of all arrivals, served or abandoned."""
    wait_mean_served: float
    """E[V | served]: mean wait of the arrivals that are served."""
    queue_mean: float
    """Time-average number waiting."""
    abandon_rate: float
    beta: float
    """cμ/θ."""
    queue_probs: np.ndarray = field(repr=False)
    """P(an arrival finds c + k in the system), k = 0, 1, ..."""

    def offered_wait_tail(self, wait_min: float) -> float:
        """P(V > t): share of arrivals whose offered wait exceeds t minutes."""
        k = np.arange(len(self.queue_probs))
        x = -math.expm1(-self.abandon_rate * wait_min)
        return float(np.sum(self.queue_probs * special.betaincc(k + 1, self.beta, x)))

    def wait_tail(self, wait_min: float) -> float:
        """P(min(V, τ) > t): share of arrivals still in the queue t minutes after arriving."""
        return math.exp(-self.abandon_rate * wait_min) * self.offered_wait_tail(wait_min)

    def served_within(self, wait_min: float) -> float:
        """Share of arrivals served with a wait of at most t minutes (the engine's on-time rate
        with target t: abandoned requests are late)."""
        k = np.arange(len(self.queue_probs))
        x = -math.expm1(-self.abandon_rate * wait_min)
        served = self.beta / (self.beta + k + 1) * special.betainc(k + 1, self.beta + 1, x)
        return 1 - self.wait_probability + float(np.sum(self.queue_probs * served))


def _log_weights(arrival_rate: float, service_rate: float, servers: int, rate: float):
    """log π_n (unnormalised) for n = 0..c, and for k = 0..K of n = c + k (k = 0 repeated)."""
    load = arrival_rate / service_rate
    n = np.arange(servers + 1)
    low = n * math.log(load) - special.gammaln(n + 1)
    cmu = servers * service_rate
    # terms grow while λ > cμ + kθ; go on past the peak until they are negligible
    peak = max(0, math.ceil((arrival_rate - cmu) / rate))
    k_max = peak + 50 + int(20 * math.sqrt(peak + arrival_rate / rate + 1))
    while True:
        k = np.arange(1, k_max + 1)
        steps = np.log(arrival_rate) - np.log(cmu + k * rate)
        high = low[-1] + np.concatenate([[0.0], np.cumsum(steps)])
        if high[-1] - max(high.max(), low.max()) < _NEGLIGIBLE_LOG:
            return low, high
        k_max *= 2


def erlang_a(
    arrival_rate: float, service_rate: float, servers: int, abandon_rate: float
) -> ErlangAQueue:
    """Waits and abandonment of M/M/c+M; ``abandon_rate`` θ > 0 per minute (for θ = 0 use the
    Erlang C functions, which need λ < cμ)."""
    if arrival_rate <= 0 or service_rate <= 0 or servers < 1 or abandon_rate <= 0:
        raise ValueError(
            "need arrival_rate > 0, service_rate > 0, servers >= 1 and abandon_rate > 0 "
            "(for abandon_rate 0, use the Erlang C functions)"
        )
    low, high = _log_weights(arrival_rate, service_rate, servers, abandon_rate)
    top = max(low.max(), high.max())
    below = np.exp(low[:-1] - top)  # n < c: no wait
    queue = np.exp(high - top)  # n = c + k
    total = below.sum() + queue.sum()
    below, queue = below / total, queue / total
    k = np.arange(len(queue))
    beta = servers * service_rate / abandon_rate
    queue_mean = float(np.sum(k * queue))
    abandon = abandon_rate * queue_mean / arrival_rate
    harmonic = np.cumsum(1.0 / (beta + k + 1))  # Σ_{i=1..k+1} 1/(β + i)
    served_wait = float(np.sum(queue * beta / (beta + k + 1) * harmonic)) / abandon_rate
    return ErlangAQueue(
        wait_probability=float(queue.sum()),
        abandon_share=abandon,
        wait_mean_all=queue_mean / arrival_rate,
        wait_mean_served=served_wait / (1 - abandon),
        queue_mean=queue_mean,
        abandon_rate=abandon_rate,
        beta=beta,
        queue_probs=queue,
    )
