"""M/M/c (Erlang C) and M/M/c/c (Erlang B): FIFO, Poisson arrivals, exponential service.

Rates are per minute and times in minutes: ``arrival_rate`` is λ, ``service_rate`` μ (1 / mean
service time), ``servers`` c, the offered load a = λ/μ in erlangs. The M/M/c functions need a
stable queue, λ < c·μ, and raise ``ValueError`` otherwise.
"""

from __future__ import annotations

import math


def check_stable(arrival_rate: float, service_rate: float, servers: int) -> float:
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
    return check_stable(arrival_rate, service_rate, servers) / servers


def mmc_mean_wait(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Mean time in queue W_q = C(c, a) / (c·μ − λ), in minutes."""
    load = check_stable(arrival_rate, service_rate, servers)
    return erlang_c(servers, load) / (servers * service_rate - arrival_rate)


def mmc_mean_queue_length(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Time-average number waiting L_q = λ · W_q (Little's law)."""
    return arrival_rate * mmc_mean_wait(arrival_rate, service_rate, servers)


def mmc_wait_probability(arrival_rate: float, service_rate: float, servers: int) -> float:
    """Share of arrivals that wait at all (Erlang C)."""
    return erlang_c(servers, check_stable(arrival_rate, service_rate, servers))


def mmc_wait_tail(arrival_rate: float, service_rate: float, servers: int, wait_min: float) -> float:
    """P(W_q > t) = C(c, a) · e^{−(cμ − λ) t}: the share of arrivals waiting longer than
    ``wait_min`` (t ≥ 0; at t = 0 this is the probability of waiting at all)."""
    if wait_min < 0:
        raise ValueError(f"need wait_min >= 0, got {wait_min:g}")
    load = check_stable(arrival_rate, service_rate, servers)
    return erlang_c(servers, load) * math.exp(-(servers * service_rate - arrival_rate) * wait_min)


def mmc_mean_wait_of_waiting(arrival_rate: float, service_rate: float, servers: int) -> float:
    """E[W_q | W_q > 0] = 1 / (cμ − λ): the mean wait of those who wait at all, in minutes."""
    check_stable(arrival_rate, service_rate, servers)
    return 1.0 / (servers * service_rate - arrival_rate)


def mmc_wait_quantile(
    arrival_rate: float, service_rate: float, servers: int, probability: float
) -> float:
    """The q-quantile of W_q (minutes): 0 when P(W_q > 0) <= 1 − q, else the t with
    P(W_q > t) = 1 − q."""
    if not 0 < probability < 1:
        raise ValueError(f"need 0 < probability < 1, got {probability:g}")
    load = check_stable(arrival_rate, service_rate, servers)
    delay = erlang_c(servers, load)
    if delay <= 1 - probability:
        return 0.0
    return math.log(delay / (1 - probability)) / (servers * service_rate - arrival_rate)


def mm1_mean_wait(arrival_rate: float, service_rate: float) -> float:
    """W_q of M/M/1: ρ / (μ − λ), the c = 1 case written out (a cross-check of Erlang C)."""
    check_stable(arrival_rate, service_rate, 1)
    rho = arrival_rate / service_rate
    return rho / (service_rate - arrival_rate)
