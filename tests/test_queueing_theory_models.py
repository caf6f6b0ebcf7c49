"""Unit tier for the models of :mod:`carecap.analysis.queueing` with abandonment, finitely many
sources and shifts (Erlang A, machine repair, M/M/c(t)): each against a computation written here
independently of the module — the place-in-queue recursion and matrix exponentials of the tagged
customer's chain for Erlang A, brute-force event simulations in plain Python for the machine-repair
and shift models — at several parameter points, with their limits (Erlang C and B, N → ∞)."""

from __future__ import annotations

import heapq
import math

import numpy as np
import pytest
from scipy import integrate, linalg, stats
from theory_checks import t_interval

from carecap.analysis import queueing_theory as qt

# --- Erlang A --------------------------------------------------------------------------------


def erlang_a_by_place(lam: float, mu: float, c: int, theta: float, n_max: int = 3_000):
    """Stationary M/M/c+M by the place-in-queue recursion: an arrival at place j moves up at rate
    cμ + (j − 1)θ and leaves at rate θ. Returns (π over n, abandon, wait_all, wait_served)."""
    n = np.arange(n_max + 1)
    death = np.minimum(n, c) * mu + np.maximum(n - c, 0) * theta
    log_pi = np.concatenate([[0.0], np.cumsum(np.log(lam) - np.log(death[1:]))])
    pi = np.exp(log_pi - log_pi.max())
    pi /= pi.sum()
    served = np.ones(n_max + 1)  # P(served | arrival finds n)
    wait_served = np.zeros(n_max + 1)  # E[wait · 1{served} | arrival finds n]
    p, m = 1.0, 0.0
    for j in range(1, n_max - c + 2):
        up, total = c * mu + (j - 1) * theta, c * mu + j * theta
        p, m = up / total * p, up / total * (p / total + m)
        served[c + j - 1], wait_served[c + j - 1] = p, m
    p_served = float((pi * served).sum())
    queue_mean = float((np.maximum(n - c, 0) * pi).sum())
    return pi, 1 - p_served, queue_mean / lam, float((pi * wait_served).sum()) / p_served


def tagged_chain_tails(lam, mu, c, theta, t):
    """P(V > t) and P(served within t) from matrix exponentials of the tagged arrival's chain
    (place j = 1, 2, ...; moves up at cμ + (j − 1)θ, abandons at θ), over the places an arrival
    takes with probability above 1e-15."""
    pi, *_ = erlang_a_by_place(lam, mu, c, theta)
    places = int(np.flatnonzero(pi[c:] > 1e-15)[-1]) + 1
    arrive = pi[c : c + places]  # finds c + j − 1: place j
    up = c * mu + np.arange(places) * theta
    # offered wait: pure death chain, absorbed at service
    g = np.diag(-up) + np.diag(up[1:], -1)
    still_waiting = linalg.expm(g * t) @ np.ones(places)
    # with patience: transient places, then absorbing "served" (index places)
    h = np.zeros((places + 1, places + 1))
    h[:places, :places] = np.diag(-(up + theta)) + np.diag(up[1:], -1)
    h[0, places] = up[0]
    served_by_t = linalg.expm(h * t)[:places, places]
    no_wait = pi[:c].sum()
    return float(arrive @ still_waiting), no_wait + float(arrive @ served_by_t)


ERLANG_A = [  # λ, μ, c, θ (per minute)
    (1.0, 1 / 4.4, 4, 1 / 5.0),  # overloaded ρ = 1.1
    (1.0, 1 / 1.8, 2, 1 / 3.0),  # ρ = 0.9
    (0.5, 1.0, 1, 2.0),  # c = 1, impatient
    (20.0, 1 / 3.0, 55, 0.1),  # many servers, ρ = 1.09
]


@pytest.mark.parametrize(("lam", "mu", "c", "theta"), ERLANG_A)
def test_erlang_a_matches_the_place_in_queue_recursion(lam, mu, c, theta):
    pi, abandon, wait_all, wait_served = erlang_a_by_place(lam, mu, c, theta)
    q = qt.erlang_a(lam, mu, c, theta)
    assert q.wait_probability == pytest.approx(pi[c:].sum(), rel=1e-9)
    assert q.abandon_share == pytest.approx(abandon, rel=1e-8)
    assert q.wait_mean_all == pytest.approx(wait_all, rel=1e-8)
    assert q.wait_mean_served == pytest.approx(wait_served, rel=1e-8)


@pytest.mark.parametrize(("lam", "mu", "c", "theta"), ERLANG_A)
@pytest.mark.parametrize("t", [0.3, 2.0, 7.0])
def test_erlang_a_tails_match_the_tagged_chain(lam, mu, c, theta, t):
    offered, served_within = tagged_chain_tails(lam, mu, c, theta, t)
    q = qt.erlang_a(lam, mu, c, theta)
    assert q.offered_wait_tail(t) == pytest.approx(offered, rel=1e-7, abs=1e-12)
    assert q.served_within(t) == pytest.approx(served_within, rel=1e-7)
    assert q.wait_tail(t) == pytest.approx(math.exp(-theta * t) * offered, rel=1e-7, abs=1e-12)


def test_erlang_a_tail_ends():
    q = qt.erlang_a(1.0, 1 / 4.4, 4, 0.2)
    assert q.offered_wait_tail(0.0) == pytest.approx(q.wait_probability)
    assert q.served_within(1e6) == pytest.approx(1 - q.abandon_share)
    # the mean time in queue is the integral of its tail
    area, _ = integrate.quad(q.wait_tail, 0, np.inf, limit=200)
    assert area == pytest.approx(q.wait_mean_all, rel=1e-6)


def test_erlang_a_limits_are_erlang_c_and_erlang_b():
    lam, mu, c = 1.0, 0.3, 4
    patient = qt.erlang_a(lam, mu, c, 1e-9)
    assert patient.wait_mean_all == pytest.approx(qt.mmc_mean_wait(lam, mu, c), rel=1e-6)
    assert patient.wait_probability == pytest.approx(qt.mmc_wait_probability(lam, mu, c))
    assert patient.offered_wait_tail(2.0) == pytest.approx(qt.mmc_wait_tail(lam, mu, c, 2.0))
    impatient = qt.erlang_a(lam, mu, c, 1e7)  # whoever finds all busy leaves: M/M/c/c
    assert impatient.abandon_share == pytest.approx(qt.erlang_b(c, lam / mu), rel=1e-5)
    flooded = qt.erlang_a(30.0, 1.0, 4, 1e-3)  # ρ = 7.5: nearly all but cμ/λ abandon
    assert flooded.abandon_share == pytest.approx(1 - 4 / 30, rel=1e-3)


def test_erlang_a_refuses_no_patience():
    with pytest.raises(ValueError, match="abandon_rate > 0"):
        qt.erlang_a(1.0, 1.0, 2, 0.0)


# --- finite source (machine repair) ----------------------------------------------------------


def machine_repair_by_events(n, lam, mu, c, requests, rng):
    """FIFO machine repair, event by event: (mean wait, share waiting, utilisation) per batch."""
    due = [float(x) for x in rng.exponential(1 / lam, n)]  # each source's next request
    heapq.heapify(due)
    free = [0.0] * c  # servers' next-free times
    out = []
    for batch in range(11):
        waits, busy, start_t = [], 0.0, due[0]
        for _ in range(requests):
            t = heapq.heappop(due)
            begin = max(t, free[0])
            end = begin + rng.exponential(1 / mu)
            heapq.heapreplace(free, end)
            waits.append(begin - t)
            busy += end - begin
            heapq.heappush(due, end + rng.exponential(1 / lam))
        if batch:  # the first batch is the warm-up
            w = np.array(waits)
            out.append((w.mean(), (w > 0).mean(), busy / (c * (due[0] - start_t))))
    return out


@pytest.mark.parametrize(
    ("n", "lam", "mu", "c"),
    [(20, 1 / 60, 1 / 10, 3), (6, 0.2, 0.5, 1), (50, 0.01, 0.1, 4)],
)
def test_machine_repair_matches_an_event_simulation(n, lam, mu, c):
    q = qt.finite_source_mmc(n, lam, mu, c)
    batches = machine_repair_by_events(n, lam, mu, c, 20_000, np.random.default_rng(7))
    for i, (value, what) in enumerate(
        [(q.wait_mean, "W_q"), (q.wait_probability, "P(wait)"), (q.utilisation, "utilisation")]
    ):
        lo, hi = t_interval([b[i] for b in batches], confidence=0.999)
        # utilisation by completion time is biased by at most one job per batch
        slack = 1e-3 * value if i == 2 else 0.0
        assert lo - slack <= value <= hi + slack, f"{what}: {value} outside [{lo}, {hi}]"


def test_machine_repair_consistency_and_limits():
    q = qt.finite_source_mmc(20, 1 / 60, 1 / 10, 3)
    assert q.throughput_per_min == pytest.approx(3 * (1 / 10) * q.utilisation)  # flow balance
    assert q.wait_tail(0.0) == pytest.approx(q.wait_probability)
    area, _ = integrate.quad(q.wait_tail, 0, np.inf, limit=200)
    assert area == pytest.approx(q.wait_mean, rel=1e-6)
    none = qt.finite_source_mmc(3, 1.0, 0.1, 3)  # a server for every source: nobody waits
    assert none.wait_mean == 0 and none.wait_probability == 0
    one = qt.finite_source_mmc(1, 0.2, 0.5, 1)  # alternating renewal: busy λ/(λ + μ)
    assert one.utilisation == pytest.approx(0.2 / 0.7) and one.wait_mean == 0
    many = qt.finite_source_mmc(100_000, 2.0 / 100_000, 1 / 1.5, 4)  # N → ∞: M/M/c
    assert many.wait_mean == pytest.approx(qt.mmc_mean_wait(2.0, 1 / 1.5, 4), rel=1e-3)
    loaded = qt.finite_source_mmc(10, 10.0, 1.0, 2)  # overloaded sources: servers always busy
    assert loaded.utilisation == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="sources >= 1"):
        qt.finite_source_mmc(0, 1.0, 1.0, 1)


# --- shift schedule --------------------------------------------------------------------------


def shift_queue_by_events(lam, mu, steps, days, rng):
    """M/M/c(t) event by event: servers finish their job when their shift ends; per-day
    (mean wait of that day's arrivals, time-average queue, busy / on-shift time)."""
    starts = [s for s, _ in steps]
    t, b, queue, out = 0.0, 0, [], []
    for _ in range(days):
        day0 = t
        waits, area_q, area_b, shift = [], 0.0, 0.0, 0.0
        for i, (_, s) in enumerate(steps):
            end = day0 + (starts[i + 1] if i + 1 < len(steps) else 1440.0)
            while queue and b < s:  # servers joining take waiting requests
                waits.append(t - queue.pop(0))
                b += 1
            shift += s * (end - t)
            while True:
                rate = lam + b * mu
                dt = rng.exponential(1 / rate)
                if t + dt >= end:
                    area_q, area_b = area_q + len(queue) * (end - t), area_b + b * (end - t)
                    t = end
                    break
                area_q, area_b, t = area_q + len(queue) * dt, area_b + b * dt, t + dt
                if rng.random() < lam / rate:  # an arrival
                    if b < s:
                        b += 1
                        waits.append(0.0)
                    else:
                        queue.append(t)
                elif s > 0 and queue and b <= s:  # a completion; the server takes the next
                    waits.append(t - queue.pop(0))
                else:
                    b -= 1
        out.append((np.mean(waits), area_q / 1440.0, area_b / shift))
    return out[5:]


@pytest.mark.parametrize(
    ("lam", "mu", "steps"),
    [
        (0.06, 0.05, [(0, 0), (300, 2), (480, 4), (1320, 0)]),  # off 22:00-05:00
        (0.1, 0.05, [(0, 0), (360, 2), (600, 4)]),  # off until 06:00, all off at midnight
    ],
)
def test_shift_queue_matches_an_event_simulation(lam, mu, steps):
    q = qt.periodic_shift_queue(lam, mu, steps)
    days = shift_queue_by_events(lam, mu, steps, 405, np.random.default_rng(11))
    batches = np.array(days).reshape(20, 20, 3).mean(axis=1)  # 20-day batches
    for i, value in enumerate((q.wait_mean, q.queue_mean, q.utilisation)):
        lo, hi = t_interval(batches[:, i], confidence=0.999)
        assert lo <= value <= hi, f"{i}: {value} outside [{lo}, {hi}]"


@pytest.mark.parametrize(("lam", "mu", "c"), [(0.5, 0.2, 3), (0.7, 1.0, 1)])
def test_constant_shift_is_erlang_c(lam, mu, c):
    q = qt.periodic_shift_queue(lam, mu, [(0, c)], period_min=120.0)
    assert q.wait_mean == pytest.approx(qt.mmc_mean_wait(lam, mu, c), rel=1e-6)
    assert q.wait_probability == pytest.approx(qt.mmc_wait_probability(lam, mu, c), rel=1e-6)
    assert q.utilisation == pytest.approx(qt.mmc_utilisation(lam, mu, c), rel=1e-6)


def test_shift_queue_refuses_what_it_cannot_solve():
    with pytest.raises(ValueError, match="unstable"):
        qt.periodic_shift_queue(0.2, 0.05, [(0, 0), (720, 4)])  # 288 a day, 144 served
    with pytest.raises(ValueError, match="all together"):
        qt.periodic_shift_queue(0.1, 0.05, [(0, 4), (600, 2)])
    with pytest.raises(ValueError, match="all together"):  # 6 -> 4 at midnight
        qt.periodic_shift_queue(0.3, 0.1, [(0, 4), (480, 6)])
    with pytest.raises(ValueError, match="start at 0"):
        qt.periodic_shift_queue(0.1, 0.05, [(60, 4)])


def test_t_interval_helper_is_two_sided():
    lo, hi = t_interval([1.0, 2.0, 3.0], confidence=0.95)
    assert (lo + hi) / 2 == pytest.approx(2.0)
    assert hi - lo == pytest.approx(2 * stats.t.ppf(0.975, 2) * 1.0 / math.sqrt(3))
