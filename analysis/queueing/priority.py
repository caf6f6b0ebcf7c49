"""M/M/c with non-preemptive priority classes and one service rate for all classes (Cobham 1954;
for c servers e.g. Kella & Yechiali 1985). Rates per minute, times in minutes.

Classes are listed highest priority first; class k arrives as a Poisson stream of rate λ_k, FIFO
within a class, and a server that becomes free takes the oldest request of the highest class
waiting. With σ_k = Σ_{i≤k} λ_i / (cμ) and C(c, a) Erlang's C at the total load a = Σλ/μ:

    W_k = C(c, a) / (cμ · (1 − σ_{k−1}) · (1 − σ_k)).

Every class waits at all with the same probability C(c, a) (an arrival waits when it finds every
server busy, whatever its class), and Σ λ_k W_k = λ W_FIFO (the order of service does not change
the work in the system when the service rates are equal).
"""

from __future__ import annotations

from collections.abc import Sequence

from carecap.analysis.queueing.erlang import check_stable, erlang_c


def mmc_priority_mean_waits(
    arrival_rates: Sequence[float], service_rate: float, servers: int
) -> list[float]:
    """Mean time in queue of each class (minutes), highest priority first. Needs the total load
    below c (raises ``ValueError`` otherwise), whatever the split."""
    if not arrival_rates or any(rate < 0 for rate in arrival_rates):
        raise ValueError("need one arrival rate >= 0 per class, highest priority first")
    total = sum(arrival_rates)
    load = check_stable(total, service_rate, servers)
    capacity = servers * service_rate
    base = erlang_c(servers, load) / capacity  # the mean residual work seen, W_0 / (1 − ...)
    waits, above = [], 0.0
    for rate in arrival_rates:
        below = above + rate / capacity
        waits.append(base / ((1 - above) * (1 - below)))
        above = below
    return waits
