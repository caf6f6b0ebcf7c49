"""Closed-form results for Markovian queues, against which the simulator is validated.

MODEL.md §4.9: Markovian special cases must agree with queueing theory. Rates are per minute and
times in minutes: ``arrival_rate`` is λ, ``service_rate`` μ (1 / mean service time), ``servers``
c. All functions need a stable queue, λ < c·μ, and raise ``ValueError`` otherwise.
"""

from __future__ import annotations


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
